package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The temporal text written without a formatter equals what {@code String.format} writes, for every field value. */
class TemporalTextTest {
    private static final long MICROS = 1_000_000L;

    @Test
    void fieldsAreWrittenAsStoredForEveryPrecision() {
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            // Any stored fields, zero and out-of-calendar ones included: the text must not depend on a calendar.
            int year = random.nextInt(10_000);
            int month = random.nextInt(13);
            int day = random.nextInt(32);
            int hour = random.nextInt(24);
            int minute = random.nextInt(60);
            int second = random.nextInt(60);
            int fsp = random.nextInt(7);
            int micros = random.nextInt(1_000_000) / pow10(6 - fsp) * pow10(6 - fsp);
            String date = String.format("%04d-%02d-%02d", year, month, day);
            assertThat(TemporalText.date(year, month, day)).isEqualTo(date);
            assertThat(TemporalText.datetime(year, month, day, hour, minute, second, micros, fsp))
                    .isEqualTo(date + " " + clock(hour, minute, second, micros, fsp));
            int hours = random.nextInt(839);
            boolean negative = random.nextBoolean();
            assertThat(TemporalText.time(negative, hours, minute, second, micros, fsp))
                    .isEqualTo((negative ? "-" : "") + clock(hours, minute, second, micros, fsp));
        }
    }

    @Test
    void timestampsAreWrittenInUtcAndTheZeroTimestampAsMySqlShowsIt() {
        Random random = new Random(7);
        long last = 4_294_967_295L * MICROS; // TIMESTAMP's stored seconds are unsigned 32-bit
        for (int i = 0; i < 20_000; i++) {
            long micros = MICROS + (long) (random.nextDouble() * (last - MICROS));
            int fsp = random.nextInt(7);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, MICROS), 0, ZoneOffset.UTC);
            assertThat(TemporalText.timestamp(micros, fsp)).isEqualTo(String.format("%04d-%02d-%02d ",
                    t.getYear(), t.getMonthValue(), t.getDayOfMonth()) + clock(t.getHour(), t.getMinute(),
                    t.getSecond(), Math.floorMod(micros, MICROS), fsp) + "+00");
        }
        assertThat(TemporalText.timestamp(0, 0)).isEqualTo("0000-00-00 00:00:00");
        assertThat(TemporalText.timestamp(0, 2)).isEqualTo("0000-00-00 00:00:00.00");
    }

    @Test
    void paddingIsAMinimumWidth() {
        assertThat(TemporalText.padded(new StringBuilder(), 0, 2)).hasToString("00");
        assertThat(TemporalText.padded(new StringBuilder(), 7, 4)).hasToString("0007");
        assertThat(TemporalText.padded(new StringBuilder(), 12_345, 4)).hasToString("12345");
        assertThat(TemporalText.padded(new StringBuilder(), 999_999, 6)).hasToString("999999");
        assertThat(TemporalText.padded(new StringBuilder(), -5, 2)).hasToString("-5");
        assertThat(TemporalText.padded(new StringBuilder(), -5, 3)).hasToString("-05");
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /** The formatter-based clock text. */
    private static String clock(long hours, long minutes, long seconds, long fraction, int fsp) {
        String base = String.format("%02d:%02d:%02d", hours, minutes, seconds);
        return fsp <= 0 ? base : base + "." + String.format("%06d", fraction).substring(0, fsp);
    }
}
