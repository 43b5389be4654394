package com.certyneo.engine.pades;

import com.certyneo.engine.AppearanceImage;
import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureField;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.engine.pades.interop.Corpus;
import com.certyneo.engine.pades.interop.ITextCheck;
import com.certyneo.engine.pades.interop.ReaderPanel;
import com.certyneo.testvectors.ExternalValidators;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The envelope features over real producers' documents: for a representative set of the interop corpus
 * ({@code corpus/generate.sh}: LibreOffice, Chromium, Ghostscript, ReportLab, qpdf object streams and
 * cross-reference stream, pdf-lib, and a cairo document already signed by a foreign implementation) the sandbox
 * engine runs four scenarios:
 * <ol type="a">
 *   <li>{@code prepareFields} with three fields (one invisible, two placed, on different pages when there are two),
 *   then three signers in turn, each into their field (B-T, B-T, B-LTA);</li>
 *   <li>the first signer certifies (DocMDP P=2) and locks their field (FieldMDP include), then a second signer
 *   signs another prepared field (on the document signed already, certifying is refused with INVALID_REQUEST and
 *   the first signer makes an approval signature with the lock);</li>
 *   <li>a visible signature with a PNG-with-alpha image and a Latin + Arabic + CJK signer name;</li>
 *   <li>the input encrypted by qpdf (AES-256), signed with the user password.</li>
 * </ol>
 * Every output (each step of each scenario) must
 * <ul>
 *   <li>under raw DSS 6.2 ({@link DssFindings}) and the engine's own validation: every engine signature
 *   TOTAL_PASSED, the newest at exactly its claimed PAdES-BASELINE profile, earlier ones at least at theirs, no
 *   modification finding for any of them (annotation overlaps the input already had aside), new document
 *   time-stamps TOTAL_PASSED, and a foreign signature keeping the indication it had;</li>
 *   <li>pdfsig: exactly the new signatures more "Signature is Valid" than the step's input ({@code -upw} for the
 *   encrypted one);</li>
 *   <li>iText 9 ({@link ITextCheck}, conservative strictness, no cross-reference rebuild): every signature and
 *   document time-stamp iText verified on the step's input still verifies and every new one verifies, the last
 *   signed revision covers the whole file unless a B-LT DSS revision follows it, and iText counts as many signed
 *   revisions as DSS finds signatures and document time-stamps;</li>
 *   <li>pass the {@link ReaderPanel} (poppler, qpdf, MuPDF, pdf.js, pypdf/pikepdf strict, the xref linter; every
 *   reader is given the password of the encrypted scenario) against the step's input.</li>
 * </ul>
 * The matrix is printed and written to {@code target/feature-panel-matrix.txt}. Without the producers the test is
 * skipped, except under {@code CI=true}, where it fails (as {@link InteropGateTest}).
 */
class FeaturePanelTest {

    /** One input of each producer family the brief names; all exist in every generated corpus. */
    static final List<String> INPUTS = List.of("libreoffice-writer-form.pdf", "chromium-page.pdf", "ghostscript-plain.pdf",
            "reportlab-plain.pdf", "qpdf-objstm.pdf", "pdflib-form.pdf", "foreign-untrusted.pdf");
    static final String PASSWORD = "envelope-user-pw";
    static final String UNICODE_NAME = "Zoë Martin محمد عبد الله 山田太郎";

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static List<X509Certificate> anchors;
    static InProcessOcspSource ocsp;

    @BeforeAll
    static void engine() {
        engine = PadesSignatureEngine.sandbox(home);
        SandboxPki pki = engine.sandboxPki().orElseThrow();
        anchors = List.of(pki.rootCertificate());
        ocsp = new InProcessOcspSource(List.of(pki.root(), pki.signerCa(), SandboxQualifiedCa.loadOrCreate(pki)),
                Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * One output: made from {@code input} by a scenario step adding {@code newSignatures} signatures, the newest
     * claiming {@code profile} (null for the prepared-fields revision).
     */
    record Step(String file, String scenario, String step, Path input, Path output, int newSignatures,
                PadesProfile profile, String password, List<String> problems) {
        String label() {
            return file + " " + scenario + " " + step;
        }
    }

    @Test
    void everyFeatureSignsRealProducersDocumentsAndPassesDssPdfsigITextAndTheReaderPanel() throws Exception {
        Path corpus = Corpus.directory();
        List<Path> inputs = INPUTS.stream().map(corpus::resolve).filter(Files::isRegularFile).toList();
        if (inputs.size() != INPUTS.size()) {
            String missing = "the corpus in " + corpus + " lacks " + INPUTS.stream()
                    .filter(f -> !Files.isRegularFile(corpus.resolve(f))).toList() + " (a producer is not installed?)";
            if (ci()) {
                fail(missing);
            }
            System.err.println("FeaturePanelTest: " + missing + "; running the others");
        }
        assumeTrue(!inputs.isEmpty(), "no corpus");
        assumeTrue(ExternalValidators.require("qpdf") && ExternalValidators.require("pdfsig") || ci(),
                "qpdf and pdfsig are needed");
        Path outputs = Files.createDirectories(Path.of("target", "interop", "features").toAbsolutePath());
        long start = System.nanoTime();

        List<Step> steps = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> jobs = new ArrayList<>();
        for (Path input : inputs) {
            for (String scenario : List.of("a-fields", "b-certify", "c-visible", "d-encrypted")) {
                jobs.add(pool.submit(() -> {
                    steps.addAll(run(scenario, input, outputs));
                    return null;
                }));
            }
        }
        pool.shutdown();
        for (Future<?> job : jobs) {
            job.get(20, TimeUnit.MINUTES);
        }
        long signedAndValidated = System.nanoTime();

        List<ReaderPanel.Case> cases = new ArrayList<>();
        Map<ReaderPanel.Case, Step> byCase = new LinkedHashMap<>();
        for (Step step : steps) {
            if (Files.exists(step.output())) {
                ReaderPanel.Case c = new ReaderPanel.Case(step.input(), step.output(), step.newSignatures(), true,
                        step.password());
                cases.add(c);
                byCase.put(c, step);
            }
        }
        ReaderPanel.check(cases).forEach((c, findings) -> findings.forEach(f -> byCase.get(c).problems().add(f.toString())));
        long end = System.nanoTime();

        String matrix = matrix(inputs, steps) + String.format("signing and validation %d s, reader panel %d s (%s)%n",
                (signedAndValidated - start) / 1_000_000_000, (end - signedAndValidated) / 1_000_000_000,
                ReaderPanel.readers());
        System.out.println(matrix);
        Files.writeString(Path.of("target", "feature-panel-matrix.txt"), matrix, StandardCharsets.UTF_8);
        List<String> failures = steps.stream().filter(s -> !s.problems().isEmpty())
                .map(s -> s.label() + ": " + String.join("; ", s.problems())).sorted().toList();
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + steps.size() + " outputs fail:\n" + String.join("\n", failures));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The scenarios

    private static List<Step> run(String scenario, Path input, Path outputs) {
        String file = input.getFileName().toString();
        String base = file.replace(".pdf", "") + "+" + scenario;
        List<Step> steps = new ArrayList<>();
        Step current = null;
        try {
            switch (scenario) {
                case "a-fields" -> {
                    Geometry g = Geometry.of(input);
                    int second = g.pages() > 1 ? 2 : 1;
                    Path fields = outputs.resolve(base + "-0-fields.pdf");
                    current = step(steps, file, scenario, "fields", input, fields, 0, null, null);
                    engine.prepareFields(DocumentSource.of(input), DocumentTarget.of(fields),
                            SignatureField.invisible("buyer"),
                            g.place("seller", 1, 0),
                            g.place("witness", second, second == 1 ? 1 : 0));
                    check(current, Map.of());
                    Map<String, PadesProfile> ours = new LinkedHashMap<>();
                    Path previous = fields;
                    int n = 1;
                    for (String field : List.of("buyer", "seller", "witness")) {
                        PadesProfile profile = field.equals("witness") ? PadesProfile.B_LTA : PadesProfile.B_T;
                        Path out = outputs.resolve(base + "-" + n + "-" + field + ".pdf");
                        current = step(steps, file, scenario, n++ + " " + field + " " + profile, previous, out, 1, profile, null);
                        SignRequest.Builder request = request(previous, out, "Signer " + field, profile).field(field);
                        if (!field.equals("buyer")) {
                            request.appearance(VisibleAppearance.of(1, 0, 0, 36, 18)); // drawn in the field's box
                        }
                        engine.sign(request.build());
                        ours.put(field, profile);
                        check(current, ours);
                        previous = out;
                    }
                }
                case "b-certify" -> {
                    Geometry g = Geometry.of(input);
                    Path fields = outputs.resolve(base + "-0-fields.pdf");
                    current = step(steps, file, scenario, "fields", input, fields, 0, null, null);
                    engine.prepareFields(DocumentSource.of(input), DocumentTarget.of(fields),
                            SignatureField.invisible("author"), g.place("client", 1, 0));
                    check(current, Map.of());
                    Path certified = outputs.resolve(base + "-1-certified.pdf");
                    boolean signedAlready = !DssFindings.of(Files.readAllBytes(input), anchors).signatures().isEmpty();
                    current = step(steps, file, scenario, signedAlready ? "1 author lock B-LT" : "1 author P=2 lock B-LT",
                            fields, certified, 1, PadesProfile.B_LT, null);
                    if (signedAlready) {
                        // only the first signature of a document may certify it: refused, nothing written
                        try {
                            engine.sign(request(fields, certified, "Author", PadesProfile.B_LT).field("author")
                                    .certify(CertificationLevel.FORM_FILL).build());
                            current.problems().add("certifying a signed document was not refused");
                        } catch (SignatureEngineException e) {
                            if (e.code() != ErrorCode.INVALID_REQUEST || Files.exists(certified)) {
                                current.problems().add("certifying a signed document: " + e + (Files.exists(certified)
                                        ? ", and an output was written" : ""));
                            }
                        }
                    }
                    engine.sign(request(fields, certified, "Author", PadesProfile.B_LT).field("author")
                            .certify(signedAlready ? null : CertificationLevel.FORM_FILL)
                            .lockFields(FieldLock.include("author")).build());
                    check(current, Map.of("author", PadesProfile.B_LT));
                    Path both = outputs.resolve(base + "-2-client.pdf");
                    current = step(steps, file, scenario, "2 client B-T", certified, both, 1, PadesProfile.B_T, null);
                    engine.sign(request(certified, both, "Client", PadesProfile.B_T).field("client")
                            .appearance(VisibleAppearance.of(1, 0, 0, 36, 18)).build());
                    check(current, orderedMap("author", PadesProfile.B_LT, "client", PadesProfile.B_T));
                }
                case "c-visible" -> {
                    Geometry g = Geometry.of(input);
                    Path out = outputs.resolve(base + ".pdf");
                    current = step(steps, file, scenario, "B-LTA", input, out, 1, PadesProfile.B_LTA, null);
                    SignatureField.Box box = g.box(1, 0);
                    engine.sign(request(input, out, UNICODE_NAME, PadesProfile.B_LTA)
                            .appearance(VisibleAppearance.of(1, box.x(), box.y(), box.width(), box.height())
                                    .withImage(AppearanceImage.of(VisibleSignatureRenderTest.signaturePng(300, 100))))
                            .reason("Approved").build());
                    check(current, Map.of("", PadesProfile.B_LTA));
                }
                case "d-encrypted" -> {
                    Path encrypted = outputs.resolve(base + "-0-aes256.pdf");
                    qpdfEncrypt(input, encrypted);
                    Path out = outputs.resolve(base + "-1-signed.pdf");
                    current = step(steps, file, scenario, "AES-256 B-T", encrypted, out, 1, PadesProfile.B_T, PASSWORD);
                    engine.sign(request(encrypted, out, "Jane Doe", PadesProfile.B_T).password(PASSWORD.toCharArray()).build());
                    check(current, Map.of("", PadesProfile.B_T));
                }
                default -> throw new IllegalArgumentException(scenario);
            }
        } catch (Exception | AssertionError | OutOfMemoryError e) {
            if (current == null) {
                current = new Step(file, scenario, "setup", input, outputs.resolve(base + "-setup.pdf"), 0, null, null,
                        Collections.synchronizedList(new ArrayList<>()));
                steps.add(current);
            }
            current.problems().add("failed: " + e); // the reader panel skips an output that was not written
        }
        return steps;
    }

    private static Step step(List<Step> steps, String file, String scenario, String label, Path in, Path out,
                             int newSignatures, PadesProfile profile, String password) throws IOException {
        Files.deleteIfExists(out); // from an earlier run: each step writes its output afresh
        Step step = new Step(file, scenario, label, in, out, newSignatures, profile, password,
                Collections.synchronizedList(new ArrayList<>()));
        steps.add(step);
        return step;
    }

    private static Map<String, PadesProfile> orderedMap(String k1, PadesProfile v1, String k2, PadesProfile v2) {
        Map<String, PadesProfile> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static SignRequest.Builder request(Path in, Path out, String who, PadesProfile profile) {
        return SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(Signer.parse(who + " <signer@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .profile(profile);
    }

    /** Encrypts {@code in} with qpdf (AES-256, user password {@link #PASSWORD}) into {@code out}. */
    static void qpdfEncrypt(Path in, Path out) throws Exception {
        Files.deleteIfExists(out);
        Process process = new ProcessBuilder("qpdf", "--encrypt", PASSWORD, "owner-" + PASSWORD, "256", "--",
                in.toString(), out.toString()).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("qpdf --encrypt timed out");
        }
        // exit 3: warnings (a foreign signature's file rewritten), the output is written
        if (process.exitValue() != 0 && process.exitValue() != 3) {
            throw new IllegalStateException("qpdf --encrypt failed (" + process.exitValue() + "): " + text);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The checks of one output

    /**
     * @param ours the engine's signatures in the output, by field name, with the profile each claimed when made
     *             ("" for the one signature of a scenario whose field the engine names): the last one is the newest
     */
    private static void check(Step step, Map<String, PadesProfile> ours) throws Exception {
        List<String> problems = step.problems();
        byte[] in = Files.readAllBytes(step.input());
        byte[] out = Files.readAllBytes(step.output());
        String password = step.password();

        // raw DSS
        DssFindings before = DssFindings.of(in, anchors, ocsp, password);
        DssFindings after = DssFindings.of(out, anchors, ocsp, password);
        Map<String, DssFindings.Entry> earlier = new HashMap<>();
        before.signatures().forEach(e -> earlier.put(e.fieldName(), e));
        Set<String> earlierTimestamps = new HashSet<>();
        before.entries().stream().filter(DssFindings.Entry::timestamp).forEach(e -> earlierTimestamps.add(e.id()));
        String inputOverlaps = overlapFinding(DssFindings.annotationOverlapPages(in, password));
        if (after.signatures().size() != before.signatures().size() + step.newSignatures()) {
            problems.add("DSS sees " + after.signatures().size() + " signatures, expected "
                    + (before.signatures().size() + step.newSignatures()));
        }
        Map<String, PadesProfile> claimed = resolve(ours, after.signatures().stream().map(DssFindings.Entry::fieldName)
                .filter(f -> !earlier.containsKey(f) || ours.containsKey(f)).toList());
        String newest = claimed.isEmpty() ? null : List.copyOf(claimed.keySet()).get(claimed.size() - 1);
        for (DssFindings.Entry e : after.signatures()) {
            PadesProfile profile = claimed.get(e.fieldName());
            if (profile == null) {
                DssFindings.Entry was = earlier.get(e.fieldName());
                if (was == null) {
                    problems.add("DSS: a signature " + e.fieldName() + " that no step made");
                } else if (!was.indication().equals(e.indication()) || !was.subIndication().equals(e.subIndication())) {
                    problems.add("DSS: earlier signature " + e.fieldName() + " was " + was.indication() + " "
                            + was.subIndication() + ", now " + e.indication() + " " + e.subIndication());
                }
                continue;
            }
            String format = format(profile);
            boolean exact = e.fieldName().equals(newest) && step.newSignatures() > 0;
            if (!"TOTAL_PASSED".equals(e.indication()) || (exact ? !format.equals(e.format()) : rank(e.format()) < rank(format))) {
                problems.add("DSS: signature " + e.fieldName() + " is " + e.indication() + " " + e.subIndication() + " at "
                        + e.format() + ", expected TOTAL_PASSED at " + (exact ? "" : "least ") + format);
            }
            List<String> findings = e.findings().stream().filter(f -> !f.equals(inputOverlaps)).toList();
            if (!findings.isEmpty()) {
                problems.add("DSS finds after signature " + e.fieldName() + ": " + findings);
            }
        }
        for (DssFindings.Entry e : after.entries()) {
            // DSS gives a document time-stamp PASSED (TOTAL_PASSED is for signatures)
            if (e.timestamp() && !earlierTimestamps.contains(e.id())
                    && (!"PASSED".equals(e.indication()) || !e.findings().stream().allMatch(f -> f.equals(inputOverlaps)))) {
                problems.add("DSS: new document time-stamp " + e.indication() + " " + e.subIndication() + " " + e.findings());
            }
        }

        // the engine's own validation
        if (!claimed.isEmpty()) {
            ValidationOptions options = password == null ? ValidationOptions.sandbox()
                    : ValidationOptions.sandbox().withPassword(password.toCharArray());
            ValidationReport report = engine.validate(DocumentSource.of(step.output()), options);
            for (SignatureValidation s : report.signatures()) {
                PadesProfile profile = s.documentTimestamp() ? null : claimed.get(s.fieldName());
                if (!s.documentTimestamp() && profile == null) {
                    continue; // a foreign signature
                }
                if (s.indication() != Indication.TOTAL_PASSED || !s.modifications().isEmpty()) {
                    problems.add("engine: " + (s.documentTimestamp() ? "document time-stamp" : "signature " + s.fieldName())
                            + " " + s.indication() + " " + s.subIndication().orElse("") + " " + s.errors() + " " + s.modifications());
                }
                if (profile != null) {
                    boolean exact = s.fieldName().equals(newest) && step.newSignatures() > 0;
                    Optional<PadesProfile> got = s.profile();
                    if (got.isEmpty() || (exact ? got.get() != profile : got.get().ordinal() < profile.ordinal())) {
                        problems.add("engine: signature " + s.fieldName() + " at " + got + ", expected "
                                + (exact ? "" : "at least ") + profile);
                    }
                }
            }
        }

        // pdfsig
        int validBefore = ExternalValidators.validSignatureCount(pdfsig(step.input(), password));
        String pdfsig = pdfsig(step.output(), password);
        int validAfter = ExternalValidators.validSignatureCount(pdfsig);
        if (validAfter != validBefore + step.newSignatures()) {
            problems.add("pdfsig: " + validAfter + " valid signatures, the input had " + validBefore + " and "
                    + step.newSignatures() + " were added: " + pdfsig.replace('\n', ' '));
        }

        // iText
        ITextCheck itextIn = ITextCheck.of(in, password);
        ITextCheck itext = ITextCheck.of(out, password);
        if (itext.rebuiltXref()) {
            problems.add("iText rebuilt the cross-reference table");
        }
        itext.signatures().forEach((name, verified) -> {
            boolean expected = itextIn.signatures().getOrDefault(name, true);
            if (verified != expected) {
                problems.add("iText: " + name + (verified ? " verifies, it did not on the input" : " does not verify"));
            }
        });
        if (!itext.signatures().keySet().containsAll(itextIn.signatures().keySet())) {
            problems.add("iText: signatures of the input are gone: " + itextIn.signatures().keySet() + " -> "
                    + itext.signatures().keySet());
        }
        // iText counts the signed revisions, plus one for an unsigned tail (revisions after the last signature)
        int dssCount = after.entries().size();
        int revisions = dssCount == 0 ? 0 : dssCount + (itext.lastCoversWholeDocument() ? 0 : 1);
        if (itext.totalRevisions() != revisions || itext.signatures().size() != dssCount) {
            problems.add("iText counts " + itext.totalRevisions() + " revisions and signatures " + itext.signatures().keySet()
                    + ", DSS " + dssCount + " signatures and document time-stamps");
        }
        boolean coversAll = step.newSignatures() > 0 && step.profile() != PadesProfile.B_LT;
        if (coversAll && !itext.lastCoversWholeDocument()) {
            problems.add("iText: the last signature " + itext.lastName() + " does not cover the whole document");
        }
        if (step.newSignatures() == 0 && !itext.blankFields().containsAll(fieldsOf(step))) {
            problems.add("iText lists blank signature fields " + itext.blankFields() + ", expected " + fieldsOf(step));
        }
    }

    /** The prepared fields a fields step writes. */
    private static List<String> fieldsOf(Step step) {
        return step.scenario().equals("a-fields") ? List.of("buyer", "seller", "witness") : List.of("author", "client");
    }

    /** Replaces the "" key (a field the engine named) by the one new field name of the output. */
    private static Map<String, PadesProfile> resolve(Map<String, PadesProfile> ours, List<String> candidates) {
        if (!ours.containsKey("")) {
            return ours;
        }
        Map<String, PadesProfile> resolved = new LinkedHashMap<>();
        candidates.stream().filter(f -> !ours.containsKey(f)).forEach(f -> resolved.put(f, ours.get("")));
        return resolved;
    }

    private static String pdfsig(Path pdf, String password) throws Exception {
        List<String> command = new ArrayList<>(List.of("pdfsig", "-nocert"));
        if (password != null) {
            command.addAll(List.of("-upw", password));
        }
        command.add(pdf.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pdfsig timed out");
        }
        return text;
    }

    private static String format(PadesProfile profile) {
        return "PAdES-BASELINE-" + profile.name().substring(2);
    }

    private static int rank(String format) {
        return List.of("PAdES-BASELINE-B", "PAdES-BASELINE-T", "PAdES-BASELINE-LT", "PAdES-BASELINE-LTA").indexOf(format);
    }

    private static String overlapFinding(Set<Integer> pages) {
        return pages.isEmpty() ? "" : "annotations overlap on page(s) " + pages.stream().map(java.math.BigInteger::valueOf).toList();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Where boxes go

    /**
     * The input's pages: their visible size and annotation rectangles in the caller's coordinates (top-left origin,
     * points), so that boxes are placed on the page and clear of every existing annotation (DSS reports overlapping
     * annotations).
     */
    record Geometry(List<float[]> sizes, List<List<float[]>> annotations) {
        static final float W = 200;
        static final float H = 60;

        static Geometry of(Path pdf) throws IOException {
            List<float[]> sizes = new ArrayList<>();
            List<List<float[]>> annotations = new ArrayList<>();
            try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
                for (PDPage page : document.getPages()) {
                    PDRectangle crop = page.getCropBox();
                    sizes.add(new float[] {crop.getWidth(), crop.getHeight()});
                    List<float[]> rects = new ArrayList<>();
                    for (PDAnnotation a : page.getAnnotations()) {
                        PDRectangle r = a.getRectangle();
                        if (r != null) {
                            rects.add(new float[] {r.getLowerLeftX() - crop.getLowerLeftX(), crop.getUpperRightY() - r.getUpperRightY(),
                                    r.getWidth(), r.getHeight()});
                        }
                    }
                    annotations.add(rects);
                }
            }
            return new Geometry(sizes, annotations);
        }

        int pages() {
            return sizes.size();
        }

        /** The {@code nth} free corner box on {@code page}: bottom-left, bottom-right, top-left, top-right. */
        SignatureField.Box box(int page, int nth) {
            float[] size = sizes.get(page - 1);
            float w = Math.min(W, size[0] / 2 - 20);
            float h = Math.min(H, size[1] / 4);
            List<float[]> corners = List.of(new float[] {20, size[1] - h - 30}, new float[] {size[0] - w - 20, size[1] - h - 30},
                    new float[] {20, 30}, new float[] {size[0] - w - 20, 30});
            int found = 0;
            for (float[] c : corners) {
                boolean free = annotations.get(page - 1).stream().noneMatch(a -> a[0] < c[0] + w + 4 && c[0] < a[0] + a[2] + 4
                        && a[1] < c[1] + h + 4 && c[1] < a[1] + a[3] + 4);
                if (free && found++ == nth) {
                    return new SignatureField.Box(c[0], c[1], w, h);
                }
            }
            throw new IllegalStateException("no free corner " + nth + " on page " + page);
        }

        SignatureField place(String name, int page, int nth) {
            SignatureField.Box b = box(page, nth);
            return SignatureField.placed(name, page, b.x(), b.y(), b.width(), b.height());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String matrix(List<Path> inputs, List<Step> steps) {
        StringBuilder out = new StringBuilder("Feature panel: envelope features over real producers (ok = raw DSS and engine"
                + " TOTAL_PASSED at the claimed profile with no modification, pdfsig, iText and the reader panel clean)\n");
        for (Path input : inputs) {
            String file = input.getFileName().toString();
            out.append(file).append('\n');
            steps.stream().filter(s -> s.file().equals(file))
                    .sorted(java.util.Comparator.comparing(Step::scenario).thenComparing(Step::step))
                    .forEach(s -> out.append(String.format("  %-12s %-26s %s%n", s.scenario(), s.step(),
                            s.problems().isEmpty() ? "ok" : "FAIL (" + s.problems().size() + ")")));
        }
        long failed = steps.stream().filter(s -> !s.problems().isEmpty()).count();
        out.append(String.format("%d outputs: %d ok, %d failed%n", steps.size(), steps.size() - failed, failed));
        return out.toString();
    }

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
