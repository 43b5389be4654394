package com.certyneo.engine.audit;

/** The outcome of one verification check. */
public enum CheckStatus {
    /** The check held. */
    PASSED,
    /** The check failed: the trail, its evidence or the document does not hold. */
    FAILED,
    /** The check was not run (its input was not given, or an earlier check made it impossible). */
    SKIPPED
}
