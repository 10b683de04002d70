package io.cdcsink.cli;

import io.cdcsink.api.sql.ConnectionString;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.engine.OnApplyError;
import io.cdcsink.webhook.BindAddress;
import io.cdcsink.webhook.WebhookConfig;
import io.cdcsink.webhook.WebhookSourceProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cdc-sink start}: the CockroachDB changefeed endpoint. */
@Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
        description = "start the changefeed endpoint: receive CockroachDB changefeeds over HTTP(S) and apply them"
                + " to the target")
final class StartCommand implements Callable<Integer>, Replicating {
    @Spec
    CommandSpec spec;

    private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);

    @Option(names = "--bindAddr", defaultValue = ":26258",
            description = "the network address to bind to (default \"${DEFAULT-VALUE}\")")
    String bindAddr;

    @Option(names = "--conn", defaultValue = "postgresql://root@localhost:26257/?sslmode=disable",
            converter = FileValue.class,
            description = "the target's connection string (default \"${DEFAULT-VALUE}\");"
                    + " @file reads it from that file; \"embedded\" starts a throwaway PostgreSQL to try cdc-sink with"
                    + " (demo jar only)")
    String conn;

    @Option(names = "--disableAuthentication",
            description = "disable authentication of incoming cdc-sink requests; not recommended for production.")
    boolean disableAuthentication;

    @Option(names = "--immediate",
            description = "apply mutations immediately without preserving transaction boundaries")
    boolean immediate;

    @Option(names = "--onApplyError", defaultValue = "stop",
            description = "what to do with a row the target refuses: stop (wait and retry until it is accepted) or"
                    + " deadletter (set it aside in dead_letters and apply the rest) (default \"${DEFAULT-VALUE}\")")
    String onApplyError;

    @Option(names = "--stagingDB", defaultValue = TargetConfig.DEFAULT_STAGING,
            description = "the schema in each target database that holds cdc-sink's metadata"
                    + " (default \"${DEFAULT-VALUE}\")")
    String stagingDB;

    @Option(names = "--targetDBConns", defaultValue = "32",
            description = "the maximum pool size per target database (default ${DEFAULT-VALUE})")
    int targetDBConns;

    @Option(names = "--targetWriters", defaultValue = "" + TargetConfig.DEFAULT_WRITERS,
            description = "the most concurrent write transactions per target database; requests arriving while all"
                    + " are busy are combined into the next one (default ${DEFAULT-VALUE})")
    int targetWriters;

    @Option(names = "--maxBodyBytes", defaultValue = "67108864",
            description = "reject request bodies larger than this with 413 (default ${DEFAULT-VALUE})")
    long maxBodyBytes;

    @Option(names = "--pidFile",
            description = "write the process id here while running (for cdc-sink reload and kill -HUP)")
    Path pidFile;

    @Mixin
    ShutdownOption stop = new ShutdownOption();

    @Option(names = "--tlsCertificate", description = "a path to a PEM-encoded TLS certificate chain")
    Path tlsCertificate;

    @Option(names = "--tlsPrivateKey", description = "a path to a PEM-encoded TLS private key")
    Path tlsPrivateKey;

    @Option(names = "--tlsSelfSigned",
            description = "if true, generate a self-signed TLS certificate valid for 'localhost'")
    boolean tlsSelfSigned;

    @Override
    public Integer call() throws Exception {
        WebhookConfig webhook = webhook(); // a bad flag is reported before an embedded target starts
        DemoExtension.EmbeddedServer embedded = null;
        String connection = conn;
        if (DemoExtension.EMBEDDED.equals(conn)) {
            Optional<DemoExtension> demo = DemoExtension.find();
            if (demo.isEmpty()) {
                System.err.println(DemoNotIncluded.message("--conn embedded",
                        "start --conn embedded --disableAuthentication"));
                return DemoNotIncluded.EXIT;
            }
            embedded = demo.get().startEmbeddedTarget();
            connection = embedded.connectionString();
            LOG.info("started an embedded PostgreSQL target: {} (deleted at exit)", connection);
        }
        DemoExtension.EmbeddedServer toStop = embedded;
        return LogicalRunner.serve(spec, replicator(connection, webhook), pidFile, stop.shutdownTimeout, () -> {
            if (toStop != null) {
                toStop.close();
            }
        });
    }

    @Override
    public Replicator.Builder replicator() {
        return replicator(conn, webhook());
    }

    /** The replicator these flags describe, writing to {@code connection} (--conn, or the embedded server's). */
    private Replicator.Builder replicator(String connection, WebhookConfig webhook) {
        Replicator.Builder builder = Replicator.builder().target(targetConfig(connection))
                .source(WebhookSourceProvider.NAME, webhook.toOptions());
        if (disableAuthentication) {
            builder.disableAuthentication();
        }
        return builder;
    }

    private WebhookConfig webhook() {
        return new WebhookConfig(BindAddress.parse(bindAddr), maxBodyBytes, Optional.ofNullable(tlsCertificate),
                Optional.ofNullable(tlsPrivateKey), tlsSelfSigned);
    }

    /** The target settings of these flags for {@code connection} ({@code --conn}, or the embedded server's). */
    TargetConfig targetConfig(String connection) {
        return new TargetConfig(ConnectionString.parse("--conn", connection), targetDBConns, immediate, stagingDB,
                Duration.ofSeconds(10), targetWriters, OnApplyError.parse(onApplyError));
    }
}
