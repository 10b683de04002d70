package io.cdcsink.mysql;

/**
 * An executed GTID set of one server flavour: MySQL {@code uuid:1-8:10-12,uuid2:1-3} or MariaDB
 * {@code domain-server-seq} lists with one position per replication domain. Immutable; adding returns a new set.
 * Sets are ordered by containment: {@code a.isBefore(b)} when {@code b} contains everything in {@code a} and more.
 */
public sealed interface GtidSet permits MySqlGtidSet, MariaDbGtidSet {

    Flavor flavor();

    /** True when the set holds no transaction at all. */
    boolean isEmpty();

    /** True when every transaction in {@code other} is also in this set. */
    boolean contains(GtidSet other);

    /** True when the one transaction named by {@code gtid} (the flavour's single-GTID form) is in this set. */
    boolean containsGtid(String gtid);

    /** This set plus the one transaction {@code gtid} (MySQL {@code uuid:seq}, MariaDB {@code domain-server-seq}). */
    GtidSet plus(String gtid);

    /** The server's text form, as {@code gtid_executed} / {@code gtid_binlog_pos} print it (without a flavour tag). */
    @Override
    String toString();

    /** Strictly before: {@code other} contains this set and is not equal to it. */
    default boolean isBefore(GtidSet other) {
        return other.contains(this) && !equals(other);
    }

    /** Parses the server's text form of the given flavour; blank text is the empty set. */
    static GtidSet parse(Flavor flavor, String text) {
        return switch (flavor) {
            case MYSQL -> MySqlGtidSet.parse(text);
            case MARIADB -> MariaDbGtidSet.parse(text);
        };
    }

    /** The empty set of a flavour. */
    static GtidSet empty(Flavor flavor) {
        return parse(flavor, "");
    }
}
