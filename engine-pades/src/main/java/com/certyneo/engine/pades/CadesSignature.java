package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.SigningKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Objects;

/**
 * The engine's own CMS signer: a CAdES-BASELINE-B detached SignedData for PAdES (ETSI EN 319 142-1
 * §6.3 on EN 319 122-1), made in two stages so that any key can sign, in-process, on a PKCS#11
 * token, through a remote CSC service or in an external two-step flow.
 *
 * <ol>
 *   <li>{@link #plan}: fixes everything but the signature value and exposes the DER signed attributes
 *   to sign ({@link #toBeSigned()}), the JCA algorithm the key must use ({@link #jcaAlgorithm()}) and,
 *   for services that sign a hash, their digest ({@link #toBeSignedDigest()}).</li>
 *   <li>{@link #assemble}: verifies a signature value against the signing certificate and returns the
 *   DER ContentInfo(SignedData), detached (no eContent).</li>
 *   <li>B-T: {@link SignatureTimestamps#add} adds the signature time-stamp as an unsigned attribute.</li>
 * </ol>
 *
 * <p>The signed attributes are exactly content-type (id-data), message-digest and
 * signing-certificate-v2 (ESSCertIDv2: SHA-256 of the signing certificate, issuerSerial), as DSS 6.2
 * writes them for PAdES-BASELINE-B. There is no signing-time attribute: EN 319 142-1 puts the claimed
 * time in the signature dictionary's {@code /M} and forbids the attribute. The SignerInfo names its
 * certificate by issuerAndSerialNumber (version 1) and the SignedData carries the whole chain as given,
 * including a signing certificate that is itself a trust anchor. Everything is DER, so the output
 * depends only on the inputs and the signature value (the certificate set is in DER order, sorted by
 * encoding, not in chain order: a CMS certificate set has no order).
 *
 * <p>Instances are immutable and thread-safe; a plan may be assembled any number of times.
 */
final class CadesSignature {

    private static final int SHA256_LENGTH = 32;

    private final X509Certificate signingCertificate;
    private final CmsSignatureAlgorithm algorithm;
    private final SignerIdentifier signerId;
    private final ASN1Set signedAttributes;
    private final byte[] toBeSigned;
    private final ASN1Set certificates;
    /** The signing-certificate-v2 attribute of {@link #signedAttributes}, kept for {@link #withContentDigest}. */
    private final Attribute signingCertificateV2;
    /** The value {@link #assemble} verified and embedded, once it has (the plan is then signed). */
    private volatile SignatureValues.Verified verified;

    private CadesSignature(X509Certificate signingCertificate, CmsSignatureAlgorithm algorithm, SignerIdentifier signerId,
                           ASN1Set signedAttributes, byte[] toBeSigned, ASN1Set certificates, Attribute signingCertificateV2) {
        this.signingCertificate = signingCertificate;
        this.algorithm = algorithm;
        this.signerId = signerId;
        this.signedAttributes = signedAttributes;
        this.toBeSigned = toBeSigned;
        this.certificates = certificates;
        this.signingCertificateV2 = signingCertificateV2;
    }

    /**
     * Plans a signature: builds the signed attributes and everything of the CMS but the value.
     *
     * @param chain the signing certificate first, then its issuers as the CMS should carry them
     *              (duplicates are dropped; a self-signed signing certificate stays in)
     * @param contentDigest SHA-256 of the PDF byte range (32 bytes)
     * @param signingTime the claimed signing time (the {@code /M} of the signature dictionary): the
     *                    signing certificate must be valid then; {@code null} skips that check. It is
     *                    not written into the CMS.
     * @param algorithm how the key signs, see {@link CmsSignatureAlgorithm#forCertificate}
     * @return the plan
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for a malformed digest,
     *                                  {@link ErrorCode#SIGNING_KEY_ERROR} for an empty chain, a key the
     *                                  algorithm cannot use, or a certificate not valid at {@code signingTime}
     */
    static CadesSignature plan(List<X509Certificate> chain, byte[] contentDigest, Instant signingTime,
                               CmsSignatureAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (chain == null || chain.isEmpty() || chain.stream().anyMatch(Objects::isNull)) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, "The certificate chain is empty or has a gap",
                    "Pass the signing certificate first, then its issuers.");
        }
        requireDigest(contentDigest);
        X509Certificate signer = chain.get(0);
        algorithm.requireKeyOf(signer);
        if (signingTime != null) {
            requireValidAt(signer, signingTime);
        }
        Certificate signerStructure = structure(signer);
        Attribute signingCertificateV2 = signingCertificateV2(signerStructure, encoded(signer));
        ASN1Set signedAttributes = signedAttributes(contentDigest, signingCertificateV2);
        ASN1EncodableVector certificates = new ASN1EncodableVector();
        List<byte[]> seen = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            byte[] der = encoded(certificate);
            if (seen.stream().noneMatch(b -> Arrays.equals(b, der))) {
                seen.add(der);
                certificates.add(seen.size() == 1 ? signerStructure : Certificate.getInstance(der)); // the signer's is read
            }
        }
        return new CadesSignature(signer, algorithm,
                new SignerIdentifier(new IssuerAndSerialNumber(signerStructure)), signedAttributes,
                der(signedAttributes), new DERSet(certificates), signingCertificateV2);
    }

    /**
     * The same plan over another byte range: what {@link #plan} returns for this plan's chain and algorithm and
     * {@code contentDigest}, without reading the chain again (a pipeline plans once to size the placeholder, then
     * again once the byte range is hashed).
     *
     * @param contentDigest SHA-256 of the PDF byte range (32 bytes)
     * @param signingTime the claimed signing time, as for {@link #plan}; {@code null} skips that check
     * @return the plan
     * @throws SignatureEngineException as {@link #plan}
     */
    CadesSignature withContentDigest(byte[] contentDigest, Instant signingTime) {
        requireDigest(contentDigest);
        if (signingTime != null) {
            requireValidAt(signingCertificate, signingTime);
        }
        ASN1Set attributes = signedAttributes(contentDigest, signingCertificateV2);
        return new CadesSignature(signingCertificate, algorithm, signerId, attributes, der(attributes), certificates,
                signingCertificateV2);
    }

    private static void requireDigest(byte[] contentDigest) {
        if (contentDigest == null || contentDigest.length != SHA256_LENGTH) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The content digest must be the 32-byte SHA-256 of the signed byte range, got "
                            + (contentDigest == null ? "none" : contentDigest.length + " bytes"),
                    "Hash the byte range of the prepared PDF with SHA-256.");
        }
    }

    /** The signed attributes: content-type, message-digest and signing-certificate-v2, DER (sorted). */
    private static ASN1Set signedAttributes(byte[] contentDigest, Attribute signingCertificateV2) {
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(new Attribute(CMSAttributes.contentType, new DERSet(CMSObjectIdentifiers.data)));
        attributes.add(new Attribute(CMSAttributes.messageDigest, new DERSet(new DEROctetString(contentDigest.clone()))));
        attributes.add(signingCertificateV2);
        return new DERSet(attributes); // DER: sorted, as RFC 5652 §5.4 requires for signing
    }

    /**
     * An upper bound of the DER size of the final CMS for a chain, known before the document is hashed,
     * so that the {@code /Contents} placeholder can be sized from the chain. Exact but for the
     * signature value (its longest possible encoding is counted) and the time-stamp token.
     *
     * @param chain the chain that {@link #plan} will get
     * @param algorithm the algorithm that {@link #plan} will get
     * @param timestampTokenSize the expected DER size of the signature time-stamp token, 0 for B-B
     * @return the bound in bytes (twice as many hex digits in {@code /Contents})
     */
    static int estimateSize(List<X509Certificate> chain, CmsSignatureAlgorithm algorithm, int timestampTokenSize) {
        return shape(chain, algorithm).estimateSize(timestampTokenSize);
    }

    /**
     * The plan of a chain before the byte range is hashed (over a zero digest, the signing time not checked yet):
     * what sizes the placeholder ({@link #estimateSize(int)}) and becomes the signing plan ({@link #withContentDigest}).
     *
     * @throws SignatureEngineException as {@link #plan}
     */
    static CadesSignature shape(List<X509Certificate> chain, CmsSignatureAlgorithm algorithm) {
        if (chain == null || chain.stream().anyMatch(Objects::isNull)) {
            return plan(chain, new byte[SHA256_LENGTH], null, algorithm); // refused there
        }
        ShapeKey key = new ShapeKey(List.copyOf(chain), algorithm);
        CadesSignature known = SHAPES.get(key);
        if (known != null) {
            return known;
        }
        CadesSignature shape = plan(key.chain(), new byte[SHA256_LENGTH], null, algorithm);
        if (SHAPES.size() >= SHAPES_HELD) {
            SHAPES.clear(); // one-time certificates: a chain per signature, never planned again
        }
        SHAPES.put(key, shape);
        return shape;
    }

    /**
     * Shapes planned before, by chain (certificates are equal when their encodings are) and algorithm: an engine's
     * seal or qualified key signs with the same chain every time, and planning it (parsing the signing certificate,
     * building its signing-certificate-v2 attribute and the certificate set) was a tenth of the fixed cost of a
     * one-page signature. A shape is immutable and never assembled itself ({@link #withContentDigest} plans the
     * signature), so one shape serves every thread.
     */
    private static final java.util.concurrent.ConcurrentHashMap<ShapeKey, CadesSignature> SHAPES =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final int SHAPES_HELD = 64;

    private record ShapeKey(List<X509Certificate> chain, CmsSignatureAlgorithm algorithm) {
    }

    /** The last {@link #estimateSize(int)} of this plan: the token room in the high half, the size in the low half. */
    private volatile long lastEstimate = -1;

    /**
     * {@link #estimateSize(List, CmsSignatureAlgorithm, int)} for this plan's chain and algorithm (the content digest
     * does not change the size).
     *
     * @param timestampTokenSize the expected DER size of the signature time-stamp token, 0 for B-B
     * @return the bound in bytes
     */
    int estimateSize(int timestampTokenSize) {
        if (timestampTokenSize < 0) {
            throw new IllegalArgumentException("timestampTokenSize must not be negative");
        }
        long last = lastEstimate;
        if (last >= 0 && (int) (last >>> 32) == timestampTokenSize) {
            return (int) last; // a shape's estimate, again for the same room
        }
        byte[] longestValue = new byte[algorithm.maxSignatureLength(signingCertificate)];
        ASN1Set unsigned = null;
        if (timestampTokenSize > 0) {
            // An OCTET STRING of timestampTokenSize content bytes encodes longer than a token of that size.
            unsigned = new DERSet(new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                    new DERSet(new DEROctetString(new byte[timestampTokenSize]))));
        }
        int size = encode(longestValue, unsigned).length;
        lastEstimate = (long) timestampTokenSize << 32 | size;
        return size;
    }

    /** @return the DER SET OF signed attributes, the exact bytes the key signs (a copy) */
    byte[] toBeSigned() {
        return toBeSigned.clone();
    }

    /** @return the JCA signature algorithm the key must use, as {@link SigningKey#sign(byte[], String)} takes it */
    String jcaAlgorithm() {
        return algorithm.jcaName();
    }

    /** @return the JCA name of the digest of {@link #toBeSignedDigest()}, {@code SHA-256} */
    String digestAlgorithm() {
        return algorithm.digestName();
    }

    /** @return the digest of {@link #toBeSigned()}, for keys and services that sign a hash (CSC signHash) */
    byte[] toBeSignedDigest() {
        try {
            return MessageDigest.getInstance(algorithm.digestName()).digest(toBeSigned);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm.digestName() + " is missing from this JDK", e);
        }
    }

    /** @return the algorithm of this plan */
    CmsSignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** @return the signing certificate */
    X509Certificate signingCertificate() {
        return signingCertificate;
    }

    /**
     * Signs the plan with a key and assembles the CMS.
     *
     * @param key a key whose certificate is the plan's signing certificate
     * @return the DER ContentInfo(SignedData)
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} when the key fails,
     *                                  {@link ErrorCode#INVALID_SIGNATURE_VALUE} when its value does not verify, or
     *                                  {@link ErrorCode#RESOURCE_LIMIT} when the operation's {@link Budget} is spent
     */
    byte[] sign(SigningKey key) {
        Budget.check(); // out of time: no signature is made (no remote signing request is sent)
        return assemble(key.sign(toBeSigned(), jcaAlgorithm()), String.valueOf(key));
    }

    /**
     * Assembles the CMS around a signature value from the signing key.
     *
     * @param signatureValue the value over {@link #toBeSigned()} (ECDSA: DER or raw r‖s)
     * @return the DER ContentInfo(SignedData), detached
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_SIGNATURE_VALUE} when the value does
     *                                  not verify with the signing certificate's key
     */
    byte[] assemble(byte[] signatureValue) {
        return assemble(signatureValue, "the signing key");
    }

    /**
     * Assembles the CMS around a signature value, verified (and ECDSA normalised to DER) first.
     *
     * @param signatureValue the value over {@link #toBeSigned()} (ECDSA: DER or raw r‖s)
     * @param who where the value came from, for the error message
     * @return the DER ContentInfo(SignedData), detached
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_SIGNATURE_VALUE} when the value does
     *                                  not verify with the signing certificate's key
     */
    byte[] assemble(byte[] signatureValue, String who) {
        byte[] value = SignatureValues.normalizeAndVerify(signatureValue, jcaAlgorithm(), signingCertificate, toBeSigned,
                who);
        byte[] cms = encode(value, null);
        verified = new SignatureValues.Verified(signingCertificate, toBeSigned, value);
        return cms;
    }

    /**
     * @return the signature value the last {@link #assemble} verified over {@link #toBeSigned()} with the signing
     *         certificate's key, or empty before a value was assembled
     */
    Optional<SignatureValues.Verified> verified() {
        return Optional.ofNullable(verified);
    }

    /**
     * The CMS {@link #assemble} made for {@code value}, with a signature time-stamp token as its only unsigned attribute:
     * what {@link SignatureTimestamps#add(byte[], byte[], String)} makes of that CMS, without parsing it again.
     *
     * @param value the value {@link #assemble} verified and embedded (as embedded: DER for ECDSA)
     * @param token the time-stamp token (a ContentInfo), checked by the caller
     * @return the DER ContentInfo(SignedData)
     */
    byte[] withSignatureTimestamp(byte[] value, ASN1Encodable token) {
        return encode(value, new DERSet(new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                new DERSet(token))));
    }

    /** The ContentInfo(SignedData) with this plan, a value and optional unsigned attributes, in DER. */
    private byte[] encode(byte[] signatureValue, ASN1Set unsignedAttributes) {
        SignerInfo signerInfo = new SignerInfo(signerId, algorithm.digestAlgorithm(), signedAttributes,
                algorithm.signatureAlgorithm(), new DEROctetString(signatureValue), unsignedAttributes);
        SignedData signedData = new SignedData(new DERSet(algorithm.digestAlgorithm()),
                new ContentInfo(CMSObjectIdentifiers.data, null), certificates, null, new DERSet(signerInfo));
        return der(new ContentInfo(CMSObjectIdentifiers.signedData, signedData));
    }

    /** signing-certificate-v2 with one ESSCertIDv2: SHA-256 (the default, so left out) and issuerSerial. */
    private static Attribute signingCertificateV2(Certificate certificate, byte[] encoded) {
        IssuerSerial issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(certificate.getIssuer())),
                certificate.getSerialNumber());
        ESSCertIDv2 id = new ESSCertIDv2(Digests.sha256(encoded), issuerSerial);
        return new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {id})));
    }

    /** Fails unless the signing certificate is valid at the claimed signing time. */
    private static void requireValidAt(X509Certificate certificate, Instant signingTime) {
        try {
            certificate.checkValidity(Date.from(signingTime));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The signing certificate " + certificate.getSubjectX500Principal().getName() + " (serial "
                            + certificate.getSerialNumber().toString(16) + ") is not valid at " + signingTime
                            + ": it is valid from " + certificate.getNotBefore().toInstant() + " to "
                            + certificate.getNotAfter().toInstant(),
                    "Use a certificate that is valid at the signing time.", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The certificate " + certificate.getSubjectX500Principal().getName() + " cannot be encoded: "
                            + e.getMessage(), "Check the certificate chain.", e);
        }
    }

    private static Certificate structure(X509Certificate certificate) {
        return Certificate.getInstance(encoded(certificate));
    }

    /** @return the DER encoding of {@code object} */
    static byte[] der(ASN1Encodable object) {
        try {
            return object.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding failed", e);
        }
    }
}
