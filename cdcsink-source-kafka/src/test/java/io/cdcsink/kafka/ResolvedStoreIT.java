package io.cdcsink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.testing.TestDatabase;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The consumer groups' resolved timestamps in the target: per group, per partition, only ever forward. */
class ResolvedStoreIT {
    /** The target database of a test: PostgreSQL here, MariaDB in the subclass. */
    protected TestDatabase database(String prefix) {
        return new TestDatabase(prefix);
    }

    @Test
    void storedTimestampsOnlyMoveForwardAndGroupsAreApart() {
        TestDatabase db = database("kafka_resolved");
        ResolvedStore store = new ResolvedStore(db.pools.forDatabase(db.name), db.metadataSchema, "g1");
        ResolvedStore other = new ResolvedStore(db.pools.forDatabase(db.name), db.metadataSchema, "g2");
        store.create(db.metadataSchema);
        store.create(db.metadataSchema); // a second instance of the group: harmless
        TopicPartition p0 = new TopicPartition("Topic", 0);
        TopicPartition p1 = new TopicPartition("topic", 0); // names are case-sensitive
        assertThat(store.load()).isEmpty();

        store.store(Map.of(p0, new Hlc(100, 5), p1, new Hlc(50, 0)));
        store.store(Map.of(p0, new Hlc(100, 4), p1, new Hlc(50, 1))); // p0 back: ignored; p1 forward by logical
        assertThat(store.load()).isEqualTo(Map.of(p0, new Hlc(100, 5), p1, new Hlc(50, 1)));
        store.store(Map.of(p0, new Hlc(99, 9))); // older nanos, larger logical: still older
        store.store(Map.of(p1, new Hlc(60, 0))); // newer nanos, smaller logical: newer
        assertThat(store.load()).isEqualTo(Map.of(p0, new Hlc(100, 5), p1, new Hlc(60, 0)));

        assertThat(other.load()).isEmpty();
        other.store(Map.of(p0, new Hlc(1, 0)));
        assertThat(other.load()).isEqualTo(Map.of(p0, new Hlc(1, 0)));
        assertThat(store.load()).containsEntry(p0, new Hlc(100, 5));
    }
}
