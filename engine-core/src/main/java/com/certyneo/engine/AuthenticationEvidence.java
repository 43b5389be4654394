package com.certyneo.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * One successful authentication of a signer. Holds references only: never an OTP value, a
 * password or an identity-document image.
 *
 * @param method how the signer authenticated
 * @param verifiedAt when the authentication succeeded
 * @param reference an opaque reference into the caller's records (transaction or check id), may be empty
 */
public record AuthenticationEvidence(AuthenticationMethod method, Instant verifiedAt, String reference) {

    /**
     * Validates the components. Not part of the stable API: a new component changes this constructor; use
     * {@link #of(AuthenticationMethod, Instant, String)}.
     *
     * @param method how the signer authenticated
     * @param verifiedAt when the authentication succeeded
     * @param reference an opaque reference into the caller's records (transaction or check id), may be empty
     */
    @InternalApi
    public AuthenticationEvidence {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(verifiedAt, "verifiedAt");
        reference = reference == null ? "" : reference;
    }

    /**
     * {@return evidence without a reference}
     * @param method how the signer authenticated
     * @param verifiedAt when the authentication succeeded
     */
    public static AuthenticationEvidence of(AuthenticationMethod method, Instant verifiedAt) {
        return new AuthenticationEvidence(method, verifiedAt, "");
    }

    /**
     * {@return the evidence}
     * @param method how the signer authenticated
     * @param verifiedAt when the authentication succeeded
     * @param reference an opaque reference into the caller's records (transaction or check id), may be empty
     */
    public static AuthenticationEvidence of(AuthenticationMethod method, Instant verifiedAt, String reference) {
        return new AuthenticationEvidence(method, verifiedAt, reference);
    }
}
