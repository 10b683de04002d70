package io.cdcsink.objstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.core.Replicator;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One listing takes in a resolved file but misses a row file that sorts before it, as a directory read can while the
 * row file is moved into place, or an S3 listing whose earlier page was returned before a late file landed on it (the
 * changefeed wrote the row file first). The source must still read the row file before it acts on the resolved one:
 * a source that raised its floor past the row file lost it for good (GracefulStopIT's objstore run once ended one
 * bank_log row short this way).
 */
class StraddledListingIT extends LocalDirectoryScenario {
    @Test
    void aRowFileTheListingOfItsResolvedFileMissedIsStillRead() throws Exception {
        createTables();
        feed.rows("a", "a", Feed.at(1), false, "[1]", Feed.a(1, "a1@1"));
        feed.resolved(Feed.at(1));
        String late = Feed.stem(Feed.at(2)) + "-";
        String resolved = Feed.stem(Feed.at(2)) + ".RESOLVED";
        AtomicBoolean straddled = new AtomicBoolean();
        SourceProvider straddling = new SourceProvider() {
            @Override
            public String name() {
                return "objstore-straddled";
            }

            @Override
            public Source create(SourceContext context) {
                ObjstoreConfig config = ObjstoreConfig.fromOptions(Options.of(context.options()));
                Progress progress = new Progress(context.targetDatabase(config.targetSchema().database()),
                        config.source().toString());
                ObjectStore local = ObjstoreSourceProvider.store(config);
                // The row files at 2 stay out of every listing up to and including the first that shows the resolved
                // file at 2: that listing is the one that straddled their move into place.
                ObjectStore store = new ObjectStore() {
                    @Override
                    public List<String> list(Optional<String> after) throws IOException {
                        List<String> names = local.list(after);
                        if (straddled.get()) {
                            return names;
                        }
                        if (names.contains(resolved)) {
                            straddled.set(true);
                        }
                        return names.stream().filter(n -> !n.startsWith(late)).toList();
                    }

                    @Override
                    public InputStream open(String name) throws IOException {
                        return local.open(name);
                    }
                };
                return new ObjstoreSource(config, context.pipeline(), store, progress);
            }
        };
        try (Replicator r = start(straddling)) {
            awaitTarget(Feed.at(1));
            feed.rows("a", "a", Feed.at(2), false, "[1]", Feed.a(1, "a1@2"), "[2]", Feed.a(2, "a2@2"));
            feed.resolved(Feed.at(2));
            awaitTarget(Feed.at(2));
            assertThat(straddled).as("a listing missed the row file").isTrue();
            healthy(r);
        }
    }
}
