package io.cdcsink.demo.emulator;

import io.cdcsink.api.Hlc;
import java.util.List;

/**
 * The deliveries of one resolved window: every batch is acknowledged before any node posts {@code resolved}.
 *
 * @param batches        the requests in the order senders pick them up
 * @param resolved       the window's resolved timestamp: at or after every message of the window, before every
 *                       message of later windows
 * @param resolvingNodes the nodes posting {@code resolved}, in order
 */
record WindowPlan(List<Batch> batches, Hlc resolved, List<Integer> resolvingNodes) {
    WindowPlan {
        batches = List.copyOf(batches);
        resolvingNodes = List.copyOf(resolvingNodes);
    }
}
