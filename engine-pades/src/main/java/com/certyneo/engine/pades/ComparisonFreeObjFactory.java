package com.certyneo.engine.pades;

import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.DSSMessageDigest;
import eu.europa.esig.dss.pades.PAdESCommonParameters;
import eu.europa.esig.dss.pades.SignatureFieldParameters;
import eu.europa.esig.dss.pades.validation.PdfRevision;
import eu.europa.esig.dss.pades.validation.PdfValidationDataContainer;
import eu.europa.esig.dss.pdf.IPdfObjFactory;
import eu.europa.esig.dss.pdf.PDFSignatureService;
import eu.europa.esig.dss.pdf.PdfMemoryUsageSetting;
import eu.europa.esig.dss.pdf.modifications.PdfDifferencesFinder;
import eu.europa.esig.dss.pdf.modifications.PdfObjectModificationsFinder;
import eu.europa.esig.dss.pdf.PdfPermissionsChecker;
import eu.europa.esig.dss.pdf.PdfSignatureFieldPositionChecker;
import eu.europa.esig.dss.signature.resources.DSSResourcesHandlerBuilder;
import eu.europa.esig.dss.spi.signature.AdvancedSignature;
import eu.europa.esig.dss.spi.x509.tsp.TimestampToken;

import java.util.List;

/**
 * A DSS PDF object factory for validation whose signature services skip DSS's modification analysis.
 *
 * <p>For every signature and document time-stamp DSS loads the revision it covers as a second PDF and compares
 * it with the final file (annotation overlaps, page differences, rendered pages, objects). The engine decides on
 * modifications with {@link RevisionDiff}, from the file's structure; it uses this factory only when that found
 * nothing changed after any signature and nothing in the document restricts changes further (no certification,
 * FieldMDP or lock, whose rules DSS's policy enforces on its comparison), so DSS's analysis could only confirm
 * it. It costs one PDF load per revision: with 60 revisions, the larger part of DSS's time. The revisions then
 * carry no modification findings, which DSS's policy reads as none.
 */
final class ComparisonFreeObjFactory implements IPdfObjFactory {

    private final IPdfObjFactory delegate;

    ComparisonFreeObjFactory(IPdfObjFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public PDFSignatureService newPAdESSignatureService() {
        return new Service(delegate.newPAdESSignatureService());
    }

    @Override
    public PDFSignatureService newContentTimestampService() {
        return new Service(delegate.newContentTimestampService());
    }

    @Override
    public PDFSignatureService newSignatureTimestampService() {
        return new Service(delegate.newSignatureTimestampService());
    }

    @Override
    public PDFSignatureService newArchiveTimestampService() {
        return new Service(delegate.newArchiveTimestampService());
    }

    @Override
    public void setResourcesHandlerBuilder(DSSResourcesHandlerBuilder resourcesHandlerBuilder) {
        delegate.setResourcesHandlerBuilder(resourcesHandlerBuilder);
    }

    @Override
    public void setPdfDifferencesFinder(PdfDifferencesFinder pdfDifferencesFinder) {
        delegate.setPdfDifferencesFinder(pdfDifferencesFinder);
    }

    @Override
    public void setPdfObjectModificationsFinder(PdfObjectModificationsFinder pdfObjectModificationsFinder) {
        delegate.setPdfObjectModificationsFinder(pdfObjectModificationsFinder);
    }

    @Override
    public void setPdfPermissionsChecker(PdfPermissionsChecker pdfPermissionsChecker) {
        delegate.setPdfPermissionsChecker(pdfPermissionsChecker);
    }

    @Override
    public void setPdfSignatureFieldPositionChecker(PdfSignatureFieldPositionChecker pdfSignatureFieldPositionChecker) {
        delegate.setPdfSignatureFieldPositionChecker(pdfSignatureFieldPositionChecker);
    }

    @Override
    public void setPdfMemoryUsageSetting(PdfMemoryUsageSetting pdfMemoryUsageSetting) {
        delegate.setPdfMemoryUsageSetting(pdfMemoryUsageSetting);
    }

    /** The delegate's service without the modification analysis; validation calls nothing else that writes. */
    private record Service(PDFSignatureService delegate) implements PDFSignatureService {

        @Override
        public void analyzePdfModifications(DSSDocument document, List<AdvancedSignature> signatures, char[] pwd) {
            // skipped: see the class comment
        }

        @Override
        public void analyzeTimestampPdfModifications(DSSDocument document, List<TimestampToken> timestamps, char[] pwd) {
            // skipped: see the class comment
        }

        @Override
        public List<PdfRevision> getRevisions(DSSDocument document, char[] pwd) {
            return delegate.getRevisions(document, pwd);
        }

        @Override
        public DSSMessageDigest messageDigest(DSSDocument toSignDocument, PAdESCommonParameters parameters) {
            return delegate.messageDigest(toSignDocument, parameters);
        }

        @Override
        public DSSDocument sign(DSSDocument toSignDocument, byte[] cmsSignedData, PAdESCommonParameters parameters) {
            return delegate.sign(toSignDocument, cmsSignedData, parameters);
        }

        @Override
        public DSSDocument addDssDictionary(DSSDocument document, PdfValidationDataContainer data) {
            return delegate.addDssDictionary(document, data);
        }

        @Override
        public DSSDocument addDssDictionary(DSSDocument document, PdfValidationDataContainer data, char[] pwd) {
            return delegate.addDssDictionary(document, data, pwd);
        }

        @Override
        public DSSDocument addDssDictionary(DSSDocument document, PdfValidationDataContainer data, char[] pwd,
                                            boolean includeVRIDict) {
            return delegate.addDssDictionary(document, data, pwd, includeVRIDict);
        }

        @Override
        public List<String> getAvailableSignatureFields(DSSDocument document) {
            return delegate.getAvailableSignatureFields(document);
        }

        @Override
        public List<String> getAvailableSignatureFields(DSSDocument document, char[] pwd) {
            return delegate.getAvailableSignatureFields(document, pwd);
        }

        @Override
        public DSSDocument addNewSignatureField(DSSDocument document, SignatureFieldParameters parameters) {
            return delegate.addNewSignatureField(document, parameters);
        }

        @Override
        public DSSDocument addNewSignatureField(DSSDocument document, SignatureFieldParameters parameters, char[] pwd) {
            return delegate.addNewSignatureField(document, parameters, pwd);
        }

        @Override
        public DSSDocument previewPageWithVisualSignature(DSSDocument toSignDocument, PAdESCommonParameters parameters) {
            return delegate.previewPageWithVisualSignature(toSignDocument, parameters);
        }

        @Override
        public DSSDocument previewSignatureField(DSSDocument toSignDocument, PAdESCommonParameters parameters) {
            return delegate.previewSignatureField(toSignDocument, parameters);
        }

        @Override
        public void setResourcesHandlerBuilder(DSSResourcesHandlerBuilder resourcesHandlerBuilder) {
            delegate.setResourcesHandlerBuilder(resourcesHandlerBuilder);
        }

        @Override
        public void setPdfDifferencesFinder(PdfDifferencesFinder pdfDifferencesFinder) {
            delegate.setPdfDifferencesFinder(pdfDifferencesFinder);
        }

        @Override
        public void setPdfObjectModificationsFinder(PdfObjectModificationsFinder pdfObjectModificationsFinder) {
            delegate.setPdfObjectModificationsFinder(pdfObjectModificationsFinder);
        }

        @Override
        public void setPdfPermissionsChecker(PdfPermissionsChecker pdfPermissionsChecker) {
            delegate.setPdfPermissionsChecker(pdfPermissionsChecker);
        }

        @Override
        public void setPdfSignatureFieldPositionChecker(PdfSignatureFieldPositionChecker checker) {
            delegate.setPdfSignatureFieldPositionChecker(checker);
        }

        @Override
        public void setPdfMemoryUsageSetting(PdfMemoryUsageSetting pdfMemoryUsageSetting) {
            delegate.setPdfMemoryUsageSetting(pdfMemoryUsageSetting);
        }
    }
}
