package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What {@code cdc-sink version} prints, from the properties the build filters. */
class BuildInfoTest {
    private static BuildInfo of(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return new BuildInfo(p);
    }

    @Test
    void commitIsMarkedDirtyWhenTheTreeHadChanges() {
        assertThat(of("commit", "79a34f4", "dirty", "true").commit()).isEqualTo("79a34f4-dirty");
        assertThat(of("commit", "79a34f4", "dirty", "false").commit()).isEqualTo("79a34f4");
    }

    @Test
    void unfilteredPlaceholdersOfABuildWithoutGitAreUnknown() {
        BuildInfo info = of("version", "0.1.0", "build", "2026-01-01T00:00:00Z", "commit", "${git.commit.id.abbrev}",
                "dirty", "${git.dirty}");
        assertThat(info.commit()).isEqualTo(BuildInfo.UNKNOWN);
        assertThat(info.getVersion()).contains("cdc-sink 0.1.0", "commit <unknown>", "build 2026-01-01T00:00:00Z");
        assertThat(of().version()).isEqualTo(BuildInfo.UNKNOWN);
    }

    @Test
    void thisBuildRecordedVersionTimeAndCommit() {
        BuildInfo info = new BuildInfo();
        assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.buildTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        if (insideGitWorkTree()) {
            assertThat(info.commit()).matches("[0-9a-f]{7,}(-dirty)?");
        } else {
            assertThat(info.commit()).as("built from a tree without .git").isEqualTo(BuildInfo.UNKNOWN);
        }
    }

    private static boolean insideGitWorkTree() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return true;
            }
        }
        return false;
    }
}
