package io.cdcsink.demo.emulator;

import io.cdcsink.api.Hlc;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts what a CockroachDB changefeed with a {@code webhook-https://} sink posts, over real HTTP: batches of row
 * changes and resolved timestamps, for source transactions handed to it by the caller.
 *
 * <p>Rules it keeps, as the real changefeed does:
 * <ul>
 *   <li>Transactions are cut into windows of {@code resolvedInterval} of commit time. Each window ends with a
 *   resolved timestamp {@code R}, its newest commit. {@code R} is posted only after every batch of this and every
 *   earlier window, from all nodes, duplicates included, has been acknowledged; so no message with
 *   {@code updated <= R} is ever sent after {@code R}. Every node posts {@code R} (one after another, in
 *   increasing order across windows).</li>
 *   <li>Within a window (the unresolved part) batches may arrive in any order ({@code shuffle}), concurrently
 *   ({@code senders}), and twice ({@code duplicateProbability}).</li>
 *   <li>5xx responses and I/O errors are retried; a 4xx fails the emulator, as it fails a changefeed.</li>
 * </ul>
 * Every random choice comes from one {@link java.util.Random} seeded with {@code seed}; {@link #deliver} plans
 * the same deliveries for the same input and configuration (the interleaving of concurrent senders is up to the
 * scheduler).
 *
 * <p>Fed live with {@link #submit}, an open window is also closed once {@code resolvedInterval} of wall time has
 * passed since its first transaction, so a quiet source still gets its resolved timestamps.
 */
public final class ChangefeedEmulator implements AutoCloseable {
    private static final Window STOP = new Window(null);

    private final EmulatorConfig config;
    private final DeliveryPlanner planner;
    private final HttpPoster poster;
    private final Object lock = new Object();
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final BlockingQueue<Window> windows = new LinkedBlockingQueue<>();
    private final AtomicReference<EmulatorException> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final AtomicReference<Hlc> resolved = new AtomicReference<>();

    private List<SourceTransaction> open = new ArrayList<>();
    private long openStart;
    private long openSinceWall;
    private Hlc lastSubmitted = Hlc.ZERO;
    private long windowsQueued;
    private long windowsResolved;
    private boolean closed;

    private record Job(Window window, Batch batch) {
    }

    private static final class Window {
        final WindowPlan plan;
        final CountDownLatch pending;

        Window(WindowPlan plan) {
            this.plan = plan;
            this.pending = new CountDownLatch(plan == null ? 0 : plan.batches().size());
        }
    }

    /**
     * Starts the sender, resolver and window threads.
     *
     * @param base the server, e.g. {@code http://127.0.0.1:26258}; the configuration's path is appended
     */
    public ChangefeedEmulator(URI base, EmulatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.planner = new DeliveryPlanner(config);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.poster = new HttpPoster(client, base, config, retries);
        for (int i = 0; i < config.senders(); i++) {
            threads.add(daemon("changefeed-emulator-sender-" + i, this::sendLoop));
        }
        threads.add(daemon("changefeed-emulator-resolved", this::resolveLoop));
        threads.add(daemon("changefeed-emulator-windows", this::windowLoop));
        threads.forEach(Thread::start);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Where requests go. */
    public URI uri() {
        return poster.uri();
    }

    public EmulatorConfig config() {
        return config;
    }

    /**
     * Hands over one committed transaction; returns at once, delivery happens in the background.
     *
     * @throws IllegalArgumentException when its commit is not after the previous transaction's
     * @throws EmulatorException        when delivery has already failed
     */
    public void submit(SourceTransaction tx) {
        synchronized (lock) {
            checkUsable();
            add(tx);
        }
    }

    private void add(SourceTransaction tx) {
        if (!tx.commit().isAfter(lastSubmitted)) {
            throw new IllegalArgumentException("commit " + tx.commit() + " is not after the previous one, "
                    + lastSubmitted);
        }
        lastSubmitted = tx.commit();
        if (!open.isEmpty() && tx.commit().nanos() - openStart >= config.resolvedInterval().toNanos()) {
            closeOpenWindow();
        }
        if (open.isEmpty()) {
            openStart = tx.commit().nanos();
            openSinceWall = System.nanoTime();
        }
        open.add(tx);
        transactions.increment();
    }

    /**
     * Delivers these transactions (after any submitted earlier) and waits until the last resolved timestamp is
     * acknowledged. The windows depend only on the commit timestamps, so the plan is reproducible.
     */
    public EmulatorStats deliver(List<SourceTransaction> txs, Duration timeout) throws InterruptedException {
        synchronized (lock) {
            checkUsable();
            for (SourceTransaction tx : txs) {
                add(tx);
            }
        }
        return finish(timeout);
    }

    /**
     * Closes the open window and waits until every window's resolved timestamp is acknowledged.
     *
     * @throws EmulatorException when delivery failed or did not finish in time
     */
    public EmulatorStats finish(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            checkUsable();
            if (!open.isEmpty()) {
                closeOpenWindow();
            }
            long target = windowsQueued;
            while (windowsResolved < target) {
                if (failure.get() != null) {
                    throw failure.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new EmulatorException("delivery did not finish within " + timeout + ": "
                            + (target - windowsResolved) + " window(s) not resolved yet");
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
        return stats();
    }

    public EmulatorStats stats() {
        return new EmulatorStats(transactions.sum(), messages.sum(), batches.sum(), duplicates.sum(), retries.sum(),
                Optional.ofNullable(resolved.get()));
    }

    /** The failure that stopped delivery, if any. */
    public Optional<EmulatorException> failure() {
        return Optional.ofNullable(failure.get());
    }

    private void checkUsable() {
        if (failure.get() != null) {
            throw failure.get();
        }
        if (closed) {
            throw new IllegalStateException("the emulator is closed");
        }
    }

    private void closeOpenWindow() {
        Window w = new Window(planner.plan(open));
        open = new ArrayList<>();
        windowsQueued++;
        windows.add(w);
        for (Batch b : w.plan.batches()) {
            jobs.add(new Job(w, b));
        }
    }

    private void fail(EmulatorException e) {
        if (failure.compareAndSet(null, e)) {
            jobs.clear();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void sendLoop() {
        try {
            while (true) {
                Job job = jobs.take();
                if (failure.get() != null) {
                    continue;
                }
                poster.post(WebhookPayloads.batch(job.batch()));
                messages.add(job.batch().messages().size());
                batches.increment();
                if (job.batch().duplicate()) {
                    duplicates.increment();
                }
                job.window().pending.countDown();
            }
        } catch (EmulatorException e) {
            fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resolveLoop() {
        try {
            while (true) {
                Window w = windows.take();
                if (w == STOP) {
                    return;
                }
                while (!w.pending.await(100, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) {
                        return;
                    }
                }
                String body = WebhookPayloads.resolved(w.plan.resolved());
                for (int ignored : w.plan.resolvingNodes()) {
                    poster.post(body);
                }
                resolved.set(w.plan.resolved());
                synchronized (lock) {
                    windowsResolved++;
                    lock.notifyAll();
                }
            }
        } catch (EmulatorException e) {
            fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void windowLoop() {
        long tick = Math.max(1, Math.min(50, config.resolvedInterval().toMillis() / 4));
        try {
            while (true) {
                Thread.sleep(tick);
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    if (!open.isEmpty() && failure.get() == null
                            && System.nanoTime() - openSinceWall >= config.resolvedInterval().toNanos()) {
                        closeOpenWindow();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops all threads; undelivered work is dropped. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        windows.add(STOP);
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
