package io.cdcsink.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code cdc-sink demo} in a jar without the demo (the production jar): hidden from the help, since a release
 * cannot run it, but answering with where the demo is instead of picocli's "unmatched argument" for a user who
 * follows the README.
 */
@Command(name = "demo", hidden = true,
        description = "not in this jar: from a source checkout, ./cdc-sink demo builds and runs the demo jar")
final class DemoNotIncluded implements Callable<Integer> {
    /** Exit code of a command this jar does not include: a usage error, like an unknown flag. */
    static final int EXIT = 2;

    @Unmatched
    List<String> ignored;

    /** Adds {@code demo} to the command line: the demo jar's command, or this answer. */
    static void addTo(CommandLine cli) {
        cli.addSubcommand("demo", DemoExtension.find().map(DemoExtension::demoCommand)
                .orElseGet(DemoNotIncluded::new));
    }

    /** The one line saying that {@code what} needs the demo jar and how to run it from a source checkout. */
    static String message(String what, String example) {
        return "cdc-sink: " + what + " is not in this jar, which bundles no PostgreSQL server: from a source"
                + " checkout, `./cdc-sink " + example + "` builds and runs the demo jar"
                + " (cdcsink-demo/target/cdc-sink-demo.jar)";
    }

    @Override
    public Integer call() {
        System.err.println(message("demo", "demo"));
        return EXIT;
    }
}
