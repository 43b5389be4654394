package com.certyneo.engine.pades;

import com.certyneo.engine.spi.RevocationSource;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Caller-supplied (offline) revocation data for tests: a CA key answers OCSP for the certificates it
 * issued, through the engine's {@link RevocationSource} SPI.
 */
final class OfflineRevocation implements RevocationSource {

    private final InProcessOcspSource responder;

    private OfflineRevocation(InProcessOcspSource responder) {
        this.responder = responder;
    }

    /** @return a source whose OCSP responses are signed by {@code caKey} for certificates issued by {@code ca} */
    static OfflineRevocation signedBy(PrivateKey caKey, X509Certificate ca) {
        return new OfflineRevocation(new InProcessOcspSource(List.of(new SandboxPki.Entry(caKey, List.of(ca))),
                Clock.systemUTC()));
    }

    /** Makes later responses say {@code certificate} is revoked (key compromise) since {@code when}. */
    OfflineRevocation revoke(X509Certificate certificate, java.time.Instant when) {
        responder.revoke(certificate, when);
        return this;
    }

    /** @return the DSS-side responder, for raw-DSS comparisons */
    InProcessOcspSource responder() {
        return responder;
    }

    @Override
    public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
        OCSPToken token = responder.getRevocationToken(new CertificateToken(certificate), new CertificateToken(issuer));
        return Optional.ofNullable(token).map(OCSPToken::getEncoded);
    }

    @Override
    public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
        return Optional.empty();
    }
}
