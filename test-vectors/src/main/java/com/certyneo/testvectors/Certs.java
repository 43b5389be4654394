package com.certyneo.testvectors;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
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

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Issues the certificates of the test PKI, every field fixed by the caller (no clock, no randomness). */
final class Certs {

    /** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1). */
    static final ASN1ObjectIdentifier OCSP_NOCHECK = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.48.1.5");
    /** A documentation-only certificate policy (2.999 is the example arc of X.660). */
    static final String TEST_POLICY = "2.999.2.1";

    enum Profile { ROOT, INTERMEDIATE, SIGNER, OCSP_RESPONDER, TSA }

    record Pointers(String crlUrl, String ocspUrl, String caIssuersUrl) {
    }

    private Certs() {
    }

    static X509Certificate issue(Profile profile, X500Name subject, PublicKey subjectKey, BigInteger serial,
                                 Instant notBefore, Instant notAfter, X500Name issuerName, PublicKey issuerKey,
                                 PrivateKey signingKey, Pointers pointers) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            switch (profile) {
                case ROOT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case INTERMEDIATE -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SIGNER -> builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
                case OCSP_RESPONDER -> {
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
                    builder.addExtension(OCSP_NOCHECK, false, DERNull.INSTANCE);
                }
                case TSA -> {
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
                }
                default -> throw new IllegalArgumentException(profile.toString());
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerKey));
            if (profile != Profile.ROOT) {
                builder.addExtension(Extension.certificatePolicies, false,
                        new CertificatePolicies(new PolicyInformation(new ASN1ObjectIdentifier(TEST_POLICY))));
            }
            if (pointers != null) {
                if (pointers.crlUrl() != null) {
                    DistributionPointName name = new DistributionPointName(
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, pointers.crlUrl())));
                    builder.addExtension(Extension.cRLDistributionPoints, false,
                            new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(name, null, null)}));
                }
                List<AccessDescription> access = new ArrayList<>();
                if (pointers.ocspUrl() != null) {
                    access.add(new AccessDescription(AccessDescription.id_ad_ocsp,
                            new GeneralName(GeneralName.uniformResourceIdentifier, pointers.ocspUrl())));
                }
                if (pointers.caIssuersUrl() != null) {
                    access.add(new AccessDescription(AccessDescription.id_ad_caIssuers,
                            new GeneralName(GeneralName.uniformResourceIdentifier, pointers.caIssuersUrl())));
                }
                if (!access.isEmpty()) {
                    builder.addExtension(Extension.authorityInfoAccess, false,
                            new AuthorityInformationAccess(access.toArray(AccessDescription[]::new)));
                }
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(new DeterministicSigner(signingKey)));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot issue the test certificate " + subject + ": " + e.getMessage(), e);
        }
    }
}
