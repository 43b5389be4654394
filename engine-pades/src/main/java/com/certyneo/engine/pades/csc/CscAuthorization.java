package com.certyneo.engine.pades.csc;

import java.time.Instant;
import java.util.Objects;

/**
 * A Signature Activation Data returned by {@code credentials/authorize} or
 * {@code credentials/extendTransaction}. It is a secret: {@link #toString()} hides it.
 *
 * @param credentialId the credential it authorises
 * @param sad the SAD value
 * @param expiresAt when it stops being valid
 */
public record CscAuthorization(String credentialId, String sad, Instant expiresAt) {

    /**
     * Not part of the stable API: the engine creates these, and a new component changes this constructor.
     *
     * Validates the components.
     *
     * @param credentialId the credential it authorises
     * @param sad the SAD value
     * @param expiresAt when it stops being valid
     */
    @com.certyneo.engine.InternalApi
    public CscAuthorization {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(sad, "sad");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "CscAuthorization[" + credentialId + ", SAD hidden, expires " + expiresAt + "]";
    }
}
