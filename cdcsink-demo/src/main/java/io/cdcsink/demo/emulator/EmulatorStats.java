package io.cdcsink.demo.emulator;

import io.cdcsink.api.Hlc;
import java.util.Optional;

/**
 * What the emulator has delivered so far.
 *
 * @param transactions     source transactions handed to the emulator
 * @param messages         row changes acknowledged by the server, counting re-deliveries
 * @param batches          payload requests acknowledged, counting re-deliveries
 * @param duplicateBatches re-delivered payload requests acknowledged
 * @param retries          requests repeated after a 5xx response or an I/O error
 * @param resolved         the newest resolved timestamp acknowledged by the server
 */
public record EmulatorStats(long transactions, long messages, long batches, long duplicateBatches, long retries,
                            Optional<Hlc> resolved) {
}
