package io.cdcsink.core;

import io.cdcsink.engine.Reloadable;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Re-reads every {@link Reloadable} once a minute and when the process receives {@code SIGHUP}. Reloads run one at a
 * time on the reloader's own thread; a failure is logged and the previous state stays.
 */
public final class Reloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final List<Reloadable> reloadables;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cdc-sink-reloader");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public Reloader(Set<Reloadable> reloadables) {
        this.reloadables = List.copyOf(reloadables);
    }

    /** Schedules the periodic reload and, when {@code handleSignal}, installs the SIGHUP handler. */
    public void start(boolean handleSignal) {
        if (reloadables.isEmpty()) {
            return;
        }
        thread.scheduleWithFixedDelay(this::reloadAll, INTERVAL.toMillis(), INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        if (handleSignal) {
            try {
                Signal.handle(new Signal("HUP"), s -> {
                    LOG.info("reloading configuration due to SIGHUP");
                    requestReload();
                });
            } catch (IllegalArgumentException e) {
                LOG.warn("SIGHUP is not available on this platform; configuration reloads every {}", INTERVAL);
            }
        }
    }

    /**
     * Lets every configuration create its tables in the database, so keys and apply configuration can be written
     * before the first request. A failure is logged: the tables are then created on first use instead.
     */
    public void prepare(String database) {
        for (Reloadable r : reloadables) {
            try {
                r.prepare(database);
            } catch (Exception e) {
                LOG.warn("could not prepare {} in database {}: {}", r.name(), database, e.getMessage());
                LOG.debug("preparing {} failed", r.name(), e);
            }
        }
    }

    /** Reloads soon, on the reloader's thread. */
    public void requestReload() {
        thread.execute(this::reloadAll);
    }

    /** Reloads now on the caller's thread (tests, embedding). */
    public void reloadAll() {
        for (Reloadable r : reloadables) {
            try {
                r.reload();
                LOG.debug("reloaded {}", r.name());
            } catch (Exception e) {
                LOG.warn("could not reload {}; keeping the previous configuration: {}", r.name(), e.getMessage());
                LOG.debug("reloading {} failed", r.name(), e);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
