package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration of the apply layer. Numbers are kept exact (BigDecimal/BigInteger, trailing zeros
 * preserved) and written in plain notation, so {@code 4E+2} reaches the target as {@code 400}, which every numeric
 * and integer type accepts, instead of being rounded through a double.
 */
final class JsonCodec {
    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** @throws JsonProcessingException with Jackson's description of what is malformed */
    JsonNode parse(String text) throws JsonProcessingException {
        return mapper.readTree(text);
    }

    /** Compact JSON text; equal values give equal text, whatever whitespace or exponent form they arrived in. */
    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree built by this mapper always serialises.
            throw new IllegalStateException("could not serialise JSON", e);
        }
    }

    JsonMapper mapper() {
        return mapper;
    }
}
