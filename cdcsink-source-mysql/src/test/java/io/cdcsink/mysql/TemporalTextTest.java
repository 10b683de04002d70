package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The temporal text written without a formatter equals what {@code String.format} writes. */
class TemporalTextTest {
    private static final long MICROS = 1_000_000L;
    /** 1582-10-15 and 9999-12-31 23:59:59.999999, in microseconds since 1970. */
    private static final long FIRST = -12_219_292_800L * MICROS;
    private static final long LAST = 253_402_300_799L * MICROS + 999_999;

    @Test
    void datesAndTimesMatchTheFormatterForRandomInstantsAndEveryPrecision() {
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            long micros = FIRST + (long) (random.nextDouble() * (LAST - FIRST));
            int fsp = random.nextInt(8) - 1;
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, MICROS), 0, ZoneOffset.UTC);
            String date = String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
            String datetime = date + " " + clock(t.getHour(), t.getMinute(), t.getSecond(),
                    Math.floorMod(micros, MICROS), fsp);
            assertThat(TemporalText.date(micros)).isEqualTo(date);
            assertThat(TemporalText.datetime(micros, fsp)).isEqualTo(datetime);
            assertThat(TemporalText.timestamp(micros, fsp)).isEqualTo(datetime + "+00");

            long duration = (long) ((random.nextDouble() * 2 - 1) * 839 * 3600 * MICROS);
            long seconds = Math.floorDiv(duration, MICROS);
            assertThat(TemporalText.time(duration, fsp)).as("TIME of %d us", duration).isEqualTo(clock(
                    seconds / 3600, seconds / 60 % 60, seconds % 60, Math.floorMod(duration, MICROS), fsp));
        }
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

    /** The formatter-based clock text the encoder wrote before. */
    private static String clock(long hours, long minutes, long seconds, long fraction, int fsp) {
        String base = String.format("%02d:%02d:%02d", hours, minutes, seconds);
        return fsp <= 0 ? base : base + "." + String.format("%06d", fraction).substring(0, Math.min(fsp, 6));
    }
}
