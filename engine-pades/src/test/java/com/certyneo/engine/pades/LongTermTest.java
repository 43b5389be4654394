package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationSquare;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** B-LT/B-LTA by default in sandbox, extend(), renewal, document time-stamps, and strict modification detection. */
class LongTermTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    static byte[] sign(byte[] pdf, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sign(pdf, profile, out);
        return out.toByteArray();
    }

    /** Signs {@code pdf} into {@code out}; the result. */
    static SigningResult sign(byte[] pdf, PadesProfile profile, ByteArrayOutputStream out) {
        return engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .profile(profile).build());
    }

    static ValidationReport validate(byte[] pdf) {
        return engine.validate(DocumentSource.of(pdf, "x.pdf"), ValidationOptions.sandbox());
    }

    /**
     * A B-LTA file whose archive time-stamp token was damaged: DSS drops what it cannot parse, the report must
     * not (issue 10, item 9). The entry is there, failed, and the signature says its protection stops short.
     */
    @Test
    void aDamagedArchiveTimestampIsReportedNotDropped() {
        byte[] signed = sign(SamplePdfs.minimal(), PadesProfile.B_LTA);
        ValidationReport intact = validate(signed);
        assertEquals(2, intact.signatures().size());
        assertTrue(intact.allPassed());

        String text = new String(signed, java.nio.charset.StandardCharsets.ISO_8859_1);
        int contents = text.lastIndexOf("/Contents <");
        assertTrue(contents > 0);
        int token = contents + "/Contents <".length();
        byte[] damaged = signed.clone();
        for (int i = token + 8; i < token + 72; i++) {
            damaged[i] = 'F'; // inside the DER structure: the token no longer parses
        }
        ValidationReport report = validate(damaged);
        assertEquals(2, report.signatures().size(), report.signatures().toString());
        SignatureValidation timestamp = report.signatures().stream().filter(SignatureValidation::documentTimestamp)
                .findFirst().orElseThrow();
        assertEquals(Indication.TOTAL_FAILED, timestamp.indication());
        assertEquals("FORMAT_FAILURE", timestamp.subIndication().orElseThrow());
        assertFalse(report.allPassed());
        SignatureValidation signature = report.signatures().stream().filter(s -> !s.documentTimestamp())
                .findFirst().orElseThrow();
        assertTrue(signature.warnings().stream().anyMatch(w -> w.contains("in field 'Signature2' cannot be validated, so "
                + "this signature's long-term protection stops before it")), signature.warnings().toString());
        assertEquals(PadesProfile.B_LT, signature.profile().orElseThrow());
    }

    @Test
    void sandboxDefaultsToBltForSesAndAes() {
        assertEquals(PadesProfile.B_LT, engine.defaultProfile(SignatureLevel.AES));
        assertEquals(PadesProfile.B_LT, engine.defaultProfile(SignatureLevel.SES));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.of("Seal", "ops@example.com")).level(SignatureLevel.SES).build());
        assertEquals(PadesProfile.B_LT, result.profile());
        assertEquals(PadesProfile.B_LT, validate(out.toByteArray()).signatures().get(0).profile().orElseThrow());
        // A production engine without revocation sources stays at B-T.
        assertEquals(PadesProfile.B_T, ProductionFixture.create().engine().defaultProfile(SignatureLevel.SES));
    }

    @Test
    void extendRaisesBtToLtThenLtaAndRenewalAddsASecondArchiveTimestamp() throws Exception {
        byte[] bt = sign(SamplePdfs.multiPage(3), PadesProfile.B_T);
        ByteArrayOutputStream lt = new ByteArrayOutputStream();
        DocumentResult r1 = engine.extend(DocumentSource.of(bt, "bt.pdf"), DocumentTarget.of(lt), PadesProfile.B_LT);
        assertEquals(1, r1.signatureCount());
        assertEquals(PadesProfile.B_LT, validate(lt.toByteArray()).signatures().get(0).profile().orElseThrow());

        Path lta = dir.resolve("lta.pdf");
        engine.extend(DocumentSource.of(lt.toByteArray(), "lt.pdf"), DocumentTarget.of(lta), PadesProfile.B_LTA);
        Path renewed = dir.resolve("renewed.pdf");
        DocumentResult r3 = engine.extend(DocumentSource.of(lta), DocumentTarget.of(renewed), PadesProfile.B_LTA);
        assertTrue(r3.timestampTime().isPresent());

        ValidationReport report = engine.validate(DocumentSource.of(renewed), ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        List<SignatureValidation> archive = report.signatures().stream().filter(SignatureValidation::documentTimestamp).toList();
        assertEquals(1, signatures.size());
        assertEquals(PadesProfile.B_LTA, signatures.get(0).profile().orElseThrow());
        assertEquals(2, archive.size(), "two archive (document) time-stamps after renewal");
        assertEquals(3, signatures.get(0).timestampTimes().size(), "signature time-stamp + 2 archive time-stamps");

        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(renewed).exitCode());
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(renewed).output()));
        }
    }

    @Test
    void extendRefusesUnsignedDocumentsAndBb() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class, () -> engine.extend(
                DocumentSource.of(SamplePdfs.minimal(), "u.pdf"), DocumentTarget.of(out), PadesProfile.B_LTA)).code());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class, () -> engine.extend(
                DocumentSource.of(SamplePdfs.minimal(), "u.pdf"), DocumentTarget.of(out), PadesProfile.B_B)).code());
        assertEquals(0, out.size());
    }

    @Test
    void documentTimestampOnAnUnsignedDocument() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DocumentResult result = engine.timestamp(DocumentSource.of(SamplePdfs.minimal(), "u.pdf"), DocumentTarget.of(out));
        assertEquals(0, result.signatureCount());
        ValidationReport report = validate(out.toByteArray());
        assertEquals(1, report.signatures().size());
        assertTrue(report.signatures().get(0).documentTimestamp());
        assertEquals(Indication.TOTAL_PASSED, report.signatures().get(0).indication(), report.toString());
    }

    @Test
    void contentChangedAfterSigningIsNotValidAndNamesTheRevision() throws Exception {
        byte[] signed = sign(SamplePdfs.multiPage(2), PadesProfile.B_LT);
        assertTrue(validate(signed).allPassed());

        byte[] overwritten = appendRevision(signed, document -> {
            PDPage page = document.getPage(0);
            try (PDPageContentStream content = new PDPageContentStream(document, page, PDPageContentStream.AppendMode.APPEND, true)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD), 28);
                content.newLineAtOffset(100, 400);
                content.showText("AMOUNT: 1,000,000 EUR");
                content.endText();
            }
        });
        SignatureValidation changed = validate(overwritten).signatures().get(0);
        assertEquals(Indication.TOTAL_FAILED, changed.indication(), changed.toString());
        assertEquals(SignatureValidation.MODIFIED_AFTER_SIGNING, changed.subIndication().orElseThrow());
        assertTrue(changed.modifications().stream().anyMatch(m -> m.contains("after revision")), changed.modifications().toString());

        byte[] overlay = appendRevision(signed, document -> {
            PDAnnotationSquare square = new PDAnnotationSquare();
            square.setRectangle(new PDRectangle(50, 50, 400, 600));
            document.getPage(1).getAnnotations().add(square);
        });
        SignatureValidation overlaid = validate(overlay).signatures().get(0);
        assertEquals(Indication.TOTAL_FAILED, overlaid.indication(), overlaid.toString());
        assertFalse(overlaid.modifications().isEmpty());
    }

    @Test
    void legitimateLaterRevisionsStayValid() {
        byte[] first = sign(SamplePdfs.minimal(), PadesProfile.B_LTA);
        byte[] second = sign(first, PadesProfile.B_LT);
        ValidationReport report = validate(second);
        assertTrue(report.allPassed(), report.toString());
        assertEquals(2, report.signatures().stream().filter(s -> !s.documentTimestamp()).count());
        assertTrue(report.signatures().stream().allMatch(s -> s.modifications().isEmpty()));
    }

    /**
     * A /DSS written by another product with its arrays as indirect objects ({@code /Certs 12 0 R}, as e-Szigno's LTA
     * documents in DSS's test set have them): the new signature's data goes into those arrays, and the dictionary is
     * written again after the signature, where validators (and the engine's self-check, which refused to write the
     * output before) look for the signature's long-term data.
     */
    @Test
    void anExistingDssWithIndirectArraysTakesTheNewSignaturesData() throws Exception {
        byte[] foreignDss = appendRevision(SamplePdfs.minimal(), document -> {
            COSStream certificate = document.getDocument().createCOSStream();
            try (java.io.OutputStream out = certificate.createOutputStream()) {
                out.write(com.certyneo.testvectors.TestPki.create().root().getEncoded());
            }
            COSArray certs = new COSArray();
            certs.setDirect(false);
            certs.add(certificate);
            COSDictionary dss = new COSDictionary();
            dss.setDirect(false);
            dss.setItem(COSName.CERTS, certs);
            for (COSName name : new COSName[] {COSName.OCSPS, COSName.CRLS}) {
                COSArray empty = new COSArray(); // every array there already: the new data changes none of the keys
                empty.setDirect(false);
                dss.setItem(name, empty);
            }
            document.getDocumentCatalog().getCOSObject().setItem(COSName.DSS, dss);
            document.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
        });
        String before = new String(foreignDss, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(before.matches("(?s).*/Certs \\d+ 0 R.*/OCSPs \\d+ 0 R.*") || before.matches("(?s).*/OCSPs \\d+ 0 R.*/Certs \\d+ 0 R.*"),
                "the input's arrays are indirect objects");

        byte[] signed = sign(foreignDss, PadesProfile.B_LT);
        ValidationReport report = validate(signed);
        assertTrue(report.allPassed(), report.toString());
        assertEquals(PadesProfile.B_LT, report.signatures().get(0).profile().orElseThrow());
        try (PDDocument document = Loader.loadPDF(signed)) {
            COSObject dss = (COSObject) document.getDocumentCatalog().getCOSObject().getItem(COSName.DSS);
            long offset = document.getDocument().getXrefTable().get(dss.getKey());
            assertTrue(offset > foreignDss.length, "the /DSS dictionary is written again after the signature: " + offset);
        }
    }

    /**
     * DSS's B-LT check also processes every certificate that shares its key with one of the document's validation
     * data (a cross-certificate of a CA the document holds), whoever put it there. A foreign CA certified both by
     * itself and by a bridge root, left in a /DSS by an earlier signer, untrusted and without revocation data, caps
     * the engine's own B-LT signature at B-T for a validator that does not trust that CA (four DSS test files do this:
     * Certipost and LuxTrust). Signing warns, from the /DSS as it finds it; the report says which certificate and
     * why; trusting the CA, as a trusted list naming it does, gives the signature its profile back; without the
     * cross-certificate nothing is said.
     */
    @Test
    void aForeignCrossCertificateWithoutRevocationDataIsNamedWhenItCapsTheSignatureAtBT() throws Exception {
        java.security.KeyPair bridgeKey = X509Builder.newEcKeyPair();
        java.security.KeyPair caKey = X509Builder.newEcKeyPair();
        var bridge = X509Builder.of(new org.bouncycastle.asn1.x500.X500Name("O=Elsewhere,CN=Foreign Bridge Root"),
                bridgeKey.getPublic()).ca().selfSigned(bridgeKey.getPrivate());
        var caName = new org.bouncycastle.asn1.x500.X500Name("O=Elsewhere,CN=Foreign Qualified CA");
        var caSelf = X509Builder.of(caName, caKey.getPublic()).ca().selfSigned(caKey.getPrivate());
        var caCross = X509Builder.of(caName, caKey.getPublic()).ca().issuedBy(bridge, bridgeKey.getPrivate());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult result = sign(withDssCertificates(List.of(bridge, caSelf, caCross)), PadesProfile.B_LT, out);
        assertEquals(List.of("DSS rates this signature PAdES-BASELINE-T, not PAdES-BASELINE-LT, for a validator that "
                + "trusts what this engine trusts: it also requires revocation data for 'CN=Foreign Qualified CA,O=Elsewhere' "
                + "issued by 'CN=Foreign Bridge Root,O=Elsewhere' (a cross-certificate: the document also holds this key "
                + "certified by 'CN=Foreign Qualified CA,O=Elsewhere'): its chain is not trusted and the document holds no "
                + "revocation data for it. DSS checks every certificate of the document's validation data that shares its "
                + "key with one it uses, whoever added it. A validator that trusts its authority (as a trusted list naming "
                + "it does), or revocation data for it in the document, rates it at its profile"), result.warnings(),
                "signing says so before anyone validates");
        byte[] crossCertified = out.toByteArray();
        SignatureValidation capped = validate(crossCertified).signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, capped.indication(), capped.toString());
        assertEquals(PadesProfile.B_T, capped.profile().orElseThrow(), "DSS rates it B-T: " + capped);
        String shortfall = capped.warnings().stream().filter(w -> w.startsWith("PAdES-BASELINE-LT not reached"))
                .findFirst().orElseThrow(() -> new AssertionError("no reason given: " + capped.warnings()));
        assertTrue(shortfall.contains("'CN=Foreign Qualified CA,O=Elsewhere' issued by 'CN=Foreign Bridge Root,O=Elsewhere' "
                + "(a cross-certificate: the document also holds this key certified by 'CN=Foreign Qualified CA,O=Elsewhere')"
                + ": its chain is not trusted and the document holds no revocation data for it"), shortfall);
        assertFalse(shortfall.contains("Jane Doe"), "the signature's own chain has its data: " + shortfall);

        SignatureValidation trusting = engine.validate(DocumentSource.of(crossCertified, "x.pdf"),
                ValidationOptions.sandbox().alsoTrusting(caSelf)).signatures().get(0);
        assertEquals(PadesProfile.B_LT, trusting.profile().orElseThrow(), trusting.toString());
        assertTrue(trusting.warnings().stream().noneMatch(w -> w.contains("not reached")), trusting.warnings().toString());

        ByteArrayOutputStream selfOnlyOut = new ByteArrayOutputStream();
        SigningResult selfOnlyResult = sign(withDssCertificates(List.of(bridge, caSelf, caSelf)), PadesProfile.B_LT,
                selfOnlyOut);
        assertEquals(List.of(), selfOnlyResult.warnings(), "one certificate listed twice is no cross-certificate");
        SignatureValidation selfOnly = validate(selfOnlyOut.toByteArray()).signatures().get(0);
        assertEquals(PadesProfile.B_LT, selfOnly.profile().orElseThrow(), selfOnly.toString());
        assertTrue(selfOnly.warnings().stream().noneMatch(w -> w.contains("not reached")), selfOnly.warnings().toString());

        SignatureValidation plainBt = validate(sign(SamplePdfs.minimal(), PadesProfile.B_T)).signatures().get(0);
        assertEquals(PadesProfile.B_T, plainBt.profile().orElseThrow());
        assertTrue(plainBt.warnings().stream().noneMatch(w -> w.contains("not reached")),
                "a B-T signature without long-term data of its own is the ordinary case: " + plainBt.warnings());
    }

    /** A one-page document whose second revision adds a /DSS holding {@code certificates} and nothing else. */
    private static byte[] withDssCertificates(List<java.security.cert.X509Certificate> certificates) throws Exception {
        return appendRevision(SamplePdfs.minimal(), document -> {
            COSArray certs = new COSArray();
            for (var certificate : certificates) {
                COSStream stream = document.getDocument().createCOSStream();
                try (java.io.OutputStream out = stream.createOutputStream()) {
                    out.write(certificate.getEncoded());
                }
                certs.add(stream);
            }
            COSDictionary dss = new COSDictionary();
            dss.setItem(COSName.CERTS, certs);
            document.getDocumentCatalog().getCOSObject().setItem(COSName.DSS, dss);
            document.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
        });
    }

    interface Change {
        void apply(PDDocument document) throws Exception;
    }

    static byte[] appendRevision(byte[] pdf, Change change) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            change.apply(document);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            return out.toByteArray();
        }
    }
}
