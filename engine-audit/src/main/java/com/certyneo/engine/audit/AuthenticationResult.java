package com.certyneo.engine.audit;

/** The outcome of one authentication attempt. */
public enum AuthenticationResult {
    /** The signer proved the factor (OTP matched, document accepted, video session passed). */
    SUCCESS,
    /** The attempt failed (wrong or expired OTP, document rejected). */
    FAILURE
}
