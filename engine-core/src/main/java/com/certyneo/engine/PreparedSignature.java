package com.certyneo.engine;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The result of step 1 of two-step signing: what the external key must sign, and an opaque state to
 * hand back to {@link SignatureEngine#complete(byte[], byte[], DocumentSource, DocumentTarget)}.
 *
 * <p>Sign either {@link #dataToSign()} with {@link #signatureAlgorithm()} (keys that hash themselves:
 * JCA, PKCS#11 {@code CKM_ECDSA_SHA256}), or the pre-computed {@link #digest()} (remote services,
 * raw {@code CKM_ECDSA}; for raw RSA PKCS#1 v1.5 wrap it in a DigestInfo first). ECDSA values may be
 * returned DER-encoded or as raw {@code r‖s}.
 *
 * <p>The state is a few kilobytes whatever the size of the PDF: it holds the SHA-256 of the input
 * document, the small revision the engine appended to it (sandbox mark, cross-reference
 * normalisation), the signature parameters and the expected signed attributes, all protected by an
 * HMAC under the engine's state key. It holds no secret, but it is integrity-protected: a modified
 * state, or a state completed against another document, is refused with
 * {@link ErrorCode#STATE_MISMATCH}. Byte arrays are copied in and out.
 *
 * @param dataToSign the DER-encoded CMS signed attributes
 * @param digest the digest of {@code dataToSign} under {@code digestAlgorithm}
 * @param digestAlgorithm the JCA digest name, such as {@code SHA-256}
 * @param signatureAlgorithm the JCA signature name, such as {@code SHA256withECDSA}, {@code SHA256withRSA}
 *                           or {@code SHA256withRSAandMGF1} (RSASSA-PSS, MGF1 with the same digest, salt = digest length)
 * @param certificateChain the signing certificate first, then its issuers
 * @param state the opaque, integrity-protected state for step 2
 */
public record PreparedSignature(byte[] dataToSign, byte[] digest, String digestAlgorithm, String signatureAlgorithm,
                                List<X509Certificate> certificateChain, byte[] state) {

    /** Validates the components and copies the arrays and the chain. */
    public PreparedSignature {
        dataToSign = Objects.requireNonNull(dataToSign, "dataToSign").clone();
        digest = Objects.requireNonNull(digest, "digest").clone();
        Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
        Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
        certificateChain = List.copyOf(certificateChain);
        state = Objects.requireNonNull(state, "state").clone();
    }

    /** @return a copy of the data to sign */
    @Override
    public byte[] dataToSign() {
        return dataToSign.clone();
    }

    /** @return a copy of the digest to sign */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** @return a copy of the opaque state for {@code complete} */
    @Override
    public byte[] state() {
        return state.clone();
    }

    /** @return the digest as lower-case hex */
    public String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreparedSignature p && Arrays.equals(p.dataToSign, dataToSign) && Arrays.equals(p.digest, digest)
                && p.digestAlgorithm.equals(digestAlgorithm) && p.signatureAlgorithm.equals(signatureAlgorithm)
                && p.certificateChain.equals(certificateChain) && Arrays.equals(p.state, state);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest) * 31 + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return "PreparedSignature[" + signatureAlgorithm + ", digest=" + digestHex() + ", state=" + state.length + " bytes]";
    }
}
