package io.cdcsink.objstore;

import io.cdcsink.api.Options;
import io.cdcsink.api.SchemaName;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of the {@code objstore} source, as the flags of {@code cdc-sink objstore}.
 *
 * @param source       {@code file:///path} or {@code s3://bucket/prefix}
 * @param targetSchema where the topics' tables are
 * @param immediate    apply rows as they are read, ignoring resolved files
 * @param pollInterval how long to wait between two listings of the store
 * @param s3Endpoint   an S3-compatible endpoint instead of AWS's (path-style access is then used)
 * @param s3Region     the bucket's region; empty for the AWS default region chain (or us-east-1 with an endpoint)
 * @param s3AccessKey  an access key id; empty for the AWS default credentials chain
 * @param s3SecretKey  the secret access key that goes with {@code s3AccessKey}
 */
public record ObjstoreConfig(URI source, SchemaName targetSchema, boolean immediate, Duration pollInterval,
                             Optional<String> s3Endpoint, Optional<String> s3Region, Optional<String> s3AccessKey,
                             Optional<String> s3SecretKey) {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** The options {@link #fromOptions} reads. */
    public static final Set<String> OPTIONS = Set.of("source", "targetSchema", "immediate", "pollInterval",
            "s3Endpoint", "s3Region", "s3AccessKey", "s3SecretKey");

    public ObjstoreConfig {
        String scheme = source.getScheme();
        if (!"file".equals(scheme) && !"s3".equals(scheme)) {
            throw new IllegalArgumentException("--source must be a file:///path or s3://bucket/prefix URL, was \""
                    + source + "\"");
        }
        if ("s3".equals(scheme) && (source.getHost() == null || source.getHost().isEmpty())) {
            throw new IllegalArgumentException("--source s3://bucket/prefix needs a bucket, was \"" + source + "\"");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("--pollInterval must be positive, was " + Options.text(pollInterval));
        }
        if (s3AccessKey.isPresent() != s3SecretKey.isPresent()) {
            throw new IllegalArgumentException("--s3AccessKey and --s3SecretKey go together: set both or neither");
        }
    }

    /** Reads the source's options, naming the flag that is missing or malformed. */
    public static ObjstoreConfig fromOptions(Options o) {
        o.requireOnly(OPTIONS);
        return new ObjstoreConfig(sourceUrl(o.required("source")), schema(o.required("targetSchema")),
                o.bool("immediate", false), o.duration("pollInterval", DEFAULT_POLL_INTERVAL),
                nonBlank(o, "s3Endpoint"), nonBlank(o, "s3Region"), nonBlank(o, "s3AccessKey"),
                nonBlank(o, "s3SecretKey"));
    }

    /** These settings as options for {@code Replicator.Builder.source("objstore", …)}. */
    public Map<String, String> toOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("source", source.toString());
        m.put("targetSchema", targetSchema.toString());
        m.put("immediate", Boolean.toString(immediate));
        m.put("pollInterval", Options.text(pollInterval));
        s3Endpoint.ifPresent(v -> m.put("s3Endpoint", v));
        s3Region.ifPresent(v -> m.put("s3Region", v));
        s3AccessKey.ifPresent(v -> m.put("s3AccessKey", v));
        s3SecretKey.ifPresent(v -> m.put("s3SecretKey", v));
        return m;
    }

    /** {@code file:///path} or {@code s3://bucket/prefix}. */
    public static URI sourceUrl(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--source is not a URL: " + e.getMessage(), e);
        }
    }

    /** {@code db.schema}. */
    public static SchemaName schema(String text) {
        String[] parts = text.strip().split("\\.", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("--targetSchema must be database.schema, was \"" + text + "\"");
        }
        return new SchemaName(parts[0], parts[1]);
    }

    /** The settings, without the secret key. */
    @Override
    public String toString() {
        return "ObjstoreConfig[source=" + source + ", targetSchema=" + targetSchema + ", immediate=" + immediate
                + ", pollInterval=" + Options.text(pollInterval) + ", s3Endpoint=" + s3Endpoint.orElse("")
                + ", s3Region=" + s3Region.orElse("") + ", s3AccessKey=" + s3AccessKey.orElse("")
                + ", s3SecretKey=" + (s3SecretKey.isPresent() ? "<hidden>" : "") + "]";
    }

    /** The directory of a {@code file:} source. */
    Path directory() {
        return Path.of(source);
    }

    /** The bucket of an {@code s3:} source. */
    String bucket() {
        return source.getHost();
    }

    /** The key prefix of an {@code s3:} source, without a leading {@code /}. */
    String prefix() {
        String path = source.getPath() == null ? "" : source.getPath();
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static Optional<String> nonBlank(Options o, String name) {
        return o.string(name).map(String::strip).filter(s -> !s.isEmpty());
    }
}
