package io.cdcsink.demo;

import io.cdcsink.cli.DemoExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A throwaway PostgreSQL server started inside the process for {@code --conn embedded}: lets a fresh machine with
 * only a JDK try cdc-sink. Its data directory is deleted when the process stops.
 */
final class EmbeddedTarget implements DemoExtension.EmbeddedServer {
    private final EmbeddedPostgres server;

    EmbeddedTarget() {
        try {
            server = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL target", e);
        }
    }

    @Override
    public String connectionString() {
        return "postgresql://postgres@127.0.0.1:" + server.getPort() + "/postgres?sslmode=disable";
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
