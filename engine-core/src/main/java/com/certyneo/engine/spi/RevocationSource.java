package com.certyneo.engine.spi;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Supplies revocation data for B-LT and B-LTA from the caller's own store (offline), instead of, or
 * before, fetching it from the certificates' OCSP and CRL pointers. Implementations must be thread-safe.
 */
public interface RevocationSource {

    /**
     * {@return a DER-encoded OCSPResponse about {@code certificate}, if available}
     * @param certificate the certificate whose status is needed
     * @param issuer its issuer
     */
    Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer);

    /**
     * {@return a DER-encoded CRL issued by {@code issuer} covering {@code certificate}, if available}
     * @param certificate the certificate whose status is needed
     * @param issuer its issuer (the CRL signer)
     */
    Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer);
}
