package io.cdcsink.mysql;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes temporal values as PostgreSQL input text with exactly the column's fractional digits. DATE, DATETIME and
 * TIME are written from the fields the binlog stores, without any calendar arithmetic: a date before the Gregorian
 * reform keeps its fields (both databases use the proleptic Gregorian calendar), and MySQL's zero and partial dates
 * ({@code 0000-00-00}, {@code 2020-00-15}) keep the text MySQL shows, which a {@code text} column takes as it is and
 * a {@code date} column refuses. TIMESTAMP is an instant and is written in UTC.
 */
final class TemporalText {
    private static final long MICROS = 1_000_000L;

    private TemporalText() {
    }

    /** DATE: {@code YYYY-MM-DD}. */
    static String date(int year, int month, int day) {
        return appendDate(new StringBuilder(10), year, month, day).toString();
    }

    /** DATETIME: wall-clock fields without zone, {@code fsp} fractional digits of {@code micros}. */
    static String datetime(int year, int month, int day, int hour, int minute, int second, int micros, int fsp) {
        StringBuilder out = appendDate(new StringBuilder(26), year, month, day).append(' ');
        return appendClock(out, hour, minute, second, micros, fsp).toString();
    }

    /**
     * TIMESTAMP, {@code micros} after 1970-01-01 UTC, written in UTC ({@code +00}). MySQL stores its zero value
     * {@code 0000-00-00 00:00:00} as 0, an instant no TIMESTAMP can otherwise hold (they start one second later),
     * and it is written as MySQL shows it.
     */
    static String timestamp(long micros, int fsp) {
        if (micros == 0) {
            return datetime(0, 0, 0, 0, 0, 0, 0, fsp);
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, MICROS), 0, ZoneOffset.UTC);
        StringBuilder out = appendDate(new StringBuilder(29), t.getYear(), t.getMonthValue(), t.getDayOfMonth())
                .append(' ');
        return appendClock(out, t.getHour(), t.getMinute(), t.getSecond(), (int) Math.floorMod(micros, MICROS), fsp)
                .append("+00").toString();
    }

    /** TIME: a signed duration of up to 838 hours, as {@code interval} input ({@code -838:59:59}). */
    static String time(boolean negative, int hours, int minutes, int seconds, int micros, int fsp) {
        StringBuilder out = new StringBuilder(17);
        if (negative) {
            out.append('-');
        }
        return appendClock(out, hours, minutes, seconds, micros, fsp).toString();
    }

    private static StringBuilder appendDate(StringBuilder out, int year, int month, int day) {
        padded(out, year, 4).append('-');
        padded(out, month, 2).append('-');
        return padded(out, day, 2);
    }

    private static StringBuilder appendClock(StringBuilder out, long hours, long minutes, long seconds, long micros,
                                             int fsp) {
        padded(out, hours, 2).append(':');
        padded(out, minutes, 2).append(':');
        padded(out, seconds, 2);
        if (fsp > 0) {
            int from = out.append('.').length();
            padded(out, micros, 6).setLength(from + Math.min(fsp, 6));
        }
        return out;
    }

    /**
     * {@code value} in at least {@code width} digits, zero-padded: what {@code String.format("%0<width>d")} writes,
     * without a formatter per value (the reader formats every temporal cell of every row).
     */
    static StringBuilder padded(StringBuilder out, long value, int width) {
        if (value < 0) {
            return out.append(String.format("%0" + width + "d", value));
        }
        long limit = 10;
        for (int digits = 1; digits < width; digits++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
