package com.certyneo.engine.tsp;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Test certificates with BouncyCastle: EC P-256 (or RSA) roots and TSU certificates with chosen EKUs. */
final class TestPki {

    /** The EKU a TSU certificate gets. */
    enum Eku {
        /** id-kp-timeStamping, critical, alone: what RFC 3161 requires. */
        TIME_STAMPING_CRITICAL,
        /** id-kp-timeStamping but not critical. */
        TIME_STAMPING_NON_CRITICAL,
        /** id-kp-serverAuth, critical: a certificate for something else. */
        SERVER_AUTH
    }

    /** A key pair and its certificate chain (leaf first). */
    record Issued(KeyPair keys, X509Certificate cert, List<X509Certificate> chain) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued root(String cn) {
        KeyPair keys = ec();
        X509Certificate cert = build(new X500Name("CN=" + cn + ",O=Certyneo Test"), keys, null, keys, true, null);
        return new Issued(keys, cert, List.of(cert));
    }

    static Issued tsu(Issued issuer, String cn, Eku eku) {
        return tsu(issuer, cn, eku, ec());
    }

    static Issued tsu(Issued issuer, String cn, Eku eku, KeyPair keys) {
        X509Certificate cert = build(new X500Name("CN=" + cn + ",O=Certyneo Test"), keys, issuer.cert(),
                issuer.keys(), false, eku);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Issued(keys, cert, List.copyOf(chain));
    }

    /** A TSU certificate (critical id-kp-timeStamping) with extra extensions added by {@code customizer}. */
    static Issued tsu(Issued issuer, String cn, Customizer customizer) {
        KeyPair keys = ec();
        X509Certificate cert = build(new X500Name("CN=" + cn + ",O=Certyneo Test"), keys, issuer.cert(), issuer.keys(),
                false, Eku.TIME_STAMPING_CRITICAL, customizer);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Issued(keys, cert, List.copyOf(chain));
    }

    /** An OCSP responder certificate delegated by {@code issuer} (id-kp-OCSPSigning). */
    static Issued ocspResponder(Issued issuer, String cn) {
        KeyPair keys = ec();
        X509Certificate cert = build(new X500Name("CN=" + cn + ",O=Certyneo Test"), keys, issuer.cert(), issuer.keys(),
                false, null, b -> b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning)));
        return new Issued(keys, cert, List.of(cert, issuer.cert()));
    }

    /** A TLS certificate for {@code purpose} (server or client auth), with an IP address SAN when given. */
    static Issued tls(Issued issuer, String cn, KeyPurposeId purpose, String ipAddress) {
        KeyPair keys = ec();
        X509Certificate cert = build(new X500Name("CN=" + cn + ",O=Certyneo Test"), keys, issuer.cert(), issuer.keys(),
                false, null, b -> {
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                    if (ipAddress != null) {
                        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                                new GeneralName(GeneralName.iPAddress, ipAddress)));
                    }
                });
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Issued(keys, cert, List.copyOf(chain));
    }

    /** Adds extensions to a certificate being built. */
    interface Customizer {
        void customize(X509v3CertificateBuilder builder) throws IOException;
    }

    private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X509Certificate issuer,
                                         KeyPair issuerKeys, boolean ca, Eku eku) {
        return build(subject, subjectKeys, issuer, issuerKeys, ca, eku, b -> { });
    }

    private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X509Certificate issuer,
                                         KeyPair issuerKeys, boolean ca, Eku eku, Customizer customizer) {
        try {
            Instant now = Instant.now();
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, RANDOM).setBit(63),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), subject,
                    subjectKeys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (issuer != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            }
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            }
            if (eku != null) {
                switch (eku) {
                    case TIME_STAMPING_CRITICAL -> b.addExtension(Extension.extendedKeyUsage, true,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
                    case TIME_STAMPING_NON_CRITICAL -> b.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
                    case SERVER_AUTH -> b.addExtension(Extension.extendedKeyUsage, true,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                }
            }
            customizer.customize(b);
            String algorithm = "EC".equals(issuerKeys.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build a test certificate", e);
        }
    }

    static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Writes an unencrypted PKCS#8 {@code PRIVATE KEY} PEM, the form every OpenSSL version reads. */
    static Path writeKey(Path file, java.security.PrivateKey key) throws IOException {
        try {
            return writePem(file, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IOException(e);
        }
    }

    static Path writePem(Path file, Object... objects) throws IOException {
        Files.writeString(file, pem(objects), StandardCharsets.US_ASCII);
        return file;
    }

    /** A TimestampAuthority signing with {@code tsu} under {@code policy}. */
    static TimestampAuthority authority(Issued tsu, String policy) {
        return TimestampAuthority.builder().key(tsu.keys().getPrivate(), tsu.chain()).policy(policy).build();
    }
}
