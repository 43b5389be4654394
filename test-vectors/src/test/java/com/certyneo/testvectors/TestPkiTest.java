package com.certyneo.testvectors;

import com.certyneo.testvectors.TestPki.Credential;
import com.certyneo.testvectors.TestPki.KeyType;
import com.certyneo.testvectors.TestPki.Kind;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PKI is deterministic, well-formed, and its offline revocation data says what it should. */
class TestPkiTest {

    static final TestPki PKI = TestPki.create();

    @Test
    void sameSeedAndBaseUrlGiveByteIdenticalCertificatesAndRevocationData() throws Exception {
        // Two independent builds; the key cache is bypassed by comparing against fresh derivations below.
        TestPki a = TestPki.builder().seed("determinism").baseUrl("http://127.0.0.1:8080/").build();
        TestPki b = TestPki.builder().seed("determinism").baseUrl("http://127.0.0.1:8080").build();
        List<X509Certificate> ca = a.certificates();
        List<X509Certificate> cb = b.certificates();
        assertEquals(ca.size(), cb.size());
        for (int i = 0; i < ca.size(); i++) {
            assertArrayEquals(ca.get(i).getEncoded(), cb.get(i).getEncoded(), ca.get(i).getSubjectX500Principal().getName());
        }
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        X509Certificate revoked = a.signer(Kind.REVOKED, KeyType.EC_P256).certificate();
        assertArrayEquals(a.ocspResponse(revoked, at), b.ocspResponse(b.signer(Kind.REVOKED, KeyType.EC_P256).certificate(), at));
        assertArrayEquals(a.crl(a.intermediate(), at), b.crl(b.intermediate(), at));
        assertEquals(a.rootPem(), b.rootPem());
    }

    @Test
    void keyDerivationDoesNotDependOnTheCacheOrTheProvider() throws Exception {
        // Fresh derivations (different entity label spelled through the public API is impossible),
        // so pin the root fingerprint of the default seed: a change here breaks every embedder's fixtures.
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TestPki.builder().build().root().getEncoded()));
        assertEquals(fingerprint, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TestPki.create().root().getEncoded())));
        assertEquals(Pinned.DEFAULT_ROOT_SHA256, fingerprint,
                "The default-seed root changed; if intended, update Pinned and the README");
        assertEquals(Pinned.DEFAULT_RSA_SIGNER_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(PKI.signer(Kind.GOOD, KeyType.RSA_PSS_3072).certificate().getEncoded())));
    }

    @Test
    void freshDerivationsEqualTheCachedKeys() {
        // Uncached derivation, as another JVM would do it.
        assertEquals(PKI.goodSigner().key(),
                DeterministicKeys.deriveEc(Drbg.of(TestPki.DEFAULT_SEED, "signer-good-ec_p256")).getPrivate());
        assertEquals(PKI.signer(Kind.GOOD, KeyType.RSA_PSS_3072).key(),
                DeterministicKeys.deriveRsa(Drbg.of(TestPki.DEFAULT_SEED, "signer-good-rsa_pss_3072"), 3072).getPrivate());
    }

    @Test
    void differentSeedOrBaseUrlGiveDifferentCertificates() throws Exception {
        TestPki other = TestPki.builder().seed("other").build();
        assertNotEquals(PKI.root().getPublicKey(), other.root().getPublicKey());
        TestPki moved = TestPki.builder().baseUrl("http://127.0.0.1:9/").build();
        assertEquals(PKI.root().getPublicKey(), moved.root().getPublicKey(), "same seed, same keys");
        assertFalse(java.util.Arrays.equals(PKI.goodSigner().certificate().getEncoded(),
                moved.goodSigner().certificate().getEncoded()), "URLs are inside the certificate");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everySignerChainsToTheRootAndHasItsValidity(Kind kind) throws Exception {
        for (KeyType type : KeyType.values()) {
            Credential signer = PKI.signer(kind, type);
            X509Certificate cert = signer.certificate();
            assertEquals(3, signer.chain().size());
            assertEquals(PKI.intermediate(), signer.chain().get(1));
            assertEquals(PKI.root(), signer.chain().get(2));
            assertEquals(Date.from(kind.notBefore()), cert.getNotBefore());
            assertEquals(Date.from(kind.notAfter()), cert.getNotAfter());
            cert.verify(PKI.intermediate().getPublicKey());
            if (type == KeyType.EC_P256) {
                assertEquals(256, ((ECPublicKey) cert.getPublicKey()).getParams().getOrder().bitLength());
            } else {
                assertEquals(3072, ((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength());
            }
            assertTrue(cert.getKeyUsage()[0] && cert.getKeyUsage()[1], "digitalSignature + nonRepudiation");
            assertUrls(cert, PKI.crlUrl(), PKI.ocspUrl());
            // The key signs with the advertised algorithm and the certificate verifies it.
            Signature s = Signature.getInstance(type == KeyType.EC_P256 ? "SHA256withECDSA" : "RSASSA-PSS");
            if (type == KeyType.RSA_PSS_3072) {
                s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            byte[] sig = signer.sign(new byte[] {1, 2, 3});
            assertArrayEquals(sig, signer.sign(new byte[] {1, 2, 3}), "deterministic");
            s.initVerify(cert);
            s.update(new byte[] {1, 2, 3});
            assertTrue(s.verify(sig));
            assertEquals(type.signatureAlgorithm(), signer.signatureAlgorithm());
        }
    }

    @Test
    void goodChainValidatesWithPkixAtAFixedDate() throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(PKI.root(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(Instant.parse("2026-01-01T00:00:00Z")));
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(
                new ArrayList<>(PKI.goodSigner().chain().subList(0, 2))), params);
    }

    @Test
    void theIssuingCaCredentialIssuesCertificatesThatChainToTheRootAndAreNotRevoked() throws Exception {
        Credential ca = PKI.issuingCa();
        assertEquals(List.of(PKI.intermediate(), PKI.root()), ca.chain());
        assertEquals(PKI.intermediate(), ca.certificate());
        // Its key is the intermediate's: what it signs verifies with the intermediate certificate.
        byte[] data = "one-time certificate".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature verifier = Signature.getInstance(ca.signatureAlgorithm());
        verifier.initVerify(PKI.intermediate().getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(ca.sign(data)));

        // A certificate it issues (as a production AES engine would) validates under the root, and the CRL it
        // points at does not list it; the OCSP responder does not know it (why the Javadoc says: point at the CRL).
        java.security.KeyPair holder = DeterministicKeys.ecP256("issuing-ca-test", "one-time");
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        X509Certificate issued = Certs.issue(Certs.Profile.SIGNER,
                new org.bouncycastle.asn1.x500.X500Name("CN=Jane Doe"), holder.getPublic(), java.math.BigInteger.valueOf(0x7777),
                now.minusSeconds(300), now.plusSeconds(86400),
                org.bouncycastle.asn1.x500.X500Name.getInstance(PKI.intermediate().getSubjectX500Principal().getEncoded()),
                PKI.intermediate().getPublicKey(), ca.key(), new Certs.Pointers(PKI.crlUrl(), null, null));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(PKI.root(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(now));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(issued, ca.certificate())), params);
        assertNull(new X509CRLHolder(PKI.crlFor(issued, now)).getRevokedCertificate(issued.getSerialNumber()));
        assertInstanceOf(org.bouncycastle.cert.ocsp.UnknownStatus.class, single(PKI.ocspResponse(issued, now)).getCertStatus());
    }

    @Test
    void ocspResponderAndTsaCarryTheExtensionsDssNeeds() throws Exception {
        X509Certificate ocsp = PKI.ocspResponder().certificate();
        assertTrue(ocsp.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_OCSPSigning.getId()));
        assertTrue(ocsp.getNonCriticalExtensionOIDs().contains("1.3.6.1.5.5.7.48.1.5"), "id-pkix-ocsp-nocheck");
        for (int n = 1; n <= 2; n++) {
            X509Certificate tsa = PKI.tsa(n).certificate();
            assertEquals(List.of(KeyPurposeId.id_kp_timeStamping.getId()), tsa.getExtendedKeyUsage());
            assertTrue(tsa.getCriticalExtensionOIDs().contains(Extension.extendedKeyUsage.getId()));
            assertUrls(tsa, PKI.crlUrl(), PKI.ocspUrl());
            assertEquals(PKI.baseUrl() + "tsa/" + n, PKI.tsa(n).url());
            assertEquals("2.999.1." + n, PKI.tsa(n).policyOid());
        }
        assertTrue(new String(PKI.intermediate().getExtensionValue(Extension.cRLDistributionPoints.getId()),
                java.nio.charset.StandardCharsets.ISO_8859_1).contains(PKI.rootCrlUrl()));
        assertEquals(0, PKI.intermediate().getBasicConstraints());
        assertThrows(IllegalArgumentException.class, () -> PKI.tsa(3));
    }

    @Test
    void offlineOcspSaysRevokedOnlyAfterTheRevocationTime() throws Exception {
        X509Certificate revoked = PKI.signer(Kind.REVOKED, KeyType.RSA_PSS_3072).certificate();
        SingleResp before = single(PKI.ocspResponse(revoked, TestPki.REVOCATION_TIME.minusSeconds(1)));
        assertNull(before.getCertStatus(), "good before the revocation");
        SingleResp after = single(PKI.ocspResponse(revoked, Instant.parse("2026-01-01T00:00:00Z")));
        RevokedStatus status = assertInstanceOf(RevokedStatus.class, after.getCertStatus());
        assertEquals(Date.from(TestPki.REVOCATION_TIME), status.getRevocationTime());
        assertEquals(org.bouncycastle.asn1.x509.CRLReason.keyCompromise, status.getRevocationReason());
        assertNull(single(PKI.ocspResponse(PKI.goodSigner().certificate(), Instant.now())).getCertStatus());
    }

    @Test
    void offlineCrlListsTheRevokedSignersSignedByTheIssuer() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        X509CRLHolder crl = new X509CRLHolder(PKI.crl(PKI.intermediate(), at));
        assertTrue(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(PKI.intermediate())));
        assertEquals(2, crl.getRevokedCertificates().size());
        assertTrue(crl.getRevokedCertificate(PKI.signer(Kind.REVOKED, KeyType.EC_P256).certificate().getSerialNumber()) != null);
        assertEquals(Date.from(at), crl.getThisUpdate());
        assertEquals(0, new X509CRLHolder(PKI.crl(PKI.intermediate(), TestPki.REVOCATION_TIME.minusSeconds(1)))
                .getRevokedCertificates().size());
        X509CRLHolder rootCrl = new X509CRLHolder(PKI.crlFor(PKI.intermediate(), at));
        assertTrue(rootCrl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(PKI.root())));
        assertEquals(0, rootCrl.getRevokedCertificates().size());
    }

    @Test
    void rootPemRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = PKI.writeRootPem(dir.resolve("root.pem"));
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(java.nio.file.Files.newInputStream(file));
        assertEquals(PKI.root(), parsed);
        assertEquals(PKI.trustAnchors(), List.of(parsed));
    }

    static SingleResp single(byte[] ocspResponse) throws Exception {
        OCSPResp resp = new OCSPResp(ocspResponse);
        assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(PKI.ocspResponder().certificate())));
        assertEquals("1.2.840.10045.4.3.2", basic.getSignatureAlgOID().getId(), "ecdsa-with-SHA256");
        return basic.getResponses()[0];
    }

    static void assertUrls(X509Certificate cert, String crl, String ocsp) {
        String crlDp = new String(cert.getExtensionValue(Extension.cRLDistributionPoints.getId()),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        String aia = new String(cert.getExtensionValue(Extension.authorityInfoAccess.getId()),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(crlDp.contains(crl), crlDp);
        assertTrue(aia.contains(ocsp), aia);
        assertTrue(aia.contains("ca/intermediate.cer"), aia);
    }
}
