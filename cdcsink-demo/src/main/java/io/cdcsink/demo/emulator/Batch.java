package io.cdcsink.demo.emulator;

import java.util.List;

/**
 * One webhook request of a node.
 *
 * @param node      the emulated node that sends it
 * @param messages  the payload, never empty
 * @param duplicate true for a re-delivery of a batch already in the plan
 */
record Batch(int node, List<Message> messages, boolean duplicate) {
    Batch {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one message");
        }
    }
}
