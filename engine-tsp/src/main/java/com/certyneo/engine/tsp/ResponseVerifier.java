package com.certyneo.engine.tsp;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.x509.PrivateKeyUsagePeriod;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import com.certyneo.engine.spi.RevocationSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.ess.ESSCertID;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.tsp.TSTInfo;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a TimeStampResp against the request that was sent, per RFC 3161 and ETSI EN 319 422. Each
 * failure is a {@link TsaException} naming its {@link TsaCheck} and the TSA. Thread-safe; its only state
 * is a bounded cache of TSU certificates already validated to a trust anchor (with the time window in
 * which their whole path is valid), since path building dominates the cost otherwise.
 */
final class ResponseVerifier {

    /**
     * Verifies token signatures. A private instance, never registered with {@code java.security.Security}:
     * its ECDSA verification is several times faster than SunEC's on Java 17.
     */
    private static final Provider BC = new BouncyCastleProvider();
    /** Bound on the trust cache; it is cleared when full, which only costs a re-validation. */
    private static final int TRUST_CACHE_SIZE = 256;
    private static final String EKU_OID = Extension.extendedKeyUsage.getId();
    private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
    private static final String OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
    private static final Logger LOG = LoggerFactory.getLogger(ResponseVerifier.class);

    private final Set<String> allowedPolicies;
    private final Set<TrustAnchor> trustAnchors;
    /** The caller's revocation data about TSU certificates, if any. */
    private final RevocationSource revocationSource;
    private final Duration maxClockSkew;
    private final Clock clock;
    /** TSU certificates already validated to an anchor, with the window in which the whole path is valid. */
    private final Map<X509Certificate, ValidityWindow> trusted = new ConcurrentHashMap<>();

    /** The instants between which every certificate of a validated path is within its validity period. */
    private record ValidityWindow(Instant notBefore, Instant notAfter) {
        boolean contains(Instant t) {
            return !t.isBefore(notBefore) && !t.isAfter(notAfter);
        }
    }

    ResponseVerifier(Set<String> allowedPolicies, Set<TrustAnchor> trustAnchors, Duration maxClockSkew, Clock clock) {
        this(allowedPolicies, trustAnchors, maxClockSkew, clock, null);
    }

    /** @param revocationSource the caller's revocation data about TSU certificates; {@code null} for none */
    ResponseVerifier(Set<String> allowedPolicies, Set<TrustAnchor> trustAnchors, Duration maxClockSkew, Clock clock,
                     RevocationSource revocationSource) {
        this.revocationSource = revocationSource;
        this.allowedPolicies = Set.copyOf(allowedPolicies);
        this.trustAnchors = Set.copyOf(trustAnchors);
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
    }

    /** As {@link #verify(String, List, ASN1ObjectIdentifier, byte[], BigInteger, byte[])} for an endpoint without pins. */
    TimestampResult verify(String tsa, ASN1ObjectIdentifier imprintAlgorithm, byte[] imprint, BigInteger nonce,
                           byte[] body) {
        return verify(tsa, List.of(), imprintAlgorithm, imprint, nonce, body);
    }

    /**
     * @param tsa the TSA display name, for messages
     * @param pins the certificates the endpoint is pinned to (empty: not pinned)
     * @param imprintAlgorithm the digest algorithm sent
     * @param imprint the digest sent
     * @param nonce the nonce sent
     * @param body the DER TimeStampResp received
     * @return the verified token
     */
    TimestampResult verify(String tsa, List<X509Certificate> pins, ASN1ObjectIdentifier imprintAlgorithm, byte[] imprint,
                           BigInteger nonce, byte[] body) {
        TimeStampResp response = parseResponse(tsa, body);
        byte[] tokenDer = checkStatus(tsa, response);

        // Parse the token ourselves first, so that structural problems get a precise check name.
        CMSSignedData signedData;
        SignerInformation signer;
        TimeStampToken token;
        try {
            signedData = new CMSSignedData(tokenDer);
            if (!PKCSObjectIdentifiers.id_ct_TSTInfo.getId().equals(signedData.getSignedContentTypeOID())) {
                throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "the token does not encapsulate a TSTInfo", null);
            }
            Collection<SignerInformation> signers = signedData.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "the token has " + signers.size() + " signers, not one", null);
            }
            signer = signers.iterator().next();
            if (signer.getSignedAttributes() == null) {
                throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa, "the token has no signed attributes, hence no ESSCertID", null);
            }
            AttributeTable attributes = signer.getSignedAttributes();
            if (attributes.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2) == null
                    && attributes.get(PKCSObjectIdentifiers.id_aa_signingCertificate) == null) {
                throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa,
                        "the token has neither a SigningCertificateV2 nor a SigningCertificate attribute", null);
            }
            token = new TimeStampToken(signedData);
        } catch (TsaException e) {
            throw e;
        } catch (Exception e) {
            throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "the token is not a readable CMS TimeStampToken"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        }
        TimeStampTokenInfo info = token.getTimeStampInfo();
        TSTInfo tstInfo = info.toASN1Structure();

        if (!info.getMessageImprintAlgOID().equals(imprintAlgorithm)
                || !MessageDigest.isEqual(info.getMessageImprintDigest(), imprint)) {
            throw fail(TsaCheck.IMPRINT, tsa, "the token time-stamps " + algorithmName(info.getMessageImprintAlgOID())
                    + " imprint " + shortHex(info.getMessageImprintDigest()) + ", not the " + algorithmName(imprintAlgorithm)
                    + " imprint " + shortHex(imprint) + " that was sent", null);
        }
        if (info.getNonce() == null || !info.getNonce().equals(nonce)) {
            throw fail(TsaCheck.NONCE, tsa, info.getNonce() == null ? "the token has no nonce although one was sent"
                    : "the token's nonce differs from the one sent (replayed or mixed-up reply)", null);
        }

        X509CertificateHolder tsuHolder = signerCertificate(tsa, token);
        X509Certificate tsu;
        try {
            tsu = new JcaX509CertificateConverter().getCertificate(tsuHolder);
        } catch (GeneralSecurityException e) {
            throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa, "the TSU certificate cannot be read: " + e.getMessage(), e);
        }
        String subject = tsu.getSubjectX500Principal().getName();
        checkEssCertId(tsa, signer, tsuHolder, subject);
        checkSignature(tsa, signer, tsuHolder, subject);
        Instant genTime = info.getGenTime().toInstant();
        checkTsuCertificate(tsa, tsu, genTime);
        boolean trusted = checkTrust(tsa, tsu, signedData, genTime);
        checkPin(tsa, tsu, pins);
        checkRevocation(tsa, tsu, pins, signedData, genTime);

        String policy = info.getPolicy().getId();
        if (!allowedPolicies.isEmpty() && !allowedPolicies.contains(policy)) {
            throw fail(TsaCheck.POLICY, tsa, "policy " + policy + " is not on the allow-list " + allowedPolicies, null);
        }
        if (info.getAccuracy() == null) {
            throw fail(TsaCheck.ACCURACY, tsa, "the token has no accuracy (ETSI EN 319 422 §5.2.2 requires one)", null);
        }
        if (info.isOrdered()) {
            throw fail(TsaCheck.ORDERING, tsa, "the token sets ordering=true (ETSI EN 319 422 requires it absent or false)",
                    null);
        }
        Extensions extensions = tstInfo.getExtensions();
        if (extensions != null && extensions.getCriticalExtensionOIDs().length > 0) {
            throw fail(TsaCheck.EXTENSIONS, tsa, "the token has critical extension(s) "
                    + Arrays.toString(extensions.getCriticalExtensionOIDs()), null);
        }
        Instant now = clock.instant();
        Duration skew = Duration.between(now, genTime);
        if (skew.abs().compareTo(maxClockSkew) > 0) {
            throw fail(TsaCheck.GEN_TIME, tsa, "genTime " + genTime + " is " + skew.abs().toMillis()
                    + " ms " + (skew.isNegative() ? "behind" : "ahead of") + " the local clock " + now
                    + " (allowed skew " + maxClockSkew + ")", null);
        }
        return new TimestampResult(tsa, tokenDer, TimestampInfo.of(token), trusted);
    }

    private static TimeStampResp parseResponse(String tsa, byte[] body) {
        try {
            return TimeStampResp.getInstance(ASN1Primitive.fromByteArray(body));
        } catch (Exception e) {
            throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "the reply is not a DER TimeStampResp (" + body.length + " bytes)", e);
        }
    }

    /** @return the DER token of a granted response */
    private static byte[] checkStatus(String tsa, TimeStampResp response) {
        PKIStatusInfo status = response.getStatus();
        int value;
        try {
            value = status.getStatus().intValueExact();
        } catch (ArithmeticException e) {
            throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "the PKIStatus is out of range", e);
        }
        if (value != 0 && value != 1) {
            int failInfo = PkiStatusText.failInfo(status);
            boolean transientFailure = value == 3 || (failInfo
                    & (PKIFailureInfo.timeNotAvailable | PKIFailureInfo.systemFailure | PKIFailureInfo.systemUnavail)) != 0;
            throw fail(TsaCheck.PKI_STATUS, tsa, "the TSA answered " + PkiStatusText.describe(status), null)
                    .retryable(transientFailure);
        }
        ContentInfo token = response.getTimeStampToken();
        if (token == null) {
            throw fail(TsaCheck.PKI_STATUS, tsa, "the TSA answered " + PkiStatusText.status(value) + " without a token",
                    null);
        }
        try {
            return token.getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "the token cannot be DER-encoded", e);
        }
    }

    private static X509CertificateHolder signerCertificate(String tsa, TimeStampToken token) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = token.getCertificates().getMatches(token.getSID());
        if (matches.isEmpty()) {
            throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa,
                    "the token does not carry the TSU certificate although certReq was true", null);
        }
        return matches.iterator().next();
    }

    private static void checkEssCertId(String tsa, SignerInformation signer, X509CertificateHolder tsu,
                                       String subject) {
        AttributeTable attributes = signer.getSignedAttributes();
        Attribute v2 = attributes.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
        AlgorithmIdentifier hashAlgorithm;
        byte[] certHash;
        IssuerSerial issuerSerial;
        String which;
        try {
            if (v2 != null) {
                ESSCertIDv2 id = SigningCertificateV2.getInstance(v2.getAttrValues().getObjectAt(0)).getCerts()[0];
                hashAlgorithm = id.getHashAlgorithm();
                certHash = id.getCertHash();
                issuerSerial = id.getIssuerSerial();
                which = "ESSCertIDv2";
            } else {
                Attribute v1 = attributes.get(PKCSObjectIdentifiers.id_aa_signingCertificate);
                ESSCertID id = SigningCertificate.getInstance(v1.getAttrValues().getObjectAt(0)).getCerts()[0];
                hashAlgorithm = new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1);
                certHash = id.getCertHash();
                issuerSerial = id.getIssuerSerial();
                which = "ESSCertID";
            }
        } catch (RuntimeException e) {
            throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa, "the signing-certificate attribute is malformed", e);
        }
        byte[] actual;
        try {
            DigestCalculator calculator = new JcaDigestCalculatorProviderBuilder().build().get(hashAlgorithm);
            try (OutputStream out = calculator.getOutputStream()) {
                out.write(tsu.getEncoded());
            }
            actual = calculator.getDigest();
        } catch (Exception e) {
            throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa, which + " uses an unsupported hash algorithm "
                    + hashAlgorithm.getAlgorithm().getId(), e);
        }
        if (!MessageDigest.isEqual(actual, certHash)) {
            throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa, which + " hash does not match the TSU certificate '"
                    + subject + "'", null);
        }
        if (issuerSerial != null) {
            boolean serialMatches = issuerSerial.getSerial().getValue().equals(tsu.getSerialNumber());
            boolean issuerMatches = false;
            for (GeneralName name : issuerSerial.getIssuer().getNames()) {
                if (name.getTagNo() == GeneralName.directoryName
                        && X500Name.getInstance(name.getName()).equals(tsu.getIssuer())) {
                    issuerMatches = true;
                    break;
                }
            }
            if (!serialMatches || !issuerMatches) {
                throw fail(TsaCheck.SIGNING_CERTIFICATE, tsa, which + " issuerSerial does not match the TSU certificate '"
                        + subject + "'", null);
            }
        }
    }

    private static void checkSignature(String tsa, SignerInformation signer, X509CertificateHolder tsu,
                                       String subject) {
        if (Digests.byOid(new ASN1ObjectIdentifier(signer.getDigestAlgOID())).isEmpty()) {
            throw fail(TsaCheck.SIGNATURE, tsa, "the token is signed over a weak or unknown digest "
                    + signer.getDigestAlgOID(), null);
        }
        boolean valid;
        try {
            valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(tsu));
        } catch (Exception e) {
            throw fail(TsaCheck.SIGNATURE, tsa, "the signature cannot be verified with the TSU certificate '"
                    + subject + "' (" + e.getMessage() + ")", e);
        }
        if (!valid) {
            throw fail(TsaCheck.SIGNATURE, tsa, "the signature does not verify with the TSU certificate '"
                    + subject + "'", null);
        }
    }

    private static void checkTsuCertificate(String tsa, X509Certificate tsu, Instant genTime) {
        String subject = tsu.getSubjectX500Principal().getName();
        List<String> eku;
        try {
            eku = tsu.getExtendedKeyUsage();
        } catch (GeneralSecurityException e) {
            throw fail(TsaCheck.TSU_CERTIFICATE, tsa, "the TSU certificate '" + subject + "' has an unreadable EKU", e);
        }
        Set<String> critical = tsu.getCriticalExtensionOIDs();
        if (eku == null || critical == null || !critical.contains(EKU_OID) || !eku.equals(List.of(TIME_STAMPING))) {
            throw fail(TsaCheck.TSU_CERTIFICATE, tsa, "the TSU certificate '" + subject + "' lacks the critical "
                    + "id-kp-timeStamping extended key usage as its only purpose (EKU "
                    + (eku == null ? "absent" : eku + (critical != null && critical.contains(EKU_OID) ? ", critical"
                    : ", not critical")) + ")", null);
        }
        boolean[] keyUsage = tsu.getKeyUsage();
        if (keyUsage != null && !keyUsage[0] && !(keyUsage.length > 1 && keyUsage[1])) {
            throw fail(TsaCheck.TSU_CERTIFICATE, tsa, "the TSU certificate '" + subject
                    + "' allows neither digitalSignature nor nonRepudiation", null);
        }
        try {
            tsu.checkValidity(Date.from(genTime));
        } catch (GeneralSecurityException e) {
            throw fail(TsaCheck.TSU_CERTIFICATE, tsa, "the TSU certificate '" + subject + "' was not valid at genTime "
                    + genTime + " (valid " + tsu.getNotBefore().toInstant() + " to " + tsu.getNotAfter().toInstant() + ")",
                    e);
        }
        checkKeyUsagePeriod(tsa, tsu, subject, genTime);
    }

    /**
     * The TSU key's usage period (the private key usage period extension, RFC 3280 §4.2.1.4, which TSAs use to
     * retire a signing key before its certificate expires so that verifiers can still check old tokens): a
     * token dated outside it was signed by a key that should no longer, or not yet, sign.
     */
    private static void checkKeyUsagePeriod(String tsa, X509Certificate tsu, String subject, Instant genTime) {
        byte[] value = tsu.getExtensionValue(Extension.privateKeyUsagePeriod.getId());
        if (value == null) {
            return;
        }
        Instant notBefore;
        Instant notAfter;
        try {
            PrivateKeyUsagePeriod period = PrivateKeyUsagePeriod.getInstance(ASN1OctetString.getInstance(value).getOctets());
            notBefore = period.getNotBefore() == null ? null : period.getNotBefore().getDate().toInstant();
            notAfter = period.getNotAfter() == null ? null : period.getNotAfter().getDate().toInstant();
        } catch (Exception e) {
            throw fail(TsaCheck.TSU_CERTIFICATE, tsa, "the TSU certificate '" + subject
                    + "' has an unreadable private key usage period", e);
        }
        if (notBefore != null && genTime.isBefore(notBefore) || notAfter != null && genTime.isAfter(notAfter)) {
            throw fail(TsaCheck.TSU_CERTIFICATE, tsa, "genTime " + genTime + " lies outside the usage period of the TSU key"
                    + " of '" + subject + "' (" + (notBefore == null ? "open" : notBefore) + " to "
                    + (notAfter == null ? "open" : notAfter) + "): the TSA signed with a key it had "
                    + (notAfter != null && genTime.isAfter(notAfter) ? "retired" : "not yet put in service"), null);
        }
    }

    /** The TSU certificate must be one of the endpoint's pins or be issued by one. */
    private static void checkPin(String tsa, X509Certificate tsu, List<X509Certificate> pins) {
        if (pins.isEmpty()) {
            return;
        }
        for (X509Certificate pin : pins) {
            if (pin.equals(tsu) || issuedBy(tsu, pin)) {
                return;
            }
        }
        throw fail(TsaCheck.PIN, tsa, "the TSU certificate '" + tsu.getSubjectX500Principal().getName() + "' (issuer '"
                + tsu.getIssuerX500Principal().getName() + "', SHA-256 " + fingerprint(tsu)
                + ") is neither a certificate this TSA is pinned to nor issued by one (pinned: "
                + pins.stream().map(p -> "'" + p.getSubjectX500Principal().getName() + "'").toList() + ")", null);
    }

    /** Whether {@code issuer} issued {@code certificate}: names chain and the signature verifies with its key. */
    static boolean issuedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey(), BC);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            return "?";
        }
    }

    private static List<X509Certificate> tokenCertificates(String tsa, CMSSignedData signedData) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> holders = signedData.getCertificates().getMatches(null);
        for (X509CertificateHolder holder : holders) {
            try {
                certificates.add(converter.getCertificate(holder));
            } catch (GeneralSecurityException e) {
                throw fail(TsaCheck.RESPONSE_FORMAT, tsa, "a certificate in the token cannot be read", e);
            }
        }
        return certificates;
    }

    /** Where the TSU certificate's issuer may be found: the token, the trust anchors and the pins. */
    private List<X509Certificate> issuerCandidates(List<X509Certificate> tokenCertificates, List<X509Certificate> pins) {
        List<X509Certificate> candidates = new ArrayList<>(tokenCertificates);
        for (TrustAnchor anchor : trustAnchors) {
            if (anchor.getTrustedCert() != null) {
                candidates.add(anchor.getTrustedCert());
            }
        }
        candidates.addAll(pins);
        return candidates;
    }

    /**
     * The TSU certificate must not be revoked according to the revocation data at hand: CRLs and OCSP responses
     * the token carries, and the caller's {@link RevocationSource}. Only data that verifies with the TSU
     * certificate's issuer (or, for OCSP, a responder it delegated to) counts. A "revoked" status refuses the
     * token whatever its date, as does a current "unknown" from the issuer's responder; no data, or only stale
     * "good" data, passes (the check runs "when data is available").
     */
    private void checkRevocation(String tsa, X509Certificate tsu, List<X509Certificate> pins,
                                 CMSSignedData signedData, Instant genTime) {
        @SuppressWarnings("unchecked")
        Collection<X509CRLHolder> crls = signedData.getCRLs().getMatches(null);
        @SuppressWarnings("unchecked")
        Collection<org.bouncycastle.asn1.ASN1Encodable> ocsps = signedData
                .getOtherRevocationInfo(CMSObjectIdentifiers.id_ri_ocsp_response).getMatches(null);
        boolean fromSource = revocationSource != null;
        if (crls.isEmpty() && ocsps.isEmpty() && !fromSource) {
            return; // no data at hand (most tokens): no issuer to look for
        }
        X509Certificate issuer = issuerCandidates(tokenCertificates(tsa, signedData), pins).stream()
                .filter(c -> !c.equals(tsu) && issuedBy(tsu, c)).findFirst().orElse(null);
        if (issuer == null) {
            LOG.debug("No issuer of TSU certificate '{}' at hand: its revocation status is not checked",
                    tsu.getSubjectX500Principal().getName());
            return;
        }
        List<RevocationStatus> statuses = new ArrayList<>();
        for (X509CRLHolder crl : crls) {
            crlStatus(encoded(crl), tsu, issuer, "a CRL in the token", false).ifPresent(statuses::add);
        }
        for (org.bouncycastle.asn1.ASN1Encodable ocsp : ocsps) {
            ocspStatus(encoded(ocsp), tsu, issuer, "an OCSP response in the token", false).ifPresent(statuses::add);
        }
        if (fromSource) {
            revocationSource.ocspResponse(tsu, issuer).flatMap(der ->
                    ocspStatus(der, tsu, issuer, "the OCSP response from the revocation source", true)).ifPresent(statuses::add);
            revocationSource.crl(tsu, issuer).flatMap(der ->
                    crlStatus(der, tsu, issuer, "the CRL from the revocation source", true)).ifPresent(statuses::add);
        }
        String subject = tsu.getSubjectX500Principal().getName();
        for (RevocationStatus status : statuses) {
            if (status.revokedAt() != null) {
                throw fail(TsaCheck.REVOCATION, tsa, "the TSU certificate '" + subject + "' is revoked since "
                        + status.revokedAt() + (status.reason() == null ? "" : " (" + status.reason() + ")") + " according to "
                        + status.origin() + " issued " + status.thisUpdate() + " by '"
                        + issuer.getSubjectX500Principal().getName() + "'", null);
            }
        }
        for (RevocationStatus status : statuses) {
            if (status.unknown() && (status.nextUpdate() == null || !status.nextUpdate().isBefore(genTime.minus(maxClockSkew)))) {
                throw fail(TsaCheck.REVOCATION, tsa, "the TSU certificate '" + subject + "' is unknown to its issuer's"
                        + " OCSP responder according to " + status.origin() + " issued " + status.thisUpdate(), null);
            }
        }
        if (statuses.isEmpty()) {
            LOG.debug("No revocation data about TSU certificate '{}': its revocation status is not checked", subject);
        }
    }

    /** One verified statement about the TSU certificate: revoked (with a time), unknown, or good. */
    private record RevocationStatus(String origin, Instant thisUpdate, Instant nextUpdate, Instant revokedAt,
                                    String reason, boolean unknown) {
    }

    private static byte[] encoded(Object asn1) {
        try {
            return asn1 instanceof X509CRLHolder crl ? crl.getEncoded()
                    : ((org.bouncycastle.asn1.ASN1Encodable) asn1).toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A CRL's statement about {@code tsu}, if it is {@code issuer}'s CRL and verifies. */
    private static Optional<RevocationStatus> crlStatus(byte[] der, X509Certificate tsu, X509Certificate issuer,
                                                        String origin, boolean suppliedByCaller) {
        X509CRL crl;
        try {
            crl = (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCRL(new java.io.ByteArrayInputStream(der));
            if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                return ignored(origin, "it is issued by '" + crl.getIssuerX500Principal().getName() + "', not by the"
                        + " TSU certificate's issuer", suppliedByCaller);
            }
            crl.verify(issuer.getPublicKey(), BC);
        } catch (GeneralSecurityException | RuntimeException e) {
            return ignored(origin, "it does not verify with the TSU certificate's issuer (" + e.getMessage() + ")",
                    suppliedByCaller);
        }
        X509CRLEntry entry = crl.getRevokedCertificate(tsu);
        Instant thisUpdate = crl.getThisUpdate().toInstant();
        Instant nextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
        if (entry == null) {
            return Optional.of(new RevocationStatus(origin, thisUpdate, nextUpdate, null, null, false));
        }
        return Optional.of(new RevocationStatus(origin, thisUpdate, nextUpdate, entry.getRevocationDate().toInstant(),
                entry.getRevocationReason() == null ? null : entry.getRevocationReason().name(), false));
    }

    /** An OCSP response's statement about {@code tsu}, if it verifies with its issuer or a delegated responder. */
    private static Optional<RevocationStatus> ocspStatus(byte[] der, X509Certificate tsu, X509Certificate issuer,
                                                         String origin, boolean suppliedByCaller) {
        try {
            OCSPResp response = new OCSPResp(der);
            if (response.getStatus() != OCSPResp.SUCCESSFUL || !(response.getResponseObject() instanceof BasicOCSPResp basic)) {
                return ignored(origin, "it is not a successful basic OCSP response", suppliedByCaller);
            }
            if (!signedByIssuerOrDelegate(basic, issuer)) {
                return ignored(origin, "it is signed neither by the TSU certificate's issuer nor by a responder it"
                        + " delegated to", suppliedByCaller);
            }
            X509CertificateHolder issuerHolder = new X509CertificateHolder(issuer.getEncoded());
            for (SingleResp single : basic.getResponses()) {
                CertificateID id = single.getCertID();
                if (!id.getSerialNumber().equals(tsu.getSerialNumber())
                        || !id.matchesIssuer(issuerHolder, new JcaDigestCalculatorProviderBuilder().build())) {
                    continue;
                }
                Instant thisUpdate = single.getThisUpdate().toInstant();
                Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
                CertificateStatus status = single.getCertStatus();
                if (status == CertificateStatus.GOOD) {
                    return Optional.of(new RevocationStatus(origin, thisUpdate, nextUpdate, null, null, false));
                }
                if (status instanceof RevokedStatus revoked) {
                    String reason = revoked.hasRevocationReason()
                            ? java.security.cert.CRLReason.values()[revoked.getRevocationReason()].name() : null;
                    return Optional.of(new RevocationStatus(origin, thisUpdate, nextUpdate,
                            revoked.getRevocationTime().toInstant(), reason, false));
                }
                return Optional.of(new RevocationStatus(origin, thisUpdate, nextUpdate, null, null, true));
            }
            return ignored(origin, "it says nothing about the TSU certificate", suppliedByCaller);
        } catch (Exception e) {
            return ignored(origin, "it cannot be read (" + e.getMessage() + ")", suppliedByCaller);
        }
    }

    private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer) throws Exception {
        if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(issuer.getPublicKey()))) {
            return true;
        }
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (X509CertificateHolder holder : basic.getCerts()) {
            X509Certificate responder = converter.getCertificate(holder);
            List<String> eku = responder.getExtendedKeyUsage();
            if (issuedBy(responder, issuer) && eku != null && eku.contains(OCSP_SIGNING)
                    && holder.isValidOn(basic.getProducedAt())
                    && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(responder))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<RevocationStatus> ignored(String origin, String why, boolean suppliedByCaller) {
        if (suppliedByCaller) {
            LOG.warn("Ignoring {} about a TSU certificate: {}", origin, why);
        } else {
            LOG.debug("Ignoring {} about the TSU certificate: {}", origin, why);
        }
        return Optional.empty();
    }

    private boolean checkTrust(String tsa, X509Certificate tsu, CMSSignedData signedData, Instant genTime) {
        if (trustAnchors.isEmpty()) {
            return false;
        }
        for (TrustAnchor anchor : trustAnchors) {
            if (tsu.equals(anchor.getTrustedCert())) {
                return true;
            }
        }
        ValidityWindow known = trusted.get(tsu);
        if (known != null && known.contains(genTime)) {
            return true;
        }
        try {
            List<X509Certificate> pool = new ArrayList<>();
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> holders = signedData.getCertificates().getMatches(null);
            for (X509CertificateHolder holder : holders) {
                pool.add(converter.getCertificate(holder));
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(tsu);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustAnchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(genTime));
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
            List<X509Certificate> path = new ArrayList<>();
            for (java.security.cert.Certificate c : result.getCertPath().getCertificates()) {
                path.add((X509Certificate) c);
            }
            if (result.getTrustAnchor().getTrustedCert() != null) {
                path.add(result.getTrustAnchor().getTrustedCert());
            }
            Instant notBefore = Instant.MIN;
            Instant notAfter = Instant.MAX;
            for (X509Certificate c : path) {
                notBefore = c.getNotBefore().toInstant().isAfter(notBefore) ? c.getNotBefore().toInstant() : notBefore;
                notAfter = c.getNotAfter().toInstant().isBefore(notAfter) ? c.getNotAfter().toInstant() : notAfter;
            }
            if (trusted.size() >= TRUST_CACHE_SIZE) {
                trusted.clear();
            }
            trusted.put(tsu, new ValidityWindow(notBefore, notAfter));
            return true;
        } catch (GeneralSecurityException e) {
            throw fail(TsaCheck.TRUST, tsa, "the TSU certificate '" + tsu.getSubjectX500Principal().getName()
                    + "' (issuer '" + tsu.getIssuerX500Principal().getName()
                    + "') does not chain to a configured trust anchor at genTime (" + e.getMessage() + ")", e);
        }
    }

    private static String algorithmName(ASN1ObjectIdentifier oid) {
        return Digests.byOid(oid).map(Digests.Algorithm::name).orElse(oid.getId());
    }

    private static String shortHex(byte[] bytes) {
        String hex = org.bouncycastle.util.encoders.Hex.toHexString(bytes);
        return hex.length() > 16 ? hex.substring(0, 16) + "..." : hex;
    }

    private static TsaException fail(TsaCheck check, String tsa, String detail, Throwable cause) {
        return TsaException.failed(check, tsa, detail, hint(check), cause);
    }

    static String hint(TsaCheck check) {
        return switch (check) {
            case PKI_STATUS -> "Check the digest algorithm, the requested policy and the TSA account.";
            case POLICY -> "Add the TSA's policy OID to the allow-list if you accept that policy, or use another TSA.";
            case TRUST -> "Configure the TSA's root certificate as a trust anchor, or use another TSA.";
            case GEN_TIME -> "Check the local clock (NTP) and the TSA's clock; widen the skew only if you must.";
            case TSU_CERTIFICATE -> "The TSA signs with a certificate or key not fit for time-stamping now; use another TSA.";
            case PIN -> "The TSA signs with a certificate you did not pin: if the TSA announced a new TSU certificate or CA,"
                    + " update the pins; otherwise treat it as an attack and use another TSA.";
            case REVOCATION -> "The TSA's signing certificate is revoked: do not use its tokens; use another TSA.";
            default -> "Do not use this reply; retry, or use another TSA. If it persists, contact the TSA operator.";
        };
    }
}
