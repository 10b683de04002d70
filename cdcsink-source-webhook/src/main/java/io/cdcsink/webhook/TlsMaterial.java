package io.cdcsink.webhook;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A server certificate chain and its private key, held in memory only. */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key) {
    public TlsMaterial {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /**
     * What the configuration asks for: the given PEM files, a fresh self-signed certificate, or nothing (plain
     * HTTP).
     */
    public static Optional<TlsMaterial> from(WebhookConfig config) throws IOException {
        if (config.tlsCertificate().isPresent()) {
            Path cert = config.tlsCertificate().get();
            Path key = config.tlsPrivateKey().orElseThrow();
            return Optional.of(new TlsMaterial(PemFiles.readCertificates(cert), PemFiles.readPrivateKey(key)));
        }
        if (config.tlsSelfSigned()) {
            return Optional.of(SelfSignedCertificate.create());
        }
        return Optional.empty();
    }

    /** An in-memory PKCS#12 store holding the key under alias {@code server}, protected by the given password. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the TLS private key does not fit the certificate: " + e.getMessage(),
                    e);
        }
    }
}
