package io.cdcsink.webhook;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the raw (still percent-encoded) path of a changefeed request. Segments are split before they are decoded so
 * that an encoded {@code /} stays inside its segment.
 */
public final class ChangefeedPathParser {
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /**
     * CockroachDB names files {@code <timestamp>-<session>-<node>-<sink>-<file id>-<topic>-<schema id>}: the five
     * groups of the prelude never contain a dash, so the topic may.
     */
    private static final Pattern NDJSON = Pattern.compile("(?:[^-]+-){5}(.+)-([^-]+)\\.ndjson(\\.gz)?");
    private static final Pattern RESOLVED = Pattern.compile("(\\d{14})(\\d{9})(\\d{10})\\.RESOLVED");
    private static final DateTimeFormatter WALL =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    /**
     * @param rawPath the request path as sent, e.g. {@code /db/public} or {@code /db/public/2020-04-04/….RESOLVED}
     * @return the addressed endpoint, or empty when the path is not a changefeed path (404)
     * @throws BadInputException when the path has the right shape but a bad value (timestamp, topic, encoding)
     */
    public Optional<ChangefeedPath> parse(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        String trimmed = rawPath.substring(1);
        List<String> segments = new ArrayList<>(List.of(trimmed.split("/", -1)));
        // A webhook URL configured with a trailing slash still addresses the schema.
        if (segments.size() == 3 && segments.get(2).isEmpty()) {
            segments.remove(2);
        }
        for (String s : segments) {
            if (s.isEmpty()) {
                return Optional.empty();
            }
        }
        if (segments.size() == 2) {
            return Optional.of(new ChangefeedPath.Webhook(schema(segments)));
        }
        if (segments.size() != 4 || !DATE.matcher(decode(segments.get(2))).matches()) {
            return Optional.empty();
        }
        String file = decode(segments.get(3));
        Matcher nd = NDJSON.matcher(file);
        if (nd.matches()) {
            SchemaName schema = schema(segments);
            String topic = nd.group(1);
            return Optional.of(new ChangefeedPath.NdjsonFile(Topics.table(schema, topic), topic, nd.group(2),
                    nd.group(3) != null));
        }
        Matcher res = RESOLVED.matcher(file);
        if (res.matches()) {
            return Optional.of(new ChangefeedPath.ResolvedFile(schema(segments), resolved(res, file)));
        }
        return Optional.empty();
    }

    private static SchemaName schema(List<String> segments) {
        return new SchemaName(decode(segments.get(0)), decode(segments.get(1)));
    }

    /** {@code YYYYMMDDHHMMSS} in UTC, nine digits of nanoseconds, ten digits of logical counter. */
    private static Hlc resolved(Matcher m, String file) {
        LocalDateTime wall;
        try {
            wall = LocalDateTime.parse(m.group(1), WALL);
        } catch (DateTimeParseException e) {
            throw new BadInputException("resolved file \"" + file + "\" has an invalid date-time: " + m.group(1));
        }
        long logical = Long.parseLong(m.group(3));
        // Hlc.logical is an int; CockroachDB's logical counter stays far below this in practice.
        if (logical > Integer.MAX_VALUE) {
            throw new BadInputException("resolved file \"" + file + "\": logical part " + m.group(3)
                    + " is out of range (max " + Integer.MAX_VALUE + ")");
        }
        long nanos;
        try {
            nanos = Math.addExact(Math.multiplyExact(wall.toEpochSecond(ZoneOffset.UTC), 1_000_000_000L),
                    Long.parseLong(m.group(2)));
        } catch (ArithmeticException e) {
            throw new BadInputException("resolved file \"" + file + "\": timestamp is out of range");
        }
        if (nanos <= 0) {
            throw new BadInputException("resolved file \"" + file + "\": timestamp must be after 1970-01-01");
        }
        return new Hlc(nanos, (int) logical);
    }

    /** Percent-decodes one path segment as UTF-8; unlike form decoding, {@code +} stays a plus. */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new BadInputException("bad percent-encoding in path segment \"" + segment + "\"");
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadInputException("bad percent-encoding in path segment \"" + segment + "\"");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                int cp = segment.codePointAt(i);
                byte[] b = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException("path segment \"" + segment + "\" is not UTF-8");
        }
    }
}
