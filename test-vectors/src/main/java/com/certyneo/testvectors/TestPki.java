package com.certyneo.testvectors;

import com.certyneo.engine.tsp.TimestampAuthority;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A deterministic test PKI: a root CA, an intermediate CA, eight end-entity signers (every
 * {@link Kind} for every {@link KeyType}), a delegated OCSP responder and two time-stamp units.
 *
 * <p><b>Deterministic.</b> Every key pair is derived from the seed and the entity's name with an
 * HMAC-SHA256 generator; every certificate has fixed serials and validity dates; every signature
 * (certificates, CRLs, OCSP responses) is deterministic (ECDSA with RFC 6979 nonces). The same seed
 * and the same base URL therefore give the same certificates byte for byte, in any JVM. The clock
 * only feeds the {@code thisUpdate} of revocation data served online and the TSA {@code genTime}.
 *
 * <p><b>Layout.</b> Root and intermediate are EC P-256 CAs signing with ECDSA-SHA256 (no expiry in
 * the DSS 6.2 cryptographic policy, unlike RSA PKCS#1 v1.5). End entities carry a CRL distribution
 * point, an AIA OCSP URL and an AIA caIssuers URL under the {@linkplain #baseUrl() base URL}; the
 * intermediate carries the root's CRL and caIssuers URLs. The OCSP responder is delegated by the
 * intermediate (EKU id-kp-OCSPSigning, id-pkix-ocsp-nocheck); the TSA certificates have a critical
 * id-kp-timeStamping EKU.
 *
 * <p><b>Offline use.</b> Without a server, {@link #ocspResponse(X509Certificate, Instant)} and
 * {@link #crl(X509Certificate, Instant)} produce revocation data for any instant, so an engine can be
 * given "offline" revocation data. With {@link TestPkiServer} the same data is served over loopback
 * HTTP. Instances are immutable and thread-safe.
 */
public final class TestPki {

    /** The seed used when none is given. */
    public static final String DEFAULT_SEED = "certyneo-test-vectors";
    /** The base URL used when none is given (the {@code .test} TLD never resolves). */
    public static final String DEFAULT_BASE_URL = "http://pki.certyneo.test/";
    /** The instant the {@link Kind#REVOKED} signers were revoked (reason keyCompromise). */
    public static final Instant REVOCATION_TIME = Instant.parse("2025-06-01T00:00:00Z");
    /** How long CRLs and OCSP responses stay valid after their {@code thisUpdate}. */
    public static final Duration REVOCATION_VALIDITY = Duration.ofDays(7);

    private static final Instant CA_NOT_BEFORE = Instant.parse("2019-01-01T00:00:00Z");
    private static final Instant CA_NOT_AFTER = Instant.parse("2050-01-01T00:00:00Z");

    /** The life-cycle state of an end-entity signer certificate. */
    public enum Kind {
        /** Valid 2025-01-01 to 2035-01-01, never revoked. */
        GOOD("2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z"),
        /** Valid 2025-01-01 to 2035-01-01, revoked at {@link #REVOCATION_TIME} for keyCompromise. */
        REVOKED("2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z"),
        /** Valid 2020-01-01 to 2021-01-01 only. */
        EXPIRED("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"),
        /** Valid 2040-01-01 to 2041-01-01 only. */
        NOT_YET_VALID("2040-01-01T00:00:00Z", "2041-01-01T00:00:00Z");

        private final Instant notBefore;
        private final Instant notAfter;

        Kind(String notBefore, String notAfter) {
            this.notBefore = Instant.parse(notBefore);
            this.notAfter = Instant.parse(notAfter);
        }

        /** {@return the certificate's notBefore} */
        public Instant notBefore() {
            return notBefore;
        }

        /** {@return the certificate's notAfter} */
        public Instant notAfter() {
            return notAfter;
        }
    }

    /** The key of an end-entity signer. */
    public enum KeyType {
        /** ECDSA on NIST P-256; sign with {@code SHA256withECDSA}. */
        EC_P256("SHA256withECDSA"),
        /**
         * RSA 3072 (rsaEncryption public key) meant to sign with RSASSA-PSS only
         * ({@code SHA256withRSAandMGF1}: SHA-256, MGF1-SHA-256, 32-byte salt), because the DSS 6.2
         * policy accepts RSA PKCS#1 v1.5 only until 2029.
         */
        RSA_PSS_3072("SHA256withRSAandMGF1");

        private final String signatureAlgorithm;

        KeyType(String signatureAlgorithm) {
            this.signatureAlgorithm = signatureAlgorithm;
        }

        /** {@return the JCA signature algorithm to sign with this key} */
        public String signatureAlgorithm() {
            return signatureAlgorithm;
        }
    }

    /**
     * A private key and its certificate chain (end entity first, root last).
     *
     * @param name a short stable name such as {@code "signer-good-ec_p256"}
     * @param key the private key
     * @param chain the certificate chain, end entity first, root last
     */
    public record Credential(String name, PrivateKey key, List<X509Certificate> chain) {
        /**
         * Copies the chain.
         *
         * @param name a short stable name such as {@code "signer-good-ec_p256"}
         * @param key the private key
         * @param chain the certificate chain, end entity first, root last
         */
        public Credential {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
        }

        /** {@return the end-entity certificate} */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /**
         * {@return the signature algorithm of this key, {@code SHA256withECDSA} or
         * {@code SHA256withRSAandMGF1} (RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32; the JDK
         * calls it {@code RSASSA-PSS} with a {@code PSSParameterSpec})}
         */
        public String signatureAlgorithm() {
            return DeterministicSigner.jcaAlgorithm(key);
        }

        /**
         * Signs deterministically: ECDSA with RFC 6979 nonces, or RSASSA-PSS with a salt derived
         * from the key and the data. Same data, same signature.
         *
         * @param data the data to sign (hashed with SHA-256 here)
         * @return a DER ECDSA signature or a raw RSASSA-PSS signature
         */
        public byte[] sign(byte[] data) {
            return DeterministicSigner.sign(key, Objects.requireNonNull(data, "data"));
        }
    }

    /**
     * A time-stamp unit of the PKI.
     *
     * @param number 1 or 2
     * @param key the TSU private key (EC P-256)
     * @param chain the TSU certificate chain, TSU first, root last
     * @param policyOid the TSA policy OID put in its tokens
     * @param url the RFC 3161 endpoint when served by {@link TestPkiServer}
     */
    public record Tsa(int number, PrivateKey key, List<X509Certificate> chain, String policyOid, String url) {
        /**
         * Copies the chain.
         *
         * @param number 1 or 2
         * @param key the TSU private key (EC P-256)
         * @param chain the TSU certificate chain, TSU first, root last
         * @param policyOid the TSA policy OID put in its tokens
         * @param url the RFC 3161 endpoint when served by {@link TestPkiServer}
         */
        public Tsa {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            Objects.requireNonNull(policyOid, "policyOid");
            Objects.requireNonNull(url, "url");
        }

        /** {@return the TSU certificate} */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /**
         * {@return an in-process RFC 3161 authority for this unit (engine-tsp), accuracy one second}
         * @param clock the clock giving {@code genTime}
         */
        public TimestampAuthority authority(Clock clock) {
            return TimestampAuthority.builder().key(key, chain).policy(policyOid)
                    .accuracy(Duration.ofSeconds(1)).clock(clock).build();
        }
    }

    private final String seed;
    private final String baseUrl;
    private final Clock clock;
    private final Credential rootCredential;
    private final Credential intermediateCredential;
    private final Credential ocspResponder;
    private final Map<KeyType, Map<Kind, Credential>> signers = new EnumMap<>(KeyType.class);
    private final List<Tsa> tsas;
    private final X509CertificateHolder intermediateHolder;
    private final X509CertificateHolder rootHolder;
    private final DigestCalculatorProvider digests;

    private TestPki(Builder b) {
        this.seed = b.seed;
        this.baseUrl = b.baseUrl;
        this.clock = b.clock;
        KeyPair rootKeys = DeterministicKeys.ecP256(seed, "root");
        X500Name rootName = name("Certyneo Test Root CA");
        X509Certificate root = Certs.issue(Certs.Profile.ROOT, rootName, rootKeys.getPublic(),
                BigInteger.valueOf(0x1001), CA_NOT_BEFORE, CA_NOT_AFTER, rootName, rootKeys.getPublic(),
                rootKeys.getPrivate(), null);
        this.rootCredential = new Credential("root", rootKeys.getPrivate(), List.of(root));

        KeyPair caKeys = DeterministicKeys.ecP256(seed, "intermediate");
        X500Name caName = name("Certyneo Test Issuing CA");
        X509Certificate ca = Certs.issue(Certs.Profile.INTERMEDIATE, caName, caKeys.getPublic(),
                BigInteger.valueOf(0x2001), CA_NOT_BEFORE, CA_NOT_AFTER.minus(Duration.ofDays(1)), rootName,
                rootKeys.getPublic(), rootKeys.getPrivate(),
                new Certs.Pointers(rootCrlUrl(), null, caIssuersUrl("root")));
        this.intermediateCredential = new Credential("intermediate", caKeys.getPrivate(), List.of(ca, root));

        Certs.Pointers eePointers = new Certs.Pointers(crlUrl(), ocspUrl(), caIssuersUrl("intermediate"));
        Instant eeFrom = Kind.GOOD.notBefore();
        Instant eeTo = Kind.GOOD.notAfter();
        KeyPair ocspKeys = DeterministicKeys.ecP256(seed, "ocsp-responder");
        X509Certificate ocsp = Certs.issue(Certs.Profile.OCSP_RESPONDER, name("Certyneo Test OCSP Responder"),
                ocspKeys.getPublic(), BigInteger.valueOf(0x3001), eeFrom, eeTo, caName, caKeys.getPublic(),
                caKeys.getPrivate(), new Certs.Pointers(null, null, caIssuersUrl("intermediate")));
        this.ocspResponder = new Credential("ocsp-responder", ocspKeys.getPrivate(), List.of(ocsp, ca, root));

        List<Tsa> units = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            KeyPair tsaKeys = DeterministicKeys.ecP256(seed, "tsa-" + n);
            X509Certificate tsa = Certs.issue(Certs.Profile.TSA, name("Certyneo Test TSA " + n),
                    tsaKeys.getPublic(), BigInteger.valueOf(0x4000 + n), eeFrom, eeTo, caName, caKeys.getPublic(),
                    caKeys.getPrivate(), eePointers);
            units.add(new Tsa(n, tsaKeys.getPrivate(), List.of(tsa, ca, root), "2.999.1." + n, tsaUrl(n)));
        }
        this.tsas = List.copyOf(units);

        int index = 0;
        for (KeyType type : KeyType.values()) {
            Map<Kind, Credential> byKind = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                String entity = "signer-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-"
                        + type.name().toLowerCase(java.util.Locale.ROOT);
                KeyPair keys = type == KeyType.EC_P256
                        ? DeterministicKeys.ecP256(seed, entity) : DeterministicKeys.rsa3072(seed, entity);
                X509Certificate cert = Certs.issue(Certs.Profile.SIGNER,
                        name(signerCommonName(kind, type)), keys.getPublic(), BigInteger.valueOf(0x5001 + index++),
                        kind.notBefore(), kind.notAfter(), caName, caKeys.getPublic(), caKeys.getPrivate(), eePointers);
                byKind.put(kind, new Credential(entity, keys.getPrivate(), List.of(cert, ca, root)));
            }
            signers.put(type, byKind);
        }
        try {
            this.rootHolder = new JcaX509CertificateHolder(root);
            this.intermediateHolder = new JcaX509CertificateHolder(ca);
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (CertificateEncodingException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return a PKI with the default seed, base URL and the system clock} */
    public static TestPki create() {
        return builder().build();
    }

    /** {@return a builder with the defaults {@link #DEFAULT_SEED}, {@link #DEFAULT_BASE_URL}, system UTC clock} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder preset with this PKI's seed, base URL and clock} */
    public Builder toBuilder() {
        return new Builder().seed(seed).baseUrl(baseUrl).clock(clock);
    }

    /** {@return the seed the keys were derived from} */
    public String seed() {
        return seed;
    }

    /** {@return the base URL of every CRL, OCSP, caIssuers and TSA URL, ending with {@code /}} */
    public String baseUrl() {
        return baseUrl;
    }

    /** {@return the clock for online revocation data and TSA time} */
    public Clock clock() {
        return clock;
    }

    /** {@return the self-signed root CA certificate (the only trust anchor)} */
    public X509Certificate root() {
        return rootCredential.certificate();
    }

    /** {@return the issuing (intermediate) CA certificate} */
    public X509Certificate intermediate() {
        return intermediateCredential.certificate();
    }

    /**
     * The issuing CA's key and chain, to issue certificates under this PKI: above all the one-time certificates of
     * a production AES engine under test, so that it needs no PKI of its own. With Certyneo's engine-pades:
     *
     * <pre>{@code
     * Credential ca = pki.issuingCa();
     * CertificateIssuer issuer = OneTimeCertificateAuthority.builder()
     *         .caKey(ca.key(), ca.chain())
     *         .revocationPointers(pki.crlUrl(), null, null)
     *         .build();
     * }</pre>
     *
     * <p>Point such certificates at the CRL ({@link #crlUrl()}), not at the OCSP responder: the responder answers
     * {@code unknown} for serials this PKI did not issue itself, while the issuing CA's CRL lists only the
     * {@link Kind#REVOKED} signers, so a certificate issued with this key is valid for a validator that fetches it
     * (served by {@link TestPkiServer}, or {@link #crl(X509Certificate, Instant)} offline). The key signs whatever
     * it is given: keep it to tests.
     *
     * @return the issuing CA's private key (EC P-256) and its chain: the issuing CA certificate
     *         ({@link #intermediate()}), then the root
     */
    public Credential issuingCa() {
        return intermediateCredential;
    }

    /** {@return the trust anchors to configure in a validator: the root only} */
    public List<X509Certificate> trustAnchors() {
        return List.of(root());
    }

    /**
     * {@return the signer's key and chain (signer, intermediate, root)}
     * @param kind the life-cycle state
     * @param type the key type
     */
    public Credential signer(Kind kind, KeyType type) {
        return signers.get(Objects.requireNonNull(type, "type")).get(Objects.requireNonNull(kind, "kind"));
    }

    /** {@return the good EC P-256 signer, the usual choice} */
    public Credential goodSigner() {
        return signer(Kind.GOOD, KeyType.EC_P256);
    }

    /** {@return the delegated OCSP responder's key and chain} */
    public Credential ocspResponder() {
        return ocspResponder;
    }

    /**
     * {@return the time-stamp unit}
     * @param number 1 or 2
     */
    public Tsa tsa(int number) {
        if (number < 1 || number > tsas.size()) {
            throw new IllegalArgumentException("TSA number must be 1 or 2, not " + number);
        }
        return tsas.get(number - 1);
    }

    /** {@return every certificate of the PKI (CAs, responder, TSAs, signers), for certificate stores} */
    public List<X509Certificate> certificates() {
        List<X509Certificate> all = new ArrayList<>(List.of(root(), intermediate(), ocspResponder.certificate()));
        tsas.forEach(t -> all.add(t.certificate()));
        signers.values().forEach(m -> m.values().forEach(c -> all.add(c.certificate())));
        return List.copyOf(all);
    }

    /** {@return the OCSP URL in the end-entity certificates (POST, or GET with the base64 request appended)} */
    public String ocspUrl() {
        return baseUrl + "ocsp";
    }

    /** {@return the CRL URL of the issuing CA, in the end-entity certificates} */
    public String crlUrl() {
        return baseUrl + "crl/intermediate.crl";
    }

    /** {@return the CRL URL of the root CA, in the intermediate certificate} */
    public String rootCrlUrl() {
        return baseUrl + "crl/root.crl";
    }

    /**
     * {@return the RFC 3161 endpoint of that TSA}
     * @param number 1 or 2
     */
    public String tsaUrl(int number) {
        if (number < 1 || number > 2) {
            throw new IllegalArgumentException("TSA number must be 1 or 2, not " + number);
        }
        return baseUrl + "tsa/" + number;
    }

    /** {@return the root certificate in PEM} */
    public String rootPem() {
        return pem(root());
    }

    /**
     * Writes the root certificate as PEM, e.g. for {@code pdfsig} or a trust-store import.
     *
     * @param file the target file (replaced)
     * @return {@code file}
     */
    public Path writeRootPem(Path file) {
        try {
            return Files.writeString(file, rootPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return it in PEM ({@code -----BEGIN CERTIFICATE-----}, 64 columns, LF)}
     * @param certificate a certificate
     */
    public static String pem(X509Certificate certificate) {
        try {
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@return when it was revoked, or empty if never}
     * @param certificate a certificate of this PKI
     */
    public Optional<Instant> revocationTime(X509Certificate certificate) {
        for (Map<Kind, Credential> byKind : signers.values()) {
            Credential revoked = byKind.get(Kind.REVOKED);
            if (revoked.certificate().equals(certificate)) {
                return Optional.of(REVOCATION_TIME);
            }
        }
        return Optional.empty();
    }

    /**
     * Produces the OCSP response the delegated responder gives for {@code certificate} at {@code at}:
     * {@code producedAt = thisUpdate = at}, {@code nextUpdate = at + 7 days}, status revoked
     * (keyCompromise) if revoked by then, good otherwise, SHA-1 CertID, signed with ECDSA-SHA256,
     * responder certificate included. Deterministic: the same arguments give the same bytes.
     *
     * @param certificate a certificate issued by the intermediate (signer, TSA or responder)
     * @param at the time of the response
     * @return a DER OCSPResponse (status successful)
     */
    public byte[] ocspResponse(X509Certificate certificate, Instant at) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(at, "at");
        if (!certificate.getIssuerX500Principal().equals(intermediate().getSubjectX500Principal())) {
            throw new IllegalArgumentException("The OCSP responder only answers for certificates issued by "
                    + intermediate().getSubjectX500Principal());
        }
        try {
            CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1), intermediateHolder,
                    certificate.getSerialNumber());
            return ocsp(List.of(id), null, at);
        } catch (OCSPException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Answers a DER OCSP request as the online responder does at {@link #clock()} time: unknown status
     * for serials this PKI never issued, {@code unauthorized} for certificates of another issuer,
     * {@code malformedRequest} for garbage; the nonce is echoed.
     */
    byte[] answerOcsp(byte[] derRequest) {
        Instant now = clock.instant();
        try {
            OCSPReq request;
            try {
                request = new OCSPReq(derRequest);
            } catch (IOException | RuntimeException e) {
                return new OCSPRespBuilder().build(OCSPRespBuilder.MALFORMED_REQUEST, null).getEncoded();
            }
            List<CertificateID> ids = new ArrayList<>();
            for (Req req : request.getRequestList()) {
                if (!req.getCertID().matchesIssuer(intermediateHolder, digests)) {
                    return new OCSPRespBuilder().build(OCSPRespBuilder.UNAUTHORIZED, null).getEncoded();
                }
                ids.add(req.getCertID());
            }
            if (ids.isEmpty()) {
                return new OCSPRespBuilder().build(OCSPRespBuilder.MALFORMED_REQUEST, null).getEncoded();
            }
            return ocsp(ids, request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce), now);
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("Cannot build an OCSP response", e);
        }
    }

    private byte[] ocsp(List<CertificateID> ids, Extension nonce, Instant at) throws OCSPException {
        try {
            X509CertificateHolder responder = new JcaX509CertificateHolder(ocspResponder.certificate());
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(responder.getSubject()));
            Date thisUpdate = Date.from(at);
            Date nextUpdate = Date.from(at.plus(REVOCATION_VALIDITY));
            for (CertificateID id : ids) {
                builder.addResponse(id, status(id.getSerialNumber(), at), thisUpdate, nextUpdate, null);
            }
            if (nonce != null) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                    builder.build(new DeterministicSigner(ocspResponder.key()), new X509CertificateHolder[] {responder},
                            thisUpdate)).getEncoded();
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private CertificateStatus status(BigInteger serial, Instant at) {
        for (X509Certificate cert : certificates()) {
            if (cert.getSerialNumber().equals(serial)
                    && cert.getIssuerX500Principal().equals(intermediate().getSubjectX500Principal())) {
                Optional<Instant> revoked = revocationTime(cert);
                if (revoked.isPresent() && !revoked.get().isAfter(at)) {
                    return new RevokedStatus(Date.from(revoked.get()), CRLReason.keyCompromise);
                }
                return CertificateStatus.GOOD;
            }
        }
        return new UnknownStatus();
    }

    /**
     * Produces the CRL of {@code issuer} as of {@code thisUpdate}: {@code nextUpdate = thisUpdate + 7 days},
     * CRL number = epoch seconds of {@code thisUpdate}, authority key identifier, signed with
     * ECDSA-SHA256, listing the certificates revoked by then (reason keyCompromise). Deterministic.
     *
     * @param issuer {@link #root()} or {@link #intermediate()}
     * @param thisUpdate the issue time
     * @return a DER X.509 CRL
     */
    public byte[] crl(X509Certificate issuer, Instant thisUpdate) {
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Credential ca;
        if (root().equals(issuer)) {
            ca = rootCredential;
        } else if (intermediate().equals(issuer)) {
            ca = intermediateCredential;
        } else {
            throw new IllegalArgumentException("Not a CA of this PKI: " + (issuer == null ? null : issuer.getSubjectX500Principal()));
        }
        try {
            X509CertificateHolder caHolder = ca == rootCredential ? rootHolder : intermediateHolder;
            X509v2CRLBuilder builder = new X509v2CRLBuilder(caHolder.getSubject(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(thisUpdate.plus(REVOCATION_VALIDITY)));
            for (X509Certificate cert : certificates()) {
                Optional<Instant> revoked = revocationTime(cert);
                if (cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                        && revoked.isPresent() && !revoked.get().isAfter(thisUpdate)) {
                    builder.addCRLEntry(cert.getSerialNumber(), Date.from(revoked.get()), CRLReason.keyCompromise);
                }
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
            builder.addExtension(Extension.cRLNumber, false,
                    new CRLNumber(BigInteger.valueOf(Math.max(0, thisUpdate.getEpochSecond()))));
            return builder.build(new DeterministicSigner(ca.key())).getEncoded();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build the CRL", e);
        }
    }

    /**
     * {@return the CRL of its issuer that covers it}
     * @param certificate a certificate of this PKI other than the root
     * @param thisUpdate the issue time
     */
    public byte[] crlFor(X509Certificate certificate, Instant thisUpdate) {
        X509Certificate issuer = certificate.getIssuerX500Principal().equals(root().getSubjectX500Principal())
                ? root() : intermediate();
        return crl(issuer, thisUpdate);
    }

    String caIssuersUrl(String which) {
        return baseUrl + "ca/" + which + ".cer";
    }

    private X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "BE")
                .addRDN(BCStyle.O, "Certyneo Test PKI")
                .addRDN(BCStyle.OU, "seed " + seed)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static String signerCommonName(Kind kind, KeyType type) {
        String state = switch (kind) {
            case GOOD -> "Good";
            case REVOKED -> "Revoked";
            case EXPIRED -> "Expired";
            case NOT_YET_VALID -> "Not Yet Valid";
        };
        return state + " Signer " + (type == KeyType.EC_P256 ? "EC P-256" : "RSA-PSS 3072");
    }

    @Override
    public String toString() {
        return "TestPki[seed=" + seed + ", baseUrl=" + baseUrl + "]";
    }

    /** Builder for {@link TestPki}; every setting has a default. */
    public static final class Builder {
        private String seed = DEFAULT_SEED;
        private String baseUrl = DEFAULT_BASE_URL;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets the seed, any string; the same seed gives the same keys.
         *
         * @param seed any string; the same seed gives the same keys
         * @return this
         */
        public Builder seed(String seed) {
            this.seed = Objects.requireNonNull(seed, "seed");
            return this;
        }

        /**
         * Sets an absolute http(s) URL under which the PKI's endpoints live; a missing
         * trailing {@code /} is added.
         *
         * @param baseUrl an absolute http(s) URL under which the PKI's endpoints live; a missing
         *                trailing {@code /} is added
         * @return this
         */
        public Builder baseUrl(String baseUrl) {
            URI uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute URL with a host: " + baseUrl);
            }
            this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
            return this;
        }

        /**
         * Sets the clock for online revocation data and TSA time (default system UTC).
         *
         * @param clock the clock for online revocation data and TSA time (default system UTC)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return the PKI (RSA keys are derived once per seed and JVM, about a second each)} */
        public TestPki build() {
            return new TestPki(this);
        }
    }
}
