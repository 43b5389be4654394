package com.certyneo.engine.pades.csc;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.util.Optional;

/**
 * A failed CSC call: the engine error code plus what the service said, and which call it was. Never
 * carries a secret.
 *
 * <p>The {@link #code() engine code} follows the CSC error: unreachable, 5xx, 429,
 * {@code temporarily_unavailable} and an asynchronous signature that did not finish within the polling
 * timeout are {@link ErrorCode#REMOTE_SERVICE_UNAVAILABLE}; 401 and OAuth errors ({@code invalid_token},
 * {@code invalid_client}, {@code invalid_grant} ...) are {@link ErrorCode#REMOTE_AUTHENTICATION_FAILED};
 * {@code invalid_otp} and {@code invalid_pin} are {@link ErrorCode#OTP_INVALID}; any other refusal and a
 * malformed answer are {@link ErrorCode#REMOTE_SIGNING_ERROR}.
 */
public final class CscException extends SignatureEngineException {

    private static final long serialVersionUID = 1L;

    /** The CSC call, such as {@code signatures/signHash}. */
    private final String call;
    /** The URL that failed. */
    private final String endpoint;
    /** The HTTP status, or 0 when no response was received. */
    private final int httpStatus;
    /** The CSC {@code error} value the service sent, or {@code null}. */
    private final String cscError;

    CscException(ErrorCode code, String call, String endpoint, int httpStatus, String cscError, String message, String hint,
                 Throwable cause) {
        super(code, message, hint, cause);
        this.call = call;
        this.endpoint = endpoint;
        this.httpStatus = httpStatus;
        this.cscError = cscError;
    }

    /** {@return the CSC call that failed, such as {@code credentials/authorize} or {@code oauth2/token}} */
    public String call() {
        return call;
    }

    /** {@return the URL that failed} */
    public String endpoint() {
        return endpoint;
    }

    /** {@return the HTTP status, or 0 when no response was received} */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * {@return the CSC {@code error} value, such as {@code invalid_otp}, when the service sent one; the same as
     * {@link #cscError()}}
     */
    public Optional<String> error() {
        return Optional.ofNullable(cscError);
    }

    /** {@return the CSC {@code error} value, such as {@code invalid_otp}, when the service sent one} */
    public Optional<String> cscError() {
        return Optional.ofNullable(cscError);
    }
}
