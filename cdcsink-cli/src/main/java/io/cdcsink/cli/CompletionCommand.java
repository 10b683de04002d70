package io.cdcsink.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cdc-sink completion}: prints a completion script for every subcommand and flag. The script is bash's; it
 * runs in zsh too, through {@code bashcompinit}, which the zsh variant turns on first.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "print a shell completion script: source <(cdc-sink completion bash) in bash,"
                + " source <(cdc-sink completion zsh) in zsh")
final class CompletionCommand implements Runnable, PrintsOnly {
    /** The shells the script supports. */
    enum Shell { bash, zsh }

    @Parameters(index = "0", arity = "0..1", defaultValue = "bash",
            description = "the shell: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        String script = AutoComplete.bash("cdc-sink", spec.root().commandLine());
        if (shell == Shell.zsh) {
            // The generated script enables bashcompinit only when compdef is missing; doing it first is harmless.
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
    }
}
