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
}
