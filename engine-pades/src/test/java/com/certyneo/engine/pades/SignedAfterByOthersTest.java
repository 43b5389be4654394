package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A document the engine signed, then signed by another party's product built on Apache PDFBox ({@code addSignature}
 * and {@code saveIncremental}, as Java back ends sign), on DSS or on iText: the engine's signature keeps its
 * indication. PDFBox
 * writes every signature field of the form again, and every annotation of the page it adds its widget to, adding
 * /Type /Annot where it was left out; in an AES-encrypted document it encrypts them again with new initialisation
 * vectors. DSS's visible signature gives a catalog without output intents an sRGB PDF/A one. iText writes direct
 * annotations as objects of their own. None of that changes
 * what the document says, and the engine's validation once reported the engine's own signature TOTAL_FAILED for it
 * (MODIFIED_AFTER_SIGNING, or CERTIFICATION_VIOLATED under a P=2 certification).
 */
class SignedAfterByOthersTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static TestPki.Credential other;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        other = TestPki.create().signer(TestPki.Kind.GOOD, TestPki.KeyType.EC_P256);
    }

    @Test
    void anOwnerPasswordAes256DocumentSignedAgainByPdfBoxKeepsTheEngineSignatureValid() throws Exception {
        byte[] ours = sign(SamplePdfs.encryptedOwnerPasswordOnly(), null);
        SignatureValidation before = engineSignature(ours);
        assertEquals(Indication.TOTAL_PASSED, before.indication(), before.toString());

        byte[] after = OtherSigners.pdfBox(ours, other);
        SignatureValidation now = engineSignature(after);
        assertEquals(Indication.TOTAL_PASSED, now.indication(), now.errors() + " " + now.modifications());
        assertEquals(List.of(), now.modifications());
    }

    @Test
    void aVisibleDssSignatureAfterTheEngineKeepsTheEngineSignatureValid() throws Exception {
        byte[] ours = sign(SamplePdfs.minimal(), null);
        byte[] after = OtherSigners.dssVisible(ours, other);
        try (PDDocument signed = Loader.loadPDF(after)) {
            assertTrue(signed.getDocumentCatalog().getCOSObject().containsKey(COSName.OUTPUT_INTENTS),
                    "DSS added an output intent (the case under test)");
        }
        SignatureValidation now = engineSignature(after);
        assertEquals(Indication.TOTAL_PASSED, now.indication(), now.errors() + " " + now.modifications());
    }

    @Test
    void anITextSignatureAfterTheEngineKeepsAFormFillCertificationOfAPageWithDirectAnnotations() throws Exception {
        // iText writes the page's direct annotations as objects of their own, and adds /Type /Annot to the link
        byte[] ours = sign(directAnnotations(), CertificationLevel.FORM_FILL);
        byte[] after = OtherSigners.iText(ours, other, "OtherParty");
        assertTrue(!new String(after, java.nio.charset.StandardCharsets.ISO_8859_1)
                .substring(ours.length).contains("/Annots[<<"), "iText wrote the annotations as objects (the case under test)");
        SignatureValidation now = engineSignature(after);
        assertEquals(Indication.TOTAL_PASSED, now.indication(), now.errors() + " " + now.modifications());
    }

    @Test
    void realChangesToAnEncryptedDocumentAreStillFoundThroughTheEncryption() throws Exception {
        byte[] ours = sign(SamplePdfs.encryptedOwnerPasswordOnly(), null);
        // a string: the signed field renamed (PDFBox encrypts the new /T as it writes the object again)
        byte[] renamed;
        try (PDDocument document = Loader.loadPDF(ours)) {
            var field = document.getDocumentCatalog().getAcroForm().getField("Signature1");
            field.getCOSObject().setString(COSName.T, "Renamed");
            field.getCOSObject().setNeedToBeUpdated(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            renamed = out.toByteArray();
        }
        SignatureValidation afterRename = engine.validate(DocumentSource.of(renamed, "renamed.pdf"), ValidationOptions.sandbox())
                .signatures().get(0);
        assertEquals(Indication.TOTAL_FAILED, afterRename.indication(), afterRename.toString());
        assertTrue(afterRename.modifications().stream().anyMatch(m -> m.contains("changed (/T)")), afterRename.toString());
        // a stream: text drawn over the page
        byte[] drawn;
        try (PDDocument document = Loader.loadPDF(ours)) {
            PDPage page = document.getPage(0);
            try (org.apache.pdfbox.pdmodel.PDPageContentStream content = new org.apache.pdfbox.pdmodel.PDPageContentStream(
                    document, page, org.apache.pdfbox.pdmodel.PDPageContentStream.AppendMode.APPEND, false)) {
                content.addRect(100, 100, 200, 200);
                content.fill();
            }
            page.getCOSObject().setNeedToBeUpdated(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            drawn = out.toByteArray();
        }
        SignatureValidation afterDrawing = engineSignature(drawn);
        assertEquals(Indication.TOTAL_FAILED, afterDrawing.indication(), afterDrawing.toString());
        assertTrue(afterDrawing.modifications().stream().anyMatch(m -> m.contains("page 1")), afterDrawing.toString());
    }

    @Test
    void annotationsWrittenAgainByPdfBoxDoNotBreakAFormFillCertification() throws Exception {
        byte[] ours = sign(directAnnotations(), CertificationLevel.FORM_FILL);
        assertEquals(Indication.TOTAL_PASSED, engineSignature(ours).indication());

        byte[] after = OtherSigners.pdfBox(ours, other);
        try (PDDocument document = Loader.loadPDF(after)) {
            assertEquals(COSName.ANNOT, document.getPage(0).getAnnotations().get(1).getCOSObject().getCOSName(COSName.TYPE),
                    "PDFBox stated the link's /Type (part of the case under test)");
        }
        SignatureValidation now = engineSignature(after);
        assertEquals(Indication.TOTAL_PASSED, now.indication(), now.errors() + " " + now.modifications());
    }

    @Test
    void aSecondSignatureByTheEngineKeepsAFormFillCertificationOfAPageWithDirectAnnotations() {
        // the engine's own next signature writes the page again too (its widget joins /Annots)
        byte[] certified = sign(directAnnotationsUnchecked(), CertificationLevel.FORM_FILL);
        byte[] second = sign(certified, null);
        SignatureValidation first = engineSignature(second);
        assertEquals(Indication.TOTAL_PASSED, first.indication(), first.errors() + " " + first.modifications());
    }

    @Test
    void aLinkThatPointsElsewhereAfterSigningStillBreaksTheCertification() throws Exception {
        byte[] ours = sign(directAnnotations(), CertificationLevel.FORM_FILL);
        byte[] changed;
        try (PDDocument document = Loader.loadPDF(ours)) {
            PDAnnotationLink link = (PDAnnotationLink) document.getPage(0).getAnnotations().get(1);
            link.getCOSObject().setItem(COSName.TYPE, COSName.ANNOT);
            link.setRectangle(new PDRectangle(10, 10, 300, 300)); // a bigger link, over the whole text
            document.getPage(0).getCOSObject().setNeedToBeUpdated(true); // the page holds the link directly
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            changed = out.toByteArray();
        }
        SignatureValidation now = engineSignature(changed);
        assertEquals(Indication.TOTAL_FAILED, now.indication());
        assertEquals(java.util.Optional.of(SignatureValidation.CERTIFICATION_VIOLATED), now.subIndication(), now.toString());
        assertTrue(now.errors().stream().anyMatch(e -> e.contains("changes an annotation (Link on page 1)")), now.errors().toString());
    }

    /**
     * One page whose /Annots holds its annotations as direct dictionaries, as ReportLab writes them: a square with an
     * appearance stream (an indirect object) and a link without /Type to the page itself.
     */
    private static byte[] directAnnotations() throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationSquareCircle square =
                    new org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationSquare();
            square.setRectangle(new PDRectangle(50, 600, 100, 50));
            org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream appearance =
                    new org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream(document);
            appearance.setBBox(new PDRectangle(100, 50));
            try (java.io.OutputStream content = appearance.getCOSObject().createOutputStream()) {
                content.write("0 0 1 RG 2 w 1 1 98 48 re S\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary dictionary =
                    new org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary();
            dictionary.setNormalAppearance(appearance);
            square.setAppearance(dictionary);
            square.getCOSObject().setDirect(true);
            PDAnnotationLink link = new PDAnnotationLink();
            link.setRectangle(new PDRectangle(50, 700, 100, 20));
            org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageFitDestination top =
                    new org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageFitDestination();
            top.setPage(page);
            link.setDestination(top); // a reference to the page, whose /Annots a later signature extends
            link.getCOSObject().removeItem(COSName.TYPE);
            link.getCOSObject().setDirect(true);
            page.getAnnotations().add(square);
            page.getAnnotations().add(link);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out, org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION);
            byte[] pdf = out.toByteArray();
            assertTrue(new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1).contains("/Annots [<<"),
                    "the annotations are direct dictionaries (the case under test)");
            return pdf;
        }
    }

    private static byte[] directAnnotationsUnchecked() {
        try {
            return directAnnotations();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] sign(byte[] pdf, CertificationLevel certification) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.parse("Jane Doe <jane@example.com>")
                        .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(certification == null ? SignatureLevel.AES : SignatureLevel.SES).profile(PadesProfile.B_T);
        if (certification != null) {
            request.certify(certification);
        }
        engine.sign(request.build());
        return out.toByteArray();
    }

    /** The engine's signature (field Signature1) as the engine's validation reports it. */
    private static SignatureValidation engineSignature(byte[] pdf) {
        return engine.validate(DocumentSource.of(pdf, "signed.pdf"), ValidationOptions.sandbox()).signatures().stream()
                .filter(s -> s.fieldName().equals("Signature1")).findFirst().orElseThrow();
    }
}
