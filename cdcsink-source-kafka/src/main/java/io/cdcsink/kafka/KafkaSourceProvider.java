package io.cdcsink.kafka;

import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;

/**
 * The {@code kafka} source: CockroachDB changefeeds written to Kafka ({@code kafka://} sink, {@code format=json},
 * {@code envelope=wrapped}, {@code updated} and {@code resolved} options), consumed as a consumer group. Options:
 * {@link KafkaConfig#OPTIONS}, as the flags of {@code cdc-sink kafka}.
 */
public final class KafkaSourceProvider implements SourceProvider {
    public static final String NAME = "kafka";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        KafkaConfig config = KafkaConfig.fromOptions(Options.of(context.options()));
        ResolvedStore store = new ResolvedStore(context.targetDatabase(config.target().database()),
                config.stagingSchema(), config.group());
        return new KafkaSource(config, context.pipeline(), store);
    }
}
