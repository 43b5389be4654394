package com.certyneo.engine.pades;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * ECDSA verification with BouncyCastle's lightweight API (no JCA provider to build or register), for the
 * verifications on the signing path: its curve arithmetic is several times faster than the JDK 17 SunEC's (a
 * P-256 verification about 0.25 ms against 0.9 ms). Only a confirmation is final: a value it does not confirm
 * (another algorithm, a key it cannot read, a signature it rejects) is verified again by the caller with the JCA,
 * whose answer stands.
 */
final class LightweightEcdsa {

    /**
     * Decoded public keys by their encoding: decoding validates the point, and BouncyCastle keeps a key's
     * precomputed multiples on its decoded point, so a key seen before (the seal, a time-stamping unit, a CA)
     * verifies in about half the time. Public values only; cleared when it reaches {@link #CACHED_KEYS} entries.
     */
    private static final java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, AsymmetricKeyParameter> KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final int CACHED_KEYS = 256;

    private LightweightEcdsa() {
    }

    /**
     * @param jcaAlgorithm the JCA signature algorithm ({@code SHA256withECDSA}, {@code SHA384withECDSA} or
     *                     {@code SHA512withECDSA} are verified here)
     * @param key the public key
     * @param data the signed data
     * @param der the DER-encoded ECDSA value
     * @return whether the value is confirmed ({@code false}: not confirmed here, verify with the JCA)
     */
    static boolean verifies(String jcaAlgorithm, PublicKey key, byte[] data, byte[] der) {
        Digest digest = switch (jcaAlgorithm.toUpperCase(java.util.Locale.ROOT)) {
            case "SHA256WITHECDSA" -> new SHA256Digest();
            case "SHA384WITHECDSA" -> new SHA384Digest();
            case "SHA512WITHECDSA" -> new SHA512Digest();
            default -> null;
        };
        if (digest == null || !(key instanceof ECPublicKey)) {
            return false;
        }
        try {
            DSADigestSigner verifier = new DSADigestSigner(new ECDSASigner(), digest);
            verifier.init(false, decoded(key));
            verifier.update(data, 0, data.length);
            return verifier.verifySignature(der);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return the key's lightweight parameters, decoded once per encoding (see {@link #KEYS}) */
    private static AsymmetricKeyParameter decoded(PublicKey key) throws java.io.IOException {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new java.io.IOException("a public key without an encoding");
        }
        return decoded(encoded);
    }

    /** @return the lightweight parameters of a SubjectPublicKeyInfo encoding, decoded once (see {@link #KEYS}) */
    private static AsymmetricKeyParameter decoded(byte[] encoded) throws java.io.IOException {
        java.nio.ByteBuffer id = java.nio.ByteBuffer.wrap(encoded);
        AsymmetricKeyParameter known = KEYS.get(id);
        if (known != null) {
            return known;
        }
        AsymmetricKeyParameter parameters = PublicKeyFactory.createKey(encoded);
        if (KEYS.size() >= CACHED_KEYS) {
            KEYS.clear(); // a bound, not an eviction policy: the keys a process signs and verifies with are few
        }
        KEYS.put(id, parameters);
        return parameters;
    }

    /**
     * A CMS signer-information verifier for an EC certificate whose ECDSA arithmetic is BouncyCastle's lightweight one
     * with the key decoded once ({@link #KEYS}): what {@code BcECSignerInfoVerifierBuilder} builds, without decoding the
     * key (and computing its multiples) again for each verification (a time-stamp token's: about half the time). Like
     * {@link #verifies}, only its confirmation is final.
     *
     * @param certificate the signer's certificate (the verifier's associated certificate)
     * @return the verifier, or {@code null} for a certificate without an EC key or one it cannot build for
     */
    static org.bouncycastle.cms.SignerInformationVerifier signerInfoVerifier(
            org.bouncycastle.cert.X509CertificateHolder certificate) {
        if (!org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey.equals(
                certificate.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm())) {
            return null;
        }
        try {
            org.bouncycastle.operator.ContentVerifierProvider provider =
                    new org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder(DIGEST_IDENTIFIERS) {
                        @Override
                        protected AsymmetricKeyParameter extractKeyParameters(
                                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info) throws java.io.IOException {
                            return decoded(info.getEncoded());
                        }
                    }.build(certificate);
            return new org.bouncycastle.cms.SignerInformationVerifier(SIGNATURE_NAMES, SIGNATURE_IDENTIFIERS, provider,
                    DIGEST_CALCULATORS);
        } catch (org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
            return null;
        }
    }

    /*
     * What a verifier needs besides the key, built once (their tables are filled by their constructors and only read
     * after; building the name table took about a tenth of a time-stamp token's verification).
     */
    private static final org.bouncycastle.cms.CMSSignatureAlgorithmNameGenerator SIGNATURE_NAMES =
            new org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator();
    private static final org.bouncycastle.operator.SignatureAlgorithmIdentifierFinder SIGNATURE_IDENTIFIERS =
            new org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder();
    private static final org.bouncycastle.operator.DigestAlgorithmIdentifierFinder DIGEST_IDENTIFIERS =
            new org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder();
    private static final org.bouncycastle.operator.DigestCalculatorProvider DIGEST_CALCULATORS =
            new org.bouncycastle.operator.bc.BcDigestCalculatorProvider();

    /** @return how many decoded keys are cached (tests) */
    static int cachedKeys() {
        return KEYS.size();
    }

    /**
     * Whether {@code certificate} is signed by {@code key}: confirmed here for ECDSA, else (or when not confirmed)
     * by {@link X509Certificate#verify(PublicKey)}.
     */
    static boolean signedBy(X509Certificate certificate, PublicKey key) {
        try {
            if (verifies(certificate.getSigAlgName(), key, certificate.getTBSCertificate(), certificate.getSignature())) {
                return true;
            }
            certificate.verify(key);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
