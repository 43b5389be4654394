package com.certyneo.engine.cli;

import picocli.CommandLine;

import java.nio.file.Path;

/** A command that only groups subcommands ({@code pki}, {@code tsa}, {@code audit}). */
abstract class CommandGroup extends EngineCommand implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: " + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * @param own the subcommand's own {@code --home}
     * @return the home given on the subcommand, else on this group or {@code certyneo}, else the default
     */
    Path homeFor(HomeOption own) {
        return own.home != null ? own.home : homeDir();
    }
}
