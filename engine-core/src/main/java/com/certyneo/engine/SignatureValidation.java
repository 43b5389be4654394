package com.certyneo.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validation outcome of one signature or document time-stamp in a PDF.
 *
 * <p>The engine creates these; a caller that needs one (a fake engine in a test) builds it with {@link #builder()},
 * which stays source and binary compatible when a component is added (the canonical constructor does not).
 *
 * @param id the validator's identifier of the signature
 * @param fieldName the PDF signature field name
 * @param documentTimestamp whether this is a document time-stamp rather than a signature
 * @param indication the main indication
 * @param subIndication the ETSI sub-indication, when the indication is not TOTAL_PASSED
 * @param format the format reached, such as {@code PAdES-BASELINE-T} (or {@code PDF-NOT-ETSI})
 * @param profile the PAdES-BASELINE profile reached, when the format is a baseline one
 * @param signedBy the signer's subject common name
 * @param signerSubject the full subject DN of the signing certificate
 * @param claimedSigningTime the time the signer claims ({@code /M})
 * @param bestSignatureTime the earliest time the signature is proven to have existed
 * @param timestampTimes the production times of the signature time-stamps
 * @param qualification the qualification as derived by the validator from trusted lists ("NA" without them)
 * @param sandbox whether the signing certificate chains to the Certyneo sandbox root
 * @param errors validation errors, human-readable
 * @param warnings validation warnings, human-readable
 * @param certificateChain subject DNs of the signing certificate's chain as the validator built it,
 *                         signing certificate first
 * @param revocationStatus the signing certificate's revocation status as found in the validation data,
 *                         such as {@code "good (OCSP, 2026-01-01T10:00:00Z)"}, {@code "revoked since …"}
 *                         or {@code "no revocation data"}
 * @param modifications changes made to the document after this signature that are not legitimate
 *                      later revisions (more signatures, validation data, document time-stamps);
 *                      each names the revision and what changed. When not empty the indication is
 *                      {@link Indication#TOTAL_FAILED} with sub-indication {@link #MODIFIED_AFTER_SIGNING}.
 * @param revocation the signing certificate's revocation status as a value (what {@code revocationStatus} says in
 *                   words); empty in entries built without it
 * @param qualificationAtValidation the qualification at validation time: what {@code qualification} (decided at
 *                   signing time, ETSI TS 119 615) would be with the signing certificate's qualification as the
 *                   trusted lists state it at the validation time ("NA" without trusted lists)
 * @param trustService the trusted-list service that supports the qualification ({@code "name (type, status) in
 *                   TL territory"}), when one was found
 */
public record SignatureValidation(String id, String fieldName, boolean documentTimestamp, Indication indication,
                                  Optional<String> subIndication, String format, Optional<PadesProfile> profile,
                                  String signedBy, String signerSubject, Optional<Instant> claimedSigningTime,
                                  Optional<Instant> bestSignatureTime, List<Instant> timestampTimes,
                                  String qualification, boolean sandbox, List<String> errors, List<String> warnings,
                                  List<String> certificateChain, String revocationStatus, List<String> modifications,
                                  Optional<Revocation> revocation, String qualificationAtValidation,
                                  Optional<String> trustService) {

    /**
     * Engine-specific sub-indication (not an ETSI one) for a document changed after signing in a way
     * DSS's default policy only warns about.
     */
    public static final String MODIFIED_AFTER_SIGNING = "MODIFIED_AFTER_SIGNING";

    /**
     * Engine-specific sub-indication: a later revision makes a change that this signature's certification
     * (DocMDP {@code /P}, see {@link CertificationLevel}) forbids; the errors name the rule and the revision.
     */
    public static final String CERTIFICATION_VIOLATED = "CERTIFICATION_VIOLATED";

    /**
     * Engine-specific sub-indication: a later revision changes a field this signature locks (FieldMDP, or the
     * {@code /Lock} of its field, see {@link FieldLock}); the errors name the rule, the field and the revision.
     */
    public static final String FIELD_LOCK_VIOLATED = "FIELD_LOCK_VIOLATED";

    /**
     * Validates the components and copies the lists. Not part of the stable API: the engine creates these, and a
     * new component changes this constructor; build one with {@link #builder()}.
     *
     * @param id the validator's identifier of the signature
     * @param fieldName the PDF signature field name
     * @param documentTimestamp whether this is a document time-stamp rather than a signature
     * @param indication the main indication
     * @param subIndication the ETSI sub-indication, when the indication is not TOTAL_PASSED
     * @param format the format reached, such as {@code PAdES-BASELINE-T} (or {@code PDF-NOT-ETSI})
     * @param profile the PAdES-BASELINE profile reached, when the format is a baseline one
     * @param signedBy the signer's subject common name
     * @param signerSubject the full subject DN of the signing certificate
     * @param claimedSigningTime the time the signer claims ({@code /M})
     * @param bestSignatureTime the earliest time the signature is proven to have existed
     * @param timestampTimes the production times of the signature time-stamps
     * @param qualification the qualification as derived by the validator from trusted lists ("NA" without them)
     * @param sandbox whether the signing certificate chains to the Certyneo sandbox root
     * @param errors validation errors, human-readable
     * @param warnings validation warnings, human-readable
     * @param certificateChain subject DNs of the signing certificate's chain as the validator built it,
     *        signing certificate first
     * @param revocationStatus the signing certificate's revocation status as found in the validation data,
     *        such as {@code "good (OCSP, 2026-01-01T10:00:00Z)"}, {@code "revoked since …"}
     *        or {@code "no revocation data"}
     * @param modifications changes made to the document after this signature that are not legitimate
     *        later revisions (more signatures, validation data, document time-stamps);
     *        each names the revision and what changed. When not empty the indication is
     *        {@link Indication#TOTAL_FAILED} with sub-indication {@link #MODIFIED_AFTER_SIGNING}.
     * @param revocation the signing certificate's revocation status as a value
     * @param qualificationAtValidation the qualification at validation time
     * @param trustService the trusted-list service that supports the qualification
     */
    @InternalApi
    public SignatureValidation {
        Objects.requireNonNull(id, "id");
        fieldName = Objects.requireNonNullElse(fieldName, "");
        Objects.requireNonNull(indication, "indication");
        subIndication = Objects.requireNonNullElse(subIndication, Optional.empty());
        format = Objects.requireNonNullElse(format, "");
        profile = Objects.requireNonNullElse(profile, Optional.empty());
        signedBy = Objects.requireNonNullElse(signedBy, "");
        signerSubject = Objects.requireNonNullElse(signerSubject, "");
        claimedSigningTime = Objects.requireNonNullElse(claimedSigningTime, Optional.empty());
        bestSignatureTime = Objects.requireNonNullElse(bestSignatureTime, Optional.empty());
        timestampTimes = List.copyOf(Objects.requireNonNullElse(timestampTimes, List.of()));
        qualification = Objects.requireNonNullElse(qualification, "NA");
        errors = List.copyOf(Objects.requireNonNullElse(errors, List.of()));
        warnings = List.copyOf(Objects.requireNonNullElse(warnings, List.of()));
        certificateChain = List.copyOf(Objects.requireNonNullElse(certificateChain, List.of()));
        revocationStatus = Objects.requireNonNullElse(revocationStatus, "");
        modifications = List.copyOf(Objects.requireNonNullElse(modifications, List.of()));
        revocation = Objects.requireNonNullElse(revocation, Optional.empty());
        qualificationAtValidation = Objects.requireNonNullElse(qualificationAtValidation, "NA");
        trustService = Objects.requireNonNullElse(trustService, Optional.empty());
    }

    /**
     * An entry without the qualification at validation time and the trust service. Not part of the stable API
     * (see the canonical constructor).
     *
     * @param id the validator's identifier of the signature
     * @param fieldName the PDF signature field name
     * @param documentTimestamp whether this is a document time-stamp rather than a signature
     * @param indication the main indication
     * @param subIndication the ETSI sub-indication
     * @param format the format reached
     * @param profile the PAdES-BASELINE profile reached
     * @param signedBy the signer's subject common name
     * @param signerSubject the full subject DN of the signing certificate
     * @param claimedSigningTime the time the signer claims
     * @param bestSignatureTime the earliest time the signature is proven to have existed
     * @param timestampTimes the production times of the signature time-stamps
     * @param qualification the qualification
     * @param sandbox whether the signing certificate chains to the Certyneo sandbox root
     * @param errors validation errors
     * @param warnings validation warnings
     * @param certificateChain subject DNs of the signing certificate's chain
     * @param revocationStatus the signing certificate's revocation status in words
     * @param modifications changes made to the document after this signature
     * @param revocation the signing certificate's revocation status as a value
     */
    @InternalApi
    public SignatureValidation(String id, String fieldName, boolean documentTimestamp, Indication indication,
                               Optional<String> subIndication, String format, Optional<PadesProfile> profile,
                               String signedBy, String signerSubject, Optional<Instant> claimedSigningTime,
                               Optional<Instant> bestSignatureTime, List<Instant> timestampTimes,
                               String qualification, boolean sandbox, List<String> errors, List<String> warnings,
                               List<String> certificateChain, String revocationStatus, List<String> modifications,
                               Optional<Revocation> revocation) {
        this(id, fieldName, documentTimestamp, indication, subIndication, format, profile, signedBy, signerSubject,
                claimedSigningTime, bestSignatureTime, timestampTimes, qualification, sandbox, errors, warnings,
                certificateChain, revocationStatus, modifications, revocation, "NA", Optional.empty());
    }

    /**
     * An entry without the revocation value. Not part of the stable API (see the canonical constructor).
     *
     * @param id the validator's identifier of the signature
     * @param fieldName the PDF signature field name
     * @param documentTimestamp whether this is a document time-stamp rather than a signature
     * @param indication the main indication
     * @param subIndication the ETSI sub-indication
     * @param format the format reached
     * @param profile the PAdES-BASELINE profile reached
     * @param signedBy the signer's subject common name
     * @param signerSubject the full subject DN of the signing certificate
     * @param claimedSigningTime the time the signer claims
     * @param bestSignatureTime the earliest time the signature is proven to have existed
     * @param timestampTimes the production times of the signature time-stamps
     * @param qualification the qualification
     * @param sandbox whether the signing certificate chains to the Certyneo sandbox root
     * @param errors validation errors
     * @param warnings validation warnings
     * @param certificateChain subject DNs of the signing certificate's chain
     * @param revocationStatus the signing certificate's revocation status in words
     * @param modifications changes made to the document after this signature
     */
    @InternalApi
    public SignatureValidation(String id, String fieldName, boolean documentTimestamp, Indication indication,
                               Optional<String> subIndication, String format, Optional<PadesProfile> profile,
                               String signedBy, String signerSubject, Optional<Instant> claimedSigningTime,
                               Optional<Instant> bestSignatureTime, List<Instant> timestampTimes,
                               String qualification, boolean sandbox, List<String> errors, List<String> warnings,
                               List<String> certificateChain, String revocationStatus, List<String> modifications) {
        this(id, fieldName, documentTimestamp, indication, subIndication, format, profile, signedBy, signerSubject,
                claimedSigningTime, bestSignatureTime, timestampTimes, qualification, sandbox, errors, warnings,
                certificateChain, revocationStatus, modifications, Optional.empty(), "NA", Optional.empty());
    }

    /**
     * A certificate's revocation status as the newest revocation data the validator used states it.
     *
     * @param status what that data says
     * @param source where it came from: {@code "OCSP"} or {@code "CRL"}; empty without data
     * @param producedAt when the data was produced (OCSP producedAt, CRL thisUpdate)
     * @param revokedAt when the certificate was revoked, for {@link Status#REVOKED}
     * @param reason the revocation reason, such as {@code "keyCompromise"}, when the data gives one
     */
    public record Revocation(Status status, Optional<String> source, Optional<Instant> producedAt,
                             Optional<Instant> revokedAt, Optional<String> reason) {

        /** What the revocation data says about the certificate. */
        public enum Status {
            /** Not revoked at the time the data was produced. */
            GOOD,
            /** Revoked (see {@link Revocation#revokedAt()}). */
            REVOKED,
            /** The data does not know the certificate. */
            UNKNOWN,
            /** No revocation data was found for the certificate. */
            NO_DATA,
            /** The certificate is a trust anchor: its revocation is not checked. */
            TRUST_ANCHOR
        }

        /**
         * Validates the components. Not part of the stable API: build one with {@link #of}.
         *
         * @param status what the data says
         * @param source where it came from
         * @param producedAt when the data was produced
         * @param revokedAt when the certificate was revoked
         * @param reason the revocation reason
         */
        @InternalApi
        public Revocation {
            Objects.requireNonNull(status, "status");
            source = Objects.requireNonNullElse(source, Optional.empty());
            producedAt = Objects.requireNonNullElse(producedAt, Optional.empty());
            revokedAt = Objects.requireNonNullElse(revokedAt, Optional.empty());
            reason = Objects.requireNonNullElse(reason, Optional.empty());
        }

        /**
         * {@return the value}
         * @param status what the data says
         * @param source {@code "OCSP"} or {@code "CRL"}, or {@code null}
         * @param producedAt when the data was produced, or {@code null}
         * @param revokedAt when the certificate was revoked, or {@code null}
         * @param reason the revocation reason, or {@code null}
         */
        public static Revocation of(Status status, String source, Instant producedAt, Instant revokedAt, String reason) {
            return new Revocation(status, Optional.ofNullable(source), Optional.ofNullable(producedAt),
                    Optional.ofNullable(revokedAt), Optional.ofNullable(reason));
        }
    }

    /** {@return whether the indication is TOTAL_PASSED} */
    public boolean passed() {
        return indication == Indication.TOTAL_PASSED;
    }

    /** {@return a builder holding every value of this entry, to build a changed copy} */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /** {@return a builder with no value set (id and indication are required)} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link SignatureValidation}; not thread-safe, reusable. Unset values are empty. */
    public static final class Builder {
        private String id;
        private String fieldName;
        private boolean documentTimestamp;
        private Indication indication;
        private String subIndication;
        private String format;
        private PadesProfile profile;
        private String signedBy;
        private String signerSubject;
        private Instant claimedSigningTime;
        private Instant bestSignatureTime;
        private List<Instant> timestampTimes;
        private String qualification;
        private boolean sandbox;
        private List<String> errors;
        private List<String> warnings;
        private List<String> certificateChain;
        private String revocationStatus;
        private List<String> modifications;
        private Revocation revocation;
        private String qualificationAtValidation;
        private String trustService;

        private Builder() {
        }

        /**
         * {@return this, with every value of {@code entry}}
         * @param entry an entry to start from
         */
        public Builder from(SignatureValidation entry) {
            id = entry.id;
            fieldName = entry.fieldName;
            documentTimestamp = entry.documentTimestamp;
            indication = entry.indication;
            subIndication = entry.subIndication.orElse(null);
            format = entry.format;
            profile = entry.profile.orElse(null);
            signedBy = entry.signedBy;
            signerSubject = entry.signerSubject;
            claimedSigningTime = entry.claimedSigningTime.orElse(null);
            bestSignatureTime = entry.bestSignatureTime.orElse(null);
            timestampTimes = entry.timestampTimes;
            qualification = entry.qualification;
            sandbox = entry.sandbox;
            errors = entry.errors;
            warnings = entry.warnings;
            certificateChain = entry.certificateChain;
            revocationStatus = entry.revocationStatus;
            modifications = entry.modifications;
            revocation = entry.revocation.orElse(null);
            qualificationAtValidation = entry.qualificationAtValidation;
            trustService = entry.trustService.orElse(null);
            return this;
        }

        /**
         * Sets the qualification at validation time (default "NA").
         *
         * @param qualificationAtValidation the qualification at validation time (default "NA")
         * @return this
         */
        public Builder qualificationAtValidation(String qualificationAtValidation) {
            this.qualificationAtValidation = qualificationAtValidation;
            return this;
        }

        /**
         * Sets the trusted-list service that supports the qualification, or {@code null}.
         *
         * @param trustService the trusted-list service that supports the qualification, or {@code null}
         * @return this
         */
        public Builder trustService(String trustService) {
            this.trustService = trustService;
            return this;
        }

        /**
         * Sets the validator's identifier of the signature (required).
         *
         * @param id the validator's identifier of the signature (required)
         * @return this
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the PDF signature field name.
         *
         * @param fieldName the PDF signature field name
         * @return this
         */
        public Builder fieldName(String fieldName) {
            this.fieldName = fieldName;
            return this;
        }

        /**
         * Sets whether this is a document time-stamp rather than a signature.
         *
         * @param documentTimestamp whether this is a document time-stamp rather than a signature
         * @return this
         */
        public Builder documentTimestamp(boolean documentTimestamp) {
            this.documentTimestamp = documentTimestamp;
            return this;
        }

        /**
         * Sets the main indication (required).
         *
         * @param indication the main indication (required)
         * @return this
         */
        public Builder indication(Indication indication) {
            this.indication = indication;
            return this;
        }

        /**
         * Sets the ETSI sub-indication, or {@code null}.
         *
         * @param subIndication the ETSI sub-indication, or {@code null}
         * @return this
         */
        public Builder subIndication(String subIndication) {
            this.subIndication = subIndication;
            return this;
        }

        /**
         * Sets the format reached, such as {@code PAdES-BASELINE-T}.
         *
         * @param format the format reached, such as {@code PAdES-BASELINE-T}
         * @return this
         */
        public Builder format(String format) {
            this.format = format;
            return this;
        }

        /**
         * Sets the PAdES-BASELINE profile reached, or {@code null}.
         *
         * @param profile the PAdES-BASELINE profile reached, or {@code null}
         * @return this
         */
        public Builder profile(PadesProfile profile) {
            this.profile = profile;
            return this;
        }

        /**
         * Sets the signer's subject common name.
         *
         * @param signedBy the signer's subject common name
         * @return this
         */
        public Builder signedBy(String signedBy) {
            this.signedBy = signedBy;
            return this;
        }

        /**
         * Sets the full subject DN of the signing certificate.
         *
         * @param signerSubject the full subject DN of the signing certificate
         * @return this
         */
        public Builder signerSubject(String signerSubject) {
            this.signerSubject = signerSubject;
            return this;
        }

        /**
         * Sets the time the signer claims, or {@code null}.
         *
         * @param claimedSigningTime the time the signer claims, or {@code null}
         * @return this
         */
        public Builder claimedSigningTime(Instant claimedSigningTime) {
            this.claimedSigningTime = claimedSigningTime;
            return this;
        }

        /**
         * Sets the earliest time the signature is proven to have existed, or {@code null}.
         *
         * @param bestSignatureTime the earliest time the signature is proven to have existed, or {@code null}
         * @return this
         */
        public Builder bestSignatureTime(Instant bestSignatureTime) {
            this.bestSignatureTime = bestSignatureTime;
            return this;
        }

        /**
         * Sets the production times of the signature time-stamps.
         *
         * @param timestampTimes the production times of the signature time-stamps
         * @return this
         */
        public Builder timestampTimes(List<Instant> timestampTimes) {
            this.timestampTimes = timestampTimes;
            return this;
        }

        /**
         * Sets the qualification (default "NA").
         *
         * @param qualification the qualification (default "NA")
         * @return this
         */
        public Builder qualification(String qualification) {
            this.qualification = qualification;
            return this;
        }

        /**
         * Sets whether the signing certificate chains to the sandbox root.
         *
         * @param sandbox whether the signing certificate chains to the sandbox root
         * @return this
         */
        public Builder sandbox(boolean sandbox) {
            this.sandbox = sandbox;
            return this;
        }

        /**
         * Sets the validation errors.
         *
         * @param errors validation errors
         * @return this
         */
        public Builder errors(List<String> errors) {
            this.errors = errors;
            return this;
        }

        /**
         * Sets the validation warnings.
         *
         * @param warnings validation warnings
         * @return this
         */
        public Builder warnings(List<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /**
         * Sets the subject DNs of the signing certificate's chain, signing certificate first.
         *
         * @param certificateChain subject DNs of the signing certificate's chain, signing certificate first
         * @return this
         */
        public Builder certificateChain(List<String> certificateChain) {
            this.certificateChain = certificateChain;
            return this;
        }

        /**
         * Sets the signing certificate's revocation status.
         *
         * @param revocationStatus the signing certificate's revocation status
         * @return this
         */
        public Builder revocationStatus(String revocationStatus) {
            this.revocationStatus = revocationStatus;
            return this;
        }

        /**
         * Sets the signing certificate's revocation status as a value.
         *
         * @param revocation the signing certificate's revocation status as a value
         * @return this
         */
        public Builder revocation(Revocation revocation) {
            this.revocation = revocation;
            return this;
        }

        /**
         * Sets the changes made to the document after this signature.
         *
         * @param modifications changes made to the document after this signature
         * @return this
         */
        public Builder modifications(List<String> modifications) {
            this.modifications = modifications;
            return this;
        }

        /**
         * {@return the entry}
         * @throws NullPointerException when the id or the indication is missing
         */
        public SignatureValidation build() {
            return new SignatureValidation(id, fieldName, documentTimestamp, indication, Optional.ofNullable(subIndication),
                    format, Optional.ofNullable(profile), signedBy, signerSubject, Optional.ofNullable(claimedSigningTime),
                    Optional.ofNullable(bestSignatureTime), timestampTimes, qualification, sandbox, errors, warnings,
                    certificateChain, revocationStatus, modifications, Optional.ofNullable(revocation),
                    qualificationAtValidation, Optional.ofNullable(trustService));
        }
    }
}
