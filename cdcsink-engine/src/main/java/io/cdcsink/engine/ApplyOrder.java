package io.cdcsink.engine;

import io.cdcsink.api.TableName;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The order in which one target transaction writes the changes of several tables, so that foreign keys checked per
 * statement hold after every statement: upserts of referenced (parent) tables first, parents before children, then
 * the tables nothing references (deletes and upserts, as always), then the deletes of referenced tables, children
 * before parents. Made by {@link ForeignKeyGraph#order}.
 *
 * @param steps            every table once with {@link Part#ALL} or {@link Part#UPSERTS}, and each of the latter
 *                         again later with {@link Part#DELETES}
 * @param deferConstraints some foreign key among the tables is {@code DEFERRABLE}: the transaction should run
 *                         {@code SET CONSTRAINTS ALL DEFERRED} first, which covers what ordering cannot (cycles)
 */
public record ApplyOrder(List<Step> steps, boolean deferConstraints) {
    public ApplyOrder {
        steps = List.copyOf(steps);
    }

    /** Which of a table's changes a step writes. */
    public enum Part {
        ALL, UPSERTS, DELETES;

        public boolean upserts() {
            return this != DELETES;
        }

        public boolean deletes() {
            return this != UPSERTS;
        }
    }

    /**
     * One table's part.
     *
     * @param selfReferencing a foreign key of the table references the table itself: its rows are ordered among
     *                        themselves, so the step should get all of the table's changes in one call
     */
    public record Step(TableName table, Part part, boolean selfReferencing) {
        public Step {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(part, "part");
        }
    }

    /** Each table whole, in the order given: what applying meant before foreign keys were looked at. */
    public static ApplyOrder unordered(Collection<TableName> tables) {
        return new ApplyOrder(tables.stream().map(t -> new Step(t, Part.ALL, false)).toList(), false);
    }
}
