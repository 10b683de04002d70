package io.cdcsink.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.engine.ApplyResult;
import io.cdcsink.engine.ReplicationRecorder.Mode;
import io.cdcsink.api.AdminRoutes;
import io.cdcsink.api.SchemaName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusPagesTest {
    private final ReplicationStatus status = new ReplicationStatus(new MutableClock(Instant.EPOCH));
    private final StatusPages pages = new StatusPages(status);

    @Test
    void statusRouteRendersTheCurrentSnapshotAsJson() {
        status.applied(new SchemaName("db", "s").table("t"), Mode.IMMEDIATE, new ApplyResult(1, 0));
        AdminRoutes.Response p = pages.get("/_/status").orElseThrow();
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.contentType()).isEqualTo("application/json");
        assertThat(new String(p.body(), StandardCharsets.UTF_8)).contains("\"table\" : \"db.s.t\"");
    }

    @Test
    void pageIsSelfContainedHtmlAtBothPaths() {
        AdminRoutes.Response p = pages.get("/_/").orElseThrow();
        assertThat(pages.get("/_/index.html").orElseThrow().body()).isEqualTo(p.body());
        assertThat(p.contentType()).startsWith("text/html");
        String html = new String(p.body(), StandardCharsets.UTF_8);
        assertThat(html).contains("id=\"lag-chart\"", "id=\"tables-body\"", "fetch(\"/_/status\"")
                .doesNotContain("src=\"http", "href=\"http", "<script src", "@import", "innerHTML");
    }

    @Test
    void otherPathsAreNotStatusRoutes() {
        assertThat(pages.get("/_/healthz")).isEmpty();
        assertThat(pages.get("/_/status/x")).isEmpty();
        assertThat(pages.get("/_")).isEmpty();
    }
}
