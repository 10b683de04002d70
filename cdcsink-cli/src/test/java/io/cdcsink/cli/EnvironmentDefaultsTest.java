package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Flags from {@code CDC_SINK_*} variables, values from {@code @file}s, and the effective configuration line. */
class EnvironmentDefaultsTest {
    @TempDir
    Path dir;

    private static CommandLine cli(Map<String, String> environment) {
        return Main.commandLine(new Main(), new EnvironmentDefaults(environment));
    }

    private static <T> T parsed(CommandLine cli, String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        cli.parseArgs(all);
        return cli.getSubcommands().get(command).getCommand();
    }

    @Test
    void theRuleIsThePrefixAndTheFlagInUpperSnakeCase() {
        assertThat(EnvironmentDefaults.upperSnake("conn")).isEqualTo("CONN");
        assertThat(EnvironmentDefaults.upperSnake("sourceConn")).isEqualTo("SOURCE_CONN");
        assertThat(EnvironmentDefaults.upperSnake("targetDBConns")).isEqualTo("TARGET_DB_CONNS");
        assertThat(EnvironmentDefaults.upperSnake("defaultGTIDSet")).isEqualTo("DEFAULT_GTID_SET");
        assertThat(EnvironmentDefaults.upperSnake("replicationProcessID")).isEqualTo("REPLICATION_PROCESS_ID");
        assertThat(EnvironmentDefaults.upperSnake("s3SecretKey")).isEqualTo("S3_SECRET_KEY");
        assertThat(EnvironmentDefaults.upperSnake("stagingDB")).isEqualTo("STAGING_DB");
        assertThat(EnvironmentDefaults.upperSnake("shutdownTimeout")).isEqualTo("SHUTDOWN_TIMEOUT");
    }

    @Test
    void everyFlagOfEveryCommandHasOneVariableAndNoTwoFlagsOfACommandShareIt() {
        CommandLine root = cli(Map.of());
        int flags = 0;
        for (CommandLine sub : root.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            TreeSet<String> seen = new TreeSet<>();
            for (OptionSpec o : spec.options()) {
                if (o.usageHelp() || o.versionHelp() || o.type() == boolean[].class
                        || !o.longestName().startsWith("--")) {
                    continue;
                }
                String variable = EnvironmentDefaults.variable(o).orElseThrow();
                assertThat(variable).as(spec.name() + " " + o.longestName()).matches("CDC_SINK_[A-Z0-9_]+");
                assertThat(seen.add(variable)).as("%s: %s named twice", spec.name(), variable).isTrue();
                flags++;
            }
        }
        assertThat(flags).isGreaterThan(100);
    }

    @Test
    void aVariableReplacesTheDefaultAndAFlagWinsOverTheVariable() {
        Map<String, String> env = Map.of("CDC_SINK_CONN", "postgresql://env@db:5432/app",
                "CDC_SINK_TARGET_DB_CONNS", "7", "CDC_SINK_SHUTDOWN_TIMEOUT", "5s", "CDC_SINK_IMMEDIATE", "true",
                "CDC_SINK_BIND_ADDR", ":1234");
        StartCommand fromEnv = parsed(cli(env), "start");
        assertThat(fromEnv.conn).isEqualTo("postgresql://env@db:5432/app");
        assertThat(fromEnv.targetDBConns).isEqualTo(7);
        assertThat(fromEnv.stop.shutdownTimeout).isEqualTo(Duration.ofSeconds(5));
        assertThat(fromEnv.immediate).isTrue();

        StartCommand flags = parsed(cli(env), "start", "--conn", "postgresql://flag@db:5432/app", "--targetDBConns",
                "9", "--bindAddr", ":99");
        assertThat(flags.conn).isEqualTo("postgresql://flag@db:5432/app");
        assertThat(flags.targetDBConns).isEqualTo(9);
        assertThat(flags.bindAddr).isEqualTo(":99");
        assertThat(flags.stop.shutdownTimeout).isEqualTo(Duration.ofSeconds(5));

        StartCommand none = parsed(cli(Map.of()), "start");
        assertThat(none.conn).isEqualTo("postgresql://root@localhost:26257/?sslmode=disable");
        assertThat(none.stop.shutdownTimeout).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void variablesReachMixinsGlobalFlagsAndRequiredFlags() {
        Map<String, String> env = Map.of("CDC_SINK_SOURCE_CONN", "postgresql://src@a:5432/s",
                "CDC_SINK_TARGET_CONN", "postgresql://dst@b:5432/t", "CDC_SINK_TARGET_DB", "t",
                "CDC_SINK_LOG_FORMAT", "fluent", "CDC_SINK_SOURCE", "file:///feed", "CDC_SINK_TARGET_SCHEMA", "t.public");
        CommandLine cli = cli(env);
        PgLogicalCommand pg = parsed(cli, "pglogical");
        assertThat(pg.sourceConn).isEqualTo("postgresql://src@a:5432/s");
        assertThat(pg.options.targetConn).isEqualTo("postgresql://dst@b:5432/t");
        assertThat(pg.options.targetDB).isEqualTo("t");
        assertThat(((Main) cli.getCommand()).global.logFormat).isEqualTo("fluent");
        // objstore's --source and --targetSchema are required: the environment satisfies them.
        ObjstoreCommand objstore = parsed(cli(env), "objstore");
        assertThat(objstore.source).isEqualTo("file:///feed");
        assertThat(objstore.targetSchema).isEqualTo("t.public");
    }

    @Test
    void atFileReadsTheFirstLineTrimmedFromTheCommandLineAndTheEnvironment() throws Exception {
        Path conn = Files.writeString(dir.resolve("conn"), "  postgresql://u:s3cr%23t@db:5432/app?x=1 \nignored\n");
        Path source = Files.writeString(dir.resolve("source"), "mysql://r:pw@my:3306/?sslmode=disable\n");
        StartCommand start = parsed(cli(Map.of()), "start", "--conn", "@" + conn);
        assertThat(start.conn).isEqualTo("postgresql://u:s3cr%23t@db:5432/app?x=1");
        MyLogicalCommand my = parsed(cli(Map.of("CDC_SINK_SOURCE_CONN", "@" + source)), "mylogical");
        assertThat(my.sourceConn).isEqualTo("mysql://r:pw@my:3306/?sslmode=disable");
        StartCommand literal = parsed(cli(Map.of()), "start", "--conn", "@@literal");
        assertThat(literal.conn).isEqualTo("@literal");
    }

    @Test
    void aMissingOrEmptyFileIsAOneLineUsageError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> parsed(cli(Map.of()), "start", "--conn", "@" + dir.resolve("nope")))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--conn").hasMessageContaining("no such file: " + dir.resolve("nope"));
        assertThatThrownBy(() -> parsed(cli(Map.of()), "pglogical", "--sourceConn", "@" + empty))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--sourceConn").hasMessageContaining("is empty");
    }

    @Test
    void theEffectiveConfigurationSaysWhereValuesCameFromAndHidesSecrets() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "postgresql://app:hunter2@db:5432/t?sslmode=disable\n");
        Map<String, String> env = Map.of("CDC_SINK_SOURCE_CONN", "postgresql://repl:swordfish@src:5432/s",
                "CDC_SINK_TARGET_CONN", "@" + target, "CDC_SINK_S3_SECRET_KEY", "abc");
        CommandLine cli = cli(env);
        parsed(cli, "pglogical", "--targetDB", "t", "--publicationName", "pub");
        String line = EffectiveConfig.describe(cli.getSubcommands().get("pglogical").getCommandSpec());
        assertThat(line).startsWith("configuration of cdc-sink pglogical: ")
                .contains("--sourceConn=postgresql://repl:****@src:5432/s [CDC_SINK_SOURCE_CONN]")
                .contains("--targetConn=postgresql://app:****@db:5432/t?sslmode=disable [CDC_SINK_TARGET_CONN from "
                        + target + "]")
                .contains("--targetDB=t ").contains("--publicationName=pub ").doesNotContain("--immediate").contains("--shutdownTimeout=30s").contains("--applyTimeout=30s")
                .doesNotContain("hunter2").doesNotContain("swordfish");

        CommandLine objstore = cli(env);
        parsed(objstore, "objstore", "--source", "s3://b/p", "--targetSchema", "t.public", "--targetConn",
                "postgresql://x:pw@h:5432/t?password=alsosecret", "--s3AccessKey", "AKIA");
        String o = EffectiveConfig.describe(objstore.getSubcommands().get("objstore").getCommandSpec());
        assertThat(o).contains("--s3SecretKey=**** [CDC_SINK_S3_SECRET_KEY]").contains("--s3AccessKey=AKIA")
                .doesNotContain("alsosecret").doesNotContain(":pw@").doesNotContain("=abc");

        CommandLine kafka = cli(Map.of());
        parsed(kafka, "kafka", "--kafkaProperty", "sasl.jaas.config=org.x.Plain required password=\"k\";",
                "--kafkaProperty", "security.protocol=SASL_SSL", "--kafkaProperty", "ssl.key.password=kp",
                "--kafkaProperty", "ssl.keystore.key=-----BEGIN");
        String k = EffectiveConfig.describe(kafka.getSubcommands().get("kafka").getCommandSpec());
        assertThat(k).contains("--kafkaProperty=[sasl.jaas.config=****,security.protocol=SASL_SSL,"
                + "ssl.key.password=****,ssl.keystore.key=****]").doesNotContain("kp,").doesNotContain("BEGIN");
    }
}
