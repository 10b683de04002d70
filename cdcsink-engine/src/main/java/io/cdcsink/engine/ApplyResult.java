package io.cdcsink.engine;

/** What an apply call wrote. */
public record ApplyResult(long upserts, long deletes) {
    public static final ApplyResult EMPTY = new ApplyResult(0, 0);

    public ApplyResult plus(ApplyResult o) {
        return new ApplyResult(upserts + o.upserts, deletes + o.deletes);
    }
}
