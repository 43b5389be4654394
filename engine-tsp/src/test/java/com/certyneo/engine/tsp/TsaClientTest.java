package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.qualified.QCStatement;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against our server and against scripted faulty TSAs. */
class TsaClientTest {

    static final String POLICY = "1.2.3.4.5.1";
    static TestPki.Issued root;
    static TestPki.Issued tsu;
    static TimestampAuthority authority;
    static TsaHttpServer server;

    @BeforeAll
    static void start() {
        root = TestPki.root("Test TSA Root");
        tsu = TestPki.tsu(root, "Test TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        authority = TestPki.authority(tsu, POLICY);
        server = TsaHttpServer.start(authority, 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("doc " + System.nanoTime()).getBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TsaClient.Builder strict(String... urls) {
        TsaClient.Builder b = TsaClient.builder().trustAnchors(List.of(root.cert())).allowedPolicies(List.of(POLICY))
                .retries(0).retryDelay(Duration.ZERO);
        for (String url : urls) {
            b.endpoint(TsaEndpoint.of(url).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        }
        return b;
    }

    static TsaException fails(TsaClient client, TsaCheck check, String url) {
        TsaException e = assertThrows(TsaException.class, () -> client.request("SHA-256", digest()));
        assertEquals(check, e.check(), e::toString);
        assertEquals(check.code(), e.code(), e::toString);
        assertTrue(e.getMessage().contains(url), e::getMessage);
        assertTrue(e.getMessage().contains(check.label()), e::getMessage);
        return e;
    }

    /** A fake TSA answering with a token forged from the request after {@code tweak}. */
    static FakeTsa forging(java.util.function.Consumer<TokenForge> tweak) {
        return FakeTsa.replying(request -> {
            TokenForge forge = TokenForge.answering(request, tsu, POLICY);
            tweak.accept(forge);
            return forge.response();
        });
    }

    @Test
    void obtainsAndVerifiesATokenFromOurServer() throws Exception {
        TsaClient client = strict(server.uri().toString()).build();
        byte[] digest = digest();
        TimestampResult result = client.request("SHA-256", digest);

        assertTrue(result.chainTrusted());
        assertFalse(result.info().claimsQualified());
        assertEquals(POLICY, result.info().policyOid());
        assertEquals(Duration.ofSeconds(1), result.info().accuracy().orElseThrow());
        assertEquals(tsu.cert(), result.info().tsuCertificate().orElseThrow());
        assertEquals(server.uri().toString(), result.tsa());
        TimeStampToken token = new TimeStampToken(org.bouncycastle.asn1.cms.ContentInfo.getInstance(result.token()));
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsu.cert()));
        assertArrayEquals(digest, token.getTimeStampInfo().getMessageImprintDigest());
        assertTrue(result.info().tsaName().orElseThrow().contains("Test TSU"));
        // The TimestampSource view gives the same kind of token.
        assertEquals(result.info().policyOid(), TimestampInfo.of(client.timestamp("SHA-512", new byte[64])).policyOid());
    }

    @Test
    void withoutTrustAnchorsTheResultSaysTheChainWasNotChecked() {
        TsaClient client = TsaClient.builder().endpoint(server.uri().toString()).build();
        assertFalse(client.request("SHA-384", new byte[48]).chainTrusted());
    }

    @Test
    void refusesSha1AndWrongDigestLengthsBeforeAnyRequest() {
        try (FakeTsa fake = forging(f -> { })) {
            TsaClient client = strict(fake.url()).build();
            TsaException sha1 = assertThrows(TsaException.class, () -> client.request("SHA-1", new byte[20]));
            assertEquals(ErrorCode.INVALID_REQUEST, sha1.code());
            assertEquals(TsaCheck.REQUEST, sha1.check());
            assertTrue(sha1.getMessage().contains("SHA-1"), sha1::getMessage);
            TsaException length = assertThrows(TsaException.class, () -> client.request("SHA-256", new byte[31]));
            assertEquals(ErrorCode.INVALID_REQUEST, length.code());
            assertEquals(0, fake.hits.get());
        }
    }

    @Test
    void connectionRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/tsa";
        TsaException e = fails(strict(url).build(), TsaCheck.CONNECTION, url);
        assertEquals(ErrorCode.TSA_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("cannot connect (connection refused or no route)"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), "in words, not Java class names: " + e.getMessage());
        assertNoPromiseOfRetry(e);
    }

    /** The failure reaches the caller after the retries: its hint says what to do, not that it will be retried. */
    static void assertNoPromiseOfRetry(TsaException e) {
        assertFalse(e.hint().contains("retried") || e.hint().contains("skipped"), e.hint());
        assertFalse(e.hint().isBlank());
    }

    @Test
    void timeout() {
        try (FakeTsa fake = FakeTsa.hanging()) {
            TsaClient client = TsaClient.builder().retries(0)
                    .endpoint(TsaEndpoint.of(fake.url()).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)))
                    .build();
            assertNoPromiseOfRetry(fails(client, TsaCheck.TIMEOUT, fake.url()));
        }
    }

    @Test
    void http500IsRetriedThenReported() {
        try (FakeTsa fake = FakeTsa.start((ex, body) -> FakeTsa.send(ex, 500, "text/plain", "boom".getBytes()))) {
            TsaClient client = strict(fake.url()).retries(2).build();
            TsaException e = fails(client, TsaCheck.HTTP_STATUS, fake.url());
            assertTrue(e.getMessage().contains("HTTP 500"), e::getMessage);
            assertEquals(3, fake.hits.get(), "one try and two retries");
            assertNoPromiseOfRetry(e);
        }
    }

    @Test
    void garbageBody() {
        try (FakeTsa fake = FakeTsa.start((ex, body) -> FakeTsa.send(ex, 200, TsaClient.REPLY_TYPE,
                "<html>not a TSA</html>".getBytes()))) {
            fails(strict(fake.url()).build(), TsaCheck.RESPONSE_FORMAT, fake.url());
        }
    }

    @Test
    void wrongContentType() {
        try (FakeTsa fake = FakeTsa.start((ex, body) -> FakeTsa.send(ex, 200, "text/html", "<html/>".getBytes()))) {
            fails(strict(fake.url()).build(), TsaCheck.CONTENT_TYPE, fake.url());
        }
    }

    @Test
    void wrongNonce() {
        try (FakeTsa fake = forging(f -> f.nonce = f.nonce.add(java.math.BigInteger.ONE))) {
            fails(strict(fake.url()).build(), TsaCheck.NONCE, fake.url());
        }
    }

    @Test
    void missingNonce() {
        try (FakeTsa fake = forging(f -> f.nonce = null)) {
            fails(strict(fake.url()).build(), TsaCheck.NONCE, fake.url());
        }
    }

    @Test
    void wrongImprint() {
        try (FakeTsa fake = forging(f -> f.imprint = new byte[32])) {
            fails(strict(fake.url()).build(), TsaCheck.IMPRINT, fake.url());
        }
    }

    @Test
    void badSignature() {
        try (FakeTsa fake = FakeTsa.replying(request -> {
            byte[] reply = TokenForge.answering(request, tsu, POLICY).response();
            reply[reply.length - 1] ^= 0x01; // last byte of the ECDSA signature value
            return reply;
        })) {
            fails(strict(fake.url()).build(), TsaCheck.SIGNATURE, fake.url());
        }
    }

    @Test
    void signatureByAnotherKey() {
        TestPki.Issued impostor = TestPki.tsu(root, "Test TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        try (FakeTsa fake = FakeTsa.replying(request -> {
            TokenForge forge = TokenForge.answering(request, impostor, POLICY);
            forge.essCertIdFor = impostor.cert();
            return forge.response();
        })) {
            // Signed and identified consistently by a certificate of the same root: valid. Now break ESSCertID.
            assertTrue(strict(fake.url()).build().request("SHA-256", digest()).chainTrusted());
        }
        try (FakeTsa fake = forging(f -> f.essCertIdFor = impostor.cert())) {
            fails(strict(fake.url()).build(), TsaCheck.SIGNING_CERTIFICATE, fake.url());
        }
    }

    @Test
    void missingEssCertIdOrCertificate() {
        try (FakeTsa fake = forging(f -> f.essCertId = false)) {
            fails(strict(fake.url()).build(), TsaCheck.SIGNING_CERTIFICATE, fake.url());
        }
        try (FakeTsa fake = forging(f -> f.certificates = List.of(root.cert()))) {
            fails(strict(fake.url()).build(), TsaCheck.SIGNING_CERTIFICATE, fake.url());
        }
    }

    @Test
    void wrongEkuTsuCertificate() {
        TestPki.Issued serverAuth = TestPki.tsu(root, "Web server", TestPki.Eku.SERVER_AUTH);
        try (FakeTsa fake = FakeTsa.replying(r -> TokenForge.answering(r, serverAuth, POLICY).response())) {
            TsaException e = fails(strict(fake.url()).build(), TsaCheck.TSU_CERTIFICATE, fake.url());
            assertTrue(e.getMessage().contains("id-kp-timeStamping"), e::getMessage);
        }
        TestPki.Issued nonCritical = TestPki.tsu(root, "Lax TSU", TestPki.Eku.TIME_STAMPING_NON_CRITICAL);
        try (FakeTsa fake = FakeTsa.replying(r -> TokenForge.answering(r, nonCritical, POLICY).response())) {
            TsaException e = fails(strict(fake.url()).build(), TsaCheck.TSU_CERTIFICATE, fake.url());
            assertTrue(e.getMessage().contains("not critical"), e::getMessage);
        }
    }

    @Test
    void untrustedTsuCertificate() {
        TestPki.Issued otherRoot = TestPki.root("Untrusted Root");
        TestPki.Issued stranger = TestPki.tsu(otherRoot, "Stranger TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        try (TsaHttpServer foreign = TsaHttpServer.start(TestPki.authority(stranger, POLICY), 0)) {
            String url = foreign.uri().toString();
            TsaException e = fails(strict(url).build(), TsaCheck.TRUST, url);
            assertTrue(e.getMessage().contains("Untrusted Root"), e::getMessage);
            // The same token is fine for a client that makes no trust decision.
            assertFalse(TsaClient.builder().endpoint(url).build().request("SHA-256", digest()).chainTrusted());
        }
    }

    @Test
    void disallowedPolicy() {
        try (FakeTsa fake = forging(f -> f.policy = "1.2.3.4.5.99")) {
            TsaException e = fails(strict(fake.url()).build(), TsaCheck.POLICY, fake.url());
            assertTrue(e.getMessage().contains("1.2.3.4.5.99"), e::getMessage);
        }
    }

    @Test
    void statusRejectionWithReadableFailInfo() {
        try (FakeTsa fake = FakeTsa.replying(r -> {
            try {
                return new TimeStampResponseGenerator(null, Set.of()).generateFailResponse(PKIStatus.REJECTION,
                        PKIFailureInfo.unacceptedPolicy, "policy not served").getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            TsaException e = fails(strict(fake.url()).build(), TsaCheck.PKI_STATUS, fake.url());
            assertTrue(e.getMessage().contains("rejection"), e::getMessage);
            assertTrue(e.getMessage().contains("unacceptedPolicy (the requested TSA policy is not supported)"), e::getMessage);
            assertTrue(e.getMessage().contains("policy not served"), e::getMessage);
        }
    }

    @Test
    void missingAccuracy() {
        try (FakeTsa fake = forging(f -> f.accuracy = null)) {
            fails(strict(fake.url()).build(), TsaCheck.ACCURACY, fake.url());
        }
    }

    @Test
    void orderingTrue() {
        try (FakeTsa fake = forging(f -> f.ordering = true)) {
            fails(strict(fake.url()).build(), TsaCheck.ORDERING, fake.url());
        }
    }

    @Test
    void criticalExtension() {
        try (FakeTsa fake = forging(f -> f.extensions = new Extensions(new Extension(
                new ASN1ObjectIdentifier("1.2.3.4.5.6.7"), true, new byte[] {5, 0})))) {
            fails(strict(fake.url()).build(), TsaCheck.EXTENSIONS, fake.url());
        }
    }

    @Test
    void genTimeOutsideTheSkew() {
        try (FakeTsa fake = forging(f -> f.genTime = Instant.now().minus(Duration.ofMinutes(10)))) {
            TsaException e = fails(strict(fake.url()).build(), TsaCheck.GEN_TIME, fake.url());
            assertTrue(e.getMessage().contains("behind"), e::getMessage);
            // A client allowing a wider skew accepts it.
            strict(fake.url()).maxClockSkew(Duration.ofMinutes(15)).build().request("SHA-256", digest());
        }
    }

    @Test
    void reportsAQualifiedClaimSeparatelyFromTrust() throws Exception {
        ASN1EncodableVector statements = new ASN1EncodableVector();
        statements.add(new QCStatement(new ASN1ObjectIdentifier(TimestampInfo.QTST_STATEMENT_OID)));
        Extension qc = new Extension(Extension.qCStatements, false, new DERSequence(statements).getEncoded());
        try (FakeTsa fake = forging(f -> f.extensions = new Extensions(qc))) {
            TimestampResult trusted = strict(fake.url()).build().request("SHA-256", digest());
            assertTrue(trusted.info().claimsQualified());
            assertTrue(trusted.chainTrusted());
            TimestampResult unchecked = TsaClient.builder().endpoint(fake.url()).build().request("SHA-256", digest());
            assertTrue(unchecked.info().claimsQualified(), "the claim is reported whatever the trust decision");
            assertFalse(unchecked.chainTrusted());
        }
    }

    @Test
    void failsOverToTheSecondTsa() {
        try (FakeTsa broken = FakeTsa.start((ex, body) -> FakeTsa.send(ex, 503, "text/plain", new byte[0]))) {
            TsaClient client = strict(broken.url(), server.uri().toString()).retries(1).build();
            TimestampResult result = client.request("SHA-256", digest());
            assertEquals(server.uri().toString(), result.tsa());
            assertEquals(2, broken.hits.get(), "the broken TSA was tried and retried once");
        }
        try (FakeTsa liar = forging(f -> f.imprint = new byte[32])) {
            TsaClient client = strict(liar.url(), server.uri().toString()).retries(3).build();
            assertEquals(server.uri().toString(), client.request("SHA-256", digest()).tsa());
            assertEquals(1, liar.hits.get(), "an invalid reply is not retried on the same TSA");
        }
    }

    @Test
    void whenAllTsasFailTheErrorListsEachOne() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String refused = "http://127.0.0.1:" + port + "/";
        try (FakeTsa liar = forging(f -> f.nonce = java.math.BigInteger.TEN);
             FakeTsa broken = FakeTsa.start((ex, body) -> FakeTsa.send(ex, 500, "text/plain", new byte[0]))) {
            TsaClient client = strict(refused, liar.url(), broken.url()).build();
            TsaException e = assertThrows(TsaException.class, () -> client.request("SHA-256", digest()));
            assertEquals(TsaCheck.ALL_TSAS, e.check());
            assertEquals(ErrorCode.TSA_UNAVAILABLE, e.code());
            assertEquals(List.of(TsaCheck.CONNECTION, TsaCheck.NONCE, TsaCheck.HTTP_STATUS),
                    e.attempts().stream().map(TsaException::check).toList());
            for (String url : List.of(refused, liar.url(), broken.url())) {
                assertTrue(e.getMessage().contains(url), e::getMessage);
            }
            assertTrue(e.getMessage().contains("[2] TSA " + liar.url() + " failed the nonce check"), e::getMessage);
        }
    }

    @Test
    void allTsasAnsweringInvalidRepliesIsAnInvalidResponse() {
        try (FakeTsa a = forging(f -> f.accuracy = null); FakeTsa b = forging(f -> f.ordering = true)) {
            TsaException e = assertThrows(TsaException.class,
                    () -> strict(a.url(), b.url()).build().request("SHA-256", digest()));
            assertEquals(ErrorCode.TSA_RESPONSE_INVALID, e.code());
        }
    }

    @Test
    void credentialsAreSentButNeverShown() {
        String token = "s3cr3t-bearer-token";
        try (FakeTsa fake = FakeTsa.start((ex, body) -> FakeTsa.send(ex, 401, "text/plain", new byte[0]))) {
            TsaEndpoint endpoint = TsaEndpoint.of(fake.url()).withAuthentication(TsaAuthentication.bearer(token));
            TsaClient client = TsaClient.builder().endpoint(endpoint).retries(0).build();
            TsaException e = fails(client, TsaCheck.HTTP_STATUS, fake.url());
            assertEquals(List.of("Bearer " + token), fake.authorizationHeaders);
            assertFalse(e.toString().contains(token));
            assertFalse(endpoint.toString().contains(token));
            assertFalse(client.describe().contains(token));
        }
        try (FakeTsa fake = forging(f -> { })) {
            TsaEndpoint endpoint = TsaEndpoint.of(fake.url()).withAuthentication(TsaAuthentication.basic("alice", "pa55"));
            strict().endpoint(endpoint).build().request("SHA-256", digest());
            assertEquals(List.of("Basic YWxpY2U6cGE1NQ=="), fake.authorizationHeaders);
            assertFalse(endpoint.toString().contains("pa55"));
        }
        assertThrows(IllegalArgumentException.class, () -> TsaEndpoint.of("https://bob:pw@tsa.example/"));
    }

    @Test
    void sendsTheConfiguredRequestPolicy() {
        try (FakeTsa fake = FakeTsa.replying(r -> {
            assertEquals(POLICY, r.getReqPolicy().getId());
            assertTrue(r.getCertReq());
            assertTrue(r.getNonce().bitLength() > 32);
            return TokenForge.answering(r, tsu, POLICY).response();
        })) {
            strict().endpoint(TsaEndpoint.of(fake.url()).withRequestPolicy(POLICY)).build().request("SHA-256", digest());
        }
    }
}
