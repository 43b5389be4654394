package com.certyneo.engine.pades;

import com.certyneo.engine.Signer;
import com.certyneo.engine.spi.QualifiedCredential;
import com.certyneo.engine.spi.QualifiedSigningProvider;
import com.certyneo.engine.spi.SigningKey;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A qualified credential presented as a {@link SigningKey}: the engine hands it the DER signed
 * attributes, it hashes them (so the digest exists before any authorisation, as SCAL2 requires),
 * has the provider authorise and sign the digest, then normalises and verifies the value it got back.
 */
record QualifiedKey(QualifiedSigningProvider provider, QualifiedCredential credential, Signer signer) implements SigningKey {

    @Override
    public List<X509Certificate> certificateChain() {
        return credential.certificateChain();
    }

    @Override
    public byte[] sign(byte[] data, String jcaAlgorithm) {
        String digestAlgorithm = "SHA-" + jcaAlgorithm.substring(3, jcaAlgorithm.indexOf("with"));
        byte[] digest;
        try {
            digest = MessageDigest.getInstance(digestAlgorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] value = provider.sign(credential, signer, digest, digestAlgorithm, jcaAlgorithm);
        return SignatureValues.normalizeAndVerify(value, jcaAlgorithm, credential.certificate(), data,
                provider.describe() + " (credential " + credential.id() + ")");
    }

    /**
     * Signs several data to be signed with one authorisation of the provider ({@link QualifiedSigningProvider#signAll}),
     * then normalises and verifies every value, as {@link #sign} does for one.
     */
    List<byte[]> signAll(List<byte[]> data, String jcaAlgorithm) {
        String digestAlgorithm = "SHA-" + jcaAlgorithm.substring(3, jcaAlgorithm.indexOf("with"));
        List<byte[]> digests = new java.util.ArrayList<>();
        try {
            for (byte[] d : data) {
                digests.add(MessageDigest.getInstance(digestAlgorithm).digest(d));
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<byte[]> values = provider.signAll(credential, signer, digests, digestAlgorithm, jcaAlgorithm);
        if (values == null || values.size() != data.size()) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.REMOTE_SIGNING_ERROR,
                    provider.describe() + " returned " + (values == null ? 0 : values.size()) + " signature value(s) for "
                            + data.size() + " digest(s) (credential " + credential.id() + ")",
                    "The signing provider is faulty; contact its operator.");
        }
        List<byte[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(SignatureValues.normalizeAndVerify(values.get(i), jcaAlgorithm, credential.certificate(), data.get(i),
                    provider.describe() + " (credential " + credential.id() + ")"));
        }
        return out;
    }

    @Override
    public String toString() {
        return "QualifiedKey[" + provider.describe() + ", " + credential.id() + "]";
    }
}
