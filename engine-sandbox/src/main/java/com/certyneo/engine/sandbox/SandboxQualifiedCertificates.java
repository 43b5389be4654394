package com.certyneo.engine.sandbox;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.qualified.QCStatement;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Issues the <b>sandbox</b> QTSP's test "qualified" certificates (for {@link SandboxCscService}):
 * natural-person signing certificates carrying the ETSI EN 319 412-5 QC statements QcCompliance
 * (0.4.0.1862.1.1), QcSSCD (0.4.0.1862.1.4) and QcType esign (0.4.0.1862.1.6.1), plus configurable
 * certificate policies. They look qualified; nothing makes them so, since no trusted list names their CA.
 *
 * <p><b>SANDBOX QTSP ONLY &mdash; never for production keys or certificates.</b>
 */
public final class SandboxQualifiedCertificates {

    /** ETSI EN 319 412-5 QcCompliance. */
    public static final String QC_COMPLIANCE = "0.4.0.1862.1.1";
    /** ETSI EN 319 412-5 QcSSCD. */
    public static final String QC_SSCD = "0.4.0.1862.1.4";
    /** ETSI EN 319 412-5 QcType. */
    public static final String QC_TYPE = "0.4.0.1862.1.6";
    /** ETSI EN 319 412-5 QcType esign. */
    public static final String QC_TYPE_ESIGN = "0.4.0.1862.1.6.1";
    /** ETSI EN 319 411-2 QCP-n-qscd. */
    public static final String QCP_N_QSCD = "0.4.0.194112.1.2";
    /** ETSI EN 319 411-2 QCP-n (qualified certificate for natural persons, key not on a QSCD: AES-Q). */
    public static final String QCP_N = "0.4.0.194112.1.0";

    private static final SecureRandom RANDOM = new SecureRandom();

    private SandboxQualifiedCertificates() {
    }

    /**
     * Generates a fresh key pair.
     *
     * @param algorithm {@code RSA} (3072 bits); anything else gives EC P-256
     * @return the key pair
     */
    public static KeyPair newKeyPair(String algorithm) {
        try {
            if ("RSA".equals(algorithm)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(3072, RANDOM);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates a self-signed test CA certificate ({@code C=FR, O=Certyneo TEST, CN=commonName}), valid
     * from an hour ago for ten years.
     *
     * @param commonName the CA's common name
     * @param keys the CA's key pair
     * @return the CA certificate
     */
    public static X509Certificate selfSignedCa(String commonName, KeyPair keys) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR")
                .addRDN(BCStyle.O, "Certyneo TEST").addRDN(BCStyle.CN, commonName).build();
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(b, keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the test qualified CA: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a natural-person signing certificate with the QC statements, valid from ten minutes
     * before {@code now} for a year.
     *
     * @param commonName the signer's name
     * @param email the signer's e-mail, put in the subject when it contains {@code @}, else ignored
     * @param publicKey the signer's public key
     * @param ca the issuing CA certificate
     * @param caKey the issuing CA's private key
     * @param policies the certificate policy OIDs
     * @param crl CRL distribution point URL, or {@code null}
     * @param ocsp OCSP URL, or {@code null}
     * @param caIssuers CA issuers URL, or {@code null}
     * @param now the issuing time
     * @return the certificate
     */
    public static X509Certificate issue(String commonName, String email, PublicKey publicKey, X509Certificate ca, PrivateKey caKey,
                                        List<String> policies, String crl, String ocsp, String caIssuers, Instant now) {
        return issue(commonName, email, publicKey, ca, caKey, policies, crl, ocsp, caIssuers, now, true);
    }

    /**
     * Issues a natural-person signing certificate with the QC statements QcCompliance and QcType esign, and
     * QcSSCD when {@code qscd} (QES); without it the certificate is qualified but its key is not on a QSCD
     * (AES-Q).
     *
     * @param commonName the signer's name
     * @param email the signer's e-mail, put in the subject when it contains {@code @}, else ignored
     * @param publicKey the signer's public key
     * @param ca the issuing CA certificate
     * @param caKey the issuing CA's private key
     * @param policies the certificate policy OIDs
     * @param crl CRL distribution point URL, or {@code null}
     * @param ocsp OCSP URL, or {@code null}
     * @param caIssuers CA issuers URL, or {@code null}
     * @param now the issuing time
     * @param qscd whether the certificate states QcSSCD (its key on a QSCD)
     * @return the certificate
     */
    public static X509Certificate issue(String commonName, String email, PublicKey publicKey, X509Certificate ca, PrivateKey caKey,
                                        List<String> policies, String crl, String ocsp, String caIssuers, Instant now,
                                        boolean qscd) {
        X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR");
        nb.addRDN(BCStyle.CN, commonName);
        if (email != null && email.contains("@")) {
            nb.addRDN(BCStyle.EmailAddress, email);
        }
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), serial(),
                    Date.from(now.minus(Duration.ofMinutes(10))), Date.from(now.plus(Duration.ofDays(365))), nb.build(), publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.nonRepudiation));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
            PolicyInformation[] infos = policies.stream().map(o -> new PolicyInformation(new ASN1ObjectIdentifier(o)))
                    .toArray(PolicyInformation[]::new);
            b.addExtension(Extension.certificatePolicies, false, new CertificatePolicies(infos));
            ASN1EncodableVector statements = new ASN1EncodableVector();
            statements.add(new QCStatement(new ASN1ObjectIdentifier(QC_COMPLIANCE)));
            if (qscd) {
                statements.add(new QCStatement(new ASN1ObjectIdentifier(QC_SSCD)));
            }
            statements.add(new QCStatement(new ASN1ObjectIdentifier(QC_TYPE),
                    new DERSequence(new ASN1ObjectIdentifier(QC_TYPE_ESIGN))));
            b.addExtension(Extension.qCStatements, false, new DERSequence(statements));
            if (crl != null) {
                b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                        new DistributionPoint(new DistributionPointName(new GeneralNames(
                                new GeneralName(GeneralName.uniformResourceIdentifier, crl))), null, null)}));
            }
            if (ocsp != null || caIssuers != null) {
                ASN1EncodableVector access = new ASN1EncodableVector();
                if (ocsp != null) {
                    access.add(new AccessDescription(AccessDescription.id_ad_ocsp,
                            new GeneralName(GeneralName.uniformResourceIdentifier, ocsp)));
                }
                if (caIssuers != null) {
                    access.add(new AccessDescription(AccessDescription.id_ad_caIssuers,
                            new GeneralName(GeneralName.uniformResourceIdentifier, caIssuers)));
                }
                b.addExtension(Extension.authorityInfoAccess, false, AuthorityInformationAccess.getInstance(new DERSequence(access)));
            }
            return sign(b, caKey);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot issue a qualified test certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(key)));
    }
}
