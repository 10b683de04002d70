package io.cdcsink.objstore;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads a row file: one {@code {"after":{…}|null,"key":[…],"updated":"<hlc>"}} per line. The key and the row are
 * kept as the exact JSON text of the file (numbers keep every digit); blank lines are skipped, other fields ignored.
 */
final class NdjsonFile {
    private static final JsonFactory JSON = new JsonFactory();

    private NdjsonFile() {
    }

    /**
     * @param in   the file's bytes, gzip-compressed when {@code gzip}; read to the end, not closed
     * @param name the file's name, for messages
     * @throws BadInputException naming the file and line when a line is malformed
     */
    static List<Mutation> read(InputStream in, boolean gzip, String name) throws IOException {
        InputStream body = gzip ? new GZIPInputStream(in, 64 * 1024) : in;
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        List<Mutation> out = new ArrayList<>();
        int lineNo = 0;
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (CharacterCodingException e) {
                throw new BadInputException(name + " is not valid UTF-8 (near line " + (lineNo + 1) + ")", e);
            }
            if (line == null) {
                return out;
            }
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String where = name + " line " + lineNo;
            try {
                out.add(line(line, where));
            } catch (JsonProcessingException e) {
                throw new BadInputException("could not decode " + where + ": " + e.getOriginalMessage(), e);
            }
        }
    }

    static Mutation line(String line, String where) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(where + ": must be a JSON object");
            }
            String key = null;
            String after = null;
            String updated = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "after" -> after = value == JsonToken.VALUE_NULL ? null : raw(p, line, JsonToken.START_OBJECT,
                            where + " field \"after\"");
                    case "key" -> key = raw(p, line, JsonToken.START_ARRAY, where + " field \"key\"");
                    case "updated" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new BadInputException(where + " field \"updated\": must be a string");
                        }
                        updated = p.getText();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadInputException(where + ": unexpected content after the JSON object");
            }
            if (updated == null || updated.isEmpty()) {
                throw new BadInputException(where + " has no field \"updated\": CREATE CHANGEFEED must specify the"
                        + " 'WITH updated' option");
            }
            if (key == null) {
                throw new BadInputException(where + ": missing field \"key\"");
            }
            Hlc time;
            try {
                time = Hlc.parse(updated);
            } catch (BadInputException e) {
                throw new BadInputException(where + " field \"updated\": " + e.getMessage(), e);
            }
            return new Mutation(time, key, Optional.ofNullable(after));
        }
    }

    /** The exact text of the current object or array, which the parser then skips. */
    private static String raw(JsonParser p, String line, JsonToken expected, String where) throws IOException {
        if (p.currentToken() != expected) {
            throw new BadInputException(where + ": must be a JSON "
                    + (expected == JsonToken.START_OBJECT ? "object" : "array"));
        }
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        int end = (int) p.currentTokenLocation().getCharOffset() + 1;
        return line.substring(start, end);
    }
}
