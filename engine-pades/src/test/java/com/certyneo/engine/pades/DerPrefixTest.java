package com.certyneo.engine.pades;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DerPrefix}: the signing certificate of a CMS read from the start of its DER, against BouncyCastle's
 * reading of the whole CMS, for both kinds of sid; a prefix that ends too early, or bytes that are not a DER
 * SignedData, give no answer (the caller then parses the whole CMS).
 */
class DerPrefixTest {

    @TempDir
    static Path home;

    private static SandboxPki pki;

    @BeforeAll
    static void pki() {
        pki = SandboxPki.loadOrCreate(home);
    }

    @Test
    void theSignerIsFoundInThePrefixWhicheverTheSid() throws Exception {
        for (boolean keyIdentifier : new boolean[] {false, true}) {
            // the seal's certificate last among the certificates, so that the sid, not the order, decides
            List<java.security.cert.X509Certificate> reversed = new java.util.ArrayList<>(pki.seal().chain());
            java.util.Collections.reverse(reversed);
            byte[] cms = cms(keyIdentifier, reversed);
            X509CertificateHolder expected = signerOf(cms);
            byte[] padded = Arrays.copyOf(cms, cms.length + 4096); // as a zero-padded /Contents
            X509CertificateHolder found = DerPrefix.signer(padded);
            assertNotNull(found, "sid by " + (keyIdentifier ? "key identifier" : "issuer and serial"));
            assertEquals(expected, found);
            assertEquals(pki.seal().certificate().getSerialNumber(), found.getSerialNumber());

            // every prefix either settles it right or gives no answer; one just past the sid settles it
            int settledAt = -1;
            for (int n = 0; n <= cms.length; n += 7) {
                X509CertificateHolder partial = DerPrefix.signer(Arrays.copyOf(cms, n));
                if (partial != null) {
                    assertEquals(expected, partial, "prefix of " + n + " bytes");
                    settledAt = settledAt < 0 ? n : settledAt;
                }
            }
            assertTrue(settledAt > 0 && settledAt < cms.length - 64, "settled from " + settledAt + " of " + cms.length);
            assertNull(DerPrefix.signer(Arrays.copyOf(cms, settledAt / 2)));

            // the encoding alone: the same certificate, byte for byte, from the same prefixes
            assertArrayEquals(expected.getEncoded(), DerPrefix.signerEncoding(padded, new java.util.HashMap<>()));
            for (int n = 0; n <= cms.length; n += 7) {
                byte[] partial = DerPrefix.signerEncoding(Arrays.copyOf(cms, n), new java.util.HashMap<>());
                if (partial != null) {
                    assertArrayEquals(expected.getEncoded(), partial, "prefix of " + n + " bytes");
                }
            }
        }
    }

    @Test
    void anIssuerAndSerialMatchingNoCertificateByteForByteFallsBackToParsing() throws Exception {
        byte[] cms = cms(false, pki.seal().chain());
        byte[] serial = pki.seal().certificate().getSerialNumber().toByteArray();
        // Change the seal certificate's serial number in the certificate set only (not in the sid): the bytes match
        // no certificate, and the parsed comparison finds none either.
        int inCertificates = indexOf(cms, serial, 0);
        int inSid = indexOf(cms, serial, inCertificates + 1);
        assertTrue(inCertificates > 0 && inSid > inCertificates, "the serial number is in the certificate and the sid");
        byte[] other = cms.clone();
        other[inCertificates + serial.length - 1] ^= 1;
        assertNull(DerPrefix.signerEncoding(other, new java.util.HashMap<>()));
        assertNull(DerPrefix.signer(other));
        // The same change in the sid as well: found again
        other[inSid + serial.length - 1] ^= 1;
        byte[] found = DerPrefix.signerEncoding(other, new java.util.HashMap<>());
        assertNotNull(found);
        assertEquals(new X509CertificateHolder(found), DerPrefix.signer(other));
    }

    private static int indexOf(byte[] data, byte[] part, int from) {
        for (int i = from; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void whatIsNotADerSignedDataGivesNoAnswer() throws Exception {
        assertNull(DerPrefix.signer(new byte[0]));
        assertNull(DerPrefix.signer(new byte[64]));
        assertNull(DerPrefix.signer(pki.seal().certificate().getEncoded()));
        byte[] cms = cms(false, pki.seal().chain());
        byte[] indefinite = cms.clone();
        indefinite[1] = (byte) 0x80; // BER indefinite length
        assertNull(DerPrefix.signer(indefinite));
        // a CMS that does not carry its signer's certificate
        byte[] without = cms(false, pki.seal().chain().subList(1, pki.seal().chain().size()));
        assertNull(DerPrefix.signer(without));
        assertNull(DerPrefix.signerEncoding(without, new java.util.HashMap<>()));
        assertNull(DerPrefix.signerEncoding(indefinite, new java.util.HashMap<>()));
        assertNull(DerPrefix.signerEncoding(new byte[64], new java.util.HashMap<>()));
    }

    /** Two certificates of one key give the same bytes, whoever issued them; any other certificate other bytes. */
    @Test
    void theSubjectPublicKeyInfoIsTheKeyAsEncoded() throws Exception {
        var seal = pki.seal().certificate();
        var sameKey = X509Builder.of(new org.bouncycastle.asn1.x500.X500Name("CN=Elsewhere"), seal.getPublicKey())
                .issuedBy(pki.root().certificate(), pki.root().key());
        java.nio.ByteBuffer key = DerPrefix.subjectPublicKeyInfo(seal.getEncoded());
        assertNotNull(key);
        assertArrayEquals(seal.getPublicKey().getEncoded(), Arrays.copyOfRange(key.array(), key.position(), key.limit()));
        assertEquals(key, DerPrefix.subjectPublicKeyInfo(sameKey.getEncoded()));
        assertTrue(!key.equals(DerPrefix.subjectPublicKeyInfo(pki.root().certificate().getEncoded())));
        assertNull(DerPrefix.subjectPublicKeyInfo(new byte[0]));
        assertNull(DerPrefix.subjectPublicKeyInfo(Arrays.copyOf(seal.getEncoded(), 200)), "cut before the key");
        assertNull(DerPrefix.subjectPublicKeyInfo(cms(false, pki.seal().chain())), "a CMS is no certificate");
    }

    private static byte[] cms(boolean keyIdentifier, List<java.security.cert.X509Certificate> certificates)
            throws Exception {
        SandboxPki.Entry signer = pki.seal();
        String algorithm = "EC".equals(signer.key().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        ContentSigner contentSigner = new JcaContentSignerBuilder(algorithm).build(signer.key());
        JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build());
        X509CertificateHolder holder = new X509CertificateHolder(signer.certificate().getEncoded());
        SignerInfoGenerator info = keyIdentifier
                ? builder.build(contentSigner, keyIdentifier(holder))
                : builder.build(contentSigner, holder);
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(info);
        generator.addCertificates(new JcaCertStore(certificates));
        return generator.generate(new CMSAbsentContent(), false).getEncoded(ASN1Encoding.DER);
    }

    /** The certificate's subject key identifier (its extension, else the SHA-1 of its public key). */
    private static byte[] keyIdentifier(X509CertificateHolder holder) throws Exception {
        var extension = org.bouncycastle.asn1.x509.SubjectKeyIdentifier.fromExtensions(holder.getExtensions());
        return extension != null ? extension.getKeyIdentifier()
                : MessageDigest.getInstance("SHA-1").digest(holder.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
    }

    private static X509CertificateHolder signerOf(byte[] cms) throws Exception {
        CMSSignedData data = new CMSSignedData(cms);
        var info = data.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = data.getCertificates().getMatches(info.getSID());
        return matches.iterator().next();
    }
}
