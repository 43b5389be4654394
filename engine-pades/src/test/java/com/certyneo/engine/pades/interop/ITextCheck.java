package com.certyneo.engine.pades.interop;

import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfReader;
import com.itextpdf.kernel.pdf.ReaderProperties;
import com.itextpdf.signatures.PdfPKCS7;
import com.itextpdf.signatures.SignatureUtil;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What iText 9 (kernel + sign; AGPL, used in tests only) reads from a signed PDF: opened with {@link PdfReader} at
 * {@link PdfReader.StrictnessLevel#CONSERVATIVE} (and the user password when encrypted), through
 * {@link SignatureUtil}: every signature and document time-stamp by name, whether its CMS verifies over its byte
 * range ({@link PdfPKCS7#verifySignatureIntegrityAndAuthenticity()}), whether it covers the whole document, and
 * the number of signed revisions iText counts.
 *
 * @param signatures    per signature field name, in iText's revision order, whether it verifies (a CMS iText cannot
 *                      parse counts as not verifying)
 * @param lastName      the name of the signature of the last signed revision, or null when there is none
 * @param lastCoversWholeDocument whether {@code lastName} covers the whole file
 * @param totalRevisions {@link SignatureUtil#getTotalRevisions()}
 * @param blankFields   the empty signature fields
 * @param rebuiltXref   whether iText had to rebuild the cross-reference table to open the file
 */
public record ITextCheck(Map<String, Boolean> signatures, String lastName, boolean lastCoversWholeDocument,
                         int totalRevisions, List<String> blankFields, boolean rebuiltXref) {

    /**
     * @param pdf      the file
     * @param password the user password, or null
     * @return what iText reads
     * @throws RuntimeException when iText cannot open the file at all
     */
    public static ITextCheck of(byte[] pdf, String password) {
        ReaderProperties properties = new ReaderProperties();
        if (password != null) {
            properties.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        try (PdfReader reader = new PdfReader(new ByteArrayInputStream(pdf), properties)) {
            reader.setStrictnessLevel(PdfReader.StrictnessLevel.CONSERVATIVE);
            try (PdfDocument document = new PdfDocument(reader)) {
                SignatureUtil util = new SignatureUtil(document);
                Map<String, Boolean> verified = new LinkedHashMap<>();
                String last = null;
                int lastRevision = 0;
                for (String name : util.getSignatureNames()) {
                    verified.put(name, verifies(util, name));
                    int revision = util.getRevision(name);
                    if (revision > lastRevision) {
                        lastRevision = revision;
                        last = name;
                    }
                }
                return new ITextCheck(verified, last, last != null && util.signatureCoversWholeDocument(last),
                        util.getTotalRevisions(), List.copyOf(util.getBlankSignatureNames()), reader.hasRebuiltXref());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("iText cannot read the document: " + e, e);
        }
    }

    private static boolean verifies(SignatureUtil util, String name) {
        try {
            PdfPKCS7 pkcs7 = util.readSignatureData(name);
            return pkcs7 != null && pkcs7.verifySignatureIntegrityAndAuthenticity();
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
