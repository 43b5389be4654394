package com.certyneo.engine.pades.csc;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Signer;
import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.engine.spi.QualifiedCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-hash authorisations, token renewal, asynchronous signing and typed errors of {@link CscClient}. */
class CscRobustnessTest {

    static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
    static SandboxCscService server;
    static String credential;
    static Signer dora = Signer.of("Dora Blanc", "dora@example.com");

    @BeforeAll
    static void start() {
        server = SandboxCscService.builder().multisign(4).start();
        credential = server.enrol(dora.email(), dora.name(), "+33600000009");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void synchronous() {
        server.answerAsynchronously(-1);
    }

    static CscClient client() {
        return CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray())
                .timeout(Duration.ofSeconds(5)).polling(Duration.ofMillis(10), Duration.ofSeconds(5)).build();
    }

    static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes());
    }

    static CscAuthorization authorize(CscClient c, int num, List<byte[]> hashes) {
        c.requestOtp(credential);
        return c.authorize(credential, num, hashes, CscClient.SHA256, null,
                server.latestOtp(credential).orElseThrow().toCharArray(), "batch");
    }

    static void verify(byte[] hash, byte[] value) throws Exception {
        Signature v = Signature.getInstance("NONEwithECDSA");
        v.initVerify(server.certificateChain(credential).get(0).getPublicKey());
        v.update(hash);
        assertTrue(v.verify(value));
    }

    @Test
    void oneAuthorizationSignsSeveralHashesInOneCallAndCountsDown() throws Exception {
        CscClient c = client();
        List<byte[]> hashes = List.of(sha256("d1"), sha256("d2"), sha256("d3"));
        CscAuthorization sad = authorize(c, 3, hashes);
        int calls = server.calls("signatures/signHash");
        List<byte[]> values = c.signHash(sad, hashes, CscClient.SHA256, ECDSA_SHA256, null);
        assertEquals(calls + 1, server.calls("signatures/signHash"));
        assertEquals(3, values.size());
        for (int i = 0; i < 3; i++) {
            verify(hashes.get(i), values.get(i));
        }
        // the three signatures are spent: the SAD signs nothing more, not even an authorised hash again
        CscException spent = assertThrows(CscException.class,
                () -> c.signHash(sad, List.of(hashes.get(0)), CscClient.SHA256, ECDSA_SHA256, null));
        assertEquals("signatures/signHash", spent.call());
        assertEquals("invalid_request", spent.error().orElseThrow());
        assertEquals(ErrorCode.REMOTE_SIGNING_ERROR, spent.code());

        CscException tooMany = assertThrows(CscException.class,
                () -> authorize(c, 5, List.of(sha256("a"), sha256("b"), sha256("c"), sha256("d"), sha256("e"))));
        assertEquals("credentials/authorize", tooMany.call());
        assertTrue(tooMany.getMessage().contains("multisign"), tooMany.getMessage());
    }

    @Test
    void providerSignAllAsksOneOtpPerMultisignGroup() throws Exception {
        AtomicInteger otps = new AtomicInteger();
        CscSigningProvider p = CscSigningProvider.builder().client(client()).otpCallback(r -> {
            otps.incrementAndGet();
            return server.latestOtp(r.credentialId()).orElseThrow().toCharArray();
        }).build();
        QualifiedCredential cred = p.credential(dora);
        List<byte[]> four = List.of(sha256("p1"), sha256("p2"), sha256("p3"), sha256("p4"));
        int authorize = server.calls("credentials/authorize");
        List<byte[]> values = p.signAll(cred, dora, four, "SHA-256", "SHA256withECDSA");
        assertEquals(1, otps.get(), "multisign 4: one OTP for four digests");
        assertEquals(authorize + 1, server.calls("credentials/authorize"));
        for (int i = 0; i < 4; i++) {
            verify(four.get(i), values.get(i));
        }
        List<byte[]> six = List.of(sha256("q1"), sha256("q2"), sha256("q3"), sha256("q4"), sha256("q5"), sha256("q6"));
        List<byte[]> more = p.signAll(cred, dora, six, "SHA-256", "SHA256withECDSA");
        assertEquals(3, otps.get(), "six digests over multisign 4: two authorisations");
        for (int i = 0; i < 6; i++) {
            verify(six.get(i), more.get(i));
        }
    }

    @Test
    void anExpiredAccessTokenIsRenewedWithTheRefreshToken() {
        CscClient c = client();
        assertEquals(List.of(credential), c.listCredentials(dora.email()));
        int refreshes = server.grants("refresh_token");
        int full = server.grants("client_credentials");
        server.expireTokens();
        assertEquals(List.of(credential), c.listCredentials(dora.email()), "401 expired_token, renewed, retried");
        assertEquals(refreshes + 1, server.grants("refresh_token"));
        assertEquals(full, server.grants("client_credentials"));
        // a refresh token the service no longer knows: the full grant again
        server.expireTokens();
        server.revokeRefreshTokens();
        assertEquals(List.of(credential), c.listCredentials(dora.email()));
        assertEquals(full + 1, server.grants("client_credentials"));
    }

    @Test
    void theAuthorizationCodeFlowRefreshesWithoutTheUser() {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        AtomicInteger visits = new AtomicInteger();
        CscClient c = CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray())
                .authorizationCode(url -> {
                    visits.incrementAndGet();
                    try {
                        return browser.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding())
                                .headers().firstValue("Location").orElseThrow();
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                }, "https://app.example/callback", dora.email()).build();
        assertEquals(List.of(credential), c.listCredentials(null));
        server.expireTokens();
        assertEquals(List.of(credential), c.listCredentials(null));
        assertEquals(1, visits.get(), "the refresh token renewed the access token; the user was not sent to log in again");
    }

    @Test
    void anAsynchronousAnswerIsPolledUntilReady() throws Exception {
        CscClient c = client();
        byte[] hash = sha256("async");
        CscAuthorization sad = authorize(c, 1, List.of(hash));
        server.answerAsynchronously(3);
        int polls = server.calls("signatures/signPolling");
        byte[] value = c.signHash(sad, List.of(hash), CscClient.SHA256, ECDSA_SHA256, null).get(0);
        verify(hash, value);
        assertEquals(polls + 4, server.calls("signatures/signPolling"), "three 'pending' answers, then the signature");
    }

    @Test
    void operationModeAIsHonouredAndPollingIsBounded() throws Exception {
        CscClient asking = CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray())
                .asynchronous(true).polling(Duration.ofMillis(10), Duration.ofSeconds(5)).build();
        byte[] hash = sha256("mode-a");
        CscAuthorization sad = authorize(asking, 1, List.of(hash));
        int polls = server.calls("signatures/signPolling");
        verify(hash, asking.signHash(sad, List.of(hash), CscClient.SHA256, ECDSA_SHA256, null).get(0));
        assertEquals(polls + 1, server.calls("signatures/signPolling"), "operationMode A: answered with a responseID");

        CscClient impatient = CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray())
                .polling(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        byte[] slow = sha256("slow");
        CscAuthorization slowSad = authorize(impatient, 1, List.of(slow));
        server.answerAsynchronously(Integer.MAX_VALUE);
        CscException e = assertThrows(CscException.class,
                () -> impatient.signHash(slowSad, List.of(slow), CscClient.SHA256, ECDSA_SHA256, null));
        assertEquals(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, e.code());
        assertEquals("signatures/signPolling", e.call());
        assertTrue(e.getMessage().contains("did not finish within 200 ms"), e.getMessage());
    }

    @Test
    void errorsNameTheCallAndTheCscError() throws Exception {
        CscClient c = client();
        c.requestOtp(credential);
        CscException otp = assertThrows(CscException.class,
                () -> c.authorize(credential, 1, List.of(sha256("o")), CscClient.SHA256, null, "1".toCharArray(), null));
        assertEquals("credentials/authorize", otp.call());
        assertEquals("invalid_otp", otp.error().orElseThrow());
        assertEquals(ErrorCode.OTP_INVALID, otp.code());
        assertEquals(400, otp.httpStatus());

        CscClient badClient = CscClient.builder().baseUri(server.v2()).client(server.clientId(), "nope".toCharArray()).build();
        CscException auth = assertThrows(CscException.class, () -> badClient.listCredentials(dora.email()));
        assertEquals("oauth2/token", auth.call());
        assertEquals("invalid_client", auth.error().orElseThrow());
        assertEquals(ErrorCode.REMOTE_AUTHENTICATION_FAILED, auth.code());

        server.failNext("credentials/info", SandboxCscService.Fault.UNAVAILABLE);
        CscException down = assertThrows(CscException.class, () -> c.credentialInfo(credential));
        assertEquals("credentials/info", down.call());
        assertEquals("temporarily_unavailable", down.error().orElseThrow());
        assertEquals(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, down.code());
    }
}
