package io.cdcsink.objstore;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of a CockroachDB cloud-storage changefeed, named by its path below the sink's prefix: a row file
 * {@code <date>/<timestamp>-<session>-<node>-<sink>-<file id>-<topic>-<schema id>.ndjson[.gz]} or a resolved file
 * {@code <date>/<timestamp>.RESOLVED}, where the timestamp is 33 digits ({@code YYYYMMDDHHMMSS} in UTC, nine digits
 * of nanoseconds, ten of logical counter). Names sort in the order CockroachDB wrote them.
 */
sealed interface ChangefeedFile {
    /** The path below the prefix, e.g. {@code 2024-05-01/202405011200000000000000000000000.RESOLVED}. */
    String name();

    /** Rows of one topic. */
    record Rows(String name, String topic, boolean gzip) implements ChangefeedFile {
    }

    /** Every row at or before {@code resolved} has been written in files that sort before this one. */
    record Resolved(String name, Hlc resolved) implements ChangefeedFile {
    }

    /** The five groups before the topic never contain a dash; the topic may. */
    Pattern ROWS = Pattern.compile("(\\d{33})(?:-[^-]+){4}-(.+)-([^-]+)\\.ndjson(\\.gz)?");
    Pattern RESOLVED = Pattern.compile("(\\d{14})(\\d{9})(\\d{10})\\.RESOLVED");
    DateTimeFormatter WALL = DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    /**
     * @param name the path below the prefix, {@code /}-separated
     * @return the file, or empty when it is not a changefeed file (another writer's file, a temporary file)
     * @throws BadInputException when the name has a changefeed file's shape but an invalid timestamp
     */
    static Optional<ChangefeedFile> parse(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        Matcher rows = ROWS.matcher(base);
        if (rows.matches()) {
            return Optional.of(new Rows(name, rows.group(2), rows.group(4) != null));
        }
        Matcher res = RESOLVED.matcher(base);
        if (res.matches()) {
            return Optional.of(new Resolved(name, resolved(res, name)));
        }
        return Optional.empty();
    }

    private static Hlc resolved(Matcher m, String name) {
        LocalDateTime wall;
        try {
            wall = LocalDateTime.parse(m.group(1), WALL);
        } catch (DateTimeParseException e) {
            throw new BadInputException("resolved file \"" + name + "\" has an invalid date-time: " + m.group(1));
        }
        long logical = Long.parseLong(m.group(3));
        if (logical > Integer.MAX_VALUE) {
            throw new BadInputException("resolved file \"" + name + "\": logical part " + m.group(3)
                    + " is out of range");
        }
        long nanos = wall.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + Long.parseLong(m.group(2));
        if (nanos <= 0) {
            throw new BadInputException("resolved file \"" + name + "\": timestamp must be after 1970-01-01");
        }
        return new Hlc(nanos, (int) logical);
    }
}
