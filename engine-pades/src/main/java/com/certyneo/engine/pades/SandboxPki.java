package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The embedded test PKI of a sandbox engine: a root "Certyneo SANDBOX Root CA – NOT FOR PRODUCTION",
 * an issuing CA for one-time AES certificates, a platform seal and a time-stamp unit, all EC P-256.
 * Created on first use in {@code HOME/sandbox/} and loaded from there afterwards, so signatures stay
 * verifiable against the same root across runs.
 *
 * <p>Every certificate carries the sandbox policy OID {@link #SANDBOX_POLICY_OID} and "SANDBOX" in its
 * names; engines use that to keep sandbox and production keys apart. The PKCS#12 store is protected
 * with a fixed, published password: this is test material, never a secret. Its keys are read through
 * an equally protected cache next to it ({@link SandboxStores}), which spares each process the PKCS#12
 * key derivations.
 */
public final class SandboxPki {

    /** Certificate policy OID that marks every certificate of a Certyneo sandbox PKI (a UUID-based OID). */
    public static final String SANDBOX_POLICY_OID = "2.25.176340214912102265905450780005065076306";
    /** ETSI EN 319 411-1 LCP policy, used for the one-time AES certificates. */
    static final String LCP_POLICY_OID = "0.4.0.2042.1.3";
    /** Policy OID the sandbox TSA puts in its tokens. */
    public static final String SANDBOX_TSA_POLICY_OID = SANDBOX_POLICY_OID + ".1";
    /** Base URL of the (never resolvable) sandbox revocation endpoints named in certificates. */
    static final String BASE_URL = "http://sandbox.certyneo.invalid";

    private static final char[] STORE_PASSWORD = "certyneo-sandbox".toCharArray();
    private static final String ROOT = "root";
    private static final String SIGNER_CA = "signer-ca";
    private static final String SEAL = "seal";
    private static final String TSA = "tsa";

    private final Path directory;
    private final Entry root;
    private final Entry signerCa;
    private final Entry seal;
    private final Entry tsa;

    /** A key and its chain (leaf first). */
    record Entry(PrivateKey key, List<X509Certificate> chain) {
        X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private SandboxPki(Path directory, Entry root, Entry signerCa, Entry seal, Entry tsa) {
        this.directory = directory;
        this.root = root;
        this.signerCa = signerCa;
        this.seal = seal;
        this.tsa = tsa;
    }

    /**
     * Loads the sandbox PKI of {@code home}, creating it on first use. Safe to call from several
     * processes at once: the store is written to a temporary file and moved into place.
     *
     * @param home the Certyneo home directory (such as {@code ~/.certyneo})
     * @return the sandbox PKI
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the home cannot be used
     */
    public static SandboxPki loadOrCreate(Path home) {
        Objects.requireNonNull(home, "home");
        Path dir = home.resolve("sandbox");
        Path store = dir.resolve("sandbox-pki.p12");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(store)) {
                create(dir, store);
            }
            return load(dir, store);
        } catch (IOException | GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR,
                    "Cannot use the sandbox PKI in " + dir + ": " + e.getMessage(),
                    "Check that the home directory is writable, or delete " + store + " to recreate it.", e);
        }
    }

    /** {@return the directory holding the sandbox PKI} */
    public Path directory() {
        return directory;
    }

    /** {@return the sandbox root certificate, the trust anchor for sandbox signatures} */
    public X509Certificate rootCertificate() {
        return root.certificate();
    }

    /**
     * Writes the root certificate as PEM.
     *
     * @param file the target file
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} on failure
     */
    public void exportRoot(Path file) {
        com.certyneo.engine.DocumentTarget.of(file).write(out -> out.write(pem(rootCertificate())));
    }

    Entry root() {
        return root;
    }

    Entry signerCa() {
        return signerCa;
    }

    Entry seal() {
        return seal;
    }

    Entry tsa() {
        return tsa;
    }

    /**
     * {@return whether it carries the sandbox policy OID or a SANDBOX name}
     * @param certificate any certificate
     */
    public static boolean isSandboxCertificate(X509Certificate certificate) {
        Boolean known = SANDBOX_ANSWERS.get(certificate);
        if (known != null) {
            return known;
        }
        boolean answer = sandboxMarked(certificate);
        if (SANDBOX_ANSWERS.size() >= 256) {
            SANDBOX_ANSWERS.clear(); // a bound, not an eviction policy: an engine checks the same few chains each time
        }
        SANDBOX_ANSWERS.put(certificate, answer);
        return answer;
    }

    /**
     * {@link #isSandboxCertificate}'s answers by certificate (equal certificates have equal encodings): a production
     * engine asks for its seal chain at every signature, and reading the policies and names cost a fiftieth of a
     * one-page signature.
     */
    private static final java.util.concurrent.ConcurrentHashMap<X509Certificate, Boolean> SANDBOX_ANSWERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean sandboxMarked(X509Certificate certificate) {
        byte[] policies = certificate.getExtensionValue("2.5.29.32");
        if (policies != null) {
            try {
                org.bouncycastle.asn1.x509.CertificatePolicies parsed = org.bouncycastle.asn1.x509.CertificatePolicies
                        .getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(policies).getOctets());
                for (org.bouncycastle.asn1.x509.PolicyInformation info : parsed.getPolicyInformation()) {
                    if (info.getPolicyIdentifier().getId().startsWith(SANDBOX_POLICY_OID)) {
                        return true;
                    }
                }
            } catch (RuntimeException ignored) {
                // unparsable policies: fall through to the name check
            }
        }
        return certificate.getSubjectX500Principal().getName().toUpperCase(java.util.Locale.ROOT).contains("SANDBOX")
                || certificate.getIssuerX500Principal().getName().toUpperCase(java.util.Locale.ROOT).contains("SANDBOX");
    }

    static byte[] pem(X509Certificate certificate) {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return ("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n")
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "FR")
                .addRDN(BCStyle.O, "Certyneo SANDBOX")
                .addRDN(BCStyle.OU, "NOT FOR PRODUCTION")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static void create(Path dir, Path store) throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofHours(1));
        KeyPair rootKeys = X509Builder.newEcKeyPair();
        X509Certificate rootCert = X509Builder.of(name("Certyneo SANDBOX Root CA \u2013 NOT FOR PRODUCTION"), rootKeys.getPublic())
                .ca().policy(SANDBOX_POLICY_OID)
                .validity(from, now.plus(Duration.ofDays(365L * 20)))
                .selfSigned(rootKeys.getPrivate());
        String rootCrl = BASE_URL + "/crl/root.crl";
        String ocsp = BASE_URL + "/ocsp";
        String rootIssuer = BASE_URL + "/ca/root.cer";

        KeyPair caKeys = X509Builder.newEcKeyPair();
        X509Certificate caCert = X509Builder.of(name("Certyneo SANDBOX Signer CA \u2013 NOT FOR PRODUCTION"), caKeys.getPublic())
                .ca().policy(SANDBOX_POLICY_OID)
                .revocationPointers(rootCrl, ocsp, rootIssuer)
                .validity(from, now.plus(Duration.ofDays(365L * 10)))
                .issuedBy(rootCert, rootKeys.getPrivate());

        KeyPair sealKeys = X509Builder.newEcKeyPair();
        X509Certificate sealCert = X509Builder.of(name("Certyneo SANDBOX Platform Seal"), sealKeys.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation).policy(SANDBOX_POLICY_OID)
                .revocationPointers(rootCrl, ocsp, rootIssuer)
                .validity(from, now.plus(Duration.ofDays(365L * 5)))
                .issuedBy(rootCert, rootKeys.getPrivate());

        KeyPair tsaKeys = X509Builder.newEcKeyPair();
        X509Certificate tsaCert = X509Builder.of(name("Certyneo SANDBOX TSA"), tsaKeys.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation).policy(SANDBOX_POLICY_OID)
                .extendedKeyUsage(KeyPurposeId.id_kp_timeStamping, true)
                .revocationPointers(rootCrl, ocsp, rootIssuer)
                .validity(from, now.plus(Duration.ofDays(365L * 5)))
                .issuedBy(rootCert, rootKeys.getPrivate());

        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ROOT, rootKeys.getPrivate(), STORE_PASSWORD, new Certificate[] {rootCert});
        ks.setKeyEntry(SIGNER_CA, caKeys.getPrivate(), STORE_PASSWORD, new Certificate[] {caCert, rootCert});
        ks.setKeyEntry(SEAL, sealKeys.getPrivate(), STORE_PASSWORD, new Certificate[] {sealCert, rootCert});
        ks.setKeyEntry(TSA, tsaKeys.getPrivate(), STORE_PASSWORD, new Certificate[] {tsaCert, rootCert});

        Path tmp = Files.createTempFile(dir, ".sandbox-pki", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, STORE_PASSWORD);
            }
            // A hard link never replaces an existing file: when another process won the race, keep its PKI.
            Files.createLink(store, tmp);
            Files.write(dir.resolve("sandbox-root.pem"), pem(rootCert));
        } catch (FileAlreadyExistsException raced) {
            // another process created it first; load theirs
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static SandboxPki load(Path dir, Path store) throws IOException, GeneralSecurityException {
        java.util.Map<String, Entry> entries = SandboxStores.load(store, STORE_PASSWORD, List.of(ROOT, SIGNER_CA, SEAL, TSA));
        return new SandboxPki(dir, entries.get(ROOT), entries.get(SIGNER_CA), entries.get(SEAL), entries.get(TSA));
    }
}
