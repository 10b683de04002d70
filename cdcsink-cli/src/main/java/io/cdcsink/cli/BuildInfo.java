package io.cdcsink.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Version and build information, filled in by the Maven build. */
public final class BuildInfo implements IVersionProvider {
    static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/cdc-sink-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Missing build information is not worth failing for; the defaults below say so.
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        Properties p = properties();
        return new String[] {
            "cdc-sink " + p.getProperty("version", "<unknown>"),
            "build " + p.getProperty("build", "<unknown>"),
            "runtime Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
            "os " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
