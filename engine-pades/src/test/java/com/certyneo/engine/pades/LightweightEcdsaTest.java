package com.certyneo.engine.pades;

import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lightweight ECDSA check confirms exactly what the JDK confirms for the curves the engine signs with, and confirms
 * nothing else (another key, another message, a changed value, a key or algorithm it does not handle): its callers
 * then verify with the JCA.
 */
class LightweightEcdsaTest {

    private static final byte[] DATA = "signed attributes".getBytes(StandardCharsets.US_ASCII);

    @Test
    void confirmsWhatTheJdkConfirmsAndNothingElse() throws Exception {
        for (String[] curve : new String[][] {{"secp256r1", "SHA256withECDSA"}, {"secp384r1", "SHA384withECDSA"},
                {"secp521r1", "SHA512withECDSA"}}) {
            KeyPair pair = ec(curve[0]);
            byte[] value = sign(curve[1], pair, DATA);
            assertTrue(LightweightEcdsa.verifies(curve[1], pair.getPublic(), DATA, value), curve[0]);
            assertFalse(LightweightEcdsa.verifies(curve[1], ec(curve[0]).getPublic(), DATA, value), "another key");
            assertFalse(LightweightEcdsa.verifies(curve[1], pair.getPublic(), "other".getBytes(StandardCharsets.US_ASCII),
                    value), "another message");
            byte[] changed = value.clone();
            changed[changed.length - 1] ^= 1;
            assertFalse(LightweightEcdsa.verifies(curve[1], pair.getPublic(), DATA, changed), "a changed value");
            assertFalse(LightweightEcdsa.verifies("SHA1withECDSA", pair.getPublic(), DATA, value), "not handled here");
        }
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();
        assertFalse(LightweightEcdsa.verifies("SHA256withRSA", rsaPair.getPublic(), DATA, sign("SHA256withRSA", rsaPair, DATA)));
    }

    @Test
    void aCertificateIsSignedByItsIssuersKeyOnly() throws Exception {
        KeyPair root = X509Builder.newEcKeyPair();
        KeyPair leaf = X509Builder.newEcKeyPair();
        X509Certificate rootCertificate = X509Builder.of(new X500Name("CN=Root"), root.getPublic()).selfSigned(root.getPrivate());
        X509Certificate leafCertificate = X509Builder.of(new X500Name("CN=Leaf"), leaf.getPublic())
                .issuedBy(rootCertificate, root.getPrivate());
        leafCertificate.verify(root.getPublic()); // the JDK agrees (X509Builder signs with BouncyCastle's ECDSA)
        rootCertificate.verify(root.getPublic());
        assertTrue(leaf.getPrivate() instanceof java.security.interfaces.ECPrivateKey, "JDK key objects");
        assertEquals(256, ((java.security.interfaces.ECPublicKey) leaf.getPublic()).getParams().getOrder().bitLength());
        byte[] value = sign("SHA256withECDSA", leaf, DATA);
        assertTrue(LightweightEcdsa.verifies("SHA256withECDSA", leafCertificate.getPublicKey(), DATA, value));
        assertTrue(LightweightEcdsa.signedBy(leafCertificate, root.getPublic()));
        assertTrue(LightweightEcdsa.signedBy(rootCertificate, root.getPublic()));
        assertFalse(LightweightEcdsa.signedBy(leafCertificate, leaf.getPublic()));
        assertFalse(LightweightEcdsa.signedBy(rootCertificate, leaf.getPublic()));
    }

    @Test
    void aCachedKeyConfirmsWhatAFreshOneDoesAndTheCacheStaysBounded() throws Exception {
        KeyPair pair = ec("secp256r1");
        byte[] value = sign("SHA256withECDSA", pair, DATA);
        for (int i = 0; i < 3; i++) { // the first call decodes the key, the others take it from the cache
            assertTrue(LightweightEcdsa.verifies("SHA256withECDSA", pair.getPublic(), DATA, value));
            byte[] changed = value.clone();
            changed[changed.length - 1] ^= 1;
            assertFalse(LightweightEcdsa.verifies("SHA256withECDSA", pair.getPublic(), DATA, changed));
            assertFalse(LightweightEcdsa.verifies("SHA256withECDSA", ec("secp256r1").getPublic(), DATA, value));
        }
        // the same key as another object (its encoding decoded by the JDK again): the same answer
        java.security.PublicKey copy = java.security.KeyFactory.getInstance("EC")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(pair.getPublic().getEncoded()));
        assertTrue(LightweightEcdsa.verifies("SHA256withECDSA", copy, DATA, value));
        for (int i = 0; i < LightweightEcdsa.CACHED_KEYS + 10; i++) {
            KeyPair other = X509Builder.newEcKeyPair();
            assertTrue(LightweightEcdsa.verifies("SHA256withECDSA", other.getPublic(), DATA, sign("SHA256withECDSA", other, DATA)));
            assertTrue(LightweightEcdsa.cachedKeys() <= LightweightEcdsa.CACHED_KEYS, "bounded");
        }
        assertTrue(LightweightEcdsa.verifies("SHA256withECDSA", pair.getPublic(), DATA, value), "decoded again after a clear");
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static byte[] sign(String algorithm, KeyPair pair, byte[] data) throws Exception {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(pair.getPrivate());
        signature.update(data);
        return signature.sign();
    }
}
