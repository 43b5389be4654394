package com.certyneo.engine.pades;

import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.PDFRevisionWrapper;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TimestampWrapper;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.reports.Reports;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wholeFileFindings}: the findings DSS reports for the signature or time-stamp that covers the whole file
 * (see {@link #of(byte[], List, eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource, String)}).
 *
 * <p>What raw DSS 6.2 (its default policy, no engine logic on top) says of each signature and document
 * time-stamp of a PDF: the indications a third party running DSS would see, and every modification
 * finding DSS reports after it (page differences, rendered differences, annotation overlaps,
 * annotation and undefined object changes).
 */
record DssFindings(List<Entry> entries, List<String> wholeFileFindings) {

    /**
     * @param id DSS's id
     * @param timestamp whether it is a document time-stamp
     * @param fieldName the signature field name, when a signature
     * @param indication DSS's indication
     * @param subIndication DSS's sub-indication, or "" when none
     * @param format DSS's signature format (e.g. PAdES-BASELINE-LT), "" for time-stamps
     * @param findings DSS's modification findings, empty when none
     */
    record Entry(String id, boolean timestamp, String fieldName, String indication, String subIndication, String format,
                 List<String> findings) {
    }

    static DssFindings of(byte[] pdf, List<X509Certificate> trusted) {
        return of(pdf, trusted, null);
    }

    /**
     * @param ocsp an OCSP source for certificates whose revocation data the document does not carry
     *             (B-B and B-T signatures), or {@code null} for the document's own data only
     */
    static DssFindings of(byte[] pdf, List<X509Certificate> trusted, eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource ocsp) {
        return of(pdf, trusted, ocsp, null);
    }

    /** As {@link #of(byte[], List, eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource)}, for a document that opens
     * with {@code password} (null when not encrypted). */
    static DssFindings of(byte[] pdf, List<X509Certificate> trusted, eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource ocsp,
                          String password) {
        CommonTrustedCertificateSource anchors = new CommonTrustedCertificateSource();
        trusted.forEach(c -> anchors.addCertificate(new CertificateToken(c)));
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        verifier.setTrustedCertSources(anchors);
        if (ocsp != null) {
            verifier.setOcspSource(ocsp);
        }
        PDFDocumentValidator validator = new PDFDocumentValidator(new InMemoryDocument(pdf, "document.pdf"));
        validator.setCertificateVerifier(verifier);
        if (password != null) {
            validator.setPasswordProtection(password.toCharArray());
        }
        Reports reports = validator.validateDocument();
        SimpleReport simple = reports.getSimpleReport();
        DiagnosticData diagnostic = reports.getDiagnosticData();
        List<Entry> entries = new ArrayList<>();
        for (SignatureWrapper signature : diagnostic.getSignatures()) {
            String id = signature.getId();
            entries.add(new Entry(id, false, signature.getSignatureFieldNames().isEmpty() ? ""
                    : String.join(",", signature.getSignatureFieldNames()),
                    String.valueOf(simple.getIndication(id)),
                    simple.getSubIndication(id) == null ? "" : simple.getSubIndication(id).name(),
                    String.valueOf(simple.getSignatureFormat(id)), findings(signature.getPDFRevision())));
        }
        for (TimestampWrapper timestamp : diagnostic.getTimestampList()) {
            if (timestamp.getPDFRevision() == null) {
                continue; // a signature time-stamp inside a CMS
            }
            String id = timestamp.getId();
            entries.add(new Entry(id, true, "", String.valueOf(simple.getIndication(id)),
                    simple.getSubIndication(id) == null ? "" : simple.getSubIndication(id).name(), "",
                    findings(timestamp.getPDFRevision())));
        }
        // DSS's findings for a signature or time-stamp whose byte range ends where the file does: nothing follows it,
        // so they come from how DSS reads the document's content (annotations without appearance streams that it
        // draws and compares differently per load), and DSS repeats them for any signature added later
        List<String> whole = new ArrayList<>();
        List<PDFRevisionWrapper> revisions = new ArrayList<>();
        diagnostic.getSignatures().forEach(sw -> revisions.add(sw.getPDFRevision()));
        diagnostic.getTimestampList().forEach(t -> revisions.add(t.getPDFRevision()));
        for (PDFRevisionWrapper revision : revisions) {
            List<java.math.BigInteger> range = revision == null ? null : revision.getSignatureByteRange();
            if (range != null && range.size() == 4 && range.get(2).add(range.get(3)).longValue() == pdf.length) {
                whole.addAll(findings(revision));
            }
        }
        return new DssFindings(List.copyOf(entries), List.copyOf(whole));
    }

    private static List<String> findings(PDFRevisionWrapper revision) {
        List<String> found = new ArrayList<>();
        if (revision == null) {
            return found;
        }
        if (!revision.getPdfPageDifferenceConcernedPages().isEmpty()) {
            found.add("page difference " + revision.getPdfPageDifferenceConcernedPages());
        }
        if (!revision.getPdfVisualDifferenceConcernedPages().isEmpty()) {
            found.add("visual difference on page(s) " + revision.getPdfVisualDifferenceConcernedPages());
        }
        if (!revision.getPdfAnnotationsOverlapConcernedPages().isEmpty()) {
            found.add("annotations overlap on page(s) " + revision.getPdfAnnotationsOverlapConcernedPages());
        }
        revision.getPdfAnnotationChanges().forEach(c -> found.add("annotation change " + c.getAction() + " " + c.getValue()));
        revision.getPdfUndefinedChanges().forEach(c -> found.add("undefined change " + c.getAction() + " " + c.getValue()));
        return found;
    }

    /**
     * The pages on which DSS finds annotations that overlap one another, in a document as it is. DSS
     * reports such overlaps for every signature of a document, whoever added the annotations, so
     * overlaps the input already had are not findings a signer causes.
     */
    static java.util.Set<Integer> annotationOverlapPages(byte[] pdf) {
        return annotationOverlapPages(pdf, null);
    }

    /** As {@link #annotationOverlapPages(byte[])}, for a document that opens with {@code password} (or null). */
    static java.util.Set<Integer> annotationOverlapPages(byte[] pdf, String password) {
        try (eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader reader = password == null
                ? new eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader(new InMemoryDocument(pdf, "document.pdf"))
                : new eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader(new InMemoryDocument(pdf, "document.pdf"), password)) {
            java.util.Set<Integer> pages = new java.util.TreeSet<>();
            new eu.europa.esig.dss.pdf.modifications.DefaultPdfDifferencesFinder().getAnnotationOverlaps(reader)
                    .forEach(m -> pages.add(m.getPage()));
            return pages;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the signatures (not document time-stamps), in document order */
    List<Entry> signatures() {
        return entries.stream().filter(e -> !e.timestamp()).toList();
    }
}
