package io.cdcsink.webhook;

import io.cdcsink.api.Authenticator;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.TableName;
import io.cdcsink.api.UnauthorizedException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Handles one changefeed request once its path is known: authorizes it, decodes the body and hands the result to
 * the pipeline in a single call, so a request is accepted all or nothing. Knows nothing about HTTP.
 */
public final class ChangefeedReceiver {
    static final String UNAUTHORIZED = "missing or invalid access token";

    private final Pipeline pipeline;
    private final Authenticator authenticator;
    private final WebhookBodyParser webhookParser = new WebhookBodyParser();
    private final NdjsonBodyParser ndjsonParser = new NdjsonBodyParser();

    public ChangefeedReceiver(Pipeline pipeline, Authenticator authenticator) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    /**
     * @param path  the parsed request path
     * @param token the access token presented, if any
     * @param body  the request body; not read before the caller is authorized
     * @param immediate the URL asked for {@code ?immediate=true}: mutations are applied at once, without staging,
     *                  and resolved timestamps are ignored
     * @throws UnauthorizedException when the authenticator refuses the token for the path's schema
     * @throws io.cdcsink.api.BadInputException when the body is malformed or does not fit the target
     * @throws io.cdcsink.api.TargetUnavailableException when the target failed
     */
    public void receive(ChangefeedPath path, Optional<String> token, InputStream body, boolean immediate)
            throws IOException {
        if (!authenticator.authorize(path.schema(), token)) {
            throw new UnauthorizedException(UNAUTHORIZED);
        }
        // Java 17: no pattern switch, so an instanceof chain over the sealed cases.
        if (path instanceof ChangefeedPath.Webhook w) {
            WebhookBody decoded = webhookParser.parse(w.schema(), body);
            if (decoded.resolved().isPresent()) {
                if (!immediate) {
                    pipeline.resolved(w.schema(), decoded.resolved().get());
                }
            } else if (!decoded.mutations().isEmpty()) {
                accept(decoded.mutations(), immediate);
            } else {
                pipeline.requireTarget(w.schema());
            }
        } else if (path instanceof ChangefeedPath.NdjsonFile f) {
            List<Mutation> mutations = ndjsonParser.parse(f.table(), body);
            if (!mutations.isEmpty()) {
                Map<TableName, List<Mutation>> batch = new LinkedHashMap<>();
                batch.put(f.table(), mutations);
                accept(batch, immediate);
            } else {
                pipeline.requireTarget(f.table().schemaName());
            }
        } else if (path instanceof ChangefeedPath.ResolvedFile r) {
            // The body of a resolved file is empty by design: the file name carries the timestamp.
            if (!immediate) {
                pipeline.resolved(r.schema(), r.resolved());
            }
        } else {
            throw new IllegalStateException("unknown changefeed path " + path);
        }
    }

    private void accept(Map<TableName, List<Mutation>> batch, boolean immediate) {
        if (immediate) {
            pipeline.acceptImmediately(batch);
        } else {
            pipeline.accept(batch);
        }
    }
}
