package com.certyneo.engine.pades;

import com.certyneo.engine.PadesProfile;
import eu.europa.esig.dss.diagnostic.jaxb.XmlDiagnosticData;
import eu.europa.esig.dss.diagnostic.jaxb.XmlSignature;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.model.x509.Token;
import eu.europa.esig.dss.pades.validation.PAdESSignature;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.spi.signature.AdvancedSignature;
import eu.europa.esig.dss.spi.validation.CertificateVerifier;
import eu.europa.esig.dss.spi.validation.CertificateVerifierBuilder;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.validation.SignatureValidationContext;
import eu.europa.esig.dss.spi.validation.status.TokenStatus;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.ListCertificateSource;
import eu.europa.esig.dss.spi.x509.tsp.TimestampToken;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why DSS rates a signature PAdES-BASELINE-T although the document holds the revocation data of its own chain.
 *
 * <p>For B-LT, DSS 6.2 asks for revocation data for every certificate its check of the signature processes (see
 * {@code BaselineRequirementsChecker.minimalLTRequirement}), and that is more than the signature's chains: when it
 * reads the document's validation data, it also processes every certificate that shares its key with one found there
 * (an "equivalent" certificate: a cross-certificate of a CA the document holds). So a cross-certificate that a
 * foreign signer left in the document, that is not trusted and whose revocation data the document lacks, caps every
 * later signature at B-T, the engine's B-LT or B-LTA signatures included, for a validator that does not trust that
 * CA (one whose trusted list names it does, and then rates them at their profile). Nothing a later signer writes can
 * take those certificates out of earlier revisions.
 *
 * <p>The engine's validation report would otherwise show such a signature at B-T with no reason, after the signing
 * result said B-LTA. This class runs DSS's own check again for those signatures (the same validation context, built
 * the same way, offline) and says which certificates it failed on. It runs only for signatures DSS rated B-T whose
 * own signing certificate has revocation data in the document: a B-T signature without long-term data of its own is
 * the ordinary case and gets no message. Signing asks the same question of its own output, with the engine's trust
 * anchors, when the input's /DSS holds cross-certificates ({@link #ofNewSignature}), so that the signing result warns
 * before anyone validates.
 */
final class LongTermShortfall {

    private LongTermShortfall() {
    }

    /**
     * @param signatures DSS's signatures of the document, as its diagnostic data was built from them
     * @param diagnostic that diagnostic data (the format DSS found for each signature)
     * @param verifier   the verifier the validation used (its trust anchors; an offline copy is used here)
     * @return by DSS signature id, the message for each signature that DSS's B-LT check failed on certificates other
     * than its signing certificate
     */
    static Map<String, String> of(List<AdvancedSignature> signatures, XmlDiagnosticData diagnostic,
                                  CertificateVerifier verifier) {
        Map<String, String> messages = new HashMap<>();
        CertificateVerifier offline = null;
        for (XmlSignature xml : diagnostic.getSignatures()) {
            if (xml.getSignatureFormat() != SignatureLevel.PAdES_BASELINE_T) {
                continue;
            }
            AdvancedSignature signature = signatures.stream().filter(s -> s.getId().equals(xml.getId())).findFirst()
                    .orElse(null);
            if (signature == null || signature.getSigningCertificateToken() == null
                    || signature.getCompleteCRLSource().getAllRevocationBinaries().isEmpty()
                    && signature.getCompleteOCSPSource().getAllRevocationBinaries().isEmpty()) {
                continue; // no revocation data at all: an ordinary B-T signature
            }
            if (offline == null) {
                offline = new CertificateVerifierBuilder(verifier).buildOfflineAndSilentCopy();
            }
            Named named = named(signature, offline);
            if (named != null) {
                messages.put(signature.getId(), "PAdES-BASELINE-LT not reached although the document holds this "
                        + "signature's own revocation data: DSS also requires revocation data for " + named.text()
                        + ". " + named.remedy("this signature"));
            }
        }
        return messages;
    }

    /**
     * The warning for a signature the engine has just made at B-LT or B-LTA into a document whose /DSS holds
     * cross-certificates ({@link SigningPipeline#holdsCrossCertificates}): DSS's check of the new signature (the newest
     * of {@code output}), with the engine's trust anchors, offline.
     *
     * @return the warning, or empty when DSS's check passes, or cannot be run (an explanation only: never a failure)
     */
    static Optional<String> ofNewSignature(DSSDocument output,
                                                     Collection<X509Certificate> anchors,
                                                     PadesProfile profile) {
        try {
            CommonTrustedCertificateSource trusted =
                    new CommonTrustedCertificateSource();
            anchors.forEach(c -> trusted.addCertificate(new CertificateToken(c)));
            CommonCertificateVerifier verifier =
                    new CommonCertificateVerifier(true);
            verifier.setTrustedCertSources(trusted);
            PDFDocumentValidator validator =
                    new PDFDocumentValidator(output);
            validator.setCertificateVerifier(verifier);
            char[] password = DocumentPasswords.currentChars();
            if (password != null) {
                validator.setPasswordProtection(password);
            }
            AdvancedSignature newest = null;
            long newestEnd = -1;
            for (AdvancedSignature signature : validator.getSignatures()) {
                if (signature instanceof PAdESSignature pades
                        && pades.getPdfRevision() != null && pades.getPdfRevision().getByteRange() != null) {
                    var range = pades.getPdfRevision().getByteRange();
                    long end = (long) range.getSecondPartStart() + range.getSecondPartEnd(); // the "end" is a length
                    if (end > newestEnd) {
                        newestEnd = end;
                        newest = signature;
                    }
                }
            }
            if (newest == null || newest.getSigningCertificateToken() == null) {
                return Optional.empty();
            }
            Named named = named(newest, new CertificateVerifierBuilder(verifier).buildOfflineAndSilentCopy());
            String claimed = "PAdES-BASELINE-" + profile.label().substring("B-".length());
            return named == null ? Optional.empty() : Optional.of("DSS rates this signature PAdES-BASELINE-T, not "
                    + claimed + ", for a validator that trusts what this engine trusts: it also requires revocation data "
                    + "for " + named.text() + ". " + named.remedy("it"));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The certificates DSS's B-LT check failed on, each named with why.
     *
     * @param text  the certificates, named, with the reasons
     * @param one   whether there is one
     * @param cross whether one of them shares its key with another certificate of the document
     */
    private record Named(String text, boolean one, boolean cross) {
        String remedy(String signature) {
            return (cross ? "DSS checks every certificate of the document's validation data that shares its key with "
                    + "one it uses, whoever added it. " : "")
                    + "A validator that trusts " + (one ? "its authority" : "their authorities") + " (as a trusted list "
                    + "naming " + (one ? "it" : "them") + " does), or revocation data for " + (one ? "it" : "them")
                    + " in the document, rates " + signature + " at its profile";
        }
    }

    /** @return what failed for one signature, or null when its own signing certificate lacks data or nothing failed */
    private static Named named(AdvancedSignature signature, CertificateVerifier offline) {
        LongTermContext context = new LongTermContext();
        context.initialize(offline);
        context.addDocumentCertificateSource(signature.getCompleteCertificateSource());
        context.addDocumentCRLSource(signature.getCompleteCRLSource());
        context.addDocumentOCSPSource(signature.getCompleteOCSPSource());
        CertificateToken signingCertificate = signature.getSigningCertificateToken();
        context.addCertificateTokenForVerification(signingCertificate);
        for (TimestampToken timestamp : signature.getTimestampSource().getAllTimestampsExceptLastArchiveTimestamp()) {
            context.addTimestampTokenForVerification(timestamp);
        }
        context.validate();
        TokenStatus missing = context.missing();
        if (missing.isEmpty() || missing.getRelatedTokens().contains(signingCertificate)) {
            return null;
        }
        ListCertificateSource found = signature.getCompleteCertificateSource();
        List<String> named = new ArrayList<>();
        boolean crossCertificate = false;
        for (Token token : missing.getRelatedTokens()) {
            if (!(token instanceof CertificateToken certificate)) {
                continue;
            }
            StringBuilder entry = new StringBuilder("'").append(Validation.readable(certificate.getSubject().getRFC2253()))
                    .append("' issued by '").append(Validation.readable(certificate.getIssuer().getRFC2253())).append("'");
            List<String> sameKey = found.getByEntityKey(certificate.getEntityKey()).stream()
                    .filter(other -> !other.getDSSIdAsString().equals(certificate.getDSSIdAsString()))
                    .map(other -> "'" + Validation.readable(other.getIssuer().getRFC2253()) + "'").distinct().toList();
            if (!sameKey.isEmpty()) {
                entry.append(" (a cross-certificate: the document also holds this key certified by ")
                        .append(String.join(", ", sameKey)).append(")");
            }
            entry.append(": ").append(reason(missing.getMessageForToken(token)));
            named.add(entry.toString());
            crossCertificate |= !sameKey.isEmpty();
        }
        if (named.isEmpty()) {
            return null;
        }
        return new Named(String.join("; ", named), named.size() == 1, crossCertificate);
    }

    /** DSS's reason for a certificate, in the report's words where it is one of DSS's two usual ones. */
    private static String reason(String dss) {
        if (dss == null || dss.isBlank()) {
            return "the document holds no revocation data for it";
        }
        return switch (dss.strip()) {
            case "Revocation data is skipped for untrusted certificate chain!" ->
                    "its chain is not trusted and the document holds no revocation data for it";
            case "No revocation data found for certificate!" -> "the document holds no revocation data for it";
            default -> dss.strip();
        };
    }

    /** DSS's validation context, with its check of the revocation data B-LT needs made readable. */
    private static final class LongTermContext extends SignatureValidationContext {
        TokenStatus missing() {
            return allRequiredRevocationDataPresent();
        }
    }
}
