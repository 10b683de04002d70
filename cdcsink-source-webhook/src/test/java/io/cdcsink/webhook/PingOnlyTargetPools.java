package io.cdcsink.webhook;

import io.cdcsink.api.TargetDialect;
import io.cdcsink.api.TargetPools;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** The webhook server only pings the target; everything else is out of its reach. */
final class PingOnlyTargetPools implements TargetPools {
    final AtomicBoolean healthy = new AtomicBoolean(true);

    @Override
    public DataSource forDatabase(String database) {
        throw new UnsupportedOperationException("the webhook source never opens connections");
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
