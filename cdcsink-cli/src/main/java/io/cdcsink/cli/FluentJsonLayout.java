package io.cdcsink.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One JSON object per line in the shape fluentd / Google Cloud Logging read: {@code severity}, {@code message},
 * {@code timestamp} (seconds and nanos), plus logger, thread and, for errors, the stack trace in {@code error}.
 */
public final class FluentJsonLayout extends LayoutBase<ILoggingEvent> {
    private final JsonFactory json = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("severity", severity(event.getLevel()));
            g.writeStringField("message", event.getFormattedMessage());
            Instant t = event.getInstant();
            g.writeObjectFieldStart("timestamp");
            g.writeNumberField("seconds", t.getEpochSecond());
            g.writeNumberField("nanos", t.getNano());
            g.writeEndObject();
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            IThrowableProxy err = event.getThrowableProxy();
            if (err != null) {
                g.writeStringField("error", err.getClassName() + ": " + err.getMessage());
                g.writeStringField("detail", ThrowableProxyUtil.asString(err));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static String severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }
}
