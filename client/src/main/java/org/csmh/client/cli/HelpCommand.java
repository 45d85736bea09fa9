package org.csmh.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code csmhctl help [COMMAND]}: the same usage text as {@code --help}, for those who type it git's way. */
@Command(name = "help", description = "Show the usage of csmhctl, or of one command.")
final class HelpCommand implements Callable<Integer> {
    @ParentCommand
    Csmhctl root;
    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "the command to describe")
    String command;

    @Override
    public Integer call() {
        CommandLine all = Csmhctl.commandLine(new Csmhctl(), new String[0]);
        CommandLine target = command == null ? all : all.getSubcommands().get(command);
        if (target == null) {
            throw new UsageException("help: no command '" + command + "' (csmhctl help lists them)");
        }
        target.usage(root.out);
        return ExitCodes.OK;
    }
}
