package com.certyneo.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validation outcome of one signature or document time-stamp in a PDF.
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
 */
public record SignatureValidation(String id, String fieldName, boolean documentTimestamp, Indication indication,
                                  Optional<String> subIndication, String format, Optional<PadesProfile> profile,
                                  String signedBy, String signerSubject, Optional<Instant> claimedSigningTime,
                                  Optional<Instant> bestSignatureTime, List<Instant> timestampTimes,
                                  String qualification, boolean sandbox, List<String> errors, List<String> warnings,
                                  List<String> certificateChain, String revocationStatus, List<String> modifications) {

    /**
     * Engine-specific sub-indication (not an ETSI one) for a document changed after signing in a way
     * DSS's default policy only warns about.
     */
    public static final String MODIFIED_AFTER_SIGNING = "MODIFIED_AFTER_SIGNING";

    /** Validates the components and copies the lists. */
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
    }

    /** @return whether the indication is TOTAL_PASSED */
    public boolean passed() {
        return indication == Indication.TOTAL_PASSED;
    }
}
