package io.cdcsink.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
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

/**
 * Decodes an ndjson file of a CockroachDB cloud-storage ({@code experimental-http://}) sink: one
 * {@code {"after":{…},"key":[…],"updated":"<hlc>"}} per line. Lines have no length limit beyond the body limit;
 * blank lines are skipped; unknown fields are ignored.
 */
public final class NdjsonBodyParser {
    static final String NEED_UPDATED = "CREATE CHANGEFEED must specify the 'WITH updated' option";

    /**
     * @param table the target table from the file name
     * @param body  the request body; read to the end, not closed
     * @return the mutations in file order
     * @throws BadInputException naming the line and field when a line is malformed
     */
    public List<Mutation> parse(TableName table, InputStream body) throws IOException {
        // Malformed UTF-8 is refused, not silently replaced: a changed byte would be a changed row.
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        List<Mutation> out = new ArrayList<>();
        int lineNo = 0;
        for (String line = readLine(reader, table, lineNo); line != null; line = readLine(reader, table, lineNo)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(line(line, "line " + lineNo));
            } catch (JsonProcessingException e) {
                throw new BadInputException("could not decode line " + lineNo + " of " + table + ": "
                        + e.getOriginalMessage(), e);
            }
        }
        return out;
    }

    private static String readLine(BufferedReader reader, TableName table, int linesRead) throws IOException {
        try {
            return reader.readLine();
        } catch (CharacterCodingException e) {
            throw new BadInputException("could not decode " + table + ": the body is not valid UTF-8 (near line "
                    + (linesRead + 1) + ")", e);
        }
    }

    private static Mutation line(String line, String where) throws IOException {
        Json.Input source = Json.chars(line);
        try (JsonParser p = Json.FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(where + ": must be a JSON object");
            }
            String key = null;
            String after = null;
            String updated = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "after" -> after = Json.raw(p, source, true, where + " field \"after\"");
                    case "key" -> key = Json.raw(p, source, false, where + " field \"key\"");
                    case "updated" -> updated = Json.stringOrNull(p, where + " field \"updated\"");
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadInputException(where + ": unexpected content after the JSON object");
            }
            if (updated == null || updated.isEmpty()) {
                throw new BadInputException(NEED_UPDATED + " (" + where + " has no field \"updated\")");
            }
            if (key == null) {
                throw new BadInputException(where + ": missing field \"key\"");
            }
            return new Mutation(WebhookBodyParser.timestamp(where + " field \"updated\"", updated), key,
                    Optional.ofNullable(after));
        }
    }
}
