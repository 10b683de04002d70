package io.cdcsink.apply;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import io.cdcsink.engine.Applier;
import io.cdcsink.engine.SchemaCatalog;

/** Binds the apply layer: schema discovery and the JSON applier. */
public final class ApplyModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SchemaCatalog.class).to(TargetSchemaCatalog.class).in(Singleton.class);
        bind(Applier.class).to(JsonApplier.class).in(Singleton.class);
    }
}
