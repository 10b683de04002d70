package io.cdcsink.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Version and build information, filled in by the Maven build (the commit by git-commit-id-maven-plugin). */
public final class BuildInfo implements IVersionProvider {
    static final String UNKNOWN = "<unknown>";

    private final Properties properties;

    public BuildInfo() {
        this(properties());
    }

    BuildInfo(Properties properties) {
        this.properties = properties;
    }

    static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/cdc-sink-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Missing build information is not worth failing for; the placeholders say so.
        }
        return p;
    }

    /** A filtered value; empty when absent or left unfiltered (a build from a tree without .git). */
    private Optional<String> value(String key) {
        String v = properties.getProperty(key, "").strip();
        return v.isEmpty() || v.startsWith("${") ? Optional.empty() : Optional.of(v);
    }

    public String version() {
        return value("version").orElse(UNKNOWN);
    }

    public String buildTime() {
        return value("build").orElse(UNKNOWN);
    }

    /** The short commit hash, with {@code -dirty} when the tree had uncommitted changes at build time. */
    public String commit() {
        return value("commit").map(c -> value("dirty").filter("true"::equals).isPresent() ? c + "-dirty" : c)
                .orElse(UNKNOWN);
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "cdc-sink " + version(),
            "commit " + commit(),
            "build " + buildTime(),
            "runtime Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
            "os " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
