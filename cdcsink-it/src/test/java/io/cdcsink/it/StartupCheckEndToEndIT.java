package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.SilentServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that writes to a target, run from the real jar against a target (or a logical source) it cannot
 * use: the process ends within seconds, non-zero, with exactly one line on stderr that names the database and the
 * fix ({@code -v} adds the stack trace). Start-up's checks wait at most 5 s for a server that never answers (the
 * MySQL source's driver 10 s).
 */
class StartupCheckEndToEndIT {
    /** A closed port gets its answer from the kernel at once; the rest is the JVM's start. */
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(8);
    /** The check's 5 s bound, the JVM's start, and room for two cores shared by three JVMs. */
    private static final Duration SILENT_WITHIN = Duration.ofSeconds(15);
    /** The MySQL source's driver waits 10 s for a connection; four JVMs share the two cores. */
    private static final Duration SILENT_SOURCE_WITHIN = Duration.ofSeconds(25);

    private final EmbeddedPg pg = EmbeddedPg.shared();

    @TempDir
    Path dir;

    record Run(int exit, List<String> stderr, String stdout, Duration took) {
    }

    /** A launched cdc-sink JVM whose stdout and stderr go to files of their own. */
    private final class Launched {
        final Process process;
        final Path out;
        final Path err;
        final long started = System.nanoTime();

        final String name;

        Launched(List<String> args) throws Exception {
            name = args.get(0) + "-" + System.nanoTime();
            out = dir.resolve(name + ".out");
            err = dir.resolve(name + ".err");
            process = new ProcessBuilder(JarCommand.of("256m", args)).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
        }

        Run await() throws Exception {
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            assertThat(ended).as("cdc-sink ended by itself").isTrue();
            return new Run(process.exitValue(), Files.readAllLines(err), Files.readString(out), took);
        }
    }

    private Run run(String... args) throws Exception {
        return new Launched(List.of(args)).await();
    }

    /** The three commands that write to a target, each with the target connection string given. */
    private static List<List<String>> commands(String target) {
        return List.of(
                List.of("start", "--disableAuthentication", "--bindAddr", "127.0.0.1:0", "--conn", target),
                List.of("pglogical", "--sourceConn", "postgresql://postgres@127.0.0.1:1/src?sslmode=disable",
                        "--publicationName", "pub", "--targetConn", target, "--targetDB", "app"),
                List.of("mylogical", "--sourceConn", "mysql://root@127.0.0.1:1/?sslmode=disable",
                        "--targetConn", target, "--targetDB", "app"));
    }

    private static String flag(List<String> command) {
        return command.get(0).equals("start") ? "--conn" : "--targetConn";
    }

    private static void assertOneLine(Run r, String expected) {
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stderr()).as("stderr").containsExactly("cdc-sink: " + expected);
        assertThat(r.stdout()).as("the log").doesNotContain("\tat ").doesNotContain("Guice");
    }

    @Test
    void everyCommandEndsAtOnceWithOneLineWhenNothingListensAtTheTarget() throws Exception {
        String target = "postgresql://postgres@127.0.0.1:1/postgres?sslmode=disable";
        for (List<String> command : commands(target)) {
            Run r = run(command.toArray(String[]::new));
            System.out.printf("%s against a closed port: exit %d after %d ms: %s%n", command.get(0), r.exit(),
                    r.took().toMillis(), r.stderr());
            assertOneLine(r, "cannot connect to the target postgres@127.0.0.1:1/postgres: connection refused;"
                    + " start the server, or correct the host and port in " + flag(command));
            assertThat(r.took()).isLessThan(REFUSED_WITHIN);
        }
    }

    @Test
    void everyCommandGivesUpWithinSecondsOnATargetThatNeverAnswers() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            List<List<String>> commands = commands(silent.connectionString());
            // Side by side: each waits out the same 5 s bound.
            List<Launched> launched = new ArrayList<>();
            for (List<String> command : commands) {
                launched.add(new Launched(command));
            }
            for (int i = 0; i < commands.size(); i++) {
                Run r = launched.get(i).await();
                System.out.printf("%s against a silent server: exit %d after %d ms: %s%n", commands.get(i).get(0),
                        r.exit(), r.took().toMillis(), r.stderr());
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.stderr()).singleElement().asString()
                        .startsWith("cdc-sink: cannot connect to the target postgres@127.0.0.1:" + silent.port()
                                + "/postgres: no answer after ")
                        .endsWith(" s; check that the server is up and that this host can reach it (network,"
                                + " firewall), or correct the host and port in " + flag(commands.get(i)));
                assertThat(r.took()).isLessThan(SILENT_WITHIN);
            }
            assertThat(silent.accepted()).as("one check per process").isEqualTo(commands.size());
        }
    }

    @Test
    void aLogicalSourceThatCannotBeReachedEndsTheCommandWithOneLineNamingTheSource() throws Exception {
        String targetDb = pg.freshDatabase("srccheck");
        String target = "postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres?sslmode=disable";
        try (SilentServer silent = new SilentServer()) {
            List<Launched> launched = new ArrayList<>();
            for (String host : List.of("127.0.0.1:1", "127.0.0.1:" + silent.port())) {
                launched.add(new Launched(List.of("pglogical", "--sourceConn", "postgresql://postgres@" + host
                        + "/src?sslmode=disable", "--publicationName", "pub", "--targetConn", target,
                        "--targetDB", targetDb)));
                launched.add(new Launched(List.of("mylogical", "--sourceConn", "mysql://root@" + host
                        + "/?sslmode=disable", "--targetConn", target, "--targetDB", targetDb)));
            }
            List<String> expected = List.of(
                    "cdc-sink: cannot connect to the source postgres@127.0.0.1:1/src: connection refused; start the"
                            + " server, or correct the host and port in --sourceConn",
                    "cdc-sink: cannot connect to the source root@127.0.0.1:1: connection refused; start the server,"
                            + " or correct the host and port in --sourceConn",
                    "cdc-sink: cannot connect to the source postgres@127.0.0.1:" + silent.port() + "/src: no answer"
                            + " after ",
                    "cdc-sink: cannot connect to the source root@127.0.0.1:" + silent.port() + ": no answer after ");
            for (int i = 0; i < launched.size(); i++) {
                Run r = launched.get(i).await();
                System.out.printf("%s: exit %d after %d ms: %s%n", launched.get(i).name, r.exit(),
                        r.took().toMillis(), r.stderr());
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.stderr()).singleElement().asString().startsWith(expected.get(i))
                        .endsWith("in --sourceConn");
                assertThat(r.took()).isLessThan(SILENT_SOURCE_WITHIN);
            }
        }
    }

    @Test
    void verboseAddsTheStackTraceAfterTheLine() throws Exception {
        Run r = run("start", "--disableAuthentication", "--conn", "postgresql://postgres@127.0.0.1:1/postgres", "-v");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr().get(0)).isEqualTo("cdc-sink: cannot connect to the target postgres@127.0.0.1:1/postgres:"
                + " connection refused; start the server, or correct the host and port in --conn");
        assertThat(r.stderr()).anySatisfy(l -> assertThat(l).contains("at io.cdcsink.core.TargetServer.check"))
                .anySatisfy(l -> assertThat(l).contains("Caused by: org.postgresql.util.PSQLException"));
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheUserAndTheFix() throws Exception {
        String role = "cli_pw_" + ProcessHandle.current().pid();
        pg.createPasswordRole(role, "right");
        String target = "postgresql://" + role + ":wrong@127.0.0.1:" + pg.port() + "/postgres?sslmode=disable";
        for (List<String> command : commands(target)) {
            Run r = run(command.toArray(String[]::new));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr()).singleElement().asString()
                    .startsWith("cdc-sink: the target " + role + "@127.0.0.1:" + pg.port()
                            + "/postgres refused the login:")
                    .contains("password authentication failed")
                    .endsWith("; correct the user or password in " + flag(command)
                            + ", or let this user log in from this host")
                    .doesNotContain(":wrong@");
            assertThat(r.took()).isLessThan(REFUSED_WITHIN);
        }
    }

    @Test
    void aMissingDatabaseIsOneLineWithTheStatementThatCreatesIt() throws Exception {
        String target = "postgresql://postgres@127.0.0.1:" + pg.port() + "/not_there?sslmode=disable";
        for (List<String> command : commands(target)) {
            Run r = run(command.toArray(String[]::new));
            assertOneLine(r, "the target database \"not_there\" does not exist on postgres@127.0.0.1:" + pg.port()
                    + "; create it (CREATE DATABASE \"not_there\") or name an existing database in "
                    + flag(command));
            assertThat(r.took()).isLessThan(REFUSED_WITHIN);
        }
    }

    @Test
    void preflightReportsATargetThatNeverAnswersAsAnErrorWithItsFix() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Run r = run("preflight", "start", "--conn", silent.connectionString());
            assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
            assertThat(r.stdout()).contains("ERROR target ").contains(": cannot connect to the target postgres@127.0.0.1:"
                    + silent.port() + "/postgres: no answer after ").contains("or correct the host and port in --conn");
            assertThat(r.took()).isLessThan(SILENT_WITHIN);
        }
    }
}
