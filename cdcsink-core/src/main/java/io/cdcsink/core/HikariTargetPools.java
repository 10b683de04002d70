package io.cdcsink.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.TargetDialect;
import io.cdcsink.engine.TargetPools;
import io.cdcsink.api.TargetUnavailableException;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HikariCP pool per target database, opened on first use. Constructing it connects to nothing: the dialect comes
 * from the start-up check ({@link TargetServer#check}), which has already talked to the server.
 */
public final class HikariTargetPools implements TargetPools {
    private static final Logger LOG = LoggerFactory.getLogger(HikariTargetPools.class);
    private static final Duration PING_BUDGET = Duration.ofSeconds(3);
    /**
     * How long one wait of a borrower on the HikariCP pool lasts ({@link ExplainedPool} repeats it while the pool is
     * busy but reachable, up to the connect timeout): a target that refuses connections is reported after this.
     */
    static final Duration BORROW_SLICE = Duration.ofMillis(750);

    private final TargetConfig config;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
    /** What {@link #forDatabase} hands out: each pool, its time-outs saying why. */
    private final Map<String, DataSource> explained = new ConcurrentHashMap<>();
    private final ExecutorService pingExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "target-health-check");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> pingInFlight;
    private final TargetDialect dialect;

    @Inject
    public HikariTargetPools(TargetConfig config, TargetDialect dialect, PrometheusRegistry registry) {
        this.config = config;
        this.dialect = dialect;
        GaugeWithCallback.builder().name("pool_connections").help("Target pool connections by state")
                .labelNames("database", "state").callback(cb -> pools.forEach((db, ds) -> {
                    var mx = ds.getHikariPoolMXBean();
                    if (mx != null) {
                        cb.call(mx.getActiveConnections(), db, "active");
                        cb.call(mx.getIdleConnections(), db, "idle");
                        cb.call(mx.getThreadsAwaitingConnection(), db, "waiting");
                        cb.call(ds.getMaximumPoolSize(), db, "max");
                    }
                })).register(registry);
    }

    @Override
    public DataSource forDatabase(String database) {
        DataSource ds = explained.get(database);
        if (ds != null) {
            return ds;
        }
        if (!database.equals(config.connection().defaultDatabase())) {
            // A database named in a request path may be anything: refuse unknown names at once, rather than after
            // a pool has tried to connect for the whole connect timeout.
            requireExists(database);
        }
        synchronized (pools) {
            HikariDataSource pool = pools.computeIfAbsent(database, this::open);
            return explained.computeIfAbsent(database, d -> new ExplainedPool(pool, config.connectTimeout()));
        }
    }

    private void requireExists(String database) {
        try (Connection c = forDatabase(config.connection().defaultDatabase()).getConnection();
             PreparedStatement ps = c.prepareStatement(mysql()
                     ? "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?"
                     : "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new BadInputException(unknownDatabase(database));
                }
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not look up target database \"" + database + "\": "
                    + e.getMessage(), e);
        }
    }

    /** Read by a changefeed (400) and by an operator whose --targetDB is wrong: both get the fix. */
    private String unknownDatabase(String database) {
        return "unknown target database \"" + database + "\"; create it (CREATE DATABASE " + dialect.quote(database)
                + ") or name an existing one";
    }

    private HikariDataSource open(String database) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.connection().jdbcUrl(database));
        hc.setPoolName("cdc-sink " + database);
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setMinimumIdle(1);
        hc.setMaxLifetime(600_000);
        hc.setIdleTimeout(300_000);
        hc.setConnectionTimeout(Math.min(config.connectTimeout().toMillis(), BORROW_SLICE.toMillis()));
        hc.setInitializationFailTimeout(config.connectTimeout().toMillis());
        hc.setAutoCommit(true);
        TargetTimeouts.defaults(config.connection()).forEach(hc::addDataSourceProperty);
        dialect.sessionSetup().ifPresent(hc::setConnectionInitSql);
        try {
            return new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql
                    && ("3D000".equals(sql.getSQLState()) || sql.getErrorCode() == 1049)) {
                throw new BadInputException(unknownDatabase(database), sql);
            }
            throw new TargetUnavailableException("could not connect to the target database \"" + database + "\": "
                    + (cause == null ? e.getMessage() : cause.getMessage()), e);
        }
    }

    private boolean mysql() {
        return dialect.product() == TargetDialect.Product.MYSQL;
    }

    @Override
    public int maxConnections() {
        return config.maxPoolSize();
    }

    @Override
    public TargetDialect dialect() {
        return dialect;
    }

    @Override
    public List<String> databases() {
        List<String> out = new ArrayList<>();
        try (Connection c = forDatabase(config.connection().defaultDatabase()).getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(mysql()
                     ? "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN"
                             + " ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY schema_name"
                     : "SELECT datname FROM pg_catalog.pg_database WHERE NOT datistemplate AND datallowconn"
                             + " ORDER BY datname")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not list target databases: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Answers within {@link #PING_BUDGET}: a pool whose server just went away can block a borrower for the whole
     * connect timeout, and a health check must say "down" sooner than that. One probe runs at a time; callers that
     * arrive meanwhile wait for the same answer.
     */
    @Override
    public boolean ping() {
        CompletableFuture<Boolean> probe;
        synchronized (pingExecutor) {
            if (pingInFlight == null || pingInFlight.isDone()) {
                pingInFlight = CompletableFuture.supplyAsync(this::probe, pingExecutor);
            }
            probe = pingInFlight;
        }
        try {
            return probe.get(PING_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("health check failed: the target did not answer within {} s", PING_BUDGET.toSeconds());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | RejectedExecutionException e) {
            LOG.warn("health check failed: {}", e.getMessage());
            return false;
        }
    }

    private boolean probe() {
        try (Connection c = forDatabase(config.connection().defaultDatabase()).getConnection();
             Statement s = c.createStatement()) {
            s.setQueryTimeout((int) PING_BUDGET.toSeconds());
            return s.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            LOG.warn("health check failed: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        pingExecutor.shutdownNow();
        synchronized (pools) {
            pools.values().forEach(HikariDataSource::close);
            pools.clear();
            explained.clear();
        }
    }
}
