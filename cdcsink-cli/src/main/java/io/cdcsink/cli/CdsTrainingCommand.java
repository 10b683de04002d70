package io.cdcsink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.core.Replicator;
import io.cdcsink.api.Source;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.webhook.WebhookServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher's class-data training run (hidden): loads the classes the replicating commands load at start-up, so
 * that {@code -XX:ArchiveClassesAtExit} puts them in the archive every later launch maps. Each command line below is
 * parsed as a user's would be and its replicator wired for a PostgreSQL target (wiring does no I/O); the webhook's
 * HTTP server is started on a free loopback port and, the first time, sent one changefeed batch without a token,
 * answered 401 before anything needs the target (127.0.0.1:1, never contacted). Then everything is closed, and the
 * classes of the packages used once servers answer are loaded ({@link #loadPackages()}). It needs no server and
 * takes a few seconds, once.
 */
@Command(name = "cds-training", hidden = true,
        description = "load the classes of the replicating commands without running them (for the launcher)")
final class CdsTrainingCommand implements Callable<Integer> {
    private static final String TARGET = "postgresql://cdc-sink@127.0.0.1:1/training?sslmode=disable";
    private static final List<List<String>> COMMANDS = List.of(
            List.of("start", "--conn", TARGET, "--bindAddr", "127.0.0.1:0"),
            List.of("start", "--conn", TARGET, "--bindAddr", "127.0.0.1:0", "--immediate",
                    "--disableAuthentication"),
            List.of("pglogical", "--sourceConn", TARGET, "--targetConn", TARGET, "--targetDB", "training",
                    "--publicationName", "p", "--slotName", "s"),
            List.of("mylogical", "--sourceConn", "mysql://root@127.0.0.1:1/?sslmode=disable", "--targetConn", TARGET,
                    "--targetDB", "training"));
    /** Packages (as jar paths) whose every class the training run loads: see {@link #loadPackages()}. */
    private static final List<String> PACKAGES = List.of("io/cdcsink/", "org/postgresql/core/",
            "org/postgresql/jdbc/", "org/postgresql/util/", "org/postgresql/replication/", "org/postgresql/copy/",
            "org/mariadb/jdbc/", "com/zaxxer/hikari/", "org/eclipse/jetty/server/", "org/eclipse/jetty/http/",
            "org/eclipse/jetty/io/", "org/eclipse/jetty/util/", "org/eclipse/jetty/http2/",
            "com/github/shyiko/mysql/binlog/");
    /** A changefeed row as the webhook receives it, read by the JSON library the sources read with. */
    private static final String ROW = "{\"payload\":[{\"after\":{\"k\":1,\"v\":\"v1\",\"n\":1.25,\"b\":true,"
            + "\"t\":null},\"key\":[1],\"topic\":\"t\",\"updated\":\"1.0\"}],\"length\":1}";

    @Override
    public Integer call() throws Exception {
        CommandLine cli = Main.commandLine(new Main(), new EnvironmentDefaults(Map.of()));
        boolean posted = false;
        for (List<String> args : COMMANDS) {
            CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
            Replicating command = (Replicating) parsed.subcommand().commandSpec().userObject();
            try (Replicator replicator = command.replicator().wireOnly(TargetDialect.Product.POSTGRESQL)) {
                for (Source source : replicator.sources()) {
                    if (source instanceof WebhookServer webhook) {
                        webhook.start();
                        if (!posted) {
                            post(webhook.port());
                            posted = true;
                        }
                    }
                }
            }
        }
        new ObjectMapper().readTree(ROW);
        JvmMetrics.builder().register(new PrometheusRegistry()); // a started replicator registers them
        loadPackages();
        return 0;
    }

    /**
     * Loads, without initialising, every class of the packages a replicating command goes on to use once it talks to
     * its servers (the JDBC drivers' connection and protocol code, the pool, the HTTP server's request handling, our
     * own): no server is needed to load a class, and a class in the archive is mapped instead of read from the jar and
     * verified. A class that cannot be loaded (an optional dependency absent) is skipped.
     */
    private static void loadPackages() throws Exception {
        var source = CdsTrainingCommand.class.getProtectionDomain().getCodeSource();
        if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
            return; // not run from the jar (a test): nothing to list
        }
        ClassLoader loader = CdsTrainingCommand.class.getClassLoader();
        try (JarFile jar = new JarFile(new File(source.getLocation().toURI()))) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.contains("module-info")
                        && PACKAGES.stream().anyMatch(name::startsWith)) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    } catch (Throwable skipped) {
                        // an optional dependency of this class is not in the jar
                    }
                }
            }
        }
    }

    /** Posts the row to the webhook without a token, which it refuses. */
    private static void post(int port) throws Exception {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/training/public")
                .toURL().openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setConnectTimeout(5_000);
        http.setReadTimeout(30_000);
        try (OutputStream out = http.getOutputStream()) {
            out.write(ROW.getBytes(StandardCharsets.UTF_8));
        }
        http.getResponseCode();
        http.disconnect();
    }
}
