package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.engine.pades.interop.Corpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.verapdf.pdfa.flavours.PDFAFlavour;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PDF/A stays PDF/A: real-producer PDF/A inputs (LibreOffice PDF/A-1a, 2b, 3b; Ghostscript PDF/A-1b, 2b, 3b, from
 * corpus/generate.sh; PDF/A-2u: the engine's own validation report) signed by the sandbox engine (so with the
 * SANDBOX mark) at every profile, invisible and visible, are still valid at the flavour they claim under veraPDF,
 * and the signature validates at its profile.
 */
class PdfaInputTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String file : List.of("libreoffice-writer-pdfa1a.pdf", "libreoffice-writer-pdfa2b.pdf",
                "libreoffice-writer-pdfa3b.pdf", "ghostscript-pdfa1b.pdf", "ghostscript-pdfa2b.pdf", "ghostscript-pdfa3b.pdf")) {
            for (PadesProfile profile : PadesProfile.values()) {
                all.add(Arguments.of(file, profile, false));
            }
            all.add(Arguments.of(file, PadesProfile.B_B, true));
            all.add(Arguments.of(file, PadesProfile.B_LTA, true));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} visible={2}")
    @MethodSource("cases")
    void staysValidAtItsFlavour(String file, PadesProfile profile, boolean visible) throws Exception {
        Path in = Corpus.file(file);
        byte[] input = Files.readAllBytes(in);
        PDFAFlavour flavour = Pdfa.claimed(input);
        assertNotEquals(PDFAFlavour.NO_FLAVOUR, flavour, file + " claims PDF/A");
        assertEquals(List.of(), Pdfa.failedRules(input, flavour), "the input is valid " + flavour);
        Path out = dir.resolve("signed.pdf");
        SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(SharedSandboxTest.jane()).profile(profile);
        if (visible) {
            request.appearance(VisibleAppearance.of(1, 60, 60, 220, 70));
        }
        engine.sign(request.build());
        byte[] output = Files.readAllBytes(out);
        assertEquals(flavour, Pdfa.claimed(output), "the output claims the same flavour");
        assertEquals(List.of(), Pdfa.failedRules(output, flavour), "the signed output is valid " + flavour);
        SharedSandboxTest.validOne(engine, out);
    }

    /**
     * PDF/A-2u: the engine's own validation report (ValidationReportRenderer, PDF/A-2u with embedded, extractable
     * fonts) signed at B-LTA, invisible and visible, stays valid PDF/A-2u.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "visible={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aPdfa2uReportStaysPdfa2u(boolean visible) throws Exception {
        Path signed = dir.resolve("contract.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(com.certyneo.testvectors.SamplePdfs.minimal(), "contract.pdf"))
                .output(DocumentTarget.of(signed)).signer(SharedSandboxTest.jane()).profile(PadesProfile.B_B).build());
        com.certyneo.engine.ValidationReport report = engine.validate(DocumentSource.of(signed),
                com.certyneo.engine.ValidationOptions.sandbox());
        Path in = dir.resolve("report.pdf");
        ValidationReportRenderer.render(DocumentSource.of(signed), report, ValidationReportRenderer.Format.PDF,
                DocumentTarget.of(in));
        byte[] input = Files.readAllBytes(in);
        assertEquals(PDFAFlavour.PDFA_2_U, Pdfa.claimed(input));
        assertEquals(List.of(), Pdfa.failedRules(input, PDFAFlavour.PDFA_2_U), "the report is valid PDF/A-2u");
        Path out = dir.resolve("signed-report.pdf");
        SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(SharedSandboxTest.jane()).profile(PadesProfile.B_LTA);
        if (visible) {
            request.appearance(VisibleAppearance.of(1, 60, 60, 220, 70));
        }
        engine.sign(request.build());
        assertEquals(List.of(), Pdfa.failedRules(Files.readAllBytes(out), PDFAFlavour.PDFA_2_U), "the signed report is valid PDF/A-2u");
        SharedSandboxTest.validOne(engine, out);
    }

    /**
     * An envelope on a PDF/A input: every recipient's field prepared up front (invisible and placed), then each signs
     * into theirs (the placed ones drawn in, with and without an explicit appearance). Every intermediate document
     * stays valid at the flavour (PDF/A-1 wants an appearance on every form field, PDF/A-2 and later on every
     * annotation with an area: the placed fields carry a blank one until signed), and neither the engine nor raw DSS
     * reports a modification.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"libreoffice-writer-pdfa1a.pdf", "libreoffice-writer-pdfa2b.pdf",
            "ghostscript-pdfa1b.pdf", "ghostscript-pdfa3b.pdf"})
    void preparedFieldsAndTheirSignaturesStayValid(String file) throws Exception {
        Path in = Corpus.file(file);
        PDFAFlavour flavour = Pdfa.claimed(Files.readAllBytes(in));
        Path fields = dir.resolve("fields.pdf");
        engine.prepareFields(DocumentSource.of(in), DocumentTarget.of(fields), List.of(
                com.certyneo.engine.SignatureField.invisible("buyer"),
                com.certyneo.engine.SignatureField.placed("seller", 1, 40, 300, 200, 60),
                com.certyneo.engine.SignatureField.placed("witness", 1, 300, 300, 200, 60)));
        assertEquals(List.of(), Pdfa.failedRules(Files.readAllBytes(fields), flavour), "the prepared fields are valid " + flavour);
        Path current = fields;
        for (String field : List.of("buyer", "seller", "witness")) {
            Path next = dir.resolve(field + ".pdf");
            SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(current)).output(DocumentTarget.of(next))
                    .signer(SharedSandboxTest.jane()).field(field)
                    .profile(field.equals("witness") ? PadesProfile.B_LTA : PadesProfile.B_LT);
            if (field.equals("witness")) {
                request.appearance(VisibleAppearance.of(1, 0, 0, 36, 18)); // the position of an existing field is not used
            }
            engine.sign(request.build());
            assertEquals(List.of(), Pdfa.failedRules(Files.readAllBytes(next), flavour), field + " signed: valid " + flavour);
            current = next;
        }
        byte[] signed = Files.readAllBytes(current);
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(signed)) {
            for (var f : document.getSignatureFields()) {
                if (f.getPartialName().equals("seller") || f.getPartialName().equals("witness")) {
                    byte[] content = f.getWidgets().get(0).getNormalAppearanceStream().getContentStream().toByteArray();
                    assertTrue(content.length > 0, f.getPartialName() + ": the blank appearance is drawn in when signed");
                }
            }
        }
        com.certyneo.engine.ValidationReport report = engine.validate(DocumentSource.of(current),
                com.certyneo.engine.ValidationOptions.sandbox());
        assertEquals(4, report.signatures().size(), report.toString()); // three signatures and the B-LTA time-stamp
        for (com.certyneo.engine.SignatureValidation v : report.signatures()) {
            assertEquals(com.certyneo.engine.Indication.TOTAL_PASSED, v.indication(), v.toString());
            assertEquals(List.of(), v.modifications(), v.toString());
        }
        for (DssFindings.Entry e : DssFindings.of(signed, List.of(engine.sandboxPki().orElseThrow().rootCertificate())).entries()) {
            // a signature TOTAL_PASSED; a time-stamp's own validation concludes PASSED
            assertEquals(e.timestamp() ? "PASSED" : "TOTAL_PASSED", e.indication(), e.toString());
            assertEquals(List.of(), e.findings(), "raw DSS reports no modification: " + e);
        }
    }

    /**
     * PDF/A-1 wants an appearance on every form field (ISO 19005-1 §6.9): an invisible signature field another tool
     * left without one (here made with PDFBox) gets an empty one from the revision that signs into it.
     */
    @org.junit.jupiter.api.Test
    void anInvisibleFieldWithoutAnAppearanceGetsOneWhenSignedInPdfa1() throws Exception {
        Path in = Corpus.file("ghostscript-pdfa1b.pdf");
        Path withField = dir.resolve("with-field.pdf");
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(in.toFile())) {
            ForeignSignatureField.add(document, "approver", new org.apache.pdfbox.pdmodel.common.PDRectangle(0, 0, 0, 0), null);
            document.save(withField.toFile(), org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION); // PDF/A-1: a classic table
        }
        assertTrue(Pdfa.failedRules(Files.readAllBytes(withField), PDFAFlavour.PDFA_1_B).stream()
                .anyMatch(rule -> rule.startsWith("6.9-2")), "the field without an appearance is what PDF/A-1 refuses");
        Path out = dir.resolve("approved.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(withField)).output(DocumentTarget.of(out))
                .signer(SharedSandboxTest.jane()).field("approver").profile(PadesProfile.B_T).build());
        assertEquals(List.of(), Pdfa.failedRules(Files.readAllBytes(out), PDFAFlavour.PDFA_1_B), "signed: valid PDF/A-1b");
        SharedSandboxTest.validOne(engine, out);
    }
}
