package io.cdcsink.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source's options ({@link SourceContext#options()}: flag name without dashes → value), read with checks: every
 * error names the flag ({@code --name}) and says what it takes. Values are written as on the command line: durations
 * as {@code 30s}, {@code 1m30s}, {@code 250ms}; booleans as {@code true} or {@code false}.
 */
public final class Options {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Options of(Map<String, String> values) {
        return new Options(values);
    }

    /** The option as given, if given. */
    public Optional<String> string(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The option as given. */
    public String required(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    public boolean bool(String name, boolean defaultValue) {
        return string(name).map(v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, was \"" + v + "\"");
        }).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue) {
        return string(name).map(v -> {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, was \"" + v + "\"", e);
            }
        }).orElse(defaultValue);
    }

    public long integer(String name, long defaultValue) {
        return string(name).map(v -> {
            try {
                return Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, was \"" + v + "\"", e);
            }
        }).orElse(defaultValue);
    }

    public Duration duration(String name, Duration defaultValue) {
        return string(name).map(v -> {
            try {
                return duration(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
            }
        }).orElse(defaultValue);
    }

    public Optional<Path> path(String name) {
        return string(name).filter(v -> !v.isBlank()).map(Path::of);
    }

    /**
     * Fails naming the options the source does not know, so a misspelt one is not silently ignored.
     *
     * @param known every option the source reads
     */
    public void requireOnly(Set<String> known) {
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: "
                        + new java.util.TreeSet<>(known));
            }
        }
    }

    /** A duration as {@link #duration(String)} reads it back exactly: {@code 30s}, {@code 1500ms}, {@code 7ns}. */
    public static String text(Duration value) {
        long nanos = value.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos + "ns";
    }

    /**
     * Parses a duration as the original tool's flags take it: a sequence of decimal numbers with units {@code ns},
     * {@code us} ({@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}, e.g. {@code 30s}, {@code 1m30s},
     * {@code 1.5h}; a bare {@code 0} is zero.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Duration duration(String value) {
        String s = value.strip();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(s);
        int at = 0;
        double nanos = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new IllegalArgumentException("invalid duration \"" + value
                    + "\": use a number with a unit, e.g. 30s, 5m, 1h30m, 250ms");
        }
        Duration d = Duration.ofNanos(Math.round(nanos));
        return negative ? d.negated() : d;
    }
}
