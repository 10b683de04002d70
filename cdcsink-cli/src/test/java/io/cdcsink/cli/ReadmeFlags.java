package io.cdcsink.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The flags README.md documents per command, read from its three formats (usage block, table, prose). */
final class ReadmeFlags {
    /** One documented flag: its type word and description (usage block only) and its default, if stated. */
    record Flag(String name, Optional<String> type, Optional<String> description, Optional<String> defaultValue) {
    }

    private static final Pattern USAGE_LINE =
            Pattern.compile("^ {2}(?:-\\w, )?(--\\w+)(?: (\\w+))?\\s{2,}(\\S.*)$");
    private static final Pattern CONTINUATION = Pattern.compile("^ {10,}(\\S.*)$");
    private static final Pattern QUOTED_DEFAULT = Pattern.compile("\\(default \"?([^\")]*)\"?\\)");
    private static final Pattern FLAG = Pattern.compile("--[A-Za-z]\\w*(?![\\w-])");
    private static final Pattern PROSE_DEFAULT = Pattern.compile("defaults?(?: to)? (`[^`]+`|\\d+)");

    private final List<String> lines;

    private ReadmeFlags(List<String> lines) {
        this.lines = lines;
    }

    static ReadmeFlags read() throws IOException {
        Path readme = Path.of("..", "README.md");
        if (!Files.exists(readme)) {
            readme = Path.of("README.md");
        }
        return new ReadmeFlags(Files.readAllLines(readme));
    }

    /** The lines of the {@code ## } section whose heading contains the text, up to the next such heading. */
    List<String> section(String headingContains) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (start < 0 && l.startsWith("## ") && l.contains(headingContains)) {
                start = i + 1;
            } else if (start >= 0 && l.startsWith("## ")) {
                return lines.subList(start, i);
            }
        }
        if (start < 0) {
            throw new IllegalStateException("README.md has no section \"" + headingContains + "\"");
        }
        return lines.subList(start, lines.size());
    }

    /**
     * The usage block of a section ({@code --flag type   description}, continuation lines indented), split into
     * the command's own flags and those after {@code Global flags:}.
     */
    static Map<String, Map<String, Flag>> usageBlock(List<String> section) {
        Map<String, Map<String, Flag>> parts = new LinkedHashMap<>();
        Map<String, Flag> current = new LinkedHashMap<>();
        parts.put("command", current);
        boolean inBlock = false;
        String name = null;
        String type = null;
        StringBuilder description = null;
        for (String l : section) {
            if (l.startsWith("```")) {
                if (inBlock) {
                    break;
                }
                inBlock = true;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            Matcher flag = USAGE_LINE.matcher(l);
            Matcher more = CONTINUATION.matcher(l);
            if (flag.matches() || !more.matches()) {
                if (name != null) {
                    current.put(name, usageFlag(name, type, description.toString()));
                    name = null;
                }
                if (l.startsWith("Global flags:")) {
                    current = new LinkedHashMap<>();
                    parts.put("global", current);
                }
            }
            if (flag.matches()) {
                name = flag.group(1);
                type = flag.group(2);
                description = new StringBuilder(flag.group(3).strip());
            } else if (more.matches() && name != null) {
                description.append(' ').append(more.group(1).strip());
            }
        }
        if (name != null) {
            current.put(name, usageFlag(name, type, description.toString()));
        }
        return parts;
    }

    private static Flag usageFlag(String name, String type, String description) {
        Matcher d = QUOTED_DEFAULT.matcher(description);
        return new Flag(name, Optional.ofNullable(type), Optional.of(description),
                d.find() ? Optional.of(d.group(1)) : Optional.empty());
    }

    /** The {@code | flag | default | description |} table of a section; a row may name several flags. */
    static Map<String, Flag> table(List<String> section) {
        Map<String, Flag> flags = new LinkedHashMap<>();
        for (String l : section) {
            if (!l.startsWith("| `--")) {
                continue;
            }
            String[] cells = l.split("\\|");
            String def = cells[2].strip().replace("`", "").replaceAll(" \\(.*\\)$", "");
            Matcher m = FLAG.matcher(cells[1]);
            while (m.find()) {
                flags.put(m.group(), new Flag(m.group(), Optional.empty(), Optional.empty(),
                        def.isEmpty() ? Optional.empty() : Optional.of(def)));
            }
        }
        return flags;
    }

    /**
     * Flags named in a section's prose and shell examples (not in {@code text}/{@code sql} blocks, which show other
     * programs' options), each with the default the prose gives right after it ("default `x`", "defaults to `x`").
     */
    static Map<String, Flag> prose(List<String> section) {
        StringBuilder text = new StringBuilder();
        boolean skip = false;
        for (String l : section) {
            if (l.startsWith("```")) {
                skip = !skip && (l.startsWith("```text") || l.startsWith("```sql"));
                continue;
            }
            if (!skip) {
                text.append(l).append(' ');
            }
        }
        Map<String, Flag> flags = new LinkedHashMap<>();
        Matcher m = FLAG.matcher(text);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group());
            spans.add(new int[] {m.end(), text.length()});
            if (spans.size() > 1) {
                spans.get(spans.size() - 2)[1] = m.start();
            }
        }
        for (int i = 0; i < names.size(); i++) {
            String after = text.substring(spans.get(i)[0], spans.get(i)[1]);
            Matcher d = PROSE_DEFAULT.matcher(after);
            Optional<String> def = d.find() ? Optional.of(d.group(1).replace("`", "")) : Optional.empty();
            Flag known = flags.get(names.get(i));
            if (known == null || known.defaultValue().isEmpty()) {
                flags.put(names.get(i), new Flag(names.get(i), Optional.empty(), Optional.empty(), def));
            }
        }
        return flags;
    }
}
