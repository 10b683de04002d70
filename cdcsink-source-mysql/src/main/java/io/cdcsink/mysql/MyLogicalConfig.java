package io.cdcsink.mysql;

import io.cdcsink.api.Options;
import io.cdcsink.api.SourceContext;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of {@code cdc-sink mylogical} that belong to the source dialect.
 *
 * @param sourceConn           {@code --sourceConn}
 * @param defaultGtidSet       {@code --defaultGTIDSet}: where to start when the target holds no position; MySQL
 *                             {@code uuid:1-8} or MariaDB {@code 0-1-12}, optionally tagged {@code mysql:}/
 *                             {@code mariadb:}; empty: the server's oldest binlog
 * @param targetDatabase       {@code --targetDB}: the target database that receives every replicated table
 * @param targetSchema         {@code --targetSchema} (default {@code public}): the schema in the target database
 * @param sourceDatabases      {@code --sourceDatabase} (repeatable): only tables of these source databases are
 *                             replicated; empty: every source database
 * @param replicationProcessId {@code --replicationProcessID} (default 10): the server id the binlog connection
 *                             announces; must be unique among the source's replicas
 */
public record MyLogicalConfig(MySqlConn sourceConn, Optional<String> defaultGtidSet, String targetDatabase,
                              String targetSchema, Set<String> sourceDatabases, long replicationProcessId) {
    public static final String DEFAULT_SCHEMA = "public";
    public static final long DEFAULT_REPLICATION_PROCESS_ID = 10;

    public MyLogicalConfig {
        Objects.requireNonNull(sourceConn, "--sourceConn is required");
        Objects.requireNonNull(defaultGtidSet, "defaultGtidSet");
        if (targetDatabase == null || targetDatabase.isBlank()) {
            throw new IllegalArgumentException("--targetDB is required: the target database to replicate into");
        }
        if (targetSchema == null || targetSchema.isBlank()) {
            throw new IllegalArgumentException("--targetSchema must not be empty (default " + DEFAULT_SCHEMA + ")");
        }
        sourceDatabases = Set.copyOf(sourceDatabases);
        if (replicationProcessId < 1 || replicationProcessId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("--replicationProcessID must be between 1 and 4294967295, got "
                    + replicationProcessId);
        }
        defaultGtidSet = defaultGtidSet.map(String::strip).filter(s -> !s.isEmpty());
    }

    /**
     * The options of the {@code mylogical} source: its own ({@code sourceConn}, {@code defaultGTIDSet},
     * {@code targetSchema}, {@code sourceDatabase} (comma-separated), {@code replicationProcessID}) and the
     * replication loop's ({@link SourceContext#LOGICAL_OPTIONS}).
     */
    public static final Set<String> OPTIONS = union(Set.of("sourceConn", "defaultGTIDSet", "targetSchema",
            "sourceDatabase", "replicationProcessID"));

    /**
     * The settings from the source's options ({@link #OPTIONS}), as the flags of {@code cdc-sink mylogical} of those
     * names.
     *
     * @throws IllegalArgumentException naming the option that is unknown, missing or malformed
     */
    public static MyLogicalConfig fromOptions(Options options) {
        options.requireOnly(OPTIONS);
        String conn = options.string("sourceConn").filter(s -> !s.isBlank()).orElseThrow(
                () -> new IllegalArgumentException("no SourceConn was configured: set --sourceConn"));
        Set<String> databases = new LinkedHashSet<>();
        options.string("sourceDatabase").ifPresent(v -> Arrays.stream(v.split(",")).map(String::strip)
                .filter(d -> !d.isEmpty()).forEach(databases::add));
        return new MyLogicalConfig(MySqlConn.parse(conn), options.string("defaultGTIDSet"),
                options.string("targetDB").orElse(null), options.string("targetSchema", DEFAULT_SCHEMA), databases,
                options.integer("replicationProcessID", DEFAULT_REPLICATION_PROCESS_ID));
    }

    /** These settings as the options {@link #fromOptions} reads back (the loop adds its own beside them). */
    public Map<String, String> toOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sourceConn", sourceConn.url());
        defaultGtidSet.ifPresent(g -> m.put("defaultGTIDSet", g));
        m.put("targetDB", targetDatabase);
        m.put("targetSchema", targetSchema);
        if (!sourceDatabases.isEmpty()) {
            m.put("sourceDatabase", String.join(",", sourceDatabases));
        }
        m.put("replicationProcessID", Long.toString(replicationProcessId));
        return m;
    }

    private static Set<String> union(Set<String> own) {
        Set<String> all = new HashSet<>(own);
        all.addAll(SourceContext.LOGICAL_OPTIONS);
        return Set.copyOf(all);
    }

    /** The config with defaults: schema {@code public}, every source database, server id 10. */
    public static MyLogicalConfig of(String sourceConn, String targetDatabase) {
        return new MyLogicalConfig(MySqlConn.parse(sourceConn), Optional.empty(), targetDatabase, DEFAULT_SCHEMA,
                Set.of(), DEFAULT_REPLICATION_PROCESS_ID);
    }

    /** Whether rows of this source database are replicated. */
    public boolean replicates(String sourceDatabase) {
        return sourceDatabases.isEmpty() || sourceDatabases.contains(sourceDatabase);
    }
}
