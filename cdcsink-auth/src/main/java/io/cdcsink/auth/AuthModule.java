package io.cdcsink.auth;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.cdcsink.api.Authenticator;
import io.cdcsink.engine.Reloadable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the {@link Authenticator} chosen by {@link AuthConfig}: JWTs checked against keys in the target
 * ({@link JwtAuthenticator}, needs {@code JwtKeys} and {@code PrometheusRegistry} from other modules), or everyone
 * allowed with {@code --disableAuthentication}.
 */
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
            bind(AuthMetrics.class).in(Scopes.SINGLETON);
            bind(JwtKeyStore.class).in(Scopes.SINGLETON);
            bind(JwtAuthenticator.class).in(Scopes.SINGLETON);
            bind(Authenticator.class).to(JwtAuthenticator.class);
            Multibinder.newSetBinder(binder(), Reloadable.class).addBinding().to(JwtAuthenticator.class);
        }
    }
}
