package io.cdcsink.api;

/** A running source of mutations. Created by a {@link SourceProvider}; started and closed by the replicator. */
public interface Source extends AutoCloseable {
    /** Starts producing (binds ports, connects to the source). Returns once started. */
    void start() throws Exception;

    /** Stops producing and waits for owned threads to end. */
    @Override
    void close() throws Exception;
}
