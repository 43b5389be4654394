package com.certyneo.engine.cli;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code certyneo demo}: a two-signer AES envelope on the sandbox, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sign a bundled sample contract for two signers at AES on the sandbox, validate it, "
                + "and print where everything is.")
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    Main parent;

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "certyneo-demo",
            description = "Output directory (default: ./${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        Path homeDir = home.resolve(parent.home);
        Path contract = out.resolve("contract.pdf");
        SampleContract.write(contract);
        console.printf("Sample contract:  %s%n", contract);

        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(homeDir)) {
            console.printf("Sandbox PKI:      %s%n", engine.sandboxPki().orElseThrow().directory());
            Signer alice = Signer.parse("Alice Martin <alice.martin@example.com>").withPhone("+33612345678")
                    .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
            Path first = out.resolve("contract-signed-alice.pdf");
            SigningResult r1 = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(contract)).output(DocumentTarget.of(first))
                    .signer(alice).level(SignatureLevel.AES).reason("I approve this contract").location("Strasbourg")
                    .build());
            console.println();
            SignCommand.print(console, contract, r1);

            Signer bob = Signer.parse("Bob Nguyen <bob.nguyen@example.com>")
                    .authenticatedBy(AuthenticationMethod.EMAIL_OTP, Instant.now());
            Path signed = out.resolve("contract-signed.pdf");
            SigningResult r2 = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(first)).output(DocumentTarget.of(signed))
                    .signer(bob).level(SignatureLevel.AES).reason("I approve this contract").location("Lyon")
                    .build());
            console.println();
            SignCommand.print(console, first, r2);

            Path root = out.resolve("sandbox-root.pem");
            engine.sandboxPki().orElseThrow().exportRoot(root);

            console.println();
            console.println("Validation (DSS, offline, sandbox root trusted):");
            ValidationReport report = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
            ValidateCommand.print(console, report);
            console.println();
            console.printf("Outputs in %s:%n", out.toAbsolutePath());
            console.printf("  %-28s the unsigned sample%n", contract.getFileName());
            console.printf("  %-28s signed by Alice (AES, PAdES %s)%n", first.getFileName(), r1.profile());
            console.printf("  %-28s signed by Alice and Bob%n", signed.getFileName());
            console.printf("  %-28s sandbox root, for external validators (pdfsig, Acrobat)%n", root.getFileName());
            console.printf("Check it yourself: ./certyneo validate %s --sandbox --home %s%n", signed, homeDir);
            return report.allPassed() ? 0 : Main.VALIDATION_FAILED;
        }
    }
}
