package com.certyneo.engine.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the CLI keeps its home when {@code --home} is not given: as a shell user expects. */
class HomeOptionTest {

    @Test
    void certyneoHomeThenTheShellsHomeThenTheJvms() {
        assertEquals(Path.of("/srv/certyneo"), HomeOption.defaultHome(
                Map.of("CERTYNEO_HOME", "/srv/certyneo", "HOME", "/home/jane"), "/root"));
        assertEquals(Path.of("/home/jane/.certyneo"), HomeOption.defaultHome(Map.of("HOME", "/home/jane"), "/root"),
                "$HOME wins over the JVM's user.home (which comes from the password database)");
        assertEquals(Path.of("/root/.certyneo"), HomeOption.defaultHome(Map.of("HOME", "relative"), "/root"));
        assertEquals(Path.of("/root/.certyneo"), HomeOption.defaultHome(Map.of(), "/root"));
    }
}
