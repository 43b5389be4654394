package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Countersigning documents that someone else signed first, with a chain this engine does not trust
 * (the everyday envelope case: a customer's national eID, another vendor's seal), with a certificate
 * that has expired since, or one that was revoked: every level and profile signs, the earlier
 * signature is left byte for byte and keeps its indication, and the result names it in a warning.
 */
class CoSigningTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static TestPki foreignPki;
    static final java.util.Map<TestPki.Kind, byte[]> INPUTS = new java.util.concurrent.ConcurrentHashMap<>();
    static final java.util.Map<TestPki.Kind, DssFindings.Entry> BEFORE = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        foreignPki = TestPki.create();
    }

    static byte[] signedBy(TestPki.Kind kind) {
        Instant when = kind == TestPki.Kind.EXPIRED ? Instant.parse("2020-06-01T10:00:00Z") : Instant.parse("2025-03-01T10:00:00Z");
        return PdfVector.signed(SamplePdfs.minimal(), foreignPki.signer(kind, TestPki.KeyType.EC_P256), when);
    }

    static Stream<Arguments> cases() {
        return Stream.of(TestPki.Kind.GOOD, TestPki.Kind.EXPIRED, TestPki.Kind.REVOKED).flatMap(kind ->
                Stream.of(SignatureLevel.SES, SignatureLevel.AES, SignatureLevel.QES).flatMap(level ->
                        Stream.of(PadesProfile.B_T, PadesProfile.B_LT, PadesProfile.B_LTA)
                                .map(profile -> Arguments.of(kind, level, profile))));
    }

    @ParameterizedTest(name = "{0} foreign signer, then {1} {2}")
    @MethodSource("cases")
    void countersignsAtEveryLevelAndProfile(TestPki.Kind kind, SignatureLevel level, PadesProfile profile) {
        byte[] input = INPUTS.computeIfAbsent(kind, CoSigningTest::signedBy);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(input, "in.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.parse("Jane Doe <jane@example.com>")
                        .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).build());
        byte[] output = out.toByteArray();
        assertArrayEquals(input, Arrays.copyOf(output, input.length), "the earlier signature's bytes are untouched");
        if (profile != PadesProfile.B_T) {
            assertTrue(result.warnings().stream().anyMatch(w -> w.contains(subjectCn(kind))),
                    "the warning names the earlier signer: " + result.warnings());
        }

        ValidationReport after = engine.validate(DocumentSource.of(output, "out.pdf"), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = after.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(2, signatures.size(), after.toString());
        SignatureValidation ours = signatures.get(1);
        assertEquals(Indication.TOTAL_PASSED, ours.indication(), after.toString());
        assertEquals(profile, ours.profile().orElseThrow(), after.toString());
        assertTrue(ours.modifications().isEmpty(), ours.modifications().toString());
        // The sandbox draws its mark on every page, after the earlier signature: our validator says so,
        // naming the mark; a validator running DSS's own policy keeps the earlier indication.
        SignatureValidation earlierAfter = signatures.get(0);
        assertTrue(earlierAfter.modifications().stream().allMatch(m -> m.contains("SANDBOX mark")),
                earlierAfter.modifications().toString());
        List<X509Certificate> anchors = List.of(engine.sandboxPki().orElseThrow().rootCertificate());
        DssFindings.Entry dssBefore = BEFORE.computeIfAbsent(kind, k -> DssFindings.of(input, anchors).signatures().get(0));
        DssFindings.Entry dssAfter = DssFindings.of(output, anchors).signatures().get(0);
        assertEquals(dssBefore.indication(), dssAfter.indication(), "DSS keeps the earlier signature's indication");
        assertEquals(dssBefore.subIndication(), dssAfter.subIndication());
    }

    static Stream<Arguments> productionCases() {
        return Stream.of(TestPki.Kind.GOOD, TestPki.Kind.EXPIRED, TestPki.Kind.REVOKED).flatMap(kind ->
                Stream.of(PadesProfile.B_T, PadesProfile.B_LT, PadesProfile.B_LTA).map(profile -> Arguments.of(kind, profile)));
    }

    /** In production nothing but the new signature is added: the earlier signature keeps its exact indication. */
    @ParameterizedTest(name = "production: {0} foreign signer, then SES {1}")
    @MethodSource("productionCases")
    void productionCountersigningLeavesTheEarlierSignatureAsItWas(TestPki.Kind kind, PadesProfile profile) {
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root())).build();
        byte[] input = signedBy(kind);
        ValidationOptions options = ValidationOptions.trusting(List.of(fixture.root()));
        ValidationReport before = production.validate(DocumentSource.of(input, "in.pdf"), options);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult result = production.sign(SignRequest.builder().document(DocumentSource.of(input, "in.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.of("Example Seal", "seal@example.com"))
                .level(SignatureLevel.SES).profile(profile).build());
        byte[] output = out.toByteArray();
        assertArrayEquals(input, Arrays.copyOf(output, input.length));
        assertEquals(result.inputSha256(), result.preparedSha256(), "no preparation revision in production");
        ValidationReport after = production.validate(DocumentSource.of(output, "out.pdf"), options);
        List<SignatureValidation> signatures = after.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(2, signatures.size(), after.toString());
        assertEquals(Indication.TOTAL_PASSED, signatures.get(1).indication(), after.toString());
        assertEquals(profile, signatures.get(1).profile().orElseThrow());
        SignatureValidation earlierBefore = before.signatures().get(0);
        SignatureValidation earlierAfter = signatures.get(0);
        assertEquals(earlierBefore.indication(), earlierAfter.indication(), "the earlier signature keeps its indication: " + earlierAfter);
        assertEquals(earlierBefore.subIndication(), earlierAfter.subIndication());
        assertTrue(earlierAfter.modifications().isEmpty(), earlierAfter.modifications().toString());
        List<X509Certificate> anchors = List.of(fixture.root());
        DssFindings.Entry dssAfter = DssFindings.of(output, anchors).signatures().get(0);
        assertEquals(DssFindings.of(input, anchors).signatures().get(0).findings(), dssAfter.findings());
    }

    @Test
    void extendSaysWhichSignaturesItCouldNotExtend() {
        byte[] input = signedBy(TestPki.Kind.GOOD);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DocumentResult result = engine.extend(DocumentSource.of(input, "in.pdf"), DocumentTarget.of(out), PadesProfile.B_LT);
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains(subjectCn(TestPki.Kind.GOOD))), result.warnings().toString());
        assertArrayEquals(input, Arrays.copyOf(out.toByteArray(), input.length));
    }

    private static String subjectCn(TestPki.Kind kind) {
        return PadesSignatureEngine.commonName(foreignPki.signer(kind, TestPki.KeyType.EC_P256).certificate());
    }
    /**
     * A foreign signature whose CMS carries no certificate, in a document that then gets a /DSS (our B-LT signature
     * adds one): DSS 6.2 stops on the whole document there ("No signing certificate found", as on DSS's own
     * pades-bes-no-certificates.pdf countersigned). The engine leaves that signature out of DSS's run, reports it
     * failed with the cause, and validates ours as usual; before, the document could not be validated at all.
     */
    @Test
    void aSignatureDssStopsOnIsReportedAndTheOthersAreValidated() throws Exception {
        byte[] signed = INPUTS.computeIfAbsent(TestPki.Kind.GOOD, CoSigningTest::signedBy);
        byte[] withoutCertificates = withoutCertificates(signed);
        ValidationReport before = engine.validate(DocumentSource.of(withoutCertificates, "in.pdf"), ValidationOptions.sandbox());
        assertEquals(1, before.signatures().size(), before.toString());
        assertEquals(Indication.INDETERMINATE, before.signatures().get(0).indication(), before.toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(withoutCertificates, "in.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.parse("Jane Doe <jane@example.com>")
                        .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(SignatureLevel.AES).profile(PadesProfile.B_LT).build());
        ValidationReport after = engine.validate(DocumentSource.of(out.toByteArray(), "out.pdf"), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = after.signatures();
        assertEquals(2, signatures.size(), after.toString());
        SignatureValidation foreign = signatures.stream().filter(s -> !s.signedBy().contains("Jane")).findFirst().orElseThrow();
        assertEquals(Indication.TOTAL_FAILED, foreign.indication(), after.toString());
        assertEquals("FORMAT_FAILURE", foreign.subIndication().orElseThrow());
        assertTrue(foreign.errors().stream().anyMatch(e -> e.contains("DSS stops on it") && e.contains("No signing certificate")),
                foreign.errors().toString());
        SignatureValidation ours = signatures.stream().filter(s -> s.signedBy().contains("Jane")).findFirst().orElseThrow();
        assertEquals(Indication.TOTAL_PASSED, ours.indication(), after.toString());
        assertEquals(PadesProfile.B_LT, ours.profile().orElseThrow());
    }

    /** {@code pdf} with its one signature's CMS re-encoded without its certificates, in the same /Contents room. */
    private static byte[] withoutCertificates(byte[] pdf) throws Exception {
        String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        int start = text.indexOf("/Contents <") + "/Contents <".length();
        int end = text.indexOf('>', start);
        byte[] der = java.util.HexFormat.of().parseHex(text.substring(start, end).replaceAll("(00)+$", ""));
        org.bouncycastle.asn1.ASN1Primitive parsed;
        try (org.bouncycastle.asn1.ASN1InputStream in = new org.bouncycastle.asn1.ASN1InputStream(der)) {
            parsed = in.readObject(); // the DER, without the zero padding a trailing 00 byte of it may have lost
        }
        org.bouncycastle.cms.CMSSignedData cms = new org.bouncycastle.cms.CMSSignedData(
                org.bouncycastle.asn1.cms.ContentInfo.getInstance(parsed));
        org.bouncycastle.util.CollectionStore<org.bouncycastle.cert.X509CertificateHolder> none =
                new org.bouncycastle.util.CollectionStore<>(List.of());
        byte[] stripped = org.bouncycastle.cms.CMSSignedData.replaceCertificatesAndCRLs(cms, none, null, null).getEncoded("DER");
        assertTrue(cms.getCertificates().getMatches(null).size() > 0 && stripped.length < parsed.getEncoded().length);
        String hex = java.util.HexFormat.of().formatHex(stripped);
        String padded = hex + "0".repeat(end - start - hex.length());
        return (text.substring(0, start) + padded + text.substring(end)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
