package com.certyneo.engine.spi;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Supplies revocation data for B-LT and B-LTA from the caller's own store (offline), instead of, or
 * before, fetching it from the certificates' OCSP and CRL pointers. Implementations must be thread-safe.
 */
public interface RevocationSource {

    /**
     * @param certificate the certificate whose status is needed
     * @param issuer its issuer
     * @return a DER-encoded OCSPResponse about {@code certificate}, if available
     */
    Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer);

    /**
     * @param certificate the certificate whose status is needed
     * @param issuer its issuer (the CRL signer)
     * @return a DER-encoded CRL issued by {@code issuer} covering {@code certificate}, if available
     */
    Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer);
}
