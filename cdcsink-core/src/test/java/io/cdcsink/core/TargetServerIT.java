package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdcsink.engine.TargetDialect;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import org.junit.jupiter.api.Test;

/** The start-up check against a real server: what it learns, and the one line for each way a target refuses. */
class TargetServerIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();

    @Test
    void aReachableServerIsPostgresqlWithItsVersion() {
        TargetServer server = TargetServer.check(TargetConfig.of(PG.connectionString()));
        assertThat(server.dialect().product()).isEqualTo(TargetDialect.Product.POSTGRESQL);
        assertThat(server.version()).startsWith("PostgreSQL ");
    }

    @Test
    void aWrongPasswordIsARefusedLoginWithItsFix() throws Exception {
        String role = "pw_" + ProcessHandle.current().pid();
        PG.createPasswordRole(role, "right");
        String at = "@127.0.0.1:" + PG.port() + "/postgres?sslmode=disable";
        assertThat(TargetServer.check(TargetConfig.of("postgresql://" + role + ":right" + at)).version())
                .startsWith("PostgreSQL ");
        TargetCheckException e = catchThrowableOfType(
                () -> TargetServer.check(TargetConfig.of("postgresql://" + role + ":wrong" + at)),
                TargetCheckException.class);
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("wrong")
                .startsWith("the target " + role + "@127.0.0.1:" + PG.port() + "/postgres refused the login:")
                .contains("password authentication failed for user \"" + role + "\"")
                .endsWith("; correct the user or password in --conn, or let this user log in from this host");
    }

    @Test
    void anUnknownUserIsARefusedLogin() {
        TargetCheckException e = catchThrowableOfType(() -> TargetServer.check(TargetConfig.of(
                "postgresql://nobody_here@127.0.0.1:" + PG.port() + "/postgres?sslmode=disable")),
                TargetCheckException.class);
        assertThat(e.problem()).startsWith("the target nobody_here@127.0.0.1:" + PG.port() + "/postgres refused"
                + " the login:").contains("\"nobody_here\"");
    }

    @Test
    void aMissingDatabaseIsNamedWithTheStatementThatCreatesIt() {
        TargetCheckException e = catchThrowableOfType(() -> TargetServer.check(TargetConfig.of(
                "postgresql://postgres@127.0.0.1:" + PG.port() + "/no_such_db?sslmode=disable")),
                TargetCheckException.class);
        assertThat(e.getMessage()).isEqualTo("the target database \"no_such_db\" does not exist on postgres@127.0.0.1:"
                + PG.port() + "; create it (CREATE DATABASE \"no_such_db\") or name an existing database in --conn");
    }

    @Test
    void aMySqlConnectionStringIsTheMySqlDialectOnMariaDb() {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        TargetServer server = TargetServer.check(TargetConfig.of(
                "mysql://root@127.0.0.1:" + maria.port() + "/?sslmode=disable"));
        assertThat(server.dialect().product()).isEqualTo(TargetDialect.Product.MYSQL);
        assertThat(server.version()).contains("MariaDB");
        TargetCheckException e = catchThrowableOfType(() -> TargetServer.check(TargetConfig.of(
                "mysql://root@127.0.0.1:" + maria.port() + "/no_such_db?sslmode=disable")),
                TargetCheckException.class);
        assertThat(e.problem()).isEqualTo("the target database \"no_such_db\" does not exist on root@127.0.0.1:"
                + maria.port());
    }
}
