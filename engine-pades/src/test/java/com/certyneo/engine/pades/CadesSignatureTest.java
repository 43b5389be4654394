package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.spi.TimestampSource;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's own CMS signer ({@link CadesSignature}, {@link SignatureTimestamps}): CMS embedded in
 * real PDFs with PDFBox's external signing API (test scaffolding only), judged by DSS 6.2 through the
 * engine's validation next to what the engine produces today through DSS's PAdESService for the same
 * key, and by pdfsig and {@code openssl cms -verify}.
 */
class CadesSignatureTest {

    private static final String CONTENT_TYPE = "1.2.840.113549.1.9.3";
    private static final String MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
    private static final String SIGNING_TIME = "1.2.840.113549.1.9.5";
    private static final String SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";
    private static final String SIGNATURE_TIME_STAMP = "1.2.840.113549.1.9.16.2.14";
    private static final Set<String> BROKEN = Set.of("FORMAT_FAILURE", "SIG_CRYPTO_FAILURE", "HASH_FAILURE",
            "NO_SIGNING_CERTIFICATE_FOUND", "SIGNED_DATA_NOT_FOUND");

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static PadesSignatureEngine plainValidator;
    static TimestampSource tsa;
    static Key ec;
    static Key rsa;
    static final Signer JANE = Signer.parse("Jane Doe <jane@example.com>")
            .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());

    /** A private key and its chain, signing certificate first. */
    record Key(PrivateKey key, List<X509Certificate> chain) {
        SigningKey signingKey() {
            return SigningKey.of(key, chain);
        }
    }

    /** One signed PDF and the CMS in it. */
    record Signed(byte[] pdf, byte[] cms, int reserved) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        engine = PadesSignatureEngine.sandbox(home);
        plainValidator = PadesSignatureEngine.builder().build();
        tsa = engine.timestampSource();
        SandboxPki pki = engine.sandboxPki().orElseThrow();
        ec = new Key(pki.seal().key(), pki.seal().chain());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(3072);
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate rsaCert = X509Builder.of(SandboxPki.name("Certyneo SANDBOX RSA Seal"), pair.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation).policy(SandboxPki.SANDBOX_POLICY_OID)
                .revocationPointers(SandboxPki.BASE_URL + "/crl/root.crl", SandboxPki.BASE_URL + "/ocsp",
                        SandboxPki.BASE_URL + "/ca/root.cer")
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)))
                .issuedBy(pki.rootCertificate(), pki.root().key());
        rsa = new Key(pair.getPrivate(), List.of(rsaCert, pki.rootCertificate()));
    }

    // ---------------------------------------------------------------- DSS, pdfsig, openssl, vs today

    @Test
    void ecP256() throws Exception {
        compareWithToday("EC P-256", ec, CmsSignatureAlgorithm.ECDSA_SHA256, false);
    }

    @Test
    void rsaPss() throws Exception {
        compareWithToday("RSA-PSS", rsa, CmsSignatureAlgorithm.RSA_PSS_SHA256, true);
    }

    @Test
    void rsaPkcs1() throws Exception {
        compareWithToday("RSA PKCS#1", rsa, CmsSignatureAlgorithm.RSA_PKCS1_SHA256, false);
    }

    /**
     * B-B and B-T with {@code key}: ours and the engine's current DSS output (two-step, which honours
     * {@code rsaPss}) on the same input reach the same format, indication and sub-indication.
     */
    private void compareWithToday(String label, Key key, CmsSignatureAlgorithm algorithm, boolean pss) throws Exception {
        assertEquals(algorithm, CmsSignatureAlgorithm.forCertificate(key.chain().get(0), pss));
        byte[] input = SamplePdfs.minimal();
        for (PadesProfile profile : List.of(PadesProfile.B_B, PadesProfile.B_T)) {
            boolean timestamp = profile == PadesProfile.B_T;
            Signed ours = ours(input, key, algorithm, timestamp);
            byte[] today = today(input, key, profile, pss);

            SignatureValidation mine = validateOne(engine, ours.pdf(), ValidationOptions.sandbox());
            SignatureValidation theirs = validateOne(engine, today, ValidationOptions.sandbox());
            System.out.printf("[cades] %-10s %s ours:  %s/%s %s, CMS %d bytes (estimate %d); errors %s%n", label, profile,
                    mine.indication(), mine.subIndication().orElse("-"), mine.format(), ours.cms().length, ours.reserved(),
                    mine.errors());
            System.out.printf("[cades] %-10s %s today: %s/%s %s, CMS %d bytes; errors %s%n", label, profile,
                    theirs.indication(), theirs.subIndication().orElse("-"), theirs.format(), cmsOf(today).length,
                    theirs.errors());
            assertEquals("PAdES-BASELINE-" + (timestamp ? "T" : "B"), mine.format(), mine.toString());
            assertEquals(profile, mine.profile().orElseThrow(), mine.toString());
            assertFalse(BROKEN.contains(mine.subIndication().orElse("")), mine.toString());
            assertTrue(mine.signerSubject().contains("CN=" + commonName(key.chain().get(0))), mine.toString());
            assertEquals(commonName(key.chain().get(0)), mine.signedBy(), mine.toString());
            assertEquals(theirs.format(), mine.format());
            assertEquals(theirs.indication(), mine.indication(), mine + "\nvs today\n" + theirs);
            assertEquals(theirs.subIndication(), mine.subIndication(), mine + "\nvs today\n" + theirs);
            assertEquals(timestamp ? 1 : 0, mine.timestampTimes().size(), mine.toString());

            // DSS's default policy with the sandbox root as the only trust anchor and no revocation data.
            ValidationOptions rootOnly = ValidationOptions.trusting(List.of(key.chain().get(key.chain().size() - 1)));
            SignatureValidation mineBare = validateOne(plainValidator, ours.pdf(), rootOnly);
            SignatureValidation theirsBare = validateOne(plainValidator, today, rootOnly);
            System.out.printf("[cades] %-10s %s without revocation data: ours %s/%s, today %s/%s%n", label, profile,
                    mineBare.indication(), mineBare.subIndication().orElse("-"), theirsBare.indication(),
                    theirsBare.subIndication().orElse("-"));
            assertEquals(mine.format(), mineBare.format(), mineBare.toString());
            assertFalse(BROKEN.contains(mineBare.subIndication().orElse("")), mineBare.toString());
            assertEquals(theirsBare.indication(), mineBare.indication(), mineBare + "\nvs today\n" + theirsBare);
            assertEquals(theirsBare.subIndication(), mineBare.subIndication(), mineBare + "\nvs today\n" + theirsBare);
            assertEquals(theirsBare.errors(), mineBare.errors());

            sameShapeAsDss(ours.cms(), cmsOf(today), timestamp);
            checkStructure(ours.cms(), key.chain(), timestamp);
            externalChecks(ours.pdf(), label + "-" + profile);
            assertTrue(ours.reserved() >= ours.cms().length);
            int tokenSize = timestamp ? tokenOf(ours.cms()).length : 0;
            int estimate = CadesSignature.estimateSize(key.chain(), algorithm, tokenSize);
            assertTrue(estimate >= ours.cms().length, estimate + " < " + ours.cms().length);
            System.out.printf("[cades] %-10s %s estimate with the actual token size: %d >= %d (slack %d)%n", label, profile,
                    estimate, ours.cms().length, estimate - ours.cms().length);
        }
    }

    @Test
    void selfSignedTrustAnchorSealCarriesItsCertificate() throws Exception {
        Instant now = Instant.now();
        KeyPair keys = X509Builder.newEcKeyPair();
        X509Certificate self = X509Builder.of(new X500Name("CN=Self-signed Seal,O=Example,C=FR"), keys.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                .validity(now.minusSeconds(60), now.plusSeconds(3600)).selfSigned(keys.getPrivate());
        Key key = new Key(keys.getPrivate(), List.of(self));
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(key.signingKey()).trustAnchor(self).build();
        byte[] input = SamplePdfs.minimal();

        Signed ours = ours(input, key, CmsSignatureAlgorithm.ECDSA_SHA256, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        production.sign(SignRequest.builder().document(DocumentSource.of(input, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Self-signed Seal", "seal@example.com")).level(SignatureLevel.SES)
                .profile(PadesProfile.B_B).build());

        CMSSignedData cms = new CMSSignedData(ours.cms());
        assertEquals(1, cms.getCertificates().getMatches(null).size(), "the CMS carries the signing certificate");
        ValidationOptions trustSelf = ValidationOptions.trusting(List.of(self));
        SignatureValidation mine = validateOne(production, ours.pdf(), trustSelf);
        SignatureValidation theirs = validateOne(production, out.toByteArray(), trustSelf);
        System.out.printf("[cades] self-signed B-B ours: %s/%s %s; today: %s/%s %s%n", mine.indication(),
                mine.subIndication().orElse("-"), mine.format(), theirs.indication(), theirs.subIndication().orElse("-"),
                theirs.format());
        assertEquals("PAdES-BASELINE-B", mine.format(), mine.toString());
        assertTrue(mine.signerSubject().contains("CN=Self-signed Seal"), mine.toString());
        assertFalse(BROKEN.contains(mine.subIndication().orElse("")), mine.toString());
        assertEquals(theirs.indication(), mine.indication(), mine + "\nvs today\n" + theirs);
        assertEquals(theirs.subIndication(), mine.subIndication(), mine + "\nvs today\n" + theirs);
        DssFindings.Entry raw = DssFindings.of(ours.pdf(), List.of(self)).signatures().get(0);
        assertEquals("PAdES-BASELINE-B", raw.format(), raw.toString());
        assertFalse(BROKEN.contains(raw.subIndication()), raw.toString());
        externalChecks(ours.pdf(), "self-signed");
        assertTrue(CadesSignature.estimateSize(key.chain(), CmsSignatureAlgorithm.ECDSA_SHA256, 0) >= ours.cms().length);
    }

    // ---------------------------------------------------------------- typed errors

    @Test
    void aWrongSignatureValueIsATypedErrorAndNothingIsAssembled() throws Exception {
        byte[] digest = Digests.sha256("content".getBytes(StandardCharsets.US_ASCII));
        CadesSignature plan = CadesSignature.plan(ec.chain(), digest, Instant.now(), CmsSignatureAlgorithm.ECDSA_SHA256);
        KeyPair other = X509Builder.newEcKeyPair();
        byte[] byOtherKey = SigningKey.of(other.getPrivate(), ec.chain()).sign(plan.toBeSigned(), plan.jcaAlgorithm());
        byte[] overOtherData = ec.signingKey().sign(new byte[] {1, 2, 3}, plan.jcaAlgorithm());
        for (byte[] bad : List.of(byOtherKey, overOtherData, new byte[64], new byte[0], new byte[] {0x30, 0x00})) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> plan.assemble(bad));
            assertEquals(ErrorCode.INVALID_SIGNATURE_VALUE, e.code(), e.getMessage());
        }
        SignatureEngineException wrongKey = assertThrows(SignatureEngineException.class,
                () -> plan.sign(SigningKey.of(other.getPrivate(), ec.chain())));
        assertEquals(ErrorCode.INVALID_SIGNATURE_VALUE, wrongKey.code());

        CadesSignature pss = CadesSignature.plan(rsa.chain(), digest, null, CmsSignatureAlgorithm.RSA_PSS_SHA256);
        byte[] pkcs1 = rsa.signingKey().sign(pss.toBeSigned(), "SHA256withRSA"); // right key, wrong padding
        SignatureEngineException padding = assertThrows(SignatureEngineException.class, () -> pss.assemble(pkcs1, "a test"));
        assertEquals(ErrorCode.INVALID_SIGNATURE_VALUE, padding.code());
        assertTrue(padding.getMessage().contains("a test"), padding.getMessage());
    }

    @Test
    void aChainIsShapedOnceAndItsShapeSizesAsAFreshPlan() throws Exception {
        List<X509Certificate> reparsed = new ArrayList<>();
        for (X509Certificate c : ec.chain()) { // equal certificates, other objects: the same chain
            reparsed.add((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(c.getEncoded())));
        }
        CadesSignature shape = CadesSignature.shape(ec.chain(), CmsSignatureAlgorithm.ECDSA_SHA256);
        assertTrue(shape == CadesSignature.shape(reparsed, CmsSignatureAlgorithm.ECDSA_SHA256), "planned once");
        assertFalse(shape == CadesSignature.shape(rsa.chain(), CmsSignatureAlgorithm.RSA_PSS_SHA256));
        assertFalse(shape == CadesSignature.shape(ec.chain().subList(0, 1), CmsSignatureAlgorithm.ECDSA_SHA256),
                "another chain (the signing certificate alone)");
        for (int room : new int[] {0, 4096, 0, 9000, 9000}) { // each estimate as a plan never sized before gives it
            CadesSignature fresh = CadesSignature.plan(ec.chain(), new byte[32], null, CmsSignatureAlgorithm.ECDSA_SHA256);
            assertEquals(fresh.estimateSize(room), shape.estimateSize(room), "room " + room);
        }
        assertTrue(shape.estimateSize(9000) > shape.estimateSize(4096));
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.shape(ec.chain(), CmsSignatureAlgorithm.RSA_PSS_SHA256)).code(), "refused, not kept");
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.shape(ec.chain(), CmsSignatureAlgorithm.RSA_PSS_SHA256)).code(), "refused again");
    }

    @Test
    void plansRefuseWhatCannotBeSigned() {
        byte[] digest = new byte[32];
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.plan(ec.chain(), digest, null, CmsSignatureAlgorithm.RSA_PSS_SHA256)).code());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.plan(rsa.chain(), digest, null, CmsSignatureAlgorithm.ECDSA_SHA256)).code());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.plan(List.of(), digest, null, CmsSignatureAlgorithm.ECDSA_SHA256)).code());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.plan(ec.chain(), new byte[20], null, CmsSignatureAlgorithm.ECDSA_SHA256)).code());
        Instant afterExpiry = ec.chain().get(0).getNotAfter().toInstant().plusSeconds(1);
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> CadesSignature.plan(ec.chain(), digest, afterExpiry, CmsSignatureAlgorithm.ECDSA_SHA256)).code());
    }

    @Test
    void aTokenOverAnotherImprintIsRefused() {
        byte[] cms = CadesSignature.plan(ec.chain(), new byte[32], null, CmsSignatureAlgorithm.ECDSA_SHA256)
                .sign(ec.signingKey());
        TimestampSource wrongImprint = (algorithm, digest) -> tsa.timestamp(algorithm, Digests.sha256(digest));
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> SignatureTimestamps.add(cms, wrongImprint));
        assertEquals(ErrorCode.TSA_RESPONSE_INVALID, e.code(), e.getMessage());
        TimestampSource sha512 = (algorithm, digest) -> tsa.timestamp("SHA-512", new byte[64]);
        assertEquals(ErrorCode.TSA_RESPONSE_INVALID,
                assertThrows(SignatureEngineException.class, () -> SignatureTimestamps.add(cms, sha512)).code());
        assertEquals(ErrorCode.TSA_RESPONSE_INVALID, assertThrows(SignatureEngineException.class,
                () -> SignatureTimestamps.add(cms, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, "a test")).code());
        byte[] token = tsa.timestamp("SHA-256", SignatureTimestamps.imprint(cms));
        assertArrayEquals(SignatureTimestamps.add(cms, token, "a test"), SignatureTimestamps.add(cms, token, "again"));
    }

    @Test
    void aPlanStampsItsCmsAsTheCmsIsStampedWhenParsed() {
        for (var key : List.of(ec, rsa)) {
            CmsSignatureAlgorithm algorithm = key == ec ? CmsSignatureAlgorithm.ECDSA_SHA256 : CmsSignatureAlgorithm.RSA_PSS_SHA256;
            CadesSignature plan = CadesSignature.plan(key.chain(), Digests.sha256(new byte[] {1}), null, algorithm);
            byte[] cms = plan.sign(key.signingKey());
            byte[] token = tsa.timestamp("SHA-256", SignatureTimestamps.imprint(cms));
            SigningPipeline.Recorder fixed = new SigningPipeline.Recorder((digestAlgorithm, digest) -> token);
            byte[] fromPlan = SignatureTimestamps.add(plan, cms, fixed);
            assertArrayEquals(SignatureTimestamps.add(cms, token, "a test"), fromPlan, key.chain().get(0).getSigAlgName());
            // a plan that assembled nothing takes the CMS apart, as before
            CadesSignature unassembled = CadesSignature.plan(key.chain(), Digests.sha256(new byte[] {1}), null, algorithm);
            assertArrayEquals(fromPlan, SignatureTimestamps.add(unassembled, cms, fixed));
            // a plan assembled again since (another value): the CMS given is taken apart, not the plan's last value
            CadesSignature reassembled = CadesSignature.plan(key.chain(), Digests.sha256(new byte[] {1}), null, algorithm);
            reassembled.assemble(key.signingKey().sign(reassembled.toBeSigned(), reassembled.jcaAlgorithm()));
            assertArrayEquals(fromPlan, SignatureTimestamps.add(reassembled, cms, fixed)); // ECDSA and PSS: random values
            // a token over another value is refused on the plan's path too
            SigningPipeline.Recorder wrongImprint = new SigningPipeline.Recorder(
                    (digestAlgorithm, digest) -> tsa.timestamp(digestAlgorithm, Digests.sha256(digest)));
            assertEquals(ErrorCode.TSA_RESPONSE_INVALID, assertThrows(SignatureEngineException.class,
                    () -> SignatureTimestamps.add(plan, cms, wrongImprint)).code());
        }
    }

    @Test
    void theLightweightTokenVerifierConfirmsTheTsuKeyOnly() throws Exception {
        org.bouncycastle.tsp.TimeStampToken token = new org.bouncycastle.tsp.TimeStampToken(
                new CMSSignedData(tsa.timestamp("SHA-256", Digests.sha256(new byte[] {2}))));
        @SuppressWarnings("unchecked")
        X509CertificateHolder tsu = (X509CertificateHolder) token.getCertificates().getMatches(token.getSID()).iterator().next();
        for (int i = 0; i < 2; i++) { // the second time with the key decoded before
            token.validate(LightweightEcdsa.signerInfoVerifier(tsu)); // throws unless it verifies
        }
        SignerInformation signer = token.toCMSSignedData().getSignerInfos().getSigners().iterator().next();
        X509CertificateHolder seal = new X509CertificateHolder(ec.chain().get(0).getEncoded());
        boolean confirmedByAnotherKey;
        try {
            confirmedByAnotherKey = signer.verify(LightweightEcdsa.signerInfoVerifier(seal));
        } catch (org.bouncycastle.cms.CMSException e) {
            confirmedByAnotherKey = false;
        }
        assertFalse(confirmedByAnotherKey, "another EC key does not confirm the token");
        assertNull(LightweightEcdsa.signerInfoVerifier(new X509CertificateHolder(rsa.chain().get(0).getEncoded())), "RSA");
    }

    @Test
    void theSealNameIsTheCommonNameUnescaped() throws Exception {
        java.security.KeyPair pair = X509Builder.newEcKeyPair();
        java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("CN=Acme\\, Inc. Seal,O=Acme,C=FR", "Acme, Inc. Seal");
        expected.put("CN=Plain Seal", "Plain Seal");
        expected.put("CN=Quote \\\"Q\\\" \\+ Plus,O=X", "Quote \"Q\" + Plus");
        expected.put("CN=\u00c9lise Seal,O=\u00c9tat", "\u00c9lise Seal");
        for (var entry : expected.entrySet()) {
            X509Certificate certificate = X509Builder.of(new X500Name(entry.getKey()), pair.getPublic()).selfSigned(pair.getPrivate());
            assertEquals(entry.getValue(), PadesSignatureEngine.commonName(certificate), entry.getKey());
        }
        X509Certificate noCn = X509Builder.of(new X500Name("O=Acme,C=FR"), pair.getPublic()).selfSigned(pair.getPrivate());
        assertEquals(noCn.getSubjectX500Principal().getName(), PadesSignatureEngine.commonName(noCn));
    }

    @Test
    void aRecorderHandsOnItsLastTokenParsedOnlyForThoseVeryBytes() throws Exception {
        SigningPipeline.Recorder recorder = new SigningPipeline.Recorder(tsa);
        byte[] imprint = Digests.sha256(new byte[] {3});
        byte[] token = recorder.timestamp("SHA-256", imprint);
        org.bouncycastle.tsp.TimeStampToken parsed = recorder.parsed(token);
        assertArrayEquals(token, parsed.getEncoded());
        assertArrayEquals(imprint, parsed.getTimeStampInfo().getMessageImprintDigest());
        assertEquals(parsed.getTimeStampInfo().getGenTime().toInstant(), recorder.last().orElseThrow());
        assertNull(recorder.parsed(token.clone()), "another array, even with the same bytes");
        byte[] second = recorder.timestamp("SHA-256", imprint);
        assertNull(recorder.parsed(token), "no longer the last token");
        second[second.length - 1] ^= 1;
        assertNull(recorder.parsed(second), "changed since it was returned");
        second[second.length - 1] ^= 1;
        SignatureTimestamps.requireImprint(second, imprint, "a test", recorder.parsed(second)); // passes
        assertEquals(ErrorCode.TSA_RESPONSE_INVALID, assertThrows(SignatureEngineException.class,
                () -> SignatureTimestamps.requireImprint(second, Digests.sha256(new byte[] {4}), "a test",
                        recorder.parsed(second))).code());
    }

    @Test
    void aPooledDeflaterDeflatesAsANewOne() throws Exception {
        byte[] data = new byte[20_000];
        new java.util.Random(7).nextBytes(data);
        for (int i = 0; i < data.length; i += 3) {
            data[i] = 'x';
        }
        java.util.zip.Deflater fresh = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION);
        fresh.setInput(data);
        fresh.finish();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!fresh.finished()) {
            expected.write(chunk, 0, fresh.deflate(chunk));
        }
        fresh.end();
        for (int i = 0; i < 20; i++) { // the first calls set deflaters up, the later ones take them from the pool
            assertArrayEquals(expected.toByteArray(), RevisionWriter.deflate(data), "call " + i);
            assertArrayEquals(RevisionWriter.deflate(new byte[] {1, 2, 3}), RevisionWriter.deflate(new byte[] {1, 2, 3}));
        }
    }

    @Test
    void aPlanOverAnotherDigestIsThePlanOfThatDigest() {
        byte[] digest = Digests.sha256("another range".getBytes(StandardCharsets.US_ASCII));
        Instant time = Instant.now();
        CadesSignature shape = CadesSignature.plan(ec.chain(), new byte[32], null, CmsSignatureAlgorithm.ECDSA_SHA256);
        CadesSignature direct = CadesSignature.plan(ec.chain(), digest, time, CmsSignatureAlgorithm.ECDSA_SHA256);
        CadesSignature derived = shape.withContentDigest(digest, time);
        assertArrayEquals(direct.toBeSigned(), derived.toBeSigned());
        byte[] value = ec.signingKey().sign(direct.toBeSigned(), direct.jcaAlgorithm());
        assertArrayEquals(direct.assemble(value), derived.assemble(value));
        assertEquals(CadesSignature.estimateSize(ec.chain(), CmsSignatureAlgorithm.ECDSA_SHA256, 5000), shape.estimateSize(5000));
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class,
                () -> shape.withContentDigest(new byte[20], time)).code());
        Instant afterExpiry = ec.chain().get(0).getNotAfter().toInstant().plusSeconds(1);
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, assertThrows(SignatureEngineException.class,
                () -> shape.withContentDigest(digest, afterExpiry)).code());
    }

    // ---------------------------------------------------------------- determinism

    @Test
    void sameInputsAndValueGiveTheSameDerBytes() throws Exception {
        byte[] digest = Digests.sha256("determinism".getBytes(StandardCharsets.US_ASCII));
        Instant time = Instant.now();
        CadesSignature a = CadesSignature.plan(ec.chain(), digest, time, CmsSignatureAlgorithm.ECDSA_SHA256);
        CadesSignature b = CadesSignature.plan(ec.chain(), digest, time, CmsSignatureAlgorithm.ECDSA_SHA256);
        assertArrayEquals(a.toBeSigned(), b.toBeSigned());
        assertArrayEquals(Digests.sha256(a.toBeSigned()), a.toBeSignedDigest());
        assertEquals("SHA-256", a.digestAlgorithm());
        byte[] value = ec.signingKey().sign(a.toBeSigned(), a.jcaAlgorithm());
        byte[] cms = a.assemble(value);
        assertArrayEquals(cms, b.assemble(value));
        assertArrayEquals(cms, a.assemble(rawEcdsa(value, 32)), "raw r||s normalises to the same DER value");
        assertArrayEquals(cms, ASN1Primitive.fromByteArray(cms).getEncoded(ASN1Encoding.DER), "DER");
        byte[] stamped = SignatureTimestamps.add(cms, tsa);
        assertArrayEquals(stamped, ASN1Primitive.fromByteArray(stamped).getEncoded(ASN1Encoding.DER), "DER");

        // PKCS#1 v1.5 is deterministic: two complete runs give the same bytes.
        CadesSignature p1 = CadesSignature.plan(rsa.chain(), digest, time, CmsSignatureAlgorithm.RSA_PKCS1_SHA256);
        CadesSignature p2 = CadesSignature.plan(rsa.chain(), digest, time, CmsSignatureAlgorithm.RSA_PKCS1_SHA256);
        assertArrayEquals(p1.sign(rsa.signingKey()), p2.sign(rsa.signingKey()));
        // The signing time only gates validity: it is not in the CMS.
        assertArrayEquals(a.toBeSigned(),
                CadesSignature.plan(ec.chain(), digest, null, CmsSignatureAlgorithm.ECDSA_SHA256).toBeSigned());
    }

    // ---------------------------------------------------------------- measurement

    @Test
    void measurePlanSignAssembleEcP256() {
        SigningKey key = ec.signingKey();
        byte[] digest = Digests.sha256("measure".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 300; i++) {
            CadesSignature.plan(ec.chain(), digest, Instant.now(), CmsSignatureAlgorithm.ECDSA_SHA256).sign(key);
        }
        int runs = 200;
        long[] total = new long[runs];
        long[] plan = new long[runs];
        long[] sign = new long[runs];
        long[] assemble = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            CadesSignature p = CadesSignature.plan(ec.chain(), digest, Instant.now(), CmsSignatureAlgorithm.ECDSA_SHA256);
            long t1 = System.nanoTime();
            byte[] value = key.sign(p.toBeSigned(), p.jcaAlgorithm());
            long t2 = System.nanoTime();
            p.assemble(value);
            long t3 = System.nanoTime();
            total[i] = t3 - t0;
            plan[i] = t1 - t0;
            sign[i] = t2 - t1;
            assemble[i] = t3 - t2;
        }
        System.out.printf("[cades] EC P-256 median over %d after 300 warm-up: plan+sign+assemble %.3f ms "
                        + "(plan %.3f, sign %.3f, assemble incl. verify %.3f), p90 total %.3f ms%n", runs,
                median(total), median(plan), median(sign), median(assemble), percentile(total, 90));
    }

    private static double median(long[] nanos) {
        return percentile(nanos, 50);
    }

    private static double percentile(long[] nanos, int percent) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)] / 1e6;
    }

    // ---------------------------------------------------------------- helpers

    /** Signs {@code input} with our CMS, through PDFBox's external signing API (scaffolding, not the engine's writer). */
    private static Signed ours(byte[] input, Key key, CmsSignatureAlgorithm algorithm, boolean timestamp) throws Exception {
        Instant signingTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // A token's size varies by a few bytes (serial, genTime fraction, ECDSA value): allow for it.
        int tokenAllowance = timestamp ? tsa.timestamp("SHA-256", new byte[32]).length + 64 : 0;
        int reserved = CadesSignature.estimateSize(key.chain(), algorithm, tokenAllowance);
        byte[][] cms = new byte[1][];
        byte[] pdf = pdfboxSign(input, signingTime, reserved, digest -> {
            CadesSignature plan = CadesSignature.plan(key.chain(), digest, signingTime, algorithm);
            byte[] signed = plan.sign(key.signingKey());
            cms[0] = timestamp ? SignatureTimestamps.add(signed, tsa) : signed;
            return cms[0];
        });
        return new Signed(pdf, cms[0], reserved);
    }

    /** The engine's current output for the same key (two-step, DSS's PAdESService underneath). */
    private static byte[] today(byte[] input, Key key, PadesProfile profile, boolean pss) {
        PreparedSignature prepared = engine.prepare(PrepareRequest.builder().document(DocumentSource.of(input, "in.pdf"))
                .signer(JANE).profile(profile).certificateChain(key.chain()).rsaPss(pss).build());
        byte[] value = key.signingKey().sign(prepared.dataToSign(), prepared.signatureAlgorithm());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.complete(prepared.state(), value, DocumentSource.of(input, "in.pdf"), DocumentTarget.of(out));
        return out.toByteArray();
    }

    private static byte[] pdfboxSign(byte[] input, Instant signingTime, int reserved, Function<byte[], byte[]> cms)
            throws Exception {
        try (PDDocument document = Loader.loadPDF(input); SignatureOptions options = new SignatureOptions()) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            Calendar calendar = Calendar.getInstance();
            calendar.setTimeInMillis(signingTime.toEpochMilli());
            signature.setSignDate(calendar);
            options.setPreferredSignatureSize(reserved);
            document.addSignature(signature, options);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExternalSigningSupport external = document.saveIncrementalForExternalSigning(out);
            byte[] digest = Digests.sha256(external.getContent().readAllBytes());
            external.setSignature(cms.apply(digest));
            return out.toByteArray();
        }
    }

    private static SignatureValidation validateOne(PadesSignatureEngine validator, byte[] pdf, ValidationOptions options) {
        List<SignatureValidation> signatures = validator.validate(DocumentSource.of(pdf, "x.pdf"), options).signatures()
                .stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size(), signatures.toString());
        return signatures.get(0);
    }

    /** The CMS of the (last) signature of a PDF, without the /Contents padding. */
    private static byte[] cmsOf(byte[] pdf) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            byte[] contents = document.getLastSignatureDictionary().getContents();
            try (ASN1InputStream in = new ASN1InputStream(contents)) {
                return in.readObject().getEncoded(ASN1Encoding.DER);
            }
        }
    }

    private static byte[] signedContent(byte[] pdf) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return document.getLastSignatureDictionary().getSignedContent(pdf);
        }
    }

    private static byte[] tokenOf(byte[] cms) throws Exception {
        SignerInformation signer = new CMSSignedData(cms).getSignerInfos().getSigners().iterator().next();
        Attribute attribute = signer.getUnsignedAttributes().get(new org.bouncycastle.asn1.ASN1ObjectIdentifier(SIGNATURE_TIME_STAMP));
        return attribute.getAttrValues().getObjectAt(0).toASN1Primitive().getEncoded(ASN1Encoding.DER);
    }

    /** Same signed attribute types, digest and signature algorithm identifiers, unsigned attribute types as DSS. */
    private static void sameShapeAsDss(byte[] ours, byte[] dss, boolean timestamp) throws Exception {
        SignerInformation mine = new CMSSignedData(ours).getSignerInfos().getSigners().iterator().next();
        SignerInformation theirs = new CMSSignedData(dss).getSignerInfos().getSigners().iterator().next();
        assertEquals(oids(theirs.getSignedAttributes()), oids(mine.getSignedAttributes()), "signed attribute types");
        assertEquals(oids(theirs.getUnsignedAttributes()), oids(mine.getUnsignedAttributes()), "unsigned attribute types");
        assertEquals(theirs.getDigestAlgorithmID().getAlgorithm(), mine.getDigestAlgorithmID().getAlgorithm());
        assertEquals(theirs.getEncryptionAlgOID(), mine.getEncryptionAlgOID());
        if (!Arrays.equals(theirs.toASN1Structure().getDigestEncryptionAlgorithm().getEncoded(ASN1Encoding.DER),
                mine.toASN1Structure().getDigestEncryptionAlgorithm().getEncoded(ASN1Encoding.DER))
                || !Arrays.equals(theirs.getDigestAlgorithmID().getEncoded(ASN1Encoding.DER),
                mine.getDigestAlgorithmID().getEncoded(ASN1Encoding.DER))) {
            System.out.println("[cades] algorithm identifier encodings differ from DSS: ours "
                    + mine.getDigestAlgorithmID().toASN1Primitive() + " / "
                    + mine.toASN1Structure().getDigestEncryptionAlgorithm().toASN1Primitive() + ", DSS "
                    + theirs.getDigestAlgorithmID().toASN1Primitive() + " / "
                    + theirs.toASN1Structure().getDigestEncryptionAlgorithm().toASN1Primitive());
        }
        assertEquals(timestamp, mine.getUnsignedAttributes() != null);
    }

    private static Set<String> oids(AttributeTable table) {
        if (table == null) {
            return Set.of();
        }
        Set<String> oids = new HashSet<>();
        for (Attribute attribute : table.toASN1Structure().getAttributes()) {
            oids.add(attribute.getAttrType().getId());
        }
        return oids;
    }

    /** Detached, DER, exactly the PAdES signed attributes, issuerAndSerialNumber, the whole chain, verifies. */
    private static void checkStructure(byte[] der, List<X509Certificate> chain, boolean timestamp) throws Exception {
        assertArrayEquals(der, ASN1Primitive.fromByteArray(der).getEncoded(ASN1Encoding.DER), "DER");
        CMSSignedData cms = new CMSSignedData(der);
        assertNull(cms.getSignedContent(), "detached");
        assertEquals(1, cms.getVersion());
        SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
        assertEquals(1, signer.getVersion(), "issuerAndSerialNumber");
        assertEquals(chain.get(0).getSerialNumber(), signer.getSID().getSerialNumber());
        assertEquals(Set.of(CONTENT_TYPE, MESSAGE_DIGEST, SIGNING_CERTIFICATE_V2), oids(signer.getSignedAttributes()));
        assertNull(signer.getSignedAttributes().get(new org.bouncycastle.asn1.ASN1ObjectIdentifier(SIGNING_TIME)));
        assertEquals(timestamp ? Set.of(SIGNATURE_TIME_STAMP) : Set.of(), oids(signer.getUnsignedAttributes()));
        Set<String> embedded = cms.getCertificates().getMatches(null).stream()
                .map(h -> Digests.sha256Hex(encoded(h))).collect(Collectors.toSet());
        Set<String> given = chain.stream().map(c -> Digests.sha256Hex(encoded(c))).collect(Collectors.toSet());
        assertEquals(given, embedded);
        if (timestamp) {
            byte[] imprint = new org.bouncycastle.tsp.TimeStampToken(new CMSSignedData(tokenOf(der)))
                    .getTimeStampInfo().getMessageImprintDigest();
            assertArrayEquals(Digests.sha256(signer.getSignature()), imprint);
        }
    }

    private static byte[] encoded(Object certificate) {
        try {
            return certificate instanceof X509CertificateHolder h ? h.getEncoded() : ((X509Certificate) certificate).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** pdfsig says the signature is valid; {@code openssl cms -verify} verifies the CMS over the byte range. */
    private static void externalChecks(byte[] pdf, String name) throws Exception {
        Path file = home.resolve(name.replaceAll("[^A-Za-z0-9-]", "_") + ".pdf");
        Files.write(file, pdf);
        if (ExternalValidators.require("pdfsig")) {
            ExternalValidators.Run pdfsig = ExternalValidators.pdfsig(file);
            assertEquals(1, ExternalValidators.validSignatureCount(pdfsig.output()), pdfsig.output());
        }
        if (ExternalValidators.require("openssl")) {
            Path content = home.resolve(file.getFileName() + ".content");
            Path cms = home.resolve(file.getFileName() + ".p7s");
            Files.write(content, signedContent(pdf));
            Files.write(cms, cmsOf(pdf));
            List<String> command = List.of("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", cms.toString(),
                    "-content", content.toString(), "-noverify", "-out", "/dev/null");
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("Verification successful"), output);
        }
        // BouncyCastle too, over the byte range PDFBox reports.
        CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signedContent(pdf)), cmsOf(pdf));
        SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
        X509CertificateHolder certificate = (X509CertificateHolder) cms.getCertificates().getMatches(signer.getSID())
                .iterator().next();
        assertTrue(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate)));
    }

    private static String commonName(X509Certificate certificate) {
        return PadesSignatureEngine.commonName(certificate);
    }

    /** DER ECDSA → raw r‖s of {@code size} bytes each. */
    private static byte[] rawEcdsa(byte[] der, int size) throws Exception {
        org.bouncycastle.asn1.ASN1Sequence seq = (org.bouncycastle.asn1.ASN1Sequence) ASN1Primitive.fromByteArray(der);
        byte[] raw = new byte[2 * size];
        for (int i = 0; i < 2; i++) {
            byte[] v = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(size,
                    ((org.bouncycastle.asn1.ASN1Integer) seq.getObjectAt(i)).getValue());
            System.arraycopy(v, 0, raw, i * size, size);
        }
        return raw;
    }
}
