package com.certyneo.engine.pades;

import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.pades.validation.PdfRevision;
import eu.europa.esig.dss.pades.validation.PdfSignatureDictionary;
import eu.europa.esig.dss.pades.validation.PdfSignatureField;
import eu.europa.esig.dss.pdf.AbstractPdfObjFactory;
import eu.europa.esig.dss.pdf.PDFServiceMode;
import eu.europa.esig.dss.pdf.PDFSignatureService;
import eu.europa.esig.dss.pdf.PdfDocumentReader;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxSignatureService;
import eu.europa.esig.dss.pdf.pdfbox.visible.defaultdrawer.PdfBoxDefaultSignatureDrawerFactory;
import eu.europa.esig.dss.spi.signature.AdvancedSignature;
import eu.europa.esig.dss.spi.x509.tsp.TimestampToken;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The DSS PDF object factory of a validation: DSS's PDFBox services with three changes, each only where the
 * engine's structural comparison ({@link RevisionDiff}) makes it equivalent.
 *
 * <ul>
 *   <li>DSS's document revisions come back through {@link FirstSeenOcspRevisions}, which spares DSS parsing the
 *       certificates of every OCSP response again for every signature and every /DSS revision that lists it
 *       (always: it changes no report).</li>
 *   <li>Unless {@code compare} is set, DSS's modification analysis is skipped. For every signature and document
 *       time-stamp DSS loads the revision it covers as a second PDF and compares it with the final file
 *       (annotation overlaps, page differences, rendered pages, objects): one PDF load per revision, with 60
 *       revisions the larger part of DSS's time. The engine turns it off only when RevisionDiff found nothing
 *       changed after any signature and nothing in the document restricts changes further (no certification,
 *       FieldMDP or lock, whose rules DSS's policy enforces on its comparison), so DSS's analysis could only
 *       confirm it. The revisions then carry no modification findings, which DSS's policy reads as none.</li>
 *   <li>Unless {@code compare} is set, each signed revision DSS opens while listing the revisions answers "its"
 *       signature dictionaries with those of the final file. DSS reads them there only to check that no later
 *       revision rewrote a signature dictionary (a warning and a "consistent" flag); with nothing changed after
 *       any signature (RevisionDiff counts a redefined signature dictionary as a change), the check compares
 *       identical objects, and parsing every earlier signature's contents again in every revision (n x n
 *       signature dictionaries) is the cost it saves.</li>
 * </ul>
 */
final class ValidationObjFactory extends AbstractPdfObjFactory {

    private final boolean compare;

    /** @param compare whether DSS's modification analysis runs (see the class comment) */
    ValidationObjFactory(boolean compare) {
        this.compare = compare;
    }

    @Override
    public PDFSignatureService newPAdESSignatureService() {
        return configure(new Service(PDFServiceMode.SIGNATURE, compare));
    }

    @Override
    public PDFSignatureService newContentTimestampService() {
        return configure(new Service(PDFServiceMode.CONTENT_TIMESTAMP, compare));
    }

    @Override
    public PDFSignatureService newSignatureTimestampService() {
        return configure(new Service(PDFServiceMode.SIGNATURE_TIMESTAMP, compare));
    }

    @Override
    public PDFSignatureService newArchiveTimestampService() {
        return configure(new Service(PDFServiceMode.ARCHIVE_TIMESTAMP, compare));
    }

    /** DSS's PDFBox service as the class comment says. One validation uses an instance at a time. */
    private static final class Service extends PdfBoxSignatureService {

        private final boolean compare;
        /** The document whose revisions are being listed, while {@link #getRevisions} runs. */
        private DSSDocument listed;
        /** Its final revision's signature dictionaries, once DSS has read them. */
        private Map<PdfSignatureDictionary, List<PdfSignatureField>> finalDictionaries;

        Service(PDFServiceMode mode, boolean compare) {
            super(mode, new PdfBoxDefaultSignatureDrawerFactory());
            this.compare = compare;
        }

        @Override
        public void analyzePdfModifications(DSSDocument document, List<AdvancedSignature> signatures, char[] pwd) {
            if (compare) {
                super.analyzePdfModifications(document, signatures, pwd);
            }
        }

        @Override
        public void analyzeTimestampPdfModifications(DSSDocument document, List<TimestampToken> timestamps, char[] pwd) {
            if (compare) {
                super.analyzeTimestampPdfModifications(document, timestamps, pwd);
            }
        }

        @Override
        public List<PdfRevision> getRevisions(DSSDocument document, char[] pwd) {
            listed = document;
            finalDictionaries = null;
            try {
                return FirstSeenOcspRevisions.of(super.getRevisions(document, pwd));
            } finally {
                listed = null;
                finalDictionaries = null;
            }
        }

        @Override
        protected PdfDocumentReader loadPdfDocumentReader(DSSDocument document, char[] pwd) throws IOException {
            if (compare || listed == null) {
                return super.loadPdfDocumentReader(document, pwd);
            }
            String password = pwd == null ? null : new String(pwd);
            if (document == listed) {
                return new Reader(document, password, null);
            }
            Map<PdfSignatureDictionary, List<PdfSignatureField>> known = finalDictionaries;
            return known == null ? super.loadPdfDocumentReader(document, pwd) : new Reader(document, password, known);
        }

        /** DSS's reader of the final file (remembering its signature dictionaries) or of a signed revision. */
        private final class Reader extends PdfBoxDocumentReader {
            private final Map<PdfSignatureDictionary, List<PdfSignatureField>> known;

            /** @param known the final file's signature dictionaries, for a signed revision; {@code null} for the final file */
            Reader(DSSDocument document, String password, Map<PdfSignatureDictionary, List<PdfSignatureField>> known)
                    throws IOException {
                super(document, password, pdfMemoryUsageSetting);
                this.known = known;
            }

            @Override
            public Map<PdfSignatureDictionary, List<PdfSignatureField>> extractSigDictionaries() throws IOException {
                if (known != null) {
                    return known;
                }
                Map<PdfSignatureDictionary, List<PdfSignatureField>> dictionaries = super.extractSigDictionaries();
                finalDictionaries = dictionaries;
                return dictionaries;
            }
        }
    }
}
