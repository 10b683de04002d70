package io.cdcsink.demo;

import io.cdcsink.cli.DemoExtension;

/**
 * The demo jar's part of the command line, found by the CLI with {@link java.util.ServiceLoader}: {@code demo} and
 * the throwaway target of {@code start --conn embedded}.
 */
public final class DemoFeatures implements DemoExtension {
    @Override
    public Object demoCommand() {
        return new DemoCommand();
    }

    @Override
    public EmbeddedServer startEmbeddedTarget() {
        return new EmbeddedTarget();
    }
}
