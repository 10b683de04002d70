package io.cdcsink.core.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcsink.core.status.StatusSnapshot.BlockedView;
import io.cdcsink.core.status.StatusSnapshot.LagSample;
import io.cdcsink.core.status.StatusSnapshot.LastError;
import io.cdcsink.core.status.StatusSnapshot.LoopView;
import io.cdcsink.core.status.StatusSnapshot.SchemaView;
import io.cdcsink.core.status.StatusSnapshot.TableView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Renders a {@link StatusSnapshot} as the JSON of {@code GET /_/status} (documented in docs/status.md). */
public final class StatusJson {
    private final JsonFactory factory = new JsonFactory();

    public byte[] render(StatusSnapshot s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("now", s.now().toString());
            g.writeStringField("startedAt", s.startedAt().toString());
            g.writeNumberField("rowsApplied", s.rowsApplied());
            g.writeNumberField("errors", s.errors());
            seconds(g, "lagSeconds", s.lag());
            g.writeArrayFieldStart("blocked");
            for (BlockedView v : s.blocked()) {
                g.writeStartObject();
                g.writeStringField("scope", v.scope());
                g.writeStringField("kind", v.blockage().kind().label());
                string(g, "table", v.blockage().table().map(Object::toString));
                string(g, "key", v.blockage().key());
                g.writeStringField("reason", Redaction.message(v.blockage().reason()));
                string(g, "fix", v.blockage().fix());
                g.writeStringField("since", v.since().toString());
                g.writeNumberField("attempts", v.attempts());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("schemas");
            for (SchemaView v : s.schemas()) {
                g.writeStartObject();
                g.writeStringField("schema", v.schema().toString());
                g.writeStringField("mode", v.mode());
                string(g, "resolved", v.resolved().map(Object::toString));
                string(g, "resolvedTime", v.resolvedTime().map(Instant::toString));
                seconds(g, "lagSeconds", v.lag());
                g.writeNumberField("rowsApplied", v.rowsApplied());
                g.writeNumberField("errors", v.errors());
                error(g, v.lastError());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("loops");
            for (LoopView v : s.loops()) {
                g.writeStartObject();
                g.writeStringField("loop", v.name());
                g.writeStringField("mode", v.mode());
                string(g, "position", v.position());
                string(g, "commitTime", v.commitTime().map(Instant::toString));
                seconds(g, "lagSeconds", v.lag());
                g.writeNumberField("rowsApplied", v.rowsApplied());
                g.writeNumberField("errors", v.errors());
                error(g, v.lastError());
                if (v.load().isPresent()) {
                    StatusSnapshot.LoadView l = v.load().get();
                    g.writeObjectFieldStart("load");
                    g.writeStringField("state", l.finished() ? "finished" : "copying");
                    g.writeNumberField("tablesCopied", l.tablesCopied());
                    g.writeNumberField("tables", l.tables());
                    g.writeNumberField("chunksCopied", l.chunksCopied());
                    g.writeNumberField("chunks", l.chunks());
                    g.writeNumberField("rows", l.rows());
                    g.writeNumberField("rowsPerSecond", Math.round(l.rowsPerSecond()));
                    seconds(g, "etaSeconds", l.eta());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("tables");
            for (TableView v : s.tables()) {
                g.writeStartObject();
                g.writeStringField("table", v.table().toString());
                g.writeStringField("mode", v.mode());
                g.writeNumberField("upserts", v.upserts());
                g.writeNumberField("deletes", v.deletes());
                g.writeNumberField("rowsApplied", v.rowsApplied());
                string(g, "lastApplied", v.lastApplied().map(Instant::toString));
                g.writeNumberField("deadLettered", v.deadLettered());
                g.writeNumberField("errors", v.errors());
                error(g, v.lastError());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("lagHistory");
            for (LagSample l : s.lagHistory()) {
                g.writeStartObject();
                g.writeNumberField("t", l.time().toEpochMilli());
                g.writeNumberField("lagSeconds", l.lagSeconds());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not render the status as JSON", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void string(JsonGenerator g, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, value.get());
        } else {
            g.writeNullField(name);
        }
    }

    private static void seconds(JsonGenerator g, String name, Optional<Duration> value) throws IOException {
        if (value.isPresent()) {
            g.writeNumberField(name, value.get().toMillis() / 1000.0);
        } else {
            g.writeNullField(name);
        }
    }

    private static void error(JsonGenerator g, Optional<LastError> value) throws IOException {
        if (value.isEmpty()) {
            g.writeNullField("lastError");
            return;
        }
        g.writeObjectFieldStart("lastError");
        g.writeStringField("message", value.get().message());
        g.writeStringField("time", value.get().time().toString());
        g.writeEndObject();
    }
}
