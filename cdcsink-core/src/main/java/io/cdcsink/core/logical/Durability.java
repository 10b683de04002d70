package io.cdcsink.core.logical;

import io.cdcsink.api.LogicalPosition;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The newest position that is durable in the target, with the loop's number of its transaction. Written by the
 * apply side after each target commit that stored a position; read by the dialect (to acknowledge the source) and
 * by metrics.
 */
final class Durability {
    private final AtomicReference<LogicalPosition> position = new AtomicReference<>();
    private final AtomicLong txn = new AtomicLong();
    private final LogicalMetrics metrics;

    Durability(LogicalMetrics metrics) {
        this.metrics = metrics;
    }

    /** Starts an attempt from a stored position (transaction numbers go on from where they were). */
    void restart(Optional<LogicalPosition> stored) {
        position.set(stored.orElse(null));
    }

    /** Transactions up to {@code txn}, ending at {@code p}, are committed in the target. */
    void advance(long upTo, LogicalPosition p, long transactions) {
        position.set(p);
        txn.set(upTo);
        metrics.durable(p, transactions);
    }

    Optional<LogicalPosition> position() {
        return Optional.ofNullable(position.get());
    }

    AtomicReference<LogicalPosition> positionRef() {
        return position;
    }

    AtomicLong txnRef() {
        return txn;
    }
}
