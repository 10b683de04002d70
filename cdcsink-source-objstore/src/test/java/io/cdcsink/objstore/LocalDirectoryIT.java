package io.cdcsink.objstore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changefeed in a local directory ({@code file:///path}) into the real PostgreSQL target. */
class LocalDirectoryIT extends ObjstoreScenario {
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
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        });
    }

    @Override
    Map<String, String> sourceOptions() {
        return Map.of("source", dir.toUri().toString());
    }

    @Test
    void appliesAsOfResolvedFilesAndResumesWithoutLossAfterStopsAndACrash() throws Exception {
        runConsistentScenario();
    }

    @Test
    void immediateModeAppliesRowsAsTheyAreRead() throws Exception {
        runImmediateScenario();
    }
}
