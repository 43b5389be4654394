package com.certyneo.engine.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the start-up work must not change: the command model built per command, and the launcher's training run. */
class StartupTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandIsRegisteredUnderItsAnnotatedName() {
        assertEquals(10, Main.COMMANDS.size()); // with fields
        for (Map.Entry<String, Class<?>> command : Main.COMMANDS.entrySet()) {
            assertEquals(command.getKey(), command.getValue().getAnnotation(Command.class).name());
        }
    }

    @Test
    void aNamedCommandGetsOnlyItsOwnModelAndEverythingElseGetsAll() {
        assertEquals(java.util.Set.of("sign"),
                Main.commandLine(new String[] {"--home", "x", "sign", "in.pdf"}).getSubcommands().keySet());
        assertEquals(java.util.Set.of("validate"),
                Main.commandLine(new String[] {"--debug", "validate", "f.pdf"}).getSubcommands().keySet());
        assertEquals(0, Main.commandLine(new String[] {"--version"}).getSubcommands().size());
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "sign"}, {"sgin"}, {"--home=x", "-h"}}) {
            assertEquals(Main.COMMANDS.keySet(), Main.commandLine(args).getSubcommands().keySet(), String.join(" ", args));
        }
    }

    @Test
    void helpVersionAndUsageErrorsAreUnchanged() {
        Result help = run("--help");
        assertEquals(0, help.code());
        Main.COMMANDS.keySet().forEach(name -> assertTrue(help.out().contains("  " + name + " "), name + "\n" + help.out()));
        Result version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("certyneo "), version.out());
        Result helpSign = run("help", "sign");
        assertEquals(0, helpSign.code());
        assertTrue(helpSign.out().contains("Usage: certyneo sign"), helpSign.out());
        Result typo = run("sgin");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("'sgin'") && typo.err().contains("validate"), typo.err());
        Result missing = run("--home", "x", "sign");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required"), missing.err());
        assertEquals(CommandLine.ExitCode.USAGE, run().code());
    }

    @Test
    void theTrainingRunPassesAndLeavesNothingBehind() throws Exception {
        String userHome = System.getProperty("user.home");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = trainingDirectories(tmp);
        assertEquals(0, CdsTraining.train(), "every training command exits with 0");
        assertEquals(userHome, System.getProperty("user.home"));
        assertEquals(before, trainingDirectories(tmp), "its temporary directory is deleted");
        assertFalse(Files.exists(Path.of(userHome, ".certyneo-cds-training")));
    }

    private static long trainingDirectories(Path tmp) throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("certyneo-cds-training")).count();
        }
    }
}
