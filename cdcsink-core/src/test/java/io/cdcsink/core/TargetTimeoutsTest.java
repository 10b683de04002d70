package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.sql.ConnectionString;
import org.junit.jupiter.api.Test;

class TargetTimeoutsTest {
    @Test
    void postgresGetsAStatementTimeoutASocketTimeoutAndKeepalive() {
        assertThat(TargetTimeouts.defaults(ConnectionString.parse("--conn", "postgresql://u@h:5432/db")))
                .containsEntry("socketTimeout", "90").containsEntry("tcpKeepAlive", "true")
                .containsEntry("loginTimeout", "10")
                .containsEntry("options", "-c statement_timeout=60000");
    }

    @Test
    void mysqlCountsInMilliseconds() {
        assertThat(TargetTimeouts.defaults(ConnectionString.parse("--conn", "mysql://u@h:3306/db")))
                .containsEntry("socketTimeout", "90000").containsEntry("tcpKeepAlive", "true")
                .containsEntry("connectTimeout", "10000")
                .doesNotContainKey("options");
    }

    @Test
    void theConnectionStringWins() {
        assertThat(TargetTimeouts.defaults(ConnectionString.parse("--conn",
                "postgresql://u@h/db?socketTimeout=5&options=-c%20search_path%3Dx")))
                .doesNotContainKeys("socketTimeout", "options").containsEntry("tcpKeepAlive", "true");
    }
}
