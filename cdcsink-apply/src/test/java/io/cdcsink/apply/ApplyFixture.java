package io.cdcsink.apply;

import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.MariaDbTargetPools;
import io.cdcsink.testing.TestTargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fresh database with a catalog and an applier over it, plus small SQL helpers. One per test, on PostgreSQL or, by
 * {@link #on(Target, String)}, on MariaDB (where the schema part of a table is the database).
 */
final class ApplyFixture {
    /** The target server a test runs against. */
    enum Target { POSTGRESQL, MARIADB }

    final Target target;
    final String database;
    final TargetPools pools;
    final TargetSchemaCatalog catalog;
    final PrometheusRegistry registry = new PrometheusRegistry();
    final JsonApplier applier;
    /** The apply configuration the applier sees; tests put tables' configurations here. */
    final Map<TableName, TableConfig> configs = new ConcurrentHashMap<>();

    ApplyFixture(String prefix) {
        this(Target.POSTGRESQL, prefix);
    }

    private ApplyFixture(Target target, String prefix) {
        this.target = target;
        if (target == Target.POSTGRESQL) {
            EmbeddedPg pg = EmbeddedPg.shared();
            database = pg.freshDatabase(prefix);
            pools = new TestTargetPools(pg);
        } else {
            EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
            try {
                database = maria.newDatabase(prefix);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            pools = new MariaDbTargetPools(maria);
        }
        catalog = new TargetSchemaCatalog(pools);
        applier = new JsonApplier(pools, catalog, new ApplyConfigs() {
            @Override
            public TableConfig forTable(TableName table) {
                return configs.getOrDefault(table, TableConfig.EMPTY);
            }

            @Override
            public Map<TableName, TableConfig> active() {
                return Map.copyOf(configs);
            }
        }, registry);
    }

    /** A fixture on the given target. */
    static ApplyFixture on(Target target, String prefix) {
        return new ApplyFixture(target, prefix);
    }

    boolean mysql() {
        return target == Target.MARIADB;
    }

    /** The schema part of this fixture's tables: {@code public}, or on MariaDB the database. */
    String schema() {
        return mysql() ? database : "public";
    }

    static Hlc at(long nanos) {
        return new Hlc(nanos, 0);
    }

    TableName table(String name) {
        return new TableName(database, schema(), name);
    }

    /** Runs the applier's validation on a connection of its own. */
    void validate(TableName table, List<Mutation> mutations) throws SQLException {
        try (Connection c = connect()) {
            applier.validate(c, table, mutations);
        }
    }

    Connection connect() throws SQLException {
        return pools.forDatabase(database).getConnection();
    }

    void exec(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Applies in one transaction and commits it. */
    ApplyResult apply(TableName table, List<Mutation> mutations) throws SQLException {
        return apply(table, mutations, ValueFormat.CHANGEFEED_JSON);
    }

    /** Applies rows whose values are in {@code format}, in one transaction, and commits it. */
    ApplyResult apply(TableName table, List<Mutation> mutations, ValueFormat format) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                ApplyResult r = applier.forValues(format).apply(c, table, mutations);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Every row of the query with every column as text (null for SQL NULL). */
    List<List<String>> rows(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<List<String>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    long count(String table) throws SQLException {
        return Long.parseLong(rows("SELECT count(*) FROM " + table).get(0).get(0));
    }
}
