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
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code extend()} on the engine's own augment stages (no DSS augmentation): every profile from B-B, the
 * output validating under raw DSS at the claimed profile with only what the document holds; idempotence;
 * co-signed documents with signatures from other PKIs and producers; a signature the engine vouches for that
 * cannot get its data fails naming it, and nothing is written.
 */
class ExtendTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine engine;
    static List<X509Certificate> anchors;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        anchors = List.of(engine.sandboxPki().orElseThrow().rootCertificate());
    }

    private static byte[] sign(PadesSignatureEngine with, byte[] pdf, SignatureLevel level, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        with.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).build());
        return out.toByteArray();
    }

    private static byte[] extend(PadesSignatureEngine with, byte[] pdf, PadesProfile profile, List<String> warnings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DocumentResult result = with.extend(DocumentSource.of(pdf, "in.pdf"), DocumentTarget.of(out), profile);
        assertEquals(profile, result.profile().orElseThrow());
        warnings.addAll(result.warnings());
        byte[] output = out.toByteArray();
        assertArrayEquals(pdf, Arrays.copyOf(output, pdf.length), "an extension only appends");
        return output;
    }

    /** Raw DSS, with only the document's own validation data from B-LT (B-T: the sandbox OCSP too). */
    private static DssFindings.Entry rawDss(byte[] pdf, PadesProfile profile, List<X509Certificate> trusted, String field) {
        var ocsp = profile == PadesProfile.B_T ? new InProcessOcspSource(List.of(engine.sandboxPki().orElseThrow().root(),
                engine.sandboxPki().orElseThrow().signerCa()), Clock.systemUTC()) : null;
        return DssFindings.of(pdf, trusted, ocsp).signatures().stream().filter(e -> e.fieldName().equals(field))
                .findFirst().orElseThrow(() -> new AssertionError(field + " not found"));
    }

    private static String dssFormat(PadesProfile profile) {
        return "PAdES-BASELINE-" + profile.name().substring(2);
    }

    @ParameterizedTest(name = "B-B to {0}")
    @EnumSource(value = PadesProfile.class, names = {"B_T", "B_LT", "B_LTA"})
    void aBbSignatureExtendsToEveryProfile(PadesProfile profile) {
        byte[] bb = sign(engine, SamplePdfs.multiPage(2), SignatureLevel.SES, PadesProfile.B_B);
        List<String> warnings = new java.util.ArrayList<>();
        byte[] out = extend(engine, bb, profile, warnings);
        assertTrue(warnings.isEmpty(), warnings.toString());

        ValidationReport report = engine.validate(DocumentSource.of(out, "out.pdf"), ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
        SignatureValidation signature = report.signatures().stream().filter(s -> !s.documentTimestamp()).findFirst().orElseThrow();
        assertEquals(profile, signature.profile().orElseThrow(), report.toString());
        DssFindings.Entry raw = rawDss(out, profile, anchors, signature.fieldName());
        assertEquals("TOTAL_PASSED", raw.indication(), raw.toString());
        assertEquals(dssFormat(profile), raw.format(), raw.toString());
    }

    /** What is already complete is left as it is: extending B-LT to B-LT (or B-T) appends nothing. */
    @Test
    void extendingToAProfileAlreadyReachedAppendsNothing() {
        byte[] lt = sign(engine, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_LT);
        assertArrayEquals(lt, extend(engine, lt, PadesProfile.B_LT, new java.util.ArrayList<>()));
        assertArrayEquals(lt, extend(engine, lt, PadesProfile.B_T, new java.util.ArrayList<>()));
    }

    /** A renewal adds the data of the earlier archive time-stamp and a new one; the signature stays B-LTA. */
    @Test
    void renewalOfAnLtaDocumentValidatesAtLtaUnderRawDss() {
        byte[] lta = sign(engine, SamplePdfs.minimal(), SignatureLevel.AES, PadesProfile.B_LTA);
        byte[] renewed = extend(engine, lta, PadesProfile.B_LTA, new java.util.ArrayList<>());
        String field = engine.validate(DocumentSource.of(renewed, "r.pdf"), ValidationOptions.sandbox()).signatures().stream()
                .filter(s -> !s.documentTimestamp()).findFirst().orElseThrow().fieldName();
        DssFindings.Entry raw = rawDss(renewed, PadesProfile.B_LTA, anchors, field);
        assertEquals("TOTAL_PASSED", raw.indication(), raw.toString());
        assertEquals("PAdES-BASELINE-LTA", raw.format());
        assertEquals(2, DssFindings.of(renewed, anchors).entries().stream().filter(DssFindings.Entry::timestamp).count());
    }

    /**
     * A document signed first by another implementation, under another PKI that this production engine trusts
     * and has revocation data for (a customer's CA): its B-B signature is raised to B-LTA like the engine's own.
     */
    @Test
    void aTrustedForeignSignatureIsExtendedToo() {
        TestPki foreign = TestPki.create();
        TestPki.Credential signer = foreign.goodSigner();
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).trustAnchor(foreign.root())
                .revocationSource(both(ValidationMaterialCollectorTest.offline(foreign),
                        OfflineRevocation.signedBy(fixture.rootKey(), fixture.root())))
                .build();
        byte[] signed = PdfVector.signed(SamplePdfs.minimal(), signer, Instant.now().minusSeconds(60));
        List<String> warnings = new java.util.ArrayList<>();
        byte[] out = extend(production, signed, PadesProfile.B_LTA, warnings);
        assertTrue(warnings.isEmpty(), warnings.toString());
        List<X509Certificate> trusted = List.of(fixture.root(), foreign.root());
        DssFindings.Entry raw = DssFindings.of(out, trusted).signatures().get(0);
        assertEquals("TOTAL_PASSED", raw.indication(), raw.toString());
        assertEquals("PAdES-BASELINE-LTA", raw.format(), raw.toString());
    }

    /**
     * A co-signed document: an untrusted foreign signature (a national eID the engine knows nothing of), then
     * the engine's B-T signature. The extension raises the engine's signature and names the foreign one in a
     * warning; DSS keeps the foreign signature's indication.
     */
    @Test
    void anUntrustedForeignCoSignatureIsNamedAndLeftAsItWas() {
        TestPki foreign = TestPki.create();
        TestPki.Credential signer = foreign.goodSigner();
        byte[] first = PdfVector.signed(SamplePdfs.minimal(), signer, Instant.now().minusSeconds(60));
        byte[] both = sign(engine, first, SignatureLevel.AES, PadesProfile.B_T);
        List<String> warnings = new java.util.ArrayList<>();
        byte[] out = extend(engine, both, PadesProfile.B_LTA, warnings);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(signer.certificate().getSubjectX500Principal().getName().split(",")[0]),
                warnings.toString());
        List<DssFindings.Entry> before = DssFindings.of(both, anchors).signatures();
        List<DssFindings.Entry> after = DssFindings.of(out, anchors).signatures();
        assertEquals(before.get(0).indication(), after.get(0).indication());
        assertEquals("TOTAL_PASSED", after.get(1).indication(), after.get(1).toString());
        assertEquals("PAdES-BASELINE-LTA", after.get(1).format(), after.get(1).toString());
    }

    /** The foreign producers' corpus file (Python + openssl, CAdES, its own PKI), countersigned and extended. */
    @Test
    void aCorpusFileSignedByAnotherProducerExtends() throws Exception {
        byte[] foreign;
        try (InputStream in = getClass().getResourceAsStream("fuzz/PdfFuzzTestInputs/corpus-foreign-cades.pdf")) {
            foreign = in.readAllBytes();
        }
        byte[] both = sign(engine, foreign, SignatureLevel.SES, PadesProfile.B_T);
        List<String> warnings = new java.util.ArrayList<>();
        byte[] out = extend(engine, both, PadesProfile.B_LTA, warnings);
        assertFalse(warnings.isEmpty(), "the foreign signature is named");
        List<DssFindings.Entry> after = DssFindings.of(out, anchors).signatures();
        DssFindings.Entry ours = after.get(after.size() - 1);
        assertEquals("TOTAL_PASSED", ours.indication(), ours.toString());
        assertEquals("PAdES-BASELINE-LTA", ours.format(), ours.toString());
    }

    /**
     * An earlier adbe.x509.rsa_sha1 signature (a bare RSA value over the SHA-1 of its byte range, the certificate in
     * /Cert, no CMS; OpenPDF and iText 2 still write it). The extension's self-check read every earlier signature as a
     * CMS, so extending a document that had one failed (SIGNING_FAILED, nothing written). It is left as it is and
     * named now; validation reports it as no AdES format, and the engine's own signature reaches B-LTA.
     */
    @Test
    void anEarlierAdbeX509RsaSha1SignatureIsNamedAndLeftAsItIs() throws Exception {
        TestPki foreign = TestPki.create();
        TestPki.Credential rsa = foreign.signer(TestPki.Kind.GOOD, TestPki.KeyType.RSA_PSS_3072);
        byte[] legacy = x509RsaSha1Signed(SamplePdfs.minimal(), rsa);
        byte[] both = sign(engine, legacy, SignatureLevel.SES, PadesProfile.B_T);
        List<String> warnings = new java.util.ArrayList<>();
        byte[] out = extend(engine, both, PadesProfile.B_LTA, warnings);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("adbe.x509.rsa_sha1") && w.contains("left exactly as it was")),
                warnings.toString());
        List<DssFindings.Entry> after = DssFindings.of(out, anchors).signatures();
        DssFindings.Entry ours = after.get(after.size() - 1);
        assertEquals("TOTAL_PASSED", ours.indication(), ours.toString());
        assertEquals("PAdES-BASELINE-LTA", ours.format(), ours.toString());
        ValidationReport report = engine.validate(DocumentSource.of(out, "out.pdf"), ValidationOptions.sandbox());
        SignatureValidation old = report.signatures().stream().filter(v -> "Legacy".equals(v.fieldName()))
                .findFirst().orElseThrow(() -> new AssertionError(report.signatures().toString()));
        assertEquals(Indication.TOTAL_FAILED, old.indication());
        assertTrue(old.errors().stream().anyMatch(e -> e.contains("adbe.x509.rsa_sha1") && e.contains("no AdES format")),
                old.errors().toString());
    }

    /** {@code pdf} with an invisible adbe.x509.rsa_sha1 signature in field "Legacy", made with PDFBox. */
    private static byte[] x509RsaSha1Signed(byte[] pdf, TestPki.Credential signer) throws Exception {
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            var signature = new org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature();
            signature.setFilter(org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature
                    .SUBFILTER_ADBE_X509_RSA_SHA1);
            signature.setSignDate(java.util.Calendar.getInstance());
            signature.getCOSObject().setItem(org.apache.pdfbox.cos.COSName.getPDFName("Cert"),
                    new org.apache.pdfbox.cos.COSString(signer.certificate().getEncoded()));
            var options = new org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions();
            document.addSignature(signature, content -> {
                try {
                    java.security.Signature rsa = java.security.Signature.getInstance("SHA1withRSA");
                    rsa.initSign(signer.key());
                    rsa.update(content.readAllBytes());
                    return new org.bouncycastle.asn1.DEROctetString(rsa.sign()).getEncoded();
                } catch (java.security.GeneralSecurityException e) {
                    throw new java.io.IOException(e);
                }
            }, options);
            document.getSignatureFields().get(0).setPartialName("Legacy");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            options.close();
            return out.toByteArray();
        }
    }

    /** A signature under the engine's own trust anchor whose certificate is now revoked: refused, named, nothing written. */
    @Test
    void aTrustedSignatureThatCannotGetItsDataFailsNamingIt() throws Exception {
        ProductionFixture fixture = ProductionFixture.create();
        OfflineRevocation offline = OfflineRevocation.signedBy(fixture.rootKey(), fixture.root());
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(fixture.sealKey())
                .timestampSource(fixture.tsa()).trustAnchor(fixture.root()).revocationSource(offline).build();
        byte[] bt = sign(production, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        offline.revoke(fixture.sealKey().certificate(), Instant.now());
        Path never = dir.resolve("never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> production.extend(DocumentSource.of(bt, "bt.pdf"), DocumentTarget.of(never), PadesProfile.B_LT));
        assertEquals(ErrorCode.CERTIFICATE_REVOKED, e.code(), e.toString());
        assertTrue(e.getMessage().contains("'Signature1'") && e.getMessage().contains("CN=Example Seal"), e.getMessage());
        assertFalse(Files.exists(never));
    }

    /** A production engine whose revocation source has nothing: the extension fails and nothing is written. */
    @Test
    void withoutRevocationDataNothingIsWritten() {
        ProductionFixture fixture = ProductionFixture.create();
        byte[] bb = sign(fixture.engine(), SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_B);
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(ValidationMaterialCollectorTest.unreachable()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> production.extend(DocumentSource.of(bb, "bb.pdf"), DocumentTarget.of(out), PadesProfile.B_LT));
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, e.code(), e.toString());
        assertEquals(0, out.size());
    }

    private static com.certyneo.engine.spi.RevocationSource both(com.certyneo.engine.spi.RevocationSource a,
                                                               com.certyneo.engine.spi.RevocationSource b) {
        return new com.certyneo.engine.spi.RevocationSource() {
            @Override
            public java.util.Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return a.ocspResponse(certificate, issuer).or(() -> b.ocspResponse(certificate, issuer));
            }

            @Override
            public java.util.Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return a.crl(certificate, issuer).or(() -> b.crl(certificate, issuer));
            }
        };
    }
}
