package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

/** A position's text is PostgreSQL's {@code X/X} form, exactly as PgJDBC writes it, and parses back. */
class PositionTextTest {
    @Test
    void textIsWhatPgJdbcWritesAndParsesBack() {
        long[] edges = {0L, 1L, 0x16B3748L, 0xFFFF_FFFFL, 0x1_0000_0000L, 0xABCD_EF01_2345_6789L, -1L,
            Long.MAX_VALUE, Long.MIN_VALUE};
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < edges.length + 1000; i++) {
            long lsn = i < edges.length ? edges[i] : random.nextLong();
            String text = PgLogicalDialect.text(lsn);
            assertThat(text).as("%x", lsn).isEqualTo(LogSequenceNumber.valueOf(lsn).asString());
            assertThat(PgLogicalDialect.parse(text).asLong()).isEqualTo(lsn);
        }
        assertThat(PgLogicalDialect.text(0x16B3748L)).isEqualTo("0/16B3748");
    }
}
