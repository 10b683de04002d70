package io.cdcsink.mysql;

import java.util.Locale;

/** Which server family a source is: the two write different GTID forms and events. */
public enum Flavor {
    MYSQL("mysql"),
    MARIADB("mariadb");

    private final String tag;

    Flavor(String tag) {
        this.tag = tag;
    }

    /** The lower-case name used as the prefix of stored positions, e.g. {@code mariadb:0-1-12}. */
    public String tag() {
        return tag;
    }

    /** Parses a {@link #tag()}. */
    public static Flavor ofTag(String tag) {
        for (Flavor flavor : values()) {
            if (flavor.tag.equals(tag.toLowerCase(Locale.ROOT))) {
                return flavor;
            }
        }
        throw new IllegalArgumentException("unknown server flavour \"" + tag + "\"; expected mysql or mariadb");
    }
}
