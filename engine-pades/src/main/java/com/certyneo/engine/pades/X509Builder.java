package com.certyneo.engine.pades;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Builds X.509 v3 certificates with the extensions an ETSI-conformant PKI needs (key usage, EKU,
 * SKI/AKI, CRL distribution point, AIA with OCSP and CA issuers, certificate policies).
 */
final class X509Builder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X500Name subject;
    private final PublicKey publicKey;
    private Instant notBefore = Instant.now();
    private Instant notAfter = notBefore.plusSeconds(86400);
    private boolean ca;
    private int keyUsage = KeyUsage.digitalSignature;
    private final List<KeyPurposeId> extendedKeyUsages = new ArrayList<>();
    private boolean criticalEku;
    private final List<String> policies = new ArrayList<>();
    private String crlUrl;
    private String ocspUrl;
    private String caIssuersUrl;

    private X509Builder(X500Name subject, PublicKey publicKey) {
        this.subject = subject;
        this.publicKey = publicKey;
    }

    static X509Builder of(X500Name subject, PublicKey publicKey) {
        return new X509Builder(subject, publicKey);
    }

    static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JDK", e);
        }
    }

    X509Builder validity(Instant from, Instant to) {
        this.notBefore = from;
        this.notAfter = to;
        return this;
    }

    X509Builder ca() {
        this.ca = true;
        this.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature;
        return this;
    }

    X509Builder keyUsage(int usage) {
        this.keyUsage = usage;
        return this;
    }

    X509Builder extendedKeyUsage(KeyPurposeId purpose, boolean critical) {
        this.extendedKeyUsages.add(purpose);
        this.criticalEku = criticalEku || critical;
        return this;
    }

    X509Builder policy(String oid) {
        this.policies.add(oid);
        return this;
    }

    X509Builder revocationPointers(String crl, String ocsp, String caIssuers) {
        this.crlUrl = crl;
        this.ocspUrl = ocsp;
        this.caIssuersUrl = caIssuers;
        return this;
    }

    X509Certificate selfSigned(PrivateKey key) {
        return sign(subject, null, key);
    }

    X509Certificate issuedBy(X509Certificate issuer, PrivateKey issuerKey) {
        return sign(X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), issuer, issuerKey);
    }

    private X509Certificate sign(X500Name issuerName, X509Certificate issuer, PrivateKey issuerKey) {
        try {
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                    ? utils.createAuthorityKeyIdentifier(publicKey)
                    : utils.createAuthorityKeyIdentifier(issuer));
            if (!extendedKeyUsages.isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, criticalEku,
                        new ExtendedKeyUsage(extendedKeyUsages.toArray(KeyPurposeId[]::new)));
            }
            if (!policies.isEmpty()) {
                PolicyInformation[] infos = policies.stream()
                        .map(oid -> new PolicyInformation(new ASN1ObjectIdentifier(oid)))
                        .toArray(PolicyInformation[]::new);
                builder.addExtension(Extension.certificatePolicies, false, new CertificatePolicies(infos));
            }
            if (crlUrl != null) {
                DistributionPointName name = new DistributionPointName(
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl)));
                builder.addExtension(Extension.cRLDistributionPoints, false,
                        new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(name, null, null)}));
            }
            if (ocspUrl != null || caIssuersUrl != null) {
                ASN1EncodableVector access = new ASN1EncodableVector();
                if (ocspUrl != null) {
                    access.add(new AccessDescription(AccessDescription.id_ad_ocsp,
                            new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
                }
                if (caIssuersUrl != null) {
                    access.add(new AccessDescription(AccessDescription.id_ad_caIssuers,
                            new GeneralName(GeneralName.uniformResourceIdentifier, caIssuersUrl)));
                }
                builder.addExtension(Extension.authorityInfoAccess, false,
                        AuthorityInformationAccess.getInstance(new DERSequence(access)));
            }
            String algorithm = "EC".equals(issuerKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build certificate for " + subject + ": " + e.getMessage(), e);
        }
    }
}
