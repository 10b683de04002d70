package io.cdcsink.staging;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batches this process staged, per table, from the commit of their staging transaction until a window covering
 * them wholly is applied, within a memory budget. A window, read ahead or drained in its own transaction, is taken
 * from here instead of selected from the staging table when the staging table's batches overlapping the window are
 * exactly the batches kept here overlapping it: the same ids.
 *
 * <p>Why the same ids mean the same mutations: a batch is kept only after its transaction committed, with exactly the
 * mutations that transaction wrote, under the id it wrote them with, and ids are unique (random 64-bit numbers). A
 * staged batch leaves the staging table only in the transaction of an applied window at or after its newest mutation
 * (or in the sweep of batches wholly before the last applied window), and such a batch overlaps no window read later:
 * windows start at the last applied one, and a window read ahead starts at the window being applied, which must still
 * be the last applied one when the window read ahead is applied. So every kept batch overlapping a window being read
 * is in the table, and when the table has no other one overlapping it, the window's mutations (those of its batches
 * with times inside it) and their newest per key are the same here and in the table. A redelivered batch is another
 * batch (its own id) with the same mutations, and changes neither. When the ids differ (another instance staged into
 * the window or was sent a redelivery, batches staged before this process started, a batch that did not fit the
 * budget), the window is read from the table as before.
 *
 * <p>The window's own transaction checks again before it commits ({@code SqlStager.drain}, {@code SqlStager.discard}):
 * it lists the batches overlapping the window in its own snapshot and compares them with those the window was taken
 * from, and every batch it removes must be one of them; otherwise it fails and the window is drained from the table.
 */
final class StagedCache {
    /** What a mutation costs beyond its key and data characters (objects, list slot), roughly. */
    private static final int ENTRY_OVERHEAD = 160;
    /** What a batch costs beyond its mutations, roughly. */
    private static final int BATCH_OVERHEAD = 200;

    private final long maxBytes;
    private long bytes;
    /** Per table: the kept batches by id. */
    private final Map<TableName, Map<Long, Kept>> tables = new HashMap<>();
    /** Per table: windows up to here are applied, so batches wholly at or before it are not kept. */
    private final Map<TableName, Hlc> appliedThrough = new HashMap<>();

    private record Kept(StagedBatch batch, long bytes) {
    }

    /**
     * A window from the cache: the newest mutation per key, how many of the batches' mutations lay in the window, and
     * the ids of the batches it was taken from.
     */
    record Window(List<Mutation> newestPerKey, long entries, List<Long> batches) {
    }

    StagedCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Keeps a batch whose staging transaction committed; all of it or, when it does not fit the budget, none of it
     * (its windows will then not match and are read from the table).
     */
    synchronized void add(TableName table, StagedBatch batch) {
        Hlc applied = appliedThrough.get(table);
        if (applied != null && !batch.max().isAfter(applied)) {
            return;
        }
        long size = BATCH_OVERHEAD;
        for (Mutation m : batch.mutations()) {
            size += ENTRY_OVERHEAD + m.key().length() + m.data().map(String::length).orElse(0);
        }
        if (bytes + size > maxBytes) {
            return;
        }
        Kept replaced = tables.computeIfAbsent(table, t -> new HashMap<>()).put(batch.id(), new Kept(batch, size));
        bytes += size - (replaced == null ? 0 : replaced.bytes());
    }

    /** True when a kept batch overlaps the window after {@code after} (every one when empty) up to {@code upTo}. */
    synchronized boolean holds(TableName table, Optional<Hlc> after, Hlc upTo) {
        Map<Long, Kept> batches = tables.get(table);
        return batches != null && batches.values().stream().anyMatch(k -> k.batch().overlaps(after, upTo));
    }

    /**
     * The window after {@code after} (every time when empty) up to {@code upTo} from the kept batches, if they are
     * exactly {@code staged} (the ids of the staging table's batches overlapping it) and at least one; else empty.
     * Reading forgets nothing: a window read ahead is read while the one before it is still being applied, perhaps
     * from here.
     */
    synchronized Optional<Window> window(TableName table, Optional<Hlc> after, Hlc upTo, Collection<Long> staged) {
        Map<Long, Kept> batches = tables.get(table);
        if (batches == null || staged.isEmpty()) {
            return Optional.empty();
        }
        List<StagedBatch> overlapping = new ArrayList<>();
        for (Kept k : batches.values()) {
            if (k.batch().overlaps(after, upTo)) {
                overlapping.add(k.batch());
            }
        }
        if (overlapping.size() != staged.size()
                || !overlapping.stream().allMatch(b -> staged.contains(b.id()))) {
            return Optional.empty();
        }
        NewestPerKey newest = new NewestPerKey(after, upTo);
        for (StagedBatch batch : overlapping) {
            batch.mutations().forEach(newest::add);
        }
        return Optional.of(new Window(newest.mutations(), newest.entries(),
                overlapping.stream().map(StagedBatch::id).sorted().toList()));
    }

    /**
     * Forgets the table's batches wholly at or before {@code upTo}, and keeps none such from now on: the window's
     * transaction, now committing, removed them from the staging table (or, if it fails, the window is drained again
     * from the table). A batch straddling {@code upTo} stays for the windows after it. Windows another instance
     * applies are forgotten with the next window this process applies.
     */
    synchronized void removeThrough(TableName table, Hlc upTo) {
        appliedThrough.merge(table, upTo, (a, b) -> a.isAfter(b) ? a : b);
        Map<Long, Kept> batches = tables.get(table);
        if (batches == null) {
            return;
        }
        for (Iterator<Kept> it = batches.values().iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (!k.batch().max().isAfter(upTo)) {
                bytes -= k.bytes();
                it.remove();
            }
        }
    }

    /** The budget in use, for tests. */
    synchronized long bytes() {
        return bytes;
    }
}
