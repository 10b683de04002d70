package io.cdcsink.testing;

import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * {@link TargetPools} that never connect, for tests of code that must not open a connection: building a Guice
 * graph, or a server that only pings the target. {@link #forDatabase} throws; {@link #ping} answers {@link #healthy}.
 */
public final class UnconnectedTargetPools implements TargetPools {
    /** What {@link #ping} answers. */
    public final AtomicBoolean healthy;

    /** @param healthy what {@link #ping} answers until a test changes {@link #healthy} */
    public UnconnectedTargetPools(boolean healthy) {
        this.healthy = new AtomicBoolean(healthy);
    }

    @Override
    public DataSource forDatabase(String database) {
        throw new UnsupportedOperationException("these target pools never connect (asked for " + database + ")");
    }

    @Override
    public TargetDialect dialect() {
        return TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    }

    @Override
    public List<String> databases() {
        return List.of();
    }

    @Override
    public boolean ping() {
        return healthy.get();
    }

    @Override
    public void close() {
    }
}
