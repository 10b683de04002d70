package io.cdcsink.core.logical;

import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;

/** A log-based source as a third party writes one: its dialect run by {@link SourceContext#logical}. */
public record DialectProvider(String name, LogicalDialect dialect) implements SourceProvider {
    @Override
    public Source create(SourceContext context) {
        return context.logical(dialect);
    }
}
