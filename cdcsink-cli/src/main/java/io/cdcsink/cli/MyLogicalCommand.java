package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import io.cdcsink.mysql.MyLogicalConfig;
import io.cdcsink.mysql.MyLogicalSourceProvider;
import io.cdcsink.mysql.MySqlConn;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cdc-sink mylogical}: replicate a MySQL or MariaDB server's GTID binlog. */
@Command(name = "mylogical", mixinStandardHelpOptions = true, sortOptions = false,
        description = "start a mySQL replication feed")
final class MyLogicalCommand implements Callable<Integer>, Replicating {
    @Spec
    CommandSpec spec;

    @Mixin
    LogicalOptions options;

    @Option(names = "--defaultGTIDSet", description = "default GTIDSet. Used if no state is persisted")
    String defaultGtidSet;

    @Option(names = "--loopName", defaultValue = "mylogical",
            description = "identify the replication loop in metrics (default \"${DEFAULT-VALUE}\")")
    String loopName;

    @Option(names = "--sourceConn", converter = FileValue.class,
            description = "the source database's connection string (or @file: read from that file)")
    String sourceConn;

    @Option(names = "--targetSchema", defaultValue = MyLogicalConfig.DEFAULT_SCHEMA,
            description = "the schema in --targetDB that receives the source tables (default \"${DEFAULT-VALUE}\")")
    String targetSchema;

    @Option(names = "--sourceDatabase", split = ",",
            description = "replicate only tables of these source databases (repeatable or comma-separated;"
                    + " default: every database in the binlog)")
    List<String> sourceDatabases;

    @Option(names = "--replicationProcessID", defaultValue = "10",
            description = "the replica server id cdc-sink uses on the source (default ${DEFAULT-VALUE})")
    long replicationProcessId;

    @Override
    public Integer call() throws Exception {
        return LogicalRunner.run(spec, options, replicator());
    }

    @Override
    public Replicator.Builder replicator() {
        return LogicalRunner.builder(options, loopName, MyLogicalSourceProvider.NAME, () -> config().toOptions());
    }

    /** The source settings of these flags. */
    MyLogicalConfig config() {
        if (sourceConn == null || sourceConn.isBlank()) {
            throw new IllegalArgumentException("no SourceConn was configured: set --sourceConn");
        }
        return new MyLogicalConfig(MySqlConn.parse(sourceConn),
                Optional.ofNullable(defaultGtidSet).filter(s -> !s.isBlank()), options.targetDB, targetSchema,
                sourceDatabases == null ? Set.of() : new LinkedHashSet<>(sourceDatabases),
                replicationProcessId);
    }
}
