package io.cdcsink.cli;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What the demo jar (module {@code cdcsink-demo}) adds to the command line: the {@code demo} command and the
 * throwaway target of {@code start --conn embedded}. Both run PostgreSQL servers from binaries bundled in that jar,
 * which the production jar leaves out; found with {@link ServiceLoader}, so the production jar simply has none and
 * answers both with one line saying where they are ({@link DemoNotIncluded}).
 */
public interface DemoExtension {
    /** The {@code --conn} value that asks {@code start} for a throwaway target. */
    String EMBEDDED = "embedded";

    /** The picocli command object of {@code cdc-sink demo}. */
    Object demoCommand();

    /** Starts a throwaway PostgreSQL server for {@code start --conn embedded}. */
    EmbeddedServer startEmbeddedTarget();

    /** A PostgreSQL server that lives as long as this process: closing it stops it and deletes its data. */
    interface EmbeddedServer extends AutoCloseable {
        /** The connection string cdc-sink uses for it. */
        String connectionString();

        @Override
        void close();
    }

    /** The extension on the class path: present in the demo jar, absent from the production jar. */
    static Optional<DemoExtension> find() {
        return ServiceLoader.load(DemoExtension.class).findFirst();
    }
}
