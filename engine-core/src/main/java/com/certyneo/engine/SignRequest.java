package com.certyneo.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything one signing operation needs. Immutable; build it with {@link #builder()}.
 *
 * <pre>{@code
 * SignRequest request = SignRequest.builder()
 *     .document(DocumentSource.of(Path.of("contract.pdf")))
 *     .output(DocumentTarget.of(Path.of("contract-signed.pdf")))
 *     .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, otpTime))
 *     .build();                    // level AES, profile = the engine's default (B-LT on the sandbox)
 * }</pre>
 *
 * @param document the PDF to sign
 * @param output where the signed PDF goes
 * @param signer who signs (for SES: on whose behalf the platform seals)
 * @param level the eIDAS level
 * @param profile the PAdES profile; empty means the engine's default for the level
 *                (B-LT when the engine has revocation data, else {@link SignatureLevel#defaultProfile()})
 * @param reason the {@code /Reason} entry, if any
 * @param location the {@code /Location} entry, if any
 * @param contactInfo the {@code /ContactInfo} entry, if any
 * @param fieldName the fully qualified name of an existing, empty signature field to sign into
 *                  (a field pre-created for this signer); empty means a new field
 * @param appearance a visible signature box for a new field; empty means an invisible signature. With
 *                   {@code fieldName} of an existing field placed on a page, that field keeps its own box and
 *                   the appearance is drawn in it (the box's position is then not used); empty, such a field is
 *                   still drawn in with the text when it has no appearance of its own (a field
 *                   {@link SignatureEngine#prepareFields} placed), so that a placed box does not stay blank
 * @param certification certify the document at this level (DocMDP); only the first signature may; empty: an
 *                      approval signature
 * @param lock the fields this signature locks (FieldMDP); empty: none beyond the {@code /Lock} of the field
 *             signed into, which is applied anyway
 * @param password the password of an encrypted document (its user or owner password); empty for a document
 *                 that is not encrypted, or encrypted with an owner password only whose permissions allow signing
 */
public record SignRequest(DocumentSource document, DocumentTarget output, Signer signer, SignatureLevel level,
                          Optional<PadesProfile> profile, Optional<String> reason, Optional<String> location,
                          Optional<String> contactInfo, Optional<String> fieldName,
                          Optional<VisibleAppearance> appearance, Optional<CertificationLevel> certification,
                          Optional<FieldLock> lock, Optional<DocumentPassword> password) {

    /**
     * Validates the components. Not part of the stable API: a new component changes this
     * constructor; build requests with {@link #builder()}.
     *
     * @param document the PDF to sign
     * @param output where the signed PDF goes
     * @param signer who signs (for SES: on whose behalf the platform seals)
     * @param level the eIDAS level
     * @param profile the PAdES profile; empty means the engine's default for the level
     *        (B-LT when the engine has revocation data, else {@link SignatureLevel#defaultProfile()})
     * @param reason the {@code /Reason} entry, if any
     * @param location the {@code /Location} entry, if any
     * @param contactInfo the {@code /ContactInfo} entry, if any
     * @param fieldName the fully qualified name of an existing, empty signature field to sign into
     *        (a field pre-created for this signer); empty means a new field
     * @param appearance a visible signature box for a new field; empty means an invisible signature. With
     *        {@code fieldName} of an existing field placed on a page, that field keeps its own box and
     *        the appearance is drawn in it (the box's position is then not used); empty, such a field is
     *        still drawn in with the text when it has no appearance of its own
     * @param certification certify the document at this level (DocMDP); empty: an approval signature
     * @param lock the fields this signature locks (FieldMDP), or empty
     * @param password the password of an encrypted document; empty for none
     */
    @InternalApi
    public SignRequest {
        require(document, "document");
        require(output, "output");
        require(signer, "signer");
        require(level, "level");
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
     * A request without certification, field locks or a document password. Not part of the stable API (see the canonical constructor).
     *
     * @param document the PDF to sign
     * @param output where the signed PDF goes
     * @param signer who signs
     * @param level the eIDAS level
     * @param profile the PAdES profile; empty means the engine's default for the level
     * @param reason the {@code /Reason} entry, if any
     * @param location the {@code /Location} entry, if any
     * @param contactInfo the {@code /ContactInfo} entry, if any
     * @param fieldName an existing, empty signature field to sign into; empty means a new field
     * @param appearance a visible signature box; empty means an invisible signature
     */
    @InternalApi
    public SignRequest(DocumentSource document, DocumentTarget output, Signer signer, SignatureLevel level,
                       Optional<PadesProfile> profile, Optional<String> reason, Optional<String> location,
                       Optional<String> contactInfo, Optional<String> fieldName, Optional<VisibleAppearance> appearance) {
        this(document, output, signer, level, profile, reason, location, contactInfo, fieldName, appearance,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void require(Object value, String what) {
        if (value == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The sign request has no " + what,
                    "Set the " + what + " on SignRequest.builder().");
        }
    }

    private static Optional<String> clean(Optional<String> text) {
        return text == null ? Optional.empty() : text.map(String::strip).filter(t -> !t.isEmpty());
    }

    /** {@return a new builder with level {@link SignatureLevel#AES}} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link SignRequest}; not thread-safe, reusable. */
    public static final class Builder {
        private DocumentSource document;
        private DocumentTarget output;
        private Signer signer;
        private SignatureLevel level = SignatureLevel.AES;
        private PadesProfile profile;
        private String reason;
        private String location;
        private String contactInfo;
        private String fieldName;
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
         * Sets where the signed PDF goes.
         *
         * @param output where the signed PDF goes
         * @return this
         */
        public Builder output(DocumentTarget output) {
            this.output = output;
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
         * Sets the PAdES profile, or {@code null} for the engine's default.
         *
         * @param profile the PAdES profile, or {@code null} for the engine's default
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
         * Sets the fully qualified name of an existing, empty signature field to sign into.
         *
         * @param fieldName the fully qualified name of an existing, empty signature field to sign into
         * @return this
         */
        public Builder field(String fieldName) {
            this.fieldName = fieldName;
            return this;
        }

        /**
         * Sets a visible signature box, or {@code null} for an invisible signature (a {@link #field} placed on a
         * page without an appearance of its own is drawn in anyway, with the text).
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
         * The password of an encrypted document: its user password (or its owner password). The engine signs the
         * document keeping its encryption (same /Encrypt, the new revision encrypted with the document's key). Not
         * needed for a document encrypted with an owner password only whose permissions allow signing.
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
        public SignRequest build() {
            return new SignRequest(document, output, signer, level, Optional.ofNullable(profile),
                    Optional.ofNullable(reason), Optional.ofNullable(location), Optional.ofNullable(contactInfo),
                    Optional.ofNullable(fieldName), Optional.ofNullable(appearance),
                    Optional.ofNullable(certification), Optional.ofNullable(lock), Optional.ofNullable(password));
        }
    }
}
