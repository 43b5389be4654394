package com.certyneo.engine.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --home} option shared by every command. */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR",
            description = "Certyneo home (sandbox PKI lives in DIR/sandbox). Default: $CERTYNEO_HOME or ~/.certyneo")
    Path home;

    /** @return the explicit home, else $CERTYNEO_HOME, else ~/.certyneo (~ as the shell has it: $HOME, else the JVM's user.home) */
    Path resolve(HomeOption parent) {
        if (home != null) {
            return home;
        }
        if (parent != null && parent.home != null) {
            return parent.home;
        }
        return defaultHome(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * @param env the environment
     * @param userHome the JVM's {@code user.home}
     * @return $CERTYNEO_HOME, else $HOME/.certyneo (an absolute $HOME, as the shell's ~), else user.home/.certyneo
     */
    static Path defaultHome(java.util.Map<String, String> env, String userHome) {
        String configured = env.get("CERTYNEO_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String shellHome = env.get("HOME");
        if (shellHome != null && !shellHome.isBlank() && Path.of(shellHome).isAbsolute()) {
            return Path.of(shellHome, ".certyneo");
        }
        return Path.of(userHome, ".certyneo");
    }
}
