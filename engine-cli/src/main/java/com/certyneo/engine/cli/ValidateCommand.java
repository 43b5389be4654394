package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code certyneo validate}: validates every signature of a PDF offline. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Validate every signature and document time-stamp of a PDF, offline. "
                + "Exit code 0 only when every signature is TOTAL_PASSED and no time-stamp failed.")
final class ValidateCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE.pdf", description = "The PDF to validate")
    Path file;

    @Option(names = "--trust", paramLabel = "ROOT.pem", description = "A root certificate (PEM or DER) to trust (repeatable)")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--sandbox", description = "Trust this home's sandbox root and use its in-process revocation service")
    boolean sandbox;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @picocli.CommandLine.Mixin
    LimitsOption limits;

    @Override
    public Integer call() {
        List<X509Certificate> roots = new ArrayList<>();
        for (Path path : trust) {
            roots.addAll(readCertificates(path));
        }
        ValidationOptions options = ValidationOptions.trusting(roots).withSandbox(sandbox);
        SignatureEngine engine = sandbox ? sandboxEngine(limits.limits())
                : PadesSignatureEngine.builder().limits(limits.limits()).build();
        Timing.mark("engine");
        ValidationReport report;
        try (engine) {
            report = engine.validate(DocumentSource.of(file), options);
            Timing.mark("validated");
        }
        PrintWriter out = out();
        if (json) {
            out.println(ReportJson.toJson(report));
        } else {
            print(out, report);
        }
        return report.allPassed() ? 0 : Main.VALIDATION_FAILED;
    }

    static void print(PrintWriter out, ValidationReport report) {
        out.printf("%s: %d signature(s), sha256 %s%n", report.documentName(), report.signatures().size(),
                report.documentSha256());
        if (report.signatures().isEmpty()) {
            out.println("  no signature found");
        }
        int n = 1;
        for (SignatureValidation s : report.signatures()) {
            out.printf("  [%d] %s%s: %s%s%n", n++, s.documentTimestamp() ? "document time-stamp" : "signature",
                    s.fieldName().isEmpty() ? "" : " " + s.fieldName(), s.indication(),
                    s.subIndication().map(x -> " / " + x).orElse(""));
            out.printf("      format:    %s%n", s.format());
            out.printf("      signer:    %s%n", s.signedBy());
            if (!s.certificateChain().isEmpty()) {
                out.printf("      chain:     %s%n", String.join("  <-  ", s.certificateChain()));
            }
            if (!s.revocationStatus().isEmpty()) {
                out.printf("      status:    %s%n", s.revocationStatus());
            }
            s.claimedSigningTime().ifPresent(t -> out.printf("      claimed:   %s%n", t));
            s.bestSignatureTime().ifPresent(t -> out.printf("      proven by: %s (best signature time)%n", t));
            out.printf("      qualification: %s%s%n", s.qualification(), s.sandbox() ? "  [SANDBOX - not legally binding]" : "");
            s.modifications().forEach(m -> out.printf("      MODIFIED: %s%n", m));
            s.errors().forEach(e -> out.printf("      error:   %s%n", e));
            s.warnings().forEach(w -> out.printf("      warning: %s%n", w));
        }
        report.warnings().forEach(w -> out.printf("  warning (document): %s%n", w));
        out.println(report.allPassed() ? "RESULT: all signatures TOTAL_PASSED" : "RESULT: NOT all signatures passed");
        if (report.allPassed() && report.signatures().stream().anyMatch(s -> !s.passed())) {
            out.println("        (the newest document time-stamp lacks its own revocation data until the next B-LTA renewal)");
        }
    }

    static List<X509Certificate> readCertificates(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            List<X509Certificate> result = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                result.add((X509Certificate) c);
            }
            if (result.isEmpty()) {
                throw new CertificateException("no certificate found");
            }
            return result;
        } catch (IOException | CertificateException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot read trust anchor " + path + ": " + e.getMessage(),
                    "Pass a PEM or DER X.509 certificate file (e.g. from 'certyneo pki export DIR').");
        }
    }
}
