package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.interop.ReaderPanel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real-world interop gate: every PDF of the producer corpus ({@code corpus/generate.sh}: LibreOffice,
 * Chromium, Ghostscript, cairo, ReportLab, ImageMagick, qpdf, pdf-lib, hand-made structural edge cases
 * and documents already signed by a foreign implementation) is signed by the sandbox engine at SES, AES
 * and QES, each at B-T, B-LT and B-LTA, and every output must
 * <ul>
 *   <li>validate under raw DSS 6.2 (sandbox root trusted, its OCSP responder reachable) with our new
 *   signature TOTAL_PASSED at exactly the claimed PAdES-BASELINE profile, and no DSS modification
 *   finding for it;</li>
 *   <li>leave every earlier signature with the DSS indication it had on the input;</li>
 *   <li>pass the {@link ReaderPanel} (poppler, qpdf, MuPDF, pdf.js, pypdf/pikepdf strict, our xref
 *   linter) and carry the SANDBOX mark on every page.</li>
 * </ul>
 * A damaged input (one that only opens after cross-reference reconstruction) must instead be refused
 * with {@code INVALID_PDF} and nothing written. The pass/fail matrix is printed and written to
 * {@code target/interop-matrix.txt}; {@code corpus/matrix.sh} runs just this test.
 *
 * <p>The corpus is generated into {@code target/interop/corpus} unless {@code -Dcertyneo.corpus=DIR}
 * names one. Without the producers installed the test is skipped, except under {@code CI=true}, where it
 * fails.
 */
class InteropGateTest {

    private static final List<SignatureLevel> LEVELS = List.of(SignatureLevel.SES, SignatureLevel.AES, SignatureLevel.QES);
    private static final List<PadesProfile> PROFILES = List.of(PadesProfile.B_T, PadesProfile.B_LT, PadesProfile.B_LTA);

    @TempDir
    Path home;

    /** One signed output; {@code level} null marks the extension column (SES B-T output extended to B-LTA). */
    record Cell(String file, SignatureLevel level, PadesProfile profile, Path output, List<String> problems) {
        String column() {
            return level == null ? "extend B-T to B-LTA" : level + " " + profile;
        }
    }

    @Test
    void everyCorpusFileSignsValidatesAndOpensEverywhereAtEveryLevelAndProfile() throws Exception {
        Path corpus = com.certyneo.engine.pades.interop.Corpus.directory();
        List<Path> inputs;
        try (Stream<Path> files = Files.list(corpus)) {
            inputs = files.filter(p -> p.getFileName().toString().endsWith(".pdf")).sorted().toList();
        }
        assumeTrue(!inputs.isEmpty() || ci(), "empty corpus");
        assertTrue(inputs.size() >= 20, "the corpus has only " + inputs.size() + " files: " + inputs);
        Path outputs = Files.createDirectories(Path.of("target", "interop", "signed"));
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home);
        SandboxPki pki = engine.sandboxPki().orElseThrow();
        List<X509Certificate> anchors = List.of(pki.rootCertificate());
        InProcessOcspSource ocsp = new InProcessOcspSource(List.of(pki.root(), pki.signerCa(),
                SandboxQualifiedCa.loadOrCreate(pki)), Clock.systemUTC());

        List<Cell> cells = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> jobs = new ArrayList<>();
        for (Path input : inputs) {
            jobs.add(pool.submit(() -> {
                cells.addAll(signAndValidate(engine, input, outputs, anchors, ocsp));
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> job : jobs) {
            job.get(30, TimeUnit.MINUTES);
        }

        // The reader panel, in one batch (pdf.js and pypdf run once for all files).
        List<ReaderPanel.Case> cases = new ArrayList<>();
        Map<ReaderPanel.Case, Cell> byCase = new LinkedHashMap<>();
        for (Cell cell : cells) {
            if (cell.output() != null) {
                Path input = cell.level() == null
                        ? outputs.resolve(cell.file().replace(".pdf", "") + "+SES-B_T.pdf") : corpus.resolve(cell.file());
                ReaderPanel.Case c = new ReaderPanel.Case(input, cell.output(), cell.level() == null ? 0 : 1, true);
                cases.add(c);
                byCase.put(c, cell);
            }
        }
        ReaderPanel.check(cases).forEach((c, findings) ->
                findings.forEach(f -> byCase.get(c).problems().add(f.toString())));

        String matrix = matrix(inputs, cells);
        System.out.println(matrix);
        Files.writeString(Path.of("target", "interop-matrix.txt"), matrix, StandardCharsets.UTF_8);
        List<String> failures = cells.stream().filter(c -> !c.problems().isEmpty())
                .map(c -> c.file() + " " + c.column() + ": " + String.join("; ", c.problems())).sorted().toList();
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cells.size() + " cells fail:\n" + String.join("\n", failures));
        }
    }

    private static List<Cell> signAndValidate(PadesSignatureEngine engine, Path input, Path outputs,
                                              List<X509Certificate> anchors, InProcessOcspSource ocsp) throws IOException {
        String name = input.getFileName().toString();
        byte[] in = Files.readAllBytes(input);
        boolean damaged = damaged(input);
        DssFindings before = hasSignature(in) ? DssFindings.of(in, anchors, ocsp) : null;
        List<DssFindings.Entry> earlier = before == null ? List.of() : before.signatures();
        // DSS's findings on the input's newest signature (nothing follows it): DSS repeats them for ours
        Set<String> inputFindings = new HashSet<>(before == null ? List.of() : before.wholeFileFindings());
        inputFindings.add(overlapFinding(DssFindings.annotationOverlapPages(in)));
        List<Cell> cells = new ArrayList<>();
        for (SignatureLevel level : LEVELS) {
            for (PadesProfile profile : PROFILES) {
                Path out = outputs.resolve(name.replace(".pdf", "") + "+" + level + "-" + profile.name() + ".pdf");
                Files.deleteIfExists(out);
                List<String> problems = new ArrayList<>();
                try {
                    engine.sign(SignRequest.builder().document(DocumentSource.of(input)).output(DocumentTarget.of(out))
                            .signer(Signer.parse("Jane Doe <jane@example.com>")
                                    .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                            .level(level).profile(profile).build());
                    if (damaged) {
                        problems.add("a damaged input was signed instead of refused with INVALID_PDF");
                    }
                    checkDss(Files.readAllBytes(out), profile, earlier, inputFindings, anchors, ocsp, problems);
                } catch (SignatureEngineException e) {
                    if (!(damaged && e.code() == ErrorCode.INVALID_PDF && e.hint().contains("qpdf"))) {
                        problems.add("signing failed: " + e.code() + ": " + e.getMessage());
                    }
                    if (Files.exists(out)) {
                        problems.add("an output was written although signing failed");
                    }
                } catch (RuntimeException | OutOfMemoryError e) {
                    problems.add("signing or validation failed: " + e);
                }
                cells.add(new Cell(name, level, profile, Files.exists(out) ? out : null,
                        Collections.synchronizedList(problems)));
            }
        }
        cells.add(extension(engine, name, outputs, anchors, ocsp, damaged));
        return cells;
    }

    /** extend() writes its revisions (DSS dictionary, document time-stamp) in the same form too. */
    private static Cell extension(PadesSignatureEngine engine, String name, Path outputs, List<X509Certificate> anchors,
                                  InProcessOcspSource ocsp, boolean damaged) throws IOException {
        Path signed = outputs.resolve(name.replace(".pdf", "") + "+SES-B_T.pdf");
        Path out = outputs.resolve(name.replace(".pdf", "") + "+SES-B_T+extended-B_LTA.pdf");
        Files.deleteIfExists(out);
        List<String> problems = new ArrayList<>();
        if (!damaged && Files.exists(signed)) {
            try {
                byte[] before = Files.readAllBytes(signed);
                List<DssFindings.Entry> earlier = DssFindings.of(before, anchors, ocsp).signatures();
                engine.extend(DocumentSource.of(signed), DocumentTarget.of(out), PadesProfile.B_LTA);
                List<DssFindings.Entry> after = DssFindings.of(Files.readAllBytes(out), anchors, ocsp).signatures();
                DssFindings.Entry ours = after.get(after.size() - 1);
                if (!"TOTAL_PASSED".equals(ours.indication()) || !"PAdES-BASELINE-LTA".equals(ours.format())) {
                    problems.add("DSS: the extended signature is " + ours.indication() + " at " + ours.format());
                }
                for (int i = 0; i < earlier.size() - 1; i++) {
                    if (!earlier.get(i).indication().equals(after.get(i).indication())) {
                        problems.add("DSS: earlier signature " + earlier.get(i).fieldName() + " changed from "
                                + earlier.get(i).indication() + " to " + after.get(i).indication());
                    }
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                problems.add("extension failed: " + e);
            }
        }
        return new Cell(name, null, PadesProfile.B_LTA, Files.exists(out) ? out : null, Collections.synchronizedList(problems));
    }

    private static void checkDss(byte[] output, PadesProfile profile, List<DssFindings.Entry> earlier, Set<String> inputFindings,
                                 List<X509Certificate> anchors, InProcessOcspSource ocsp, List<String> problems) {
        List<DssFindings.Entry> signatures = DssFindings.of(output, anchors, ocsp).signatures();
        if (signatures.size() != earlier.size() + 1) {
            problems.add("DSS sees " + signatures.size() + " signatures, expected " + (earlier.size() + 1));
            return;
        }
        DssFindings.Entry ours = signatures.get(signatures.size() - 1);
        String format = "PAdES-BASELINE-" + profile.name().substring(2);
        if (!"TOTAL_PASSED".equals(ours.indication()) || !format.equals(ours.format())) {
            problems.add("DSS: our signature is " + ours.indication() + " " + ours.subIndication() + " at " + ours.format()
                    + ", expected TOTAL_PASSED at " + format);
        }
        // Overlapping annotations the input already had are reported for any signature on it, and so are the findings
        // DSS already reports for an input's signature that covers the whole input: not ours.
        List<String> findings = ours.findings().stream().filter(f -> !inputFindings.contains(f)).toList();
        if (!findings.isEmpty()) {
            problems.add("DSS finds after our signature: " + findings);
        }
        for (int i = 0; i < earlier.size(); i++) {
            DssFindings.Entry before = earlier.get(i);
            DssFindings.Entry after = signatures.get(i);
            if (!before.indication().equals(after.indication()) || !before.subIndication().equals(after.subIndication())) {
                problems.add("DSS: earlier signature " + before.fieldName() + " was " + before.indication() + " "
                        + before.subIndication() + ", now " + after.indication() + " " + after.subIndication());
            }
        }
    }

    /** The finding text DSS gives for overlaps on these pages (as {@link DssFindings} words it), or "" for none. */
    private static String overlapFinding(java.util.Set<Integer> pages) {
        return pages.isEmpty() ? "" : "annotations overlap on page(s) " + pages.stream().map(java.math.BigInteger::valueOf).toList();
    }

    private static boolean hasSignature(byte[] pdf) {
        return new String(pdf, StandardCharsets.ISO_8859_1).contains("/ByteRange");
    }

    private static boolean damaged(Path input) {
        try {
            return CrossReferenceCheck.damage(input).isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    private static String matrix(List<Path> inputs, List<Cell> cells) {
        StringBuilder out = new StringBuilder("Interop gate: sandbox signatures over the producer corpus (ok = DSS TOTAL_PASSED at"
                + " the profile, earlier signatures unchanged, reader panel clean, marked; refused = damaged input refused)\n");
        int width = inputs.stream().mapToInt(p -> p.getFileName().toString().length()).max().orElse(10);
        out.append(String.format("%-" + width + "s", "file"));
        for (SignatureLevel level : LEVELS) {
            for (PadesProfile profile : PROFILES) {
                out.append(String.format(" %-9s", level + "-" + profile.name().substring(2)));
            }
        }
        out.append(" extend-T>LTA\n");
        Map<String, Integer> tally = new LinkedHashMap<>(Map.of("ok", 0, "refused", 0, "FAIL", 0));
        for (Path input : inputs) {
            String name = input.getFileName().toString();
            out.append(String.format("%-" + width + "s", name));
            for (SignatureLevel level : LEVELS) {
                for (PadesProfile profile : PROFILES) {
                    out.append(String.format(" %-9s", mark(cells, name, level, profile, tally)));
                }
            }
            out.append(' ').append(mark(cells, name, null, PadesProfile.B_LTA, tally)).append('\n');
        }
        out.append(String.format("%d files x %d cells: %d ok, %d refused (damaged input), %d failed%n", inputs.size(),
                LEVELS.size() * PROFILES.size() + 1, tally.get("ok"), tally.get("refused"), tally.get("FAIL")));
        return out.toString();
    }

    /** ok, refused (damaged input) or FAIL for one cell, counted in {@code tally}. */
    private static String mark(List<Cell> cells, String file, SignatureLevel level, PadesProfile profile,
                               Map<String, Integer> tally) {
        Cell cell = cells.stream().filter(c -> c.file().equals(file) && c.level() == level && c.profile() == profile)
                .findFirst().orElse(null);
        String mark = cell == null || !cell.problems().isEmpty() ? "FAIL" : cell.output() == null ? "refused" : "ok";
        tally.merge(mark, 1, Integer::sum);
        return mark;
    }

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
