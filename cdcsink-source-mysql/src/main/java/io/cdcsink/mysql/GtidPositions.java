package io.cdcsink.mysql;

import io.cdcsink.api.LogicalPosition;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The text of mylogical positions: the executed GTID set prefixed with the flavour, {@code mariadb:0-1-12} or
 * {@code mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-8}. Untagged text (as given to {@code --defaultGTIDSet}) is
 * recognised by its form.
 */
public final class GtidPositions {
    private static final Pattern MARIADB = Pattern.compile("\\s*\\d+-\\d+-\\d+(\\s*,\\s*\\d+-\\d+-\\d+)*\\s*");

    private GtidPositions() {
    }

    /** The stored text of a set. */
    public static String text(GtidSet set) {
        return set.flavor().tag() + ":" + set;
    }

    /** The position after a transaction that committed at {@code commitTime}. */
    public static LogicalPosition position(GtidSet set, Instant commitTime) {
        return new LogicalPosition(text(set), commitTime);
    }

    /** Parses tagged text, or untagged MySQL/MariaDB GTID set text. */
    public static GtidSet parse(String text) {
        String trimmed = text.strip();
        for (Flavor flavor : Flavor.values()) {
            String prefix = flavor.tag() + ":";
            if (trimmed.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return GtidSet.parse(flavor, trimmed.substring(prefix.length()));
            }
        }
        return GtidSet.parse(MARIADB.matcher(trimmed).matches() ? Flavor.MARIADB : Flavor.MYSQL, trimmed);
    }
}
