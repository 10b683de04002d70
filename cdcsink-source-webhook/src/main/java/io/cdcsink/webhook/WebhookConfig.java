package io.cdcsink.webhook;

import io.cdcsink.api.Options;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of the changefeed HTTP server.
 *
 * @param bindAddress    where to listen ({@code --bindAddr})
 * @param maxBodyBytes   largest request body accepted; larger ones get 413
 * @param tlsCertificate PEM certificate chain ({@code --tlsCertificate}), the server's own certificate first
 * @param tlsPrivateKey  PEM private key of the certificate ({@code --tlsPrivateKey})
 * @param tlsSelfSigned  serve a fresh self-signed certificate ({@code --tlsSelfSigned}) when no files are given
 */
public record WebhookConfig(BindAddress bindAddress, long maxBodyBytes, Optional<Path> tlsCertificate,
                            Optional<Path> tlsPrivateKey, boolean tlsSelfSigned) {
    public static final String DEFAULT_BIND_ADDR = ":26258";
    public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;

    public WebhookConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tlsCertificate, "tlsCertificate");
        Objects.requireNonNull(tlsPrivateKey, "tlsPrivateKey");
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("--maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        // The original silently ignored a lone certificate or key; failing fast tells the user what is missing.
        if (tlsCertificate.isPresent() != tlsPrivateKey.isPresent()) {
            throw new IllegalArgumentException(
                    "--tlsCertificate and --tlsPrivateKey must be given together (only "
                            + (tlsCertificate.isPresent() ? "--tlsCertificate" : "--tlsPrivateKey") + " was given)");
        }
    }

    /** The options of the {@code webhook} source, as the flags of {@code cdc-sink start} of these names. */
    public static final Set<String> OPTIONS = Set.of("bindAddr", "maxBodyBytes", "tlsCertificate", "tlsPrivateKey",
            "tlsSelfSigned");

    /**
     * The settings from the source's options ({@link #OPTIONS}); those not given take the defaults of
     * {@code cdc-sink start}.
     *
     * @throws IllegalArgumentException naming the option that is unknown or malformed
     */
    public static WebhookConfig fromOptions(Options options) {
        options.requireOnly(OPTIONS);
        return new WebhookConfig(BindAddress.parse(options.string("bindAddr", DEFAULT_BIND_ADDR)),
                options.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES), options.path("tlsCertificate"),
                options.path("tlsPrivateKey"), options.bool("tlsSelfSigned", false));
    }

    /** These settings as the options {@link #fromOptions} reads back. */
    public Map<String, String> toOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bindAddr", bindAddress.toString());
        m.put("maxBodyBytes", Long.toString(maxBodyBytes));
        tlsCertificate.ifPresent(p -> m.put("tlsCertificate", p.toString()));
        tlsPrivateKey.ifPresent(p -> m.put("tlsPrivateKey", p.toString()));
        m.put("tlsSelfSigned", Boolean.toString(tlsSelfSigned));
        return m;
    }

    /** Plain HTTP on the given {@code --bindAddr} value with the default body limit. */
    public static WebhookConfig of(String bindAddr) {
        return new WebhookConfig(BindAddress.parse(bindAddr), DEFAULT_MAX_BODY_BYTES, Optional.empty(),
                Optional.empty(), false);
    }

    /** A copy with another body limit. */
    public WebhookConfig withMaxBodyBytes(long bytes) {
        return new WebhookConfig(bindAddress, bytes, tlsCertificate, tlsPrivateKey, tlsSelfSigned);
    }
}
