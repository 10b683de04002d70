package io.cdcsink.metadata;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.Reloadable;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TargetPools;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply configuration kept in table {@value #TABLE} of the metadata schema of each target database. A database's
 * rows are read when one of its tables is first applied (creating the table if needed) and again on every
 * {@link #reload()} (each minute and on {@code SIGHUP}), for that database and every other one whose metadata schema
 * holds the table.
 *
 * <p>A table whose rows are invalid (duplicate or non-contiguous {@code cas_order}, two extras columns) keeps its
 * previous configuration, and the reload reports why; with no previous configuration, applying to that table fails
 * with the reason until the rows are fixed. Other tables' changes take effect.
 */
public final class SqlApplyConfigs implements ApplyConfigs, Reloadable {
    private static final Logger LOG = LoggerFactory.getLogger(SqlApplyConfigs.class);
    public static final String TABLE = "apply_config";

    private final SqlMetadataSchema area;
    private final MetadataSql sql;
    private final TargetPools pools;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private volatile Map<TableName, TableConfig> active = Map.of();
    /** Tables whose rows are invalid and that have no earlier valid configuration. */
    private volatile Map<TableName, String> invalid = Map.of();

    @Inject
    public SqlApplyConfigs(SqlMetadataSchema area, TargetPools pools) {
        this.area = area;
        this.sql = area.sql();
        this.pools = pools;
    }

    @Override
    public String name() {
        return TABLE;
    }

    @Override
    public TableConfig forTable(TableName table) {
        if (!loaded.contains(table.database())) {
            loadFirst(table.database());
        }
        String problem = invalid.get(table);
        if (problem != null) {
            throw new BadInputException("invalid apply_config for table " + table + ": " + problem);
        }
        return active.getOrDefault(table, TableConfig.EMPTY);
    }

    @Override
    public Map<TableName, TableConfig> active() {
        // Sorted by database, schema and table, for stable output.
        Map<TableName, TableConfig> out = new TreeMap<>(Comparator.comparing(TableName::database)
                .thenComparing(TableName::schema).thenComparing(TableName::table));
        out.putAll(active);
        return Collections.unmodifiableMap(out);
    }

    @Override
    public void prepare(String database) {
        loadFirst(database);
    }

    /** Creates the table in the database and reads its rows; once per database. */
    private synchronized void loadFirst(String database) {
        if (loaded.contains(database)) {
            return;
        }
        area.ensureTables(database, TABLE, List.of(sql.createApplyConfig(area.qualify(database, TABLE))));
        List<ApplyConfigRow> rows;
        try {
            rows = read(database).orElse(List.of());
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read " + TABLE + " of database " + database + ": "
                    + e.getMessage(), e);
        }
        List<String> problems = install(Map.of(database, rows));
        problems.forEach(p -> LOG.warn("invalid apply_config: {}", p));
        loaded.add(database);
    }

    /**
     * Re-reads every database already in use and every database whose metadata schema has the table.
     *
     * @throws IllegalStateException listing the tables whose configuration is invalid (after installing the rest)
     */
    @Override
    public synchronized void reload() throws SQLException {
        Set<String> databases = new LinkedHashSet<>(loaded);
        databases.addAll(pools.databases());
        Map<String, List<ApplyConfigRow>> rows = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (String database : databases) {
            try {
                Optional<List<ApplyConfigRow>> read = read(database);
                if (read.isPresent()) {
                    rows.put(database, read.get());
                    loaded.add(database);
                }
            } catch (SQLException | RuntimeException e) {
                // This database's tables keep their configuration.
                problems.add("database " + database + ": could not read " + TABLE + ": " + e.getMessage());
            }
        }
        problems.addAll(install(rows));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("apply_config: " + String.join("; ", problems));
        }
    }

    /**
     * Replaces the configuration of every table of the given databases. Returns the problems of invalid tables,
     * which keep their previous configuration.
     */
    private synchronized List<String> install(Map<String, List<ApplyConfigRow>> byDatabase) {
        Map<TableName, TableConfig> next = new HashMap<>(active);
        Map<TableName, String> nextInvalid = new HashMap<>(invalid);
        next.keySet().removeIf(t -> byDatabase.containsKey(t.database()));
        nextInvalid.keySet().removeIf(t -> byDatabase.containsKey(t.database()));
        List<String> problems = new ArrayList<>();
        List<TableName> changed = new ArrayList<>();
        for (List<ApplyConfigRow> rows : byDatabase.values()) {
            ApplyConfigBuilder.build(rows).forEach((table, outcome) -> {
                if (outcome.config().isPresent()) {
                    next.put(table, outcome.config().get());
                    return;
                }
                String problem = outcome.problem().orElseThrow();
                problems.add(problem + (active.containsKey(table) ? " (keeping the previous configuration)" : ""));
                if (active.containsKey(table)) {
                    next.put(table, active.get(table));
                } else {
                    nextInvalid.put(table, problem);
                }
            });
        }
        Set<TableName> all = new LinkedHashSet<>(active.keySet());
        all.addAll(next.keySet());
        for (TableName t : all) {
            if (!Objects.equals(active.get(t), next.get(t))) {
                changed.add(t);
            }
        }
        active = Map.copyOf(next);
        invalid = Map.copyOf(nextInvalid);
        if (!changed.isEmpty()) {
            LOG.info("apply_config changed for tables {}", changed);
        }
        return problems;
    }

    /** The database's rows; empty when the database has no configuration table. */
    private Optional<List<ApplyConfigRow>> read(String database) throws SQLException {
        String qualified = area.qualify(database, TABLE);
        try (Connection conn = pools.forDatabase(database).getConnection()) {
            try (PreparedStatement ps = conn.prepareStatement(sql.relationExists())) {
                if (sql.relationByParts()) {
                    ps.setString(1, area.schema());
                    ps.setString(2, TABLE);
                } else {
                    ps.setString(1, qualified);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return Optional.empty();
                    }
                }
            }
            List<ApplyConfigRow> rows = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(sql.selectApplyConfig(qualified));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ApplyConfigRow(new TableName(rs.getString(1), rs.getString(2), rs.getString(3)),
                            rs.getString(4), rs.getInt(5), Duration.ofNanos(rs.getLong(6) * 1000), rs.getString(7),
                            rs.getBoolean(8), rs.getBoolean(9), rs.getString(10)));
                }
            }
            return Optional.of(rows);
        }
    }
}
