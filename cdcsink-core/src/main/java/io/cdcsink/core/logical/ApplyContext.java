package io.cdcsink.core.logical;

import io.cdcsink.engine.Applier;
import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.engine.TargetDialect;
import javax.sql.DataSource;

/**
 * What an {@link ApplyMode} works with during one attempt of the loop; {@code catalog} gives the target's foreign
 * keys, which decide the order of writes.
 */
record ApplyContext(DataSource pool, Applier applier, TargetDialect dialect, PositionStore positions,
                    Durability durability, EventQueue queue, LogicalMetrics metrics, LogicalConfig config,
                    SchemaCatalog catalog) {
}
