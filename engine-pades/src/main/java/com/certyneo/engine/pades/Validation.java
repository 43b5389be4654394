package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import eu.europa.esig.dss.diagnostic.CertificateWrapper;
import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TimestampWrapper;
import eu.europa.esig.dss.enumerations.SubIndication;
import eu.europa.esig.dss.jaxb.object.Message;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.reports.Reports;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Offline validation with DSS's default policy, mapped to the engine's report types. */
final class Validation {

    private final SandboxPki sandboxPki;
    private final InProcessOcspSource sandboxOcsp;
    private final List<X509Certificate> configuredAnchors;
    private final Clock clock;

    Validation(SandboxPki sandboxPki, InProcessOcspSource sandboxOcsp, List<X509Certificate> configuredAnchors,
               Clock clock) {
        this.sandboxPki = sandboxPki;
        this.sandboxOcsp = sandboxOcsp;
        this.configuredAnchors = configuredAnchors;
        this.clock = clock;
    }

    ValidationReport validate(DocumentSource source, ValidationOptions options) {
        String name = source.name();
        byte[] bytes = source.readAllBytes();
        PdfInputs.requirePdfHeader(bytes, name);
        Instant at = options.validationTime().orElseGet(clock::instant);

        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        configuredAnchors.forEach(c -> trusted.addCertificate(new CertificateToken(c)));
        options.trustAnchors().forEach(c -> trusted.addCertificate(new CertificateToken(c)));
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        if (options.trustSandbox() && sandboxPki != null) {
            trusted.addCertificate(new CertificateToken(sandboxPki.rootCertificate()));
            verifier.setOcspSource(sandboxOcsp);
        }
        verifier.setTrustedCertSources(trusted);

        Reports reports;
        try {
            PDFDocumentValidator validator = new PDFDocumentValidator(new InMemoryDocument(bytes, name));
            validator.setCertificateVerifier(verifier);
            validator.setValidationTime(Date.from(at));
            reports = validator.validateDocument();
        } catch (RuntimeException e) {
            SignatureEngineException known = PdfInputs.classify(e, name);
            if (known != null) {
                throw known;
            }
            throw new SignatureEngineException(ErrorCode.VALIDATION_ERROR, "Cannot validate '" + name + "': " + e.getMessage(),
                    "Check that the file is a complete PDF; the cause is attached.", e);
        }
        SimpleReport simple = reports.getSimpleReport();
        DiagnosticData diagnostic = reports.getDiagnosticData();
        List<SignatureValidation> results = new ArrayList<>();
        for (String id : simple.getSignatureIdList()) {
            SignatureWrapper signature = diagnostic.getSignatureById(id);
            String format = formatName(simple.getSignatureFormat(id));
            List<Instant> tsTimes = simple.getSignatureTimestamps(id).stream()
                    .map(XmlTimestamp::getProductionTime).filter(d -> d != null).map(Date::toInstant).toList();
            results.add(new SignatureValidation(id, signature == null ? "" : firstFieldName(signature), false,
                    indication(simple.getIndication(id)), sub(simple.getSubIndication(id)), format, profile(format),
                    nullToEmpty(simple.getSignedBy(id)),
                    signature == null || signature.getSigningCertificate() == null ? ""
                            : readable(signature.getSigningCertificate().getCertificateDN()),
                    instant(simple.getSigningTime(id)), instant(simple.getBestSignatureTime(id)), tsTimes,
                    String.valueOf(simple.getSignatureQualification(id)),
                    signature != null && isSandboxChain(signature.getCertificateChain()),
                    messages(simple.getAdESValidationErrors(id)), messages(simple.getAdESValidationWarnings(id))));
        }
        for (String id : simple.getTimestampIdList()) {
            TimestampWrapper timestamp = diagnostic.getTimestampById(id);
            if (timestamp != null && !timestamp.getType().isDocumentTimestamp()) {
                continue;
            }
            results.add(new SignatureValidation(id, "", true, indication(simple.getIndication(id)),
                    sub(simple.getSubIndication(id)), "RFC3161", Optional.empty(), nullToEmpty(simple.getProducedBy(id)),
                    timestamp == null || timestamp.getSigningCertificate() == null ? ""
                            : readable(timestamp.getSigningCertificate().getCertificateDN()),
                    instant(simple.getProductionTime(id)), instant(simple.getProductionTime(id)),
                    simple.getProductionTime(id) == null ? List.of() : List.of(simple.getProductionTime(id).toInstant()),
                    String.valueOf(simple.getTimestampQualification(id)),
                    timestamp != null && isSandboxChain(timestamp.getCertificateChain()),
                    messages(simple.getAdESValidationErrors(id)), messages(simple.getAdESValidationWarnings(id))));
        }
        return new ValidationReport(name, Digests.sha256Hex(bytes), at, results);
    }

    /** Re-renders an RFC 2253 DN with e-mail addresses spelled out instead of hex-encoded OIDs. */
    static String readable(String dn) {
        try {
            return new javax.security.auth.x500.X500Principal(dn).getName(javax.security.auth.x500.X500Principal.RFC2253,
                    java.util.Map.of("1.2.840.113549.1.9.1", "EMAILADDRESS", "2.5.4.97", "ORGANIZATIONIDENTIFIER",
                            "2.5.4.5", "SERIALNUMBER"));
        } catch (IllegalArgumentException e) {
            return dn;
        }
    }

    private static String firstFieldName(SignatureWrapper signature) {
        List<String> names = signature.getSignatureFieldNames();
        return names == null || names.isEmpty() ? "" : names.get(0);
    }

    private static boolean isSandboxChain(List<CertificateWrapper> chain) {
        for (CertificateWrapper certificate : chain) {
            if (certificate.getCertificatePoliciesOids().stream().anyMatch(o -> o.startsWith(SandboxPki.SANDBOX_POLICY_OID))
                    || certificate.getCertificateDN().toUpperCase(Locale.ROOT).contains("SANDBOX")) {
                return true;
            }
        }
        return false;
    }

    private static String formatName(eu.europa.esig.dss.enumerations.SignatureLevel level) {
        return level == null ? "" : level.toString();
    }

    private static Optional<PadesProfile> profile(String format) {
        String prefix = "PAdES-BASELINE-";
        if (format.startsWith(prefix)) {
            return Optional.of(PadesProfile.parse(format));
        }
        return Optional.empty();
    }

    private static Indication indication(eu.europa.esig.dss.enumerations.Indication indication) {
        if (indication == null) {
            return Indication.INDETERMINATE;
        }
        return switch (indication) {
            case TOTAL_PASSED, PASSED -> Indication.TOTAL_PASSED;
            case TOTAL_FAILED, FAILED -> Indication.TOTAL_FAILED;
            default -> Indication.INDETERMINATE;
        };
    }

    private static Optional<String> sub(SubIndication subIndication) {
        return subIndication == null ? Optional.empty() : Optional.of(subIndication.name());
    }

    private static Optional<Instant> instant(Date date) {
        return date == null ? Optional.empty() : Optional.of(date.toInstant());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static List<String> messages(List<Message> messages) {
        return messages == null ? List.of() : messages.stream().map(Message::getValue).toList();
    }
}
