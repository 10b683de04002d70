package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
    @Test
    void badValuesAreTheCallersFault() {
        assertThat(SqlErrors.classify("w", new SQLException("bad", "22P02"))).isInstanceOf(BadInputException.class);
        assertThat(SqlErrors.classify("w", new SQLException("dup", "23505"))).isInstanceOf(BadInputException.class);
    }

    /** Issue #30: cdc-sink's schema or the database dropped while running is the target's fault (503), never 400. */
    @Test
    void somethingDroppedWhileRunningIsTheTargetsFault() {
        for (String state : new String[] {"42P01", "3F000", "3D000", "57014", "53100"}) {
            assertThat(SqlErrors.classify("w", new SQLException("gone", state))).as(state)
                    .isInstanceOf(TargetUnavailableException.class);
        }
    }
}
