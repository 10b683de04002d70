package io.cdcsink.mysql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/** A MySQL GTID set: per source server UUID, disjoint inclusive intervals of transaction numbers. */
public final class MySqlGtidSet implements GtidSet {
    /** An inclusive range of transaction numbers. */
    record Interval(long start, long end) {
        Interval {
            if (start < 1 || end < start) {
                throw new IllegalArgumentException("invalid GTID interval " + start + "-" + end);
            }
        }

        @Override
        public String toString() {
            return start == end ? Long.toString(start) : start + "-" + end;
        }
    }

    private final Map<String, List<Interval>> intervals;

    private MySqlGtidSet(Map<String, List<Interval>> intervals) {
        this.intervals = intervals;
    }

    static MySqlGtidSet parse(String text) {
        Map<String, List<Interval>> parsed = new TreeMap<>();
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            return new MySqlGtidSet(parsed);
        }
        for (String member : trimmed.split(",")) {
            String[] parts = member.strip().split(":");
            if (parts.length < 2) {
                throw new IllegalArgumentException("invalid MySQL GTID set \"" + text
                        + "\": expected uuid:interval[:interval...] entries separated by commas");
            }
            String uuid = uuid(parts[0], text);
            List<Interval> list = new ArrayList<>(parsed.getOrDefault(uuid, List.of()));
            for (int i = 1; i < parts.length; i++) {
                list.add(interval(parts[i].strip(), text));
            }
            parsed.put(uuid, list);
        }
        parsed.replaceAll((uuid, list) -> normalize(list));
        return new MySqlGtidSet(parsed);
    }

    private static String uuid(String raw, String text) {
        try {
            return UUID.fromString(raw.strip()).toString().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid server UUID \"" + raw.strip() + "\" in MySQL GTID set \""
                    + text + "\" (tagged GTIDs are not supported)", e);
        }
    }

    private static Interval interval(String raw, String text) {
        try {
            int dash = raw.indexOf('-');
            if (dash < 0) {
                long n = Long.parseLong(raw);
                return new Interval(n, n);
            }
            return new Interval(Long.parseLong(raw.substring(0, dash)), Long.parseLong(raw.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid interval \"" + raw + "\" in MySQL GTID set \"" + text + "\"",
                    e);
        }
    }

    /** Sorts and merges overlapping or adjacent intervals. */
    private static List<Interval> normalize(List<Interval> list) {
        List<Interval> sorted = new ArrayList<>(list);
        sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
        List<Interval> merged = new ArrayList<>();
        for (Interval next : sorted) {
            if (!merged.isEmpty()) {
                Interval last = merged.get(merged.size() - 1);
                if (next.start() <= last.end() + 1) {
                    merged.set(merged.size() - 1, new Interval(last.start(), Math.max(last.end(), next.end())));
                    continue;
                }
            }
            merged.add(next);
        }
        return Collections.unmodifiableList(merged);
    }

    @Override
    public Flavor flavor() {
        return Flavor.MYSQL;
    }

    @Override
    public boolean isEmpty() {
        return intervals.isEmpty();
    }

    @Override
    public boolean contains(GtidSet other) {
        if (!(other instanceof MySqlGtidSet mine)) {
            throw new IllegalArgumentException("cannot compare a MySQL GTID set with a " + other.flavor().tag() + " one");
        }
        for (Map.Entry<String, List<Interval>> entry : mine.intervals.entrySet()) {
            List<Interval> ours = intervals.getOrDefault(entry.getKey(), List.of());
            for (Interval needed : entry.getValue()) {
                if (ours.stream().noneMatch(have -> have.start() <= needed.start() && needed.end() <= have.end())) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean containsGtid(String gtid) {
        return contains(parse(gtid));
    }

    @Override
    public MySqlGtidSet plus(String gtid) {
        MySqlGtidSet one = parse(gtid);
        Map<String, List<Interval>> next = new TreeMap<>(intervals);
        one.intervals.forEach((uuid, list) -> {
            List<Interval> combined = new ArrayList<>(next.getOrDefault(uuid, List.of()));
            combined.addAll(list);
            next.put(uuid, normalize(combined));
        });
        return new MySqlGtidSet(next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MySqlGtidSet other && intervals.equals(other.intervals);
    }

    @Override
    public int hashCode() {
        return Objects.hash(intervals);
    }

    @Override
    public String toString() {
        return intervals.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue().stream().map(Interval::toString)
                        .collect(Collectors.joining(":")))
                .collect(Collectors.joining(","));
    }
}
