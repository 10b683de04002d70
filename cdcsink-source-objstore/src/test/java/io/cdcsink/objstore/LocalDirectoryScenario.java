package io.cdcsink.objstore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The scenario with the feed in a local directory ({@code file:///path}), each file written beside and renamed. */
abstract class LocalDirectoryScenario extends ObjstoreScenario {
    @TempDir
    Path dir;

    @BeforeEach
    void feed() {
        feed = new Feed((name, content) -> {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            // Written beside and renamed, as a sink that publishes whole files does.
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    @Override
    Map<String, String> sourceOptions() {
        return Map.of("source", dir.toUri().toString());
    }
}
