package com.certyneo.engine.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** What the subcommands of a {@link CommandGroup} share: the group, the console, the home option. */
abstract class GroupSubcommand {

    @ParentCommand
    CommandGroup group;

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    /** @return the home given on this subcommand, else on its group or {@code certyneo}, else the default */
    Path homeDir() {
        return group.homeFor(home);
    }
}
