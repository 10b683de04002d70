package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cdcsink.api.JsonText;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.StringWriter;

/**
 * The one Jackson configuration of the apply layer. Numbers are kept exact (BigDecimal/BigInteger, trailing zeros
 * preserved) and written in plain notation, so {@code 4E+2} reaches the target as {@code 400}, which every numeric
 * and integer type accepts, instead of being rounded through a double.
 */
final class JsonCodec {
    /** Far beyond any number type's range (numeric: 131,072 digits before the point, 16,383 after). */
    static final int MAX_PLAIN_DIGITS = 150_000;

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    // Reused: readTree/writeValueAsString on the mapper resolve the root type and serializer on every call.
    private final ObjectReader reader = mapper.readerFor(JsonNode.class);
    private final ObjectWriter writer = mapper.writer();

    /** @throws JsonProcessingException with Jackson's description of what is malformed */
    JsonNode parse(String text) throws JsonProcessingException {
        return reader.readTree(text);
    }

    /** Compact JSON text; equal values give equal text, whatever whitespace or exponent form they arrived in. */
    String write(JsonNode node) {
        try {
            return writer.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree built by this mapper always serialises.
            throw new IllegalStateException("could not serialise JSON", e);
        }
    }

    /**
     * As {@link #write(JsonNode)}, with the same result, but scalars are written straight into a builder: keys are
     * written once per mutation, and a JSON generator per key costs more than the rest of the work on it.
     */
    String writeKey(JsonNode key) {
        if (!key.isArray()) {
            return write(key);
        }
        StringBuilder out = new StringBuilder(8 + 16 * key.size()).append('[');
        for (int i = 0; i < key.size(); i++) {
            JsonNode value = key.get(i);
            if (i > 0) {
                out.append(',');
            }
            if (value.isTextual()) {
                JsonText.appendString(out, value.textValue());
            } else if (value.isBigDecimal()) {
                out.append(value.decimalValue().toPlainString());
            } else if (value.isBigInteger() || value.isBoolean() || value.isNull()) {
                out.append(value.asText());
            } else {
                out.append(write(value));
            }
        }
        return out.append(']').toString();
    }

    /**
     * The JSON text with every number in exponent form written out in plain notation ({@code 4E+2} as {@code 400});
     * everything else keeps its value, numbers their spelling (so {@code -0} stays negative).
     *
     * @param text well-formed JSON, as this codec reads it
     */
    String plainNumbers(String text) {
        StringWriter out = new StringWriter(text.length() + 16);
        try (JsonParser p = mapper.createParser(text); JsonGenerator g = mapper.createGenerator(out)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(plain(p.getText()));
                    default -> g.copyCurrentEvent(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not write numbers out in " + text, e);
        }
        return out.toString();
    }

    /**
     * A number's text in plain notation when it has an exponent; as it is when it has none, or when written out it
     * would be longer than {@value #MAX_PLAIN_DIGITS} digits (the target's input function then reads the exponent
     * form, or says the value is out of range).
     */
    static String plain(String number) {
        if (!FlatJson.hasExponent(number, 0, number.length())) {
            return number;
        }
        BigDecimal value = new BigDecimal(number);
        long digits = Math.abs((long) value.scale()) + value.precision();
        return digits > MAX_PLAIN_DIGITS ? number : value.toPlainString();
    }

    /** Writes the body's output, normally one JSON array, as compact text with this codec's number rules. */
    String write(int sizeHint, Body body) {
        StringWriter out = new StringWriter(sizeHint);
        try (JsonGenerator g = writer.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            // Writing to a StringWriter cannot fail for I/O; only a broken body does.
            throw new IllegalStateException("could not serialise JSON", e);
        }
        return out.toString();
    }

    /**
     * Writes one value of a tree this codec parsed, exactly as {@link #write(JsonNode)} would. Scalars, the common
     * case, go straight to the generator; containers through the tree serializer.
     */
    void writeValue(JsonGenerator g, JsonNode value) throws IOException {
        if (value.isTextual()) {
            g.writeString(value.textValue());
        } else if (value.isNull()) {
            g.writeNull();
        } else if (value.isBigDecimal()) {
            g.writeNumber(value.decimalValue());
        } else if (value.isBigInteger()) {
            g.writeNumber(value.bigIntegerValue());
        } else if (value.isBoolean()) {
            g.writeBoolean(value.booleanValue());
        } else {
            writer.writeValue(g, value);
        }
    }

    /** What {@link #write(int, Body)} writes. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    JsonMapper mapper() {
        return mapper;
    }
}
