package com.certyneo.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The validation outcome of a whole PDF.
 *
 * <p>The engine creates these; a caller that needs one (a fake engine in a test) builds it with {@link #builder()},
 * which stays source and binary compatible when a component is added (the canonical constructor does not).
 *
 * @param documentName the name of the validated document
 * @param documentSha256 lower-case hex SHA-256 of the validated bytes
 * @param validationTime the time validation was performed at
 * @param signatures one entry per signature and document time-stamp, in document order
 * @param warnings findings about the document as a whole that do not decide any signature's outcome,
 *                 such as bytes after the last {@code %%EOF} that belong to no revision
 */
public record ValidationReport(String documentName, String documentSha256, Instant validationTime,
                               List<SignatureValidation> signatures, List<String> warnings) {

    /**
     * Validates the components and copies the lists. Not part of the stable API: the engine creates reports, and
     * a new component changes this constructor; build one with {@link #builder()}.
     *
     * @param documentName the name of the validated document
     * @param documentSha256 lower-case hex SHA-256 of the validated bytes
     * @param validationTime the time validation was performed at
     * @param signatures one entry per signature and document time-stamp, in document order
     * @param warnings findings about the document as a whole that do not decide any signature's outcome,
     *        such as bytes after the last {@code %%EOF} that belong to no revision
     */
    @InternalApi
    public ValidationReport {
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(documentSha256, "documentSha256");
        Objects.requireNonNull(validationTime, "validationTime");
        signatures = List.copyOf(signatures);
        warnings = List.copyOf(Objects.requireNonNullElse(warnings, List.of()));
    }

    /**
     * Whether the document validates: every signature is TOTAL_PASSED and no document time-stamp is
     * TOTAL_FAILED; a document with document time-stamps only needs each of them TOTAL_PASSED. The newest
     * archive time-stamp of a B-LTA document is routinely INDETERMINATE when only trust anchors are given
     * (its own validation data arrives with the next renewal), which does not affect the signatures.
     *
     * @return whether the document has at least one signature or time-stamp and the above holds
     */
    public boolean allPassed() {
        List<SignatureValidation> real = signatures.stream().filter(s -> !s.documentTimestamp()).toList();
        if (real.isEmpty()) {
            return !signatures.isEmpty() && signatures.stream().allMatch(SignatureValidation::passed);
        }
        return real.stream().allMatch(SignatureValidation::passed)
                && signatures.stream().noneMatch(s -> s.indication() == Indication.TOTAL_FAILED);
    }

    /** @return a builder with no value set (name, hash and validation time are required) */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link ValidationReport}; not thread-safe, reusable. */
    public static final class Builder {
        private String documentName;
        private String documentSha256;
        private Instant validationTime;
        private List<SignatureValidation> signatures = List.of();
        private List<String> warnings = List.of();

        private Builder() {
        }

        /**
         * @param name the name of the validated document
         * @return this
         */
        public Builder documentName(String name) {
            this.documentName = name;
            return this;
        }

        /**
         * @param sha256 hex SHA-256 of the validated bytes
         * @return this
         */
        public Builder documentSha256(String sha256) {
            this.documentSha256 = sha256;
            return this;
        }

        /**
         * @param time the time validation was performed at
         * @return this
         */
        public Builder validationTime(Instant time) {
            this.validationTime = time;
            return this;
        }

        /**
         * @param signatures one entry per signature and document time-stamp, in document order
         * @return this
         */
        public Builder signatures(List<SignatureValidation> signatures) {
            this.signatures = signatures;
            return this;
        }

        /**
         * @param warnings findings about the document as a whole (default none)
         * @return this
         */
        public Builder warnings(List<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /**
         * @return the report
         * @throws NullPointerException when a required value is missing
         */
        public ValidationReport build() {
            return new ValidationReport(documentName, documentSha256, validationTime,
                    Objects.requireNonNull(signatures, "signatures"), warnings);
        }
    }
}
