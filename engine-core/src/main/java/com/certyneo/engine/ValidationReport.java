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
 */
public record ValidationReport(String documentName, String documentSha256, Instant validationTime,
                               List<SignatureValidation> signatures) {

    /** Validates the components and copies the list. */
    public ValidationReport {
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(documentSha256, "documentSha256");
        Objects.requireNonNull(validationTime, "validationTime");
        signatures = List.copyOf(signatures);
    }

    /** @return whether the document has at least one signature and every one is TOTAL_PASSED */
    public boolean allPassed() {
        return !signatures.isEmpty() && signatures.stream().allMatch(SignatureValidation::passed);
    }
}
