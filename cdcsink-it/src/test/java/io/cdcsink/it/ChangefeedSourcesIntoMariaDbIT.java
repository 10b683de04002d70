package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;

/**
 * The changefeed sources other than the webhook into a MariaDB target (issue #29), through the real jar as users run
 * it: {@code cdc-sink kafka} from a Kafka topic of three partitions and {@code cdc-sink objstore} from a directory of
 * a cloud-storage sink's files, both in consistent mode with {@code --targetConn mysql://...}. The rows are
 * {@link TargetWriteReference}'s, written with the producers of {@link KafkaSourceBench} and
 * {@link ObjstoreSourceBench}; the target ends holding exactly them, values included.
 */
class ChangefeedSourcesIntoMariaDbIT {
    private static final int ROWS = 20_000;
    private final EmbeddedMariaDb maria = EmbeddedMariaDb.shared();

    @Test
    void kafkaIntoMariaDb() throws Exception {
        String db = freshTarget("kafkamy");
        try (KafkaClusterTestKit cluster = KafkaSourceBench.startCluster("")) {
            KafkaSourceBench.produce(cluster.bootstrapServers(), "t", ROWS);
            long start = System.nanoTime();
            try (CdcSinkProcess p = CdcSinkProcess.logical("kafka", "kafka-mariadb", List.of("--broker",
                    cluster.bootstrapServers(), "--group", "into-" + db, "--topic", "t", "--targetConn",
                    TestTarget.MARIADB.conn(db), "--targetSchema", db + "." + db))) {
                double seconds = MySqlTargetBench.awaitRows(maria, db, ROWS, start);
                System.out.printf("kafka into MariaDB: %,d rows in %.1f s%n", ROWS, seconds);
                assertThat(p.isAlive()).isTrue();
            }
        }
        MySqlTargetBench.verify(maria, db, ROWS);
    }

    @Test
    void objstoreIntoMariaDb() throws Exception {
        String db = freshTarget("objmy");
        Path dir = Files.createTempDirectory("objstore-mariadb");
        try {
            ObjstoreSourceBench.write(dir, ROWS);
            long start = System.nanoTime();
            try (CdcSinkProcess p = CdcSinkProcess.logical("objstore", "objstore-mariadb", List.of("--source",
                    dir.toUri().toString(), "--targetConn", TestTarget.MARIADB.conn(db), "--targetSchema",
                    db + "." + db))) {
                double seconds = MySqlTargetBench.awaitRows(maria, db, ROWS, start);
                System.out.printf("objstore into MariaDB: %,d rows in %.1f s%n", ROWS, seconds);
                assertThat(p.isAlive()).isTrue();
            }
            MySqlTargetBench.verify(maria, db, ROWS);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private String freshTarget(String prefix) throws Exception {
        String db = maria.newDatabase(prefix);
        maria.execute(db, MySqlTargetBench.DDL);
        return db;
    }
}
