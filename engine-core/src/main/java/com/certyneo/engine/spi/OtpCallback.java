package com.certyneo.engine.spi;

import com.certyneo.engine.InternalApi;
import com.certyneo.engine.Signer;

import java.util.Objects;

/**
 * Obtains the one-time password a signer received (by SMS, typically) to authorise a remote
 * signature. Called after the service has sent the OTP; implementations typically show a prompt and
 * wait for the signer. Must be thread-safe. The returned array is wiped by the caller after use.
 */
@FunctionalInterface
public interface OtpCallback {

    /**
     * {@return the OTP the signer entered}
     * @param request who must enter an OTP, for which credential
     */
    char[] otp(Request request);

    /**
     * What the OTP is for. Holds no secret.
     *
     * @param signer the signer who received the OTP
     * @param credentialId the credential being authorised
     * @param label the service's label for the OTP (such as "SMS code"), possibly empty
     */
    record Request(Signer signer, String credentialId, String label) {
        /**
         * Validates the components. Not part of the stable API: the engine creates requests, and a new component
         * changes this constructor; a test of a callback makes one with {@link #of(Signer, String, String)}.
         *
         * @param signer the signer who received the OTP
         * @param credentialId the credential being authorised
         * @param label the service's label for the OTP (such as "SMS code"), possibly empty
         */
        @InternalApi
        public Request {
            Objects.requireNonNull(signer, "signer");
            Objects.requireNonNull(credentialId, "credentialId");
            label = label == null ? "" : label;
        }

        /**
         * {@return the request}
         * @param signer the signer who received the OTP
         * @param credentialId the credential being authorised
         * @param label the service's label for the OTP, possibly empty
         */
        public static Request of(Signer signer, String credentialId, String label) {
            return new Request(signer, credentialId, label);
        }
    }
}
