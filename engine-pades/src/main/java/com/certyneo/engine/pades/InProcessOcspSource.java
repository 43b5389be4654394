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
 *
 * <p>A response about a CA certificate (an intermediate or issuing CA, asked about by every signature under
 * it) is reused within the second it was signed in, like a responder that pre-signs its answers: its
 * thisUpdate and producedAt carry whole seconds (ASN.1 GeneralizedTime as BouncyCastle writes it), so within
 * that second a new signature would carry the same times and the same status, and is no fresher for
 * {@link ValidationMaterialCollector} (issued no earlier than the best-signature-time, to the second) or for
 * DSS. A revocation here ends the reuse at once. Responses about end-entity certificates (the one-time
 * certificate of each AES signature, seals, time-stamp units) are always signed anew.
 */
final class InProcessOcspSource implements OCSPSource {

    private static final long serialVersionUID = 1L;

    /** Each asked in turn: an authority whose keys are not loaded yet is loaded only when the ones before it do not match. */
    private final transient List<Supplier<SandboxPki.Entry>> authorities;
    private final transient Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();
    private final transient Clock clock;
    /** The latest response about each CA certificate asked about, by issuer and serial number. */
    private final transient Map<Asked, Signed> recent = new ConcurrentHashMap<>();
    /** Incremented by every {@link #revoke}: a response signed before it is not reused after it. */
    private final transient java.util.concurrent.atomic.AtomicLong revocations = new java.util.concurrent.atomic.AtomicLong();

    /** A certificate asked about: its issuer's certificate and its serial number. */
    private record Asked(X509Certificate issuer, BigInteger serial) {
    }

    /** A signed response, the second it was signed in, and the revocation count it saw. */
    private record Signed(long second, long revocations, BasicOCSPResp response) {
    }

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
        revocations.incrementAndGet(); // after the status changed: a response counted before it is not reused
    }

    @Override
    public OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer) {
        SandboxPki.Entry authority = authorities.stream().map(Supplier::get)
                .filter(a -> a.certificate().getPublicKey().equals(issuer.getPublicKey()))
                .findFirst().orElse(null);
        // the certificate's own signature, checked here rather than with DSS's isSignedBy (JDK 17 SunEC: 0.9 ms)
        if (authority == null || !LightweightEcdsa.signedBy(certificate.getCertificate(), issuer.getPublicKey())) {
            return null;
        }
        try {
            X509Certificate caCert = authority.certificate();
            BigInteger serial = certificate.getCertificate().getSerialNumber();
            Instant now = clock.instant();
            BasicOCSPResp response;
            if (certificate.getCertificate().getBasicConstraints() >= 0) { // a CA certificate: reused within its second
                Asked asked = new Asked(caCert, serial);
                long seen = revocations.get(); // read before the status: a revocation after it makes this response stale
                Signed known = recent.get(asked);
                if (known != null && known.second() == now.getEpochSecond() && known.revocations() == seen) {
                    response = known.response();
                } else {
                    response = respond(authority, serial, now);
                    recent.put(asked, new Signed(now.getEpochSecond(), seen, response));
                }
            } else {
                response = respond(authority, serial, now);
            }
            OCSPToken token = new LightweightOcspToken(response, response.getResponses()[0], certificate, issuer);
            token.setExternalOrigin(RevocationOrigin.EXTERNAL);
            return token;
        } catch (Exception e) {
            throw new IllegalStateException("In-process OCSP response failed for "
                    + certificate.getSubject().getRFC2253() + ": " + e.getMessage(), e);
        }
    }

    /** A response signed by {@code authority} now: the certificate's status, valid for a day. */
    private BasicOCSPResp respond(SandboxPki.Entry authority, BigInteger serial, Instant now) throws Exception {
        X509Certificate caCert = authority.certificate();
        PrivateKey caKey = authority.key();
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        X509CertificateHolder caHolder = new JcaX509CertificateHolder(caCert);
        CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1), caHolder, serial);
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                new JcaRespID(caCert.getPublicKey(), digests.get(CertificateID.HASH_SHA1)));
        Instant revokedAt = revoked.get(serial);
        CertificateStatus status = revokedAt == null ? CertificateStatus.GOOD
                : new RevokedStatus(Date.from(revokedAt), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        builder.addResponse(id, status, Date.from(now), Date.from(now.plus(Duration.ofDays(1))), null);
        String algorithm = "EC".equals(caKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return builder.build(X509Builder.signer(algorithm, caKey),
                new X509CertificateHolder[] {caHolder}, Date.from(now));
    }
}
