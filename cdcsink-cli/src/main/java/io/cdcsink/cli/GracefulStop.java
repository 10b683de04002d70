package io.cdcsink.cli;

import io.cdcsink.engine.Durations;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and Ctrl-C (SIGINT) for a command that runs until stopped. The first signal stops it cleanly on a thread
 * of its own: the replicator stops taking requests, answers those in flight, finishes or rolls back the apply under
 * way, records positions and closes its connections; the command then returns and the process exits 0. A stop that
 * takes longer than {@code --shutdownTimeout} is cut short (exit 1); a second signal exits at once (exit 128 + the
 * signal's number, as a shell reports it). Either way nothing acknowledged is lost: what was not recorded is
 * delivered again after a restart. The JVM's own handling of these signals (shutdown hooks, which cannot be cut
 * short by a second signal) is replaced.
 */
final class GracefulStop {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final Duration timeout;
    private final Runnable stop;
    private final AtomicInteger signals = new AtomicInteger();

    private GracefulStop(Duration timeout, Runnable stop) {
        this.timeout = timeout;
        this.stop = stop;
    }

    /** Handles SIGTERM and SIGINT from now on by running {@code stop} within {@code timeout}. */
    static GracefulStop install(Duration timeout, Runnable stop) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--shutdownTimeout must be positive, was " + Durations.text(timeout));
        }
        GracefulStop graceful = new GracefulStop(timeout, stop);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), graceful::received);
            } catch (IllegalArgumentException e) {
                LOG.debug("SIG{} cannot be handled on this platform", name, e);
            }
        }
        return graceful;
    }

    private void received(Signal signal) {
        if (signals.getAndIncrement() > 0) {
            LOG.warn("second SIG{}: exiting at once without finishing the stop; what was not recorded is replayed"
                    + " after a restart", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        LOG.info("SIG{}: stopping: no new requests, finishing those in flight and the current apply (at most {};"
                + " a second signal exits at once)", signal.getName(), Durations.text(timeout));
        long started = System.nanoTime();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.error("did not stop within --shutdownTimeout {}: exiting now; what was not recorded is replayed"
                    + " after a restart", Durations.text(timeout));
            Runtime.getRuntime().halt(1);
        }, "cdc-sink-stop-timeout");
        watchdog.setDaemon(true);
        watchdog.start();
        Thread stopper = new Thread(() -> {
            stop.run();
            LOG.info("stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        }, "cdc-sink-stop");
        stopper.start();
    }
}
