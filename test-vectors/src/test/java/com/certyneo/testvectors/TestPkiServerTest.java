package com.certyneo.testvectors;

import com.certyneo.testvectors.TestPki.KeyType;
import com.certyneo.testvectors.TestPki.Kind;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loopback endpoints answer like a real PKI; the extension injects and stops the server. */
class TestPkiServerTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void bindsLoopbackAndPutsItsUrlInTheCertificates(TestPki pki, TestPkiServer injected) {
        assertSame(server, injected);
        assertSame(server.pki(), pki);
        assertTrue(pki.baseUrl().startsWith("http://127.0.0.1:" + server.port() + "/"));
        TestPkiTest.assertUrls(pki.goodSigner().certificate(), pki.crlUrl(), pki.ocspUrl());
        // Same seed, same keys as the offline PKI: only the URLs (and thus the signatures) differ.
        assertEquals(TestPki.create().root().getPublicKey(), pki.root().getPublicKey());
    }

    @Test
    void ocspPostAndGetAnswerWithNonceAndFreshStatus() throws Exception {
        TestPki pki = server.pki();
        X509Certificate revoked = pki.signer(Kind.REVOKED, KeyType.EC_P256).certificate();
        OCSPReqBuilder builder = new OCSPReqBuilder();
        builder.addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(pki.intermediate()), revoked.getSerialNumber()));
        byte[] nonce = new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
        builder.setRequestExtensions(new org.bouncycastle.asn1.x509.Extensions(new org.bouncycastle.asn1.x509.Extension(
                org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                new org.bouncycastle.asn1.DEROctetString(nonce))));
        byte[] request = builder.build().getEncoded();
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<byte[]> post = HTTP.send(HttpRequest.newBuilder(URI.create(pki.ocspUrl()))
                .header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, post.statusCode());
        assertEquals("application/ocsp-response", post.headers().firstValue("Content-Type").orElse(""));
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(post.body()).getResponseObject();
        assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pki.ocspResponder().certificate())));
        RevokedStatus status = (RevokedStatus) basic.getResponses()[0].getCertStatus();
        assertEquals(CRLReason.keyCompromise, status.getRevocationReason());
        assertFalse(basic.getResponses()[0].getThisUpdate().toInstant().isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        assertArrayEquals(nonce,
                basic.getExtension(org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nonce).getExtnValue().getOctets());

        String encoded = URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.US_ASCII);
        HttpResponse<byte[]> get = HTTP.send(HttpRequest.newBuilder(URI.create(pki.ocspUrl() + "/" + encoded)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, get.statusCode());
        assertTrue(((BasicOCSPResp) new OCSPResp(get.body()).getResponseObject()).getResponses()[0].getCertStatus()
                instanceof RevokedStatus);

        HttpResponse<byte[]> garbage = HTTP.send(HttpRequest.newBuilder(URI.create(pki.ocspUrl()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(garbage.body()).getStatus());
    }

    @Test
    void crlsAreFreshAndCaIssuersServeDer() throws Exception {
        TestPki pki = server.pki();
        Instant before = Instant.now().minusSeconds(2);
        X509CRLHolder crl = new X509CRLHolder(get(pki.crlUrl()));
        assertTrue(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pki.intermediate())));
        assertTrue(crl.getThisUpdate().toInstant().isAfter(before), "thisUpdate = now");
        assertEquals(2, crl.getRevokedCertificates().size());
        X509CRLHolder rootCrl = new X509CRLHolder(get(pki.rootCrlUrl()));
        assertTrue(rootCrl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pki.root())));
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        assertEquals(pki.intermediate(), cf.generateCertificate(new java.io.ByteArrayInputStream(get(pki.baseUrl() + "ca/intermediate.cer"))));
        assertEquals(pki.root(), cf.generateCertificate(new java.io.ByteArrayInputStream(get(pki.baseUrl() + "ca/root.cer"))));
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(pki.baseUrl() + "nothing")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void bothTsasGrantTokensSignedByTheirUnit() throws Exception {
        TestPki pki = server.pki();
        for (int n = 1; n <= 2; n++) {
            TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
            generator.setCertReq(true);
            TimeStampRequest request = generator.generate(NISTObjectIdentifiers.id_sha256, new byte[32], BigInteger.valueOf(42 + n));
            HttpResponse<byte[]> reply = HTTP.send(HttpRequest.newBuilder(URI.create(pki.tsaUrl(n)))
                    .header("Content-Type", "application/timestamp-query")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("application/timestamp-reply", reply.headers().firstValue("Content-Type").orElse(""));
            TimeStampResponse response = new TimeStampResponse(reply.body());
            response.validate(request);
            response.getTimeStampToken().validate(new JcaSimpleSignerInfoVerifierBuilder().build(pki.tsa(n).certificate()));
            assertEquals(pki.tsa(n).policyOid(), response.getTimeStampToken().getTimeStampInfo().getPolicy().getId());
        }
        assertTrue(server.requestCount("tsa") >= 2);
    }

    @Test
    void closeIsIdempotentAndStopsServing() throws Exception {
        TestPkiServer other = TestPkiServer.start("another-seed");
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(other.baseUrl() + "ca/root.cer")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        other.close();
        other.close();
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> HTTP.send(HttpRequest.newBuilder(URI.create(other.baseUrl() + "ca/root.cer"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())) != null);
    }

    @Nested
    class NestedClassesShareTheServer {
        @Test
        void stillServing(TestPki pki) throws Exception {
            assertEquals(pki.root(), CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(get(pki.baseUrl() + "ca/root.cer"))));
        }
    }

    @Nested
    class AfterTheFirstNestedClass {
        @Test
        void serverIsStillUp() throws Exception {
            assertNull(null);
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "ca/root.cer")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    static byte[] get(String url) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }
}
