package io.cdcsink.auth;

import io.cdcsink.api.Authenticator;
import io.cdcsink.api.SchemaName;
import java.util.Optional;

/** Lets every caller write anywhere ({@code --disableAuthentication}); not for production. */
public final class AllowAllAuthenticator implements Authenticator {
    @Override
    public boolean authorize(SchemaName schema, Optional<String> token) {
        return true;
    }
}
