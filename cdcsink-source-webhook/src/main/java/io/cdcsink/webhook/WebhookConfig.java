package io.cdcsink.webhook;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

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
            throw new IllegalArgumentException("maximum request body size must be positive: " + maxBodyBytes);
        }
        // The original silently ignored a lone certificate or key; failing fast tells the user what is missing.
        if (tlsCertificate.isPresent() != tlsPrivateKey.isPresent()) {
            throw new IllegalArgumentException(
                    "--tlsCertificate and --tlsPrivateKey must be given together (only "
                            + (tlsCertificate.isPresent() ? "--tlsCertificate" : "--tlsPrivateKey") + " was given)");
        }
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
