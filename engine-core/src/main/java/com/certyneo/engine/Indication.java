package com.certyneo.engine;

/** The main validation status of ETSI EN 319 102-1. */
public enum Indication {
    /** Every check passed. */
    TOTAL_PASSED,
    /** A check failed in a way that proves the signature invalid (altered document, bad signature, revoked). */
    TOTAL_FAILED,
    /** The checks could not conclude (missing trust anchor, missing revocation data, ...). */
    INDETERMINATE
}
