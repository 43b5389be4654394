package com.certyneo.engine.audit;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * The identifying details of a certificate (for AES: the signer's one-time certificate).
 *
 * @param serialNumber the serial number, lower-case hex without leading zeros
 * @param sha256 lower-case hex SHA-256 fingerprint of the DER encoding
 * @param subject the subject DN (RFC 2253, with EMAILADDRESS, SERIALNUMBER and similar keywords spelled out)
 * @param issuer the issuer DN (RFC 2253)
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record CertificateEvidence(String serialNumber, String sha256, String subject, String issuer,
                                  Instant notBefore, Instant notAfter) {

    /** Names for attributes RFC 2253 would print as OID=#hex. */
    private static final Map<String, String> KEYWORDS = Map.of("1.2.840.113549.1.9.1", "EMAILADDRESS",
            "2.5.4.5", "SERIALNUMBER", "2.5.4.42", "GIVENNAME", "2.5.4.4", "SURNAME", "2.5.4.97", "ORGANIZATIONIDENTIFIER");

    /**
     * Validates the components.
     *
     * @param serialNumber the serial number, lower-case hex without leading zeros
     * @param sha256 lower-case hex SHA-256 fingerprint of the DER encoding
     * @param subject the subject DN (RFC 2253, with EMAILADDRESS, SERIALNUMBER and similar keywords spelled out)
     * @param issuer the issuer DN (RFC 2253)
     * @param notBefore start of validity
     * @param notAfter end of validity
     */
    public CertificateEvidence {
        Checks.require(serialNumber != null && serialNumber.matches("[0-9a-f]{1,64}"),
                "The certificate serial number '" + serialNumber + "' is not lower-case hex", "Give the serial in hex.");
        sha256 = Checks.sha256Hex(sha256, "certificate SHA-256");
        subject = Checks.text(subject, "certificate subject", 1024);
        issuer = Checks.text(issuer, "certificate issuer", 1024);
        notBefore = Checks.millis(notBefore, "certificate notBefore");
        notAfter = Checks.millis(notAfter, "certificate notAfter");
    }

    /**
     * {@return its evidence}
     * @param certificate the certificate
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} when it cannot be encoded
     */
    public static CertificateEvidence of(X509Certificate certificate) {
        try {
            return new CertificateEvidence(certificate.getSerialNumber().toString(16),
                    Digests.sha256Hex(certificate.getEncoded()),
                    certificate.getSubjectX500Principal().getName(X500Principal.RFC2253, KEYWORDS),
                    certificate.getIssuerX500Principal().getName(X500Principal.RFC2253, KEYWORDS),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        } catch (CertificateEncodingException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot encode the certificate "
                    + certificate.getSubjectX500Principal() + ": " + e.getMessage(), "Pass a well-formed X.509 certificate.", e);
        }
    }
}
