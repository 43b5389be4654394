package com.certyneo.testvectors;

import java.util.Objects;

/**
 * One entry of the catalog of expected outcomes.
 *
 * @param vector         the vector: a {@link PdfVector} name (signed by the GOOD EC P-256 signer), or
 *                       {@code SIGNER_<KIND>_<KEYTYPE>} (the {@link PdfVector#MINIMAL} document signed by
 *                       that signer), e.g. {@code SIGNER_REVOKED_RSA_PSS_3072}
 * @param operation      what is done
 * @param outcome        the main indication of the validation after the operation, or {@link Outcome#REFUSED}
 * @param subIndication  the ETSI sub-indication name (e.g. {@code REVOKED_NO_POE}), or {@code null}
 * @param format         the signature format reported by validation (e.g. {@code PAdES-BASELINE-LT}),
 *                       or {@code null} when refused
 * @param errorCode      for refusals, the engine {@code com.certyneo.engine.ErrorCode} name
 *                       (e.g. {@code ENCRYPTED_PDF}); otherwise {@code null}
 * @param reason         for refusals, a fragment of DSS 6.2's message (or the engine rule); otherwise
 *                       a short note, possibly empty
 * @param engineRule     {@code true} when the outcome is an engine policy stricter than raw DSS 6.2
 *                       (raw DSS would behave otherwise, as {@code reason} says)
 */
public record Expectation(String vector, Operation operation, Outcome outcome, String subIndication,
                          String format, String errorCode, String reason, boolean engineRule) {

    /**
     * Checks the required fields and normalises {@code reason}.
     *
     * @param vector the vector: a {@link PdfVector} name (signed by the GOOD EC P-256 signer), or
     *        {@code SIGNER_<KIND>_<KEYTYPE>} (the {@link PdfVector#MINIMAL} document signed by
     *        that signer), e.g. {@code SIGNER_REVOKED_RSA_PSS_3072}
     * @param operation what is done
     * @param outcome the main indication of the validation after the operation, or {@link Outcome#REFUSED}
     * @param subIndication the ETSI sub-indication name (e.g. {@code REVOKED_NO_POE}), or {@code null}
     * @param format the signature format reported by validation (e.g. {@code PAdES-BASELINE-LT}),
     *        or {@code null} when refused
     * @param errorCode for refusals, the engine {@code com.certyneo.engine.ErrorCode} name
     *        (e.g. {@code ENCRYPTED_PDF}); otherwise {@code null}
     * @param reason for refusals, a fragment of DSS 6.2's message (or the engine rule); otherwise
     *        a short note, possibly empty
     * @param engineRule {@code true} when the outcome is an engine policy stricter than raw DSS 6.2
     *        (raw DSS would behave otherwise, as {@code reason} says)
     */
    public Expectation {
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        reason = reason == null ? "" : reason;
        if ((outcome == Outcome.REFUSED) != (errorCode != null)) {
            throw new IllegalArgumentException("errorCode is set exactly for refusals: " + vector + " " + operation);
        }
    }

    /** {@return whether the operation is expected to be refused} */
    public boolean refused() {
        return outcome == Outcome.REFUSED;
    }

    /** {@return {@code "<vector>/<operation>"}} */
    public String key() {
        return vector + "/" + operation;
    }
}
