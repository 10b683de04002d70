package io.cdcsink.api;

import java.util.Optional;

/** A running source of mutations. Created by a {@link SourceProvider}; started and closed by the replicator. */
public interface Source extends AutoCloseable {
    /** Starts producing (binds ports, connects to the source). Returns once started. */
    void start() throws Exception;

    /**
     * What keeps the source from replicating right now (a lost source connection, a stream that keeps failing), as
     * one sentence for {@code /_/healthz}; empty while it is healthy.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Stops producing and waits for owned threads to end. */
    @Override
    void close() throws Exception;
}
