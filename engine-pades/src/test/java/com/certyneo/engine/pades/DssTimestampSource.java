package com.certyneo.engine.pades;

import com.certyneo.engine.spi.TimestampSource;
import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.model.TimestampBinary;
import eu.europa.esig.dss.spi.x509.tsp.TSPSource;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.tsp.TimeStampToken;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Presents an engine {@link TimestampSource} to DSS, and remembers the production time of every token
 * it hands out during one operation (one instance per operation).
 */
final class DssTimestampSource implements TSPSource {

    private static final long serialVersionUID = 1L;

    private final transient TimestampSource source;
    private final transient List<Instant> times = new ArrayList<>();
    private final transient java.util.Set<String> tokens = new java.util.HashSet<>();
    private final transient java.util.Set<String> signers = new java.util.HashSet<>();

    DssTimestampSource(TimestampSource source) {
        this.source = source;
    }

    @Override
    public TimestampBinary getTimeStampResponse(DigestAlgorithm digestAlgorithm, byte[] digest) {
        Budget.check(); // no time-stamp request once the operation is out of time
        byte[] token = source.timestamp(digestAlgorithm.getJavaName(), digest);
        try {
            TimeStampToken parsed = new TimeStampToken(new CMSSignedData(token));
            synchronized (times) {
                times.add(parsed.getTimeStampInfo().getGenTime().toInstant());
                tokens.add(Digests.sha256Hex(token));
                for (org.bouncycastle.cert.X509CertificateHolder certificate : parsed.getCertificates().getMatches(null)) {
                    signers.add(Digests.sha256Hex(certificate.getEncoded()));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("The time-stamp source returned an unparsable token", e);
        }
        return new TimestampBinary(token);
    }

    /** @return whether this source handed out the token with these DER bytes */
    boolean produced(byte[] token) {
        String id = Digests.sha256Hex(token);
        synchronized (times) {
            return tokens.contains(id);
        }
    }

    /** @return lower-case hex SHA-256 of every certificate the handed-out tokens carry (their TSU chains) */
    java.util.Set<String> signerCertificates() {
        synchronized (times) {
            return java.util.Set.copyOf(signers);
        }
    }

    /** @return the genTime of the first token handed out, if any */
    java.util.Optional<Instant> firstTime() {
        synchronized (times) {
            return times.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(times.get(0));
        }
    }
}
