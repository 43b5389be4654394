package com.certyneo.engine.audit;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditTrailSealTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static AuditTrail trails;
    static Evidence evidence;
    static byte[] sealed;
    static SealedAuditTrail result;

    @BeforeAll
    static void seal() throws Exception {
        engine = PadesSignatureEngine.sandbox(home);
        trails = AuditTrail.builder().engine(engine).build();
        evidence = SampleEvidence.build(EnvelopeMode.SANDBOX, 30);
        Path out = home.resolve("trail.pdf");
        result = trails.seal(evidence, DocumentTarget.of(out));
        sealed = Files.readAllBytes(out);
        Files.createDirectories(Path.of("target", "audit-samples"));
        Files.write(Path.of("target", "audit-samples", "sealed.pdf"), sealed);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void sealsAtBltaAndStaysPdfA3b() throws Exception {
        assertEquals(PadesProfile.B_LTA, result.profile());
        assertFalse(result.profileFellBack());
        assertTrue(result.seal().sandbox());
        assertEquals(evidence.chainHead(), result.chainHead());
        assertEquals(List.of(), Pdfa.failedRules(sealed), "veraPDF PDF/A-3b failures of the sealed sandbox trail");
    }

    @Test
    void dssValidatesTheSeal() {
        ValidationReport report = engine.validate(DocumentSource.of(sealed, "trail.pdf"), ValidationOptions.sandbox());
        assertTrue(report.allPassed(), () -> report.toString());
        assertTrue(report.signatures().stream().anyMatch(s -> s.format().contains("LTA")), () -> report.toString());
    }

    @Test
    void verifiesEverythingWithTheSignedDocument() {
        byte[] signedDocument = "pretend signed pdf".getBytes(StandardCharsets.UTF_8);
        Evidence withDoc = Evidence.builder().envelope(evidence.envelope())
                .document(DocumentEvidence.describe("c.pdf", com.certyneo.testvectors.SamplePdfs.minimal())
                        .withSignedSha256(Digests.sha256Hex(signedDocument)))
                .event(EventType.CREATED, "system", SampleEvidence.T0).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        trails.seal(withDoc, DocumentTarget.of(out));
        AuditVerification v = trails.verify(DocumentSource.of(out.toByteArray(), "t.pdf"), ValidationOptions.sandbox(),
                Optional.of(DocumentSource.of(signedDocument, "signed.pdf")));
        assertTrue(v.passed(), () -> v.checks().toString());
        v.checks().forEach(c -> assertEquals(CheckStatus.PASSED, c.status(), c.toString()));
        assertEquals(AuditCheck.values().length, v.checks().size());

        AuditVerification wrong = trails.verify(DocumentSource.of(out.toByteArray(), "t.pdf"), ValidationOptions.sandbox(),
                Optional.of(DocumentSource.of("another".getBytes(StandardCharsets.UTF_8), "other.pdf")));
        assertFalse(wrong.passed());
        assertEquals(List.of(AuditCheck.SIGNED_DOCUMENT), wrong.failures().stream().map(CheckResult::check).toList());
    }

    @Test
    void untouchedTrailVerifies() {
        AuditVerification v = trails.verify(DocumentSource.of(sealed, "trail.pdf"), ValidationOptions.sandbox(), Optional.empty());
        assertTrue(v.passed(), () -> v.checks().toString());
        assertEquals(CheckStatus.SKIPPED, v.check(AuditCheck.SIGNED_DOCUMENT).orElseThrow().status());
        assertEquals(Optional.of(evidence.chainHead()), v.chainHead());
        assertEquals(List.of(), v.tamperedEvents());
    }

    @Test
    void tamperedEventInTheEmbeddedFileIsNamed() throws Exception {
        byte[] tampered = replaceEvidence(sealed, events -> ((ObjectNode) events.get(6)).put("actor", "mallory"));
        AuditVerification v = trails.verify(DocumentSource.of(tampered, "t.pdf"), ValidationOptions.sandbox(), Optional.empty());
        assertFalse(v.passed());
        assertEquals(List.of(7L), v.tamperedEvents().stream().map(EventProblem::sequence).toList(), v.tamperedEvents()::toString);
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.HASH_CHAIN).orElseThrow().status());
        assertTrue(v.check(AuditCheck.HASH_CHAIN).orElseThrow().detail().contains("event #7"));
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.SEAL_COVERS_FILE).orElseThrow().status());
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.EVIDENCE_DIGEST).orElseThrow().status());
    }

    @Test
    void tamperedChainHashIsNamed() throws Exception {
        byte[] tampered = replaceEvidence(sealed, events -> ((ObjectNode) events.get(2)).put("hash", "ab".repeat(32)));
        AuditVerification v = trails.verify(DocumentSource.of(tampered, "t.pdf"), ValidationOptions.sandbox(), Optional.empty());
        assertFalse(v.passed());
        assertEquals(3L, v.tamperedEvents().get(0).sequence());
        assertTrue(v.tamperedEvents().stream().allMatch(p -> p.sequence() == 3L || p.sequence() == 4L), v.tamperedEvents()::toString);
    }

    @Test
    void removedEventIsNamed() throws Exception {
        byte[] tampered = replaceEvidence(sealed, events -> events.remove(9));
        AuditVerification v = trails.verify(DocumentSource.of(tampered, "t.pdf"), ValidationOptions.sandbox(), Optional.empty());
        assertFalse(v.passed());
        assertEquals(11L, v.tamperedEvents().get(0).sequence(), v.tamperedEvents()::toString);
    }

    @Test
    void rewrittenChainIsCaughtByHeadAndSeal() throws Exception {
        // An attacker who recomputes every hash still cannot match the sealed head.
        Evidence forged = Evidence.fromJson(evidence.toJson());
        Evidence.Builder b = Evidence.builder().envelope(forged.envelope());
        forged.documents().forEach(b::document);
        forged.signers().forEach(b::signer);
        forged.events().forEach(e -> b.event(e.type(), e.sequence() == 5 ? "mallory" : e.actor(), e.at(), e.ip().orElse(null),
                e.userAgent().orElse(null), e.details()));
        byte[] forgedJson = b.build().toJson();
        byte[] tampered = replaceEvidenceBytes(sealed, forgedJson);
        AuditVerification v = trails.verify(DocumentSource.of(tampered, "t.pdf"), ValidationOptions.sandbox(), Optional.empty());
        assertFalse(v.passed());
        assertEquals(CheckStatus.PASSED, v.check(AuditCheck.HASH_CHAIN).orElseThrow().status());
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.CHAIN_HEAD_METADATA).orElseThrow().status());
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.CHAIN_HEAD_PRINTED).orElseThrow().status());
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.SEAL_COVERS_FILE).orElseThrow().status());
    }

    @Test
    void flippedByteBreaksTheSeal() {
        byte[] tampered = sealed.clone();
        // Flip a byte inside the first page content area (well before the signature revisions).
        int at = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("stream") + 40;
        tampered[at] ^= 0x01;
        AuditVerification v = trails.verify(DocumentSource.of(tampered, "t.pdf"), ValidationOptions.sandbox(), Optional.empty());
        assertFalse(v.passed());
        assertEquals(CheckStatus.FAILED, v.check(AuditCheck.SEAL_VALID).orElseThrow().status());
    }

    @Test
    void productionEvidenceIsRefusedBySandboxEngine() {
        Evidence production = SampleEvidence.build(EnvelopeMode.PRODUCTION, 12);
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> trails.seal(production, DocumentTarget.of(home.resolve("never.pdf"))));
        assertEquals(ErrorCode.MODE_MISMATCH, e.code());
        assertFalse(Files.exists(home.resolve("never.pdf")));
    }

    @Test
    void fallsBackToBtWhenLongTermIsNotSupported() throws Exception {
        SignatureEngine noLta = new SignatureEngine() {
            @Override
            public SigningResult sign(SignRequest request) {
                if (request.profile().orElseThrow().needsRevocationData()) {
                    throw new SignatureEngineException(ErrorCode.PROFILE_NOT_SUPPORTED, "no revocation sources", "");
                }
                return engine.sign(request);
            }

            @Override
            public ValidationReport validate(DocumentSource document, ValidationOptions options) {
                return engine.validate(document, options);
            }

            @Override
            public com.certyneo.engine.DocumentResult extend(DocumentSource document, DocumentTarget output, PadesProfile profile) {
                return engine.extend(document, output, profile);
            }

            @Override
            public com.certyneo.engine.DocumentResult timestamp(DocumentSource document, DocumentTarget output) {
                return engine.timestamp(document, output);
            }

            @Override
            public com.certyneo.engine.PreparedSignature prepare(com.certyneo.engine.PrepareRequest request) {
                return engine.prepare(request);
            }

            @Override
            public SigningResult complete(byte[] state, byte[] signatureValue, DocumentSource document, DocumentTarget output) {
                return engine.complete(state, signatureValue, document, output);
            }

            @Override
            public void close() {
            }
        };
        Path out = home.resolve("bt.pdf");
        SealedAuditTrail bt = AuditTrail.builder().engine(noLta).build().seal(SampleEvidence.build(EnvelopeMode.SANDBOX, 12),
                DocumentTarget.of(out));
        assertTrue(bt.profileFellBack());
        assertEquals(PadesProfile.B_T, bt.profile());
        assertEquals(PadesProfile.B_LTA, bt.requestedProfile());
        assertEquals(List.of(), Pdfa.failedRules(Files.readAllBytes(out)), "veraPDF PDF/A-3b failures at B-T");
    }

    @Test
    void notAPdfIsAnInputError() {
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> trails.verify(
                DocumentSource.of("hello".getBytes(StandardCharsets.UTF_8), "x.pdf"), ValidationOptions.sandbox(), Optional.empty()));
        assertEquals(ErrorCode.Category.INPUT, e.code().category());
    }

    // ------------------------------------------------------------------ tampering helpers

    /** Rewrites evidence.json inside the sealed PDF (an incremental update, as an attacker would). */
    static byte[] replaceEvidence(byte[] pdf, Consumer<com.fasterxml.jackson.databind.node.ArrayNode> change) throws Exception {
        ObjectNode root = (ObjectNode) EvidenceJson.tree(extract(pdf));
        change.accept((com.fasterxml.jackson.databind.node.ArrayNode) root.get("events"));
        return replaceEvidenceBytes(pdf, EvidenceJson.MAPPER.writeValueAsBytes(root));
    }

    static byte[] replaceEvidenceBytes(byte[] pdf, byte[] json) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            COSDictionary spec = (COSDictionary) doc.getDocumentCatalog().getCOSObject().getCOSArray(COSName.getPDFName("AF")).getObject(0);
            PDComplexFileSpecification fs = new PDComplexFileSpecification(spec);
            PDEmbeddedFile file = new PDEmbeddedFile(doc, new ByteArrayInputStream(json));
            file.setSubtype("application/json");
            fs.setEmbeddedFile(file);
            fs.setEmbeddedFileUnicode(file);
            spec.setNeedToBeUpdated(true);
            COSArray af = doc.getDocumentCatalog().getCOSObject().getCOSArray(COSName.getPDFName("AF"));
            af.setNeedToBeUpdated(true);
            doc.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.saveIncremental(out);
            return out.toByteArray();
        }
    }

    static byte[] extract(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            COSDictionary spec = (COSDictionary) doc.getDocumentCatalog().getCOSObject().getCOSArray(COSName.getPDFName("AF")).getObject(0);
            return new PDComplexFileSpecification(spec).getEmbeddedFileUnicode().toByteArray();
        }
    }
}
