package com.certyneo.engine.pades;

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
import com.certyneo.engine.pades.csc.CscClient;
import com.certyneo.engine.pades.csc.CscSigningProvider;
import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.engine.spi.OtpCallback;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QesSandboxTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static SandboxQtsp qtsp;
    static Signer alice = Signer.parse("Alice Martin <alice@example.com>").withPhone("+33611223344");

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        qtsp = SandboxQtsp.start(SandboxQualifiedCa.loadOrCreate(engine.sandboxPki().orElseThrow()), Clock.systemUTC(), 1);
        qtsp.server().enrol(alice.email(), alice.name(), alice.phone().orElseThrow());
    }

    @AfterAll
    static void tearDown() {
        engine.close();
        qtsp.close();
    }

    static SignRequest qes(byte[] pdf, Path out, PadesProfile profile) {
        return SignRequest.builder().document(DocumentSource.of(pdf, "deed.pdf")).output(DocumentTarget.of(out))
                .signer(alice).level(SignatureLevel.QES).profile(profile).reason("Notarial deed").build();
    }

    /** A provider against the test QTSP with a counting OTP callback that reads the outbox, or returns {@code otp}. */
    static CscSigningProvider provider(int perAuthorization, AtomicInteger otpCalls, String otp) {
        SandboxCscService server = qtsp.server();
        CscClient client = CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray()).build();
        OtpCallback callback = request -> {
            otpCalls.incrementAndGet();
            return otp != null ? otp.toCharArray() : server.latestOtp(request.credentialId()).orElseThrow().toCharArray();
        };
        return CscSigningProvider.builder().client(client).otpCallback(callback).signaturesPerAuthorization(perAuthorization).build();
    }

    static PadesSignatureEngine engineWith(CscSigningProvider provider) {
        return PadesSignatureEngine.builder().sandbox(home).qualifiedSigningProvider(provider).build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PadesProfile.class)
    void sandboxQesValidatesAndIsQualifiedOnlyAgainstTheSandboxList(PadesProfile profile) throws Exception {
        Path out = home.resolve("qes-" + profile + ".pdf");
        SigningResult result = engine.sign(qes(SamplePdfs.multiPage(2), out, profile));
        assertEquals(SignatureLevel.QES, result.level());
        X509CertificateCheck.assertQualifiedLooking(result.signingCertificate());
        assertTrue(result.certificateChain().get(1).getSubjectX500Principal().getName().contains("SANDBOX Qualified CA"));

        ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(profile, v.profile().orElseThrow());
        assertTrue(v.sandbox());
        // the sandbox trusted list (SANDBOX, not legally binding) lists the sandbox QTSP's qualified CA
        assertEquals("QESig", v.qualification(), v.toString());
        assertTrue(v.trustService().orElseThrow().contains("SANDBOX"), v.toString());
        assertEquals("Alice Martin", v.signedBy());
    }

    @Test
    void twoSignaturesOnOnePdfWithOneAuthorizationUseExtendTransaction() throws Exception {
        AtomicInteger otps = new AtomicInteger();
        int authorizeBefore = qtsp.server().calls("credentials/authorize");
        int extendBefore = qtsp.server().calls("credentials/extendTransaction");
        try (PadesSignatureEngine e = engineWith(provider(2, otps, null))) {
            Path first = home.resolve("double-1.pdf");
            Path second = home.resolve("double-2.pdf");
            e.sign(qes(SamplePdfs.minimal(), first, PadesProfile.B_T));
            e.sign(qes(Files.readAllBytes(first), second, PadesProfile.B_T));
            assertEquals(1, otps.get(), "one OTP for both signatures");
            assertEquals(authorizeBefore + 1, qtsp.server().calls("credentials/authorize"));
            assertEquals(extendBefore + 1, qtsp.server().calls("credentials/extendTransaction"));
            ValidationReport report = e.validate(DocumentSource.of(second), ValidationOptions.sandbox());
            List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
            assertEquals(2, signatures.size());
            signatures.forEach(s -> assertEquals(Indication.TOTAL_PASSED, s.indication(), s.toString()));
        }
    }

    @Test
    void wrongOtpIsATypedError() {
        try (PadesSignatureEngine e = engineWith(provider(1, new AtomicInteger(), "not-the-code"))) {
            assertFails(e, ErrorCode.OTP_INVALID, "wrong-otp.pdf");
        }
    }

    @Test
    void expiredTokenIsRenewedAndARefusedClientIsATypedError() {
        try (PadesSignatureEngine e = engineWith(provider(1, new AtomicInteger(), null))) {
            e.sign(qes(SamplePdfs.minimal(), home.resolve("before-expiry.pdf"), PadesProfile.B_B));
            qtsp.server().expireTokens();
            // the service answers 401 expired_token; the client renews its token (refresh_token grant) and retries
            e.sign(qes(SamplePdfs.minimal(), home.resolve("after-expiry.pdf"), PadesProfile.B_B));
            assertTrue(Files.exists(home.resolve("after-expiry.pdf")));
        }
        SandboxCscService server = qtsp.server();
        CscClient wrongSecret = CscClient.builder().baseUri(server.v2()).client(server.clientId(), "wrong".toCharArray()).build();
        CscSigningProvider refused = CscSigningProvider.builder().client(wrongSecret)
                .otpCallback(r -> "1".toCharArray()).build();
        try (PadesSignatureEngine e = engineWith(refused)) {
            SignatureEngineException ex = assertFails(e, ErrorCode.REMOTE_AUTHENTICATION_FAILED, "refused.pdf");
            assertTrue(ex.getMessage().contains("oauth2/token") && ex.getMessage().contains("invalid_client"), ex.getMessage());
            com.certyneo.engine.pades.csc.CscException csc = (com.certyneo.engine.pades.csc.CscException) ex;
            assertEquals("oauth2/token", csc.call());
            assertEquals("invalid_client", csc.error().orElseThrow());
        }
    }

    @Test
    void serverErrorIsATypedError() {
        try (PadesSignatureEngine e = engineWith(provider(1, new AtomicInteger(), null))) {
            qtsp.server().failNext("signatures/signHash", SandboxCscService.Fault.SERVER_ERROR);
            SignatureEngineException ex = assertFails(e, ErrorCode.REMOTE_SERVICE_UNAVAILABLE, "5xx.pdf");
            assertTrue(ex.getMessage().contains("signatures/signHash") && ex.getMessage().contains("500"), ex.getMessage());
        }
    }

    @Test
    void malformedJsonIsATypedError() {
        try (PadesSignatureEngine e = engineWith(provider(1, new AtomicInteger(), null))) {
            qtsp.server().failNext("signatures/signHash", SandboxCscService.Fault.MALFORMED_JSON);
            assertFails(e, ErrorCode.REMOTE_SIGNING_ERROR, "malformed.pdf");
            qtsp.server().failNext("credentials/info", SandboxCscService.Fault.EMPTY_JSON);
            assertFails(e, ErrorCode.REMOTE_SIGNING_ERROR, "empty.pdf");
        }
    }

    @Test
    void productionEngineWithoutProviderRefusesQes() {
        try (PadesSignatureEngine production = PadesSignatureEngine.builder().build()) {
            Path out = home.resolve("prod-qes.pdf");
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> production.sign(qes(SamplePdfs.minimal(), out, PadesProfile.B_B)));
            assertEquals(ErrorCode.LEVEL_NOT_CONFIGURED, e.code());
        }
    }

    static SignatureEngineException assertFails(PadesSignatureEngine e, ErrorCode code, String file) {
        Path out = home.resolve(file);
        SignatureEngineException ex = assertThrows(SignatureEngineException.class,
                () -> e.sign(qes(SamplePdfs.minimal(), out, PadesProfile.B_T)));
        assertEquals(code, ex.code(), ex.toString());
        assertFalse(Files.exists(out), "no output on failure");
        assertNotNull(ex.hint());
        assertFalse(ex.getMessage().matches(".*\\b\\d{6}\\b.*"), "no OTP-looking value in the message: " + ex.getMessage());
        return ex;
    }

    /** QC statement checks on the issued certificate. */
    static final class X509CertificateCheck {
        static void assertQualifiedLooking(java.security.cert.X509Certificate c) throws Exception {
            byte[] ext = c.getExtensionValue("1.3.6.1.5.5.7.1.3");
            assertNotNull(ext, "qcStatements present");
            String dump = org.bouncycastle.asn1.ASN1Primitive.fromByteArray(
                    org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).toString();
            assertTrue(dump.contains("0.4.0.1862.1.1") && dump.contains("0.4.0.1862.1.4") && dump.contains("0.4.0.1862.1.6.1"), dump);
            assertTrue(SandboxPki.isSandboxCertificate(c), "carries the sandbox policy");
        }
    }
}
