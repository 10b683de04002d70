package io.cdcsink.bench;

import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import java.util.List;
import javax.sql.DataSource;

/** Target pools that only know their dialect: the applier is handed its connection by the benchmark. */
final class NoTargetPools implements TargetPools {
    private final TargetDialect dialect;

    NoTargetPools(TargetDialect.Product product) {
        this.dialect = TargetDialect.of(product);
    }

    @Override
    public DataSource forDatabase(String database) {
        throw new UnsupportedOperationException("the benchmark has no target database");
    }

    @Override
    public TargetDialect dialect() {
        return dialect;
    }

    @Override
    public List<String> databases() {
        return List.of(BenchTable.TABLE.database());
    }

    @Override
    public boolean ping() {
        return true;
    }

    @Override
    public void close() {
    }
}
