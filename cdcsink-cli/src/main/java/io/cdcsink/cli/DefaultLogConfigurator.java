package io.cdcsink.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's configuration until {@link LogSetup} applies the logging flags: WARN and above on stdout. Found by
 * logback through {@code META-INF/services} before it looks for an XML file, and set up in code: parsing a
 * {@code logback.xml} took about 0.13 s of every launch. Steps aside (logback then reads its XML files as usual)
 * when a {@code logback-test.xml} is on the class path or {@code -Dlogback.configurationFile} names a file, as in
 * tests that run the commands in their own JVM.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || DefaultLogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder(context, text("%d{MMM dd HH:mm:ss.SSS} %-5level %msg%n")));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** A text layout of this pattern (started by {@link #encoder}). */
    static PatternLayout text(String pattern) {
        PatternLayout layout = new PatternLayout();
        layout.setPattern(pattern);
        return layout;
    }

    /** The layout and an encoder writing its lines, both started in {@code context}; also {@link LogSetup}'s. */
    static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext context, Layout<ILoggingEvent> layout) {
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}
