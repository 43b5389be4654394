package com.certyneo.engine.spi;

import com.certyneo.engine.Signer;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Issues the one-time certificates of advanced electronic signatures: a certificate naming the
 * authenticated signer, bound to a fresh public key that signs one document only.
 * Implementations must be thread-safe.
 */
public interface CertificateIssuer {

    /**
     * Issues a certificate for {@code signer} on {@code publicKey}.
     *
     * @param signer the authenticated signer (name and e-mail go into the subject)
     * @param publicKey the freshly generated public key
     * @param notBefore the start of validity (the signing time, give or take clock skew)
     * @return the new certificate first, then the issuing chain
     */
    List<X509Certificate> issue(Signer signer, PublicKey publicKey, Instant notBefore);
}
