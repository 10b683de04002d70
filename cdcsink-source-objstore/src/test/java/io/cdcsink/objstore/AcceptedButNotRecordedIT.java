package io.cdcsink.objstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import io.cdcsink.core.Replicator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The pipeline durably takes a file, then the source sees a failure before it records its progress (what a process
 * sees that loses its target connection right then): the source reports the problem, reads the file again at the
 * next poll and the target ends up as if it had been read once.
 */
class AcceptedButNotRecordedIT extends LocalDirectoryScenario {
    @Test
    void aFileTakenTwiceAndAResolvedTimestampSentTwiceAreHarmless() throws Exception {
        createTables();
        AtomicInteger accepts = new AtomicInteger();
        AtomicInteger resolveds = new AtomicInteger();
        AtomicReference<String> seenProblem = new AtomicReference<>();
        SourceProvider failingAfterAccept = new SourceProvider() {
            @Override
            public String name() {
                return "objstore-failing";
            }

            @Override
            public Source create(SourceContext context) {
                return new ObjstoreSourceProvider().create(new FailingContext(context, accepts, resolveds));
            }
        };
        feed.rows("a", "a", Feed.at(1), false, "[1]", Feed.a(1, "a1@1"), "[2]", Feed.a(2, "a2@1"));
        feed.rows("a", "a", Feed.at(2), true, "[1]", Feed.a(1, "a1@2"), "[2]", null);
        feed.resolved(Feed.at(2));
        try (Replicator r = start(failingAfterAccept)) {
            Source source = r.sources().get(0);
            await("the problem reported", () -> {
                source.problem().ifPresent(seenProblem::set);
                return seenProblem.get() != null;
            });
            awaitTarget(Feed.at(2));
            await("the problem cleared", () -> source.problem().isEmpty());
            assertThat(lastFile()).contains(Feed.stem(Feed.at(2)) + ".RESOLVED");
        }
        assertThat(seenProblem.get()).contains("lost the target after accepting");
        // Each row file and the resolved file once more than they appear: the failed round is read again.
        assertThat(accepts.get()).isEqualTo(3);
        assertThat(resolveds.get()).isEqualTo(2);
        assertThat(target().get("a")).hasSize(1);
    }

    /** Fails the first accept and the first resolved call after the pipeline has taken them. */
    private record FailingContext(SourceContext delegate, AtomicInteger accepts, AtomicInteger resolveds)
            implements SourceContext {
        @Override
        public Pipeline pipeline() {
            Pipeline p = delegate.pipeline();
            return new Pipeline() {
                @Override
                public void accept(Map<TableName, List<Mutation>> batch) {
                    p.accept(batch);
                    if (accepts.incrementAndGet() == 1) {
                        throw new TargetUnavailableException("lost the target after accepting", null);
                    }
                }

                @Override
                public void resolved(SchemaName schema, Hlc resolved) {
                    p.resolved(schema, resolved);
                    if (resolveds.incrementAndGet() == 1) {
                        throw new TargetUnavailableException("lost the target after accepting " + resolved, null);
                    }
                }

                @Override
                public void requireTarget(SchemaName schema) {
                    p.requireTarget(schema);
                }

                @Override
                public boolean immediate() {
                    return p.immediate();
                }
            };
        }

        @Override
        public DataSource targetDatabase(String database) {
            return delegate.targetDatabase(database);
        }

        @Override
        public Map<String, String> options() {
            return delegate.options();
        }

        @Override
        public Source logical(LogicalDialect dialect) {
            return delegate.logical(dialect);
        }

        @Override
        public <T> T service(Class<T> type) {
            return delegate.service(type);
        }
    }
}
