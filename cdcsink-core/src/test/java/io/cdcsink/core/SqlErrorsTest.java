package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** PostgreSQL's states and MySQL's error numbers land in the same classes. */
class SqlErrorsTest {
    private static SQLException error(String state, int code) {
        return new SQLException("boom", state, code);
    }

    @Test
    void deadlocksSerializationFailuresAndMySqlLockWaitsAreRetryable() {
        assertThat(SqlErrors.retryable(error("40001", 0))).isTrue();
        assertThat(SqlErrors.retryable(error("40P01", 0))).isTrue();
        assertThat(SqlErrors.retryable(error("40001", 1213))).as("MySQL deadlock").isTrue();
        assertThat(SqlErrors.retryable(error("HY000", 1205))).as("MySQL lock wait timeout").isTrue();
        assertThat(SqlErrors.retryable(error("HY000", 1969))).as("MariaDB statement timeout").isFalse();
        assertThat(SqlErrors.retryable(error("08006", 0))).isFalse();
    }

    @Test
    void valuesAndNamesTheTargetRefusesAreBadInputTheRestIsUnavailable() {
        for (SQLException bad : new SQLException[] {error("22001", 0), error("23505", 0), error("42703", 0),
            error("23000", 1062), error("23000", 1452), error("22001", 1406), error("HY000", 1366),
            error("42S22", 1054), error("HY000", 1364), error("23000", 4025)}) {
            assertThat(SqlErrors.classify("writing", bad)).as("%s/%d", bad.getSQLState(), bad.getErrorCode())
                    .isInstanceOf(BadInputException.class);
        }
        for (SQLException down : new SQLException[] {error("08006", 0), error("57014", 0), error("HY000", 1969),
            error("08S01", 0), error("HY000", 2013), error(null, 0), error("53100", 0)}) {
            assertThat(SqlErrors.classify("writing", down)).isInstanceOf(TargetUnavailableException.class);
        }
    }

    /**
     * Issue #30: cdc-sink's schema, a table or the database dropped while running is the target's fault (503), never
     * 400: a request naming a table or database that does not exist is refused before any SQL runs.
     */
    @Test
    void somethingDroppedWhileRunningIsTheTargetsFault() {
        for (SQLException gone : new SQLException[] {error("42P01", 0), error("3F000", 0), error("3D000", 0),
            error("42S02", 1146), error("42000", 1049)}) {
            assertThat(SqlErrors.classify("writing", gone)).as("%s/%d", gone.getSQLState(), gone.getErrorCode())
                    .isInstanceOf(TargetUnavailableException.class);
        }
    }
}
