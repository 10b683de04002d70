package io.cdcsink.pg;

import io.cdcsink.api.Options;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.sql.ConnectionString;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of {@code cdc-sink pglogical} that belong to the PostgreSQL source.
 *
 * @param sourceConn      the source database ({@code --sourceConn}); its database holds the publication and slot
 * @param publicationName the publication to replicate ({@code --publicationName}), exactly as stored in
 *                        {@code pg_publication.pubname}
 * @param slotName        the logical replication slot ({@code --slotName}, default {@value #DEFAULT_SLOT_NAME})
 * @param targetDatabase  the target database whose tables receive the rows ({@code --targetDB})
 * @param standbyTimeout  how often the source is told which position is durable ({@code --standbyTimeout},
 *                        default 5 s)
 */
public record PgLogicalConfig(ConnectionString sourceConn, String publicationName, String slotName,
                              String targetDatabase, Duration standbyTimeout) {
    public static final String DEFAULT_SLOT_NAME = "cdc_sink";
    public static final Duration DEFAULT_STANDBY_TIMEOUT = Duration.ofSeconds(5);

    /** PostgreSQL's rule for replication slot names (ReplicationSlotValidateName), at most NAMEDATALEN - 1. */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    public PgLogicalConfig {
        if (sourceConn == null) {
            throw new IllegalArgumentException("--sourceConn: no source connection was configured");
        }
        if (publicationName == null || publicationName.isBlank()) {
            throw new IllegalArgumentException("--publicationName: no publication name was configured");
        }
        if (publicationName.indexOf('\'') >= 0 || publicationName.indexOf('\0') >= 0) {
            // PgJDBC puts the value inside single quotes of START_REPLICATION without escaping.
            throw new IllegalArgumentException("--publicationName: must not contain a single quote or NUL: "
                    + publicationName);
        }
        if (slotName == null || !SLOT_NAME.matcher(slotName).matches()) {
            throw new IllegalArgumentException("--slotName: \"" + slotName
                    + "\" is not a valid replication slot name; use 1 to 63 characters of a-z, 0-9 and _");
        }
        if (targetDatabase == null || targetDatabase.isBlank()) {
            throw new IllegalArgumentException("--targetDB: no target database specified");
        }
        if (targetDatabase.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("--targetDB: contains a NUL character");
        }
        if (standbyTimeout == null || standbyTimeout.isNegative() || standbyTimeout.isZero()) {
            throw new IllegalArgumentException("--standbyTimeout: must be positive, got " + standbyTimeout);
        }
        if (standbyTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--standbyTimeout: must be at most 1h, got " + standbyTimeout
                    + "; the source keeps WAL and may drop the connection while waiting for status updates");
        }
    }

    /**
     * The options of the {@code pglogical} source: its own ({@code sourceConn}, {@code publicationName},
     * {@code slotName}) and the replication loop's ({@link SourceContext#LOGICAL_OPTIONS}).
     */
    public static final Set<String> OPTIONS = union(Set.of("sourceConn", "publicationName", "slotName"));

    /**
     * The settings from the source's options ({@link #OPTIONS}), as the flags of {@code cdc-sink pglogical} of
     * those names.
     *
     * @throws IllegalArgumentException naming the option that is unknown, missing or malformed
     */
    public static PgLogicalConfig fromOptions(Options options) {
        options.requireOnly(OPTIONS);
        return of(options.string("sourceConn").orElse(null), options.string("publicationName").orElse(null),
                options.string("slotName").orElse(null), options.string("targetDB").orElse(null),
                options.duration("standbyTimeout", DEFAULT_STANDBY_TIMEOUT));
    }

    /** These settings as the options {@link #fromOptions} reads back (the loop adds its own beside them). */
    public Map<String, String> toOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sourceConn", sourceConn.url());
        m.put("publicationName", publicationName);
        m.put("slotName", slotName);
        m.put("targetDB", targetDatabase);
        m.put("standbyTimeout", Options.text(standbyTimeout));
        return m;
    }

    private static Set<String> union(Set<String> own) {
        Set<String> all = new HashSet<>(own);
        all.addAll(SourceContext.LOGICAL_OPTIONS);
        return Set.copyOf(all);
    }

    /**
     * Builds the configuration from flag values; a null or empty slot name and a null standby timeout take the
     * defaults.
     */
    public static PgLogicalConfig of(String sourceConn, String publicationName, String slotName,
                                     String targetDatabase, Duration standbyTimeout) {
        if (sourceConn == null || sourceConn.isBlank()) {
            throw new IllegalArgumentException("--sourceConn: no source connection was configured");
        }
        ConnectionString source = ConnectionString.parse("--sourceConn", sourceConn);
        if (source.protocol() != ConnectionString.Protocol.POSTGRESQL) {
            throw new IllegalArgumentException("--sourceConn: pglogical reads a PostgreSQL source"
                    + " (postgresql://user@host:port/database); for a MySQL or MariaDB source use cdc-sink mylogical");
        }
        return new PgLogicalConfig(source, publicationName,
                slotName == null || slotName.isEmpty() ? DEFAULT_SLOT_NAME : slotName, targetDatabase,
                standbyTimeout == null ? DEFAULT_STANDBY_TIMEOUT : standbyTimeout);
    }

    /** The source database: the one named in {@code --sourceConn}, else the user's, as libpq does. */
    public String sourceDatabase() {
        return sourceConn.defaultDatabase();
    }

    @Override
    public String toString() {
        return "PgLogicalConfig[sourceConn=" + sourceConn + ", publicationName=" + publicationName + ", slotName="
                + slotName + ", targetDatabase=" + targetDatabase + ", standbyTimeout=" + standbyTimeout + "]";
    }
}
