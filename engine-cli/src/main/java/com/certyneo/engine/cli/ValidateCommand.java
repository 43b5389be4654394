package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.pades.ValidationReportRenderer;
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

/** {@code certyneo validate}: validates every signature of one or more PDFs, offline. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Validate every signature and document time-stamp of a PDF, offline, listed in revision order. "
                + "Exit code 0 only when every signature is TOTAL_PASSED and no time-stamp failed; 1 when one did not, "
                + "or when the PDF has no signature at all.",
                "Several files are validated in turn (a batch); the exit code is then the highest of theirs."},
        footer = {"%nWith --json the report is JSON on standard output, errors included: "
                + "{\"error\": {\"code\", \"message\", \"fix\"}}; several files give an array.",
                "%nWith --report report.html (or report.pdf, PDF/A-2u) a report for people is written as well: the "
                + "timeline of revisions (signatures, time-stamps, validation data), the signed pages with the signature "
                + "boxes outlined, each certificate chain with its revocation status, what changed after each signature "
                + "and the SANDBOX status. One FILE only."})
final class ValidateCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "1..*", paramLabel = "FILE.pdf", description = "The PDF(s) to validate")
    List<Path> files = new ArrayList<>();

    @Option(names = "--trust", paramLabel = "ROOT.pem", description = "A root certificate (PEM or DER) to trust (repeatable)")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--sandbox", description = "Trust this home's sandbox root and use its in-process revocation service")
    boolean sandbox;

    @Option(names = "--json", description = "Print the report as JSON (errors too)")
    boolean json;

    @Option(names = "--tl-cache", paramLabel = "DIR",
            description = "Decide qualification (QESig, AdESig-QC...) against the EU LOTL and the trusted lists cached in "
                    + "DIR (read offline; DIR must exist)")
    Path tlCache;

    @Option(names = "--lotl-keystore", paramLabel = "P12",
            description = "PKCS#12 keystore (no password, or the one in $CERTYNEO_LOTL_KEYSTORE_PASSWORD) with the "
                    + "certificates the LOTL must be signed with (with --tl-cache)")
    Path lotlKeystore;

    @Option(names = "--lotl-url", paramLabel = "URL",
            description = "The LOTL's URL, the key of its cached copy in --tl-cache (default: the EU LOTL)")
    String lotlUrl = com.certyneo.engine.TrustedListSource.EU_LOTL_URL;

    @Option(names = "--tl-refresh", description = "With --tl-cache: first download the LOTL and the trusted lists it "
            + "points at into DIR over HTTP(S) (10 s time-out per list); cached lists younger than --tl-max-age are kept")
    boolean tlRefresh;

    @Option(names = "--tl-max-age", paramLabel = "HOURS", defaultValue = "24",
            description = "With --tl-refresh: how old a cached list may be before it is downloaded again (default 24)")
    long tlMaxAgeHours;

    @Option(names = "--etsi-report", paramLabel = "FILE.xml",
            description = "Also write the ETSI TS 119 102-2 validation report (XML) of the one FILE.pdf")
    Path etsiReport;

    @Option(names = "--report", paramLabel = "REPORT.html|REPORT.pdf",
            description = "Also write a human-readable report, HTML or PDF/A by the file's extension (one FILE only)")
    Path reportFile;

    @picocli.CommandLine.Mixin
    LimitsOption limits;

    @picocli.CommandLine.Mixin
    PasswordOption password = new PasswordOption();

    @Override
    public Integer call() {
        List<X509Certificate> roots = new ArrayList<>();
        for (Path path : trust) {
            roots.addAll(readCertificates(Inputs.readable(path)));
        }
        if (files.size() == 1) {
            Inputs.readable(files.get(0)); // before the engine: a mistyped name is reported at once
        }
        if (etsiReport != null) {
            if (files.size() != 1) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "--etsi-report takes the report of one "
                        + "file, and " + files.size() + " were given", "Validate the files one at a time with --etsi-report.");
            }
            Inputs.writable(etsiReport, files.get(0), false);
        }
        ValidationReportRenderer.Format format = reportFile == null ? null : reportFormat();
        char[] documentPassword = password.password();
        ValidationOptions options = ValidationOptions.trusting(roots).withSandbox(sandbox)
                .withXmlReports(etsiReport != null).withPassword(documentPassword);
        if (documentPassword != null) {
            java.util.Arrays.fill(documentPassword, '\0'); // the options hold their own copy
        }
        if (tlRefresh && tlCache == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "--tl-refresh downloads into --tl-cache, "
                    + "which is missing", "Add --tl-cache DIR (an existing directory; an empty one is filled).");
        }
        if (lotlKeystore != null && tlCache == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "--lotl-keystore pins the LOTL of --tl-cache, "
                    + "which is missing", "Add --tl-cache DIR (the trusted-list cache directory).");
        }
        if (tlCache != null) {
            if (!java.nio.file.Files.isDirectory(tlCache)) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                        "The trusted-list cache directory " + tlCache + " does not exist",
                        "Give an existing directory holding the cached LOTL and trusted lists.");
            }
            String keystorePassword = System.getenv("CERTYNEO_LOTL_KEYSTORE_PASSWORD");
            List<X509Certificate> pins = lotlKeystore == null ? List.of()
                    : com.certyneo.engine.TrustedListSource.pinsFromKeystore(Inputs.readable(lotlKeystore),
                    keystorePassword == null ? new char[0] : keystorePassword.toCharArray());
            com.certyneo.engine.TrustedListSource lists = com.certyneo.engine.TrustedListSource.offline(tlCache, lotlUrl, pins);
            if (tlRefresh) {
                if (tlMaxAgeHours < 0) {
                    throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                            "--tl-max-age " + tlMaxAgeHours + " is negative", "Give a number of hours, 0 or more.");
                }
                lists = lists.refreshedOnline(java.time.Duration.ofSeconds(10), java.time.Duration.ofHours(tlMaxAgeHours));
            }
            options = options.withTrustedLists(lists);
        }
        SignatureEngine engine = sandbox ? sandboxEngine(limits.limits())
                : PadesSignatureEngine.builder().limits(limits.limits()).build();
        Timing.mark("engine");
        PrintWriter out = out();
        try (engine) {
            if (files.size() == 1) {
                ValidationReport report = validate(engine, files.get(0), options);
                if (etsiReport != null) {
                    byte[] etsi = report.etsiXml().orElseThrow();
                    DocumentTarget.of(etsiReport).write(o -> o.write(etsi)); // temp file + move, umask
                }
                if (format != null) {
                    ValidationReportRenderer.render(DocumentSource.of(files.get(0)), report, format, DocumentTarget.of(reportFile));
                    Timing.mark("report");
                }
                printReport(out, report);
                if (format != null && !json) {
                    out.printf("report: %s (%s)%n", reportFile, format);
                }
                return report.allPassed() ? 0 : Main.VALIDATION_FAILED;
            }
            return batch(engine, options, out);
        }
    }

    /**
     * @return the format {@code --report} names by its extension
     * @throws SignatureEngineException INVALID_REQUEST (exit code 2) for another extension, several files, or the
     *         input itself; IO_ERROR for a directory
     */
    private ValidationReportRenderer.Format reportFormat() {
        if (files.size() != 1) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "--report writes the report of one file, and " + files.size() + " files were given",
                    "Validate the files one at a time with --report, or leave --report out for a batch.");
        }
        Path name = reportFile.getFileName();
        ValidationReportRenderer.Format format = name == null ? null
                : ValidationReportRenderer.Format.forFileName(name.toString()).orElse(null);
        if (format == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "--report " + reportFile + ": the report's format is chosen by its extension, .html, .htm or .pdf",
                    "Name the report file with one of them, such as --report report.html or --report report.pdf.");
        }
        if (Files.isDirectory(reportFile)) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "--report " + reportFile + " is a directory",
                    "Name the file to write, such as --report " + reportFile.resolve("report.html") + ".");
        }
        if (Inputs.same(files.get(0), reportFile)) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "--report " + reportFile + " is the input file",
                    "Write the report elsewhere, such as --report report.pdf.");
        }
        return format;
    }

    /** Validates each file in turn; a file that cannot be validated is reported and the batch goes on. */
    private int batch(SignatureEngine engine, ValidationOptions options, PrintWriter out) {
        int code = 0;
        int passed = 0;
        if (json) {
            out.println("[");
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Progress.step(err(), terminal(), "[" + (i + 1) + "/" + files.size() + "] " + file);
            String element;
            try {
                ValidationReport report = validate(engine, Inputs.readable(file), options);
                code = Math.max(code, report.allPassed() ? 0 : Main.VALIDATION_FAILED);
                passed += report.allPassed() ? 1 : 0;
                if (!json) {
                    printReport(out, report);
                    out.println();
                    continue;
                }
                element = ReportJson.toJson(report, fix(report));
            } catch (com.certyneo.engine.SignatureEngineException e) {
                code = Math.max(code, Main.exitCode(e));
                Problem problem = Problem.of(e, spec.commandLine());
                if (!json) {
                    out.printf("%s: not validated%n", file);
                    problem.printText(err());
                    out.println();
                    continue;
                }
                element = "{\"document\": " + ReportJson.str(file.toString()) + ", " + problem.jsonMember() + "}";
            }
            out.print(element.indent(2).stripTrailing());
            out.println(i < files.size() - 1 ? "," : "");
        }
        if (json) {
            out.println("]");
        } else {
            out.printf("%d file(s): %d passed, %d not%n", files.size(), passed, files.size() - passed);
        }
        return code;
    }

    private ValidationReport validate(SignatureEngine engine, Path file, ValidationOptions options) {
        try (Progress progress = Progress.ticker(err(), terminal(), "Validating " + Progress.describe(file))) {
            ValidationReport report = engine.validate(DocumentSource.of(file), options);
            Timing.mark("validated");
            return report;
        }
    }

    private void printReport(PrintWriter out, ValidationReport report) {
        if (json) {
            out.println(ReportJson.toJson(report, fix(report)));
        } else {
            print(out, report, fix(report));
        }
    }

    /**
     * @return what to do when a signature failed only because its sandbox root is not trusted: validated without
     * {@code --sandbox}, a sandbox-marked signature cannot chain to a trusted root
     */
    String fix(ValidationReport report) {
        boolean sandboxFailure = report.signatures().stream().anyMatch(s -> s.sandbox() && !s.passed());
        if (sandbox || !sandboxFailure) {
            return null;
        }
        return "These signatures were made on the Certyneo sandbox (test PKI, not legally binding): add --sandbox "
                + "(with the --home they were signed with), or --trust sandbox-root.pem as written by "
                + "'certyneo pki export DIR'.";
    }

    static void print(PrintWriter out, ValidationReport report) {
        print(out, report, null);
    }

    static void print(PrintWriter out, ValidationReport report, String fix) {
        if (report.signatures().isEmpty()) {
            out.printf("%s: sha256 %s%n", report.documentName(), report.documentSha256());
            out.println("RESULT: No signatures found (the PDF has no signature and no document time-stamp)");
            return;
        }
        out.printf("%s: %d signature(s), sha256 %s%n", report.documentName(), report.signatures().size(),
                report.documentSha256());
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
            if (!s.documentTimestamp() && (!"NA".equals(s.qualificationAtValidation()) || s.trustService().isPresent())) {
                out.printf("      qualification at validation time: %s%n", s.qualificationAtValidation());
                // the sandbox trusted list names every service SANDBOX
                s.trustService().ifPresent(t -> out.printf("      trust service: %s%s%n", t,
                        s.sandbox() && t.contains("SANDBOX") ? "  (SANDBOX trusted list \u2014 not legally binding)" : ""));
            }
            s.modifications().forEach(m -> out.printf("      MODIFIED: %s%n", m));
            s.errors().forEach(e -> out.printf("      error:   %s%n", e));
            s.warnings().forEach(w -> out.printf("      warning: %s%n", w));
        }
        report.warnings().forEach(w -> out.printf("  warning (document): %s%n", w));
        out.println(report.allPassed() ? "RESULT: all signatures TOTAL_PASSED" : "RESULT: NOT all signatures passed");
        if (report.allPassed() && report.signatures().stream().anyMatch(s -> !s.passed())) {
            out.println("        (the newest document time-stamp lacks its own revocation data until the next B-LTA renewal)");
        }
        if (fix != null) {
            out.println("fix: " + fix);
        }
    }

    static List<X509Certificate> readCertificates(Path path) {
        return readCertificates(path, "trust anchor",
                "Pass a PEM or DER X.509 certificate file (e.g. from 'certyneo pki export DIR').");
    }

    /**
     * @param what what the certificates are, for the message ("trust anchor", "--tsa-pin")
     * @param fix the fix line when the file holds no readable certificate
     * @return the certificates in a PEM or DER file
     */
    static List<X509Certificate> readCertificates(Path path, String what, String fix) {
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
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot read " + what + " " + path + ": "
                    + e.getMessage(), fix);
        }
    }
}
