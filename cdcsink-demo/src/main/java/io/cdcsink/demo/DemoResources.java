package io.cdcsink.demo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the demo started, stopped in reverse order exactly once: by the demo at its end or by the shutdown hook on
 * Ctrl-C, whichever comes first. Finally deletes the demo's directory.
 */
final class DemoResources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoResources.class);

    private final Path directory;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean closed;

    DemoResources(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** Registers something to stop; if the demo is already stopping, stops it at once. */
    <T extends AutoCloseable> T add(T resource) {
        synchronized (this) {
            if (!closed) {
                started.push(resource);
                return resource;
            }
        }
        closeQuietly(resource);
        throw new IllegalStateException("the demo is stopping");
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        Deque<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayDeque<>(started);
            started.clear();
        }
        for (AutoCloseable c : toClose) {
            closeQuietly(c);
        }
        deleteTree(directory);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("could not stop {}: {}", c, e.toString());
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }
}
