package com.certyneo.engine.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --home} option shared by every command. */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR",
            description = "Certyneo home (sandbox PKI lives in DIR/sandbox). Default: $CERTYNEO_HOME or ~/.certyneo")
    Path home;

    /** @return the explicit home, else $CERTYNEO_HOME, else ~/.certyneo */
    Path resolve(HomeOption parent) {
        if (home != null) {
            return home;
        }
        if (parent != null && parent.home != null) {
            return parent.home;
        }
        String env = System.getenv("CERTYNEO_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".certyneo");
    }
}
