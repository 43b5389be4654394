package com.certyneo.engine.tsp;

import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.tsp.Accuracy;
import org.bouncycastle.asn1.tsp.MessageImprint;
import org.bouncycastle.asn1.tsp.TSTInfo;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampRequest;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Builds TimeStampResp bytes with every field under the test's control, including the ones a real
 * TSA (and BouncyCastle's generator) would refuse to produce: wrong EKU signer, missing accuracy,
 * ordering, critical extensions, skewed genTime, wrong ESSCertID.
 */
final class TokenForge {

    private static final SecureRandom RANDOM = new SecureRandom();

    TestPki.Issued signer;
    List<X509Certificate> certificates;
    String policy;
    ASN1ObjectIdentifier imprintAlgorithm;
    byte[] imprint;
    BigInteger nonce;
    BigInteger serial = new BigInteger(64, RANDOM);
    Instant genTime = Instant.now();
    Accuracy accuracy = new Accuracy(new ASN1Integer(1), null, null);
    boolean ordering;
    Extensions extensions;
    boolean essCertId = true;
    X509Certificate essCertIdFor;
    /** CRLs to carry in the token's SignedData. */
    List<org.bouncycastle.cert.X509CRLHolder> crls = List.of();
    /** OCSP responses to carry in the token's SignedData (other revocation info, id-ri-ocsp-response). */
    List<org.bouncycastle.cert.ocsp.OCSPResp> ocspResponses = List.of();

    /** A forge answering {@code request} honestly, signed by {@code signer} under {@code policy}. */
    static TokenForge answering(TimeStampRequest request, TestPki.Issued signer, String policy) {
        TokenForge f = new TokenForge();
        f.signer = signer;
        f.certificates = signer.chain();
        f.policy = policy;
        f.imprintAlgorithm = request.getMessageImprintAlgOID();
        f.imprint = request.getMessageImprintDigest();
        f.nonce = request.getNonce();
        return f;
    }

    byte[] token() {
        try {
            TSTInfo tstInfo = new TSTInfo(new ASN1ObjectIdentifier(policy),
                    new MessageImprint(new AlgorithmIdentifier(imprintAlgorithm), imprint), new ASN1Integer(serial),
                    new ASN1GeneralizedTime(Date.from(genTime)), accuracy, ordering ? ASN1Boolean.TRUE : null,
                    nonce == null ? null : new ASN1Integer(nonce), null, extensions);
            X509Certificate identified = essCertIdFor == null ? signer.cert() : essCertIdFor;
            AttributeTable signedAttributes = new AttributeTable(new org.bouncycastle.asn1.ASN1EncodableVector());
            if (essCertId) {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(identified.getEncoded());
                signedAttributes = signedAttributes.add(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                        new SigningCertificateV2(new ESSCertIDv2(hash)));
            }
            JcaSignerInfoGeneratorBuilder builder =
                    new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build());
            builder.setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(signedAttributes));
            String algorithm = "EC".equals(signer.keys().getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(builder.build(
                    new JcaContentSignerBuilder(algorithm).build(signer.keys().getPrivate()), signer.cert()));
            generator.addCertificates(new JcaCertStore(certificates));
            for (org.bouncycastle.cert.X509CRLHolder crl : crls) {
                generator.addCRL(crl);
            }
            for (org.bouncycastle.cert.ocsp.OCSPResp ocsp : ocspResponses) {
                generator.addOtherRevocationInfo(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.id_ri_ocsp_response,
                        ocsp.toASN1Structure());
            }
            CMSSignedData signed = generator.generate(
                    new CMSProcessableByteArray(PKCSObjectIdentifiers.id_ct_TSTInfo, tstInfo.getEncoded(ASN1Encoding.DER)),
                    true);
            return signed.getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot forge a token", e);
        }
    }

    byte[] response() {
        try {
            return new TimeStampResp(new PKIStatusInfo(PKIStatus.granted),
                    org.bouncycastle.asn1.cms.ContentInfo.getInstance(token())).getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
