package com.certyneo.engine;

/** How a signer proved who they are before signing. */
public enum AuthenticationMethod {
    /** A one-time password sent by SMS and entered by the signer. */
    SMS_OTP,
    /** A one-time password sent by e-mail and entered by the signer. */
    EMAIL_OTP,
    /** An identity document checked by an identity-verification provider. */
    ID_DOCUMENT,
    /** A video identification session (liveness and document check). */
    VIDEO_KYC
}
