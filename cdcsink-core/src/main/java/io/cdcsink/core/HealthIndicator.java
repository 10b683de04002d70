package io.cdcsink.core;

import java.util.Optional;

/**
 * A part of the replicator that can be unhealthy (a replication loop that keeps failing, for instance). Bound into
 * a Guice set; {@code /_/healthz} reports 503 with the problems while any indicator has one.
 */
public interface HealthIndicator {
    /** What is wrong now, or empty when healthy. */
    Optional<String> problem();
}
