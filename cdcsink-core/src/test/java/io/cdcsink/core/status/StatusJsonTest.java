package io.cdcsink.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.Hlc;
import io.cdcsink.engine.ReplicationRecorder.Mode;
import io.cdcsink.api.SchemaName;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final ReplicationStatus status = new ReplicationStatus(clock);

    private JsonNode render() throws Exception {
        return new ObjectMapper().readTree(new StatusJson().render(status.snapshot()));
    }

    @Test
    void emptyStatusHasTotalsAndEmptyLists() throws Exception {
        JsonNode j = render();
        assertThat(j.get("now").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(j.get("startedAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(j.get("rowsApplied").asLong()).isZero();
        assertThat(j.get("errors").asLong()).isZero();
        assertThat(j.get("lagSeconds").isNull()).isTrue();
        for (String list : new String[] {"schemas", "loops", "tables", "lagHistory"}) {
            assertThat(j.get(list).isArray()).as(list).isTrue();
            assertThat(j.get(list)).as(list).isEmpty();
        }
    }

    @Test
    void rendersSchemasLoopsTablesAndHistory() throws Exception {
        SchemaName schema = new SchemaName("ycsb", "public");
        Hlc resolved = new Hlc(T0.minusMillis(2500).toEpochMilli() * 1_000_000, 1);
        status.applied(schema.table("usertable"), Mode.CONSISTENT, new ApplyResult(9, 1));
        status.resolved(schema, resolved);
        status.schemaFailed(schema, Mode.CONSISTENT, "resolved timestamp went backwards");
        ReplicationStatus.Loop loop = status.loop("pglogical");
        loop.position("0/16B3748", T0.minusSeconds(1));
        loop.lag(Duration.ZERO);
        loop.load(new StatusSnapshot.LoadView(false, 1, 3, 12, 40, 1_200_000, 150_000.4,
                java.util.Optional.of(Duration.ofSeconds(21)), Duration.ofSeconds(8)));
        status.sample();

        JsonNode j = render();
        assertThat(j.get("rowsApplied").asLong()).isEqualTo(10);
        assertThat(j.get("errors").asLong()).isEqualTo(1);
        assertThat(j.get("lagSeconds").asDouble()).isEqualTo(2.5);

        JsonNode s = j.get("schemas").get(0);
        assertThat(s.get("schema").asText()).isEqualTo("ycsb.public");
        assertThat(s.get("mode").asText()).isEqualTo("consistent");
        assertThat(s.get("resolved").asText()).isEqualTo(resolved.toString());
        assertThat(s.get("resolvedTime").asText()).isEqualTo("2025-12-31T23:59:57.500Z");
        assertThat(s.get("lagSeconds").asDouble()).isEqualTo(2.5);
        assertThat(s.get("rowsApplied").asLong()).isEqualTo(10);
        assertThat(s.get("errors").asLong()).isEqualTo(1);
        assertThat(s.get("lastError").get("message").asText()).isEqualTo("resolved timestamp went backwards");
        assertThat(s.get("lastError").get("time").asText()).isEqualTo("2026-01-01T00:00:00Z");

        JsonNode l = j.get("loops").get(0);
        assertThat(l.get("loop").asText()).isEqualTo("pglogical");
        assertThat(l.get("position").asText()).isEqualTo("0/16B3748");
        assertThat(l.get("commitTime").asText()).isEqualTo("2025-12-31T23:59:59Z");
        assertThat(l.get("lagSeconds").asDouble()).isZero();
        assertThat(l.get("lastError").isNull()).isTrue();
        JsonNode load = l.get("load");
        assertThat(load.get("state").asText()).isEqualTo("copying");
        assertThat(load.get("tablesCopied").asInt()).isEqualTo(1);
        assertThat(load.get("tables").asInt()).isEqualTo(3);
        assertThat(load.get("chunksCopied").asInt()).isEqualTo(12);
        assertThat(load.get("chunks").asInt()).isEqualTo(40);
        assertThat(load.get("rows").asLong()).isEqualTo(1_200_000);
        assertThat(load.get("rowsPerSecond").asLong()).isEqualTo(150_000);
        assertThat(load.get("etaSeconds").asDouble()).isEqualTo(21);

        JsonNode t = j.get("tables").get(0);
        assertThat(t.get("table").asText()).isEqualTo("ycsb.public.usertable");
        assertThat(t.get("upserts").asLong()).isEqualTo(9);
        assertThat(t.get("deletes").asLong()).isEqualTo(1);
        assertThat(t.get("rowsApplied").asLong()).isEqualTo(10);
        assertThat(t.get("lastApplied").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(t.get("lastError").isNull()).isTrue();

        JsonNode h = j.get("lagHistory").get(0);
        assertThat(h.get("t").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(h.get("lagSeconds").asDouble()).isEqualTo(2.5);
    }
}
