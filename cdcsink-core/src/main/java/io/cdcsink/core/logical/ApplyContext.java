package io.cdcsink.core.logical;

import io.cdcsink.api.Applier;
import io.cdcsink.api.TargetDialect;
import javax.sql.DataSource;

/** What an {@link ApplyMode} works with during one attempt of the loop. */
record ApplyContext(DataSource pool, Applier applier, TargetDialect dialect, PositionStore positions,
                    Durability durability, EventQueue queue, LogicalMetrics metrics, LogicalConfig config) {
}
