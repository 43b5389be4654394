package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Signs every PDF of a directory someone else made (a producer's samples, another project's test files, documents
 * signed by other products) and checks what a countersignature must leave true: the new signature validates
 * {@code TOTAL_PASSED} at its profile, and (production) every earlier signature keeps its indication. Run by
 * {@code corpus/survey.sh}; prints one tab-separated line per file, then a summary, and exits 1 when any file breaks
 * one of those rules (a refusal with an engine error code is an answer, not a break; so is a signature DSS rates B-T
 * because of cross-certificates others left in the document, when signing warned and the report names them).
 *
 * <p>Arguments: {@code IN_DIR OUT_DIR PROFILE sandbox|production memory|disk}. The sandbox draws its SANDBOX mark
 * on the pages, which our validator reports against earlier signatures (see {@code CoSigningTest}): there only the
 * new signature is checked.
 */
public final class CosigningSurvey {

    private CosigningSurvey() {
    }

    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        PadesProfile profile = PadesProfile.valueOf(args[2].replace('-', '_'));
        boolean sandbox = args[3].equals("sandbox");
        long threshold = args[4].equals("disk") ? 1 : Long.MAX_VALUE;
        Files.createDirectories(out);
        PadesSignatureEngine engine;
        ValidationOptions options;
        if (sandbox) {
            engine = PadesSignatureEngine.builder().sandbox(Files.createTempDirectory("survey-home"))
                    .largeDocumentThreshold(threshold).build();
            options = ValidationOptions.sandbox();
        } else {
            ProductionFixture fixture = ProductionFixture.create();
            engine = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                    .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root()))
                    .largeDocumentThreshold(threshold).build();
            options = ValidationOptions.trusting(List.of(fixture.root()));
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(in)) {
            files = listing.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".pdf")).sorted().toList();
        }
        Map<String, Integer> tally = new TreeMap<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String before = outcome(engine, file, options);
            Path signed = out.resolve(name);
            String result;
            String after = "";
            boolean ok = true;
            boolean explained = false;
            try {
                SigningResult signedResult = engine.sign(SignRequest.builder().document(DocumentSource.of(file)).output(DocumentTarget.of(signed))
                        .signer(sandbox ? Signer.of("Survey Signer", "survey@example.com")
                                .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now())
                                : Signer.of("Survey Seal", "seal@example.com"))
                        .level(sandbox ? SignatureLevel.AES : SignatureLevel.SES).profile(profile).build());
                ValidationReport report;
                try {
                    report = engine.validate(DocumentSource.of(signed), options);
                } catch (SignatureEngineException e) {
                    report = null;
                    after = "VALIDATE " + e.code();
                }
                if (report == null) {
                    ok = false;
                    result = "SIGNED, OUTPUT NOT VALIDATED";
                } else {
                    after = summary(report);
                    // ours: the newest signature (a seal's signer is its certificate, not the Signer's name)
                    SignatureValidation ours = newest(report, false);
                    ok = ours != null && ours.passed() && ours.profile().orElse(null) == profile;
                    result = ours == null ? "SIGNED, OURS MISSING" : "SIGNED, OURS " + ours.indication()
                            + ours.subIndication().map(s -> "/" + s).orElse("") + " " + ours.profile().map(Enum::name).orElse("?");
                    if (!ok && capped(signedResult, ours)) {
                        // B-T because of others' cross-certificates: signing warned and validation names them
                        // (LongTermShortfall); a validator trusting their authority rates it at its profile
                        explained = true;
                        result += ", CAPPED AT B-T BY OTHERS' CROSS-CERTIFICATES (signing warned, validation names them)";
                    }
                    if (!sandbox && !before.startsWith("VALIDATE")) {
                        // what was there before: all but our signature and, at B-LTA, our (the newest) document time-stamp
                        SignatureValidation ourTimestamp = profile == PadesProfile.B_LTA ? newest(report, true) : null;
                        String earlier = report.signatures().stream().filter(s -> s != ours && s != ourTimestamp)
                                .map(CosigningSurvey::entry).sorted().collect(Collectors.joining(","));
                        String sortedBefore = Stream.of(before.split(",")).filter(s -> !s.isEmpty()).sorted()
                                .collect(Collectors.joining(","));
                        if (!earlier.equals(sortedBefore)) {
                            ok = false;
                            result += ", EARLIER CHANGED";
                        }
                    }
                }
                tally.merge(ok ? "signed" : explained ? "signed, capped at B-T by others' cross-certificates" : "BROKEN",
                        1, Integer::sum);
            } catch (SignatureEngineException e) {
                result = "REFUSED " + e.code() + ": " + e.getMessage().replace('\n', ' ');
                tally.merge("refused " + e.code(), 1, Integer::sum);
            } catch (RuntimeException e) {
                ok = false;
                result = "CRASH " + e;
                tally.merge("BROKEN", 1, Integer::sum);
            }
            System.out.println(name + "\t" + (ok ? "ok" : explained ? "explained" : "BROKEN") + "\t" + result + "\tbefore=" + before + "\tafter=" + after);
        }
        System.out.println("# " + files.size() + " files, " + (sandbox ? "sandbox AES " : "production SES ") + profile
                + " from " + (threshold == 1 ? "disk" : "memory") + ": " + tally);
        System.exit(tally.containsKey("BROKEN") ? 1 : 0);
    }

    /**
     * Whether our signature passed at B-T only because DSS's B-LT check processes cross-certificates others left in
     * the document: the signing result warned of them and the report gives that reason.
     */
    private static boolean capped(SigningResult signed, SignatureValidation ours) {
        return ours != null && ours.passed() && ours.profile().orElse(null) == PadesProfile.B_T
                && signed.warnings().stream().anyMatch(w -> w.startsWith("DSS rates this signature PAdES-BASELINE-T"))
                && ours.warnings().stream().anyMatch(w -> w.startsWith("PAdES-BASELINE-LT not reached"));
    }

    /** The signature (or document time-stamp) with the latest claimed time: this run's, the newest in the file. */
    private static SignatureValidation newest(ValidationReport report, boolean documentTimestamp) {
        return report.signatures().stream().filter(s -> s.documentTimestamp() == documentTimestamp)
                .max(java.util.Comparator.comparing(s -> s.claimedSigningTime().orElse(Instant.MIN))).orElse(null);
    }

    private static String outcome(PadesSignatureEngine engine, Path file, ValidationOptions options) {
        try {
            return summary(engine.validate(DocumentSource.of(file), options));
        } catch (SignatureEngineException e) {
            return "VALIDATE " + e.code();
        }
    }

    private static String summary(ValidationReport report) {
        return report.signatures().stream().map(CosigningSurvey::entry).collect(Collectors.joining(","));
    }

    private static String entry(SignatureValidation s) {
        return (s.documentTimestamp() ? "TS:" : "S:") + s.indication() + s.subIndication().map(x -> "/" + x).orElse("");
    }
}
