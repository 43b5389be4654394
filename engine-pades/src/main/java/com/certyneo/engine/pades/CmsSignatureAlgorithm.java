package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * The signature algorithms the engine's own CMS signer uses, each with the names a key needs
 * ({@link #jcaName()}, as {@link com.certyneo.engine.spi.SigningKey#sign(byte[], String)} takes them)
 * and the identifiers the CMS carries.
 *
 * <p>The message digest is SHA-256 for every algorithm: it hashes the PDF byte range, the signing
 * certificate (ESSCertIDv2) and the signed attributes, as the engine's DSS signing did with
 * {@code DigestAlgorithm.SHA256} for every key (including EC keys on larger curves).
 */
enum CmsSignatureAlgorithm {

    /** ECDSA with SHA-256 ({@code ecdsa-with-SHA256}, parameters absent as RFC 5758 requires). */
    ECDSA_SHA256("SHA256withECDSA", "EC",
            new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256)),

    /**
     * RSASSA-PSS with SHA-256, MGF1 with SHA-256, a 32-byte salt and trailer field 1 (RFC 4055); the
     * default for RSA keys, since DSS's default cryptographic policy stops accepting PKCS#1 v1.5 in 2029.
     */
    RSA_PSS_SHA256("SHA256withRSAandMGF1", "RSA",
            new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, pssParameters())),

    /** RSA PKCS#1 v1.5 with SHA-256 ({@code sha256WithRSAEncryption}, NULL parameters as RFC 4055 requires). */
    RSA_PKCS1_SHA256("SHA256withRSA", "RSA",
            new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE));

    /** SHA-256 with absent parameters (RFC 5754: the preferred encoding). */
    static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    private final String jcaName;
    private final String keyAlgorithm;
    private final AlgorithmIdentifier signatureAlgorithm;

    CmsSignatureAlgorithm(String jcaName, String keyAlgorithm, AlgorithmIdentifier signatureAlgorithm) {
        this.jcaName = jcaName;
        this.keyAlgorithm = keyAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /**
     * The algorithm for a signing certificate: ECDSA for EC keys, RSASSA-PSS for RSA keys unless
     * {@code rsaPss} is {@code false} (then PKCS#1 v1.5).
     *
     * @param certificate the signing certificate
     * @param rsaPss whether RSA keys sign with RSASSA-PSS (the engine's {@code rsaPss} option)
     * @return the algorithm
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} for other key types
     */
    static CmsSignatureAlgorithm forCertificate(X509Certificate certificate, boolean rsaPss) {
        PublicKey key = certificate.getPublicKey();
        if (key instanceof ECPublicKey) {
            return ECDSA_SHA256;
        }
        if (key instanceof RSAPublicKey) {
            return rsaPss ? RSA_PSS_SHA256 : RSA_PKCS1_SHA256;
        }
        throw unsupported(certificate);
    }

    /** @return the JCA signature algorithm name, such as {@code SHA256withRSAandMGF1} */
    String jcaName() {
        return jcaName;
    }

    /** @return the JCA name of the digest, {@code SHA-256} (also the CSC hash algorithm) */
    String digestName() {
        return "SHA-256";
    }

    /** @return the OID of the digest (for CSC {@code hashAlgo}) */
    ASN1ObjectIdentifier digestOid() {
        return NISTObjectIdentifiers.id_sha256;
    }

    /** @return the digest AlgorithmIdentifier of SignedData.digestAlgorithms and SignerInfo.digestAlgorithm */
    AlgorithmIdentifier digestAlgorithm() {
        return SHA256;
    }

    /** @return the SignerInfo.signatureAlgorithm identifier, with its parameters (for CSC {@code signAlgo}) */
    AlgorithmIdentifier signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /**
     * Checks that a certificate's key can make this kind of signature.
     *
     * @param certificate the signing certificate
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} when it cannot
     */
    void requireKeyOf(X509Certificate certificate) {
        String algorithm = certificate.getPublicKey().getAlgorithm();
        boolean matches = "EC".equals(keyAlgorithm) ? certificate.getPublicKey() instanceof ECPublicKey
                : certificate.getPublicKey() instanceof RSAPublicKey;
        if (!matches) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The " + algorithm + " key of " + certificate.getSubjectX500Principal().getName() + " cannot sign with "
                            + jcaName, "Use " + forCertificateName(certificate) + " for this key.");
        }
    }

    /**
     * The largest signature value this algorithm produces with a certificate's key, in the encoding
     * CMS carries (DER for ECDSA).
     *
     * @param certificate the signing certificate
     * @return an upper bound of the signature value length in bytes
     */
    int maxSignatureLength(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        if (key instanceof ECPublicKey ec) {
            BigInteger order = ec.getParams().getOrder();
            int integer = derLength(order.bitLength() / 8 + 1); // r, s < n; one more byte for a leading zero
            return derLength(2 * integer);
        }
        return (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8;
    }

    /** @return the length of a DER TLV (one-byte tag) whose content is {@code content} bytes long */
    private static int derLength(int content) {
        int header = content < 128 ? 2 : content < 256 ? 3 : content < 65536 ? 4 : 5;
        return header + content;
    }

    private static String forCertificateName(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        return key instanceof ECPublicKey ? ECDSA_SHA256.jcaName
                : key instanceof RSAPublicKey ? RSA_PSS_SHA256.jcaName + " or " + RSA_PKCS1_SHA256.jcaName
                : "an EC or RSA key";
    }

    private static SignatureEngineException unsupported(X509Certificate certificate) {
        return new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                "The " + certificate.getPublicKey().getAlgorithm() + " key of "
                        + certificate.getSubjectX500Principal().getName() + " is not supported for PAdES signing",
                "Use an EC (P-256, P-384, P-521) or RSA key.");
    }

    /** RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, salt length 32, trailer field 1 (left out: the default). */
    private static RSASSAPSSparams pssParameters() {
        AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        return new RSASSAPSSparams(sha256, new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, sha256),
                new ASN1Integer(32), new ASN1Integer(1));
    }
}
