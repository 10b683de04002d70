package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Exit codes of {@code cdc-sink preflight} that need no database. */
class PreflightCommandTest {
    @Test
    void badOrMissingFlagsExitWithTwo() {
        assertThat(Main.execute("preflight", "pglogical", "--targetConn", "postgresql://x@localhost:1/")).isEqualTo(2);
        assertThat(Main.execute("preflight", "mylogical", "--targetConn", "postgresql://x@localhost:1/",
                "--targetDB", "t")).isEqualTo(2);
        assertThat(Main.execute("preflight", "start", "--noSuchFlag")).isEqualTo(2);
        assertThat(Main.execute("preflight")).isEqualTo(2);
    }

    @Test
    void embeddedTargetHasNothingToCheck() {
        assertThat(Main.execute("preflight", "start", "--conn", "embedded")).isZero();
    }
}
