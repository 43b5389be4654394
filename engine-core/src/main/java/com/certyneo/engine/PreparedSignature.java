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
 * <p>The engine creates these; a caller that needs one (a fake engine in a test) builds it with {@link #builder()},
 * which stays source and binary compatible when a component is added (the canonical constructor does not).
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

    /**
     * Validates the components and copies the arrays and the chain. Not part of the stable API: the engine creates
     * these, and a new component changes this constructor; build one with {@link #builder()}.
     *
     * @param dataToSign the DER-encoded CMS signed attributes
     * @param digest the digest of {@code dataToSign} under {@code digestAlgorithm}
     * @param digestAlgorithm the JCA digest name, such as {@code SHA-256}
     * @param signatureAlgorithm the JCA signature name, such as {@code SHA256withECDSA}, {@code SHA256withRSA}
     *        or {@code SHA256withRSAandMGF1} (RSASSA-PSS, MGF1 with the same digest, salt = digest length)
     * @param certificateChain the signing certificate first, then its issuers
     * @param state the opaque, integrity-protected state for step 2
     */
    @InternalApi
    public PreparedSignature {
        dataToSign = Objects.requireNonNull(dataToSign, "dataToSign").clone();
        digest = Objects.requireNonNull(digest, "digest").clone();
        Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
        Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
        certificateChain = List.copyOf(certificateChain);
        state = Objects.requireNonNull(state, "state").clone();
    }

    /** {@return a copy of the data to sign} */
    @Override
    public byte[] dataToSign() {
        return dataToSign.clone();
    }

    /** {@return a copy of the digest to sign} */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** {@return a copy of the opaque state for {@code complete}} */
    @Override
    public byte[] state() {
        return state.clone();
    }

    /** {@return the digest as lower-case hex} */
    public String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    /** {@return a builder with no value set (every value is required)} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link PreparedSignature}; not thread-safe, reusable. */
    public static final class Builder {
        private byte[] dataToSign;
        private byte[] digest;
        private String digestAlgorithm;
        private String signatureAlgorithm;
        private List<X509Certificate> certificateChain;
        private byte[] state;

        private Builder() {
        }

        /**
         * Sets the DER-encoded CMS signed attributes (copied when built).
         *
         * @param dataToSign the DER-encoded CMS signed attributes (copied when built)
         * @return this
         */
        public Builder dataToSign(byte[] dataToSign) {
            this.dataToSign = dataToSign;
            return this;
        }

        /**
         * Sets the digest of the data to sign (copied when built).
         *
         * @param digest the digest of the data to sign (copied when built)
         * @return this
         */
        public Builder digest(byte[] digest) {
            this.digest = digest;
            return this;
        }

        /**
         * Sets the JCA digest name, such as {@code SHA-256}.
         *
         * @param digestAlgorithm the JCA digest name, such as {@code SHA-256}
         * @return this
         */
        public Builder digestAlgorithm(String digestAlgorithm) {
            this.digestAlgorithm = digestAlgorithm;
            return this;
        }

        /**
         * Sets the JCA signature name, such as {@code SHA256withECDSA}.
         *
         * @param signatureAlgorithm the JCA signature name, such as {@code SHA256withECDSA}
         * @return this
         */
        public Builder signatureAlgorithm(String signatureAlgorithm) {
            this.signatureAlgorithm = signatureAlgorithm;
            return this;
        }

        /**
         * Sets the certificate chain: the signing certificate first, then its issuers.
         *
         * @param chain the signing certificate first, then its issuers
         * @return this
         */
        public Builder certificateChain(List<X509Certificate> chain) {
            this.certificateChain = chain;
            return this;
        }

        /**
         * Sets the opaque state for step 2 (copied when built).
         *
         * @param state the opaque state for step 2 (copied when built)
         * @return this
         */
        public Builder state(byte[] state) {
            this.state = state;
            return this;
        }

        /**
         * {@return the prepared signature}
         * @throws NullPointerException when a value is missing
         */
        public PreparedSignature build() {
            return new PreparedSignature(dataToSign, digest, digestAlgorithm, signatureAlgorithm,
                    Objects.requireNonNull(certificateChain, "certificateChain"), state);
        }
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
