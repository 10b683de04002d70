package io.cdcsink.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The value of a connection string or key flag given as {@code @/path}: the first line of that file, trimmed, so the
 * secret lives in a file only its owner may read (a Kubernetes or Docker secret, a systemd credential) and never
 * shows in {@code ps}. Works the same for the flag's environment variable. {@code @@...} stands for a value that
 * really begins with {@code @}. picocli's own {@code @file} argument files are turned off (see {@link Main}), so the
 * two never meet.
 */
final class FileValue implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        return read(value);
    }

    static String read(String value) {
        if (value == null || !value.startsWith("@")) {
            return value;
        }
        if (value.startsWith("@@")) {
            return value.substring(1);
        }
        Path path = Path.of(value.substring(1));
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null || line.isBlank()) {
                throw new CommandLine.TypeConversionException("the file " + path + " is empty; put the value on its"
                        + " first line");
            }
            return line.strip();
        } catch (NoSuchFileException e) {
            throw new CommandLine.TypeConversionException("no such file: " + path);
        } catch (IOException e) {
            throw new CommandLine.TypeConversionException("cannot read " + path + ": " + e.getMessage());
        }
    }
}
