package com.certyneo.engine.pades.readme;

import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPki.Credential;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-vectors' README statement examples, run (the class examples are {@link ContractSigningTest} and {@link RevocationTest}). */
class TestVectorsReadmeTest {

    @Test
    void offlineRevocationData() throws Exception {
        // snippet test-vectors/README.md
        TestPki pki = TestPki.create();                              // default seed, URLs under http://pki.certyneo.test/
        Credential good = pki.goodSigner();
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        byte[] ocsp = pki.ocspResponse(good.certificate(), at);      // DER OCSPResponse, thisUpdate = producedAt = at
        byte[] crl  = pki.crl(pki.intermediate(), at);               // DER CRL of the issuing CA (lists the revoked signers)
        byte[] rootCrl = pki.crlFor(pki.intermediate(), at);         // the root's CRL, covering the intermediate
        Path rootPem = pki.writeRootPem(Files.createTempFile("root", ".pem"));   // for pdfsig -nssdir / trust stores
        // end snippet

        try {
            BasicOCSPResp response = (BasicOCSPResp) new OCSPResp(ocsp).getResponseObject();
            assertEquals(Date.from(at), response.getProducedAt());
            assertNull(response.getResponses()[0].getCertStatus(), "good");
            assertEquals(2, new X509CRLHolder(crl).getRevokedCertificates().size());
            assertEquals(0, new X509CRLHolder(rootCrl).getRevokedCertificates().size());
            assertArrayEquals(ocsp, TestPki.create().ocspResponse(good.certificate(), at), "deterministic");
            X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(rootPem));
            assertEquals(pki.root(), root);
        } finally {
            Files.deleteIfExists(rootPem);
        }
    }

    @Test
    void fakeQtsp() {
        // snippet test-vectors/README.md
        try (SandboxCscService qtsp = SandboxCscService.builder().multisign(3).start()) {
            String credential = qtsp.enrol("jane@example.com", "Jane Doe", "+33612345678");
            // point your CSC client at qtsp.v2() with qtsp.clientId() / qtsp.clientSecret();
            // the OTP it "sent" by SMS is qtsp.latestOtp(credential)
            qtsp.failNext("signatures/signHash", SandboxCscService.Fault.SERVER_ERROR);
            // snippet paused
            assertTrue(qtsp.certificateChain(credential).get(0).getSubjectX500Principal().getName().contains("Jane Doe"));
            assertTrue(qtsp.v2().toString().startsWith("http://127.0.0.1:"), qtsp.v2().toString());
            assertTrue(!qtsp.clientId().isEmpty() && !qtsp.clientSecret().isEmpty());
            assertTrue(qtsp.latestOtp(credential).isEmpty(), "no OTP sent before a client asks for one");
            assertEquals(0, qtsp.calls("signatures/signHash"));
            // snippet resumed
        }
        // end snippet
    }
}
