package io.cdcsink.testing;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Stager;
import io.cdcsink.engine.TargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A fresh target database per test, with helpers to run SQL, stage in a committed transaction and read metrics: for
 * the tests of the metadata schema, the stager and the resolver, which share their tables.
 *
 * <p>On PostgreSQL ({@code new TestDatabase(prefix)}) cdc-sink's schema is the default, {@code _cdc_sink}, and a
 * target schema is a schema of the fresh database. On MariaDB ({@link #mariaDb}) a schema is a database of the
 * shared server, so both are made unique per test: cdc-sink's schema is {@link #metadataSchema} and the target schema
 * a test calls {@code app} is {@link #schemaName schemaName("app")}, a database of its own.
 */
public final class TestDatabase {
    public final String name;
    public final TargetPools pools;
    /** cdc-sink's schema: {@code _cdc_sink} on PostgreSQL, unique per test on MariaDB. */
    public final String metadataSchema;
    private final boolean mysql;

    public TestDatabase(String prefix) {
        EmbeddedPg pg = EmbeddedPg.shared();
        name = pg.freshDatabase(prefix);
        pools = new TestTargetPools(pg);
        pools.forDatabase(name); // make it known to databases(), as a real pool would list it
        metadataSchema = "_cdc_sink";
        mysql = false;
    }

    private TestDatabase(EmbeddedMariaDb server, String prefix) {
        try {
            name = server.newDatabase(prefix);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a database on the embedded MariaDB", e);
        }
        pools = new MariaDbTargetPools(server);
        pools.forDatabase(name);
        metadataSchema = name + "_cdc";
        mysql = true;
    }

    /** A fresh database on the shared embedded MariaDB, as a MySQL target. */
    public static TestDatabase mariaDb(String prefix) {
        return new TestDatabase(EmbeddedMariaDb.shared(), prefix);
    }

    /** True on MariaDB. */
    public boolean mysql() {
        return mysql;
    }

    /** The real name of the target schema a test calls {@code schema}. */
    public String schemaName(String schema) {
        return mysql ? name + "_" + schema : schema;
    }

    /** Creates the target schema a test calls {@code schema} (see {@link #schemaName}) unless it exists. */
    public void createSchema(String schema) throws SQLException {
        exec("CREATE SCHEMA IF NOT EXISTS " + quote(schemaName(schema)));
    }

    /** An identifier quoted for the product. */
    public String quote(String identifier) {
        return pools.dialect().quote(identifier);
    }

    /** A table of cdc-sink's schema, quoted and qualified. */
    public String meta(String table) {
        return quote(metadataSchema) + "." + quote(table);
    }

    public Connection connect() throws SQLException {
        return pools.forDatabase(name).getConnection();
    }

    public void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public String string(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Creates {@code "<schema>"."<table>" (id INT PRIMARY KEY, v TEXT)} (the schema's real name: {@link #schemaName}). */
    public TableName targetTable(String schema, String table) throws SQLException {
        createSchema(schema);
        exec("CREATE TABLE " + quote(schemaName(schema)) + "." + quote(table) + " (id INT PRIMARY KEY, v TEXT)");
        return new TableName(name, schemaName(schema), table);
    }

    /**
     * Sets one setting of a column in {@code _cdc_sink.apply_config}, in the documented PostgreSQL form of the spec's
     * {@code UPSERT} examples; {@code value} is SQL text.
     */
    public void configure(TableName table, String column, String setting, String value) throws SQLException {
        if (mysql) {
            exec("INSERT INTO " + meta("apply_config") + " (target_db, target_schema, target_table, target_column, "
                    + quote(setting) + ") VALUES ('" + table.database() + "', '" + table.schema() + "', '"
                    + table.table() + "', '" + column + "', " + value + ") ON DUPLICATE KEY UPDATE " + quote(setting)
                    + " = VALUES(" + quote(setting) + ")");
            return;
        }
        exec("INSERT INTO _cdc_sink.apply_config (target_db, target_schema, target_table, target_column, " + setting
                + ") VALUES ('" + table.database() + "', '" + table.schema() + "', '" + table.table() + "', '" + column
                + "', " + value + ") ON CONFLICT (target_db, target_schema, target_table, target_column) DO UPDATE SET "
                + setting + " = excluded." + setting);
    }

    /** The target schema a test calls {@code schema} (see {@link #schemaName}). */
    public SchemaName schema(String schema) {
        return new SchemaName(name, schemaName(schema));
    }

    public void stage(Stager stager, TableName table, List<Mutation> mutations) throws SQLException {
        try (Connection tx = connect()) {
            tx.setAutoCommit(false);
            stager.stage(tx, table, mutations);
            tx.commit();
        }
    }

    /**
     * Number of mutations in the staging table of a target table: in every staged batch still there, so a batch that
     * straddles an applied window counts whole until a later window removes it.
     */
    public long stagedRows(TableName table) throws SQLException {
        return count("SELECT coalesce(sum(mutations), 0) FROM " + meta(stagingTable(table)));
    }

    /** Number of staged batches in the staging table of a target table. */
    public long stagedBatches(TableName table) throws SQLException {
        return count("SELECT count(*) FROM " + meta(stagingTable(table)));
    }

    /** The registered (unqualified) name of the staging table of a target table. */
    public String stagingTable(TableName table) throws SQLException {
        return string("SELECT staging_table FROM " + meta("staged_tables") + " WHERE target_schema = '" + table.schema()
                + "' AND target_table = '" + table.table() + "'");
    }

    public static Mutation upsert(long nanos, int logical, int id, String v) {
        return Mutation.upsert(new Hlc(nanos, logical), "[" + id + "]", "{\"id\":" + id + ",\"v\":\"" + v + "\"}");
    }

    public static double counter(PrometheusRegistry registry, String name, String... labelValues) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m instanceof CounterSnapshot c && (c.getMetadata().getName() + "_total").equals(name)) {
                for (DataPointSnapshot p : c.getDataPoints()) {
                    List<String> values = p.getLabels().stream().map(l -> l.getValue()).toList();
                    if (values.equals(List.of(labelValues))) {
                        return ((CounterSnapshot.CounterDataPointSnapshot) p).getValue();
                    }
                }
            }
        }
        return 0;
    }

    public static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
