package com.certyneo.engine.tsp;

import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP behaviour of the built-in TSA server, and its behaviour under concurrent load. */
class TsaHttpServerTest {

    static final String POLICY = "1.2.3.4.5.2";
    static TestPki.Issued root;
    static TestPki.Issued tsu;
    static TsaHttpServer server;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        root = TestPki.root("Server Test Root");
        tsu = TestPki.tsu(root, "Server Test TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        server = TsaHttpServer.start(TestPki.authority(tsu, POLICY), 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> post(String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri()).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void bindsAnEphemeralLoopbackPort() {
        assertTrue(server.port() > 0);
        assertEquals("http://127.0.0.1:" + server.port() + "/", server.uri().toString());
    }

    @Test
    void refusesOtherMethods() throws Exception {
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(server.uri()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void refusesOtherContentTypes() throws Exception {
        assertEquals(415, post("application/octet-stream", new byte[] {0x30, 0x00}).statusCode());
    }

    @Test
    void refusesOversizedBodies() throws Exception {
        assertEquals(413, post(TsaClient.QUERY_TYPE, new byte[TimestampAuthority.MAX_REQUEST_BYTES + 1]).statusCode());
    }

    @Test
    void answersMalformedRequestsWithAnRfc3161Rejection() throws Exception {
        HttpResponse<byte[]> response = post(TsaClient.QUERY_TYPE, "not DER".getBytes());
        assertEquals(400, response.statusCode());
        assertEquals(TsaClient.REPLY_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
        TimeStampResponse reply = new TimeStampResponse(response.body());
        assertEquals(PKIStatus.REJECTION, reply.getStatus());
        assertEquals(PKIFailureInfo.badDataFormat, reply.getFailInfo().intValue());
    }

    @Test
    void rejectsSha1AndUnservedPolicies() throws Exception {
        TimeStampRequestGenerator sha1 = new TimeStampRequestGenerator();
        HttpResponse<byte[]> response = post(TsaClient.QUERY_TYPE,
                sha1.generate(OIWObjectIdentifiers.idSHA1, new byte[20], BigInteger.ONE).getEncoded());
        assertEquals(200, response.statusCode());
        TimeStampResponse reply = new TimeStampResponse(response.body());
        assertEquals(PKIStatus.REJECTION, reply.getStatus());
        assertEquals(PKIFailureInfo.badAlg, reply.getFailInfo().intValue());

        TimeStampRequestGenerator policy = new TimeStampRequestGenerator();
        policy.setReqPolicy(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.3.999"));
        reply = new TimeStampResponse(post(TsaClient.QUERY_TYPE,
                policy.generate(NISTObjectIdentifiers.id_sha256, new byte[32], BigInteger.TWO).getEncoded()).body());
        assertEquals(PKIFailureInfo.unacceptedPolicy, reply.getFailInfo().intValue());

        // An imprint whose length does not fit its algorithm is bad data, not a system failure.
        reply = new TimeStampResponse(post(TsaClient.QUERY_TYPE, new TimeStampRequestGenerator()
                .generate(NISTObjectIdentifiers.id_sha256, new byte[20], BigInteger.TEN).getEncoded()).body());
        assertEquals(PKIFailureInfo.badDataFormat, reply.getFailInfo().intValue());
    }

    @Test
    void theClientReportsTheServersRejectionReason() {
        TsaClient client = TsaClient.builder().retries(0)
                .endpoint(TsaEndpoint.of(server.uri()).withRequestPolicy("1.2.3.999")).build();
        TsaException e = assertThrows(TsaException.class, () -> client.request("SHA-256", new byte[32]));
        assertEquals(TsaCheck.PKI_STATUS, e.check());
        assertTrue(e.getMessage().contains("unacceptedPolicy"), e::getMessage);
    }

    @Test
    void closeFreesThePort() throws Exception {
        TsaHttpServer other = TsaHttpServer.start(TestPki.authority(tsu, POLICY), 0);
        int port = other.port();
        other.close();
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, socket.getLocalPort());
        }
    }

    @Test
    void eightThreadsTimesFiveHundredRequestsGiveValidTokensWithDistinctSerials() throws Exception {
        TsaClient client = TsaClient.builder().endpoint(server.uri().toString()).trustAnchors(List.of(root.cert()))
                .allowedPolicies(List.of(POLICY)).retries(0).build();
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<BigInteger>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<BigInteger> serials = new ArrayList<>(perThread);
                    java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
                    for (int i = 0; i < perThread; i++) {
                        byte[] digest = sha256.digest(ByteBuffer.allocate(8).putInt(thread).putInt(i).array());
                        TimestampResult result = client.request("SHA-256", digest); // verified, or it throws
                        assertTrue(result.chainTrusted());
                        serials.add(result.info().serialNumber());
                    }
                    return serials;
                }));
            }
            Set<BigInteger> all = new HashSet<>();
            int count = 0;
            for (Future<List<BigInteger>> future : futures) {
                List<BigInteger> serials = future.get(5, TimeUnit.MINUTES);
                for (int i = 1; i < serials.size(); i++) {
                    assertTrue(serials.get(i).compareTo(serials.get(i - 1)) > 0, "serials increase within a thread");
                }
                all.addAll(serials);
                count += serials.size();
            }
            assertEquals(threads * perThread, count);
            assertEquals(threads * perThread, all.size(), "all serials distinct");
        } finally {
            pool.shutdownNow();
        }
        assertNotNull(client.describe());
    }

    @Test
    void requestsWithoutCertReqGetATokenWithoutCertificates() throws Exception {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(false);
        TimeStampResponse reply = new TimeStampResponse(post(TsaClient.QUERY_TYPE,
                generator.generate(NISTObjectIdentifiers.id_sha256, new byte[32], BigInteger.valueOf(7)).getEncoded()).body());
        assertEquals(PKIStatus.GRANTED, reply.getStatus());
        assertTrue(reply.getTimeStampToken().getCertificates().getMatches(null).isEmpty());
        assertEquals(BigInteger.valueOf(7), reply.getTimeStampToken().getTimeStampInfo().getNonce());
        assertTrue(Duration.between(reply.getTimeStampToken().getTimeStampInfo().getGenTime().toInstant(),
                java.time.Instant.now()).abs().getSeconds() < 60);
    }
}
