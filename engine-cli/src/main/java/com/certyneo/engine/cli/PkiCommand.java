package com.certyneo.engine.cli;

import com.certyneo.engine.pades.SandboxPki;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code certyneo pki}: sandbox PKI utilities. */
@Command(name = "pki", mixinStandardHelpOptions = true, description = "Sandbox PKI utilities.",
        subcommands = {PkiCommand.Export.class, CommandLine.HelpCommand.class})
final class PkiCommand extends CommandGroup {

    /** {@code certyneo pki export DIR}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the sandbox root certificate (PEM) to DIR/sandbox-root.pem, for external validators.")
    static final class Export extends GroupSubcommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DIR", description = "Target directory (created if needed)")
        Path dir;

        @Override
        public Integer call() {
            SandboxPki sandboxPki = SandboxPki.loadOrCreate(homeDir());
            Path target = dir.resolve("sandbox-root.pem");
            sandboxPki.exportRoot(target);
            spec.commandLine().getOut().printf("Wrote %s (%s)%n", target,
                    sandboxPki.rootCertificate().getSubjectX500Principal().getName());
            return 0;
        }
    }
}
