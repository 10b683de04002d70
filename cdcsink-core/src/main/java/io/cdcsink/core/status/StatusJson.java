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

    /**
     * Stands for "every schema" when asking whether a caller may read a loop's error, which may name any table:
     * {@code render}'s predicate accepts it only for a caller who may read everything.
     */
    public static final io.cdcsink.api.SchemaName ANY_SCHEMA = new io.cdcsink.api.SchemaName("*", "*");

    /** {@code text} without {@code key} and the row values PostgreSQL quotes, each {@code (hidden)}. */
    public static String withoutValues(String text, Optional<String> key) {
        return Redaction.values(text, key);
    }

    /** Everything, for a caller who may read every table's rows. */
    public byte[] render(StatusSnapshot s) {
        return render(s, schema -> true);
    }

    /**
     * The status, with row keys and values shown only where {@code mayRead} accepts the schema: elsewhere a blocked
     * row's key is left out and values quoted in reasons and errors become {@code (hidden)}.
     */
    public byte[] render(StatusSnapshot s, java.util.function.Predicate<io.cdcsink.api.SchemaName> mayRead) {
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
                boolean shown = v.blockage().table().map(t -> mayRead.test(t.schemaName())).orElse(true);
                Optional<String> key = v.blockage().key();
                string(g, "key", shown ? key : key.map(k -> Redaction.HIDDEN));
                g.writeStringField("reason", Redaction.message(shown ? v.blockage().reason()
                        : Redaction.values(v.blockage().reason(), key)));
                string(g, "fix", shown ? v.blockage().fix() : v.blockage().fix().map(f -> Redaction.values(f, key)));
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
                error(g, v.lastError(), mayRead.test(v.schema()));
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
                // A loop's error may name any of its tables: values only for a caller who may read everything.
                error(g, v.lastError(), mayRead.test(ANY_SCHEMA));
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
                error(g, v.lastError(), mayRead.test(v.table().schemaName()));
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

    private static void error(JsonGenerator g, Optional<LastError> value, boolean shown) throws IOException {
        if (value.isEmpty()) {
            g.writeNullField("lastError");
            return;
        }
        g.writeObjectFieldStart("lastError");
        g.writeStringField("message", shown ? value.get().message()
                : Redaction.values(value.get().message(), Optional.empty()));
        g.writeStringField("time", value.get().time().toString());
        g.writeEndObject();
    }
}
