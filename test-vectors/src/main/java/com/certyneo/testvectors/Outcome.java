package com.certyneo.testvectors;

/**
 * The expected result of an {@link Operation}: one of the three ETSI EN 319 102-1 main indications
 * of the validation that follows, or a refusal to sign.
 */
public enum Outcome {
    /** Signed (if signing) and the signature validates TOTAL_PASSED. */
    TOTAL_PASSED,
    /** Signed (if signing) and the signature validates TOTAL_FAILED. */
    TOTAL_FAILED,
    /** Signed (if signing) and the validation is INDETERMINATE. */
    INDETERMINATE,
    /** The signing operation is refused; no output is produced. */
    REFUSED
}
