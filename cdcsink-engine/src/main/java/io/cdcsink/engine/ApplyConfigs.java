package io.cdcsink.engine;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.TableName;
import java.util.Map;

/**
 * The active apply configuration ({@code apply_config}) of every target table. Lookups are cheap and reflect the
 * latest successful reload.
 */
public interface ApplyConfigs {
    /**
     * The table's configuration; {@link TableConfig#EMPTY} when it has none.
     *
     * @throws BadInputException naming the table when its configuration is invalid and no earlier valid one exists
     */
    TableConfig forTable(TableName table);

    /** Every table that has a configuration, with it. */
    Map<TableName, TableConfig> active();

    /** No configuration for any table. */
    ApplyConfigs NONE = new ApplyConfigs() {
        @Override
        public TableConfig forTable(TableName table) {
            return TableConfig.EMPTY;
        }

        @Override
        public Map<TableName, TableConfig> active() {
            return Map.of();
        }
    };
}
