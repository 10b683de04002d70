package io.cdcsink.cli;

import io.cdcsink.api.Options;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Parses durations the way the original tool's flags take them: a sequence of decimal numbers with units
 * {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}, e.g. {@code 30s}, {@code 1m30s},
 * {@code 1.5h}; a bare {@code 0} is zero. Public for the flags of the demo jar's commands.
 */
public final class GoDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        try {
            return Options.duration(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
