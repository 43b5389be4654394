package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.tsp.Accuracy;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.qualified.QCStatement;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * What a time-stamp token <em>claims</em>, read without any trust decision: genTime, serial, policy,
 * accuracy, nonce, TSA name, the TSU certificate it carries, and whether it claims to be a qualified
 * electronic time-stamp (the {@code esi4-qtstStatement-1} QCStatement, OID {@value #QTST_STATEMENT_OID},
 * in its extensions, ETSI EN 319 422 §9.1). A claim is not a qualified status: that comes only from a
 * trusted list entry of type {@code .../Svctype/TSA/QTST}.
 *
 * @param genTime the time the TSA asserts
 * @param serialNumber the token serial number
 * @param policyOid the TSA policy OID
 * @param digestAlgorithmOid the OID of the message imprint's digest algorithm
 * @param accuracy the accuracy, if present
 * @param nonce the nonce, if present
 * @param tsaName the TSA name field, if present, as text
 * @param tsuCertificate the TSU certificate embedded in the token (matching the signer), if present
 * @param claimsQualified whether the token carries the esi4-qtstStatement-1 QCStatement
 */
public record TimestampInfo(Instant genTime, BigInteger serialNumber, String policyOid, String digestAlgorithmOid,
                            Optional<Duration> accuracy, Optional<BigInteger> nonce, Optional<String> tsaName,
                            Optional<X509Certificate> tsuCertificate, boolean claimsQualified) {

    /** OID of the esi4-qtstStatement-1 QCStatement of qualified time-stamps. */
    public static final String QTST_STATEMENT_OID = "0.4.0.19422.1.1";

    /**
     * Not part of the stable API: the engine creates these, and a new component changes this constructor.
     *
     * Checks that the mandatory fields are present.
     *
     * @param genTime the time the TSA asserts
     * @param serialNumber the token serial number
     * @param policyOid the TSA policy OID
     * @param digestAlgorithmOid the OID of the message imprint's digest algorithm
     * @param accuracy the accuracy, if present
     * @param nonce the nonce, if present
     * @param tsaName the TSA name field, if present, as text
     * @param tsuCertificate the TSU certificate embedded in the token (matching the signer), if present
     * @param claimsQualified whether the token carries the esi4-qtstStatement-1 QCStatement
     */
    @com.certyneo.engine.InternalApi
    public TimestampInfo {
        Objects.requireNonNull(genTime, "genTime");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(policyOid, "policyOid");
        Objects.requireNonNull(digestAlgorithmOid, "digestAlgorithmOid");
        Objects.requireNonNull(accuracy, "accuracy");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(tsaName, "tsaName");
        Objects.requireNonNull(tsuCertificate, "tsuCertificate");
    }

    /**
     * Reads a DER-encoded TimeStampToken. Nothing is verified: use {@link TsaClient} to obtain verified tokens.
     *
     * @param token the DER TimeStampToken (a CMS ContentInfo)
     * @return what the token claims
     * @throws SignatureEngineException with {@link ErrorCode#TSA_RESPONSE_INVALID} when it is not a token
     */
    public static TimestampInfo of(byte[] token) {
        try {
            return of(new TimeStampToken(ContentInfo.getInstance(Objects.requireNonNull(token, "token"))));
        } catch (Exception e) {
            throw new SignatureEngineException(ErrorCode.TSA_RESPONSE_INVALID,
                    "Not a readable RFC 3161 time-stamp token: " + e.getMessage(),
                    "Pass the DER TimeStampToken, not the TimeStampResp around it.", e);
        }
    }

    static TimestampInfo of(TimeStampToken token) {
        TimeStampTokenInfo info = token.getTimeStampInfo();
        return new TimestampInfo(info.getGenTime().toInstant(), info.getSerialNumber(), info.getPolicy().getId(),
                info.getMessageImprintAlgOID().getId(), accuracy(info.getAccuracy()), Optional.ofNullable(info.getNonce()),
                Optional.ofNullable(info.getTsa()).map(Object::toString), signerCertificate(token),
                claimsQualified(info.toASN1Structure().getExtensions()));
    }

    static Optional<X509Certificate> signerCertificate(TimeStampToken token) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = token.getCertificates().getMatches(token.getSID());
        if (matches.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new JcaX509CertificateConverter().getCertificate(matches.iterator().next()));
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }

    static Optional<Duration> accuracy(Accuracy accuracy) {
        if (accuracy == null) {
            return Optional.empty();
        }
        long seconds = accuracy.getSeconds() == null ? 0 : accuracy.getSeconds().longValueExact();
        long millis = accuracy.getMillis() == null ? 0 : accuracy.getMillis().longValueExact();
        long micros = accuracy.getMicros() == null ? 0 : accuracy.getMicros().longValueExact();
        return Optional.of(Duration.ofSeconds(seconds).plusMillis(millis).plusNanos(micros * 1000));
    }

    static boolean claimsQualified(Extensions extensions) {
        if (extensions == null) {
            return false;
        }
        Extension qc = extensions.getExtension(Extension.qCStatements);
        if (qc == null) {
            return false;
        }
        try {
            ASN1Sequence statements = ASN1Sequence.getInstance(qc.getParsedValue());
            ASN1ObjectIdentifier qtst = new ASN1ObjectIdentifier(QTST_STATEMENT_OID);
            for (int i = 0; i < statements.size(); i++) {
                if (QCStatement.getInstance(statements.getObjectAt(i)).getStatementId().equals(qtst)) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
