package io.cdcsink.engine;

import io.cdcsink.api.TableName;
import java.util.Objects;
import java.util.Optional;

/**
 * Why replication of part of the target waits until the operator acts: the target lacks a table or columns that
 * rows need ({@link Kind#SCHEMA_CHANGE}), or it refuses a row ({@link Kind#REFUSED_ROW}: a constraint, a value out of
 * range, a trigger), or it has no room left to write ({@link Kind#OUT_OF_SPACE}). What waits retries by itself and resumes once the target is fixed; meanwhile the blockage is
 * logged once as an ERROR and shown on {@code /_/status}, in {@code /_/healthz} and in a metric.
 *
 * @param table  the table concerned, when one is
 * @param key    the key of the row concerned (its JSON), when one is
 * @param reason what is wrong, one sentence naming the table (and column or key)
 * @param fix    what to do, e.g. the DDL to run on the target
 */
public record Blockage(Kind kind, Optional<TableName> table, Optional<String> key, String reason,
                       Optional<String> fix) {
    /** What makes replication wait. */
    public enum Kind {
        /** The target lacks a table or columns the source has. */
        SCHEMA_CHANGE,
        /** The target refused a row. */
        REFUSED_ROW,
        /** The target has no room left to write: its disk (data or WAL) is full. */
        OUT_OF_SPACE;

        /** The lower-case name used in JSON, metrics and logs. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Blockage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
    }

    /** The one line an operator reads: the reason, then what to do. */
    public String line() {
        return reason + fix.map(f -> "; to resume: " + f).orElse("");
    }
}
