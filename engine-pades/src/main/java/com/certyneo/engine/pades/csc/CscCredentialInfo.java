package com.certyneo.engine.pades.csc;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The answer of {@code credentials/info}, the same for both dialects.
 *
 * @param id the credential ID
 * @param certificateChain the certificate first, then its issuers
 * @param keyAlgorithms the key's signature algorithm OIDs ({@code key.algo})
 * @param keyEnabled whether {@code key.status} is {@code enabled}
 * @param certificateStatus {@code cert.status} ({@code valid}, {@code expired}, {@code revoked}, ...) or empty
 * @param authMode {@code explicit}, {@code implicit} or {@code oauth2code}
 * @param pinRequired whether a PIN is part of the authorisation
 * @param otpRequired whether an OTP is part of the authorisation
 * @param otpOnline whether the service must be asked to send the OTP first (getChallenge / sendOTP)
 * @param otpLabel the service's label for the OTP, possibly empty
 * @param scal the sole control assurance level, {@code 1} or {@code 2}
 * @param multisign how many signatures one authorisation may cover
 */
public record CscCredentialInfo(String id, List<X509Certificate> certificateChain, List<String> keyAlgorithms,
                                boolean keyEnabled, String certificateStatus, String authMode, boolean pinRequired,
                                boolean otpRequired, boolean otpOnline, String otpLabel, String scal, int multisign) {

    /**
     * Not part of the stable API: the engine creates these, and a new component changes this constructor.
     *
     * Copies the lists.
     *
     * @param id the credential ID
     * @param certificateChain the certificate first, then its issuers
     * @param keyAlgorithms the key's signature algorithm OIDs ({@code key.algo})
     * @param keyEnabled whether {@code key.status} is {@code enabled}
     * @param certificateStatus {@code cert.status} ({@code valid}, {@code expired}, {@code revoked}, ...) or empty
     * @param authMode {@code explicit}, {@code implicit} or {@code oauth2code}
     * @param pinRequired whether a PIN is part of the authorisation
     * @param otpRequired whether an OTP is part of the authorisation
     * @param otpOnline whether the service must be asked to send the OTP first (getChallenge / sendOTP)
     * @param otpLabel the service's label for the OTP, possibly empty
     * @param scal the sole control assurance level, {@code 1} or {@code 2}
     * @param multisign how many signatures one authorisation may cover
     */
    @com.certyneo.engine.InternalApi
    public CscCredentialInfo {
        certificateChain = List.copyOf(certificateChain);
        keyAlgorithms = List.copyOf(keyAlgorithms);
    }
}
