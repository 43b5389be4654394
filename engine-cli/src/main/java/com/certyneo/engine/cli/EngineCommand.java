package com.certyneo.engine.cli;

import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** What the commands directly under {@code certyneo} share: the home option, the console, the sandbox engine. */
abstract class EngineCommand {

    @ParentCommand
    Main parent;

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    /** @return the home given on this command, else on {@code certyneo}, else the environment default */
    Path homeDir() {
        return home.resolve(parent.home);
    }

    /** @return a sandbox engine on {@link #homeDir()} */
    PadesSignatureEngine sandboxEngine() {
        return PadesSignatureEngine.sandbox(homeDir());
    }

    /** @return a sandbox engine on {@link #homeDir()} with these resource limits */
    PadesSignatureEngine sandboxEngine(com.certyneo.engine.ResourceLimits limits) {
        return PadesSignatureEngine.builder().sandbox(homeDir()).limits(limits).build();
    }

    /** @return standard output */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** @return standard error */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** @return whether a person watches standard error, so that {@link Progress} is shown */
    boolean terminal() {
        return parent != null && parent.terminal;
    }

    /** The footer of the commands that write a PDF: how the output file is written. */
    static final String OUTPUT_FOOTER = "%nOutput: written to a temporary file next to OUT.pdf, then moved over it, so "
            + "nothing is left behind on failure. A new file gets the permissions your umask gives new files; a file "
            + "that is replaced keeps its permissions. If OUT.pdf is a symbolic link, the file it points to is replaced "
            + "and the link is kept. OUT.pdf may be IN.pdf only with --in-place.";
}
