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
import com.certyneo.engine.audit.AuditTrail;
import com.certyneo.engine.audit.AuditVerification;
import com.certyneo.engine.audit.DocumentEvidence;
import com.certyneo.engine.audit.Envelope;
import com.certyneo.engine.audit.EnvelopeMode;
import com.certyneo.engine.audit.EventType;
import com.certyneo.engine.audit.Evidence;
import com.certyneo.engine.audit.Party;
import com.certyneo.engine.audit.SealedAuditTrail;
import com.certyneo.engine.audit.SignerEvidence;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code certyneo demo}: a two-signer AES envelope on the sandbox, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sign a bundled sample contract for two signers at AES on the sandbox (each in a visible signature "
                + "box on the last page), validate it, write its sealed audit trail, verify that, and print where everything is.")
final class DemoCommand extends EngineCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "certyneo-demo",
            description = "Output directory (default: ./${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = out();
        PrintWriter err = err();
        boolean terminal = terminal();
        Path homeDir = homeDir();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.IO_ERROR,
                    out + " is not a directory", "Give --out a directory (it is created if needed).");
        }
        Progress.step(err, terminal, "[1/6] Writing the sample contract");
        Path contract = out.resolve("contract.pdf");
        SampleContract.write(contract);
        console.printf("Sample contract:  %s%n", contract);

        Instant created = Instant.now();
        Progress.step(err, terminal, "[2/6] Signing for Alice (AES, SMS OTP; the first run creates the sandbox PKI)");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(homeDir)) {
            console.printf("Sandbox PKI:      %s%n", engine.sandboxPki().orElseThrow().directory());
            Instant aliceViewed = Instant.now();
            Instant aliceOtp = Instant.now();
            Signer alice = Signer.parse("Alice Martin <alice.martin@example.com>").withPhone("+33612345678")
                    .authenticatedBy(AuthenticationMethod.SMS_OTP, aliceOtp);
            Path first = out.resolve("contract-signed-alice.pdf");
            SigningResult r1 = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(contract)).output(DocumentTarget.of(first))
                    .signer(alice).level(SignatureLevel.AES).reason("I approve this contract").location("Strasbourg")
                    .appearance(SampleContract.PROVIDER_BOX)
                    .build());
            console.println();
            SignCommand.print(console, contract, r1);

            Progress.step(err, terminal, "[3/6] Signing for Bob (AES, e-mail OTP)");
            Instant aliceSigned = Instant.now();
            Instant bobViewed = Instant.now();
            Instant bobOtp = Instant.now();
            Signer bob = Signer.parse("Bob Nguyen <bob.nguyen@example.com>")
                    .authenticatedBy(AuthenticationMethod.EMAIL_OTP, bobOtp);
            Path signed = out.resolve("contract-signed.pdf");
            SigningResult r2 = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(first)).output(DocumentTarget.of(signed))
                    .signer(bob).level(SignatureLevel.AES).reason("I approve this contract").location("Lyon")
                    .appearance(SampleContract.CLIENT_BOX)
                    .build());
            console.println();
            SignCommand.print(console, first, r2);

            Path root = out.resolve("sandbox-root.pem");
            engine.sandboxPki().orElseThrow().exportRoot(root);

            Instant bobSigned = Instant.now();
            console.println();
            Progress.step(err, terminal, "[4/6] Validating the signed contract");
            console.println("Validation (DSS, offline, sandbox root trusted):");
            ValidationReport report = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
            ValidateCommand.print(console, report);

            // The audit trail of the envelope, built from the real signing results.
            Evidence evidence = evidence(contract, created, alice, aliceViewed, aliceOtp, aliceSigned, r1,
                    bob, bobViewed, bobOtp, bobSigned, r2);
            Progress.step(err, terminal, "[5/6] Sealing the audit trail");
            Path evidenceJson = out.resolve("evidence.json");
            byte[] json = evidence.toJson();
            DocumentTarget.of(evidenceJson).write(o -> o.write(json));
            Path trail = out.resolve("audit-trail.pdf");
            AuditTrail trails = AuditTrail.builder().engine(engine).build();
            SealedAuditTrail sealed = trails.seal(evidence, DocumentTarget.of(trail));
            console.println();
            AuditCommand.print(console, trail, sealed);
            console.println();
            Progress.step(err, terminal, "[6/6] Verifying the audit trail");
            console.println("Audit-trail verification (seal, evidence, hash chain, signed document digest):");
            AuditVerification verification = trails.verify(DocumentSource.of(trail), ValidationOptions.sandbox(),
                    Optional.of(DocumentSource.of(signed)));
            AuditCommand.print(console, verification);
            console.println();
            console.printf("Outputs in %s:%n", out.toAbsolutePath());
            console.printf("  %-28s the unsigned sample%n", contract.getFileName());
            console.printf("  %-28s signed by Alice (AES, PAdES %s)%n", first.getFileName(), r1.profile());
            console.printf("  %-28s signed by Alice and Bob (visible boxes on page %d)%n", signed.getFileName(),
                    SampleContract.PAGES_COUNT);
            console.printf("  %-28s sandbox root, for external validators (pdfsig, Acrobat)%n", root.getFileName());
            console.printf("  %-28s the envelope's evidence (hash-chained events)%n", evidenceJson.getFileName());
            console.printf("  %-28s sealed, tagged PDF/A-3a audit trail with evidence.json attached%n", trail.getFileName());
            console.printf("Check it yourself: ./certyneo validate %s --sandbox --home %s%n", signed, homeDir);
            console.printf("                   ./certyneo audit verify %s --document %s --home %s%n", trail, signed, homeDir);
            return report.allPassed() && verification.passed() ? 0 : Main.VALIDATION_FAILED;
        }
    }

    /**
     * The demo envelope's evidence. The signer sessions are simulated by this process, so client
     * events carry the loopback address and the CLI as user agent; hashes and certificates are real.
     */
    private static Evidence evidence(Path contract, Instant created, Signer alice, Instant aliceViewed, Instant aliceOtp,
                                     Instant aliceSigned, SigningResult r1, Signer bob, Instant bobViewed, Instant bobOtp,
                                     Instant bobSigned, SigningResult r2) {
        byte[] original;
        try {
            original = Files.readAllBytes(contract);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ip = "127.0.0.1";
        String ua = "certyneo-cli/demo (simulated signer session)";
        Instant completed = Instant.now();
        SignerEvidence aliceEvidence = SignerEvidence.of("alice", alice, SignatureLevel.AES).withCertificate(r1.signingCertificate());
        SignerEvidence bobEvidence = SignerEvidence.of("bob", bob, SignatureLevel.AES).withCertificate(r2.signingCertificate());
        return Evidence.builder()
                .envelope(Envelope.of(UUID.randomUUID().toString(), "Sample service agreement (demo)", EnvelopeMode.SANDBOX,
                        Party.of("Certyneo Demo", "demo@certyneo.example"), created).completedAt(completed))
                .document(DocumentEvidence.describe(contract.getFileName().toString(), original)
                            .withPreparedSha256(r1.preparedSha256()).withSignedSha256(r2.outputSha256()))
                .signer(aliceEvidence)
                .signer(bobEvidence)
                .event(EventType.CREATED, "demo@certyneo.example", created, ip, ua, Map.of("documents", "1"))
                .event(EventType.SENT, "system", created, null, null, Map.of("recipients", "alice, bob", "channel", "email"))
                .event(EventType.VIEWED, "alice", aliceViewed, ip, ua, Map.of())
                .event(EventType.OTP_SENT, "system", aliceViewed, null, null,
                        Map.of("channel", "sms", "to", aliceEvidence.maskedPhone().orElse("-")))
                .event(EventType.OTP_VERIFIED, "alice", aliceOtp, ip, ua, Map.of("otp_attempts", "1"))
                .event(EventType.SIGNED, "alice", aliceSigned, ip, ua, Map.of(
                        "level", "AES", "profile", r1.profile().label(),
                        "certificate_serial", r1.signingCertificate().getSerialNumber().toString(16),
                        "input_sha256", r1.inputSha256(), "output_sha256", r1.outputSha256()))
                .event(EventType.VIEWED, "bob", bobViewed, ip, ua, Map.of())
                .event(EventType.OTP_SENT, "system", bobViewed, null, null, Map.of("channel", "email", "to", bob.email()))
                .event(EventType.OTP_VERIFIED, "bob", bobOtp, ip, ua, Map.of("otp_attempts", "1"))
                .event(EventType.SIGNED, "bob", bobSigned, ip, ua, Map.of(
                        "level", "AES", "profile", r2.profile().label(),
                        "certificate_serial", r2.signingCertificate().getSerialNumber().toString(16),
                        "input_sha256", r2.inputSha256(), "output_sha256", r2.outputSha256()))
                .event(EventType.COMPLETED, "system", completed, null, null, Map.of("signed_sha256", r2.outputSha256()))
                .build();
    }
}
