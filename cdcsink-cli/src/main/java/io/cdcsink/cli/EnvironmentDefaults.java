package io.cdcsink.cli;

import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag from the environment, so that a container or a systemd unit configures cdc-sink without a command line
 * (and without a password in {@code ps}): {@code CDC_SINK_} followed by the flag's long name in upper snake case,
 * e.g. {@code --conn} is {@code CDC_SINK_CONN}, {@code --sourceConn} {@code CDC_SINK_SOURCE_CONN},
 * {@code --targetDBConns} {@code CDC_SINK_TARGET_DB_CONNS}. A flag given on the command line wins; a variable only
 * replaces the flag's built-in default. Installed on the top command, it serves every subcommand.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    static final String PREFIX = "CDC_SINK_";

    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        return variable(option).map(environment::get).orElse(null);
    }

    /** Where the option's value came from, for the effective configuration: a variable that is set, if any. */
    Optional<String> setVariable(OptionSpec option) {
        return variable(option).filter(environment::containsKey);
    }

    /**
     * The variable of an option: none for {@code -h}, {@code -V} and flags counted by repetition ({@code -v -v}).
     */
    static Optional<String> variable(OptionSpec option) {
        if (option.usageHelp() || option.versionHelp() || option.type() == boolean[].class) {
            return Optional.empty();
        }
        String longest = option.longestName();
        if (!longest.startsWith("--")) {
            return Optional.empty();
        }
        return Optional.of(PREFIX + upperSnake(longest.substring(2)));
    }

    /**
     * {@code sourceConn} to {@code SOURCE_CONN}: a word starts at an upper-case letter after a lower-case letter or
     * digit, and at the last upper-case letter of a run that a lower-case letter follows ({@code targetDBConns} to
     * {@code TARGET_DB_CONNS}, {@code defaultGTIDSet} to {@code DEFAULT_GTID_SET}).
     */
    static String upperSnake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                char before = camel.charAt(i - 1);
                boolean afterLower = Character.isLowerCase(before) || Character.isDigit(before);
                boolean endsRun = Character.isUpperCase(before) && i + 1 < camel.length()
                        && Character.isLowerCase(camel.charAt(i + 1));
                if (afterLower || endsRun) {
                    out.append('_');
                }
            }
            out.append(c == '-' ? '_' : Character.toUpperCase(c));
        }
        return out.toString();
    }
}
