package io.cdcsink.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc-sink reload --pidFile f}: sends {@code SIGHUP} to the cdc-sink process whose id the file holds, which
 * then reloads {@code apply_config} and the JWT keys at once (as it does every minute anyway).
 */
@Command(name = "reload", description = "make a running cdc-sink (started with --pidFile) reload apply_config and"
        + " its JWT keys now")
final class ReloadCommand implements Callable<Integer> {
    @Option(names = "--pidFile", required = true,
            description = "the file the running cdc-sink was started with (--pidFile)")
    Path pidFile;

    @Override
    public Integer call() throws Exception {
        ProcessHandle target = PidFile.read(pidFile);
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(target.pid())).redirectErrorStream(true)
                .start();
        String out = new String(kill.getInputStream().readAllBytes()).strip();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("could not signal process " + target.pid() + ": " + out);
        }
        System.out.println("sent SIGHUP to cdc-sink (process " + target.pid() + "): it reloads apply_config and its"
                + " JWT keys now");
        return 0;
    }
}
