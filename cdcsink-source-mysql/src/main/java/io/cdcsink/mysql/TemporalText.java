package io.cdcsink.mysql;

import java.time.LocalDate;
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
        LocalDateTime t = fields(micros);
        return formatDate(t.toLocalDate());
    }

    /** DATETIME: wall-clock time without zone. */
    static String datetime(long micros, int fsp) {
        LocalDateTime t = fields(micros);
        return formatDate(t.toLocalDate()) + " " + clock(t.getHour(), t.getMinute(), t.getSecond(),
                Math.floorMod(micros, MICROS), fsp);
    }

    /** TIMESTAMP: an instant, always written in UTC. */
    static String timestamp(long micros, int fsp) {
        return datetime(micros, fsp) + "+00";
    }

    /** TIME: a duration of up to 838 hours. */
    static String time(long micros, int fsp) {
        long seconds = Math.floorDiv(micros, MICROS);
        return clock(seconds / 3600, (int) (seconds / 60 % 60), (int) (seconds % 60), Math.floorMod(micros, MICROS),
                fsp);
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

    private static String formatDate(LocalDate d) {
        return String.format("%04d-%02d-%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
    }

    private static String clock(long hours, int minutes, int seconds, long fraction, int fsp) {
        String base = String.format("%02d:%02d:%02d", hours, minutes, seconds);
        if (fsp <= 0) {
            return base;
        }
        return base + "." + String.format("%06d", fraction).substring(0, Math.min(fsp, 6));
    }
}
