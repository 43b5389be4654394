package com.certyneo.engine.spi;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A signing credential at a qualified trust service provider: its identifier and certificate chain.
 *
 * @param id the provider's credential identifier (not a secret)
 * @param certificateChain the qualified certificate first, then its issuers
 */
public record QualifiedCredential(String id, List<X509Certificate> certificateChain) {

    /** Validates the components and copies the chain. */
    public QualifiedCredential {
        Objects.requireNonNull(id, "id");
        certificateChain = List.copyOf(certificateChain);
        if (certificateChain.isEmpty()) {
            throw new IllegalArgumentException("The credential " + id + " has no certificate");
        }
    }

    /** @return the qualified certificate */
    public X509Certificate certificate() {
        return certificateChain.get(0);
    }
}
