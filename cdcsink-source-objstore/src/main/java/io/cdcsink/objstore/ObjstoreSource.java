package io.cdcsink.objstore;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.Source;
import io.cdcsink.api.TableName;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a cloud-storage changefeed and feeds its files to the pipeline in name order: a row file's rows are accepted
 * (staged until a resolved timestamp, or applied at once in immediate mode), a resolved file's timestamp is passed on
 * as the schema's resolved timestamp. The progress row is written after the pipeline took the file, so a file is
 * read again, never lost, when the process stops in between.
 */
final class ObjstoreSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(ObjstoreSource.class);
    /** Rows of one file passed to the pipeline at once; a larger file is accepted in parts. */
    static final int BATCH_ROWS = 10_000;

    private final ObjstoreConfig config;
    private final Pipeline pipeline;
    private final ObjectStore store;
    private final Progress progress;
    private ScheduledExecutorService poller;

    /** The last resolved file processed: nothing at or before it is read again. */
    private Optional<String> floor = Optional.empty();
    /** Files after {@link #floor} already processed. */
    private final TreeSet<String> done = new TreeSet<>();
    /** Resolved files a listing already showed, not yet processed: see {@link #poll()}. */
    private final TreeSet<String> listedResolved = new TreeSet<>();
    private volatile Optional<String> problem = Optional.empty();

    ObjstoreSource(ObjstoreConfig config, Pipeline pipeline, ObjectStore store, Progress progress) {
        this.config = config;
        this.pipeline = pipeline;
        this.store = store;
        this.progress = progress;
    }

    @Override
    public void start() throws Exception {
        progress.createIfMissing();
        progress.claim(config.targetSchema().toString());
        Progress.Position at = progress.load();
        floor = at.resolvedFile();
        LOG.info("reading the changefeed in {} into {}{}; {}", config.source(), config.targetSchema(),
                immediate() ? " (immediate)" : "", at.lastFile().map(f -> "last file processed: " + f
                        + ", reading again after " + floor.orElse("the start")).orElse("starting from the first file"));
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "objstore-poller");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollSafely, 0, config.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private boolean immediate() {
        return config.immediate() || pipeline.immediate();
    }

    private void pollSafely() {
        try {
            poll();
            problem = Optional.empty();
        } catch (Exception e) {
            String message = "reading " + config.source() + " failed, retrying every "
                    + io.cdcsink.api.Options.text(config.pollInterval()) + ": " + e.getMessage();
            if (!problem.equals(Optional.of(message))) {
                LOG.warn("{}", message, e);
            }
            problem = Optional.of(message);
        }
    }

    /**
     * Processes every new file once, in name order; stops at the first that fails (tried again next time).
     *
     * <p>A resolved file is acted on only if a listing that began after it existed shows it: the changefeed writes a
     * resolved file after every row file it covers, but one listing can take in the resolved file and still miss a
     * row file that sorts before it (a directory read while the file is moved into place, an S3 listing whose earlier
     * page was returned before a late file landed on it). Acting on that listing would raise the floor past the
     * row file, which would then never be read. So a listing showing a resolved file not seen before is followed by
     * a second one, which began after that file existed and so shows every row file before it; a resolved file that
     * first appears in the second listing waits for the next poll.
     */
    void poll() throws Exception {
        List<String> names = store.list(floor);
        List<String> fresh = names.stream().filter(n -> !listedResolved.contains(n) && isResolved(n)).toList();
        if (!fresh.isEmpty()) {
            listedResolved.addAll(fresh);
            names = store.list(floor);
        }
        for (String name : names) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (done.contains(name)) {
                continue;
            }
            Optional<ChangefeedFile> file = ChangefeedFile.parse(name);
            if (file.isEmpty()) {
                continue;
            }
            if (file.get() instanceof ChangefeedFile.Rows rows) {
                rows(rows);
                progress.save(name, floor);
                done.add(name);
            } else if (file.get() instanceof ChangefeedFile.Resolved resolved) {
                if (!listedResolved.contains(name)) {
                    return; // first listed by the second listing: acted on at the next poll
                }
                if (!immediate()) {
                    pipeline.resolved(config.targetSchema(), resolved.resolved());
                }
                progress.save(name, Optional.of(name));
                floor = Optional.of(name);
                done.headSet(name, true).clear();
                listedResolved.headSet(name, true).clear();
                LOG.debug("resolved {} ({})", resolved.resolved(), name);
            }
        }
    }

    private static boolean isResolved(String name) {
        return ChangefeedFile.parse(name).filter(f -> f instanceof ChangefeedFile.Resolved).isPresent();
    }

    private void rows(ChangefeedFile.Rows file) throws Exception {
        SchemaName schema = config.targetSchema();
        TableName table = schema.table(topicTable(file.topic()));
        List<Mutation> mutations;
        try (InputStream in = store.open(file.name())) {
            mutations = NdjsonFile.read(in, file.gzip(), file.name());
        }
        for (int i = 0; i < mutations.size(); i += BATCH_ROWS) {
            Map<TableName, List<Mutation>> batch =
                    Map.of(table, mutations.subList(i, Math.min(mutations.size(), i + BATCH_ROWS)));
            if (immediate()) {
                pipeline.acceptImmediately(batch);
            } else {
                pipeline.accept(batch);
            }
        }
        LOG.debug("accepted {} rows of {} from {}", mutations.size(), table, file.name());
    }

    /** A topic is {@code table}, or {@code schema.table} / {@code db.schema.table} (full_table_name): the last part. */
    static String topicTable(String topic) {
        return topic.substring(topic.lastIndexOf('.') + 1);
    }

    @Override
    public Optional<String> problem() {
        return problem;
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                if (!poller.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("the objstore poller did not stop within 30s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
    }
}
