package com.certyneo.engine.pades;

import eu.europa.esig.dss.enumerations.RevocationOrigin;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaRespID;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An OCSP responder that runs in-process for CAs whose keys the engine holds (the sandbox PKI).
 * Responses are signed by the issuing CA itself and produced on demand, so they are always fresher
 * than the signature they are asked about. Certificates are "good" unless revoked here.
 */
final class InProcessOcspSource implements OCSPSource {

    private static final long serialVersionUID = 1L;

    /** Each asked in turn: an authority whose keys are not loaded yet is loaded only when the ones before it do not match. */
    private final transient List<Supplier<SandboxPki.Entry>> authorities;
    private final transient Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();
    private final transient Clock clock;

    InProcessOcspSource(List<SandboxPki.Entry> authorities, Clock clock) {
        this(clock, authorities.stream().map(a -> (Supplier<SandboxPki.Entry>) () -> a).toList());
    }

    private InProcessOcspSource(Clock clock, List<Supplier<SandboxPki.Entry>> authorities) {
        this.authorities = List.copyOf(authorities);
        this.clock = clock;
    }

    /**
     * @param authorities the CAs it answers for, each obtained (loaded) only when the earlier ones do not match
     *                    the issuer asked about
     */
    static InProcessOcspSource of(List<Supplier<SandboxPki.Entry>> authorities, Clock clock) {
        return new InProcessOcspSource(clock, authorities);
    }

    void revoke(X509Certificate certificate, Instant when) {
        revoked.put(certificate.getSerialNumber(), when);
    }

    @Override
    public OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer) {
        SandboxPki.Entry authority = authorities.stream().map(Supplier::get)
                .filter(a -> a.certificate().getPublicKey().equals(issuer.getPublicKey()))
                .findFirst().orElse(null);
        if (authority == null || !certificate.isSignedBy(issuer)) {
            return null;
        }
        try {
            X509Certificate caCert = authority.certificate();
            PrivateKey caKey = authority.key();
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            X509CertificateHolder caHolder = new JcaX509CertificateHolder(caCert);
            CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1), caHolder,
                    certificate.getCertificate().getSerialNumber());
            Instant now = clock.instant();
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                    new JcaRespID(caCert.getPublicKey(), digests.get(CertificateID.HASH_SHA1)));
            Instant revokedAt = revoked.get(certificate.getCertificate().getSerialNumber());
            CertificateStatus status = revokedAt == null ? CertificateStatus.GOOD
                    : new RevokedStatus(Date.from(revokedAt), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            builder.addResponse(id, status, Date.from(now), Date.from(now.plus(Duration.ofDays(1))), null);
            String algorithm = "EC".equals(caKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            BasicOCSPResp response = builder.build(new JcaContentSignerBuilder(algorithm).build(caKey),
                    new X509CertificateHolder[] {caHolder}, Date.from(now));
            OCSPToken token = new OCSPToken(response, response.getResponses()[0], certificate, issuer);
            token.setExternalOrigin(RevocationOrigin.EXTERNAL);
            return token;
        } catch (Exception e) {
            throw new IllegalStateException("In-process OCSP response failed for "
                    + certificate.getSubject().getRFC2253() + ": " + e.getMessage(), e);
        }
    }
}
