package io.cdcsink.engine;

import java.util.Locale;

/**
 * What a logical replication loop does when its source has a table or columns the target lacks
 * ({@code --schemaEvolution}).
 */
public enum SchemaEvolution {
    /** Rows that need them wait, reported as a {@link Blockage} with the DDL to run on the target. */
    NONE,
    /**
     * Missing tables and columns are created on the target, with the types the source reports, before the first row
     * that needs them. Drops, renames and type changes are still reported, never run.
     */
    ADDITIVE;

    /** The flag's spelling of this setting. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The setting a flag value names, in any case.
     *
     * @throws IllegalArgumentException naming the flag and the accepted values
     */
    public static SchemaEvolution parse(String value) {
        for (SchemaEvolution e : values()) {
            if (e.flag().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return e;
            }
        }
        throw new IllegalArgumentException("--schemaEvolution: \"" + value + "\" is not one of none, additive");
    }
}
