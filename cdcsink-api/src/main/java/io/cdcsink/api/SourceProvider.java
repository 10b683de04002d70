package io.cdcsink.api;

/**
 * Factory for a kind of source, discovered with {@link java.util.ServiceLoader}: a jar registers its implementation
 * in {@code META-INF/services/io.cdcsink.api.SourceProvider}.
 */
public interface SourceProvider {
    /** The source's name, e.g. {@code webhook}; used to select it. */
    String name();

    Source create(SourceContext context);
}
