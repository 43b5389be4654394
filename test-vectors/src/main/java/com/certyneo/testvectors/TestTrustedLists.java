package com.certyneo.testvectors;

import com.certyneo.engine.sandbox.TrustedListXml;
import org.bouncycastle.asn1.x500.X500Name;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A deterministic <b>test</b> list of trusted lists (LOTL) and one trusted list (territory {@code ZZ}, scheme
 * operator "Certyneo TEST scheme operator"), written into a directory laid out as DSS's file cache expects, with a
 * keystore pinning the LOTL's signing certificate. An embedder's test points its validation at them (engine-core
 * {@code TrustedListSource.offline(published.cacheDirectory(), published.lotlUrl(), published.pins())}) and
 * asserts qualification outcomes without any real trusted list.
 *
 * <p>The lists list whatever services the test adds: a CA issuing qualified certificates ({@link
 * Builder#qualifiedCa}), a qualified time-stamping service ({@link Builder#timestampService}), or any
 * {@link TrustedListXml.Service}. {@link Variant}s give the faulty lists a validator must refuse. The signing keys,
 * certificates and dates are fixed, and the lists are signed with RSA PKCS#1 v1.5: the same builder writes the
 * same bytes. <b>Test lists only; not legally binding.</b>
 */
public final class TestTrustedLists {

    /** The test LOTL's URL (nothing is served there: the lists are read from the cache directory). */
    public static final String LOTL_URL = "http://tl.certyneo.test/test-lotl.xml";
    /** The test TL's URL. */
    public static final String TL_URL = "http://tl.certyneo.test/test-tl-zz.xml";
    /** The territory of the test TL. */
    public static final String TERRITORY = "ZZ";
    /** The issue date of both lists. */
    public static final Instant ISSUED = Instant.parse("2025-01-01T00:00:00Z");
    /** The next update of both lists (far ahead), unless {@link Variant#TL_EXPIRED}. */
    public static final Instant NEXT_UPDATE = Instant.parse("2099-01-01T00:00:00Z");
    /** The next update of the TL of {@link Variant#TL_EXPIRED} (passed). */
    public static final Instant EXPIRED_NEXT_UPDATE = Instant.parse("2025-02-01T00:00:00Z");
    /** The time every service's status starts from (before any test certificate). */
    public static final Instant SERVICES_SINCE = Instant.parse("2019-01-01T00:00:00Z");

    /** What is wrong with the lists, if anything. */
    public enum Variant {
        /** Well-formed lists, both signed and fresh. */
        VALID,
        /** The TL's next update has passed ({@link #EXPIRED_NEXT_UPDATE}). */
        TL_EXPIRED,
        /** The LOTL is altered after signing: its signature does not verify. */
        LOTL_SIGNATURE_BROKEN,
        /** The TL is altered after signing: its signature does not verify. */
        TL_SIGNATURE_BROKEN,
        /** The LOTL is signed by a key other than the pinned one. */
        LOTL_WRONGLY_SIGNED
    }

    /**
     * The lists as written.
     *
     * @param cacheDirectory the directory holding the LOTL and the TL under the names DSS's file cache uses
     * @param lotlUrl the LOTL's URL
     * @param tlUrl the TL's URL
     * @param pinKeystore a PKCS#12 keystore (no password) holding the LOTL signing certificate to pin
     * @param lotlSigningCertificate the certificate the LOTL is expected to be signed with
     * @param tlSigningCertificate the certificate the TL is signed with (the LOTL lists it)
     */
    public record Published(Path cacheDirectory, String lotlUrl, String tlUrl, Path pinKeystore,
                            X509Certificate lotlSigningCertificate, X509Certificate tlSigningCertificate) {

        /** {@return the LOTL signing certificates to pin} */
        public List<X509Certificate> pins() {
            return List.of(lotlSigningCertificate);
        }
    }

    private TestTrustedLists() {
    }

    /** {@return a builder of valid lists with no service yet} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return the name DSS's file cache keeps it under (every non-word character becomes {@code _})}
     * @param url a list's URL
     */
    public static String cacheFileName(String url) {
        return url.replaceAll("\\W", "_");
    }

    /** Builder of test lists; not thread-safe. */
    public static final class Builder {
        private final List<TrustedListXml.Service> services = new ArrayList<>();
        private String seed = TestPki.DEFAULT_SEED;
        private Variant variant = Variant.VALID;
        private String lotlUrl = LOTL_URL;
        private String tlUrl = TL_URL;

        private Builder() {
        }

        /**
         * Publishes the lists under another base address, for a test that serves them over HTTP (for instance with
         * the JDK's {@code com.sun.net.httpserver} on a local port) and lets the engine download them into an empty
         * cache ({@code TrustedListSource.refreshedOnline}). The LOTL then points at the TL under the same base.
         *
         * @param baseUrl the address the two files are served under, ending with {@code /} (default
         *                {@code http://tl.certyneo.test/}); the files are {@code test-lotl.xml} and
         *                {@code test-tl-zz.xml}
         * @return this
         */
        public Builder publishedAt(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (!baseUrl.endsWith("/")) {
                throw new IllegalArgumentException("the base address must end with '/': " + baseUrl);
            }
            this.lotlUrl = baseUrl + "test-lotl.xml";
            this.tlUrl = baseUrl + "test-tl-zz.xml";
            return this;
        }

        /**
         * Sets the seed the lists' signing keys derive from (default {@link TestPki#DEFAULT_SEED}).
         *
         * @param seed the seed the lists' signing keys derive from (default {@link TestPki#DEFAULT_SEED})
         * @return this
         */
        public Builder seed(String seed) {
            this.seed = Objects.requireNonNull(seed, "seed");
            return this;
        }

        /**
         * Sets what is wrong with the lists (default {@link Variant#VALID}).
         *
         * @param variant what is wrong with the lists (default {@link Variant#VALID})
         * @return this
         */
        public Builder variant(Variant variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
            return this;
        }

        /**
         * Lists a CA issuing qualified certificates for electronic signatures, granted since
         * {@link #SERVICES_SINCE}. Whether its certificates are on a QSCD is read from each certificate's QC
         * statements.
         *
         * @param name the service name
         * @param ca the CA certificate (the service's digital identity)
         * @return this
         */
        public Builder qualifiedCa(String name, X509Certificate ca) {
            return service(TrustedListXml.Service.of(name, TrustedListXml.SERVICE_CA_QC, TrustedListXml.STATUS_GRANTED,
                    SERVICES_SINCE, ca, List.of(TrustedListXml.FOR_ESIGNATURES)));
        }

        /**
         * Lists a CA issuing qualified certificates, granted from {@link #SERVICES_SINCE} and withdrawn since
         * {@code since} (ETSI TS 119 612 keeps the granted period in the service history; this list gives only
         * the current status, which is what a validator decides on after {@code since}).
         *
         * @param name the service name
         * @param ca the CA certificate
         * @param since when the service was withdrawn
         * @return this
         */
        public Builder withdrawnCa(String name, X509Certificate ca, Instant since) {
            return service(TrustedListXml.Service.of(name, TrustedListXml.SERVICE_CA_QC,
                    TrustedListXml.STATUS_WITHDRAWN, since, ca, List.of(TrustedListXml.FOR_ESIGNATURES)));
        }

        /**
         * Lists a qualified time-stamping service, granted since {@link #SERVICES_SINCE}.
         *
         * @param name the service name
         * @param tsu the time-stamping unit's certificate
         * @return this
         */
        public Builder timestampService(String name, X509Certificate tsu) {
            return service(TrustedListXml.Service.of(name, TrustedListXml.SERVICE_QTST, TrustedListXml.STATUS_GRANTED,
                    SERVICES_SINCE, tsu, List.of()));
        }

        /**
         * Adds a service.
         *
         * @param service any service
         * @return this
         */
        public Builder service(TrustedListXml.Service service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * Writes the LOTL, the TL and the pin keystore into {@code directory} (created if needed; each file is
         * written to a temporary file first, then moved into place).
         *
         * @param directory the cache directory to write
         * @return what was written
         */
        public Published write(Path directory) {
            KeyPair lotlKeys = DeterministicKeys.rsa3072(seed, "test-lotl-signer");
            KeyPair tlKeys = DeterministicKeys.rsa3072(seed, "test-tl-signer");
            X509Certificate lotlCert = selfSigned("Certyneo TEST LOTL signer", lotlKeys, 101);
            X509Certificate tlCert = selfSigned("Certyneo TEST TL signer ZZ", tlKeys, 102);
            TrustedListXml.Scheme tlScheme = new TrustedListXml.Scheme(TERRITORY, "Certyneo TEST scheme operator", 1,
                    ISSUED, variant == Variant.TL_EXPIRED ? EXPIRED_NEXT_UPDATE : NEXT_UPDATE);
            byte[] tl = TrustedListXml.sign(TrustedListXml.trustedList(tlScheme,
                    "Certyneo TEST trust service provider", services), tlKeys.getPrivate(), tlCert, ISSUED);
            if (variant == Variant.TL_SIGNATURE_BROKEN) {
                tl = alter(tl);
            }
            TrustedListXml.Scheme lotlScheme = new TrustedListXml.Scheme("EU", "Certyneo TEST LOTL operator", 1,
                    ISSUED, NEXT_UPDATE);
            byte[] lotlXml = TrustedListXml.listOfTrustedLists(lotlScheme, List.of(new TrustedListXml.Pointer(
                    TERRITORY, "Certyneo TEST scheme operator", tlUrl, tlCert)));
            KeyPair lotlSigningKeys = variant == Variant.LOTL_WRONGLY_SIGNED
                    ? DeterministicKeys.rsa3072(seed, "test-lotl-impostor") : lotlKeys;
            X509Certificate lotlSigningCert = variant == Variant.LOTL_WRONGLY_SIGNED
                    ? selfSigned("Certyneo TEST LOTL signer", lotlSigningKeys, 103) : lotlCert;
            byte[] lotl = TrustedListXml.sign(lotlXml, lotlSigningKeys.getPrivate(), lotlSigningCert, ISSUED);
            if (variant == Variant.LOTL_SIGNATURE_BROKEN) {
                lotl = alter(lotl);
            }
            try {
                Files.createDirectories(directory);
                writeAtomically(directory.resolve(cacheFileName(lotlUrl)), lotl);
                writeAtomically(directory.resolve(cacheFileName(tlUrl)), tl);
                Path pins = directory.resolveSibling(directory.getFileName() + "-lotl-pins.p12");
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("lotl-signer", lotlCert);
                Path tmp = Files.createTempFile(pins.toAbsolutePath().getParent(), ".pins", ".part");
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    ks.store(out, new char[0]);
                }
                Files.move(tmp, pins, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return new Published(directory, lotlUrl, tlUrl, pins, lotlCert, tlCert);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the test trusted lists to " + directory, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot write the LOTL pin keystore: " + e.getMessage(), e);
            }
        }
    }

    /** @return the list with one signed character changed (the scheme operator's name) */
    private static byte[] alter(byte[] xml) {
        String text = new String(xml, java.nio.charset.StandardCharsets.UTF_8);
        String altered = text.replaceFirst("Certyneo TEST", "Certyneo TESt");
        if (altered.equals(text)) {
            throw new IllegalStateException("nothing to alter in the test list");
        }
        return altered.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static X509Certificate selfSigned(String commonName, KeyPair keys, int serial) {
        X500Name name = new X500Name("C=ZZ,O=Certyneo TEST,CN=" + commonName);
        return Certs.issue(Certs.Profile.SIGNER, name, keys.getPublic(), BigInteger.valueOf(serial),
                SERVICES_SINCE, NEXT_UPDATE, name, keys.getPublic(), keys.getPrivate(), null);
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".tl", ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
