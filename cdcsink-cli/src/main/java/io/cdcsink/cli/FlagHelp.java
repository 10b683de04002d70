package io.cdcsink.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The usage text of every command in the spec's style: {@code Usage: cdc-sink start [flags]}, then one line per flag
 * with its type ({@code string}, {@code int}, {@code duration}, ...) and its description with the default, wrapped
 * at {@value #WIDTH} columns, then the global flags. The README's usage blocks are this text.
 */
final class FlagHelp {
    static final int WIDTH = 120;
    /** Where descriptions start, unless a flag and its type need more. */
    private static final int DESCRIPTION_COLUMN = 28;

    private FlagHelp() {
    }

    /** Renders the help of {@code command} and of all its subcommands this way. */
    static void install(CommandLine command) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = command.getHelpSectionMap();
        sections.clear();
        sections.put("body", help -> render(help.commandSpec()));
        command.setHelpSectionKeys(List.of("body"));
        command.getSubcommands().values().forEach(FlagHelp::install);
    }

    static String render(CommandSpec spec) {
        StringBuilder out = new StringBuilder();
        String path = spec.qualifiedName();
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        StringBuilder usage = new StringBuilder("Usage: ").append(path);
        if (!spec.subcommands().isEmpty()) {
            usage.append(" [command]");
        }
        for (PositionalParamSpec p : positionals) {
            usage.append(' ').append(p.paramLabel());
        }
        usage.append(" [flags]");
        out.append(usage).append('\n');
        for (String line : spec.usageMessage().description()) {
            wrap(out, line, 0, 0);
        }
        if (!spec.subcommands().isEmpty()) {
            out.append("Commands:\n");
            spec.subcommands().forEach((name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden() && name.equals(sub.getCommandName())) {
                    String description = String.join(" ", sub.getCommandSpec().usageMessage().description())
                            .replace("%n", " ").strip();
                    row(out, "  " + name, description);
                }
            });
        }
        List<OptionSpec> own = new ArrayList<>();
        List<OptionSpec> global = new ArrayList<>();
        List<OptionSpec> standard = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            (o.usageHelp() || o.versionHelp() ? standard : o.inherited() ? global : own).add(o);
        }
        global.addAll(standard);
        if (!own.isEmpty()) {
            out.append("Flags:\n");
            own.forEach(o -> option(out, o));
        }
        if (!global.isEmpty()) {
            out.append("Global flags:\n");
            global.forEach(o -> option(out, o));
        }
        return out.toString();
    }

    private static void option(StringBuilder out, OptionSpec o) {
        StringBuilder name = new StringBuilder("  ");
        String[] names = o.names();
        for (String n : names) {
            if (!n.startsWith("--")) {
                name.append(n).append(", ");
            }
        }
        name.append(o.longestName());
        type(o).ifPresent(t -> name.append(' ').append(t));
        String text = o.usageHelp() ? "print this help" : o.versionHelp() ? "print the version"
                : String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))
                .strip();
        row(out, name.toString(), text);
    }

    private static void row(StringBuilder out, String left, String description) {
        int column = Math.max(DESCRIPTION_COLUMN, left.length() + 3);
        out.append(left).append(" ".repeat(column - left.length()));
        wrap(out, description, column, column);
    }

    /** Appends {@code text} from the current column, wrapping at word boundaries, later lines indented. */
    private static void wrap(StringBuilder out, String text, int first, int indent) {
        int at = first;
        boolean start = true;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!start && at + 1 + word.length() > WIDTH) {
                out.append('\n').append(" ".repeat(indent));
                at = indent;
                start = true;
            }
            if (!start) {
                out.append(' ');
                at++;
            }
            out.append(word);
            at += word.length();
            start = false;
        }
        out.append('\n');
    }

    /** The spec's word for a flag's value; none for a switch. */
    static java.util.Optional<String> type(OptionSpec o) {
        Class<?> t = o.type();
        if (t == boolean.class || t == Boolean.class || t == boolean[].class) {
            return java.util.Optional.empty();
        }
        if (t == String.class || t == Path.class) {
            return java.util.Optional.of("string");
        }
        if (t == Duration.class) {
            return java.util.Optional.of("duration");
        }
        if (List.class.isAssignableFrom(t) || t.isArray()) {
            return java.util.Optional.of("strings");
        }
        return java.util.Optional.of(t.getSimpleName());
    }
}
