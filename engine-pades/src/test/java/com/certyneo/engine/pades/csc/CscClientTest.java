package com.certyneo.engine.pades.csc;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Signer;
import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.engine.spi.QualifiedCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CscClientTest {

    static SandboxCscService server;
    static String credential;

    @BeforeAll
    static void start() {
        server = SandboxCscService.builder().multisign(3).start();
        credential = server.enrol("bob@example.com", "Bob Durand", "+33600000001");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static CscClient client(CscDialect dialect) {
        return CscClient.builder().baseUri(dialect == CscDialect.V2 ? server.v2() : server.v1()).dialect(dialect)
                .client(server.clientId(), server.clientSecret().toCharArray()).timeout(Duration.ofSeconds(5)).build();
    }

    static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes());
    }

    static CscAuthorization authorize(CscClient c, int num, byte[]... hashes) {
        c.requestOtp(credential);
        char[] otp = server.latestOtp(credential).orElseThrow().toCharArray();
        return c.authorize(credential, num, List.of(hashes), CscClient.SHA256, null, otp, "test");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CscDialect.class)
    void fullFlowInBothDialects(CscDialect dialect) throws Exception {
        CscClient c = client(dialect);
        CscInfo info = c.info();
        assertEquals(dialect == CscDialect.V2 ? "2.0.0.2" : "1.0.4.0", info.specs());
        assertTrue(info.methods().contains("signatures/signHash"));
        assertEquals(List.of(credential), c.listCredentials("bob@example.com"));
        CscCredentialInfo ci = c.credentialInfo(credential);
        assertEquals(2, ci.certificateChain().size());
        assertTrue(ci.otpRequired() && ci.otpOnline() && !ci.pinRequired(), ci.toString());
        assertEquals("2", ci.scal());
        assertEquals(3, ci.multisign());
        byte[] hash = sha256("doc-" + dialect);
        CscAuthorization sad = authorize(c, 1, hash);
        assertFalse(sad.toString().contains(sad.sad()), "SAD hidden from toString");
        byte[] value = c.signHash(sad, List.of(hash), CscClient.SHA256, "1.2.840.10045.4.3.2", null).get(0);
        Signature v = Signature.getInstance("NONEwithECDSA");
        v.initVerify(ci.certificateChain().get(0).getPublicKey());
        v.update(hash);
        assertTrue(v.verify(value));
    }

    @Test
    void sadForHashACannotSignHashB() throws Exception {
        CscClient c = client(CscDialect.V2);
        byte[] a = sha256("A");
        byte[] b = sha256("B");
        CscAuthorization sad = authorize(c, 1, a);
        CscException e = assertThrows(CscException.class, () -> c.signHash(sad, List.of(b), CscClient.SHA256, "1.2.840.10045.4.3.2", null));
        assertEquals(ErrorCode.REMOTE_SIGNING_ERROR, e.code());
        assertEquals(400, e.httpStatus());
        assertTrue(e.getMessage().contains("not authorized"), e.getMessage());
        assertFalse(e.getMessage().contains(sad.sad()));
        // the SAD still signs A, once
        c.signHash(sad, List.of(a), CscClient.SHA256, "1.2.840.10045.4.3.2", null);
        assertThrows(CscException.class, () -> c.signHash(sad, List.of(a), CscClient.SHA256, "1.2.840.10045.4.3.2", null));
    }

    @Test
    void numSignaturesAndExtendTransactionAreEnforced() throws Exception {
        CscClient c = client(CscDialect.V2);
        CscException tooMany = assertThrows(CscException.class, () -> authorize(c, 4, sha256("x")));
        assertEquals(ErrorCode.REMOTE_SIGNING_ERROR, tooMany.code());
        CscAuthorization first = authorize(c, 2, sha256("p1"));
        c.signHash(first, List.of(sha256("p1")), CscClient.SHA256, "1.2.840.10045.4.3.2", null);
        CscAuthorization second = c.extendTransaction(first, List.of(sha256("p2")), CscClient.SHA256);
        c.signHash(second, List.of(sha256("p2")), CscClient.SHA256, "1.2.840.10045.4.3.2", null);
        CscException spent = assertThrows(CscException.class, () -> c.extendTransaction(second, List.of(sha256("p3")), CscClient.SHA256));
        assertEquals(ErrorCode.REMOTE_SIGNING_ERROR, spent.code());
    }

    @Test
    void errorsAreTyped() throws Exception {
        CscClient c = client(CscDialect.V2);
        c.requestOtp(credential);
        CscException otp = assertThrows(CscException.class,
                () -> c.authorize(credential, 1, List.of(sha256("o")), CscClient.SHA256, null, "12345x".toCharArray(), null));
        assertEquals(ErrorCode.OTP_INVALID, otp.code());
        assertFalse(otp.getMessage().contains("12345x"));
        assertEquals("invalid_otp", otp.cscError().orElseThrow());

        CscClient badClient = CscClient.builder().baseUri(server.v2()).client(server.clientId(), "wrong".toCharArray()).build();
        assertEquals(ErrorCode.REMOTE_AUTHENTICATION_FAILED,
                assertThrows(CscException.class, () -> badClient.listCredentials("bob@example.com")).code());

        server.failNext("credentials/list", SandboxCscService.Fault.UNAVAILABLE);
        assertEquals(ErrorCode.REMOTE_SERVICE_UNAVAILABLE,
                assertThrows(CscException.class, () -> c.listCredentials("bob@example.com")).code());
        server.failNext("credentials/list", SandboxCscService.Fault.MALFORMED_JSON);
        assertEquals(ErrorCode.REMOTE_SIGNING_ERROR,
                assertThrows(CscException.class, () -> c.listCredentials("bob@example.com")).code());

        CscClient nowhere = CscClient.builder().baseUri(URI.create("http://127.0.0.1:1/csc/v2/"))
                .oauthBase(URI.create("http://127.0.0.1:1/")).client("x", null).timeout(Duration.ofSeconds(2)).build();
        CscException down = assertThrows(CscException.class, () -> nowhere.listCredentials("u"));
        assertEquals(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, down.code());
        assertTrue(down.getMessage().contains("127.0.0.1:1"), down.getMessage());
    }

    @Test
    void tolerantOfCamelCaseAndUnknownFields() {
        try (SandboxCscService camel = SandboxCscService.builder().alternateSpellings(true).start()) {
            CscClient c = CscClient.builder().baseUri(camel.v2()).client(camel.clientId(), camel.clientSecret().toCharArray()).build();
            CscInfo info = c.info();
            assertEquals(List.of("Ades-B-B", "Ades-B-T"), info.conformanceLevels());
            CscException e = assertThrows(CscException.class, () -> c.credentialInfo("nope"));
            assertTrue(e.getMessage().contains("Invalid parameter credentialID"), "errorDescription read: " + e.getMessage());
        }
    }

    @Test
    void authorizationCodeFlowWithPkce() throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        CscClient c = CscClient.builder().baseUri(server.v2())
                .client(server.clientId(), server.clientSecret().toCharArray())
                .authorizationCode(url -> {
                    try {
                        HttpResponse<Void> r = browser.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding());
                        assertEquals(302, r.statusCode());
                        return r.headers().firstValue("Location").orElseThrow();
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                }, "https://app.example/callback", "bob@example.com").build();
        // the user-bound token lists the user's credentials without a userID
        assertEquals(List.of(credential), c.listCredentials(null));
    }

    @Test
    void providerSignsAndHandlesRawEcdsa() throws Exception {
        try (SandboxCscService raw = SandboxCscService.builder().rawEcdsa(true).start()) {
            raw.enrol("carol@example.com", "Carol", "+33600000002");
            CscClient c = CscClient.builder().baseUri(raw.v2()).client(raw.clientId(), raw.clientSecret().toCharArray()).build();
            CscSigningProvider p = CscSigningProvider.builder().client(c)
                    .otpCallback(r -> raw.latestOtp(r.credentialId()).orElseThrow().toCharArray()).build();
            Signer carol = Signer.of("Carol", "carol@example.com");
            QualifiedCredential cred = p.credential(carol);
            byte[] digest = sha256("hello");
            byte[] value = p.sign(cred, carol, digest, "SHA-256", "SHA256withECDSA");
            assertEquals(64, value.length, "raw r||s passed through; the engine normalises it");
            Signature v = Signature.getInstance("NONEwithECDSAinP1363Format");
            v.initVerify(cred.certificate().getPublicKey());
            v.update(digest);
            assertTrue(v.verify(value));
            assertEquals(ErrorCode.SIGNING_KEY_ERROR,
                    assertThrows(com.certyneo.engine.SignatureEngineException.class, () -> p.credential(Signer.of("X", "x@example.com"))).code());
        }
    }
}
