package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import eu.europa.esig.dss.enumerations.CertificateStatus;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.spi.x509.aia.AIASource;
import eu.europa.esig.dss.spi.x509.revocation.RevocationToken;
import eu.europa.esig.dss.spi.x509.revocation.crl.CRLSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.CRLToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.x500.X500Principal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers the long-term validation material (PAdES-BASELINE-LT, ETSI EN 319 142-1 §5.4 and §6.3) of
 * what the engine signs, from the chain and tokens it already holds: the signing certificate's chain,
 * the signature time-stamp tokens in the new CMS's unsigned attributes, and/or a document time-stamp
 * token. It never parses or validates the rest of the document, so the material of the N-th signature
 * of a document costs what the first one's did.
 *
 * <p>What is collected, for each of those certificates (the signer, each time-stamping unit):
 * <ul>
 *   <li>the certificates of its chain, built from the certificates available (the given chain, the CMS
 *   and time-stamp token certificates, the certificates already in the document's {@code /DSS}, the
 *   trust anchors and, when the revocation sources have one, the certificates' caIssuers URLs), up to
 *   and including a trust anchor or a self-signed certificate;</li>
 *   <li>revocation data for every certificate of those chains that needs it: not for a trust anchor,
 *   not for a self-signed certificate, not for an OCSP responder certificate with
 *   {@code id-pkix-ocsp-nocheck} (RFC 6960 §4.2.2.2.1). OCSP is preferred and a CRL is the fallback;
 *   data issued after the latest time-stamp involved (the best-signature-time) is preferred over
 *   older data;</li>
 *   <li>for each OCSP response signed by a delegated responder, the responder's certificate, its chain
 *   and, where needed, its revocation data.</li>
 * </ul>
 * A certificate for which no source has an answer is {@link ErrorCode#REVOCATION_UNAVAILABLE}; a
 * certificate that revocation data says is revoked (or on hold) is {@link ErrorCode#CERTIFICATE_REVOKED}.
 * Both messages name the certificate.
 *
 * <p>Immutable and thread-safe when its sources are; each call works on its own state.
 */
final class ValidationMaterialCollector {

    private static final Logger LOG = LoggerFactory.getLogger(ValidationMaterialCollector.class);

    /** Chains longer than this are refused as malformed (a loop the issuer search did not catch). */
    private static final int MAX_CHAIN_LENGTH = 16;
    private static final String OCSP_NOCHECK = OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId();
    private static final String OCSP_SIGNING = KeyPurposeId.id_kp_OCSPSigning.getId();

    private final OCSPSource ocsp;
    private final CRLSource crl;
    private final AIASource aia;
    private final List<X509Certificate> trustAnchors;

    /**
     * @param sources the engine's revocation sources (OCSP, CRL and, when online, caIssuers)
     * @param trustAnchors the engine's trust anchors: chains stop there, and they need no revocation data
     */
    ValidationMaterialCollector(RevocationSources sources, Collection<X509Certificate> trustAnchors) {
        this(sources.ocspSource(), sources.crlSource(), sources.aiaSource(), trustAnchors);
    }

    /**
     * @param ocsp where OCSP responses come from, or {@code null}
     * @param crl where CRLs come from, or {@code null}
     * @param aia fetches missing issuers from caIssuers URLs, or {@code null} (offline)
     * @param trustAnchors chains stop at these, and they need no revocation data
     */
    ValidationMaterialCollector(OCSPSource ocsp, CRLSource crl, AIASource aia, Collection<X509Certificate> trustAnchors) {
        this.ocsp = ocsp;
        this.crl = crl;
        this.aia = aia;
        this.trustAnchors = List.copyOf(trustAnchors);
    }

    /**
     * The material of a new signature.
     *
     * @param chain the signing certificate's chain, signing certificate first (may be empty or partial
     *              when {@code cms} carries the certificates)
     * @param cms the DER CMS SignedData of the signature (the PDF {@code /Contents}, trailing zero padding
     *            allowed), whose signature time-stamp tokens are covered too; or {@code null}
     * @return the certificates, OCSP responses and CRLs a validator needs
     * @throws SignatureEngineException {@link ErrorCode#REVOCATION_UNAVAILABLE} or
     *                                  {@link ErrorCode#CERTIFICATE_REVOKED}, naming the certificate
     */
    ValidationMaterial forSignature(List<X509Certificate> chain, byte[] cms) {
        return collect(chain, cms, null, ValidationMaterial.empty());
    }

    /**
     * The material of a document time-stamp (B-LTA).
     *
     * @param timestampToken the DER time-stamp token (a CMS ContentInfo), trailing zero padding allowed
     * @return the TSU chain and its revocation data
     * @throws SignatureEngineException as {@link #forSignature}
     */
    ValidationMaterial forDocumentTimestamp(byte[] timestampToken) {
        return collect(List.of(), null, timestampToken, ValidationMaterial.empty());
    }

    /**
     * Collects the material of a signature and/or a document time-stamp, and returns only what the
     * document does not already hold.
     *
     * @param chain the signing certificate's chain, signing certificate first, or empty/{@code null}
     * @param cms the DER CMS of the new signature, or {@code null}
     * @param documentTimestamp a DER document time-stamp token, or {@code null}
     * @param present what the document's {@code /DSS} already holds (its certificates also serve as
     *                issuer candidates), or {@link ValidationMaterial#empty()}
     * @return the material needed, minus what is present
     * @throws SignatureEngineException {@link ErrorCode#REVOCATION_UNAVAILABLE} or
     *                                  {@link ErrorCode#CERTIFICATE_REVOKED}, naming the certificate;
     *                                  {@link ErrorCode#SIGNING_FAILED} for an unreadable CMS or token;
     *                                  {@link ErrorCode#INVALID_REQUEST} when there is nothing to collect for
     */
    ValidationMaterial collect(List<X509Certificate> chain, byte[] cms, byte[] documentTimestamp,
                               ValidationMaterial present) {
        return collect(chain, cms, documentTimestamp, present, null, false);
    }

    /**
     * The material an existing signature or document time-stamp of a document still lacks (an extension to
     * B-LT): as {@link #collect}, and the OCSP responses and CRLs already in the document's {@code /DSS} are
     * used first, so that a signature whose data is all there costs no request and adds nothing. Data
     * already present is reused when it was issued after the best-signature-time, and an older one only when
     * no source has anything better.
     *
     * @param cms the CMS of a signature of the document (its signature time-stamps are covered too), or
     *            {@code null}
     * @param documentTimestamp a document time-stamp token of the document, or {@code null}
     * @param proofOfExistence for a signature without a signature time-stamp, the time of the earliest
     *                         document time-stamp that covers it (its best-signature-time: revocation data
     *                         issued after it is preferred), else {@code null}
     * @param present what the document's {@code /DSS} holds
     * @return the material needed, minus what is present
     * @throws SignatureEngineException as {@link #collect}
     */
    ValidationMaterial lacking(byte[] cms, byte[] documentTimestamp, Date proofOfExistence, ValidationMaterial present) {
        return collect(List.of(), cms, documentTimestamp, present, proofOfExistence, true);
    }

    /**
     * Whether the signing certificate of a signature CMS or of a time-stamp token chains, through the
     * certificates available (as {@link #collect} finds issuers, revocation data aside), to one of the
     * engine's trust anchors.
     *
     * @param cms a signature CMS or a time-stamp token (a CMS too)
     * @param present what the document's {@code /DSS} holds (issuer candidates)
     */
    boolean chainsToTrustAnchor(byte[] cms, ValidationMaterial present) {
        try {
            CMSSignedData signed = parseCms(cms, "CMS");
            Run run = new Run(present == null ? ValidationMaterial.empty() : present, false);
            run.addCandidates(certificates(signed.getCertificates()));
            SignerInformation info = signed.getSignerInfos().getSigners().stream().findFirst().orElse(null);
            if (info == null) {
                return false;
            }
            X509Certificate certificate = signerCertificate(signed.getCertificates(), info.getSID(), "CMS");
            for (int depth = 0; depth < MAX_CHAIN_LENGTH && certificate != null; depth++) {
                if (run.isTrustAnchor(certificate)) {
                    return true;
                }
                if (selfSigned(certificate)) {
                    return false;
                }
                certificate = run.issuerOf(certificate);
            }
            return false;
        } catch (SignatureEngineException e) {
            return false;
        }
    }

    private ValidationMaterial collect(List<X509Certificate> chain, byte[] cms, byte[] documentTimestamp,
                                       ValidationMaterial present, Date proofOfExistence, boolean reuse) {
        List<X509Certificate> given = chain == null ? List.of() : chain;
        ValidationMaterial already = present == null ? ValidationMaterial.empty() : present;
        Run run = new Run(already, reuse);
        run.addCandidates(given);

        X509Certificate signer = given.isEmpty() ? null : given.get(0);
        List<Signed> timestamps = new ArrayList<>();
        if (cms != null) {
            CMSSignedData signed = parseCms(cms, "signature CMS");
            run.addCandidates(certificates(signed.getCertificates()));
            SignerInformation info = signed.getSignerInfos().getSigners().stream().findFirst().orElseThrow(
                    () -> malformed("The signature CMS has no SignerInfo", null));
            if (signer == null) {
                signer = signerCertificate(signed.getCertificates(), info.getSID(), "signature CMS");
            }
            timestamps.addAll(signatureTimestamps(info));
        }
        if (documentTimestamp != null) {
            timestamps.add(timestamp(toContentInfo(documentTimestamp, "document time-stamp token"),
                    "document time-stamp token"));
        }
        if (signer == null && timestamps.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "No signing certificate, signature or document time-stamp to collect validation material for",
                    "Give the new signature's chain or CMS, or a document time-stamp token.");
        }
        for (Signed timestamp : timestamps) {
            run.addCandidates(timestamp.certificates());
            if (run.freshAfter == null || timestamp.time().after(run.freshAfter)) {
                run.freshAfter = timestamp.time();
            }
        }
        if (proofOfExistence != null && (run.freshAfter == null || proofOfExistence.after(run.freshAfter))) {
            run.freshAfter = proofOfExistence;
        }
        if (signer != null) {
            run.addChain(signer);
        }
        for (Signed timestamp : timestamps) {
            run.addChain(timestamp.signer());
        }
        return run.material().minus(already);
    }

    /** A time-stamp token: its signing (TSU) certificate, the certificates it carries, its genTime. */
    private record Signed(X509Certificate signer, List<X509Certificate> certificates, Date time) {
    }

    /** The signature time-stamp tokens (id-aa-signatureTimeStampToken) among the unsigned attributes. */
    private List<Signed> signatureTimestamps(SignerInformation info) {
        AttributeTable unsigned = info.getUnsignedAttributes();
        if (unsigned == null) {
            return List.of();
        }
        List<Signed> result = new ArrayList<>();
        var attributes = unsigned.getAll(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
        for (int i = 0; i < attributes.size(); i++) {
            for (ASN1Encodable value : Attribute.getInstance(attributes.get(i)).getAttrValues()) {
                result.add(timestamp(ContentInfo.getInstance(value), "signature time-stamp token"));
            }
        }
        return result;
    }

    private Signed timestamp(ContentInfo contentInfo, String what) {
        try {
            TimeStampToken token = new TimeStampToken(contentInfo);
            List<X509Certificate> certificates = certificates(token.getCertificates());
            X509Certificate tsu = signerCertificate(token.getCertificates(), token.getSID(), what);
            return new Signed(tsu, certificates, token.getTimeStampInfo().getGenTime());
        } catch (TSPException | IOException | IllegalArgumentException e) {
            throw malformed("The " + what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The certificate of {@code store} that {@code sid} designates. */
    private X509Certificate signerCertificate(Store<X509CertificateHolder> store, SignerId sid, String what) {
        Collection<X509CertificateHolder> matches = store.getMatches(sid);
        if (matches.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.REVOCATION_UNAVAILABLE, "The " + what
                    + " does not carry its signing certificate, so its revocation data cannot be looked up",
                    "Give the signing certificate chain, or configure the time-stamp authority to include its certificate.");
        }
        try {
            return certificate(matches.iterator().next().getEncoded());
        } catch (IOException e) {
            throw malformed("The " + what + " has an unreadable certificate: " + e.getMessage(), e);
        }
    }

    private static CMSSignedData parseCms(byte[] der, String what) {
        try {
            return new CMSSignedData(toContentInfo(der, what));
        } catch (CMSException | IllegalArgumentException e) {
            throw malformed("The " + what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The first DER object of {@code der}, ignoring the zero padding a PDF {@code /Contents} has after it. */
    private static ContentInfo toContentInfo(byte[] der, String what) {
        try (ASN1InputStream in = new ASN1InputStream(der)) {
            ASN1Primitive object = in.readObject();
            if (object == null) {
                throw malformed("The " + what + " is empty", null);
            }
            return ContentInfo.getInstance(object);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw malformed("The " + what + " is not DER ContentInfo: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Store<X509CertificateHolder> store) {
        List<X509Certificate> result = new ArrayList<>();
        for (X509CertificateHolder holder : store.getMatches(null)) {
            try {
                result.add(certificate(holder.getEncoded()));
            } catch (IOException | SignatureEngineException e) {
                LOG.debug("Skipping an unreadable certificate: {}", e.getMessage());
            }
        }
        return result;
    }

    private static List<X509Certificate> parseCertificates(List<byte[]> ders) {
        List<X509Certificate> result = new ArrayList<>(ders.size());
        for (byte[] der : ders) {
            try {
                result.add(certificate(der));
            } catch (SignatureEngineException e) {
                LOG.debug("Skipping an unreadable certificate of the document security store: {}", e.getMessage());
            }
        }
        return result;
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw malformed("Unreadable certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw malformed("Unencodable certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static SignatureEngineException malformed(String message, Throwable cause) {
        return new SignatureEngineException(ErrorCode.SIGNING_FAILED, message,
                "The signature or time-stamp the engine was given is damaged; the cause is attached.", cause);
    }

    /** @return "'subject DN' (serial hex)", the way the engine names a certificate in messages */
    static String describe(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "' (serial "
                + certificate.getSerialNumber().toString(16) + ")";
    }

    /** Whether {@code certificate} is signed by {@code key}. */
    private static boolean signedBy(X509Certificate certificate, PublicKey key) {
        return LightweightEcdsa.signedBy(certificate, key);
    }

    private static boolean selfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && signedBy(certificate, certificate.getPublicKey());
    }

    private static boolean hasExtendedKeyUsage(X509Certificate certificate, String oid) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages != null && usages.contains(oid);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static String issuer(CertificateToken issuer) {
        return describe(issuer.getCertificate());
    }

    /** Whether a CRL covers only part of its issuer's certificates (it has an issuingDistributionPoint, RFC 5280 §5.2.5). */
    private static boolean partitioned(byte[] crlDer) {
        try {
            org.bouncycastle.asn1.x509.Extensions extensions = org.bouncycastle.asn1.x509.CertificateList.getInstance(crlDer)
                    .getTBSCertList().getExtensions();
            return extensions != null
                    && extensions.getExtension(org.bouncycastle.asn1.x509.Extension.issuingDistributionPoint) != null;
        } catch (RuntimeException e) {
            return true; // not reused when in doubt
        }
    }

    /** An OCSP responder certificate that RFC 6960 §4.2.2.2.1 exempts from revocation checking. */
    private static boolean ocspNoCheck(X509Certificate certificate) {
        return certificate.getExtensionValue(OCSP_NOCHECK) != null && hasExtendedKeyUsage(certificate, OCSP_SIGNING);
    }

    /** The state of one collection: the certificate pool, the results, what has been looked at. */
    private final class Run {
        private final Map<X500Principal, List<X509Certificate>> bySubject = new HashMap<>();
        private final Set<ByteBuffer> pooled = new HashSet<>();
        private final Map<ByteBuffer, byte[]> certificatesOut = new LinkedHashMap<>();
        private final Map<ByteBuffer, byte[]> ocspsOut = new LinkedHashMap<>();
        private final Map<ByteBuffer, byte[]> crlsOut = new LinkedHashMap<>();
        private final Set<ByteBuffer> checked = new HashSet<>();
        private final Set<ByteBuffer> aiaAsked = new HashSet<>();
        /** Full (not partitioned) CRLs collected in this run, by issuer: one download serves every certificate of a CA. */
        private final Map<ByteBuffer, CRLToken> crlByIssuer = new HashMap<>();
        /** Revocation data issued after this (the latest time-stamp involved) is preferred; {@code null}: no time-stamp. */
        private Date freshAfter;
        /** The document's /DSS: its certificates are parsed only when an issuer is not found otherwise. */
        private ValidationMaterial present;
        /** The document's /DSS OCSP responses and CRLs, reused before any source is asked; {@code null}: none. */
        private final StoredRevocation stored;

        /** @param reuse whether the OCSP responses and CRLs of {@code present} serve before the sources are asked */
        Run(ValidationMaterial present, boolean reuse) {
            this.present = present.isEmpty() ? null : present;
            this.stored = !reuse || present.ocspResponses().isEmpty() && present.crls().isEmpty() ? null
                    : new StoredRevocation(present);
            addCandidates(trustAnchors);
        }

        void addCandidates(Collection<X509Certificate> certificates) {
            for (X509Certificate certificate : certificates) {
                if (certificate != null && pooled.add(ByteBuffer.wrap(encoded(certificate)))) {
                    bySubject.computeIfAbsent(certificate.getSubjectX500Principal(), k -> new ArrayList<>()).add(certificate);
                }
            }
        }

        ValidationMaterial material() {
            return new ValidationMaterial(List.copyOf(certificatesOut.values()), List.copyOf(ocspsOut.values()),
                    List.copyOf(crlsOut.values()));
        }

        /**
         * Adds {@code leaf} and its chain up to a trust anchor or a self-signed certificate, with the
         * revocation data of each certificate that needs it.
         */
        void addChain(X509Certificate leaf) {
            X509Certificate certificate = leaf;
            for (int depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
                byte[] der = encoded(certificate);
                ByteBuffer key = ByteBuffer.wrap(der);
                certificatesOut.putIfAbsent(key, der);
                if (!checked.add(key) || isTrustAnchor(certificate) || selfSigned(certificate)) {
                    return; // done before (the rest of the chain too), or the chain ends here
                }
                X509Certificate issuer = issuerOf(certificate);
                if (issuer == null) {
                    throw new SignatureEngineException(ErrorCode.REVOCATION_UNAVAILABLE, "Cannot obtain revocation data for "
                            + describe(certificate) + ": its issuer '" + certificate.getIssuerX500Principal().getName()
                            + "' is not among the certificates the engine holds" + (aia == null ? "" : " nor at its caIssuers URL"),
                            "Configure the full certificate chain (up to the root) with the key, or trust the issuing CA.");
                }
                if (!ocspNoCheck(certificate)) {
                    addRevocation(certificate, issuer);
                }
                certificate = issuer;
            }
            throw malformed("The chain of " + describe(leaf) + " is longer than " + MAX_CHAIN_LENGTH + " certificates", null);
        }

        private boolean isTrustAnchor(X509Certificate certificate) {
            for (X509Certificate anchor : trustAnchors) {
                if (anchor.getSubjectX500Principal().equals(certificate.getSubjectX500Principal())
                        && anchor.getPublicKey().equals(certificate.getPublicKey())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The issuer of {@code certificate} among the pool (a trust anchor first), else among the
         * certificates already in the document's /DSS, else from its caIssuers URL.
         */
        private X509Certificate issuerOf(X509Certificate certificate) {
            X509Certificate found = issuerInPool(certificate);
            if (found == null && present != null) {
                addCandidates(parseCertificates(present.certificates()));
                present = null; // once per run: the work does not grow with the document unless it must
                found = issuerInPool(certificate);
            }
            if (found == null && aia != null && aiaAsked.add(ByteBuffer.wrap(encoded(certificate)))) {
                try {
                    List<X509Certificate> fetched = new ArrayList<>();
                    for (CertificateToken token : aia.getCertificatesByAIA(new CertificateToken(certificate))) {
                        fetched.add(token.getCertificate());
                    }
                    addCandidates(fetched);
                } catch (RuntimeException e) {
                    LOG.warn("caIssuers lookup failed for {}: {}", describe(certificate), e.getMessage());
                }
                found = issuerInPool(certificate);
            }
            return found;
        }

        private X509Certificate issuerInPool(X509Certificate certificate) {
            X509Certificate found = null;
            for (X509Certificate candidate : bySubject.getOrDefault(certificate.getIssuerX500Principal(), List.of())) {
                if (!candidate.equals(certificate) && signedBy(certificate, candidate.getPublicKey())) {
                    if (isTrustAnchor(candidate)) {
                        return candidate;
                    }
                    if (found == null) {
                        found = candidate;
                    }
                }
            }
            return found;
        }

        /**
         * Adds the revocation data of {@code certificate}: a usable OCSP response, else a CRL; data issued
         * after {@link #freshAfter} is preferred. Fails on a revoked certificate and on no data at all.
         */
        private void addRevocation(X509Certificate certificate, X509Certificate issuer) {
            CertificateToken subject = new CertificateToken(certificate);
            CertificateToken issuerToken = new CertificateToken(issuer);
            List<String> refused = new ArrayList<>();
            OCSPToken storedResponse = null;
            CRLToken storedList = null;
            if (stored != null) { // what the document holds already: no request when it will do
                storedResponse = usableOcsp(stored.ocsp, certificate, issuer, subject, issuerToken, new ArrayList<>());
                if (storedResponse != null && fresh(storedResponse)) {
                    addOcsp(certificate, issuer, storedResponse);
                    return;
                }
                storedList = usableCrl(stored.crl, certificate, subject, issuerToken, new ArrayList<>());
                if (storedList != null && fresh(storedList)) {
                    addCrl(certificate, storedList);
                    return;
                }
            }
            if (addFromSources(certificate, issuer, subject, issuerToken, refused)) {
                return;
            }
            if (storedResponse != null) {
                addOcsp(certificate, issuer, storedResponse);
                return;
            }
            if (storedList != null) {
                addCrl(certificate, storedList);
                return;
            }
            throw new SignatureEngineException(ErrorCode.REVOCATION_UNAVAILABLE, "Cannot obtain revocation data for "
                    + describe(certificate) + ", issued by '" + issuer.getSubjectX500Principal().getName()
                    + "': no usable OCSP response or CRL from the engine's revocation sources"
                    + (refused.isEmpty() ? "" : " (" + String.join("; ", refused) + ")"),
                    "Check that the OCSP/CRL services named in the certificates answer, or supply revocation data.");
        }

        /** The engine's sources: a fresh OCSP response, else a CRL, else a stale response; whether one was added. */
        private boolean addFromSources(X509Certificate certificate, X509Certificate issuer, CertificateToken subject,
                                       CertificateToken issuerToken, List<String> refused) {
            OCSPToken response = usableOcsp(ocsp, certificate, issuer, subject, issuerToken, refused);
            if (response != null && fresh(response)) {
                addOcsp(certificate, issuer, response);
                return true;
            }
            CRLToken list = usableCrl(crl, certificate, subject, issuerToken, refused);
            if (list != null && (fresh(list) || response == null)) {
                addCrl(certificate, list);
                return true;
            }
            if (response != null) {
                addOcsp(certificate, issuer, response);
                return true;
            }
            return false;
        }

        /**
         * Whether {@code token} was issued after the best-signature-time (ETSI EN 319 102-1 freshness, as DSS
         * checks it), to the second: OCSP responses and CRLs usually carry whole seconds while time-stamps
         * carry fractions, so data produced in the same second as the time-stamp counts as fresh.
         */
        private boolean fresh(RevocationToken<?> token) {
            if (freshAfter == null) {
                return true;
            }
            Date thisUpdate = token.getThisUpdate();
            return thisUpdate != null && thisUpdate.getTime() >= freshAfter.getTime() / 1000 * 1000;
        }

        private OCSPToken usableOcsp(OCSPSource ocsp, X509Certificate certificate, X509Certificate issuer,
                                     CertificateToken subject, CertificateToken issuerToken, List<String> refused) {
            if (ocsp == null) {
                return null;
            }
            OCSPToken token;
            try {
                token = ocsp instanceof RevocationSources.RecentOcspSource recent // a cache skips what is too old
                        ? recent.getRevocationToken(subject, issuerToken, freshAfter)
                        : ocsp.getRevocationToken(subject, issuerToken);
            } catch (RuntimeException e) {
                refused.add("OCSP failed: " + e.getMessage());
                return null;
            }
            if (token == null) {
                return null;
            }
            CertificateToken responder = token.getIssuerCertificateToken();
            if (!token.isValid() || responder == null) {
                refused.add("the OCSP response does not verify");
                return null;
            }
            X509Certificate responderCertificate = responder.getCertificate();
            if (responderCertificate.equals(certificate)) {
                refused.add("the OCSP response is signed by the certificate it is about");
                return null;
            }
            if (!isTrustAnchor(responderCertificate) && !responderCertificate.getPublicKey().equals(issuer.getPublicKey())
                    && !(responderCertificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                    && signedBy(responderCertificate, issuer.getPublicKey())
                    && hasExtendedKeyUsage(responderCertificate, OCSP_SIGNING))) {
                refused.add("the OCSP response is signed by '" + responderCertificate.getSubjectX500Principal().getName()
                        + "', which the issuer did not delegate to");
                return null;
            }
            if (token.getStatus() == CertificateStatus.REVOKED) {
                throw revoked(certificate, token);
            }
            if (token.getStatus() != CertificateStatus.GOOD) {
                refused.add("the OCSP status is " + token.getStatus());
                return null;
            }
            return token;
        }

        private CRLToken usableCrl(CRLSource crl, X509Certificate certificate, CertificateToken subject,
                                   CertificateToken issuerToken, List<String> refused) {
            if (crl == null) {
                return null;
            }
            CRLToken token = null;
            ByteBuffer issuerKey = ByteBuffer.wrap(encoded(issuerToken.getCertificate()));
            boolean fromDocument = stored != null && crl == stored.crl;
            CRLToken known = fromDocument ? null : crlByIssuer.get(issuerKey);
            if (known != null && fresh(known)) {
                try {
                    token = new CRLToken(subject, known.getCrlValidity());
                } catch (RuntimeException e) {
                    LOG.debug("The CRL already collected for {} does not serve {}: {}", issuer(issuerToken),
                            describe(certificate), e.getMessage());
                }
            }
            if (token == null) {
                try {
                    token = crl instanceof RevocationSources.RecentCrlSource recent
                            ? recent.getRevocationToken(subject, issuerToken, freshAfter)
                            : crl.getRevocationToken(subject, issuerToken);
                } catch (RuntimeException e) {
                    refused.add("CRL failed: " + e.getMessage());
                    return null;
                }
            }
            if (token == null) {
                return null;
            }
            if (!token.isValid()) {
                refused.add("the CRL does not verify against the issuer");
                return null;
            }
            if (token.getStatus() == CertificateStatus.REVOKED) {
                throw revoked(certificate, token);
            }
            if (token.getStatus() != CertificateStatus.GOOD) {
                refused.add("the CRL status is " + token.getStatus());
                return null;
            }
            if (!fromDocument && !partitioned(token.getEncoded())) {
                crlByIssuer.putIfAbsent(issuerKey, token);
            }
            return token;
        }

        private void addOcsp(X509Certificate certificate, X509Certificate issuer, OCSPToken token) {
            warnIfStale(certificate, token);
            byte[] der = stored == null ? token.getEncoded() : stored.original(token); // a stored response keeps its bytes
            ocspsOut.putIfAbsent(ByteBuffer.wrap(der), der);
            X509Certificate responder = token.getIssuerCertificateToken().getCertificate();
            if (!responder.getPublicKey().equals(issuer.getPublicKey())) { // not the CA itself: a delegated responder
                List<X509Certificate> carried = new ArrayList<>();
                token.getCertificateSource().getCertificates().forEach(c -> carried.add(c.getCertificate()));
                addCandidates(carried);
                addChain(responder); // the delegated responder, its chain and (without nocheck) its revocation data
            }
        }

        private void addCrl(X509Certificate certificate, CRLToken token) {
            warnIfStale(certificate, token);
            byte[] der = token.getEncoded();
            crlsOut.putIfAbsent(ByteBuffer.wrap(der), der);
        }

        private void warnIfStale(X509Certificate certificate, RevocationToken<?> token) {
            if (!fresh(token)) {
                LOG.warn("The only revocation data for {} was issued at {}, before the best-signature-time {}; "
                        + "validators may ask for fresher data", describe(certificate), token.getThisUpdate(), freshAfter);
            }
        }

        private SignatureEngineException revoked(X509Certificate certificate, RevocationToken<?> token) {
            return new SignatureEngineException(ErrorCode.CERTIFICATE_REVOKED, "Cannot build long-term validation data: "
                    + describe(certificate) + " is revoked since " + (token.getRevocationDate() == null ? "an unknown time"
                    : token.getRevocationDate().toInstant()) + (token.getReason() == null ? "" : " (" + token.getReason() + ")")
                    + " according to its " + token.getRevocationType(),
                    "The named certificate is revoked; sign with a valid certificate.");
        }
    }

    /**
     * The OCSP responses and CRLs of a document's {@code /DSS}, as a revocation source: each is parsed once, and
     * a response keeps the bytes it has in the document (so that it is recognised as present).
     */
    private static final class StoredRevocation {
        /** The stored OCSP responses, as a source. */
        final OCSPSource ocsp = this::ocsp;
        /** The stored CRLs, as a source. */
        final CRLSource crl = this::crl;
        private final List<byte[]> ocspDers;
        private final List<byte[]> crlDers;
        private List<org.bouncycastle.cert.ocsp.BasicOCSPResp> responses;
        private final Map<OCSPToken, byte[]> originals = new java.util.IdentityHashMap<>();
        private final Map<org.bouncycastle.cert.ocsp.BasicOCSPResp, byte[]> byResponse = new java.util.IdentityHashMap<>();

        StoredRevocation(ValidationMaterial present) {
            this.ocspDers = present.ocspResponses();
            this.crlDers = present.crls();
        }

        private OCSPToken ocsp(CertificateToken certificate, CertificateToken issuer) {
            if (responses == null) {
                responses = new ArrayList<>();
                for (byte[] der : ocspDers) {
                    try {
                        org.bouncycastle.cert.ocsp.BasicOCSPResp basic = RevocationSources.parseOcsp(der);
                        responses.add(basic);
                        byResponse.put(basic, der);
                    } catch (Exception e) {
                        LOG.debug("Skipping an unreadable OCSP response of the document security store: {}", e.getMessage());
                    }
                }
            }
            OCSPToken best = null;
            for (org.bouncycastle.cert.ocsp.BasicOCSPResp basic : responses) {
                try {
                    org.bouncycastle.cert.ocsp.SingleResp single =
                            eu.europa.esig.dss.spi.DSSRevocationUtils.getLatestSingleResponse(basic, certificate, issuer);
                    if (single == null) {
                        continue;
                    }
                    OCSPToken token = new OCSPToken(basic, single, certificate, issuer);
                    if (!token.isValid()) {
                        continue;
                    }
                    if (best == null || token.getThisUpdate() != null && best.getThisUpdate() != null
                            && token.getThisUpdate().after(best.getThisUpdate())) {
                        best = token;
                    }
                    originals.put(token, byResponse.get(basic));
                } catch (RuntimeException e) {
                    LOG.debug("An OCSP response of the document security store does not serve {}: {}",
                            describe(certificate.getCertificate()), e.getMessage());
                }
            }
            return best;
        }

        private CRLToken crl(CertificateToken certificate, CertificateToken issuer) {
            CRLToken best = null;
            for (byte[] der : crlDers) {
                try {
                    eu.europa.esig.dss.crl.CRLBinary binary = eu.europa.esig.dss.crl.CRLUtils.buildCRLBinary(der);
                    eu.europa.esig.dss.crl.CRLValidity validity = eu.europa.esig.dss.crl.CRLUtils.buildCRLValidity(binary, issuer);
                    if (!validity.isValid()) {
                        continue;
                    }
                    CRLToken token = new CRLToken(certificate, validity);
                    if (best == null || token.getThisUpdate() != null && best.getThisUpdate() != null
                            && token.getThisUpdate().after(best.getThisUpdate())) {
                        best = token;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("A CRL of the document security store does not serve {}: {}",
                            describe(certificate.getCertificate()), e.getMessage());
                }
            }
            return best;
        }

        /** The bytes {@code token} has in the document (its own encoding for a token that is not from here). */
        byte[] original(OCSPToken token) {
            byte[] der = originals.get(token);
            return der != null ? der : token.getEncoded();
        }
    }
}
