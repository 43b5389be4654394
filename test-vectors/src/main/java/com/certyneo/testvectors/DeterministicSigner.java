package com.certyneo.testvectors;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;

/**
 * A BouncyCastle {@link ContentSigner} whose output depends only on the key and the data:
 * ECDSA P-256 with SHA-256 and RFC 6979 nonces, or RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt)
 * with the salt derived from the key and the message. Used for certificates, CRLs and OCSP
 * responses, so that the whole test PKI is reproducible byte for byte.
 */
final class DeterministicSigner implements ContentSigner {

    /** JCA name of the ECDSA algorithm this class produces. */
    static final String ECDSA = "SHA256withECDSA";
    /** JCA name of the RSASSA-PSS algorithm this class produces. */
    static final String RSA_PSS = "SHA256withRSAandMGF1";

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");

    private final PrivateKey key;
    private final AlgorithmIdentifier algorithm;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    DeterministicSigner(PrivateKey key) {
        this.key = key;
        String name = key instanceof ECPrivateKey ? ECDSA : RSA_PSS;
        if (!(key instanceof ECPrivateKey) && !(key instanceof RSAPrivateCrtKey)) {
            throw new IllegalArgumentException("Unsupported key " + key.getAlgorithm());
        }
        this.algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(name);
    }

    /** @return the JCA signature algorithm name matching {@code key} */
    static String jcaAlgorithm(PrivateKey key) {
        return key instanceof ECPrivateKey ? ECDSA : RSA_PSS;
    }

    /** Signs {@code data} in one call. */
    static byte[] sign(PrivateKey key, byte[] data) {
        DeterministicSigner signer = new DeterministicSigner(key);
        try {
            signer.getOutputStream().write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return signer.getSignature();
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public OutputStream getOutputStream() {
        return buffer;
    }

    @Override
    public byte[] getSignature() {
        byte[] data = buffer.toByteArray();
        buffer.reset();
        if (key instanceof ECPrivateKey ec) {
            SHA256Digest digest = new SHA256Digest();
            digest.update(data, 0, data.length);
            byte[] hash = new byte[32];
            digest.doFinal(hash, 0);
            ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            ECDomainParameters domain = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
            signer.init(true, new ECPrivateKeyParameters(ec.getS(), domain));
            BigInteger[] rs = signer.generateSignature(hash);
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new ASN1Integer(rs[0]));
            v.add(new ASN1Integer(rs[1]));
            try {
                return new DERSequence(v).getEncoded();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
        byte[] salt = Drbg.of(rsa.getPrivateExponent().toByteArray(), data).bytes(32);
        PSSSigner signer = new PSSSigner(new RSAEngine(), new SHA256Digest(), new SHA256Digest(), salt);
        signer.init(true, new RSAPrivateCrtKeyParameters(rsa.getModulus(), rsa.getPublicExponent(),
                rsa.getPrivateExponent(), rsa.getPrimeP(), rsa.getPrimeQ(), rsa.getPrimeExponentP(),
                rsa.getPrimeExponentQ(), rsa.getCrtCoefficient()));
        signer.update(data, 0, data.length);
        try {
            return signer.generateSignature();
        } catch (org.bouncycastle.crypto.CryptoException e) {
            throw new IllegalStateException("RSASSA-PSS signing failed", e);
        }
    }
}
