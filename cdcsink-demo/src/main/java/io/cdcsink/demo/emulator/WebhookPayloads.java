package io.cdcsink.demo.emulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcsink.api.Hlc;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The request bodies of CockroachDB's {@code webhook-https://} sink. */
final class WebhookPayloads {
    private static final JsonFactory FACTORY = new JsonFactory();

    private WebhookPayloads() {
    }

    /** {@code {"payload":[{"after":{…},"key":[…],"topic":"t","updated":"<hlc>"},…],"length":n}}. */
    static String batch(Batch batch) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("payload");
            for (Message m : batch.messages()) {
                g.writeStartObject();
                g.writeFieldName("after");
                if (m.change().after().isPresent()) {
                    g.writeRawValue(m.change().after().get());
                } else {
                    g.writeNull();
                }
                g.writeFieldName("key");
                g.writeRawValue(m.change().key());
                g.writeStringField("topic", m.change().topic());
                g.writeStringField("updated", m.updated().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("length", batch.messages().size());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@code {"resolved":"<hlc>"}}. */
    static String resolved(Hlc resolved) {
        return "{\"resolved\":\"" + resolved + "\"}";
    }
}
