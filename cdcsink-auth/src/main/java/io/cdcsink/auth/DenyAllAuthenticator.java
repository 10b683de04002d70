package io.cdcsink.auth;

import io.cdcsink.api.Authenticator;
import io.cdcsink.api.SchemaName;
import java.util.Optional;

/**
 * Refuses every caller. Bound while token authentication is required but no token verifier is configured, so that
 * a missing verifier can never turn into open access.
 */
public final class DenyAllAuthenticator implements Authenticator {
    @Override
    public boolean authorize(SchemaName schema, Optional<String> token) {
        return false;
    }
}
