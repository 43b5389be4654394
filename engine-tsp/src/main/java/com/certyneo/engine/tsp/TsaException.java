package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.util.List;
import java.util.Objects;

/**
 * A time-stamping failure: which {@link TsaCheck} failed, at which TSA (its URL without credentials or
 * query). After a failover over several TSAs, {@link #attempts()} holds the last failure of each.
 * Messages never carry passwords or bearer tokens.
 */
public final class TsaException extends SignatureEngineException {

    private static final long serialVersionUID = 1L;

    /** The check that failed. */
    private final TsaCheck check;
    /** The URL of the TSA that failed (without credentials or query), or a list of them after failover. */
    private final String tsa;
    private final transient List<TsaException> attempts;
    /** Whether the failure is worth retrying at the same TSA. */
    private final boolean retryable;

    TsaException(ErrorCode code, TsaCheck check, String tsa, String message, String hint, Throwable cause,
                 List<TsaException> attempts, boolean retryable) {
        super(code, message, hint, cause);
        this.check = Objects.requireNonNull(check, "check");
        this.tsa = Objects.requireNonNull(tsa, "tsa");
        this.attempts = List.copyOf(attempts);
        this.retryable = retryable;
    }

    /** A failed check at one TSA. */
    static TsaException failed(TsaCheck check, String tsa, String detail, String hint, Throwable cause) {
        return new TsaException(check.code(), check, tsa,
                "TSA " + tsa + " failed the " + check.label() + " check: " + detail, hint, cause, List.of(),
                check == TsaCheck.CONNECTION || check == TsaCheck.TIMEOUT);
    }

    static TsaException failed(TsaCheck check, String tsa, String detail, String hint) {
        return failed(check, tsa, detail, hint, null);
    }

    /** The same failure, marked as worth retrying (or not). */
    TsaException retryable(boolean value) {
        return new TsaException(code(), check, tsa, getMessage(), hint(), getCause(), attempts, value);
    }

    /** {@return the check that failed ({@link TsaCheck#ALL_TSAS} after a failed failover)} */
    public TsaCheck check() {
        return check;
    }

    /** {@return the URL of the TSA that failed, without credentials or query, or a list of them after failover} */
    public String tsa() {
        return tsa;
    }

    /** {@return the last failure of each TSA tried, in order, when several were configured; else empty} */
    public List<TsaException> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    boolean isRetryable() {
        return retryable;
    }
}
