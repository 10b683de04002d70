package io.cdcsink.engine;

/**
 * What an apply call wrote.
 *
 * @param deadLettered rows set aside in {@link DeadLetters} instead ({@link OnApplyError#DEADLETTER})
 */
public record ApplyResult(long upserts, long deletes, long deadLettered) {
    public static final ApplyResult EMPTY = new ApplyResult(0, 0, 0);

    public ApplyResult(long upserts, long deletes) {
        this(upserts, deletes, 0);
    }

    public ApplyResult plus(ApplyResult o) {
        return new ApplyResult(upserts + o.upserts, deletes + o.deletes, deadLettered + o.deadLettered);
    }
}
