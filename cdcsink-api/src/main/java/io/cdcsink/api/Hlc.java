package io.cdcsink.api;

/**
 * A hybrid logical clock timestamp as CockroachDB reports it: wall nanoseconds plus a logical counter.
 * Ordered by nanos, then logical. Text form {@code <nanos>.<logical>} with the logical part padded to ten digits.
 */
public record Hlc(long nanos, int logical) implements Comparable<Hlc> {
    /** The zero timestamp, before every real one. */
    public static final Hlc ZERO = new Hlc(0, 0);

    public Hlc {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos must not be negative: " + nanos);
        }
        if (logical < 0) {
            throw new IllegalArgumentException("logical must not be negative: " + logical);
        }
    }

    /**
     * Parses {@code <nanos>.<logical>}. The logical part must be ten digits unless it is zero, as CockroachDB writes it.
     *
     * @throws BadInputException naming the problem when the text is not a timestamp
     */
    public static Hlc parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new BadInputException("empty timestamp");
        }
        int dot = text.indexOf('.');
        if (dot <= 0 || dot != text.lastIndexOf('.') || dot == text.length() - 1) {
            throw new BadInputException("timestamp \"" + text + "\" is not of the form <nanos>.<logical>");
        }
        String nanosPart = text.substring(0, dot);
        String logicalPart = text.substring(dot + 1);
        if (!digits(nanosPart) || !digits(logicalPart)) {
            throw new BadInputException("timestamp \"" + text + "\" must contain only digits around the dot");
        }
        long nanos;
        long logical;
        try {
            nanos = Long.parseLong(nanosPart);
            logical = Long.parseLong(logicalPart);
        } catch (NumberFormatException e) {
            throw new BadInputException("timestamp \"" + text + "\" is out of range");
        }
        if (nanos <= 0) {
            throw new BadInputException("timestamp \"" + text + "\": nanos must be greater than 0");
        }
        if (logical != 0 && logicalPart.length() != 10) {
            throw new BadInputException("timestamp \"" + text + "\": logical part \"" + logicalPart
                    + "\" must be 10 digits or zero-valued");
        }
        if (logical > Integer.MAX_VALUE) {
            throw new BadInputException("timestamp \"" + text + "\": logical part is out of range");
        }
        return new Hlc(nanos, (int) logical);
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Hlc o) {
        int c = Long.compare(nanos, o.nanos);
        return c != 0 ? c : Integer.compare(logical, o.logical);
    }

    public boolean isAfter(Hlc o) {
        return compareTo(o) > 0;
    }

    public boolean isBefore(Hlc o) {
        return compareTo(o) < 0;
    }

    @Override
    public String toString() {
        return nanos + "." + String.format("%010d", logical);
    }
}
