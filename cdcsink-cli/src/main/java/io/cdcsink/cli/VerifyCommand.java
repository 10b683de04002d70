package io.cdcsink.cli;

import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.mysql.MySqlConn;
import io.cdcsink.verify.Reports;
import io.cdcsink.verify.TableResult;
import io.cdcsink.verify.Verifier;
import io.cdcsink.verify.VerifyOptions;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cdc-sink verify}: compares the source's tables with the target's, in key-ordered chunks that each database
 * hashes itself ({@link Verifier}). Exit code 0 when every table is equal, 1 when one differs, 2 for bad flags or an
 * error (a connection that fails, a query the server refuses).
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "compare the source's tables with the target's, chunk by chunk, hashed in each database;"
                + " exit 0 when equal, 1 when different, 2 on errors")
final class VerifyCommand implements Callable<Integer> {
    static final int DIFFERENT = 1;
    static final int ERROR = 2;

    @Option(names = "--sourceConn", required = true, converter = FileValue.class,
            description = "the source: postgresql://... or mysql://... (as the replicating command's --sourceConn)")
    String sourceConn;

    @Option(names = "--sourceSchema",
            description = "the source schema (PostgreSQL, default \"public\") or database (MySQL/MariaDB, required)")
    String sourceSchema;

    @Option(names = "--targetConn", required = true, converter = FileValue.class,
            description = "the target PostgreSQL server")
    String targetConn;

    @Option(names = "--targetDB", required = true, description = "the target database")
    String targetDB;

    @Option(names = "--targetSchema", defaultValue = "public",
            description = "the target schema (default \"${DEFAULT-VALUE}\")")
    String targetSchema;

    @Option(names = "--tables", split = ",", description = "only these tables (default: every table of the source"
            + " schema); repeatable or comma-separated")
    List<String> tables = new ArrayList<>();

    @Option(names = "--chunkRows", defaultValue = "10000",
            description = "rows per compared chunk (default ${DEFAULT-VALUE})")
    int chunkRows;

    @Option(names = "--rowsPerSecond", defaultValue = "0",
            description = "read at most this many source rows per second; 0 for no limit (default ${DEFAULT-VALUE})")
    long rowsPerSecond;

    @Option(names = "--live", defaultValue = "0", converter = GoDuration.class,
            description = "while replication runs: compare the rows of a differing chunk again after this long, up"
                    + " to three times, before reporting them, e.g. 5s; and wait for tables a snapshot load is still"
                    + " copying; 0 for a one-time comparison (default ${DEFAULT-VALUE})")
    Duration live;

    @Option(names = "--maxDifferences", defaultValue = "100",
            description = "list at most this many differing rows per table; all are counted (default"
                    + " ${DEFAULT-VALUE})")
    int maxDifferences;

    @Option(names = "--format", defaultValue = "text",
            description = "text (a table for people) or json (default \"${DEFAULT-VALUE}\")")
    String format;

    @Option(names = "--stagingDB", defaultValue = TargetConfig.DEFAULT_STAGING,
            description = "the schema in the target database that stores cdc-sink's metadata, where verify sees a"
                    + " snapshot load still copying a table (default \"${DEFAULT-VALUE}\")")
    String stagingDB;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, not '"
                    + format + "'");
        }
        VerifyOptions options = PreflightCommand.flags(spec, () -> new VerifyOptions(chunkRows, rowsPerSecond, live,
                maxDifferences, stagingDB));
        boolean mysql = sourceConn.startsWith("mysql://") || sourceConn.startsWith("mariadb://");
        if (mysql && sourceSchema == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--sourceSchema is required for a MySQL/MariaDB source: the database to compare");
        }
        ConnectionString target = PreflightCommand.flags(spec, () -> ConnectionString.parse("--targetConn",
                targetConn));
        PrintStream err = System.err;
        Progress progress = new Progress(err);
        List<TableResult> results;
        try (Connection s = mysql ? PreflightCommand.flags(spec, () -> MySqlConn.parse(sourceConn)).open()
                : postgres(PreflightCommand.flags(spec, () -> ConnectionString.parse("--sourceConn", sourceConn)));
             Connection t = DriverManager.getConnection(target.jdbcUrl(targetDB))) {
            results = new Verifier(s, t, options).verify(sourceSchema != null ? sourceSchema : "public",
                    targetSchema, tables, progress::rows, progress::notice);
        } catch (SQLException e) {
            err.println("cdc-sink: verify failed: " + CommandFailure.oneLine(e));
            return ERROR;
        }
        progress.done();
        System.out.print(format.equals("json") ? Reports.json(results) : Reports.text(results));
        return Reports.equal(results) ? 0 : DIFFERENT;
    }

    private static Connection postgres(ConnectionString source) throws SQLException {
        return DriverManager.getConnection(source.jdbcUrl(source.defaultDatabase()));
    }

    /** A line on stderr every 10 s while comparing: rows compared and the rate. */
    private static final class Progress {
        private final PrintStream err;
        private final long start = System.nanoTime();
        private long last = start;
        private long rows;

        Progress(PrintStream err) {
            this.err = err;
        }

        void rows(long total) {
            rows = total;
            long now = System.nanoTime();
            if (now - last >= 10_000_000_000L) {
                last = now;
                err.printf("verify: %,d source rows compared, %,.0f rows/s%n", rows, rows / ((now - start) / 1e9));
            }
        }

        /** A line saying what verify waits for. */
        void notice(String line) {
            err.println("verify: " + line);
        }

        void done() {
            double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
            err.printf("verify: %,d source rows compared in %.1f s (%,.0f rows/s)%n", rows, seconds, rows / seconds);
        }
    }
}
