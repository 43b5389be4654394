package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.audit.AuditTrail;
import com.certyneo.engine.audit.AuditVerification;
import com.certyneo.engine.audit.CheckResult;
import com.certyneo.engine.audit.EventProblem;
import com.certyneo.engine.audit.Evidence;
import com.certyneo.engine.audit.SealedAuditTrail;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code certyneo audit}: render, seal and verify audit trails. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit trails: render evidence.json as a sealed PDF/A-3a audit trail, or verify one offline.",
        subcommands = {AuditCommand.Render.class, AuditCommand.Verify.class, CommandLine.HelpCommand.class})
final class AuditCommand extends CommandGroup {

    /** {@code certyneo audit render EVIDENCE.json -o TRAIL.pdf}. */
    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Render evidence.json as a PDF/A-3a audit trail with the evidence attached, sealed by the sandbox "
                    + "platform seal (B-LTA, else B-T). Exit 0 ok, 3 unreadable or invalid evidence, 4 sealing failed.")
    static final class Render extends GroupSubcommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "EVIDENCE.json", description = "Evidence (schema certyneo.evidence/1)")
        Path evidenceFile;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "TRAIL.pdf", description = "Where to write the audit trail")
        Path output;

        @Option(names = "--profile", paramLabel = "B-T|B-LT|B-LTA", defaultValue = "B-LTA",
                description = "Seal profile (default: ${DEFAULT-VALUE}; B-T is used when long-term data is unavailable)")
        String profile;

        @Option(names = "--unsealed", description = "Write the PDF/A-3a rendering without sealing it")
        boolean unsealed;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Inputs.readable(evidenceFile);
            Inputs.writable(output, evidenceFile, false);
            Evidence evidence = readEvidence(evidenceFile);
            if (unsealed) {
                byte[] pdf = AuditTrail.builder().build().render(evidence);
                DocumentTarget.of(output).write(o -> o.write(pdf));
                out.printf("Audit trail (unsealed PDF/A-3a): %s%n", output);
                out.printf("  chain head: %s%n", evidence.chainHead());
                return 0;
            }
            try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(homeDir())) {
                SealedAuditTrail sealed = AuditTrail.builder().engine(engine).profile(PadesProfile.parse(profile)).build()
                        .seal(evidence, DocumentTarget.of(output));
                print(out, output, sealed);
                return 0;
            }
        }
    }

    /** {@code certyneo audit verify TRAIL.pdf [--document SIGNED.pdf]}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify an audit trail offline: seal, attached evidence, hash chain, printed and stored chain head, "
                    + "and the signed document's digest. Exit 0 when every check holds, 1 when one fails, 3 unreadable input.")
    static final class Verify extends GroupSubcommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "TRAIL.pdf", description = "The sealed audit trail")
        Path trail;

        @Option(names = "--document", paramLabel = "SIGNED.pdf", description = "The signed document the trail is about")
        Path document;

        @Option(names = "--trust", paramLabel = "ROOT.pem",
                description = "Trust this root for the seal instead of the sandbox root (repeatable)")
        List<Path> trust = new ArrayList<>();

        @Override
        public Integer call() {
            Inputs.readable(trail);
            if (document != null) {
                Inputs.readable(document);
            }
            List<X509Certificate> roots = new ArrayList<>();
            for (Path path : trust) {
                roots.addAll(ValidateCommand.readCertificates(Inputs.readable(path)));
            }
            SignatureEngine engine = roots.isEmpty() ? PadesSignatureEngine.sandbox(homeDir()) : PadesSignatureEngine.builder().build();
            ValidationOptions options = roots.isEmpty() ? ValidationOptions.sandbox() : ValidationOptions.trusting(roots);
            AuditVerification verification;
            try (engine) {
                verification = AuditTrail.builder().engine(engine).build().verify(DocumentSource.of(trail), options,
                        Optional.ofNullable(document).map(DocumentSource::of));
            }
            print(spec.commandLine().getOut(), verification);
            return verification.passed() ? 0 : Main.VALIDATION_FAILED;
        }
    }

    static Evidence readEvidence(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e.getMessage(),
                    "Check the evidence file path.", e);
        }
        return Evidence.fromJson(json); // INVALID_EVIDENCE: exit 3 through Main
    }

    static void print(PrintWriter out, Path file, SealedAuditTrail sealed) {
        out.printf("Audit trail: %s%n", file);
        out.printf("  sealed:      %s, PAdES %s%s%s%n", sealed.seal().level(), sealed.profile().label(),
                sealed.profileFellBack() ? " (fell back from " + sealed.requestedProfile().label() + ")" : "",
                sealed.seal().sandbox() ? "  [SANDBOX - not legally binding]" : "");
        out.printf("  seal by:     %s%n", sealed.seal().signingCertificate().getSubjectX500Principal().getName());
        sealed.seal().timestampTime().ifPresent(t -> out.printf("  time-stamp:  %s%n", t));
        out.printf("  chain head:  %s%n", sealed.chainHead());
        out.printf("  evidence:    evidence.json attached, sha256 %s%n", sealed.evidenceSha256());
        out.printf("  sha256:      %s%n", sealed.seal().outputSha256());
    }

    static void print(PrintWriter out, AuditVerification v) {
        out.printf("%s: sha256 %s%n", v.trailName(), v.trailSha256());
        for (CheckResult c : v.checks()) {
            out.printf("  [%-7s] %s: %s%n", c.status().name().toLowerCase(Locale.ROOT), c.check().label(), c.detail());
        }
        for (EventProblem p : v.tamperedEvents()) {
            out.printf("  TAMPERED %s%n", p);
        }
        out.println(v.passed() ? "RESULT: audit trail verified" : "RESULT: audit trail NOT verified ("
                + v.failures().size() + " check(s) failed)");
    }
}
