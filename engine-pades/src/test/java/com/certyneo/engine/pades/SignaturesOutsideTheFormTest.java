package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A signature whose field a later revision takes out of the form is still in the report, failed, and two signatures
 * whose fields share a name are two entries; a form the engine creates is an object of its own, so that poppler,
 * signing next, keeps its field in it. Validators that read the form (PDFBox, so DSS) do not see the first at
 * all; the engine finds it among the page's widgets. Both came from a real product: @signpdf's plain placeholder,
 * signing after the engine, writes a new /AcroForm holding only its own field, named "Signature1" whatever the form
 * holds, into a catalog that keeps the old /AcroForm too (the key twice). The engine's report then left out its own
 * "Signature1" (taken for @signpdf's, by name) and called its document time-stamp unreadable.
 */
class SignaturesOutsideTheFormTest {

    private static final String OUTSIDE = "field is not in the document's form (/AcroForm /Fields)";

    @TempDir
    Path home;

    @Test
    void aSignatureWhoseFieldALaterRevisionTakesOutOfTheFormIsReportedFailed() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home);
        byte[] signed = sign(engine, PdfVector.CLASSIC_XREF.bytes(), PadesProfile.B_T);
        assertEquals(List.of(Indication.TOTAL_PASSED), validate(engine, signed).stream().map(SignatureValidation::indication)
                .toList());

        // a later writer (PDFBox here) empties /Fields and leaves the widget on the page
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PDDocument document = Loader.loadPDF(signed)) {
            COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
            COSDictionary form = catalog.getCOSDictionary(COSName.ACRO_FORM);
            form.setItem(COSName.FIELDS, new COSArray());
            form.setNeedToBeUpdated(true);
            catalog.setNeedToBeUpdated(true);
            document.saveIncremental(out);
        }
        List<SignatureValidation> after = validate(engine, out.toByteArray());
        assertEquals(1, after.size(), after.toString());
        SignatureValidation ours = after.get(0);
        assertEquals(Indication.TOTAL_FAILED, ours.indication());
        assertTrue(ours.errors().stream().anyMatch(e -> e.contains(OUTSIDE)), ours.errors().toString());
    }

    @Test
    void signpdfAfterTheEngineLeavesTheEngineSignatureInTheReportFailed() throws Exception {
        OtherSigners.SignPdf signpdf = OtherSigners.SignPdf.create(home.resolve("signpdf"));
        assumeTrue(signpdf != null, "node, openssl or corpus/node_modules/@signpdf is missing");
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home.resolve("engine"));
        byte[] ours = sign(engine, PdfVector.CLASSIC_XREF.bytes(), PadesProfile.B_LTA);
        byte[] after = signpdf.sign(ours);

        List<SignatureValidation> report = validate(engine, after);
        // the engine's signature and document time-stamp, and @signpdf's signature
        assertEquals(3, report.size(), report.toString());
        List<SignatureValidation> outside = report.stream()
                .filter(s -> s.errors().stream().anyMatch(e -> e.contains(OUTSIDE))).toList();
        assertEquals(2, outside.size(), report.toString());
        assertTrue(outside.stream().allMatch(s -> s.indication() == Indication.TOTAL_FAILED), outside.toString());
        assertEquals(1, outside.stream().filter(SignatureValidation::documentTimestamp).count(), outside.toString());
        SignatureValidation theirs = report.stream().filter(s -> !outside.contains(s)).findFirst().orElseThrow();
        assertEquals(Indication.INDETERMINATE, theirs.indication(), theirs.toString()); // a self-signed certificate
        // the engine's document time-stamp came before it: its loss takes nothing from @signpdf's signature
        assertTrue(theirs.warnings().stream().noneMatch(w -> w.contains("long-term protection")), theirs.toString());
    }

    @Test
    void twoSignaturesWhoseFieldsShareANameAreTwoEntries() throws Exception {
        // @signpdf's plain placeholder named its field "Signature1" whatever the form held (before the engine wrote its
        // form as an object of its own); PDFBox does here what it is told
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home.resolve("engine"));
        byte[] ours = sign(engine, PdfVector.CLASSIC_XREF.bytes(), PadesProfile.B_T);
        byte[] after = OtherSigners.pdfBox(ours, TestPki.create().signer(TestPki.Kind.GOOD, TestPki.KeyType.EC_P256),
                "Signature1");
        List<SignatureValidation> report = validate(engine, after);
        assertEquals(2, report.size(), report.toString());
        assertEquals(List.of("Signature1", "Signature1"), report.stream().map(SignatureValidation::fieldName).toList());
        SignatureValidation theEngines = report.stream().filter(v -> v.indication() == Indication.TOTAL_PASSED)
                .findFirst().orElseThrow(() -> new AssertionError(report.toString()));
        assertTrue(theEngines.signedBy().contains("Jane Doe"), theEngines.toString());

        // then the engine's field leaves the form: DSS sees only the other "Signature1", and the engine's must not hide
        // behind its name
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PDDocument document = Loader.loadPDF(after)) {
            COSDictionary form = document.getDocumentCatalog().getAcroForm().getCOSObject();
            COSArray fields = (COSArray) form.getDictionaryObject(COSName.FIELDS);
            fields.remove(0); // the engine's, the first field
            fields.setNeedToBeUpdated(true);
            form.setNeedToBeUpdated(true);
            document.saveIncremental(out);
        }
        List<SignatureValidation> last = validate(engine, out.toByteArray());
        assertEquals(2, last.size(), last.toString());
        assertTrue(last.stream().anyMatch(v -> v.indication() == Indication.TOTAL_FAILED
                && v.errors().stream().anyMatch(e -> e.contains(OUTSIDE))), last.toString());
    }

    /**
     * poppler's {@code pdfsig -add-signature} adds its field to an indirect /AcroForm, but loses it from one written
     * inside the catalog (PDFBox and DSS write theirs so): its signature is then only on its page. The engine writes a
     * new form as an object of its own, so the next signer's field is in the form.
     */
    @Test
    void theFormTheEngineCreatesIsAnObjectOfItsOwnSoPopplerSigningNextStaysInIt() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home.resolve("engine"));
        for (boolean prepared : new boolean[] {false, true}) {
            byte[] input = PdfVector.CLASSIC_XREF.bytes();
            if (prepared) { // the form made by prepareFields, not by the signature
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                engine.prepareFields(DocumentSource.of(input, "in.pdf"), DocumentTarget.of(out),
                        com.certyneo.engine.SignatureField.invisible("Recipient"));
                input = out.toByteArray();
            }
            byte[] ours = sign(engine, input, PadesProfile.B_T);
            try (PDDocument document = Loader.loadPDF(ours)) {
                assertTrue(document.getDocumentCatalog().getCOSObject().getItem(COSName.ACRO_FORM)
                        instanceof org.apache.pdfbox.cos.COSObject, "the /AcroForm is written inside the catalog");
            }
            OtherSigners.Poppler poppler = OtherSigners.Poppler.create(home.resolve("poppler-" + prepared),
                    TestPki.create().signer(TestPki.Kind.GOOD, TestPki.KeyType.RSA_PSS_3072)); // RSA: see the gate
            assumeTrue(poppler != null, "pdfsig, certutil or pk12util is missing");
            byte[] after = poppler.sign(ours, "Next");
            try (PDDocument document = Loader.loadPDF(after)) {
                assertTrue(document.getSignatureFields().stream().anyMatch(f -> f.getPartialName().equals("Next")),
                        "poppler's field is not in the form");
            }
            List<SignatureValidation> report = validate(engine, after);
            assertTrue(report.stream().noneMatch(v -> v.errors().stream().anyMatch(e -> e.contains(OUTSIDE))),
                    report.toString());
            assertTrue(report.stream().anyMatch(v -> v.fieldName().equals("Next")), report.toString());
        }
    }

    /** AES at {@code profile}, signed by Jane Doe as the signed-after gate signs. */
    private static byte[] sign(PadesSignatureEngine engine, byte[] pdf, PadesProfile profile) {
        return SignedAfterEngineGateTest.sign(engine, pdf, null, profile);
    }

    private static List<SignatureValidation> validate(PadesSignatureEngine engine, byte[] pdf) {
        return engine.validate(DocumentSource.of(pdf, "signed.pdf"), ValidationOptions.sandbox()).signatures();
    }
}
