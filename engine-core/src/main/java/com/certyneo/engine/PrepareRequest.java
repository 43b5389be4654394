package com.certyneo.engine;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Step 1 of two-step signing: what to sign, for whom, and with which certificate. The key itself
 * lives elsewhere (an HSM, a browser, a remote service); the engine only needs its certificate chain
 * to build the signed attributes. Immutable; build it with {@link #builder()}.
 *
 * <p>There is no output here: the output is given to
 * {@link SignatureEngine#complete(byte[], byte[], DocumentSource, DocumentTarget)}, which may run
 * on another node, after a restart.
 *
 * @param document the PDF to sign (the same bytes must be supplied again to complete)
 * @param signer who signs
 * @param level the eIDAS level recorded for this signature
 * @param profile the PAdES profile; empty means the engine's default for the level
 *                (B-LT when the engine has revocation data, else {@link SignatureLevel#defaultProfile()})
 * @param reason the {@code /Reason} entry, if any
 * @param location the {@code /Location} entry, if any
 * @param contactInfo the {@code /ContactInfo} entry, if any
 * @param certificateChain the signing certificate first, then its issuers
 * @param rsaPss for RSA keys: sign with RSASSA-PSS (the default, as one-step signing does) instead of PKCS#1 v1.5
 * @param fieldName the fully qualified name of an existing, empty signature field to sign into; empty for a new
 *                  invisible field (as {@link SignRequest#fieldName()})
 * @param appearance a visible signature box (as {@link SignRequest#appearance()}); empty means an invisible
 *                   signature
 * @param certification certify the document at this level (DocMDP, as {@link SignRequest#certification()}); empty:
 *                      an approval signature
 * @param lock the fields this signature locks (FieldMDP, as {@link SignRequest#lock()}), or empty
 * @param password the password of an encrypted document (as {@link SignRequest#password()}); it is not carried in
 *                 the state: give it again to
 *                 {@link SignatureEngine#complete(byte[], byte[], DocumentSource, DocumentTarget, DocumentPassword)}
 */
public record PrepareRequest(DocumentSource document, Signer signer, SignatureLevel level,
                             Optional<PadesProfile> profile, Optional<String> reason, Optional<String> location,
                             Optional<String> contactInfo, List<X509Certificate> certificateChain, boolean rsaPss,
                             Optional<String> fieldName, Optional<VisibleAppearance> appearance,
                             Optional<CertificationLevel> certification, Optional<FieldLock> lock,
                             Optional<DocumentPassword> password) {

    /**
     * Validates the components and copies the chain. Not part of the stable API: a new component changes this
     * constructor; build requests with {@link #builder()}.
     *
     * @param document the PDF to sign (the same bytes must be supplied again to complete)
     * @param signer who signs
     * @param level the eIDAS level recorded for this signature
     * @param profile the PAdES profile; empty means the engine's default for the level
     *        (B-LT when the engine has revocation data, else {@link SignatureLevel#defaultProfile()})
     * @param reason the {@code /Reason} entry, if any
     * @param location the {@code /Location} entry, if any
     * @param contactInfo the {@code /ContactInfo} entry, if any
     * @param certificateChain the signing certificate first, then its issuers
     * @param rsaPss for RSA keys: sign with RSASSA-PSS (the default, as one-step signing does) instead of PKCS#1 v1.5
     * @param fieldName the fully qualified name of an existing, empty signature field to sign into; empty for a new
     *        invisible field (as {@link SignRequest#fieldName()})
     * @param appearance a visible signature box (as {@link SignRequest#appearance()}); empty means an invisible
     *        signature
     * @param certification certify the document at this level (DocMDP); empty: an approval signature
     * @param lock the fields this signature locks (FieldMDP), or empty
     * @param password the password of an encrypted document; empty for none
     */
    @InternalApi
    public PrepareRequest {
        require(document, "document");
        require(signer, "signer");
        require(level, "level");
        require(certificateChain, "certificate chain");
        certificateChain = List.copyOf(certificateChain);
        if (certificateChain.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The prepare request has an empty certificate chain",
                    "Pass the signing certificate first, then its issuers.");
        }
        profile = Objects.requireNonNullElse(profile, Optional.empty());
        reason = clean(reason);
        location = clean(location);
        contactInfo = clean(contactInfo);
        fieldName = clean(fieldName);
        appearance = Objects.requireNonNullElse(appearance, Optional.empty());
        certification = Objects.requireNonNullElse(certification, Optional.empty());
        lock = Objects.requireNonNullElse(lock, Optional.empty());
        password = Objects.requireNonNullElse(password, Optional.empty());
    }

    /**
     * A request without certification, field locks or a document password. Not part of the stable API (see the
     * canonical constructor).
     *
     * @param document the PDF to sign
     * @param signer who signs
     * @param level the eIDAS level
     * @param profile the PAdES profile; empty means the engine's default for the level
     * @param reason the {@code /Reason} entry, if any
     * @param location the {@code /Location} entry, if any
     * @param contactInfo the {@code /ContactInfo} entry, if any
     * @param certificateChain the signing certificate first, then its issuers
     * @param rsaPss for RSA keys: sign with RSASSA-PSS instead of PKCS#1 v1.5
     * @param fieldName an existing, empty signature field to sign into; empty means a new field
     * @param appearance a visible signature box; empty means an invisible signature
     */
    @InternalApi
    public PrepareRequest(DocumentSource document, Signer signer, SignatureLevel level, Optional<PadesProfile> profile,
                          Optional<String> reason, Optional<String> location, Optional<String> contactInfo,
                          List<X509Certificate> certificateChain, boolean rsaPss, Optional<String> fieldName,
                          Optional<VisibleAppearance> appearance) {
        this(document, signer, level, profile, reason, location, contactInfo, certificateChain, rsaPss, fieldName,
                appearance, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void require(Object value, String what) {
        if (value == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The prepare request has no " + what,
                    "Set the " + what + " on PrepareRequest.builder().");
        }
    }

    private static Optional<String> clean(Optional<String> text) {
        return text == null ? Optional.empty() : text.map(String::strip).filter(t -> !t.isEmpty());
    }

    /** {@return the signing certificate} */
    public X509Certificate signingCertificate() {
        return certificateChain.get(0);
    }

    /** {@return a new builder with level {@link SignatureLevel#AES}} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-filled from a one-step request (its output is not used), certification, field lock and
     * document password included.
     *
     * @param request the one-step request
     * @param chain the signing certificate first, then its issuers
     * @return a builder
     */
    public static Builder from(SignRequest request, List<X509Certificate> chain) {
        Builder b = new Builder();
        b.document = request.document();
        b.signer = request.signer();
        b.level = request.level();
        b.profile = request.profile().orElse(null);
        b.reason = request.reason().orElse(null);
        b.location = request.location().orElse(null);
        b.contactInfo = request.contactInfo().orElse(null);
        b.field = request.fieldName().orElse(null);
        b.appearance = request.appearance().orElse(null);
        b.certification = request.certification().orElse(null);
        b.lock = request.lock().orElse(null);
        b.password = request.password().orElse(null);
        b.chain = chain;
        return b;
    }

    /** Builder for {@link PrepareRequest}; not thread-safe, reusable. */
    public static final class Builder {
        private DocumentSource document;
        private Signer signer;
        private SignatureLevel level = SignatureLevel.AES;
        private PadesProfile profile;
        private String reason;
        private String location;
        private String contactInfo;
        private List<X509Certificate> chain;
        private boolean rsaPss = true;
        private String field;
        private VisibleAppearance appearance;
        private CertificationLevel certification;
        private FieldLock lock;
        private DocumentPassword password;

        private Builder() {
        }

        /**
         * Sets the PDF to sign.
         *
         * @param document the PDF to sign
         * @return this
         */
        public Builder document(DocumentSource document) {
            this.document = document;
            return this;
        }

        /**
         * Sets who signs.
         *
         * @param signer who signs
         * @return this
         */
        public Builder signer(Signer signer) {
            this.signer = signer;
            return this;
        }

        /**
         * Sets the eIDAS level (default AES).
         *
         * @param level the eIDAS level (default AES)
         * @return this
         */
        public Builder level(SignatureLevel level) {
            this.level = level;
            return this;
        }

        /**
         * Sets the PAdES profile, or {@code null} for the level's default.
         *
         * @param profile the PAdES profile, or {@code null} for the level's default
         * @return this
         */
        public Builder profile(PadesProfile profile) {
            this.profile = profile;
            return this;
        }

        /**
         * Sets the reason for signing.
         *
         * @param reason the reason for signing
         * @return this
         */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /**
         * Sets where the signing happens.
         *
         * @param location where the signing happens
         * @return this
         */
        public Builder location(String location) {
            this.location = location;
            return this;
        }

        /**
         * Sets how to contact the signer.
         *
         * @param contactInfo how to contact the signer
         * @return this
         */
        public Builder contactInfo(String contactInfo) {
            this.contactInfo = contactInfo;
            return this;
        }

        /**
         * Sets the certificate chain: the signing certificate first, then its issuers.
         *
         * @param chain the signing certificate first, then its issuers
         * @return this
         */
        public Builder certificateChain(List<X509Certificate> chain) {
            this.chain = chain;
            return this;
        }

        /**
         * Sets whether an RSA key signs with RSASSA-PSS (the default, as in one-step signing) or, when
         * {@code false}, PKCS#1 v1.5 (for external signers that only have that).
         *
         * @param rsaPss whether an RSA key signs with RSASSA-PSS (the default, as in one-step signing) or, when
         *               {@code false}, PKCS#1 v1.5 (for external signers that only have that)
         * @return this
         */
        public Builder rsaPss(boolean rsaPss) {
            this.rsaPss = rsaPss;
            return this;
        }

        /**
         * Sets the fully qualified name of an existing, empty signature field to sign into.
         *
         * @param fieldName the fully qualified name of an existing, empty signature field to sign into
         * @return this
         */
        public Builder field(String fieldName) {
            this.field = fieldName;
            return this;
        }

        /**
         * Sets a visible signature box, or {@code null} for an invisible signature.
         *
         * @param appearance a visible signature box, or {@code null} for an invisible signature
         * @return this
         */
        public Builder appearance(VisibleAppearance appearance) {
            this.appearance = appearance;
            return this;
        }

        /**
         * Sets the certification level: certify the document at this level (DocMDP, only for its first signature), or {@code null}.
         *
         * @param level certify the document at this level (DocMDP, only for its first signature), or {@code null}
         * @return this
         */
        public Builder certify(CertificationLevel level) {
            this.certification = level;
            return this;
        }

        /**
         * Sets the fields this signature locks (FieldMDP), or {@code null}.
         *
         * @param lock the fields this signature locks (FieldMDP), or {@code null}
         * @return this
         */
        public Builder lockFields(FieldLock lock) {
            this.lock = lock;
            return this;
        }

        /**
         * The password of an encrypted document, as {@link SignRequest.Builder#password(char[])}. It opens the
         * document for step 1 only: the state does not carry it, so give it again to
         * {@link SignatureEngine#complete(byte[], byte[], DocumentSource, DocumentTarget, DocumentPassword)}.
         *
         * @param password the password (copied: the caller may clear its array once the request is built), or
         *                 {@code null} for none
         * @return this
         */
        public Builder password(char[] password) {
            this.password = password == null ? null : DocumentPassword.of(password);
            return this;
        }

        /** {@return the request} */
        public PrepareRequest build() {
            return new PrepareRequest(document, signer, level, Optional.ofNullable(profile), Optional.ofNullable(reason),
                    Optional.ofNullable(location), Optional.ofNullable(contactInfo), chain, rsaPss, Optional.ofNullable(field),
                    Optional.ofNullable(appearance), Optional.ofNullable(certification), Optional.ofNullable(lock),
                    Optional.ofNullable(password));
        }
    }
}
