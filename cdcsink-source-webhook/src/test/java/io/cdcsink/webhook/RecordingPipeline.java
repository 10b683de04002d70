package io.cdcsink.webhook;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** An in-memory {@link Pipeline} that records every call and can be told to fail. */
final class RecordingPipeline implements Pipeline {
    record Resolved(SchemaName schema, Hlc hlc) {
    }

    final List<Map<TableName, List<Mutation>>> accepted = new CopyOnWriteArrayList<>();
    /** Batches of requests with {@code ?immediate=true}. */
    final List<Map<TableName, List<Mutation>>> immediately = new CopyOnWriteArrayList<>();
    final List<Resolved> resolved = new CopyOnWriteArrayList<>();
    final List<SchemaName> targetChecks = new CopyOnWriteArrayList<>();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    @Override
    public void acceptImmediately(Map<TableName, List<Mutation>> batch) {
        immediately.add(batch);
    }

    @Override
    public void accept(Map<TableName, List<Mutation>> batch) {
        failIfAsked();
        accepted.add(batch);
    }

    @Override
    public void resolved(SchemaName schema, Hlc hlc) {
        failIfAsked();
        resolved.add(new Resolved(schema, hlc));
    }

    @Override
    public void requireTarget(SchemaName schema) {
        failIfAsked();
        targetChecks.add(schema);
    }

    @Override
    public boolean immediate() {
        return false;
    }

    int calls() {
        return accepted.size() + immediately.size() + resolved.size();
    }

    private void failIfAsked() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }
}
