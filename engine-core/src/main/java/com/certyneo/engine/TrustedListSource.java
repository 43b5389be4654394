package com.certyneo.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Where validation finds the EU trusted lists that decide qualification (ETSI TS 119 615): a list of trusted
 * lists (LOTL) and the national trusted lists it points to, read from a local cache directory.
 *
 * <p>Offline by default: validation reads only the cache, so it never goes online. {@link #refreshedOnline}
 * downloads the LOTL and the TLs into the cache first when the cached copies are older than a maximum age, each
 * download bounded by a timeout. The LOTL's signature must verify with one of the pinned
 * {@link #lotlSigningCertificates() LOTL signing certificates} (in production, those the Official Journal of the
 * EU announces); a national TL's with a certificate the LOTL lists for it. A list whose signature or pin fails,
 * that cannot be read or whose next update has passed is named in a warning of every signature it would have
 * qualified, and such a signature is never reported as qualified on its strength.
 *
 * @param cacheDirectory the directory of the cached lists (must exist)
 * @param lotlUrl the LOTL's URL, the key of its cached copy ({@link #EU_LOTL_URL} for the EU)
 * @param lotlSigningCertificates the certificates the LOTL may be signed with
 * @param online whether the lists are refreshed over HTTP(S) into the cache before use
 * @param timeout the connect and read timeout of each download, when online
 * @param maxAge how old a cached list may be before it is downloaded again, when online
 */
public record TrustedListSource(Path cacheDirectory, String lotlUrl, List<X509Certificate> lotlSigningCertificates,
                                boolean online, Duration timeout, Duration maxAge) {

    /** The URL of the EU list of trusted lists. */
    public static final String EU_LOTL_URL = "https://ec.europa.eu/tools/lotl/eu-lotl.xml";

    /**
     * Validates the components. Not part of the stable API: start from {@link #offline}.
     *
     * @param cacheDirectory the directory of the cached lists
     * @param lotlUrl the LOTL's URL
     * @param lotlSigningCertificates the certificates the LOTL may be signed with
     * @param online whether the lists are refreshed online
     * @param timeout the timeout of each download
     * @param maxAge the maximum age of a cached list
     */
    @InternalApi
    public TrustedListSource {
        Objects.requireNonNull(cacheDirectory, "cacheDirectory");
        Objects.requireNonNull(lotlUrl, "lotlUrl");
        lotlSigningCertificates = List.copyOf(Objects.requireNonNullElse(lotlSigningCertificates, List.of()));
        timeout = Objects.requireNonNullElse(timeout, Duration.ofSeconds(30));
        maxAge = Objects.requireNonNullElse(maxAge, Duration.ofHours(24));
        if (timeout.isNegative() || timeout.isZero() || maxAge.isNegative()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "Invalid trusted-list refresh settings: timeout " + timeout + ", maximum age " + maxAge,
                    "Use a positive timeout and a maximum age of zero or more.");
        }
    }

    /**
     * Trusted lists read from a cache directory only.
     *
     * @param cacheDirectory the directory of the cached lists
     * @param lotlUrl the LOTL's URL ({@link #EU_LOTL_URL} for the EU)
     * @param lotlSigningCertificates the certificates the LOTL may be signed with
     * @return the source
     */
    public static TrustedListSource offline(Path cacheDirectory, String lotlUrl,
                                            List<X509Certificate> lotlSigningCertificates) {
        return new TrustedListSource(cacheDirectory, lotlUrl, lotlSigningCertificates, false, null, null);
    }

    /**
     * {@return a copy that refreshes the cache over HTTP(S) before use}
     * @param timeout the connect and read timeout of each download
     * @param maxAge how old a cached list may be before it is downloaded again
     */
    public TrustedListSource refreshedOnline(Duration timeout, Duration maxAge) {
        return new TrustedListSource(cacheDirectory, lotlUrl, lotlSigningCertificates, true,
                Objects.requireNonNull(timeout, "timeout"), Objects.requireNonNull(maxAge, "maxAge"));
    }

    /**
     * Reads the LOTL signing certificates to pin from a keystore (PKCS#12, or any type Java reads), every
     * certificate entry and the certificate of every key entry.
     *
     * @param keystore the keystore file
     * @param password its password; empty or {@code null} for none
     * @return the certificates, in alias order
     * @throws SignatureEngineException {@link ErrorCode#INVALID_REQUEST} when the file cannot be read as a
     *         keystore or holds no certificate
     */
    public static List<X509Certificate> pinsFromKeystore(Path keystore, char[] password) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, password == null ? new char[0] : password);
            List<String> aliases = Collections.list(ks.aliases());
            Collections.sort(aliases);
            for (String alias : aliases) {
                Certificate c = ks.getCertificate(alias);
                if (c instanceof X509Certificate x) {
                    certificates.add(x);
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "Cannot read the LOTL signing certificates from " + keystore + ": " + e.getMessage(),
                    "Give a PKCS#12 keystore holding the certificates the LOTL is signed with (and its password).", e);
        }
        if (certificates.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The keystore " + keystore + " holds no certificate to pin the LOTL with",
                    "Add the LOTL signing certificates (Official Journal announcement) to it.");
        }
        return List.copyOf(certificates);
    }
}
