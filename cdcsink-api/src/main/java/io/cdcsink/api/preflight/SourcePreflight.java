package io.cdcsink.api.preflight;

import java.util.List;

/**
 * The source half of a logical-replication preflight, implemented by each source module: it reports connectivity
 * and the source settings it needs, and describes the tables it will replicate.
 */
@FunctionalInterface
public interface SourcePreflight {
    /**
     * Adds the source's findings to {@code report}, all of them rather than stopping at the first problem.
     *
     * @return the replicated tables, each mapped to its target table; empty when the source could not be read
     */
    List<SourceTable> check(PreflightReport report);
}
