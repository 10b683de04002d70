package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.TargetUnavailableException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class OutageTest {
    @Test
    void anOutageIsOneWarnLineAndOneLineWhenItEnds() {
        Outage outage = new Outage();
        assertThat(outage.accepted()).isNull();
        TargetUnavailableException down = new TargetUnavailableException("could not connect", new SQLException("x"));
        assertThat(outage.refused("POST /db/public", down)).isEqualTo("the target is unavailable; answering 503"
                + " until it is back, and the changefeed retries (POST /db/public: could not connect)");
        assertThat(outage.refused("POST /db/public", down)).isNull();
        assertThat(outage.refused("POST /db/other", down)).isNull();
        assertThat(outage.accepted()).startsWith("the target is available again after ").endsWith("; 3 requests"
                + " were answered 503 meanwhile");
        assertThat(outage.accepted()).isNull();
        assertThat(outage.refused("POST /db/public", down)).isNotNull();
    }
}
