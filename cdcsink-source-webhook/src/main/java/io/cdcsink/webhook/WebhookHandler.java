package io.cdcsink.webhook;

import io.cdcsink.api.AdminRoutes;
import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TargetBlockedException;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.api.UnauthorizedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
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
 * The HTTP front of the changefeed source: routes changefeed paths to the {@link ChangefeedReceiver} and the
 * replicator's own routes under {@code /_/} ({@code /_/healthz}, {@code /_/varz}, {@code /_/status}, ...) to its
 * {@link AdminRoutes}, maps errors to status codes, and logs and counts every request. Changefeed paths take POST and PUT (CockroachDB uses
 * both); other methods get 405. A 503 carries {@code Retry-After}.
 */
public final class WebhookHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
    static final String NOT_FOUND = "404 page not found";
    static final String METHOD_NOT_ALLOWED = "method not allowed: changefeeds POST or PUT";
    /** Sent with every 503: the target is down, try again shortly. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final WebhookConfig config;
    private final ChangefeedReceiver receiver;
    private final HttpMetrics metrics;
    private final AdminRoutes admin;
    private final ChangefeedPathParser paths = new ChangefeedPathParser();
    private final Rejections rejections = new Rejections(java.time.Clock.systemUTC());
    private final Outage outage = new Outage();

    public WebhookHandler(WebhookConfig config, ChangefeedReceiver receiver, HttpMetrics metrics,
                          AdminRoutes admin) {
        this.config = config;
        this.receiver = receiver;
        this.metrics = metrics;
        this.admin = admin;
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
        Optional<String> token = AdminRoutes.token(
                Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                Optional.ofNullable(request.getHttpURI().getQuery()));
        if (path.startsWith(AdminRoutes.PREFIX) || path.equals("/_")) {
            return admin.handle(request.getMethod(), path,
                            Optional.ofNullable(request.getHeaders().get(HttpHeader.ACCEPT)), token)
                    .map(r -> new Reply(r.status(), r.contentType(), r.body()))
                    .orElseGet(() -> Reply.text(404, NOT_FOUND));
        }
        Optional<ChangefeedPath> target = paths.parse(path);
        if (target.isEmpty()) {
            return Reply.text(404, NOT_FOUND);
        }
        if (!"POST".equals(request.getMethod()) && !"PUT".equals(request.getMethod())) {
            return Reply.text(405, METHOD_NOT_ALLOWED);
        }
        boolean gzip = target.get() instanceof ChangefeedPath.NdjsonFile f && f.gzip()
                || "gzip".equalsIgnoreCase(request.getHeaders().get(HttpHeader.CONTENT_ENCODING));
        receiver.receive(target.get(), token, gzip ? new Gunzipped(body, config.maxBodyBytes()) : body,
                AccessTokens.immediate(Optional.ofNullable(request.getHttpURI().getQuery())));
        outage.accepted();
        return Reply.ok();
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
        if (e instanceof TargetBlockedException) {
            // The replicator logged it once and shows it on /_/healthz; the changefeed retries until it is fixed.
            log.debug("{} {}: 503 {}", request.getMethod(), loggable(request, path), e.getMessage());
            return Reply.text(503, e.getMessage());
        }
        if (e instanceof TargetUnavailableException) {
            outage.refused(request.getMethod() + " " + loggable(request, path), e);
            return Reply.text(503, e.getMessage());
        }
        if (e instanceof IOException) {
            // Reading the body failed: the client went away or sent a broken stream; it is not our fault.
            return clientError(request, path, 400, "could not read request body: " + e.getMessage(), e);
        }
        log.error("{} {}: request failed", request.getMethod(), loggable(request, path), e);
        return Reply.text(500, "internal server error");
    }

    private Reply clientError(Request request, String path, int status, String message, Exception e) {
        // The caller's mistake, not ours: the message says it all (a WARN line per reason and minute); the stack
        // only at trace.
        rejections.refused(request.getMethod() + " " + loggable(request, path), status, message);
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
