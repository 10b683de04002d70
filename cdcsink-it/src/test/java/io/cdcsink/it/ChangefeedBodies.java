package io.cdcsink.it;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Webhook bodies for table {@code t (k INT PRIMARY KEY, v TEXT)}: row k holds {@code "v<k>"}. */
final class ChangefeedBodies {
    private ChangefeedBodies() {
    }

    /** Rows {@code from..to}, all at time {@code nanos}. */
    static String rows(int from, int to, long nanos) {
        return IntStream.rangeClosed(from, to)
                .mapToObj(k -> String.format("{\"after\":{\"k\":%d,\"v\":\"v%d\"},\"key\":[%d],\"topic\":\"t\","
                        + "\"updated\":\"%d.0\"}", k, k, k, nanos))
                .collect(Collectors.joining(",", "{\"payload\":[", "]}"));
    }

    /** A resolved timestamp. */
    static String resolvedAt(long nanos) {
        return String.format("{\"resolved\":\"%d.0\"}", nanos);
    }
}
