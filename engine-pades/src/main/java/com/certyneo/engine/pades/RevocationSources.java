package com.certyneo.engine.pades;

import com.certyneo.engine.spi.RevocationSource;
import eu.europa.esig.dss.crl.CRLBinary;
import eu.europa.esig.dss.crl.CRLUtils;
import eu.europa.esig.dss.enumerations.RevocationOrigin;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.service.crl.OnlineCRLSource;
import eu.europa.esig.dss.service.http.commons.CommonsDataLoader;
import eu.europa.esig.dss.service.http.commons.OCSPDataLoader;
import eu.europa.esig.dss.service.ocsp.OnlineOCSPSource;
import eu.europa.esig.dss.spi.DSSRevocationUtils;
import eu.europa.esig.dss.spi.x509.revocation.crl.CRLSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.CRLToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the engine gets OCSP responses and CRLs for B-LT/B-LTA: the sandbox's in-process responder,
 * a caller-supplied {@link RevocationSource}, and/or the certificates' own OCSP and CRL URLs (with
 * timeouts). Sources are asked in that order; the first answer wins.
 */
final class RevocationSources {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationSources.class);

    private final List<OCSPSource> ocsp = new ArrayList<>();
    private final List<CRLSource> crl = new ArrayList<>();
    private eu.europa.esig.dss.spi.x509.aia.AIASource aia;

    RevocationSources(InProcessOcspSource sandbox, RevocationSource supplied, Duration onlineTimeout) {
        this(sandbox, supplied, onlineTimeout, null, java.time.Clock.systemUTC());
    }

    /**
     * @param cache where online answers are kept until their nextUpdate; {@code null} for none (ignored offline)
     * @param clock the clock freshness is judged by
     */
    RevocationSources(InProcessOcspSource sandbox, RevocationSource supplied, Duration onlineTimeout,
                      RevocationCache cache, java.time.Clock clock) {
        if (sandbox != null) {
            ocsp.add(sandbox);
        }
        if (supplied != null) {
            ocsp.add(new SuppliedOcsp(supplied));
            crl.add(new SuppliedCrl(supplied));
        }
        if (onlineTimeout != null) {
            int millis = (int) Math.min(Integer.MAX_VALUE, onlineTimeout.toMillis());
            OCSPDataLoader ocspLoader = new OCSPDataLoader();
            configure(ocspLoader, millis);
            OnlineOCSPSource online = new OnlineOCSPSource(ocspLoader);
            CommonsDataLoader crlLoader = new CommonsDataLoader();
            configure(crlLoader, millis);
            OnlineCRLSource onlineCrl = new OnlineCRLSource(crlLoader);
            if (cache == null) {
                ocsp.add(online);
                crl.add(onlineCrl);
            } else {
                ocsp.add(new CachedOcsp(online, cache.store(), clock));
                crl.add(new CachedCrl(onlineCrl, cache.store(), clock));
            }
            // Missing intermediates are fetched from the certificates' caIssuers URLs, with the same bound.
            aia = new eu.europa.esig.dss.spi.x509.aia.DefaultAIASource(crlLoader);
        }
    }

    private static void configure(CommonsDataLoader loader, int millis) {
        loader.setTimeoutConnection(millis);
        loader.setTimeoutConnectionRequest(millis);
        loader.setTimeoutResponse(millis);
        loader.setTimeoutSocket(millis);
    }

    boolean available() {
        return !ocsp.isEmpty() || !crl.isEmpty();
    }

    /** @return the caIssuers fetcher when online sources are configured, else {@code null} (offline) */
    eu.europa.esig.dss.spi.x509.aia.AIASource aiaSource() {
        return aia;
    }

    OCSPSource ocspSource() {
        return ocsp.isEmpty() ? null : new FirstOcsp(List.copyOf(ocsp));
    }

    CRLSource crlSource() {
        return crl.isEmpty() ? null : new FirstCrl(List.copyOf(crl));
    }

    /** An OCSP source that can be told how recent the caller wants the answer (a cache then skips older entries). */
    interface RecentOcspSource extends OCSPSource {
        /**
         * @param requiredAfter the caller prefers answers issued at or after this time; {@code null} for any
         * @return an answer, or {@code null}
         */
        OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer, java.util.Date requiredAfter);

        @Override
        default OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer) {
            return getRevocationToken(certificate, issuer, null);
        }
    }

    /** A CRL source that can be told how recent the caller wants the answer, as {@link RecentOcspSource}. */
    interface RecentCrlSource extends CRLSource {
        /**
         * @param requiredAfter the caller prefers CRLs issued at or after this time; {@code null} for any
         * @return an answer, or {@code null}
         */
        CRLToken getRevocationToken(CertificateToken certificate, CertificateToken issuer, java.util.Date requiredAfter);

        @Override
        default CRLToken getRevocationToken(CertificateToken certificate, CertificateToken issuer) {
            return getRevocationToken(certificate, issuer, null);
        }
    }

    /**
     * Asks each OCSP source in turn.
     *
     * @param sources the sources, in the order they are asked
     */
    private record FirstOcsp(List<OCSPSource> sources) implements RecentOcspSource {
        @Override
        public OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer,
                                            java.util.Date requiredAfter) {
            for (OCSPSource source : sources) {
                if ((source instanceof OnlineOCSPSource || source instanceof CachedOcsp)
                        && eu.europa.esig.dss.spi.CertificateExtensionsUtils.getOCSPAccessUrls(certificate).isEmpty()) {
                    // No OCSP URL to ask (a CA certificate covered by its issuer's CRL, typically): nothing failed,
                    // the CRL sources answer. DSS's online source would throw "No OCSP location found".
                    LOG.debug("{} names no OCSP responder: online OCSP not asked", certificate.getSubject().getRFC2253());
                    continue;
                }
                try {
                    OCSPToken token = source instanceof RecentOcspSource recent
                            ? recent.getRevocationToken(certificate, issuer, requiredAfter)
                            : source.getRevocationToken(certificate, issuer);
                    if (token != null) {
                        return token;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("OCSP source {} failed for {}: {}", source.getClass().getSimpleName(),
                            certificate.getSubject().getRFC2253(), e.getMessage());
                }
            }
            return null;
        }
    }

    /**
     * Asks each CRL source in turn.
     *
     * @param sources the sources, in the order they are asked
     */
    private record FirstCrl(List<CRLSource> sources) implements RecentCrlSource {
        @Override
        public CRLToken getRevocationToken(CertificateToken certificate, CertificateToken issuer,
                                           java.util.Date requiredAfter) {
            for (CRLSource source : sources) {
                if ((source instanceof OnlineCRLSource || source instanceof CachedCrl)
                        && eu.europa.esig.dss.spi.CertificateExtensionsUtils.getCRLAccessUrls(certificate).isEmpty()) {
                    LOG.debug("{} names no CRL distribution point: online CRL not asked", certificate.getSubject().getRFC2253());
                    continue;
                }
                try {
                    CRLToken token = source instanceof RecentCrlSource recent
                            ? recent.getRevocationToken(certificate, issuer, requiredAfter)
                            : source.getRevocationToken(certificate, issuer);
                    if (token != null) {
                        return token;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("CRL source {} failed for {}: {}", source.getClass().getSimpleName(),
                            certificate.getSubject().getRFC2253(), e.getMessage());
                }
            }
            return null;
        }
    }

    /**
     * A caller-supplied OCSP response, parsed for DSS.
     *
     * @param source the caller's source
     */
    private record SuppliedOcsp(RevocationSource source) implements OCSPSource {
        @Override
        public OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer) {
            Optional<byte[]> der = source.ocspResponse(certificate.getCertificate(), issuer.getCertificate());
            if (der.isEmpty()) {
                return null;
            }
            try {
                BasicOCSPResp basic = parseOcsp(der.get());
                SingleResp single = DSSRevocationUtils.getLatestSingleResponse(basic, certificate, issuer);
                if (single == null) {
                    return null;
                }
                OCSPToken token = new OCSPToken(basic, single, certificate, issuer);
                token.setExternalOrigin(RevocationOrigin.EXTERNAL);
                return token;
            } catch (Exception e) {
                throw new IllegalArgumentException("The supplied OCSP response for "
                        + certificate.getSubject().getRFC2253() + " cannot be parsed: " + e.getMessage(), e);
            }
        }
    }

    /** Accepts a full OCSPResponse, or the BasicOCSPResponse inside one. */
    static BasicOCSPResp parseOcsp(byte[] der) throws java.io.IOException, org.bouncycastle.cert.ocsp.OCSPException {
        try {
            OCSPResp response = new OCSPResp(der);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new java.io.IOException("OCSP response status " + response.getStatus());
            }
            return (BasicOCSPResp) response.getResponseObject();
        } catch (IllegalArgumentException | ClassCastException | java.io.IOException notFull) {
            return new BasicOCSPResp(org.bouncycastle.asn1.ocsp.BasicOCSPResponse.getInstance(der));
        }
    }

    /**
     * A caller-supplied CRL, parsed for DSS.
     *
     * @param source the caller's source
     */
    private record SuppliedCrl(RevocationSource source) implements CRLSource {
        @Override
        public CRLToken getRevocationToken(CertificateToken certificate, CertificateToken issuer) {
            Optional<byte[]> der = source.crl(certificate.getCertificate(), issuer.getCertificate());
            if (der.isEmpty()) {
                return null;
            }
            try {
                CRLBinary binary = CRLUtils.buildCRLBinary(der.get());
                CRLToken token = new CRLToken(certificate, CRLUtils.buildCRLValidity(binary, issuer));
                token.setExternalOrigin(RevocationOrigin.EXTERNAL);
                return token;
            } catch (Exception e) {
                throw new IllegalArgumentException("The supplied CRL for " + certificate.getSubject().getRFC2253()
                        + " cannot be parsed: " + e.getMessage(), e);
            }
        }
    }

    /** The cache key of an answer about {@code certificate}: its issuer and serial number, or its CRL's URL. */
    static String cacheKey(String kind, CertificateToken certificate, CertificateToken issuer) {
        String about = kind.equals("ocsp") ? certificate.getSerialNumber().toString(16)
                : sha256(String.join(" ", eu.europa.esig.dss.spi.CertificateExtensionsUtils.getCRLAccessUrls(certificate)));
        return kind + ":" + sha256(issuer.getEncoded()) + ":" + about;
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The online OCSP source behind the revocation cache: a cached response that is still valid and recent enough
     * for the caller (see {@link JdbcRevocationStore#fresh}) is used as is; otherwise the responder is asked and its
     * (valid) answer stored. The database failing means asking the responder.
     *
     * @param online the source asked when the cache has no usable answer
     * @param store  the revocation cache
     * @param clock  the clock that tells whether a cached answer is fresh
     */
    private record CachedOcsp(OCSPSource online, JdbcRevocationStore store, java.time.Clock clock)
            implements RecentOcspSource {
        @Override
        public OCSPToken getRevocationToken(CertificateToken certificate, CertificateToken issuer,
                                            java.util.Date requiredAfter) {
            return cached(store, clock, "ocsp", certificate, issuer, requiredAfter, der -> {
                BasicOCSPResp basic = parseOcsp(der);
                SingleResp single = DSSRevocationUtils.getLatestSingleResponse(basic, certificate, issuer);
                return single == null ? null : new OCSPToken(basic, single, certificate, issuer);
            }, () -> online.getRevocationToken(certificate, issuer));
        }
    }

    /**
     * The online CRL source behind the revocation cache, as {@link CachedOcsp}.
     *
     * @param online the source asked when the cache has no usable answer
     * @param store  the revocation cache
     * @param clock  the clock that tells whether a cached answer is fresh
     */
    private record CachedCrl(CRLSource online, JdbcRevocationStore store, java.time.Clock clock)
            implements RecentCrlSource {
        @Override
        public CRLToken getRevocationToken(CertificateToken certificate, CertificateToken issuer,
                                           java.util.Date requiredAfter) {
            return cached(store, clock, "crl", certificate, issuer, requiredAfter, der -> {
                eu.europa.esig.dss.crl.CRLValidity validity = CRLUtils.buildCRLValidity(CRLUtils.buildCRLBinary(der), issuer);
                return validity.isSignatureIntact() ? new CRLToken(certificate, validity) : null;
            }, () -> online.getRevocationToken(certificate, issuer));
        }
    }

    /** Reads a cached answer back as a token; {@code null} when it does not serve the certificate. */
    private interface FromCache<T> {
        T read(byte[] der) throws Exception;
    }

    /**
     * The cache in front of an online source: a usable cached answer (see {@link JdbcRevocationStore#fresh}) as
     * is; otherwise the online answer, stored when it is valid. The database failing means asking online.
     */
    private static <T extends eu.europa.esig.dss.spi.x509.revocation.RevocationToken<?>> T cached(
            JdbcRevocationStore store, java.time.Clock clock, String kind, CertificateToken certificate,
            CertificateToken issuer, java.util.Date requiredAfter, FromCache<T> fromCache,
            java.util.function.Supplier<T> online) {
        String key = cacheKey(kind, certificate, issuer);
        try {
            Optional<JdbcRevocationStore.Entry> cached = store.fresh(key, clock.instant(),
                    requiredAfter == null ? null : requiredAfter.toInstant());
            if (cached.isPresent()) {
                T token = fromCache.read(cached.get().data());
                if (token != null) {
                    LOG.debug("{} for {} from the revocation cache", kind, certificate.getSubject().getRFC2253());
                    return token;
                }
            }
        } catch (java.sql.SQLException e) {
            return online.get(); // the store warned
        } catch (Exception e) {
            LOG.debug("Unreadable cached {} for {}: {}", kind, certificate.getSubject().getRFC2253(), e.toString());
        }
        T token = online.get();
        if (token != null && token.isValid() && token.getThisUpdate() != null) {
            try {
                store.put(key, kind, token.getEncoded(), token.getThisUpdate().toInstant(),
                        token.getNextUpdate() == null ? null : token.getNextUpdate().toInstant(), clock.instant());
            } catch (java.sql.SQLException e) {
                // the store warned; the answer is used all the same
            }
        }
        return token;
    }
}
