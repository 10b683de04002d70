package io.cdcsink.testing;

import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** Unpooled {@link TargetPools} over an embedded server, for module tests that run without the core module. */
public final class TestTargetPools implements TargetPools {
    private final EmbeddedPg pg;
    private final Map<String, DataSource> sources = new ConcurrentHashMap<>();

    public TestTargetPools(EmbeddedPg pg) {
        this.pg = pg;
    }

    @Override
    public DataSource forDatabase(String database) {
        return sources.computeIfAbsent(database, pg::dataSource);
    }

    @Override
    public TargetDialect dialect() {
        return TargetDialect.of(TargetDialect.Product.POSTGRESQL);
    }

    @Override
    public List<String> databases() {
        return List.copyOf(sources.keySet());
    }

    @Override
    public boolean ping() {
        try (var c = pg.dataSource("postgres").getConnection(); var s = c.createStatement()) {
            return s.execute("SELECT 1");
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        sources.clear();
    }
}
