package io.cdcsink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CommandFailureTest {
    @Test
    void aFailureIsOneLineOnStderrWithTheExitCodeOne() {
        StringWriter err = new StringWriter();
        int exit = CommandFailure.report(new IllegalStateException("the target said no; do this"),
                new PrintWriter(err), false, false);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("cdc-sink: the target said no; do this" + System.lineSeparator());
    }

    @Test
    void verboseAddsTheStackTraceBelowTheLine() {
        StringWriter err = new StringWriter();
        CommandFailure.report(new IllegalStateException("broken"), new PrintWriter(err), true, false);
        assertThat(err.toString().lines().toList()).first().isEqualTo("cdc-sink: broken");
        assertThat(err.toString()).contains("java.lang.IllegalStateException: broken")
                .contains("at io.cdcsink.cli.CommandFailureTest");
    }

    @Test
    void aMessageOfSeveralLinesStaysOneLine() {
        assertThat(CommandFailure.oneLine(new RuntimeException("ERROR: no\n  Detail: why\n  Hint: fix it\n")))
                .isEqualTo("ERROR: no Detail: why Hint: fix it");
        assertThat(CommandFailure.oneLine(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    }

    @Test
    void aGuiceErrorShowsItsCauseInsteadOfEveryInjectionPoint() {
        CreationException wiring = null;
        try {
            Guice.createInjector(new AbstractModule() {
                @Override
                protected void configure() {
                    bind(String.class).toProvider(() -> {
                        throw new IllegalArgumentException("--bindAddr: bad port");
                    }).asEagerSingleton();
                }
            });
        } catch (CreationException e) {
            wiring = e;
        }
        assertThat(wiring).isNotNull();
        assertThat(CommandFailure.oneLine(wiring)).isEqualTo("--bindAddr: bad port");
    }
}
