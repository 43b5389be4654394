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

    DssTimestampSource(TimestampSource source) {
        this.source = source;
    }

    @Override
    public TimestampBinary getTimeStampResponse(DigestAlgorithm digestAlgorithm, byte[] digest) {
        byte[] token = source.timestamp(digestAlgorithm.getJavaName(), digest);
        try {
            TimeStampToken parsed = new TimeStampToken(new CMSSignedData(token));
            synchronized (times) {
                times.add(parsed.getTimeStampInfo().getGenTime().toInstant());
            }
        } catch (Exception e) {
            throw new IllegalStateException("The time-stamp source returned an unparsable token", e);
        }
        return new TimestampBinary(token);
    }

    /** @return the genTime of the last token handed out, if any */
    java.util.Optional<Instant> lastTime() {
        synchronized (times) {
            return times.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(times.get(times.size() - 1));
        }
    }

    /** @return the genTime of the first token handed out, if any */
    java.util.Optional<Instant> firstTime() {
        synchronized (times) {
            return times.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(times.get(0));
        }
    }
}
