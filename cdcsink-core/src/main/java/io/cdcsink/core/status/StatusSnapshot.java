package io.cdcsink.core.status;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.Blockage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the replicator has done, at one instant: totals, one entry per target schema, per logical loop and per
 * target table, and the recent lag history. Immutable; rendered as {@code /_/status} and by the progress log.
 *
 * @param lag the largest lag over schemas and loops that know theirs; empty when none does
 */
public record StatusSnapshot(Instant now, Instant startedAt, long rowsApplied, long errors, Optional<Duration> lag,
                             List<BlockedView> blocked, List<SchemaView> schemas, List<LoopView> loops,
                             List<TableView> tables, List<LagSample> lagHistory) {
    public StatusSnapshot {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lag, "lag");
        blocked = List.copyOf(blocked);
        schemas = List.copyOf(schemas);
        loops = List.copyOf(loops);
        tables = List.copyOf(tables);
        lagHistory = List.copyOf(lagHistory);
    }

    /**
     * Work that waits until the operator acts ({@link Blockage}): since when, and how many attempts failed so since.
     *
     * @param scope what waits: {@code schema db.public}, {@code table db.public.t} or {@code loop NAME}
     */
    public record BlockedView(String scope, Blockage blockage, Instant since, long attempts) {
        public BlockedView {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(blockage, "blockage");
            Objects.requireNonNull(since, "since");
        }
    }

    /** The most recent failure of something. */
    public record LastError(String message, Instant time) {
        public LastError {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * One target schema. {@code resolved} is the last resolved timestamp applied (webhook sources in consistent
     * mode); {@code lag} is now minus its wall time.
     */
    public record SchemaView(SchemaName schema, String mode, Optional<Hlc> resolved, Optional<Duration> lag,
                             long rowsApplied, long errors, Optional<LastError> lastError) {
        public SchemaView {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(resolved, "resolved");
            Objects.requireNonNull(lag, "lag");
            Objects.requireNonNull(lastError, "lastError");
        }

        /** The wall time of the resolved timestamp. */
        public Optional<Instant> resolvedTime() {
            return resolved.map(h -> Instant.ofEpochSecond(0, h.nanos()));
        }
    }

    /** One logical replication loop ({@code pglogical}, {@code mylogical}): its durable source position. */
    public record LoopView(String name, String mode, Optional<String> position, Optional<Instant> commitTime,
                           Optional<Duration> lag, long rowsApplied, long errors, Optional<LastError> lastError,
                           Optional<LoadView> load) {
        public LoopView {
            Objects.requireNonNull(load, "load");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(commitTime, "commitTime");
            Objects.requireNonNull(lag, "lag");
            Objects.requireNonNull(lastError, "lastError");
        }
    }

    /**
     * A loop's snapshot load: tables and chunks copied of those planned, rows copied, rows per second in this
     * process, the time left (empty until a chunk is copied) and the time it has run in this process.
     */
    public record LoadView(boolean finished, int tablesCopied, int tables, int chunksCopied, int chunks, long rows,
                           double rowsPerSecond, Optional<Duration> eta, Duration elapsed) {
    }

    /** One target table: rows committed into it, and rows set aside in dead_letters by this process. */
    public record TableView(TableName table, String mode, long upserts, long deletes, Optional<Instant> lastApplied,
                            long deadLettered, long errors, Optional<LastError> lastError) {
        public TableView {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(lastApplied, "lastApplied");
            Objects.requireNonNull(lastError, "lastError");
        }

        public long rowsApplied() {
            return upserts + deletes;
        }
    }

    /** The overall lag at one time (one sample per second). */
    public record LagSample(Instant time, double lagSeconds) {
        public LagSample {
            Objects.requireNonNull(time, "time");
            if (!(lagSeconds >= 0)) {
                throw new IllegalArgumentException("lag must be a non-negative number, was " + lagSeconds);
            }
        }
    }
}
