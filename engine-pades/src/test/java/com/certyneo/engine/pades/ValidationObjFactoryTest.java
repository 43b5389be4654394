package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.testvectors.SamplePdfs;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.model.x509.revocation.ocsp.OCSP;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.pades.validation.PdfRevision;
import eu.europa.esig.dss.pdf.IPdfObjFactory;
import eu.europa.esig.dss.pdf.PdfDocDssRevision;
import eu.europa.esig.dss.pdf.ServiceLoaderPdfObjFactory;
import eu.europa.esig.dss.model.identifier.EncapsulatedRevocationTokenIdentifier;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.reports.Reports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's DSS object factory changes nothing DSS concludes: on multi-signer documents with long-term data
 * written by the engine and by DSS's own augmentation, DSS's diagnostic data, detailed and simple reports are
 * identical to stock DSS's, with {@link FirstSeenOcspRevisions} alone ({@code compare}) and with the revision
 * readers that reuse the final file's signature dictionaries (no comparison: nothing changed after any
 * signature); each OCSP response is listed by exactly one /DSS revision, the first to hold it.
 */
class ValidationObjFactoryTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static byte[] ltaChain;
    static byte[] mixedChain;
    static byte[] unsignedFieldChain;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        byte[] pdf = SamplePdfs.minimal();
        for (int i = 0; i < 3; i++) {
            pdf = sign(pdf, i % 2 == 0 ? SignatureLevel.SES : SignatureLevel.AES, PadesProfile.B_LTA);
        }
        ltaChain = pdf;
        // B-T by the engine, B-LT by DSS's own augmentation (its /DSS layout), then engine B-LT and B-LTA signatures
        byte[] mixed = ValidationMaterialCollectorTest.dssAugmentation(engine,
                sign(SamplePdfs.multiPage(2), SignatureLevel.SES, PadesProfile.B_T));
        mixed = sign(mixed, SignatureLevel.AES, PadesProfile.B_LT);
        mixedChain = sign(mixed, SignatureLevel.SES, PadesProfile.B_LTA);
        // an envelope half-way: 'approver' signed twice over (B-LTA), 'witness' still unsigned
        byte[] form = sign(com.certyneo.testvectors.PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes(), SignatureLevel.AES,
                PadesProfile.B_LTA, "approver");
        unsignedFieldChain = sign(form, SignatureLevel.SES, PadesProfile.B_LTA);
    }

    private static byte[] sign(byte[] pdf, SignatureLevel level, PadesProfile profile) {
        return sign(pdf, level, profile, null);
    }

    private static byte[] sign(byte[] pdf, SignatureLevel level, PadesProfile profile, String field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignRequest.Builder request = SignRequest.builder();
        if (field != null) {
            request.field(field);
        }
        engine.sign(request.document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).build());
        return out.toByteArray();
    }

    @Test
    void dssReportsAreIdenticalOnEngineLongTermChains() {
        assertSameReports(ltaChain);
    }

    @Test
    void dssReportsAreIdenticalWithDssWrittenLongTermData() {
        assertSameReports(mixedChain);
    }

    @Test
    void dssReportsAreIdenticalWithAnUnsignedSignatureField() throws java.io.IOException {
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(unsignedFieldChain)) {
            assertEquals(List.of("approver", "witness"), document.getSignatureFields().stream()
                    .filter(f -> f.getPartialName().equals("approver") || f.getPartialName().equals("witness"))
                    .map(f -> f.getPartialName()).toList());
            assertTrue(document.getSignatureFields().stream().anyMatch(f -> f.getValue() == null),
                    "one field is still unsigned");
        }
        assertSameReports(unsignedFieldChain, 2);
    }

    @Test
    void eachResponseIsListedByTheFirstDssRevisionThatHoldsIt() {
        for (byte[] pdf : List.of(ltaChain, mixedChain)) {
            List<PdfRevision> stock = new ServiceLoaderPdfObjFactory().newPAdESSignatureService()
                    .getRevisions(new InMemoryDocument(pdf, "chain.pdf"), null);
            List<PdfRevision> firstSeen = FirstSeenOcspRevisions.of(stock);
            assertEquals(stock.size(), firstSeen.size());
            Set<EncapsulatedRevocationTokenIdentifier<OCSP>> all = new HashSet<>();
            List<EncapsulatedRevocationTokenIdentifier<OCSP>> listed = new ArrayList<>();
            int stockListings = 0;
            int dssRevisions = 0;
            for (int i = 0; i < stock.size(); i++) {
                if (stock.get(i) instanceof PdfDocDssRevision original) {
                    dssRevisions++;
                    PdfDocDssRevision replaced = (PdfDocDssRevision) firstSeen.get(i);
                    assertEquals(original.getDssDictionary(), replaced.getDssDictionary());
                    all.addAll(original.getOCSPSource().getDSSDictionaryBinaries());
                    stockListings += original.getOCSPSource().getDSSDictionaryBinaries().size();
                    listed.addAll(replaced.getOCSPSource().getDSSDictionaryBinaries());
                    assertEquals(original.getOCSPSource().getAllRevocationBinaries(),
                            replaced.getOCSPSource().getAllRevocationBinaries(), "every other answer is DSS's");
                } else {
                    assertTrue(stock.get(i) == firstSeen.get(i), "only /DSS revisions are replaced");
                }
            }
            assertTrue(dssRevisions >= 3, "a long-term chain has several /DSS revisions: " + dssRevisions);
            assertEquals(all.size(), listed.size(), "each response once");
            assertEquals(all, new HashSet<>(listed));
            assertTrue(stockListings > listed.size(), "DSS lists earlier responses again in every later revision");
        }
    }

    @Test
    void aRevisionIsReadFromAnExactCopyOfItsBytes() throws java.io.IOException {
        byte[] whole = new byte[1000];
        for (int i = 0; i < whole.length; i++) {
            whole[i] = (byte) (i * 31 + 7);
        }
        InMemoryDocument listed = new InMemoryDocument(whole, "whole.pdf");
        // the two forms DSS builds: a revision prefix [0, n, n, 0], and a range with a gap [0, a, b, c]
        for (int[] range : List.of(new int[] {0, 600, 600, 0}, new int[] {0, 100, 300, 250})) {
            eu.europa.esig.dss.pades.validation.PdfByteRangeDocument revision =
                    new eu.europa.esig.dss.pades.validation.PdfByteRangeDocument(listed,
                            new eu.europa.esig.dss.pades.validation.ByteRange(range));
            eu.europa.esig.dss.model.DSSDocument copy = ValidationObjFactory.inMemory(revision, listed);
            assertTrue(copy instanceof InMemoryDocument, "read from memory: " + copy.getClass());
            try (java.io.InputStream dss = revision.openStream()) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(dss.readAllBytes(), ((InMemoryDocument) copy).getBytes(),
                        "the bytes DSS's own stream yields for " + java.util.Arrays.toString(range));
            }
        }
        // anything else is left to DSS: ranges past the end, not from the start, and documents that are not in memory
        for (int[] range : List.of(new int[] {0, 600, 900, 200}, new int[] {10, 100, 110, 0})) {
            eu.europa.esig.dss.pades.validation.PdfByteRangeDocument revision =
                    new eu.europa.esig.dss.pades.validation.PdfByteRangeDocument(listed,
                            new eu.europa.esig.dss.pades.validation.ByteRange(range));
            assertTrue(ValidationObjFactory.inMemory(revision, listed) == revision, java.util.Arrays.toString(range));
        }
        eu.europa.esig.dss.pades.validation.PdfByteRangeDocument prefix =
                new eu.europa.esig.dss.pades.validation.PdfByteRangeDocument(listed,
                        new eu.europa.esig.dss.pades.validation.ByteRange(new int[] {0, 600, 600, 0}));
        Path file = java.nio.file.Files.write(java.nio.file.Files.createTempFile(home, "whole", ".pdf"), whole);
        eu.europa.esig.dss.model.DSSDocument onDisk = new eu.europa.esig.dss.model.FileDocument(file.toFile());
        assertTrue(ValidationObjFactory.inMemory(prefix, onDisk) == prefix, "a file is read as DSS reads it");
        assertTrue(ValidationObjFactory.inMemory(listed, listed) == listed, "the document itself is already in memory");
    }

    private static void assertSameReports(byte[] pdf) {
        assertSameReports(pdf, 3);
    }

    private static void assertSameReports(byte[] pdf, int signatures) {
        Date at = new Date();
        Reports stock = validate(pdf, new ServiceLoaderPdfObjFactory(), at);
        Reports firstSeen = validate(pdf, new ValidationObjFactory(true), at);
        Reports shared = validate(pdf, new ValidationObjFactory(false), at);
        assertTrue(stock.getSimpleReport().getSignaturesCount() >= signatures);
        if (!stock.getXmlDiagnosticData().equals(firstSeen.getXmlDiagnosticData())) {
            try { // for a diff
                java.nio.file.Files.writeString(Path.of("target/first-seen-stock.xml"), stock.getXmlDiagnosticData());
                java.nio.file.Files.writeString(Path.of("target/first-seen-ours.xml"), firstSeen.getXmlDiagnosticData());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        assertEquals(stock.getXmlDiagnosticData(), firstSeen.getXmlDiagnosticData());
        assertEquals(stock.getXmlDetailedReport(), firstSeen.getXmlDetailedReport());
        assertEquals(stock.getXmlSimpleReport(), firstSeen.getXmlSimpleReport());
        // Without the comparison DSS lists no (allowed) changes after each signature; everything else is the same.
        String withoutFindings = stock.getXmlDiagnosticData().replaceAll("(?s)\\s*<ModificationDetection>.*?</ModificationDetection>", "");
        if (!withoutFindings.equals(shared.getXmlDiagnosticData())) {
            try { // for a diff
                java.nio.file.Files.writeString(Path.of("target/shared-stock.xml"), withoutFindings);
                java.nio.file.Files.writeString(Path.of("target/shared-ours.xml"), shared.getXmlDiagnosticData());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        assertEquals(withoutFindings, shared.getXmlDiagnosticData(), "nothing changed after any signature");
        assertEquals(stock.getXmlSimpleReport(), shared.getXmlSimpleReport());
    }

    private static Reports validate(byte[] pdf, IPdfObjFactory factory, Date at) {
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        engine.trustAnchors().forEach(anchor -> trusted.addCertificate(new CertificateToken(anchor)));
        verifier.setTrustedCertSources(trusted);
        // no online source: a fresh OCSP response per run would differ between the two runs
        PDFDocumentValidator validator = new PDFDocumentValidator(new InMemoryDocument(pdf, "chain.pdf"));
        validator.setPdfObjFactory(factory);
        validator.setCertificateVerifier(verifier);
        validator.setValidationTime(at);
        return validator.validateDocument();
    }
}
