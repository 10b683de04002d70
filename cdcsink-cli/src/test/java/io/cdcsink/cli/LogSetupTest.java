package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Every line, also those of libraries that log through java.util.logging, honours --logFormat and --logDestination. */
class LogSetupTest {
    @Test
    void javaUtilLoggingLinesAreWrittenInTheChosenFormat(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("cdc-sink.log");
        GlobalOptions options = new GlobalOptions();
        options.logFormat = "fluent";
        options.logDestination = log.toString();
        LogSetup.apply(options);
        try {
            java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog.BinaryLogClient")
                    .warning("binlog connection lost");
            java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog.BinaryLogClient")
                    .info("below the libraries' level: not written");
            LoggerFactory.getLogger("io.cdcsink.test").info("ours");
        } finally {
            GlobalOptions text = new GlobalOptions();
            text.logFormat = "text";
            LogSetup.apply(text);
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode jul = json.readTree(lines.get(0));
        assertThat(jul.get("severity").asText()).isEqualTo("WARNING");
        assertThat(jul.get("message").asText()).isEqualTo("binlog connection lost");
        assertThat(jul.get("logger").asText()).isEqualTo("com.github.shyiko.mysql.binlog.BinaryLogClient");
        assertThat(json.readTree(lines.get(1)).get("message").asText()).isEqualTo("ours");
    }

    @Test
    void aLogFileThatCannotBeWrittenIsAUsageError(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        GlobalOptions options = new GlobalOptions();
        options.logFormat = "text";
        options.logDestination = notADirectory.resolve("cdc-sink.log").toString();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogSetup.apply(options))
                    .hasMessage("--logDestination " + options.logDestination + ": cannot write to it; name a file in"
                            + " a directory this user may write to");
        } finally {
            GlobalOptions text = new GlobalOptions();
            text.logFormat = "text";
            LogSetup.apply(text);
        }
    }

    /** The archive's conf/logback.xml (-Dcdcsink.logConfig) adds to the flags' set-up; a broken one is one error. */
    @Test
    void aLogbackFileAddsLoggerLevelsOnTopOfTheFlags(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <logger name="io.cdcsink.apply" level="TRACE"/>
                </configuration>
                """);
        Path broken = Files.writeString(dir.resolve("broken.xml"), "<configuration><logger name=");
        String before = System.getProperty(LogSetup.CONFIG_PROPERTY);
        GlobalOptions text = new GlobalOptions();
        text.logFormat = "text";
        ch.qos.logback.classic.LoggerContext ctx =
                (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            System.setProperty(LogSetup.CONFIG_PROPERTY, conf.toString());
            LogSetup.apply(text);
            assertThat(ctx.getLogger("io.cdcsink.apply").getLevel()).isEqualTo(ch.qos.logback.classic.Level.TRACE);
            assertThat(ctx.getLogger("io.cdcsink").getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
            assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("main")).isNotNull();

            System.setProperty(LogSetup.CONFIG_PROPERTY, broken.toString());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogSetup.apply(text))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(broken.toString());
            System.setProperty(LogSetup.CONFIG_PROPERTY, dir.resolve("missing.xml").toString());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogSetup.apply(text))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such readable file");
        } finally {
            if (before == null) {
                System.clearProperty(LogSetup.CONFIG_PROPERTY);
            } else {
                System.setProperty(LogSetup.CONFIG_PROPERTY, before);
            }
            LogSetup.apply(text);
        }
    }

    /** The archive's conf/logback.xml as shipped holds only comments: it is not parsed; one with an element is. */
    @Test
    void onlyAConfigurationWithElementsIsParsed(@TempDir Path dir) throws Exception {
        assertThat(LogSetup.empty(Path.of("../cdcsink-dist/src/dist/conf/logback.xml"))).isTrue();
        assertThat(LogSetup.empty(Files.writeString(dir.resolve("a.xml"), "<configuration/>"))).isFalse();
        assertThat(LogSetup.empty(Files.writeString(dir.resolve("b.xml"),
                "<?xml version=\"1.0\"?>\n<!-- x -->\n<configuration>\n  <!-- <logger name=\"a\"/> -->\n"
                        + "</configuration>\n"))).isTrue();
        assertThat(LogSetup.empty(Files.writeString(dir.resolve("c.xml"),
                "<configuration><logger name=\"a\" level=\"DEBUG\"/></configuration>"))).isFalse();
        assertThat(LogSetup.empty(dir.resolve("missing.xml"))).isFalse();
    }
}
