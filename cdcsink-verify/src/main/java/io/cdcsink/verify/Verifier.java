package io.cdcsink.verify;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@code cdc-sink verify}: compares the tables of a source schema (a PostgreSQL schema, or a MySQL/MariaDB database)
 * with the tables of the same names in a target PostgreSQL schema, table by table ({@link TableVerifier}).
 * The connections are the caller's; this opens nothing.
 *
 * <p>A target table that a cdc-sink snapshot load is still copying ({@link LoadWatch}) is not compared while it is:
 * with {@code --live} verify waits for the load to let go of it, then compares it (re-checking as usual); without,
 * it reports the table as still being copied, which counts as a difference.
 */
public final class Verifier {
    private final Connection source;
    private final Connection target;
    private final VerifyOptions options;

    public Verifier(Connection source, Connection target, VerifyOptions options) {
        this.source = source;
        this.target = target;
        this.options = options;
    }

    /**
     * Compares the named tables (all base tables of the source schema when {@code tables} is empty).
     *
     * @param progress told the source rows read so far, after each chunk
     */
    public List<TableResult> verify(String sourceSchema, String targetSchema, List<String> tables,
                                    LongConsumer progress) throws SQLException, InterruptedException {
        return verify(sourceSchema, targetSchema, tables, progress, line -> { });
    }

    /**
     * Compares the named tables (all base tables of the source schema when {@code tables} is empty).
     *
     * @param progress told the source rows read so far, after each chunk
     * @param notices  told what verify waits for, e.g. a snapshot load still copying a table (at most a line every
     *                 10 s per table)
     */
    public List<TableResult> verify(String sourceSchema, String targetSchema, List<String> tables,
                                    LongConsumer progress, Consumer<String> notices)
            throws SQLException, InterruptedException {
        Side src = Side.of(source);
        Side dst = Side.of(target);
        if (!(dst instanceof PostgresSide)) {
            throw new SQLException("the target must be PostgreSQL (verify compares into cdc-sink's target types)");
        }
        src.prepare(source);
        dst.prepare(target);
        List<String> names = tables.isEmpty() ? src.tables(source, sourceSchema) : tables;
        if (names.isEmpty()) {
            throw new SQLException("the source has no tables in " + sourceSchema);
        }
        Pacer pacer = new Pacer(options.rowsPerSecond(), progress);
        TableVerifier verifier = new TableVerifier(source, src, target, dst, options, pacer);
        LoadWatch loads = new LoadWatch(target, options.stagingSchema());
        List<TableResult> results = new ArrayList<>();
        for (String name : names) {
            TableShape s = src.shape(source, sourceSchema, name);
            TableShape d = dst.shape(target, targetSchema, name);
            if (s.columns().isEmpty()) {
                results.add(TableResult.problem(s.label(), d.label(), List.of("the source has no table " + s.label())));
                continue;
            }
            if (options.live().isZero()) {
                Optional<LoadWatch.Copying> copying = loads.copying(targetSchema, name);
                if (copying.isPresent()) {
                    results.add(TableResult.problem(s.label(), d.label(), List.of(copying.get().problem())));
                    continue;
                }
            } else if (loads.await(targetSchema, name, notices)) {
                notices.accept(d.label() + " is loaded; comparing it");
                d = dst.shape(target, targetSchema, name);
            }
            List<String> problems = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            Optional<TableVerifier.Plan> plan = TableVerifier.plan(s, d, problems, notes);
            if (plan.isEmpty()) {
                results.add(TableResult.problem(s.label(), d.label(), problems));
                continue;
            }
            results.add(verifier.verify(plan.get(), problems, notes));
        }
        return results;
    }
}
