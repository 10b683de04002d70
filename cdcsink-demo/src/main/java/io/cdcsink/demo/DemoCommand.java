package io.cdcsink.demo;

import io.cdcsink.cli.GoDuration;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cdc-sink demo}: both replication paths end to end on this machine, verified. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "replicate a generated workload between two embedded PostgreSQL servers through the"
                + " changefeed webhook and through pglogical, then verify target = source")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "20s", converter = GoDuration.class,
            description = "how long the workload runs (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--rate", defaultValue = "100",
            description = "source transactions per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seed", defaultValue = "1",
            description = "seed of the workload and the changefeed emulator (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--keys", defaultValue = "1000",
            description = "distinct primary keys the workload writes (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--nodes", defaultValue = "3",
            description = "emulated CockroachDB nodes posting to the webhook (default ${DEFAULT-VALUE})")
    int nodes;

    @Override
    public Integer call() throws Exception {
        ch.qos.logback.classic.Logger ours =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.cdcsink");
        if (!ours.isDebugEnabled()) {
            // Without -v the demo prints its own progress; the replicators' start-up lines would only bury it.
            ours.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        return new Demo(new DemoConfig(duration, rate, seed, keys, nodes), System.out).run();
    }
}
