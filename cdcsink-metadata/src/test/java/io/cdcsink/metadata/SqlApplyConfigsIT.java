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
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    private TestDatabase db;
    private SqlApplyConfigs configs;
    private TableName t;

    private SqlApplyConfigs configs() {
        return new SqlApplyConfigs(new SqlMetadataSchema(db.pools, new MetadataConfig(db.metadataSchema)), db.pools);
    }

    @BeforeEach
    void setUp() throws SQLException {
        db = database("applycfg");
        configs = configs();
        db.createSchema("public");
        db.exec("CREATE TABLE " + db.quote(db.schemaName("public")) + ".t (pk INT PRIMARY KEY, ver INT, val TEXT)");
        t = new TableName(db.name, db.schemaName("public"), "t");
    }

    /** A text literal: dollar-quoted on PostgreSQL, single-quoted with quotes doubled on MySQL. */
    private String text(String value) {
        return db.mysql() ? "'" + value.replace("'", "''") + "'" : "$$" + value + "$$";
    }

    /** A deadline with a fraction of a second, read back to the microsecond. */
    @Test
    void aDeadlineIsReadToTheMicrosecond() throws Exception {
        configs.forTable(t);
        configure("val", "deadline", db.mysql() ? "'01:02:03.000004'" : "'1 hour 2 minutes 3.000004 seconds'");
        configs.reload();
        assertThat(configs.forTable(t).deadlines()).containsEntry("val", Duration.ofHours(1).plusMinutes(2)
                .plusSeconds(3).plusNanos(4_000));
    }

    private void configure(String column, String setting, String value) throws SQLException {
        db.configure(t, column, setting, value);
    }

    @Test
    void firstUseCreatesTheTableAndStartsEmpty() throws SQLException {
        assertThat(configs.forTable(t)).isEqualTo(TableConfig.EMPTY);
        assertThat(db.count("SELECT count(*) FROM " + db.meta("apply_config"))).isZero();
        assertThat(configs.active()).isEmpty();
    }

    @Test
    void reloadReadsChangedRowsWithoutRestart() throws Exception {
        configs.forTable(t);
        configure("ver", "cas_order", "1");
        assertThat(configs.forTable(t)).as("not yet reloaded").isEqualTo(TableConfig.EMPTY);

        configs.reload();
        assertThat(configs.forTable(t).casColumns()).containsExactly("ver");

        configure("val", "expr", text("'<' || $0 || '>'"));
        configure("val", "deadline", db.mysql() ? "'00:10:00'" : "'10 minutes'");
        configure("gone", "ignore", "true");
        configure("ver", "src_name", "'version'");
        configs.reload();
        assertThat(configs.active()).containsEntry(t, new TableConfig(List.of("ver"),
                Map.of("val", Duration.ofMinutes(10)), Map.of("val", "'<' || $0 || '>'"), Optional.empty(),
                Set.of("gone"), Map.of("ver", "version")));

        db.exec("DELETE FROM " + db.meta("apply_config"));
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
        configure("val", "expr", text("upper($0)"));
        configs.reload(); // a fresh instance that never applied to this database
        assertThat(configs.active()).containsOnlyKeys(t);
    }
}
