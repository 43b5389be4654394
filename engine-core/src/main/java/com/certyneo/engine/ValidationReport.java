package com.certyneo.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param etsiXml the ETSI TS 119 102-2 validation report (XML, UTF-8), when asked for with
 *                {@link ValidationOptions#withXmlReports(boolean)}
 * @param detailedXml DSS's detailed report (XML, UTF-8: every check of every building block), when asked for
 */
public record ValidationReport(String documentName, String documentSha256, Instant validationTime,
                               List<SignatureValidation> signatures, List<String> warnings,
                               Optional<byte[]> etsiXml, Optional<byte[]> detailedXml) {

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
     * @param etsiXml the ETSI TS 119 102-2 validation report, if asked for
     * @param detailedXml DSS's detailed report, if asked for
     */
    @InternalApi
    public ValidationReport {
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(documentSha256, "documentSha256");
        Objects.requireNonNull(validationTime, "validationTime");
        signatures = List.copyOf(signatures);
        warnings = List.copyOf(Objects.requireNonNullElse(warnings, List.of()));
        etsiXml = Objects.requireNonNullElse(etsiXml, Optional.<byte[]>empty()).map(byte[]::clone);
        detailedXml = Objects.requireNonNullElse(detailedXml, Optional.<byte[]>empty()).map(byte[]::clone);
    }

    /**
     * A report without XML reports. Not part of the stable API (see the canonical constructor).
     *
     * @param documentName the name of the validated document
     * @param documentSha256 lower-case hex SHA-256 of the validated bytes
     * @param validationTime the time validation was performed at
     * @param signatures one entry per signature and document time-stamp, in document order
     * @param warnings findings about the document as a whole
     */
    @InternalApi
    public ValidationReport(String documentName, String documentSha256, Instant validationTime,
                            List<SignatureValidation> signatures, List<String> warnings) {
        this(documentName, documentSha256, validationTime, signatures, warnings, Optional.empty(), Optional.empty());
    }

    /** {@return a copy of the ETSI TS 119 102-2 validation report (XML), if it was asked for} */
    @Override
    public Optional<byte[]> etsiXml() {
        return etsiXml.map(byte[]::clone);
    }

    /** {@return a copy of DSS's detailed report (XML), if it was asked for} */
    @Override
    public Optional<byte[]> detailedXml() {
        return detailedXml.map(byte[]::clone);
    }

    /**
     * {@return the ETSI TS 119 102-2 validation report as XML text, if it was asked for with
     * {@link ValidationOptions#withXmlReports(boolean)}}
     */
    public Optional<String> etsiReport() {
        return etsiXml.map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@return DSS's detailed report as XML text, if it was asked for} */
    public Optional<String> detailedReport() {
        return detailedXml.map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Equal when every component is, the XML reports compared by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationReport r && documentName.equals(r.documentName)
                && documentSha256.equals(r.documentSha256) && validationTime.equals(r.validationTime)
                && signatures.equals(r.signatures) && warnings.equals(r.warnings)
                && sameBytes(etsiXml, r.etsiXml) && sameBytes(detailedXml, r.detailedXml);
    }

    private static boolean sameBytes(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || java.util.Arrays.equals(a.get(), b.get()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(documentName, documentSha256, validationTime, signatures, warnings,
                etsiXml.map(java.util.Arrays::hashCode).orElse(0), detailedXml.map(java.util.Arrays::hashCode).orElse(0));
    }

    /** The components, with the XML reports as their sizes. */
    @Override
    public String toString() {
        return "ValidationReport[documentName=" + documentName + ", documentSha256=" + documentSha256
                + ", validationTime=" + validationTime + ", signatures=" + signatures + ", warnings=" + warnings
                + etsiXml.map(b -> ", etsiXml=" + b.length + " bytes").orElse("")
                + detailedXml.map(b -> ", detailedXml=" + b.length + " bytes").orElse("") + "]";
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

    /** {@return a builder with no value set (name, hash and validation time are required)} */
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
         * Sets the name of the validated document.
         *
         * @param name the name of the validated document
         * @return this
         */
        public Builder documentName(String name) {
            this.documentName = name;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the validated bytes.
         *
         * @param sha256 hex SHA-256 of the validated bytes
         * @return this
         */
        public Builder documentSha256(String sha256) {
            this.documentSha256 = sha256;
            return this;
        }

        /**
         * Sets the time validation was performed at.
         *
         * @param time the time validation was performed at
         * @return this
         */
        public Builder validationTime(Instant time) {
            this.validationTime = time;
            return this;
        }

        /**
         * Sets the entries, one per signature and document time-stamp, in document order.
         *
         * @param signatures one entry per signature and document time-stamp, in document order
         * @return this
         */
        public Builder signatures(List<SignatureValidation> signatures) {
            this.signatures = signatures;
            return this;
        }

        /**
         * Sets the findings about the document as a whole (default none).
         *
         * @param warnings findings about the document as a whole (default none)
         * @return this
         */
        public Builder warnings(List<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /**
         * {@return the report}
         * @throws NullPointerException when a required value is missing
         */
        public ValidationReport build() {
            return new ValidationReport(documentName, documentSha256, validationTime,
                    Objects.requireNonNull(signatures, "signatures"), warnings);
        }
    }
}
