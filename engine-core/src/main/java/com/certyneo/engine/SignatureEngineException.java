package com.certyneo.engine;

import java.util.Objects;

/**
 * The one exception type of the engine. It carries a stable {@link ErrorCode}, a message that says
 * what went wrong (naming the certificate, file or check involved) and a hint that says what to do.
 * Messages never contain secrets (passwords, OTP values, private keys).
 */
public class SignatureEngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The machine-readable code. */
    private final ErrorCode code;
    /** What the caller can do about it. */
    private final String hint;

    /**
     * A failure without an underlying cause.
     *
     * @param code the machine-readable code
     * @param message what went wrong
     * @param hint what the caller can do about it
     */
    public SignatureEngineException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    /**
     * A failure caused by another one.
     *
     * @param code the machine-readable code
     * @param message what went wrong
     * @param hint what the caller can do about it
     * @param cause the underlying failure, or {@code null}
     */
    public SignatureEngineException(ErrorCode code, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.hint = hint == null ? "" : hint;
    }

    /** {@return the stable error code} */
    public ErrorCode code() {
        return code;
    }

    /** {@return a one-line suggestion of what to do, possibly empty} */
    public String hint() {
        return hint;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage() + (hint.isEmpty() ? "" : " (" + hint + ")");
    }
}
