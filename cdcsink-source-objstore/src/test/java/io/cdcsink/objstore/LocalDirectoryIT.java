package io.cdcsink.objstore;

import org.junit.jupiter.api.Test;

/** A changefeed in a local directory ({@code file:///path}) into the real PostgreSQL target. */
class LocalDirectoryIT extends LocalDirectoryScenario {
    @Test
    void appliesAsOfResolvedFilesAndResumesWithoutLossAfterStopsAndACrash() throws Exception {
        runConsistentScenario();
    }

    @Test
    void immediateModeAppliesRowsAsTheyAreRead() throws Exception {
        runImmediateScenario();
    }
}
