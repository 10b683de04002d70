package io.cdcsink.cli;

import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.engine.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration a replicating command runs with, as one log line at start: every flag's value and, unless it
 * came from the command line or is the built-in default, where it came from (the environment variable, the
 * {@code @file}). Passwords in connection strings, secret keys and secret Kafka properties are masked: the line is
 * safe to ship to a log store, and answers "which settings is it really running with?" after flags, environment
 * and files have been merged.
 */
final class EffectiveConfig {
    private static final String HIDDEN = "****";

    /** Flags whose value is a connection string: only its password is hidden. */
    private static final Set<String> CONNECTIONS = Set.of("--conn", "--targetConn", "--sourceConn");
    /** Flags whose whole value is secret. */
    private static final Set<String> SECRETS = Set.of("--s3SecretKey");
    /** Kafka consumer properties that hold secrets, e.g. ssl.key.password, sasl.jaas.config, ssl.keystore.key. */
    private static final Pattern SECRET_PROPERTY =
            Pattern.compile("(?i).*(password|secret|jaas|token|credential).*|.*\\.key");

    private EffectiveConfig() {
    }

    /**
     * {@code configuration of cdc-sink CMD: --flag=value [origin] ...} for the command's options, help flags and
     * switches that are off aside, origins from the command line's {@link EnvironmentDefaults}.
     */
    static String describe(CommandSpec command) {
        return describe(command, command.root().commandLine().getDefaultValueProvider()
                instanceof EnvironmentDefaults e ? e : new EnvironmentDefaults(Map.of()));
    }

    private static String describe(CommandSpec command, EnvironmentDefaults environment) {
        List<String> parts = new ArrayList<>();
        for (OptionSpec option : command.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Object value = option.getValue();
            if (value == null || value instanceof Collection<?> c && c.isEmpty() || Boolean.FALSE.equals(value)
                    || value instanceof boolean[] counted && counted.length == 0) {
                continue;
            }
            String name = option.longestName();
            String text = value instanceof boolean[] counted ? Integer.toString(counted.length) : text(name, value);
            parts.add(name + "=" + text + origin(option, environment).map(o -> " [" + o + "]").orElse(""));
        }
        return "configuration of " + command.qualifiedName() + ": " + String.join(" ", parts);
    }

    private static String text(String name, Object value) {
        if (value instanceof Collection<?> values) {
            return values.stream().map(v -> text(name, v)).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Duration d) {
            return Durations.text(d);
        }
        String s = String.valueOf(value);
        if (SECRETS.contains(name)) {
            return HIDDEN;
        }
        if (CONNECTIONS.contains(name)) {
            return ConnectionString.redact(s);
        }
        if (name.equals("--kafkaProperty")) {
            int eq = s.indexOf('=');
            return eq > 0 && SECRET_PROPERTY.matcher(s.substring(0, eq)).matches() ? s.substring(0, eq + 1) + HIDDEN
                    : s;
        }
        return s;
    }

    /** Empty for the command line and the built-in default; else the variable, and the file a value was read from. */
    private static Optional<String> origin(OptionSpec option, EnvironmentDefaults environment) {
        List<String> given = option.originalStringValues();
        if (!given.isEmpty()) {
            return files(given).map(f -> "from " + f);
        }
        return environment.setVariable(option).map(v -> {
            String raw = environment.defaultValue(option);
            return v + files(raw == null ? List.of() : List.of(raw)).map(f -> " from " + f).orElse("");
        });
    }

    private static Optional<String> files(List<String> raw) {
        List<String> files = raw.stream().filter(s -> s.startsWith("@") && !s.startsWith("@@"))
                .map(s -> s.substring(1)).toList();
        return files.isEmpty() ? Optional.empty() : Optional.of(String.join(",", files));
    }
}
