package io.cdcsink.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Applies the global logging flags: format, destination and verbosity. */
final class LogSetup {
    /** A logback file applied after the flags (bin/cdc-sink passes the archive's conf/logback.xml). */
    static final String CONFIG_PROPERTY = "cdcsink.logConfig";

    private LogSetup() {
    }

    /** Refuses a bad {@code --logFormat}, for every command, whether it logs or not. */
    static void check(GlobalOptions options) {
        if (!"text".equals(options.logFormat) && !"fluent".equals(options.logFormat)) {
            throw new IllegalArgumentException("--logFormat: unknown log format \"" + options.logFormat
                    + "\"; choose text or fluent");
        }
    }

    static void apply(GlobalOptions options) {
        check(options);
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        // java.util.logging goes through SLF4J, so its lines take the same format and destination; the propagator
        // gives JUL loggers logback's levels, so a disabled JUL line costs nothing.
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(ctx);
        propagator.setResetJUL(true);
        propagator.start();
        ctx.addListener(propagator);
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        Layout<ILoggingEvent> layout = "fluent".equals(options.logFormat) ? new FluentJsonLayout()
                : DefaultLogConfigurator.text("%d{MMM dd HH:mm:ss.SSS} %-5level %msg%n%ex");
        LayoutWrappingEncoder<ILoggingEvent> encoder = DefaultLogConfigurator.encoder(ctx, layout);
        OutputStreamAppender<ILoggingEvent> appender;
        if (options.logDestination != null && !options.logDestination.isEmpty()) {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(options.logDestination);
            file.setAppend(true);
            appender = file;
        } else {
            appender = new ConsoleAppender<>();
        }
        appender.setContext(ctx);
        appender.setName("main");
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            // Logback reports a file it cannot open only in its own status list: say it, or every line is lost.
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(ctx);
            console.setEncoder(encoder);
            console.start();
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(console);
            throw new IllegalArgumentException("--logDestination " + options.logDestination + ": cannot write to"
                    + " it; name a file in a directory this user may write to");
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        Level ours = switch (Math.min(options.verbosity.length, 2)) {
            case 0 -> Level.INFO;
            case 1 -> Level.DEBUG;
            default -> Level.TRACE;
        };
        ctx.getLogger("io.cdcsink").setLevel(ours);
        // Libraries stay quieter than our own code unless asked for trace.
        Level libraries = ours == Level.TRACE ? Level.DEBUG : Level.WARN;
        ctx.getLogger("org.eclipse.jetty").setLevel(libraries);
        ctx.getLogger("com.zaxxer.hikari").setLevel(libraries);
        ctx.getLogger("org.postgresql").setLevel(libraries);
        ctx.getLogger("com.github.shyiko").setLevel(libraries);
        // The demo jar's embedded servers (demo, --conn embedded) relay every line of initdb and the server at INFO.
        ctx.getLogger("io.zonky").setLevel(libraries);
        String extra = System.getProperty(CONFIG_PROPERTY);
        if (extra != null && !extra.isBlank()) {
            configure(ctx, Path.of(extra));
        }
    }

    /** Whether the file is an empty {@code <configuration>} once its comments are left out. */
    static boolean empty(Path file) {
        try {
            String text = Files.readString(file).replaceAll("(?s)<!--.*?-->", "")
                    .replaceFirst("^\\s*<\\?xml[^>]*\\?>", "");
            return text.matches("(?s)\\s*<configuration\\s*>\\s*</configuration\\s*>\\s*");
        } catch (java.io.IOException | RuntimeException e) {
            return false; // Joran reports what is wrong with it
        }
    }

    /**
     * Applies a logback configuration file on top of the flags' set-up, without resetting it: the archive's
     * {@code conf/logback.xml}, where operators add logger levels and appenders.
     */
    private static void configure(LoggerContext ctx, Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("-D" + CONFIG_PROPERTY + " " + file + ": no such readable file");
        }
        if (empty(file)) {
            return; // the archive's file as shipped: only comments, and parsing XML costs a tenth of a second
        }
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(ctx);
        int errors = ctx.getStatusManager().getCount();
        try {
            joran.doConfigure(file.toFile());
        } catch (JoranException e) {
            throw new IllegalArgumentException("-D" + CONFIG_PROPERTY + " " + file + ": " + e.getMessage(), e);
        }
        ctx.getStatusManager().getCopyOfStatusList().stream().skip(errors)
                .filter(st -> st.getEffectiveLevel() >= Status.ERROR).findFirst().ifPresent(st -> {
                    throw new IllegalArgumentException("-D" + CONFIG_PROPERTY + " " + file + ": " + st.getMessage());
                });
    }
}
