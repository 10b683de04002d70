package io.cdcsink.it.customsource;

import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * An example of a log-based source written against {@code cdcsink-api} alone: {@code journal} follows an append-only
 * change journal file ({@link JournalDialect} describes its format) and hands it to the replicator's logical loop,
 * which applies each journal transaction in one target transaction (or fans rows out with {@code immediate}),
 * stores the journal offset with the data, and restarts from there after a failure. Registered in
 * {@code META-INF/services/io.cdcsink.api.SourceProvider}.
 *
 * <p>Options: {@code file} (the journal, required), {@code schema} (the target schema of its tables, default
 * {@code public}) and the loop's ({@link SourceContext#LOGICAL_OPTIONS}: {@code targetDB} is required).
 */
public final class JournalSourceProvider implements SourceProvider {
    private static final Set<String> OWN = Set.of("file", "schema");

    @Override
    public String name() {
        return "journal";
    }

    @Override
    public Source create(SourceContext context) {
        Options options = Options.of(context.options());
        Set<String> known = new HashSet<>(OWN);
        known.addAll(SourceContext.LOGICAL_OPTIONS);
        options.requireOnly(known);
        Path file = Path.of(options.required("file"));
        return context.logical(new JournalDialect(file, options.required("targetDB"),
                options.string("schema", "public")));
    }
}
