package com.certyneo.engine.audit;

import com.certyneo.engine.AuthenticationEvidence;
import com.certyneo.engine.AuthenticationMethod;

import java.time.Instant;
import java.util.Optional;

/**
 * One authentication of a signer, as evidence. There is deliberately no field for the secret itself
 * (OTP value) or for identity-document images: only the method, the outcome, the time and opaque
 * references (a provider transaction id, a vault id or a digest) are kept.
 *
 * @param method SMS OTP, e-mail OTP, ID document or video KYC
 * @param result success or failure
 * @param at when the result was obtained (UTC, millisecond precision)
 * @param provider the provider that performed the check (SMS gateway, KYC vendor), if known
 * @param reference an opaque reference into the provider's or platform's records, if any
 */
public record AuthenticationRecord(AuthenticationMethod method, AuthenticationResult result, Instant at,
                                   Optional<String> provider, Optional<String> reference) {

    /**
     * Validates the components.
     *
     * @param method SMS OTP, e-mail OTP, ID document or video KYC
     * @param result success or failure
     * @param at when the result was obtained (UTC, millisecond precision)
     * @param provider the provider that performed the check (SMS gateway, KYC vendor), if known
     * @param reference an opaque reference into the provider's or platform's records, if any
     */
    public AuthenticationRecord {
        Checks.require(method != null, "An authentication record has no method", "Set the authentication method.");
        Checks.require(result != null, "An authentication record has no result", "Set SUCCESS or FAILURE.");
        at = Checks.millis(at, "authentication time");
        provider = Checks.optionalText(provider, "authentication provider", 256);
        reference = Checks.optionalText(reference, "authentication reference", 256);
        reference.ifPresent(r -> Secrets.rejectSecretLookingValue("reference", r));
    }

    /**
     * {@return a successful authentication without provider or reference}
     * @param method the method
     * @param at when it succeeded
     */
    public static AuthenticationRecord success(AuthenticationMethod method, Instant at) {
        return new AuthenticationRecord(method, AuthenticationResult.SUCCESS, at, Optional.empty(), Optional.empty());
    }

    /**
     * {@return a failed authentication without provider or reference}
     * @param method the method
     * @param at when it failed
     */
    public static AuthenticationRecord failure(AuthenticationMethod method, Instant at) {
        return new AuthenticationRecord(method, AuthenticationResult.FAILURE, at, Optional.empty(), Optional.empty());
    }

    /**
     * {@return the same as evidence}
     * @param evidence a successful authentication as recorded by the engine API
     */
    public static AuthenticationRecord of(AuthenticationEvidence evidence) {
        return new AuthenticationRecord(evidence.method(), AuthenticationResult.SUCCESS, evidence.verifiedAt(),
                Optional.empty(), Optional.of(evidence.reference()));
    }
}
