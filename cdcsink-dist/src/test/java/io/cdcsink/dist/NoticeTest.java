package io.cdcsink.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The archive's NOTICE names exactly the third-party artifacts lib/cdc-sink.jar bundles: the build lists them from
 * the dependency tree ({@code dependency:list} into target/bundled.txt), so a dependency added, upgraded or dropped
 * fails here until NOTICE says which licence the new one comes under.
 */
class NoticeTest {
    /** {@code group:artifact:type[:classifier]:version:scope}, as dependency:list prints a resolved artifact. */
    private static final Pattern LISTED = Pattern.compile(
            "^\\s+([^:\\s]+):([^:\\s]+):[^:\\s]+:(?:[^:\\s]+:)?([^:\\s]+):(compile|runtime)\\b");
    /** A NOTICE entry: {@code group:artifact:version} alone on its line, its licences on the next. */
    private static final Pattern ENTRY = Pattern.compile("^([a-zA-Z0-9._-]+:[a-zA-Z0-9._-]+:[^\\s:]+)$");

    @Test
    void noticeListsEveryBundledArtifactAndNothingElse() throws IOException {
        Set<String> bundled = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of(System.getProperty("cdcsink.bundled")))) {
            Matcher m = LISTED.matcher(line);
            if (m.find()) {
                bundled.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
            }
        }
        Set<String> listed = new TreeSet<>();
        var lines = Files.readAllLines(Path.of(System.getProperty("cdcsink.dist"), "NOTICE"));
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = ENTRY.matcher(lines.get(i));
            if (m.matches()) {
                listed.add(m.group(1));
                assertThat(i + 1 < lines.size() ? lines.get(i + 1).strip() : "")
                        .as("the licence line under %s in NOTICE", m.group(1)).isNotBlank();
            }
        }
        assertThat(bundled).as("artifacts bundled in lib/cdc-sink.jar").hasSizeGreaterThan(50);
        Set<String> missing = new TreeSet<>(bundled);
        missing.removeAll(listed);
        Set<String> stale = new TreeSet<>(listed);
        stale.removeAll(bundled);
        assertThat(missing).as("bundled, but not in cdcsink-dist/src/dist/NOTICE: add each with its licence").isEmpty();
        assertThat(stale).as("in NOTICE, but no longer bundled: remove them").isEmpty();
    }
}
