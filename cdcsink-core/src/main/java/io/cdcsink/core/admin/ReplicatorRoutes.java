package io.cdcsink.core.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcsink.api.AdminRoutes;
import io.cdcsink.api.Source;
import io.cdcsink.api.TableName;
import io.cdcsink.api.Authenticator;
import io.cdcsink.api.SchemaName;
import io.cdcsink.core.status.StatusJson;
import io.cdcsink.core.status.StatusPages;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TargetPools;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator's routes under {@code /_/}, the same on every port it listens on (the changefeed server serves them
 * beside its changefeed paths, {@link AdminServer} alone at {@code --metricsAddr}):
 * <ul>
 *   <li>{@code /_/healthz}: 503 {@value #STARTING} until every source has started; then 200 {@code OK} while the
 *       target answers, nothing waits for the operator (a blockage, see
 *       {@link io.cdcsink.engine.Blockage}) and no source has a {@link Source#problem()}; 503 otherwise,
 *       {@value #HEALTH_FAILED} when the target does not answer, else the blockages and the sources' problems, one
 *       per line;</li>
 *   <li>{@code /_/varz}: the Prometheus registry, in the format the {@code Accept} header asks for;</li>
 *   <li>{@code /_/config/apply}: the active apply configuration as JSON, in the original tool's shape;</li>
 *   <li>{@code GET /_/status} and the status page {@code GET /_/} ({@link StatusPages}).</li>
 * </ul>
 */
public final class ReplicatorRoutes implements AdminRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatorRoutes.class);
    static final String HEALTH_FAILED = "health check failed";
    static final String STARTING = "starting";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final JsonFactory JSON = new JsonFactory();

    private final TargetPools pools;
    private final Authenticator authenticator;
    private final PrometheusRegistry registry;
    private final ApplyConfigs applyConfigs;
    private final StatusPages statusPages;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    /** Set once every source started: until then a source may still fail its start-up checks. */
    private volatile boolean started;

    /** A replicator whose callers may all read every row (authentication disabled). */
    public ReplicatorRoutes(TargetPools pools, PrometheusRegistry registry, ApplyConfigs applyConfigs,
                            StatusPages statusPages) {
        this(pools, registry, applyConfigs, statusPages, (schema, token) -> true);
    }

    @Inject
    public ReplicatorRoutes(TargetPools pools, PrometheusRegistry registry, ApplyConfigs applyConfigs,
                            StatusPages statusPages, Authenticator authenticator) {
        this.authenticator = authenticator;
        this.pools = pools;
        this.registry = registry;
        this.applyConfigs = applyConfigs;
        this.statusPages = statusPages;
        GaugeWithCallback.builder().name("replication_blocked")
                .help("1 for each scope (schema, table or replication loop) whose work waits until the operator acts:"
                        + " the target lacks a table or columns, or refuses a row (see /_/status)")
                .labelNames("scope", "kind", "table")
                .callback(cb -> statusPages.blocked().forEach(b -> cb.call(1, b.scope(),
                        b.blockage().kind().label(), b.blockage().table().map(Object::toString).orElse(""))))
                .register(registry);
    }

    /** Every source has started: {@code /_/healthz} answered {@value #STARTING} with 503 until now. */
    public void started() {
        started = true;
    }

    /** Lets {@code /_/healthz} consult this source's {@link Source#problem()}. */
    public void watch(Source source) {
        sources.add(source);
    }

    @Override
    public Optional<Response> handle(String method, String path, Optional<String> accept, Optional<String> token) {
        return switch (path) {
            case "/_/healthz" -> Optional.of(health(readers(token)));
            case "/_/varz" -> Optional.of(varz(accept));
            case "/_/config/apply" -> Optional.of(applyConfig());
            default -> "GET".equals(method) || "HEAD".equals(method) ? statusPages.get(path, readers(token))
                    : Optional.empty();
        };
    }

    /**
     * Which schemas' row keys and values the caller may see on {@code /_/status} and {@code /_/healthz}: those the
     * authenticator lets the token write to; every one when authentication is off. {@link StatusJson#ANY_SCHEMA}
     * (a loop's error, which may name any table) only when authentication is off.
     */
    private Predicate<SchemaName> readers(Optional<String> token) {
        boolean everyone = authenticator.authorize(StatusJson.ANY_SCHEMA, Optional.empty());
        if (everyone) {
            return schema -> true;
        }
        if (token.isEmpty()) {
            return schema -> false;
        }
        Map<SchemaName, Boolean> decided = new HashMap<>();
        return schema -> !schema.equals(StatusJson.ANY_SCHEMA)
                && decided.computeIfAbsent(schema, s -> authenticator.authorize(s, token));
    }

    private Response health(Predicate<SchemaName> mayRead) {
        if (!started) {
            return text(503, STARTING);
        }
        boolean ok;
        try {
            ok = pools.ping();
        } catch (RuntimeException e) {
            LOG.warn("health check failed: {}", e.getMessage());
            LOG.debug("health check failure", e);
            return text(503, HEALTH_FAILED);
        }
        if (!ok) {
            LOG.warn("health check failed: the target did not answer");
            return text(503, HEALTH_FAILED);
        }
        List<String> problems = new ArrayList<>();
        statusPages.blocked().forEach(b -> problems.add(b.scope() + " waits: "
                + (b.blockage().table().map(t -> mayRead.test(t.schemaName())).orElse(true) ? b.blockage().line()
                : StatusJson.withoutValues(b.blockage().line(), b.blockage().key()))));
        for (Source s : sources) {
            s.problem().ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            LOG.warn("health check failed: {}", String.join("; ", problems));
            return text(503, String.join("\n", problems));
        }
        return text(200, "OK");
    }

    private Response varz(Optional<String> accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept.orElse(null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(200, writer.getContentType(), out.toByteArray());
    }

    /**
     * {@code {"db.schema.table": {"CASColumns": [...], "Deadlines": {"col": nanos}, "Exprs": {...}, "Extras": "col",
     * "Ignore": {"prop": true}, "SourceNames": {"target": "source"}}}}: the original tool's shape, two-space
     * indented; {@code CASColumns} is an empty array and {@code Extras} an empty string when unset.
     */
    private Response applyConfig() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            for (Map.Entry<TableName, TableConfig> e : applyConfigs.active().entrySet()) {
                TableConfig c = e.getValue();
                g.writeObjectFieldStart(e.getKey().toString());
                g.writeArrayFieldStart("CASColumns");
                for (String col : c.casColumns()) {
                    g.writeString(col);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("Deadlines");
                for (Map.Entry<String, Duration> d : c.deadlines().entrySet()) {
                    g.writeNumberField(d.getKey(), d.getValue().toNanos());
                }
                g.writeEndObject();
                writeStrings(g, "Exprs", c.exprs());
                g.writeStringField("Extras", c.extras().orElse(""));
                g.writeObjectFieldStart("Ignore");
                for (String name : c.ignored()) {
                    g.writeBooleanField(name, true);
                }
                g.writeEndObject();
                writeStrings(g, "SourceNames", c.sourceNames());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return new Response(200, "application/json", out.toByteArray());
    }

    private static void writeStrings(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> x : values.entrySet()) {
            g.writeStringField(x.getKey(), x.getValue());
        }
        g.writeEndObject();
    }

    static Response text(int status, String message) {
        return new Response(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
