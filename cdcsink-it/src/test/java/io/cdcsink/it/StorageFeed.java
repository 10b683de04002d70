package io.cdcsink.it;

import io.cdcsink.api.Hlc;
import io.cdcsink.demo.emulator.RowChange;
import io.cdcsink.demo.emulator.SourceTransaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A CockroachDB cloud-storage changefeed written live into a directory, for {@code cdc-sink objstore}: each source
 * transaction becomes one {@code .ndjson} file per table (written under a temporary name, then moved into place, as
 * a store makes an object visible at once), and every 200 ms a {@code .RESOLVED} file covers all transactions
 * written so far. Names follow docs/objstore.md: {@code <date>/<33-digit timestamp>-...-<topic>-1.ndjson}.
 */
final class StorageFeed implements Consumer<SourceTransaction>, AutoCloseable {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WALL =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ScheduledExecutorService resolver = Executors.newSingleThreadScheduledExecutor();
    private long files;
    private Hlc written = Hlc.ZERO;
    private Hlc resolved = Hlc.ZERO;

    StorageFeed(Path dir) {
        this.dir = dir;
        resolver.scheduleWithFixedDelay(this::resolve, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void accept(SourceTransaction tx) {
        Map<String, StringBuilder> perTopic = new LinkedHashMap<>();
        for (RowChange change : tx.changes()) {
            perTopic.computeIfAbsent(change.topic(), t -> new StringBuilder()).append("{\"after\": ")
                    .append(change.after().orElse("null")).append(", \"key\": ").append(change.key())
                    .append(", \"updated\": \"").append(tx.commit()).append("\"}\n");
        }
        for (Map.Entry<String, StringBuilder> e : perTopic.entrySet()) {
            files++;
            write(stem(tx.commit()) + "-5e55i0n-1-1-" + String.format("%08x", files) + "-" + e.getKey() + "-1.ndjson",
                    e.getValue().toString());
        }
        written = tx.commit();
    }

    private synchronized void resolve() {
        if (written.compareTo(resolved) > 0) {
            write(stem(written) + ".RESOLVED", "{}");
            resolved = written;
        }
    }

    private void write(String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <date>/<YYYYMMDDHHMMSS><9 digits of nanoseconds><10 digits of logical>}. */
    private static String stem(Hlc t) {
        Instant at = Instant.ofEpochSecond(0, t.nanos());
        return DATE.format(at) + "/" + WALL.format(at) + String.format("%09d%010d", at.getNano(), t.logical());
    }

    @Override
    public void close() throws InterruptedException {
        resolver.shutdownNow();
        resolver.awaitTermination(10, TimeUnit.SECONDS);
    }
}
