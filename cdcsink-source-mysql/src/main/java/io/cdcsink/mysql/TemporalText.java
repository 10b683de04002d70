package io.cdcsink.mysql;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;

/**
 * Formats the binlog connector's temporal values (microseconds since 1970-01-01 UTC, computed from the stored
 * fields without any time zone) as PostgreSQL input text, keeping exactly the column's fractional digits.
 */
final class TemporalText {
    private static final long MICROS = 1_000_000L;
    /** 1582-10-15T00:00Z: before it the connector computes instants with the Julian calendar. */
    private static final long GREGORIAN_CUTOVER_MICROS = -12_219_292_800L * MICROS;

    private TemporalText() {
    }

    static String date(long micros) {
        return appendDate(new StringBuilder(10), fields(micros)).toString();
    }

    /** DATETIME: wall-clock time without zone. */
    static String datetime(long micros, int fsp) {
        return appendDatetime(new StringBuilder(26), micros, fsp).toString();
    }

    /** TIMESTAMP: an instant, always written in UTC. */
    static String timestamp(long micros, int fsp) {
        return appendDatetime(new StringBuilder(29), micros, fsp).append("+00").toString();
    }

    /** TIME: a duration of up to 838 hours. */
    static String time(long micros, int fsp) {
        long seconds = Math.floorDiv(micros, MICROS);
        return appendClock(new StringBuilder(15), seconds / 3600, seconds / 60 % 60, seconds % 60,
                Math.floorMod(micros, MICROS), fsp).toString();
    }

    private static StringBuilder appendDatetime(StringBuilder out, long micros, int fsp) {
        LocalDateTime t = fields(micros);
        appendDate(out, t).append(' ');
        return appendClock(out, t.getHour(), t.getMinute(), t.getSecond(), Math.floorMod(micros, MICROS), fsp);
    }

    private static LocalDateTime fields(long micros) {
        long seconds = Math.floorDiv(micros, MICROS);
        if (micros >= GREGORIAN_CUTOVER_MICROS) {
            return LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        }
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("GMT"));
        calendar.setTimeInMillis(seconds * 1000);
        return LocalDateTime.of(calendar.get(Calendar.YEAR), calendar.get(Calendar.MONTH) + 1,
                calendar.get(Calendar.DAY_OF_MONTH), calendar.get(Calendar.HOUR_OF_DAY), calendar.get(Calendar.MINUTE),
                calendar.get(Calendar.SECOND));
    }

    private static StringBuilder appendDate(StringBuilder out, LocalDateTime t) {
        padded(out, t.getYear(), 4).append('-');
        padded(out, t.getMonthValue(), 2).append('-');
        return padded(out, t.getDayOfMonth(), 2);
    }

    private static StringBuilder appendClock(StringBuilder out, long hours, long minutes, long seconds, long fraction,
                                             int fsp) {
        padded(out, hours, 2).append(':');
        padded(out, minutes, 2).append(':');
        padded(out, seconds, 2);
        if (fsp > 0) {
            int from = out.append('.').length();
            padded(out, fraction, 6).setLength(from + Math.min(fsp, 6));
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
