package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LateMutationsTest {
    @Test
    void theFirstLateBatchOfASchemaIsLoggedAtOnceTheRestAsACountAtMostEveryTenMinutes() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Instant[] now = {t0};
        Clock clock = new Clock() {
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
                return now[0];
            }
        };
        LateMutations late = new LateMutations(clock);
        SchemaName a = new SchemaName("db", "a");
        assertThat(late.late(a, 3, new Hlc(10, 0))).startsWith("schema db.a: 3 mutations were not staged: at or"
                + " before its applied resolved timestamp " + new Hlc(10, 0));
        assertThat(late.late(a, 4, new Hlc(10, 0))).isNull();
        assertThat(late.late(new SchemaName("db", "b"), 1, new Hlc(10, 0))).startsWith("schema db.b: 1 mutation was");
        now[0] = t0.plus(Duration.ofMinutes(11));
        assertThat(late.late(a, 2, new Hlc(20, 0))).startsWith("schema db.a: 6 mutations were not staged");
    }
}
