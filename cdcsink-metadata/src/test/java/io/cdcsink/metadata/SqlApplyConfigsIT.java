package io.cdcsink.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TableName;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The apply_config store against a real target. What the applier makes of a reloaded configuration is
 * {@code ApplyConfigReloadIT}'s, in the apply module.
 */
class SqlApplyConfigsIT {
    private TestDatabase db;
    private SqlApplyConfigs configs;
    private TableName t;

    private SqlApplyConfigs configs() {
        return new SqlApplyConfigs(new SqlMetadataSchema(db.pools, MetadataConfig.defaults()), db.pools);
    }

    @BeforeEach
    void setUp() throws SQLException {
        db = new TestDatabase("applycfg");
        configs = configs();
        db.exec("CREATE TABLE public.t (pk INT PRIMARY KEY, ver INT, val TEXT)");
        t = new TableName(db.name, "public", "t");
    }

    private void configure(String column, String setting, String value) throws SQLException {
        db.configure(t, column, setting, value);
    }

    @Test
    void firstUseCreatesTheTableAndStartsEmpty() throws SQLException {
        assertThat(configs.forTable(t)).isEqualTo(TableConfig.EMPTY);
        assertThat(db.count("SELECT count(*) FROM _cdc_sink.apply_config")).isZero();
        assertThat(configs.active()).isEmpty();
    }

    @Test
    void reloadReadsChangedRowsWithoutRestart() throws Exception {
        configs.forTable(t);
        configure("ver", "cas_order", "1");
        assertThat(configs.forTable(t)).as("not yet reloaded").isEqualTo(TableConfig.EMPTY);

        configs.reload();
        assertThat(configs.forTable(t).casColumns()).containsExactly("ver");

        configure("val", "expr", "$$'<' || $0 || '>'$$");
        configure("val", "deadline", "'10 minutes'");
        configure("gone", "ignore", "true");
        configure("ver", "src_name", "'version'");
        configs.reload();
        assertThat(configs.active()).containsEntry(t, new TableConfig(List.of("ver"),
                Map.of("val", Duration.ofMinutes(10)), Map.of("val", "'<' || $0 || '>'"), Optional.empty(),
                Set.of("gone"), Map.of("ver", "version")));

        db.exec("DELETE FROM _cdc_sink.apply_config");
        configs.reload();
        assertThat(configs.active()).isEmpty();
        assertThat(configs.forTable(t)).isEqualTo(TableConfig.EMPTY);
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
    void invalidConfigurationWithoutAPreviousOneIsRefusedForTheTable() throws Exception {
        configs.forTable(t);
        configure("ver", "extras", "true");
        configure("val", "extras", "true");
        assertThatThrownBy(configs::reload).hasMessageContaining("both configured as the extras column");
        assertThatThrownBy(() -> configs.forTable(t)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("invalid apply_config for table " + t);
    }

    @Test
    void reloadFindsDatabasesWithAConfigurationTable() throws Exception {
        configs().forTable(t); // creates the table
        configure("val", "expr", "$$upper($0)$$");
        configs.reload(); // a fresh instance that never applied to this database
        assertThat(configs.active()).containsOnlyKeys(t);
    }
}
