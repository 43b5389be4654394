package com.certyneo.engine.pades;

import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationReport;
import eu.europa.esig.dss.diagnostic.CertificateWrapper;
import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TrustServiceWrapper;
import eu.europa.esig.dss.enumerations.CertificateQualification;
import eu.europa.esig.dss.enumerations.SignatureQualification;
import eu.europa.esig.dss.enumerations.ValidationTime;
import eu.europa.esig.dss.i18n.I18nProvider;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.validation.process.qualification.certificate.CertQualificationAtTimeBlock;
import eu.europa.esig.dss.validation.reports.Reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The qualification of each signature (ETSI TS 119 615) as DSS derives it from trusted lists: at signing time
 * (DSS's signature qualification, at the best signature time) and at validation time (the signing certificate's
 * qualification per the same trusted lists at the validation time, combined with the same AdES result), plus the
 * trust service that supports it and the problems of the lists that were not used.
 */
final class Qualifications {

    /** Shown instead of DSS's "N/A", as reports without trusted lists always said. */
    static final String NOT_APPLICABLE = "NA";

    private Qualifications() {
    }

    /**
     * @param report the engine's report
     * @param reports DSS's reports it was made from
     * @param at the validation time
     * @param problems the trusted lists not used, one sentence each: added to every signature's warnings
     * @return the report with each signature's qualification, qualification at validation time and trust service
     */
    static ValidationReport apply(ValidationReport report, Reports reports, Instant at, List<String> problems) {
        SimpleReport simple = reports.getSimpleReport();
        DiagnosticData diagnostic = reports.getDiagnosticData();
        Set<String> ids = Set.copyOf(simple.getSignatureIdList());
        List<SignatureValidation> entries = new ArrayList<>();
        for (SignatureValidation s : report.signatures()) {
            if (s.documentTimestamp() || !ids.contains(s.id())) {
                entries.add(s);
                continue;
            }
            SignatureQualification atSigning = simple.getSignatureQualification(s.id());
            SignatureWrapper signature = diagnostic.getSignatureById(s.id());
            CertificateWrapper certificate = signature == null ? null : signature.getSigningCertificate();
            List<TrustServiceWrapper> services = certificate == null || !certificate.isTrustedListReached()
                    ? List.of() : certificate.getTrustServices();
            SignatureQualification atValidation = atValidation(atSigning, certificate, services, at);
            Instant best = s.bestSignatureTime().orElse(at);
            List<String> warnings = new ArrayList<>(s.warnings());
            warnings.addAll(problems);
            entries.add(s.toBuilder().qualification(label(atSigning)).qualificationAtValidation(label(atValidation))
                    .trustService(service(services, best)).warnings(warnings).build());
        }
        List<String> documentWarnings = new ArrayList<>(report.warnings());
        documentWarnings.addAll(problems);
        return new ValidationReport(report.documentName(), report.documentSha256(), report.validationTime(), entries,
                documentWarnings, report.etsiXml(), report.detailedXml());
    }

    /** @return DSS's readable label ("QESig", "AdESig-QC", "Indeterminate QESig"…), "NA" for not applicable */
    static String label(SignatureQualification q) {
        return q == null || q == SignatureQualification.NA ? NOT_APPLICABLE : q.getReadable();
    }

    /**
     * The signature's qualification with the certificate's qualification at validation time: the AdES outcome
     * ({@code atSigning} says whether the signature is AdES, indeterminate or not AdES) is that of signing time.
     */
    private static SignatureQualification atValidation(SignatureQualification atSigning, CertificateWrapper certificate,
                                                       List<TrustServiceWrapper> services, Instant at) {
        if (atSigning == null || atSigning == SignatureQualification.NA || certificate == null || services.isEmpty()) {
            return SignatureQualification.NA;
        }
        CertificateQualification cert = new CertQualificationAtTimeBlock(new I18nProvider(),
                ValidationTime.VALIDATION_TIME, Date.from(at), certificate, services).execute()
                .getCertificateQualification();
        String name = atSigning.name();
        int group = name.startsWith("NOT_ADES") ? 2 : name.startsWith("INDETERMINATE") ? 1 : 0;
        if (cert == null) {
            return SignatureQualification.NA;
        }
        return switch (cert) {
            case QCERT_FOR_ESIG_QSCD -> pick(group, SignatureQualification.QESIG,
                    SignatureQualification.INDETERMINATE_QESIG, SignatureQualification.NOT_ADES_QC_QSCD);
            case QCERT_FOR_ESEAL_QSCD -> pick(group, SignatureQualification.QESEAL,
                    SignatureQualification.INDETERMINATE_QESEAL, SignatureQualification.NOT_ADES_QC_QSCD);
            case QCERT_FOR_UNKNOWN_QSCD -> pick(group, SignatureQualification.UNKNOWN_QC_QSCD,
                    SignatureQualification.INDETERMINATE_UNKNOWN_QC_QSCD, SignatureQualification.NOT_ADES_QC_QSCD);
            case QCERT_FOR_ESIG -> pick(group, SignatureQualification.ADESIG_QC,
                    SignatureQualification.INDETERMINATE_ADESIG_QC, SignatureQualification.NOT_ADES_QC);
            case QCERT_FOR_ESEAL -> pick(group, SignatureQualification.ADESEAL_QC,
                    SignatureQualification.INDETERMINATE_ADESEAL_QC, SignatureQualification.NOT_ADES_QC);
            case QCERT_FOR_WSA, QCERT_FOR_UNKNOWN -> pick(group, SignatureQualification.UNKNOWN_QC,
                    SignatureQualification.INDETERMINATE_UNKNOWN_QC, SignatureQualification.NOT_ADES_QC);
            case CERT_FOR_ESIG -> pick(group, SignatureQualification.ADESIG,
                    SignatureQualification.INDETERMINATE_ADESIG, SignatureQualification.NOT_ADES);
            case CERT_FOR_ESEAL -> pick(group, SignatureQualification.ADESEAL,
                    SignatureQualification.INDETERMINATE_ADESEAL, SignatureQualification.NOT_ADES);
            case CERT_FOR_WSA, CERT_FOR_UNKNOWN -> pick(group, SignatureQualification.UNKNOWN,
                    SignatureQualification.INDETERMINATE_UNKNOWN, SignatureQualification.NOT_ADES);
            case NA -> SignatureQualification.NA;
        };
    }

    private static SignatureQualification pick(int group, SignatureQualification ades,
                                               SignatureQualification indeterminate, SignatureQualification notAdes) {
        return group == 0 ? ades : group == 1 ? indeterminate : notAdes;
    }

    /** @return the service in effect at {@code time}: "name (CA/QC, granted) in the trusted list of ZZ", or null */
    private static String service(List<TrustServiceWrapper> services, Instant time) {
        Date t = Date.from(time);
        // a service whose qualifiers apply to this certificate (its criteria matched) says more than one without
        List<TrustServiceWrapper> ordered = new ArrayList<>(services);
        ordered.sort(java.util.Comparator.comparing(s -> s.getCapturedQualifierUris() == null
                || s.getCapturedQualifierUris().isEmpty()));
        for (TrustServiceWrapper s : ordered) {
            boolean started = s.getStartDate() == null || !s.getStartDate().after(t);
            boolean notEnded = s.getEndDate() == null || s.getEndDate().after(t);
            if (started && notEnded) {
                String name = s.getServiceNames() == null || s.getServiceNames().isEmpty() ? "unnamed service"
                        : s.getServiceNames().get(0);
                String tsp = s.getTspNames() == null || s.getTspNames().isEmpty() ? "" : " of " + s.getTspNames().get(0);
                return name + tsp + " (" + after(s.getType(), "Svctype/") + ", " + after(s.getStatus(), "Svcstatus/")
                        + ")" + (s.getCountryCode() == null ? "" : " in the trusted list of " + s.getCountryCode());
            }
        }
        return null;
    }

    private static String after(String uri, String marker) {
        if (uri == null) {
            return "?";
        }
        int i = uri.indexOf(marker);
        return i < 0 ? uri : uri.substring(i + marker.length());
    }
}
