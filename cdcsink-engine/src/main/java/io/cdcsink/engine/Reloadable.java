package io.cdcsink.engine;

/**
 * Configuration kept in the target that is re-read every minute and on {@code SIGHUP} (apply configuration, JWT
 * keys). A failed reload keeps the previous state and is logged; it never stops the process.
 */
public interface Reloadable {
    /** A short name for logs, e.g. {@code apply_config}. */
    String name();

    /** Re-reads the configuration. Throws when the new state is unusable; the previous one then stays active. */
    void reload() throws Exception;

    /**
     * Creates whatever this configuration keeps in a target database (its tables), so that operators can write
     * configuration there before the first request for that database arrives. Called at startup for the database
     * the target connection names.
     */
    default void prepare(String database) throws Exception {
        // Nothing to create by default.
    }
}
