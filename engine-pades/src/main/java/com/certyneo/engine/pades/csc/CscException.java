package com.certyneo.engine.pades.csc;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.util.Optional;

/**
 * A failed CSC call: the engine error code plus what the service said. Never carries a secret.
 */
public final class CscException extends SignatureEngineException {

    private static final long serialVersionUID = 1L;

    /** The URL that failed. */
    private final String endpoint;
    /** The HTTP status, or 0 when no response was received. */
    private final int httpStatus;
    /** The CSC {@code error} value the service sent, or {@code null}. */
    private final String cscError;

    CscException(ErrorCode code, String endpoint, int httpStatus, String cscError, String message, String hint, Throwable cause) {
        super(code, message, hint, cause);
        this.endpoint = endpoint;
        this.httpStatus = httpStatus;
        this.cscError = cscError;
    }

    /** @return the URL that failed */
    public String endpoint() {
        return endpoint;
    }

    /** @return the HTTP status, or 0 when no response was received */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return the CSC {@code error} value, such as {@code invalid_otp}, when the service sent one */
    public Optional<String> cscError() {
        return Optional.ofNullable(cscError);
    }
}
