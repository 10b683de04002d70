package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.Severity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether values of a source column type fit a target column type. Types are grouped in families; the table
 * below is the whole rule set:
 *
 * <table>
 *   <caption>type families</caption>
 *   <tr><th>family</th><th>PostgreSQL / CockroachDB</th><th>MySQL / MariaDB</th></tr>
 *   <tr><td>integer</td><td>smallint, integer, bigint (int2/4/8, serials)</td>
 *       <td>tinyint, smallint, mediumint, int, bigint (UNSIGNED needs the next wider type), year</td></tr>
 *   <tr><td>decimal</td><td>numeric, decimal</td><td>decimal, numeric</td></tr>
 *   <tr><td>float</td><td>real, double precision</td><td>float, double</td></tr>
 *   <tr><td>text</td><td>text, varchar, char, name, citext</td>
 *       <td>char, varchar, tinytext … longtext, enum, set</td></tr>
 *   <tr><td>binary</td><td>bytea</td><td>binary, varbinary, tinyblob … longblob</td></tr>
 *   <tr><td>boolean</td><td>boolean</td><td>boolean (bool)</td></tr>
 *   <tr><td>date</td><td>date</td><td>date</td></tr>
 *   <tr><td>timestamp</td><td>timestamp, timestamptz</td><td>datetime, timestamp</td></tr>
 *   <tr><td>time</td><td>time, timetz</td><td>time</td></tr>
 *   <tr><td>interval</td><td>interval</td><td></td></tr>
 *   <tr><td>json</td><td>json, jsonb</td><td>json</td></tr>
 *   <tr><td>uuid</td><td>uuid</td><td></td></tr>
 *   <tr><td>bit</td><td>bit, bit varying</td><td>bit</td></tr>
 * </table>
 *
 * <p>Same family is {@link Severity#OK}, except an integer target narrower than the source ({@code bigint →
 * integer}), which is a WARN because values may overflow. A few cross-family pairs are OK because every value
 * converts exactly: integer → decimal, integer → float, time → interval (MySQL TIME may exceed 24 hours), uuid →
 * text. Any other pair of known families is a WARN (the apply may fail or change values). Types outside the table
 * (user-defined enums, domains, geometry, ...) are OK when both sides have the same name and a WARN otherwise:
 * preflight cannot decide. Length and precision modifiers are ignored; array types must match in array-ness and
 * their element types are compared.
 */
public final class TypeCompatibility {
    /** The verdict for one column. */
    public record Verdict(Severity severity, String reason) {
        public Verdict {
            if (severity == Severity.ERROR) {
                throw new IllegalArgumentException("type differences are never errors: the apply decides");
            }
        }
    }

    private enum Family { INTEGER, DECIMAL, FLOAT, TEXT, BINARY, BOOLEAN, DATE, TIMESTAMP, TIME, INTERVAL, JSON, UUID,
        BIT }

    private record Kind(Family family, int width) {
    }

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("tinyint", new Kind(Family.INTEGER, 1)),
            Map.entry("smallint", new Kind(Family.INTEGER, 2)),
            Map.entry("int2", new Kind(Family.INTEGER, 2)),
            Map.entry("smallserial", new Kind(Family.INTEGER, 2)),
            Map.entry("year", new Kind(Family.INTEGER, 2)),
            Map.entry("mediumint", new Kind(Family.INTEGER, 3)),
            Map.entry("int", new Kind(Family.INTEGER, 4)),
            Map.entry("integer", new Kind(Family.INTEGER, 4)),
            Map.entry("int4", new Kind(Family.INTEGER, 4)),
            Map.entry("serial", new Kind(Family.INTEGER, 4)),
            Map.entry("bigint", new Kind(Family.INTEGER, 8)),
            Map.entry("int8", new Kind(Family.INTEGER, 8)),
            Map.entry("bigserial", new Kind(Family.INTEGER, 8)),
            Map.entry("numeric", new Kind(Family.DECIMAL, 0)),
            Map.entry("decimal", new Kind(Family.DECIMAL, 0)),
            Map.entry("real", new Kind(Family.FLOAT, 0)),
            Map.entry("float4", new Kind(Family.FLOAT, 0)),
            Map.entry("float", new Kind(Family.FLOAT, 0)),
            Map.entry("double", new Kind(Family.FLOAT, 0)),
            Map.entry("double precision", new Kind(Family.FLOAT, 0)),
            Map.entry("float8", new Kind(Family.FLOAT, 0)),
            Map.entry("text", new Kind(Family.TEXT, 0)),
            Map.entry("varchar", new Kind(Family.TEXT, 0)),
            Map.entry("character varying", new Kind(Family.TEXT, 0)),
            Map.entry("char", new Kind(Family.TEXT, 0)),
            Map.entry("character", new Kind(Family.TEXT, 0)),
            Map.entry("bpchar", new Kind(Family.TEXT, 0)),
            Map.entry("name", new Kind(Family.TEXT, 0)),
            Map.entry("citext", new Kind(Family.TEXT, 0)),
            Map.entry("string", new Kind(Family.TEXT, 0)),
            Map.entry("tinytext", new Kind(Family.TEXT, 0)),
            Map.entry("mediumtext", new Kind(Family.TEXT, 0)),
            Map.entry("longtext", new Kind(Family.TEXT, 0)),
            Map.entry("enum", new Kind(Family.TEXT, 0)),
            Map.entry("set", new Kind(Family.TEXT, 0)),
            Map.entry("bytea", new Kind(Family.BINARY, 0)),
            Map.entry("bytes", new Kind(Family.BINARY, 0)),
            Map.entry("binary", new Kind(Family.BINARY, 0)),
            Map.entry("varbinary", new Kind(Family.BINARY, 0)),
            Map.entry("tinyblob", new Kind(Family.BINARY, 0)),
            Map.entry("blob", new Kind(Family.BINARY, 0)),
            Map.entry("mediumblob", new Kind(Family.BINARY, 0)),
            Map.entry("longblob", new Kind(Family.BINARY, 0)),
            Map.entry("boolean", new Kind(Family.BOOLEAN, 0)),
            Map.entry("bool", new Kind(Family.BOOLEAN, 0)),
            Map.entry("date", new Kind(Family.DATE, 0)),
            Map.entry("timestamp", new Kind(Family.TIMESTAMP, 0)),
            Map.entry("timestamp without time zone", new Kind(Family.TIMESTAMP, 0)),
            Map.entry("timestamp with time zone", new Kind(Family.TIMESTAMP, 0)),
            Map.entry("timestamptz", new Kind(Family.TIMESTAMP, 0)),
            Map.entry("datetime", new Kind(Family.TIMESTAMP, 0)),
            Map.entry("time", new Kind(Family.TIME, 0)),
            Map.entry("time without time zone", new Kind(Family.TIME, 0)),
            Map.entry("time with time zone", new Kind(Family.TIME, 0)),
            Map.entry("timetz", new Kind(Family.TIME, 0)),
            Map.entry("interval", new Kind(Family.INTERVAL, 0)),
            Map.entry("json", new Kind(Family.JSON, 0)),
            Map.entry("jsonb", new Kind(Family.JSON, 0)),
            Map.entry("uuid", new Kind(Family.UUID, 0)),
            Map.entry("bit", new Kind(Family.BIT, 0)),
            Map.entry("bit varying", new Kind(Family.BIT, 0)),
            Map.entry("varbit", new Kind(Family.BIT, 0)));

    /** Source family → target families every value converts to exactly. */
    private static final Map<Family, Set<Family>> WIDENING = Map.of(
            Family.INTEGER, Set.of(Family.DECIMAL, Family.FLOAT),
            Family.TIME, Set.of(Family.INTERVAL),
            Family.UUID, Set.of(Family.TEXT));

    private TypeCompatibility() {
    }

    /** Compares a source column type with the target column type (both as their catalogs print them). */
    public static Verdict compare(String sourceType, String targetType) {
        String source = normalize(sourceType);
        String target = normalize(targetType);
        boolean sourceArray = source.endsWith("[]");
        boolean targetArray = target.endsWith("[]");
        if (sourceArray != targetArray) {
            return new Verdict(Severity.WARN, "source type " + sourceType + " and target type " + targetType
                    + " differ: only one is an array");
        }
        source = stripArray(source);
        target = stripArray(target);
        Optional<Kind> s = kind(source);
        Optional<Kind> t = kind(target);
        if (s.isEmpty() || t.isEmpty()) {
            if (unqualified(source).equals(unqualified(target))) {
                return new Verdict(Severity.OK, "same type " + targetType);
            }
            return new Verdict(Severity.WARN, "cannot tell whether source type " + sourceType
                    + " fits target type " + targetType);
        }
        Kind from = s.get();
        Kind to = t.get();
        if (from.family() == to.family()) {
            if (from.family() == Family.INTEGER && to.width() < from.width()) {
                return new Verdict(Severity.WARN, "target type " + targetType + " is narrower than source type "
                        + sourceType + ": large values will fail to apply");
            }
            return new Verdict(Severity.OK, "source type " + sourceType + " fits target type " + targetType);
        }
        if (WIDENING.getOrDefault(from.family(), Set.of()).contains(to.family())) {
            return new Verdict(Severity.OK, "source type " + sourceType + " converts to target type " + targetType);
        }
        return new Verdict(Severity.WARN, "source type " + sourceType + " (" + name(from.family())
                + ") and target type " + targetType + " (" + name(to.family()) + ") differ in kind");
    }

    /**
     * Lower case, quotes and {@code (...)} modifiers removed, spaces collapsed. An UNSIGNED integer counts as one
     * size wider, so {@code int unsigned} needs a {@code bigint} and {@code bigint unsigned} a {@code numeric}.
     */
    static String normalize(String type) {
        return type.toLowerCase(Locale.ROOT).replace("\"", "").replaceAll("\\([^)]*\\)", " ")
                .replace(" zerofill", " ").replaceAll("\\s+", " ").strip().replace(" []", "[]");
    }

    private static Optional<Kind> kind(String normalized) {
        boolean unsigned = normalized.endsWith(" unsigned");
        String base = unsigned ? normalized.substring(0, normalized.length() - " unsigned".length()) : normalized;
        Kind kind = KINDS.get(base);
        if (kind == null) {
            return Optional.empty();
        }
        if (unsigned && kind.family() == Family.INTEGER) {
            return Optional.of(switch (kind.width()) {
                case 1 -> new Kind(Family.INTEGER, 2);
                case 2, 3 -> new Kind(Family.INTEGER, 4);
                case 4 -> new Kind(Family.INTEGER, 8);
                default -> new Kind(Family.DECIMAL, 0);
            });
        }
        return Optional.of(kind);
    }

    private static String stripArray(String type) {
        return type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
    }

    private static String unqualified(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(dot + 1);
    }

    private static String name(Family family) {
        return family.name().toLowerCase(Locale.ROOT);
    }
}
