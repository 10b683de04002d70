package io.cdcsink.cli;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.DeadLetters;
import io.cdcsink.engine.DeadLetters.DeadLetter;
import io.cdcsink.engine.DeadLetters.Filter;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cdc-sink deadletters list|retry|discard}: the rows a target refused under {@code --onApplyError deadletter},
 * kept in {@code <targetDB>._cdc_sink.dead_letters}. {@code retry} applies them again in the order they were set
 * aside (for each key its source order), each
 * with its removal in one transaction, once the operator fixed the cause; a row still refused stays, and so do the
 * later rows of its key (they would otherwise overwrite it out of order). Exit code 0 when every selected row was
 * retried (or listed, or discarded), 1 when some are still refused, 2 for bad flags.
 */
@Command(name = "deadletters", mixinStandardHelpOptions = true,
        description = "list, retry or discard the rows a target refused under --onApplyError deadletter",
        subcommands = {DeadLettersCommand.List.class, DeadLettersCommand.Retry.class,
            DeadLettersCommand.Discard.class})
final class DeadLettersCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name what to do: deadletters list|retry|discard [flags]");
    }

    /** The flags every subcommand takes: where the dead letters are and which of them. */
    static final class Flags {
        @Option(names = "--targetConn", required = true, converter = FileValue.class,
                description = "the target database server (as the replicating command's --targetConn or --conn)")
        String targetConn;

        @Option(names = "--targetDB",
                description = "the database whose dead letters to use (default: the connection's database)")
        String targetDB;

        @Option(names = "--stagingDB", defaultValue = TargetConfig.DEFAULT_STAGING,
                description = "the schema holding cdc-sink's tables (default \"${DEFAULT-VALUE}\")")
        String stagingDB;

        @Option(names = "--table", paramLabel = "schema.table", description = "only the rows of this target table")
        String table;

        @Option(names = "--id", split = ",", description = "only these dead letters; repeatable or comma-separated")
        java.util.List<Long> ids = new ArrayList<>();

        @Option(names = "--olderThan", converter = GoDuration.class,
                description = "only rows set aside at least this long ago, e.g. 1h")
        Duration olderThan;

        ConnectionString connection() {
            return ConnectionString.parse("--targetConn", targetConn);
        }

        String database(ConnectionString conn) {
            return targetDB != null ? targetDB : conn.database().orElseThrow(() -> new IllegalArgumentException(
                    "--targetConn names no database: pass --targetDB"));
        }

        Filter filter(String database) {
            Optional<TableName> only = Optional.empty();
            if (table != null) {
                int dot = table.indexOf('.');
                if (dot <= 0 || dot == table.length() - 1 || table.indexOf('.', dot + 1) >= 0) {
                    throw new IllegalArgumentException("--table must be schema.table, not '" + table + "'");
                }
                only = Optional.of(new TableName(database, table.substring(0, dot), table.substring(dot + 1)));
            }
            return new Filter(only, ids, Optional.ofNullable(olderThan));
        }
    }

    /** What a subcommand does with the selected dead letters, on a replicator that only reaches the target. */
    @FunctionalInterface
    interface Action {
        int run(Replicator replicator, String database, java.util.List<DeadLetter> letters, PrintStream out)
                throws Exception;
    }

    static int run(CommandLine.Model.CommandSpec spec, Flags flags, Action action) throws Exception {
        ConnectionString conn = PreflightCommand.flags(spec, flags::connection);
        String database = PreflightCommand.flags(spec, () -> flags.database(conn));
        Filter filter = PreflightCommand.flags(spec, () -> flags.filter(database));
        TargetConfig target = PreflightCommand.flags(spec, () -> new TargetConfig(conn, 2, false, flags.stagingDB,
                Duration.ofSeconds(10), 1));
        try (Replicator r = Replicator.builder().target(target).withoutStaging().start()) {
            java.util.List<DeadLetter> letters = r.service(DeadLetters.class).list(database, filter);
            return action.run(r, database, letters, System.out);
        }
    }

    /** A subcommand: the flags that select dead letters. */
    abstract static class Selecting implements Callable<Integer> {
        @Mixin
        Flags flags;

        @Spec
        CommandLine.Model.CommandSpec spec;
    }

    static String describe(DeadLetter d) {
        return "id=" + d.id() + " table=" + d.table() + " key=" + d.key() + " time=" + d.time() + " at=" + d.at();
    }

    /** {@code deadletters list}: one line per dead letter, then its change and its error. */
    @Command(name = "list", description = "print the selected dead letters in the order they were set aside")
    static final class List extends Selecting {
        @Override
        public Integer call() throws Exception {
            return run(spec, flags, (r, db, letters, out) -> {
                for (DeadLetter d : letters) {
                    out.println(describe(d));
                    out.println("  change: " + d.mutation().orElse("(delete)"));
                    out.println("  error:  " + d.error() + d.sqlState().map(s -> " (SQLSTATE " + s + ")").orElse(""));
                }
                out.println(letters.size() + " dead letter" + (letters.size() == 1 ? "" : "s") + " in " + db);
                return 0;
            });
        }
    }

    /** {@code deadletters retry}: applies them again, in order, removing each one that went through. */
    @Command(name = "retry", description = "apply the selected dead letters again in the order they were set aside"
            + " (for each key its source order) and remove each one that the target accepts")
    static final class Retry extends Selecting {
        @Override
        public Integer call() throws Exception {
            return run(spec, flags, Retry::retry);
        }

        private static int retry(Replicator r, String database, java.util.List<DeadLetter> letters, PrintStream out)
                throws SQLException {
            Applier applier = r.service(Applier.class);
            DeadLetters store = r.service(DeadLetters.class);
            Set<String> stuck = new HashSet<>();
            int retried = 0;
            for (DeadLetter d : letters) {
                String key = d.table() + " " + d.key();
                if (stuck.contains(key)) {
                    out.println("kept    " + describe(d) + ": an earlier change of its key is still refused");
                    continue;
                }
                try (Connection c = r.targetPools().forDatabase(database).getConnection()) {
                    c.setAutoCommit(false);
                    try {
                        applier.forValues(d.format()).apply(c, d.table(),
                                java.util.List.of(new Mutation(d.time(), d.key(), d.mutation())));
                        store.remove(c, database, d.id());
                        c.commit();
                        retried++;
                        out.println("applied " + describe(d));
                    } catch (SQLException | RuntimeException e) {
                        c.rollback();
                        stuck.add(key);
                        out.println("kept    " + describe(d) + ": still refused: " + e.getMessage());
                    }
                }
            }
            out.println(retried + " of " + letters.size() + " dead letters applied in " + database);
            return retried == letters.size() ? 0 : 1;
        }
    }

    /** {@code deadletters discard}: removes them without applying them. */
    @Command(name = "discard", description = "remove the selected dead letters without applying them (needs --table,"
            + " --id, --olderThan or --all)")
    static final class Discard extends Selecting {
        @Option(names = "--all", description = "discard every dead letter of the database")
        boolean all;

        @Override
        public Integer call() throws Exception {
            if (!all && flags.table == null && flags.ids.isEmpty() && flags.olderThan == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "say which dead letters to discard: --table, --id, --olderThan, or --all for every one");
            }
            return run(spec, flags, (r, db, letters, out) -> {
                DeadLetters store = r.service(DeadLetters.class);
                int removed = 0;
                try (Connection c = r.targetPools().forDatabase(db).getConnection()) {
                    for (DeadLetter d : letters) {
                        if (store.remove(c, db, d.id())) {
                            removed++;
                            out.println("discarded " + describe(d));
                        }
                    }
                }
                out.println(removed + " dead letter" + (removed == 1 ? "" : "s") + " discarded in " + db);
                return 0;
            });
        }
    }
}
