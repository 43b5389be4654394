package com.certyneo.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The validation outcome of a whole PDF.
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

    /** Validates the components and copies the lists. */
    public ValidationReport {
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(documentSha256, "documentSha256");
        Objects.requireNonNull(validationTime, "validationTime");
        signatures = List.copyOf(signatures);
        warnings = List.copyOf(Objects.requireNonNullElse(warnings, List.of()));
    }

    /**
     * A report without document-level warnings.
     *
     * @param documentName the name of the validated document
     * @param documentSha256 lower-case hex SHA-256 of the validated bytes
     * @param validationTime the time validation was performed at
     * @param signatures one entry per signature and document time-stamp, in document order
     */
    public ValidationReport(String documentName, String documentSha256, Instant validationTime,
                            List<SignatureValidation> signatures) {
        this(documentName, documentSha256, validationTime, signatures, List.of());
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
}
