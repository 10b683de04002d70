package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import io.cdcsink.metadata.MetadataConfig;
import io.cdcsink.metadata.SqlApplyConfigs;
import io.cdcsink.metadata.SqlMetadataSchema;
import io.cdcsink.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The apply_config store of the metadata module against a real target, feeding the real applier. */
class ApplyConfigReloadIT {
    private TestDatabase db;
    private SqlApplyConfigs configs;
    private JsonApplier applier;
    private TableName t;

    @BeforeEach
    void setUp() throws SQLException {
        db = new TestDatabase("applycfg");
        configs = new SqlApplyConfigs(new SqlMetadataSchema(db.pools, MetadataConfig.defaults()), db.pools);
        applier = new JsonApplier(db.pools, new TargetSchemaCatalog(db.pools), configs, new PrometheusRegistry());
        db.exec("CREATE TABLE public.t (pk INT PRIMARY KEY, ver INT, val TEXT)");
        t = new TableName(db.name, "public", "t");
    }

    private void configure(String column, String setting, String value) throws SQLException {
        db.configure(t, column, setting, value);
    }

    private void apply(String key, String row) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            applier.apply(c, t, List.of(row == null ? Mutation.delete(new Hlc(1, 0), key)
                    : Mutation.upsert(new Hlc(1, 0), key, row)));
            c.commit();
        }
    }

    @Test
    void reloadedConfigurationTakesEffectWithoutRestart() throws Exception {
        configs.forTable(t);
        configure("ver", "cas_order", "1");
        apply("[1]", "{\"pk\":1,\"ver\":5,\"val\":\"a\"}");
        apply("[1]", "{\"pk\":1,\"ver\":1,\"val\":\"b\"}"); // not yet reloaded: no CAS, applied
        assertThat(db.string("SELECT val FROM public.t")).isEqualTo("b");

        configs.reload();
        assertThat(configs.forTable(t).casColumns()).containsExactly("ver");
        apply("[1]", "{\"pk\":1,\"ver\":0,\"val\":\"c\"}");
        assertThat(db.string("SELECT val FROM public.t")).isEqualTo("b");

        configure("val", "expr", "$$'<' || $0 || '>'$$");
        configure("val", "deadline", "'10 minutes'");
        configure("gone", "ignore", "true");
        configure("ver", "src_name", "'version'");
        configs.reload(); // what the store makes of these rows is SqlApplyConfigsIT's
        // The deadline is on a text column: such a comparison fails loudly rather than silently.
        db.exec("DELETE FROM _cdc_sink.apply_config WHERE target_column = 'val' AND deadline > '0'");
        configure("val", "expr", "$$'<' || $0 || '>'$$");
        configs.reload();
        apply("[1]", "{\"pk\":1,\"version\":9,\"val\":\"d\",\"gone\":true}");
        assertThat(db.string("SELECT val || ver FROM public.t")).isEqualTo("<d>9");

        db.exec("DELETE FROM _cdc_sink.apply_config");
        configs.reload();
        assertThat(configs.active()).isEmpty();
        apply("[1]", "{\"pk\":1,\"ver\":0,\"val\":\"e\"}");
        assertThat(db.string("SELECT val || ver FROM public.t")).isEqualTo("e0");
    }

    @Test
    void invalidConfigurationWithoutAPreviousOneStopsApplying() throws Exception {
        configs.forTable(t);
        configure("ver", "extras", "true");
        configure("val", "extras", "true");
        assertThatThrownBy(configs::reload).hasMessageContaining("both configured as the extras column");
        assertThatThrownBy(() -> apply("[1]", "{\"pk\":1}")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("invalid apply_config for table " + t);
    }
}
