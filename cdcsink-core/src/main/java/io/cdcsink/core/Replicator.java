package io.cdcsink.core;

import io.cdcsink.api.sql.StartupCheck;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import io.cdcsink.api.AdminRoutes;
import io.cdcsink.api.Authenticator;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.Options;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.apply.ApplyModule;
import io.cdcsink.apply.ResolverService;
import io.cdcsink.auth.AuthConfig;
import io.cdcsink.auth.AuthModule;
import io.cdcsink.core.admin.AdminServer;
import io.cdcsink.core.admin.ReplicatorRoutes;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalLoops;
import io.cdcsink.core.status.ReplicationStatus;
import io.cdcsink.core.status.StatusReporter;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.MetadataModule;
import io.cdcsink.staging.StagingModule;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding API: assembles the pipeline (target pools, apply, staging, resolver, authentication) with one or
 * more sources and runs them. Sources come from {@link SourceProvider}s, the built-in ones ({@code webhook},
 * {@code pglogical}, {@code mylogical}) exactly like a third party's, each with its options (flag names without
 * dashes). {@link Builder#start()} goes in three steps: one look at the target ({@link TargetServer#check}, bounded by
 * seconds, failing with one clear {@link TargetCheckException}), wiring, which connects to nothing, and starting,
 * where sources bind ports and connect.
 *
 * <pre>{@code
 * try (Replicator r = Replicator.builder()
 *         .target(TargetConfig.of("postgresql://postgres@localhost:5432/app"))
 *         .source("webhook", Map.of("bindAddr", ":26258"))
 *         .disableAuthentication()
 *         .start()) {
 *     r.awaitShutdown();
 * }
 * }</pre>
 */
public final class Replicator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final Injector injector;
    private final List<Source> sources;
    private final ResolverService resolver;
    private final boolean runResolver;
    private final Optional<AdminServer> adminServer;
    /** The registry the builder made, which gets the JVM's metrics once everything started; empty for a caller's. */
    private final Optional<PrometheusRegistry> jvmMetrics;
    private final CountDownLatch closed = new CountDownLatch(1);

    private Replicator(Injector injector, List<Source> sources, boolean runResolver,
                       Optional<AdminServer> adminServer, Optional<PrometheusRegistry> jvmMetrics) {
        this.injector = injector;
        this.sources = sources;
        this.runResolver = runResolver;
        this.adminServer = adminServer;
        this.jvmMetrics = jvmMetrics;
        this.resolver = injector.getInstance(ResolverService.class);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where sources write: useful for feeding mutations from application code. */
    public Pipeline pipeline() {
        return injector.getInstance(Pipeline.class);
    }

    public TargetPools targetPools() {
        return injector.getInstance(TargetPools.class);
    }

    public PrometheusRegistry registry() {
        return injector.getInstance(PrometheusRegistry.class);
    }

    /** What has been applied so far, as {@code /_/status} shows it. */
    public ReplicationStatus status() {
        return injector.getInstance(ReplicationStatus.class);
    }

    /** Any bound service, e.g. a source's class to ask for its port. */
    public <T> T service(Class<T> type) {
        return injector.getInstance(type);
    }

    public List<Source> sources() {
        return List.copyOf(sources);
    }

    /** The first source of this class, e.g. the webhook's server to ask for its port. */
    public <T extends Source> T source(Class<T> type) {
        return sources.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow(
                () -> new IllegalArgumentException("the replicator runs no source of type " + type.getName()));
    }

    /** The port of the {@link Builder#metricsAddress} server. */
    public int metricsPort() {
        return adminServer.orElseThrow(() -> new IllegalStateException("no metrics address was configured"))
                .port();
    }

    /** Re-reads configuration kept in the target now, as SIGHUP does. */
    public void reload() {
        injector.getInstance(Reloader.class).reloadAll();
    }

    /** Everything that touches the network or the target's tables happens here, after wiring. */
    private Replicator startAll(boolean handleSignals, TargetConfig target) throws Exception {
        Reloader reloader = injector.getInstance(Reloader.class);
        target.connection().database().ifPresent(reloader::prepare);
        reloader.start(handleSignals);
        if (runResolver) {
            resolver.start();
        }
        injector.getInstance(StatusReporter.class).start();
        if (adminServer.isPresent()) {
            adminServer.get().start();
        }
        for (Source s : sources) {
            s.start();
        }
        injector.getInstance(ReplicatorRoutes.class).started();
        if (runResolver || pipeline().immediate()) {
            LOG.info("replicator started with {}, {} mode", sources(sources.size()),
                    runResolver ? "consistent" : "immediate");
        } else {
            // The logical loops apply transactions themselves and say which mode they are in.
            LOG.info("replicator started with {}", sources(sources.size()));
        }
        // Last: the management beans behind the JVM's metrics take about 0.1 s to set up on a cold JVM, which would
        // otherwise delay the first applied row.
        jvmMetrics.ifPresent(JvmMetrics.builder()::register);
        return this;
    }

    private static String sources(int count) {
        return count == 1 ? "1 source" : count + " sources";
    }

    /** Blocks until {@link #close()} is called from another thread (e.g. a shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        for (Source s : sources) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("could not stop source {}", s, e);
            }
        }
        adminServer.ifPresent(a -> {
            try {
                a.close();
            } catch (Exception e) {
                LOG.warn("could not stop the metrics server", e);
            }
        });
        resolver.close();
        injector.getInstance(StatusReporter.class).close();
        injector.getInstance(Reloader.class).close();
        injector.getInstance(TargetPools.class).close();
        closed.countDown();
        LOG.info("replicator stopped");
    }

    /** Configures a {@link Replicator}. */
    public static final class Builder {
        private TargetConfig target;
        private boolean disableAuthentication;
        private PrometheusRegistry registry;
        private boolean handleSignals;
        private boolean staging = true;
        private String metricsAddress;
        private final List<Map.Entry<Optional<SourceProvider>, Map<String, String>>> sources = new ArrayList<>();
        private final List<String> sourceNames = new ArrayList<>();

        private Builder() {
        }

        public Builder target(TargetConfig value) {
            this.target = value;
            return this;
        }

        /** Shorthand for {@code target(TargetConfig.of(connection))}. */
        public Builder targetConnection(String connection) {
            return target(TargetConfig.of(connection));
        }

        /** Lets every caller write to every schema (no token checks). */
        public Builder disableAuthentication() {
            this.disableAuthentication = true;
            return this;
        }

        /** Uses this registry for metrics instead of a fresh one. */
        public Builder registry(PrometheusRegistry value) {
            this.registry = value;
            return this;
        }

        /** Reloads configuration on {@code SIGHUP} (the CLI does; embedding applications usually should not). */
        public Builder handleSignals() {
            this.handleSignals = true;
            return this;
        }

        /**
         * Runs no resolver: for replicators whose sources apply transactions themselves (logical replication)
         * rather than staging mutations until a resolved timestamp.
         */
        public Builder withoutStaging() {
            this.staging = false;
            return this;
        }

        /**
         * Serves the replicator's {@code /_/} routes ({@link AdminRoutes}: metrics, health, status) on their own
         * port, as {@code --metricsAddr} does: {@code host:port}, {@code :port} or {@code [v6]:port}; port 0 picks a
         * free one ({@link Replicator#metricsPort()}).
         */
        public Builder metricsAddress(String address) {
            this.metricsAddress = address;
            return this;
        }

        /**
         * Adds a source found with {@link ServiceLoader} by its {@link SourceProvider#name()}, e.g. {@code webhook},
         * {@code pglogical}, {@code mylogical}.
         *
         * @param options the source's options: its flag names without dashes, with values as on the command line
         */
        public Builder source(String providerName, Map<String, String> options) {
            sources.add(Map.entry(Optional.empty(), Map.copyOf(options)));
            sourceNames.add(providerName);
            return this;
        }

        /** Adds a source made by this provider (one not registered with {@link ServiceLoader}, for instance). */
        public Builder source(SourceProvider provider, Map<String, String> options) {
            sources.add(Map.entry(Optional.of(provider), Map.copyOf(options)));
            sourceNames.add(provider.name());
            return this;
        }

        /**
         * Checks the target, builds everything and starts it; on failure, whatever started is stopped again.
         *
         * @throws TargetCheckException when the target cannot be used (unreachable, no answer within
         *                              {@link StartupCheck#TIMEOUT}, login refused, no such database); its
         *                              message is one line saying what is wrong and what to do
         */
        public Replicator start() throws Exception {
            if (target == null) {
                throw new IllegalStateException("no target configured: call target(...) or targetConnection(...)");
            }
            TargetServer server = TargetServer.check(target);
            LOG.info("target {} is {}", target.connection().describe(), server.version());
            Replicator r = wire(server.dialect());
            try {
                return r.startAll(handleSignals, target);
            } catch (Exception e) {
                r.close();
                throw e;
            }
        }

        /**
         * Builds everything {@link #start()} builds for a target of this product, without checking the target,
         * connecting to anything, binding a port or starting a thread; {@link Replicator#close() close} the result.
         * The launcher's class-data training run uses it to load the classes a replicating command loads, with no
         * server to talk to.
         */
        public Replicator wireOnly(TargetDialect.Product product) {
            if (target == null) {
                throw new IllegalStateException("no target configured: call target(...) or targetConnection(...)");
            }
            return wire(TargetDialect.of(product));
        }

        /**
         * Builds the replicator for a target of the given dialect without connecting to anything, binding any port
         * or starting a thread: all of that waits for {@link #startAll}.
         */
        Replicator wire(TargetDialect dialect) {
            PrometheusRegistry reg = registry == null ? new PrometheusRegistry() : registry;
            List<Module> all = new ArrayList<>();
            all.add(new CoreModule(target, dialect, reg));
            all.add(new MetadataModule(new MetadataConfig(target.stagingSchema())));
            all.add(new ApplyModule());
            all.add(new StagingModule());
            all.add(new AuthModule(new AuthConfig(disableAuthentication)));
            Injector injector = Guice.createInjector(all);
            ReplicatorRoutes routes = injector.getInstance(ReplicatorRoutes.class);
            Optional<AdminServer> admin = Optional.ofNullable(metricsAddress).map(a -> new AdminServer(a, routes));
            List<Source> made = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                String name = sourceNames.get(i);
                SourceProvider provider = sources.get(i).getKey().orElseGet(() -> provider(name));
                Source source;
                try {
                    source = provider.create(new Context(injector, name, sources.get(i).getValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(sources.size() == 1 ? e.getMessage()
                            : "source " + name + ": " + e.getMessage(), e);
                }
                routes.watch(source);
                made.add(source);
            }
            return new Replicator(injector, made, staging && !injector.getInstance(Pipeline.class).immediate(),
                    admin, registry == null ? Optional.of(reg) : Optional.empty());
        }

        private static SourceProvider provider(String name) {
            List<String> known = new ArrayList<>();
            for (SourceProvider p : ServiceLoader.load(SourceProvider.class)) {
                if (p.name().equals(name)) {
                    return p;
                }
                known.add(p.name());
            }
            throw new IllegalArgumentException("no source named \"" + name + "\"; available: " + known);
        }
    }

    private record Context(Injector injector, String name, Map<String, String> options) implements SourceContext {
        @Override
        public Pipeline pipeline() {
            return injector.getInstance(Pipeline.class);
        }

        @Override
        public DataSource targetDatabase(String database) {
            return injector.getInstance(TargetPools.class).forDatabase(database);
        }

        @Override
        public Source logical(LogicalDialect dialect) {
            LogicalConfig config = LogicalConfig.fromOptions(Options.of(options), name);
            return injector.getInstance(LogicalLoops.class).create(dialect, config);
        }

        @Override
        public <T> T service(Class<T> type) {
            if (type == Authenticator.class || injector.getExistingBinding(Key.get(type)) != null) {
                return injector.getInstance(type);
            }
            throw new IllegalArgumentException("the replicator has no service of type " + type.getName());
        }
    }
}
