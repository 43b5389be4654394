package com.certyneo.engine.pades;

import eu.europa.esig.dss.enumerations.SignatureValidity;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaRespID;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-process responder's tokens confirm an ECDSA response with the lightweight verifier and leave everything
 * else to DSS's check: every verdict equals the one of DSS's own {@link OCSPToken} for the same response.
 */
class LightweightOcspTokenTest {

    @TempDir
    static Path home;
    static SandboxPki pki;

    @BeforeAll
    static void setUp() {
        pki = SandboxPki.loadOrCreate(home);
    }

    @Test
    void aResponseSignedByTheIssuersEcKeyIsValid() throws Exception {
        X509Certificate issuer = pki.rootCertificate();
        OCSPToken token = sameVerdictAsDss(response(issuer, pki.root().key(), "SHA256withECDSA"), issuer);
        assertTrue(token.isValid());
        assertEquals(SignatureValidity.VALID, token.getSignatureValidity());
        assertEquals(issuer, token.getIssuerCertificateToken().getCertificate(), "DSS learns who signed it");
    }

    @Test
    void aResponseSignedByAnotherEcKeyIsNotValid() throws Exception {
        X509Certificate issuer = pki.rootCertificate();
        KeyPair other = X509Builder.newEcKeyPair();
        OCSPToken token = sameVerdictAsDss(response(issuer, other.getPrivate(), "SHA256withECDSA"), issuer);
        assertFalse(token.isValid());
        assertNull(token.getIssuerCertificateToken());
    }

    @Test
    void aResponseWithADamagedSignatureIsNotValid() throws Exception {
        X509Certificate issuer = pki.rootCertificate();
        BasicOCSPResp intact = response(issuer, pki.root().key(), "SHA256withECDSA");
        byte[] encoded = intact.getEncoded();
        byte[] signature = intact.getSignature();
        int at = indexOf(encoded, signature);
        assertTrue(at > 0);
        encoded[at + signature.length - 2] ^= 0x01; // inside the value's s: still DER, no longer the signature
        OCSPToken token = sameVerdictAsDss(new BasicOCSPResp(org.bouncycastle.asn1.ocsp.BasicOCSPResponse.getInstance(encoded)), issuer);
        assertFalse(token.isValid());
    }

    @Test
    void otherAlgorithmsAreLeftToDss() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        X509Certificate issuer = selfSigned(rsa);
        assertTrue(sameVerdictAsDss(response(issuer, rsa.getPrivate(), "SHA256withRSA"), issuer).isValid());
        KeyPair other = generator.generateKeyPair();
        assertFalse(sameVerdictAsDss(response(issuer, other.getPrivate(), "SHA256withRSA"), issuer).isValid());
        // an EC signature over a response that names an RSA issuer: the lightweight verifier cannot read the key
        assertFalse(sameVerdictAsDss(response(issuer, pki.root().key(), "SHA256withECDSA"), issuer).isValid());
    }

    /** Builds both tokens for the response about a fixed serial; asserts the same validity; returns the engine's. */
    private static OCSPToken sameVerdictAsDss(BasicOCSPResp response, X509Certificate issuer) {
        CertificateToken subject = new CertificateToken(pki.tsa().certificate());
        CertificateToken issuerToken = new CertificateToken(issuer);
        OCSPToken dss = new OCSPToken(response, response.getResponses()[0], subject, issuerToken);
        OCSPToken engine = new LightweightOcspToken(response, response.getResponses()[0], subject, issuerToken);
        assertEquals(dss.isValid(), engine.isValid(), "the same verdict as DSS's own token");
        assertEquals(dss.getSignatureValidity(), engine.getSignatureValidity());
        return engine;
    }

    private static BasicOCSPResp response(X509Certificate issuer, PrivateKey key, String algorithm) throws Exception {
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        X509CertificateHolder holder = new JcaX509CertificateHolder(issuer);
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new JcaRespID(issuer.getPublicKey(), digests.get(CertificateID.HASH_SHA1)));
        Instant now = Instant.now();
        builder.addResponse(new CertificateID(digests.get(CertificateID.HASH_SHA1), holder, BigInteger.TEN), CertificateStatus.GOOD,
                Date.from(now), Date.from(now.plus(Duration.ofDays(1))), null);
        return builder.build(new JcaContentSignerBuilder(algorithm).build(key), new X509CertificateHolder[] {holder}, Date.from(now));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static X509Certificate selfSigned(KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=RSA responder test CA");
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }
}
