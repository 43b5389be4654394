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
 * The DSS PDF object factory of a validation: DSS's own, with two changes to what its signature services do.
 *
 * <ul>
 *   <li>DSS's document revisions come back through {@link FirstSeenOcspRevisions}, which spares DSS parsing the
 *       certificates of every OCSP response again for every signature and every /DSS revision that lists it.</li>
 *   <li>Unless {@code compare} is set, DSS's modification analysis is skipped (below).</li>
 * </ul>
 *
 * <p>For every signature and document time-stamp DSS loads the revision it covers as a second PDF and compares
 * it with the final file (annotation overlaps, page differences, rendered pages, objects). The engine decides on
 * modifications with {@link RevisionDiff}, from the file's structure; it turns the analysis off only when that found
 * nothing changed after any signature and nothing in the document restricts changes further (no certification,
 * FieldMDP or lock, whose rules DSS's policy enforces on its comparison), so DSS's analysis could only confirm
 * it. It costs one PDF load per revision: with 60 revisions, the larger part of DSS's time. The revisions then
 * carry no modification findings, which DSS's policy reads as none.
 */
final class ValidationObjFactory implements IPdfObjFactory {

    private final IPdfObjFactory delegate;
    private final boolean compare;

    /**
     * @param delegate DSS's factory, configured
     * @param compare  whether DSS's modification analysis runs
     */
    ValidationObjFactory(IPdfObjFactory delegate, boolean compare) {
        this.delegate = delegate;
        this.compare = compare;
    }

    @Override
    public PDFSignatureService newPAdESSignatureService() {
        return new Service(compare, delegate.newPAdESSignatureService());
    }

    @Override
    public PDFSignatureService newContentTimestampService() {
        return new Service(compare, delegate.newContentTimestampService());
    }

    @Override
    public PDFSignatureService newSignatureTimestampService() {
        return new Service(compare, delegate.newSignatureTimestampService());
    }

    @Override
    public PDFSignatureService newArchiveTimestampService() {
        return new Service(compare, delegate.newArchiveTimestampService());
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

    /** The delegate's service as the class comment says; validation calls nothing else that writes. */
    private record Service(boolean compare, PDFSignatureService delegate) implements PDFSignatureService {

        @Override
        public void analyzePdfModifications(DSSDocument document, List<AdvancedSignature> signatures, char[] pwd) {
            if (compare) {
                delegate.analyzePdfModifications(document, signatures, pwd);
            }
        }

        @Override
        public void analyzeTimestampPdfModifications(DSSDocument document, List<TimestampToken> timestamps, char[] pwd) {
            if (compare) {
                delegate.analyzeTimestampPdfModifications(document, timestamps, pwd);
            }
        }

        @Override
        public List<PdfRevision> getRevisions(DSSDocument document, char[] pwd) {
            return FirstSeenOcspRevisions.of(delegate.getRevisions(document, pwd));
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
