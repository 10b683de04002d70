package io.cdcsink.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import io.cdcsink.api.Authenticator;
import io.cdcsink.api.SchemaName;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthModuleTest {
    private static final SchemaName SCHEMA = new SchemaName("db", "public");

    @Test
    void disabledAuthenticationAllowsEveryone() {
        Authenticator a = Guice.createInjector(new AuthModule(new AuthConfig(true))).getInstance(Authenticator.class);
        assertThat(a).isInstanceOf(AllowAllAuthenticator.class);
        assertThat(a.authorize(SCHEMA, Optional.empty())).isTrue();
    }
}
