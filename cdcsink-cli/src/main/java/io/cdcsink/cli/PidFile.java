package io.cdcsink.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --pidFile}: the process id of a running {@code start}, {@code pglogical} or {@code mylogical}, written once
 * it runs and removed when it stops, so that {@code cdc-sink reload --pidFile ...} (or {@code kill -HUP $(cat ...)})
 * finds the JVM; {@code killall -HUP cdc-sink} cannot, a JVM's process is called {@code java}.
 */
final class PidFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PidFile.class);

    private final Optional<Path> path;

    private PidFile(Optional<Path> path) {
        this.path = path;
    }

    /** Writes this process's id to {@code path}, if given. */
    static PidFile write(Path path) {
        if (path == null) {
            return new PidFile(Optional.empty());
        }
        try {
            Files.writeString(path, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--pidFile " + path + ": cannot write it: " + e.getMessage(), e);
        }
        return new PidFile(Optional.of(path));
    }

    /**
     * The process named by a pid file, if it still runs.
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    static ProcessHandle read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--pidFile: no such file: " + path + "; is cdc-sink running with"
                    + " --pidFile " + path + "?", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("--pidFile " + path + ": cannot read it: " + e.getMessage(), e);
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pidFile " + path + " does not hold a process id: \"" + text + "\"",
                    e);
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(() -> new IllegalArgumentException(
                "--pidFile " + path + " names process " + pid + ", which is not running; start cdc-sink again"));
    }

    @Override
    public void close() {
        path.ifPresent(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("could not remove {}", p, e);
            }
        });
    }
}
