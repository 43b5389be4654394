package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoStepSigningTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static Signer signer = Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    /** A browser-side style key: fresh key pair, one-time certificate from the sandbox signer CA. */
    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    static List<X509Certificate> chainFor(KeyPair pair) {
        return OneTimeCertificateAuthority.sandbox(engine.sandboxPki().orElseThrow()).issue(signer, pair.getPublic(), Instant.now());
    }

    static PrepareRequest request(byte[] pdf, String name, List<X509Certificate> chain, PadesProfile profile, boolean pss) {
        return PrepareRequest.builder().document(DocumentSource.of(pdf, name)).signer(signer).profile(profile)
                .reason("Two-step approval").location("Lyon").certificateChain(chain).rsaPss(pss).build();
    }

    static byte[] sign(PrivateKey key, PreparedSignature prepared) throws Exception {
        String algorithm = prepared.signatureAlgorithm();
        Signature s;
        if (algorithm.endsWith("andMGF1")) {
            s = Signature.getInstance("RSASSA-PSS");
            s.setParameter(SignatureValues.pss(algorithm));
        } else {
            s = Signature.getInstance(algorithm);
        }
        s.initSign(key);
        s.update(prepared.dataToSign());
        return s.sign();
    }

    static SignatureValidation validateOne(Path out, PadesProfile profile) {
        ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size(), report.toString());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(profile, v.profile().orElseThrow(), v.toString());
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PadesProfile.class)
    void roundTripOnAnotherEngineInstance(PadesProfile profile) throws Exception {
        KeyPair pair = ecKey();
        byte[] pdf = SamplePdfs.multiPage(2);
        PreparedSignature prepared = engine.prepare(request(pdf, "contract.pdf", chainFor(pair), profile, false));
        assertEquals("SHA-256", prepared.digestAlgorithm());
        assertEquals("SHA256withECDSA", prepared.signatureAlgorithm());
        assertTrue(prepared.state().length < 32 * 1024, "state stays small: " + prepared.state().length);
        assertEquals(prepared.digestHex(), Digests.sha256Hex(prepared.dataToSign()));
        byte[] value = sign(pair.getPrivate(), prepared);

        // Step 2 on another engine instance (as after a restart or on another node), under another file name.
        Path out = home.resolve("two-step-" + profile + ".pdf");
        try (PadesSignatureEngine other = PadesSignatureEngine.sandbox(home)) {
            SigningResult result = other.complete(prepared.state(), value, DocumentSource.of(pdf, "renamed.pdf"),
                    DocumentTarget.of(out));
            assertEquals(profile, result.profile());
            assertEquals(profile.needsTimestamp(), result.timestampTime().isPresent());
            byte[] signed = Files.readAllBytes(out);
            assertEquals(Digests.sha256Hex(pdf), result.inputSha256());
            assertEquals(Digests.sha256Hex(signed), result.outputSha256());
            assertTrue(revisionPrefixes(signed).contains(result.preparedSha256()),
                    "the prepared document (the input and its SANDBOX mark revision) is a revision of the output");
        }
        validateOne(out, profile);
    }

    @Test
    void anExpiredStateIsRefused() throws Exception {
        KeyPair pair = ecKey();
        byte[] pdf = SamplePdfs.minimal();
        PreparedSignature prepared = engine.prepare(request(pdf, "late.pdf", chainFor(pair), PadesProfile.B_B, false));
        byte[] value = sign(pair.getPrivate(), prepared);
        Path out = home.resolve("late.pdf");
        try (PadesSignatureEngine later = PadesSignatureEngine.builder().sandbox(home)
                .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(2)))
                .stateLifetime(java.time.Duration.ofHours(1)).build()) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> later.complete(prepared.state(), value,
                    DocumentSource.of(pdf, "late.pdf"), DocumentTarget.of(out)));
            assertEquals(ErrorCode.STATE_MISMATCH, e.code(), e.toString());
            assertTrue(e.getMessage().contains("expired"), e.getMessage());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void stateOfOneDocumentIsRejectedForAnother() throws Exception {
        KeyPair pair = ecKey();
        PreparedSignature prepared = engine.prepare(request(SamplePdfs.minimal(), "a.pdf", chainFor(pair), PadesProfile.B_B, false));
        byte[] value = sign(pair.getPrivate(), prepared);
        Path out = home.resolve("mismatch.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.complete(prepared.state(), value,
                DocumentSource.of(SamplePdfs.multiPage(3), "b.pdf"), DocumentTarget.of(out)));
        assertEquals(ErrorCode.STATE_MISMATCH, e.code(), e.toString());
        assertTrue(e.getMessage().contains("a.pdf"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void tamperedStateIsRejected() throws Exception {
        KeyPair pair = ecKey();
        byte[] pdf = SamplePdfs.minimal();
        PreparedSignature prepared = engine.prepare(request(pdf, "a.pdf", chainFor(pair), PadesProfile.B_B, false));
        byte[] state = prepared.state();
        state[40] ^= 1;
        Path out = home.resolve("tampered.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.complete(state,
                sign(pair.getPrivate(), prepared), DocumentSource.of(pdf, "a.pdf"), DocumentTarget.of(out)));
        assertEquals(ErrorCode.STATE_MISMATCH, e.code());
        assertFalse(Files.exists(out));
        // and a production engine (another key) refuses a sandbox state
        try (PadesSignatureEngine production = PadesSignatureEngine.builder().build()) {
            SignatureEngineException p = assertThrows(SignatureEngineException.class, () -> production.complete(prepared.state(),
                    sign(pair.getPrivate(), prepared), DocumentSource.of(pdf, "a.pdf"), DocumentTarget.of(out)));
            assertEquals(ErrorCode.STATE_MISMATCH, p.code());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = PadesProfile.class, names = {"B_B", "B_T"})
    void wrongSignatureValueIsATypedErrorAndWritesNothing(PadesProfile profile) throws Exception {
        KeyPair pair = ecKey();
        byte[] pdf = SamplePdfs.minimal();
        PreparedSignature prepared = engine.prepare(request(pdf, "a.pdf", chainFor(pair), profile, false));
        Signature other = Signature.getInstance("SHA256withECDSA");
        other.initSign(pair.getPrivate());
        other.update("something else".getBytes());
        Path out = home.resolve("wrong-value-" + profile + ".pdf");
        for (byte[] bad : List.of(other.sign(), sign(ecKey().getPrivate(), prepared), new byte[64], new byte[] {1, 2, 3})) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.complete(prepared.state(), bad,
                    DocumentSource.of(pdf, "a.pdf"), DocumentTarget.of(out)));
            assertEquals(ErrorCode.INVALID_SIGNATURE_VALUE, e.code(), e.toString());
            assertTrue(e.getMessage().contains("Jane Doe"), e.getMessage());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void rawEcdsaValueIsAccepted() throws Exception {
        KeyPair pair = ecKey();
        byte[] pdf = SamplePdfs.minimal();
        PreparedSignature prepared = engine.prepare(request(pdf, "raw.pdf", chainFor(pair), PadesProfile.B_T, false));
        Signature raw = Signature.getInstance("SHA256withECDSAinP1363Format");
        raw.initSign(pair.getPrivate());
        raw.update(prepared.dataToSign());
        byte[] value = raw.sign();
        assertEquals(64, value.length);
        Path out = home.resolve("raw.pdf");
        engine.complete(prepared.state(), value, DocumentSource.of(pdf, "raw.pdf"), DocumentTarget.of(out));
        validateOne(out, PadesProfile.B_T);
    }

    @Test
    void digestSignedLikeARemoteServiceIsAccepted() throws Exception {
        KeyPair pair = ecKey();
        byte[] pdf = SamplePdfs.minimal();
        PreparedSignature prepared = engine.prepare(request(pdf, "digest.pdf", chainFor(pair), PadesProfile.B_B, false));
        Signature none = Signature.getInstance("NONEwithECDSA");
        none.initSign(pair.getPrivate());
        none.update(prepared.digest());
        Path out = home.resolve("digest.pdf");
        engine.complete(prepared.state(), none.sign(), DocumentSource.of(pdf, "digest.pdf"), DocumentTarget.of(out));
        validateOne(out, PadesProfile.B_B);
    }

    @ParameterizedTest(name = "pss={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void rsaKeys(boolean pss) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        KeyPair pair = g.generateKeyPair();
        byte[] pdf = SamplePdfs.minimal();
        PreparedSignature prepared = engine.prepare(request(pdf, "rsa.pdf", chainFor(pair), PadesProfile.B_LT, pss));
        assertEquals(pss ? "SHA256withRSAandMGF1" : "SHA256withRSA", prepared.signatureAlgorithm());
        Path out = home.resolve("rsa-" + pss + ".pdf");
        engine.complete(prepared.state(), sign(pair.getPrivate(), prepared), DocumentSource.of(pdf, "rsa.pdf"), DocumentTarget.of(out));
        validateOne(out, PadesProfile.B_LT);
    }

    @Test
    void productionKeysAreRefusedBySandboxPrepare() throws Exception {
        KeyPair pair = ecKey();
        X509Certificate self = X509Builder.of(SandboxPki.name("x"), pair.getPublic()).selfSigned(pair.getPrivate());
        // the name says SANDBOX, so build one that does not
        X509Certificate production = X509Builder.of(new org.bouncycastle.asn1.x500.X500Name("CN=Prod Seal,O=Acme"), pair.getPublic())
                .selfSigned(pair.getPrivate());
        assertTrue(SandboxPki.isSandboxCertificate(self));
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> engine.prepare(request(SamplePdfs.minimal(), "a.pdf", List.of(production), PadesProfile.B_B, false)));
        assertEquals(ErrorCode.MODE_MISMATCH, e.code());
    }

    /** The SHA-256 (hex) of each prefix of {@code pdf} that ends a revision ({@code %%EOF} and its end of line). */
    private static java.util.Set<String> revisionPrefixes(byte[] pdf) {
        java.util.Set<String> result = new java.util.HashSet<>();
        byte[] eof = "%%EOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i + eof.length <= pdf.length; i++) {
            if (java.util.Arrays.equals(pdf, i, i + eof.length, eof, 0, eof.length)) {
                int end = i + eof.length;
                while (end < pdf.length && (pdf[end] == '\r' || pdf[end] == '\n')) {
                    end++;
                }
                result.add(Digests.sha256Hex(java.util.Arrays.copyOf(pdf, end)));
            }
        }
        return result;
    }
}
