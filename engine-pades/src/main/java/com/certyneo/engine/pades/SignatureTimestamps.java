package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.TimestampSource;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

import java.util.Arrays;

/**
 * The B-T stage of the engine's CMS signer: adds an RFC 3161 signature time-stamp (unsigned attribute
 * id-aa-signatureTimeStampToken, 1.2.840.113549.1.9.16.2.14, ETSI EN 319 122-1 §5.3) over SHA-256 of
 * the signature value to a CMS made by {@link CadesSignature}. The result stays DER and deterministic
 * given the token.
 */
final class SignatureTimestamps {

    private static final String DIGEST = "SHA-256";

    private SignatureTimestamps() {
    }

    /**
     * Time-stamps the signature value of a CMS and adds the token.
     *
     * @param cms the DER ContentInfo(SignedData) from {@link CadesSignature#assemble}, one SignerInfo
     * @param source where the token comes from
     * @return the DER CMS with the signature time-stamp
     * @throws SignatureEngineException with {@link ErrorCode#TSA_UNAVAILABLE} or
     *                                  {@link ErrorCode#TSA_RESPONSE_INVALID} from the source, or
     *                                  {@link ErrorCode#TSA_RESPONSE_INVALID} when the token does not time-stamp
     *                                  this signature value; {@link ErrorCode#RESOURCE_LIMIT} when the
     *                                  operation's {@link Budget} is spent (no request is sent then)
     */
    static byte[] add(byte[] cms, TimestampSource source) {
        Parsed parsed = parse(cms);
        byte[] imprint = Digests.sha256(parsed.signerInfo.getEncryptedDigest().getOctets());
        Budget.check(); // no time-stamp request once the operation is out of time
        return embed(parsed, source.timestamp(DIGEST, imprint), imprint, source.describe());
    }

    /**
     * {@link #add(byte[], TimestampSource)} for a CMS that {@code plan} assembled (its last {@link
     * CadesSignature#assemble}): the same bytes, built from the plan rather than by parsing the CMS again.
     *
     * @param plan the plan that assembled {@code cms}
     * @param cms  the DER CMS it returned (taken apart when the plan holds no assembled value, or another one)
     * @param source where the token comes from (it hands on the token as it parsed it: not parsed again here)
     * @return the DER CMS with the signature time-stamp
     * @throws SignatureEngineException as {@link #add(byte[], TimestampSource)}
     */
    static byte[] add(CadesSignature plan, byte[] cms, SigningPipeline.Recorder source) {
        java.util.Optional<SignatureValues.Verified> assembled = plan.verified();
        byte[] value = assembled.map(SignatureValues.Verified::value).orElse(null);
        // a CMS the plan assembled ends with its value (the last field of its only SignerInfo, no unsigned attributes)
        if (value == null || cms.length < value.length
                || !Arrays.equals(cms, cms.length - value.length, cms.length, value, 0, value.length)) {
            return add(cms, source);
        }
        byte[] imprint = Digests.sha256(value);
        Budget.check(); // no time-stamp request once the operation is out of time
        byte[] token = source.timestamp(DIGEST, imprint);
        return plan.withSignatureTimestamp(value, checkedToken(token, imprint, source.describe(), source.parsed(token)));
    }

    /**
     * The message imprint a signature time-stamp of this CMS must carry, for callers that obtain the
     * token themselves.
     *
     * @param cms the DER CMS
     * @return SHA-256 of its signature value
     */
    static byte[] imprint(byte[] cms) {
        return Digests.sha256(parse(cms).signerInfo.getEncryptedDigest().getOctets());
    }

    /**
     * Adds a token obtained elsewhere, after checking that it time-stamps this signature value.
     *
     * @param cms the DER CMS from {@link CadesSignature#assemble}
     * @param token the DER TimeStampToken (a ContentInfo) over {@link #imprint(byte[])} with SHA-256
     * @param who where the token came from, for messages
     * @return the DER CMS with the signature time-stamp
     * @throws SignatureEngineException with {@link ErrorCode#TSA_RESPONSE_INVALID} when it does not
     */
    static byte[] add(byte[] cms, byte[] token, String who) {
        Parsed parsed = parse(cms);
        return embed(parsed, token, Digests.sha256(parsed.signerInfo.getEncryptedDigest().getOctets()), who);
    }

    /** Checks the token's imprint and rebuilds the CMS with the token appended to the unsigned attributes. */
    private static byte[] embed(Parsed parsed, byte[] token, byte[] imprint, String who) {
        ContentInfo tokenInfo = checkedToken(token, imprint, who, null);
        ASN1EncodableVector unsigned = new ASN1EncodableVector();
        ASN1Set existing = parsed.signerInfo.getUnauthenticatedAttributes();
        if (existing != null) {
            existing.forEach(unsigned::add);
        }
        unsigned.add(new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken, new DERSet(tokenInfo)));
        SignerInfo s = parsed.signerInfo;
        SignerInfo stamped = new SignerInfo(s.getSID(), s.getDigestAlgorithm(), s.getAuthenticatedAttributes(),
                s.getDigestEncryptionAlgorithm(), s.getEncryptedDigest(), new DERSet(unsigned));
        SignedData d = parsed.signedData;
        SignedData rebuilt = new SignedData(d.getDigestAlgorithms(), d.getEncapContentInfo(), d.getCertificates(),
                d.getCRLs(), new DERSet(stamped));
        return CadesSignature.der(new ContentInfo(CMSObjectIdentifiers.signedData, rebuilt));
    }

    /**
     * Checks a document time-stamp token before it is embedded: an RFC 3161 token whose imprint is
     * {@code imprint} (SHA-256 of the document time-stamp's byte range).
     *
     * @param parsed {@code token} parsed (the same bytes), or null to parse it here
     * @throws SignatureEngineException {@link ErrorCode#TSA_RESPONSE_INVALID} naming {@code who}
     */
    static void requireImprint(byte[] token, byte[] imprint, String who, TimeStampToken parsed) {
        checkedToken(token, imprint, who, parsed);
    }

    /**
     * Checks that the token's imprint is SHA-256 over {@code imprint}.
     *
     * @param parsed {@code token} parsed (the same bytes), or null to parse it here
     */
    private static ContentInfo checkedToken(byte[] token, byte[] imprint, String who, TimeStampToken parsed) {
        TimeStampTokenInfo info;
        ContentInfo contentInfo;
        try {
            if (parsed != null) {
                contentInfo = parsed.toCMSSignedData().toASN1Structure();
                info = parsed.getTimeStampInfo();
            } else {
                contentInfo = ContentInfo.getInstance(ASN1Primitive.fromByteArray(token));
                info = new TimeStampToken(new CMSSignedData(contentInfo)).getTimeStampInfo();
            }
        } catch (Exception e) {
            throw invalid(who, "it is not an RFC 3161 TimeStampToken (" + e.getMessage() + ")", e);
        }
        if (!NISTObjectIdentifiers.id_sha256.equals(info.getMessageImprintAlgOID())) {
            throw invalid(who, "its imprint uses " + info.getMessageImprintAlgOID().getId() + ", not SHA-256", null);
        }
        if (!Arrays.equals(info.getMessageImprintDigest(), imprint)) {
            throw invalid(who, "its imprint is not SHA-256 of this signature value", null);
        }
        return contentInfo;
    }

    private static SignatureEngineException invalid(String who, String why, Exception cause) {
        return new SignatureEngineException(ErrorCode.TSA_RESPONSE_INVALID,
                "The signature time-stamp from " + who + " is rejected: " + why,
                "Check the time-stamp authority; nothing was written.", cause);
    }

    /** A CMS from {@link CadesSignature}: its SignedData and only SignerInfo. */
    private record Parsed(SignedData signedData, SignerInfo signerInfo) {
    }

    /** Parses a DER CMS with exactly one SignerInfo; anything else is a caller bug. */
    private static Parsed parse(byte[] cms) {
        try {
            ASN1Primitive primitive = ASN1Primitive.fromByteArray(cms);
            if (!Arrays.equals(primitive.getEncoded(ASN1Encoding.DER), cms)) {
                throw new IllegalArgumentException("it is not DER");
            }
            ContentInfo contentInfo = ContentInfo.getInstance(primitive);
            if (!CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())) {
                throw new IllegalArgumentException("it is not a SignedData");
            }
            SignedData signedData = SignedData.getInstance(contentInfo.getContent());
            if (signedData.getSignerInfos().size() != 1) {
                throw new IllegalArgumentException("it has " + signedData.getSignerInfos().size() + " SignerInfos");
            }
            return new Parsed(signedData, SignerInfo.getInstance(signedData.getSignerInfos().getObjectAt(0)));
        } catch (Exception e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_FAILED,
                    "Cannot add a signature time-stamp to this CMS: " + e.getMessage(),
                    "Pass the CMS exactly as CadesSignature.assemble returned it.", e);
        }
    }
}
