package com.certyneo.engine.pades;

import eu.europa.esig.dss.alert.StatusAlert;
import eu.europa.esig.dss.alert.exception.AlertException;
import eu.europa.esig.dss.alert.status.Status;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.model.x509.Token;
import eu.europa.esig.dss.pades.validation.PAdESSignature;
import eu.europa.esig.dss.spi.signature.AdvancedSignature;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.validation.status.SignatureStatus;
import eu.europa.esig.dss.spi.validation.status.TokenStatus;
import eu.europa.esig.dss.spi.x509.tsp.TimestampToken;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * DSS's signing and augmentation alerts, scoped to what one operation of the engine produces.
 *
 * <p>DSS checks every signature of a document when it adds long-term data, and by default refuses
 * the whole operation when any of them has an expired or untrusted chain, no reachable revocation
 * data, or an invalid value. A document that someone else signed earlier (a national eID, another
 * vendor's product) must still be countersignable, and those signatures are not ours to repair. So a
 * finding about a certificate, time-stamp or signature of this operation (the signing chain, the
 * time-stamps it obtained and their signers) still fails the operation with DSS's message; a finding
 * about anything else becomes a warning that names the earlier signature or certificate, and the
 * operation goes on. One instance per operation; not shared between threads.
 */
final class ScopedAlerts {

    private final Set<String> ownCertificates = new LinkedHashSet<>();
    private final DssTimestampSource timestamps;
    private final Set<String> warnings = new LinkedHashSet<>();

    /**
     * @param chain the chain of the key that signs in this operation (empty for extensions and
     *              document time-stamps)
     * @param timestamps the time-stamp source of this operation, whose tokens and their signers are ours
     */
    ScopedAlerts(List<X509Certificate> chain, DssTimestampSource timestamps) {
        for (X509Certificate certificate : chain) {
            try {
                ownCertificates.add(Digests.sha256Hex(certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("Unencodable certificate in the signing chain", e);
            }
        }
        this.timestamps = timestamps;
    }

    /** Installs the scoped alerts on {@code verifier}. */
    void install(CommonCertificateVerifier verifier) {
        verifier.setAlertOnMissingRevocationData(alert("has no revocation data the engine could obtain (untrusted chain "
                + "or unreachable OCSP/CRL)", "has a certificate without revocation data the engine could obtain"));
        verifier.setAlertOnRevokedCertificate(alert("is revoked", "has a revoked certificate"));
        verifier.setAlertOnExpiredCertificate(alert("has expired", "has an expired certificate"));
        verifier.setAlertOnNotYetValidCertificate(alert("is not yet valid", "has a certificate that is not yet valid"));
        verifier.setAlertOnInvalidSignature(alert("does not verify", "does not verify"));
        verifier.setAlertOnInvalidTimestamp(alert("does not verify", "has a time-stamp that does not verify"));
        verifier.setAugmentationAlertOnSignatureWithoutCertificates(alert("carries no certificates", "carries no certificates"));
        verifier.setAugmentationAlertOnSelfSignedCertificateChains(alert("is self-signed", "has a self-signed chain"));
    }

    /** @return the warnings collected so far, each naming the earlier signature or certificate */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * @param tokenFinding what is wrong, said of a certificate or time-stamp
     * @param signatureFinding what is wrong, said of a signature
     */
    private StatusAlert alert(String tokenFinding, String signatureFinding) {
        return new StatusAlert() {
            @Override
            public void alert(Status status) {
                handle(status, status instanceof SignatureStatus ? signatureFinding : tokenFinding);
            }
        };
    }

    private void handle(Status status, String finding) {
        if (status == null || status.isEmpty()) {
            return;
        }
        List<String> foreign = new ArrayList<>();
        boolean own = false;
        if (status instanceof TokenStatus tokens) {
            own = classify(tokens.getRelatedTokens(), this::isOwn, ScopedAlerts::describe, foreign);
        } else if (status instanceof SignatureStatus signatures) {
            own = classify(signatures.getRelatedSignatures(), this::isOwn, ScopedAlerts::describe, foreign);
        } else {
            own = true; // a finding DSS does not attribute: fail closed
        }
        if (own) {
            throw new AlertException(status.getErrorString());
        }
        for (String what : foreign) {
            warnings.add(what + " " + finding + "; the earlier signature was left exactly as it was, without long-term "
                    + "validation data from this engine");
        }
    }

    private static <T> boolean classify(Collection<T> related, Predicate<T> isOwn,
                                        java.util.function.Function<T, String> describe, List<String> foreign) {
        if (related.isEmpty()) {
            return true;
        }
        boolean own = false;
        for (T item : related) {
            if (isOwn.test(item)) {
                own = true;
            } else {
                foreign.add(describe.apply(item));
            }
        }
        return own;
    }

    private boolean isOwn(Token token) {
        if (token instanceof TimestampToken timestamp) {
            return timestamps != null && timestamps.produced(timestamp.getEncoded());
        }
        if (token instanceof CertificateToken certificate) {
            String id = Digests.sha256Hex(certificate.getEncoded());
            return ownCertificates.contains(id) || timestamps != null && timestamps.signerCertificates().contains(id);
        }
        return true; // revocation data or another token: fail closed
    }

    private boolean isOwn(AdvancedSignature signature) {
        CertificateToken signer = signature.getSigningCertificateToken();
        return signer != null && isOwn(signer);
    }

    private static String describe(Token token) {
        if (token instanceof CertificateToken certificate) {
            return "The certificate '" + certificate.getSubject().getPrincipal().getName() + "' (serial "
                    + certificate.getSerialNumber().toString(16) + ") of an earlier signature";
        }
        if (token instanceof TimestampToken timestamp) {
            return "The earlier time-stamp of " + timestamp.getGenerationTime().toInstant();
        }
        return "The earlier token " + token.getDSSIdAsString();
    }

    private static String describe(AdvancedSignature signature) {
        StringBuilder name = new StringBuilder("The earlier signature");
        if (signature instanceof PAdESSignature pades && pades.getPdfRevision() != null) {
            List<String> fields = pades.getPdfRevision().getFields().stream()
                    .map(eu.europa.esig.dss.pades.validation.PdfSignatureField::getFieldName).toList();
            if (!fields.isEmpty()) {
                name.append(" '").append(String.join("', '", fields)).append('\'');
            }
        }
        CertificateToken signer = signature.getSigningCertificateToken();
        if (signer != null) {
            name.append(" by '").append(signer.getSubject().getPrincipal().getName()).append('\'');
        }
        return name.toString();
    }
}
