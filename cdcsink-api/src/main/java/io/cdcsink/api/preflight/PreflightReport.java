package io.cdcsink.api.preflight;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the findings of one preflight run in the order they were made. Not thread-safe: one run fills it from
 * one thread.
 */
public final class PreflightReport {
    private final List<Finding> findings = new ArrayList<>();

    public void add(Finding finding) {
        findings.add(finding);
    }

    public void ok(String object, String message) {
        add(new Finding(Severity.OK, object, message, ""));
    }

    public void warn(String object, String message) {
        add(new Finding(Severity.WARN, object, message, ""));
    }

    public void warn(String object, String message, String fix) {
        add(new Finding(Severity.WARN, object, message, fix));
    }

    public void error(String object, String message, String fix) {
        add(new Finding(Severity.ERROR, object, message, fix));
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** 0 without errors, 1 with at least one; warnings never fail preflight. */
    public int exitCode() {
        return count(Severity.ERROR) == 0 ? 0 : 1;
    }

    /** One line per finding, then a summary line. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(findings.size() + 1);
        findings.forEach(f -> lines.add(f.line()));
        lines.add(String.format("preflight: %d error(s), %d warning(s), %d ok", count(Severity.ERROR),
                count(Severity.WARN), count(Severity.OK)));
        return lines;
    }

    public void print(PrintStream out) {
        lines().forEach(out::println);
        out.flush();
    }
}
