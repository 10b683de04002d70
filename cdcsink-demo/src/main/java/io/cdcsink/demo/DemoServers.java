package io.cdcsink.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * One embedded PostgreSQL server of the demo, its data directory under the demo's own directory. Stopped and its
 * data directory deleted by {@link #close()}; the demo, not the library, decides when (in its shutdown hook).
 */
final class DemoServers {
    private DemoServers() {
    }

    /** A server accepting logical replication (the pglogical source). */
    static EmbeddedPostgres source(Path dataDirectory) {
        return start(EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4").setServerConfig("max_wal_senders", "4"),
                dataDirectory, "source");
    }

    static EmbeddedPostgres target(Path dataDirectory) {
        return start(EmbeddedPostgres.builder(), dataDirectory, "target");
    }

    private static EmbeddedPostgres start(EmbeddedPostgres.Builder builder, Path dataDirectory, String role) {
        try {
            return builder.setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                    .setDataDirectory(dataDirectory).setCleanDataDirectory(true).setRegisterShutdownHook(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL " + role, e);
        }
    }

    static String connection(EmbeddedPostgres server, String database) {
        return "postgresql://postgres@127.0.0.1:" + server.getPort() + "/" + database + "?sslmode=disable";
    }
}
