package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RejectionsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void eachReasonIsLoggedOnceAMinuteWithTheCountOfTheOthers() {
        Rejections r = new Rejections(clock);
        assertThat(r.refused("POST /db/public", 400, "unknown column \"zz\" in db.public.t"))
                .isEqualTo("POST /db/public: refused with 400: unknown column \"zz\" in db.public.t");
        assertThat(r.refused("POST /db/public", 400, "unknown column \"zz\" in db.public.t")).isNull();
        assertThat(r.refused("POST /db/public", 400, "unknown column \"zz\" in db.public.t")).isNull();
        // Another reason is its own line at once.
        assertThat(r.refused("PUT /db/public/x", 401, "missing or invalid access token"))
                .isEqualTo("PUT /db/public/x: refused with 401: missing or invalid access token");
        now.set(now.get().plus(Duration.ofSeconds(61)));
        assertThat(r.refused("POST /db/public", 400, "unknown column \"zz\" in db.public.t"))
                .isEqualTo("POST /db/public: refused with 400: unknown column \"zz\" in db.public.t (and 2 more"
                        + " refused for this reason in the last minute)");
        assertThat(r.refused("POST /db/public", 400, "x".repeat(400))).endsWith("x...");
    }
}
