package io.cdcsink.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.api.UnauthorizedException;
import io.cdcsink.core.HealthIndicator;
import io.cdcsink.core.status.StatusPages;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of the changefeed source: routes {@code /_/healthz}, {@code /_/varz}, {@code /_/config/apply}
 * (the active apply configuration as JSON), {@code GET /_/status} and the status page {@code GET /_/} (see
 * {@link StatusPages}) and changefeed paths, maps
 * errors to status codes, and logs and counts every request. Changefeed paths take POST and PUT (CockroachDB uses
 * both); other methods get 405. A 503 carries {@code Retry-After}.
 */
public final class WebhookHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
    static final String NOT_FOUND = "404 page not found";
    static final String HEALTH_FAILED = "health check failed";
    static final String METHOD_NOT_ALLOWED = "method not allowed: changefeeds POST or PUT";
    /** Sent with every 503: the target is down, try again shortly. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final WebhookConfig config;
    private final ChangefeedReceiver receiver;
    private final TargetPools pools;
    private final PrometheusRegistry registry;
    private final HttpMetrics metrics;
    private final ChangefeedPathParser paths = new ChangefeedPathParser();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final ApplyConfigs applyConfigs;
    private final Set<HealthIndicator> indicators;
    private final StatusPages statusPages;

    @Inject
    public WebhookHandler(WebhookConfig config, ChangefeedReceiver receiver, TargetPools pools,
                          PrometheusRegistry registry, HttpMetrics metrics, ApplyConfigs applyConfigs,
                          Set<HealthIndicator> indicators, StatusPages statusPages) {
        this.config = config;
        this.indicators = indicators;
        this.statusPages = statusPages;
        this.receiver = receiver;
        this.pools = pools;
        this.registry = registry;
        this.metrics = metrics;
        this.applyConfigs = applyConfigs;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = request.getHttpURI().getPath();
        LimitedInputStream body = new LimitedInputStream(Content.Source.asInputStream(request),
                config.maxBodyBytes(), request.getLength());
        Reply reply;
        try {
            reply = route(request, path, body);
        } catch (Exception e) {
            reply = failure(request, path, e);
        }
        long nanos = System.nanoTime() - start;
        metrics.record(reply.status(), body.count(), nanos);
        if (log.isDebugEnabled()) {
            log.debug("{} {} status={} requestBytes={} latencyMs={}", request.getMethod(), loggable(request, path),
                    reply.status(), body.count(), String.format("%.3f", nanos / 1e6));
        }
        response.setStatus(reply.status());
        if (reply.status() == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
        } else if (reply.status() == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST, PUT");
        }
        if (reply.status() >= 400 && request.getLength() != 0 && !body.exhausted()) {
            // A refused request whose body was not read: Jetty closes the connection after the answer. Saying so
            // keeps the client from sending its next request on a connection that is about to go away.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }

    private Reply route(Request request, String path, LimitedInputStream body) throws IOException {
        if (path.equals("/_/healthz")) {
            return health();
        }
        if (path.equals("/_/varz")) {
            return varz(request);
        }
        if (path.equals("/_/config/apply")) {
            return applyConfig();
        }
        if (isRead(request)) {
            Optional<StatusPages.Page> page = statusPages.get(path);
            if (page.isPresent()) {
                return new Reply(page.get().status(), page.get().contentType(), page.get().body());
            }
        }
        if (path.startsWith("/_/") || path.equals("/_")) {
            return Reply.text(404, NOT_FOUND);
        }
        Optional<ChangefeedPath> target = paths.parse(path);
        if (target.isEmpty()) {
            return Reply.text(404, NOT_FOUND);
        }
        if (!"POST".equals(request.getMethod()) && !"PUT".equals(request.getMethod())) {
            return Reply.text(405, METHOD_NOT_ALLOWED);
        }
        Optional<String> token = AccessTokens.find(
                Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                Optional.ofNullable(request.getHttpURI().getQuery()));
        receiver.receive(target.get(), token, body);
        return Reply.ok();
    }

    private Reply health() {
        boolean ok;
        try {
            ok = pools.ping();
        } catch (RuntimeException e) {
            log.warn("health check failed", e);
            return Reply.text(503, HEALTH_FAILED);
        }
        if (!ok) {
            log.warn("health check failed: the target did not answer");
            return Reply.text(503, HEALTH_FAILED);
        }
        List<String> problems = new ArrayList<>();
        for (HealthIndicator h : indicators) {
            h.problem().ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            log.warn("health check failed: {}", String.join("; ", problems));
            return Reply.text(503, String.join("\n", problems));
        }
        return Reply.ok();
    }

    private static boolean isRead(Request request) {
        return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
    }

    private Reply varz(Request request) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(request.getHeaders().get(HttpHeader.ACCEPT));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        return new Reply(200, writer.getContentType(), out.toByteArray());
    }

    /**
     * {@code {"db.schema.table": {"CASColumns": [...], "Deadlines": {"col": nanos}, "Exprs": {...}, "Extras": "col",
     * "Ignore": {"prop": true}, "SourceNames": {"target": "source"}}}}: the original tool's shape, two-space
     * indented; {@code CASColumns} is an empty array and {@code Extras} an empty string when unset.
     */
    private Reply applyConfig() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
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
                for (Map.Entry<String, java.time.Duration> d : c.deadlines().entrySet()) {
                    g.writeNumberField(d.getKey(), d.getValue().toNanos());
                }
                g.writeEndObject();
                g.writeObjectFieldStart("Exprs");
                for (Map.Entry<String, String> x : c.exprs().entrySet()) {
                    g.writeStringField(x.getKey(), x.getValue());
                }
                g.writeEndObject();
                g.writeStringField("Extras", c.extras().orElse(""));
                g.writeObjectFieldStart("Ignore");
                for (String name : c.ignored()) {
                    g.writeBooleanField(name, true);
                }
                g.writeEndObject();
                g.writeObjectFieldStart("SourceNames");
                for (Map.Entry<String, String> r : c.sourceNames().entrySet()) {
                    g.writeStringField(r.getKey(), r.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        out.write('\n');
        return new Reply(200, "application/json", out.toByteArray());
    }

    private Reply failure(Request request, String path, Exception e) {
        BodyTooLargeException tooLarge = find(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            return clientError(request, path, 413, tooLarge.getMessage(), e);
        }
        if (e instanceof BadInputException) {
            return clientError(request, path, 400, e.getMessage(), e);
        }
        if (e instanceof UnauthorizedException) {
            return clientError(request, path, 401, e.getMessage(), e);
        }
        if (e instanceof TargetUnavailableException) {
            log.error("{} {}: target unavailable, the changefeed will retry", request.getMethod(),
                    loggable(request, path), e);
            return Reply.text(503, e.getMessage());
        }
        if (e instanceof IOException) {
            // Reading the body failed: the client went away or sent a broken stream; it is not our fault.
            return clientError(request, path, 400, "could not read request body: " + e.getMessage(), e);
        }
        log.error("{} {}: request failed", request.getMethod(), loggable(request, path), e);
        return Reply.text(500, "internal server error");
    }

    private static Reply clientError(Request request, String path, int status, String message, Exception e) {
        // The caller's mistake, not ours: the message says it all; the stack only at trace.
        log.debug("{} {}: {} {}", request.getMethod(), loggable(request, path), status, message);
        log.trace("{} {}: {} {}", request.getMethod(), loggable(request, path), status, message, e);
        return Reply.text(status, message);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The request path and query with any access token removed. */
    private static String loggable(Request request, String path) {
        String query = AccessTokens.redact(request.getHttpURI().getQuery());
        return query.isEmpty() ? path : path + "?" + query;
    }
}
