package io.cdcsink.it;

import java.util.HashMap;
import java.util.Map;

/**
 * A logical source's options and its loop's together, as the CLI passes its flags; where both set one (the
 * {@code standbyTimeout}), the source's value wins.
 */
final class BenchOptions {
    private BenchOptions() {
    }

    static Map<String, String> merge(Map<String, String> source, Map<String, String> loop) {
        Map<String, String> all = new HashMap<>(loop);
        all.putAll(source);
        return all;
    }
}
