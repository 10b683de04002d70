package io.cdcsink.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import io.cdcsink.core.admin.ReplicatorRoutes;
import io.cdcsink.engine.ApplyConfigs;
import io.cdcsink.engine.Blockage;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code /_/status} and {@code /_/healthz} need no token, so they show row keys and values only to a caller the
 * authenticator lets write to the table's schema (everyone when authentication is off), and stay bounded whatever
 * table names requests carry.
 */
class StatusPrivacyTest {
    private static final SchemaName SCHEMA = new SchemaName("shop", "public");
    private static final TableName ORDERS = SCHEMA.table("orders");
    private static final String REFUSED = "the target refused the row with key [42] of table shop.public.orders:"
            + " ERROR: new row for relation \"orders\" violates check constraint \"positive\" Detail: Failing row"
            + " contains (42, -5.00, secret note). (SQLSTATE 23514)";

    private final ReplicationStatus status = new ReplicationStatus();

    private ReplicatorRoutes routes(boolean authenticationOff) {
        TargetPools pools = new TargetPools() {
            @Override
            public DataSource forDatabase(String database) {
                throw new UnsupportedOperationException();
            }

            @Override
            public TargetDialect dialect() {
                return () -> TargetDialect.Product.POSTGRESQL;
            }

            @Override
            public java.util.List<String> databases() {
                return java.util.List.of();
            }

            @Override
            public boolean ping() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        ReplicatorRoutes r = new ReplicatorRoutes(pools, new PrometheusRegistry(), ApplyConfigs.NONE,
                new StatusPages(status), (schema, token) -> authenticationOff
                || token.equals(Optional.of("shop-writer")) && schema.equals(SCHEMA));
        r.started();
        return r;
    }

    private JsonNode statusJson(ReplicatorRoutes routes, Optional<String> token) throws Exception {
        return new ObjectMapper().readTree(routes.handle("GET", "/_/status", Optional.empty(), token).orElseThrow()
                .body());
    }

    private static String health(ReplicatorRoutes routes, Optional<String> token) {
        return new String(routes.handle("GET", "/_/healthz", Optional.empty(), token).orElseThrow().body(),
                StandardCharsets.UTF_8);
    }

    @Test
    void keysAndValuesOnlyForCallersWhoMayWriteTheSchema() throws Exception {
        status.blocked("table " + ORDERS, new Blockage(Blockage.Kind.REFUSED_ROW, Optional.of(ORDERS),
                Optional.of("[42]"), REFUSED, Optional.of("fix the row with key [42] or delete it")));
        status.tableFailed(ORDERS, "ERROR: invalid input syntax for type integer: \"forty-two\"");
        ReplicatorRoutes secured = routes(false);

        for (Optional<String> caller : java.util.List.of(Optional.<String>empty(), Optional.of("someone-else"))) {
            JsonNode hidden = statusJson(secured, caller);
            JsonNode b = hidden.get("blocked").get(0);
            assertThat(b.get("table").asText()).isEqualTo(ORDERS.toString());
            assertThat(b.get("key").asText()).isEqualTo("(hidden)");
            assertThat(b.get("reason").asText()).doesNotContain("42").doesNotContain("secret note")
                    .contains("the row with key (hidden) of table shop.public.orders")
                    .contains("Failing row contains (hidden)");
            assertThat(b.get("fix").asText()).isEqualTo("fix the row with key (hidden) or delete it");
            assertThat(hidden.get("tables").get(0).get("lastError").get("message").asText())
                    .isEqualTo("ERROR: invalid input syntax for type integer: (hidden)");
            assertThat(health(secured, caller)).contains("key (hidden)").doesNotContain("secret note");
        }

        JsonNode shown = statusJson(secured, Optional.of("shop-writer"));
        assertThat(shown.get("blocked").get(0).get("key").asText()).isEqualTo("[42]");
        assertThat(shown.get("blocked").get(0).get("reason").asText()).contains("secret note");
        assertThat(health(secured, Optional.of("shop-writer"))).contains("secret note");
        assertThat(statusJson(routes(true), Optional.empty()).get("blocked").get(0).get("key").asText())
                .isEqualTo("[42]");
    }

    @Test
    void theStatusKeepsAtMostTenThousandTablesAndCountsTheRest() {
        for (int i = 0; i < ReplicationStatus.MAX_ENTRIES + 50; i++) {
            status.tableFailed(SCHEMA.table("bogus" + i), "no such table");
        }
        assertThat(status.snapshot().tables()).hasSize(ReplicationStatus.MAX_ENTRIES);
        assertThat(status.snapshot().errors()).isEqualTo(ReplicationStatus.MAX_ENTRIES + 50);
    }

    @Test
    void postgresMessagesLoseTheirQuotedValues() {
        assertThat(Redaction.values("ERROR: duplicate key value violates unique constraint \"orders_pkey\" Detail:"
                + " Key (id, region)=(42, eu) already exists.", Optional.empty()))
                .isEqualTo("ERROR: duplicate key value violates unique constraint \"orders_pkey\" Detail:"
                        + " Key (id, region)=(hidden) already exists.");
        assertThat(Redaction.values("replication loop pg failed: the target refused the row with key [\"4]2\"] of table"
                + " a.b.c: boom", Optional.empty())).isEqualTo("replication loop pg failed: the target refused the row"
                + " with key (hidden) of table a.b.c: boom");
        assertThat(Redaction.values("ERROR: value too long for type character varying(3): \"abcd\"",
                Optional.empty())).isEqualTo("ERROR: value too long for type character varying(3): (hidden)");
    }
}
