package io.cdcsink.mysql;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID position: for each replication domain the last applied {@code domain-server-seq}. Within a domain
 * sequence numbers only grow (the server runs with {@code gtid_strict_mode}), so a position contains every
 * transaction of that domain up to its sequence number.
 */
public final class MariaDbGtidSet implements GtidSet {
    /** One MariaDB GTID. */
    record Gtid(long domain, long server, long sequence) {
        Gtid {
            if (domain < 0 || server < 0 || sequence < 0) {
                throw new IllegalArgumentException("negative MariaDB GTID component");
            }
        }

        static Gtid parse(String raw, String text) {
            String[] parts = raw.strip().split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("invalid MariaDB GTID \"" + raw.strip() + "\" in \"" + text
                        + "\": expected domain-server-sequence, e.g. 0-1-12");
            }
            try {
                return new Gtid(Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]),
                        Long.parseUnsignedLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid MariaDB GTID \"" + raw.strip() + "\" in \"" + text
                        + "\"", e);
            }
        }

        @Override
        public String toString() {
            return domain + "-" + server + "-" + sequence;
        }
    }

    private final Map<Long, Gtid> domains;

    private MariaDbGtidSet(Map<Long, Gtid> domains) {
        this.domains = Collections.unmodifiableMap(domains);
    }

    static MariaDbGtidSet parse(String text) {
        Map<Long, Gtid> parsed = new TreeMap<>();
        String trimmed = text == null ? "" : text.strip();
        if (!trimmed.isEmpty()) {
            for (String member : trimmed.split(",")) {
                Gtid gtid = Gtid.parse(member, text);
                if (parsed.put(gtid.domain(), gtid) != null) {
                    throw new IllegalArgumentException("MariaDB GTID position \"" + text + "\" names domain "
                            + gtid.domain() + " twice");
                }
            }
        }
        return new MariaDbGtidSet(parsed);
    }

    @Override
    public Flavor flavor() {
        return Flavor.MARIADB;
    }

    @Override
    public boolean isEmpty() {
        return domains.isEmpty();
    }

    @Override
    public boolean contains(GtidSet other) {
        if (!(other instanceof MariaDbGtidSet theirs)) {
            throw new IllegalArgumentException("cannot compare a MariaDB GTID set with a " + other.flavor().tag() + " one");
        }
        return theirs.domains.values().stream().allMatch(this::covers);
    }

    private boolean covers(Gtid gtid) {
        Gtid have = domains.get(gtid.domain());
        return have != null && have.sequence() >= gtid.sequence();
    }

    @Override
    public boolean containsGtid(String gtid) {
        return covers(Gtid.parse(gtid, gtid));
    }

    @Override
    public MariaDbGtidSet plus(String gtid) {
        Gtid one = Gtid.parse(gtid, gtid);
        Map<Long, Gtid> next = new TreeMap<>(domains);
        next.merge(one.domain(), one, (old, neu) -> neu.sequence() >= old.sequence() ? neu : old);
        return new MariaDbGtidSet(next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MariaDbGtidSet other && domains.equals(other.domains);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domains);
    }

    @Override
    public String toString() {
        return domains.values().stream().map(Gtid::toString).collect(Collectors.joining(","));
    }
}
