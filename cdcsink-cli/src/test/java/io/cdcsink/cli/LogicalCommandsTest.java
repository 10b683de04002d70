package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Flag checks of {@code pglogical}, {@code mylogical} and {@code start} that fail before any database is contacted. */
class LogicalCommandsTest {
    private record Run(int exit, String err) {
    }

    private static Run run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void fanModeNeedsMoreTargetConnectionsThanShards() {
        // Port 1 refuses connections: had the check not come first, the error would be about the source or target.
        String[] common = {"--targetConn", "postgresql://x@127.0.0.1:1/postgres", "--targetDB", "d"};
        Run pg = run(concat(new String[] {"pglogical", "--sourceConn", "postgresql://x@127.0.0.1:1/x",
            "--publicationName", "p", "--immediate", "--targetDBConns", "16"}, common));
        assertThat(pg.exit()).isNotZero();
        assertThat(pg.err()).contains("--targetDBConns (16) must be greater than --fanShards (16)");

        Run my = run(concat(new String[] {"mylogical", "--sourceConn", "mysql://x@127.0.0.1:1/",
            "--backfillWindow", "1h", "--fanShards", "8", "--targetDBConns", "4"}, common));
        assertThat(my.exit()).isNotZero();
        assertThat(my.err()).contains("--targetDBConns (4) must be greater than --fanShards (8)");
    }

    @Test
    void schemaEvolutionNamesTheAcceptedValues() {
        String[] common = {"--targetConn", "postgresql://x@127.0.0.1:1/postgres", "--targetDB", "d"};
        String[][] commands = {{"pglogical", "--sourceConn", "postgresql://x@127.0.0.1:1/x", "--publicationName", "p"},
            {"mylogical", "--sourceConn", "mysql://x@127.0.0.1:1/"}};
        for (String[] source : commands) {
            String command = source[0];
            Run r = run(concat(concat(source, new String[] {"--schemaEvolution", "everything"}), common));
            assertThat(r.exit()).as(command).isNotZero();
            assertThat(r.err()).as(command).contains("--schemaEvolution: \"everything\" is not one of none, additive");
        }
    }

    @Test
    void objstoreChecksItsSourceAndSchemaBeforeContactingAnything() {
        String[] target = {"--targetConn", "postgresql://x@127.0.0.1:1/postgres"};
        Run scheme = run(concat(new String[] {"objstore", "--source", "ftp://host/feed", "--targetSchema", "d.s"},
                target));
        assertThat(scheme.exit()).isNotZero();
        assertThat(scheme.err()).contains("--source must be a file:///path or s3://bucket/prefix URL");
        Run schema = run(concat(new String[] {"objstore", "--source", "file:///tmp/feed", "--targetSchema", "d"},
                target));
        assertThat(schema.exit()).isNotZero();
        assertThat(schema.err()).contains("--targetSchema must be database.schema");
        Run keys = run(concat(new String[] {"objstore", "--source", "s3://b/p", "--targetSchema", "d.s",
            "--s3AccessKey", "k"}, target));
        assertThat(keys.exit()).isNotZero();
        assertThat(keys.err()).contains("--s3AccessKey and --s3SecretKey go together");
    }

    @Test
    void startNeedsAtLeastOneWriterPerDatabase() {
        Run start = run("start", "--conn", "postgresql://x@127.0.0.1:1/postgres", "--disableAuthentication",
                "--targetWriters", "0");
        assertThat(start.exit()).isNotZero();
        assertThat(start.err()).contains("--targetWriters must be at least 1, was 0");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
