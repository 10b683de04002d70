package io.cdcsink.core;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A third-party style source written only against cdcsink-api: on start it writes {@code rows} rows into table
 * {@code t} of {@code database} and resolves them. Registered in META-INF/services.
 */
public final class CountingSourceProvider implements SourceProvider {
    static final String NAME = "counting";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        String database = context.options().get("database");
        int rows = Integer.parseInt(context.options().getOrDefault("rows", "10"));
        return new Source() {
            @Override
            public void start() {
                List<Mutation> muts = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    muts.add(Mutation.upsert(new Hlc(10, 0), "[" + i + "]", "{\"id\":" + i + ",\"v\":\"n" + i + "\"}"));
                }
                context.pipeline().accept(Map.of(new TableName(database, "public", "t"), muts));
                context.pipeline().resolved(new SchemaName(database, "public"), new Hlc(11, 0));
            }

            @Override
            public void close() {
                // Nothing runs in the background.
            }
        };
    }
}
