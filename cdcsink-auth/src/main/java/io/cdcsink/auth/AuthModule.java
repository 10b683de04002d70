package io.cdcsink.auth;

import com.google.inject.AbstractModule;
import io.cdcsink.api.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the {@link Authenticator} chosen by {@link AuthConfig}. */
public final class AuthModule extends AbstractModule {
    private static final Logger LOG = LoggerFactory.getLogger(AuthModule.class);
    private final AuthConfig config;

    public AuthModule(AuthConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(AuthConfig.class).toInstance(config);
        if (config.disabled()) {
            LOG.warn("authentication disabled, any caller may write to the target database");
            bind(Authenticator.class).to(AllowAllAuthenticator.class).asEagerSingleton();
        } else {
            bind(Authenticator.class).to(DenyAllAuthenticator.class).asEagerSingleton();
        }
    }
}
