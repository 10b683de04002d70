package io.cdcsink.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A changefeed written to a local (or mounted) directory, as {@code nodelocal://} or a copy of a bucket. */
final class LocalStore implements ObjectStore {
    private final Path root;

    LocalStore(Path root) {
        this.root = root;
    }

    @Override
    public List<String> list(Optional<String> after) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "the --source directory does not exist");
        }
        // Top-level directories (the dates) before the one of the last resolved file cannot hold new files.
        String firstDir = after.map(a -> a.contains("/") ? a.substring(0, a.indexOf('/')) : "").orElse("");
        List<String> names = new ArrayList<>();
        try (Stream<Path> top = Files.list(root)) {
            for (Path p : top.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.compareTo(firstDir) < 0) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.walk(p)) {
                        files.filter(Files::isRegularFile).forEach(f -> names.add(name(f)));
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                } else if (Files.isRegularFile(p)) {
                    names.add(name);
                }
            }
        }
        return names.stream().filter(n -> after.isEmpty() || n.compareTo(after.get()) > 0).sorted().toList();
    }

    private String name(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(root.resolve(name));
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
