package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.api.TableName;
import io.cdcsink.apply.JsonApplier;
import io.cdcsink.apply.TargetSchemaCatalog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The apply_config store against a real target, feeding a real applier. */
class SqlApplyConfigsIT {
    private Db db;
    private SqlApplyConfigs configs;
    private JsonApplier applier;
    private TableName t;

    @BeforeEach
    void setUp() throws SQLException {
        db = new Db("applycfg");
        configs = new SqlApplyConfigs(new StagingArea(db.pools, db.config), db.pools);
        applier = new JsonApplier(db.pools, new TargetSchemaCatalog(db.pools), configs, new PrometheusRegistry());
        db.exec("CREATE TABLE public.t (pk INT PRIMARY KEY, ver INT, val TEXT)");
        t = new TableName(db.name, "public", "t");
    }

    /** The documented PostgreSQL form of the spec's UPSERT examples. */
    private void configure(String column, String setting, String value) throws SQLException {
        db.exec("INSERT INTO _cdc_sink.apply_config (target_db, target_schema, target_table, target_column, "
                + setting + ") VALUES ('" + db.name + "', 'public', 't', '" + column + "', " + value + ") "
                + "ON CONFLICT (target_db, target_schema, target_table, target_column) DO UPDATE SET "
                + setting + " = excluded." + setting);
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
    void firstUseCreatesTheTableAndStartsEmpty() throws SQLException {
        assertThat(configs.forTable(t)).isEqualTo(TableConfig.EMPTY);
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.apply_config")).isZero();
        assertThat(configs.active()).isEmpty();
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
        configs.reload();
        assertThat(configs.active()).containsEntry(t, new TableConfig(List.of("ver"),
                Map.of("val", Duration.ofMinutes(10)), Map.of("val", "'<' || $0 || '>'"), Optional.empty(),
                Set.of("gone"), Map.of("ver", "version")));
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
    void invalidConfigurationKeepsThePreviousOneAndSaysWhy() throws Exception {
        configs.forTable(t);
        configure("ver", "cas_order", "1");
        configs.reload();
        configure("val", "cas_order", "3");
        assertThatThrownBy(configs::reload).hasMessageContaining(t + ": cas_order values must be contiguous")
                .hasMessageContaining("keeping the previous configuration");
        assertThat(configs.forTable(t).casColumns()).containsExactly("ver");

        configure("val", "cas_order", "1");
        assertThatThrownBy(configs::reload).hasMessageContaining("cas_order 1 is used by both columns");
        configure("val", "cas_order", "2");
        configs.reload();
        assertThat(configs.forTable(t).casColumns()).containsExactly("ver", "val");
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

    @Test
    void reloadFindsDatabasesWithAConfigurationTable() throws Exception {
        new SqlApplyConfigs(new StagingArea(db.pools, db.config), db.pools).forTable(t); // creates the table
        configure("val", "expr", "$$upper($0)$$");
        configs.reload(); // a fresh instance that never applied to this database
        assertThat(configs.active()).containsOnlyKeys(t);
    }
}
