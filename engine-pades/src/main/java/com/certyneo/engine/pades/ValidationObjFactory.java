package com.certyneo.engine.pades;

import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.pades.validation.ByteRange;
import eu.europa.esig.dss.pades.validation.PdfByteRangeDocument;
import eu.europa.esig.dss.pades.validation.PdfRevision;
import eu.europa.esig.dss.pades.validation.PdfSignatureDictionary;
import eu.europa.esig.dss.pades.validation.PdfSignatureField;
import eu.europa.esig.dss.pdf.AbstractPdfObjFactory;
import eu.europa.esig.dss.pdf.PDFServiceMode;
import eu.europa.esig.dss.pdf.PDFSignatureService;
import eu.europa.esig.dss.pdf.PdfDocumentReader;
import eu.europa.esig.dss.pdf.PdfSigDictWrapper;
import eu.europa.esig.dss.pdf.PdfDict;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxSignatureService;
import eu.europa.esig.dss.pdf.pdfbox.visible.defaultdrawer.PdfBoxDefaultSignatureDrawerFactory;
import eu.europa.esig.dss.spi.signature.AdvancedSignature;
import eu.europa.esig.dss.spi.x509.tsp.TimestampToken;

import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DSS PDF object factory of a validation: DSS's PDFBox services with five changes, each one where it changes
 * no conclusion of DSS's (the third and fourth only where the engine's structural comparison, {@link RevisionDiff}, makes
 * them equivalent).
 *
 * <ul>
 *   <li>Signature dictionaries are listed by {@link #signatureDictionaries}, which skips unsigned signature fields
 *       as DSS does but without a WARN per field and per revision read (always).</li>
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
 *   <li>A revision DSS reads while listing an in-memory document is handed to PDFBox as an exact copy of its bytes
 *       ({@link #inMemory}) instead of through streams (always: the same bytes).</li>
 * </ul>
 */
final class ValidationObjFactory extends AbstractPdfObjFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ValidationObjFactory.class);

    private final boolean compare;
    private final Set<List<Long>> leftOut;

    /** @param compare whether DSS's modification analysis runs (see the class comment) */
    ValidationObjFactory(boolean compare) {
        this(compare, Set.of());
    }

    /**
     * @param compare whether DSS's modification analysis runs (see the class comment)
     * @param leftOut the byte ranges of the signatures and document time-stamps DSS is not shown: their revisions are
     *                not listed (the engine reports them itself, see {@code Validation.dssLeavingOut})
     */
    ValidationObjFactory(boolean compare, Set<List<Long>> leftOut) {
        this.compare = compare;
        this.leftOut = Set.copyOf(leftOut);
    }

    @Override
    public PDFSignatureService newPAdESSignatureService() {
        return configure(new Service(PDFServiceMode.SIGNATURE, compare, leftOut));
    }

    @Override
    public PDFSignatureService newContentTimestampService() {
        return configure(new Service(PDFServiceMode.CONTENT_TIMESTAMP, compare, leftOut));
    }

    @Override
    public PDFSignatureService newSignatureTimestampService() {
        return configure(new Service(PDFServiceMode.SIGNATURE_TIMESTAMP, compare, leftOut));
    }

    @Override
    public PDFSignatureService newArchiveTimestampService() {
        return configure(new Service(PDFServiceMode.ARCHIVE_TIMESTAMP, compare, leftOut));
    }

    /** DSS's PDFBox service as the class comment says. One validation uses an instance at a time. */
    private static final class Service extends PdfBoxSignatureService {

        private final boolean compare;
        private final Set<List<Long>> leftOut;
        /** The document whose revisions are being listed, while {@link #getRevisions} runs. */
        private DSSDocument listed;
        /** Its final revision's signature dictionaries, once DSS has read them. */
        private Map<PdfSignatureDictionary, List<PdfSignatureField>> finalDictionaries;

        Service(PDFServiceMode mode, boolean compare, Set<List<Long>> leftOut) {
            super(mode, new PdfBoxDefaultSignatureDrawerFactory());
            this.compare = compare;
            this.leftOut = leftOut;
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
                List<PdfRevision> revisions = super.getRevisions(document, pwd);
                if (!leftOut.isEmpty()) {
                    revisions = revisions.stream().filter(r -> !leftOut.contains(byteRange(r))).toList();
                }
                return FirstSeenOcspRevisions.of(revisions);
            } finally {
                listed = null;
                finalDictionaries = null;
            }
        }

        /** A revision's /ByteRange as four numbers, or an empty list. */
        private static List<Long> byteRange(PdfRevision revision) {
            eu.europa.esig.dss.pades.validation.ByteRange range = revision.getPdfSigDictInfo() == null ? null
                    : revision.getPdfSigDictInfo().getByteRange();
            return range == null ? List.of() : range.toBigIntegerList().stream().map(java.math.BigInteger::longValue).toList();
        }

        @Override
        protected PdfDocumentReader loadPdfDocumentReader(DSSDocument document, char[] pwd) throws IOException {
            String password = pwd == null ? null : new String(pwd);
            if (listed != null) {
                document = inMemory(document, listed);
            }
            if (compare || listed == null) {
                return new Reader(document, password, null, false);
            }
            if (document == listed) {
                return new Reader(document, password, null, true);
            }
            return new Reader(document, password, finalDictionaries, false);
        }

        /**
         * DSS's PDFBox reader, listing the signature dictionaries itself: unsigned signature fields (an envelope's
         * recipients who have not signed yet) are skipped without DSS's per-field, per-revision WARN, which would
         * tell an embedder to act on a normal document. For the final file it remembers the list; for a signed
         * revision it may answer with the final file's (see the class comment).
         */
        private final class Reader extends PdfBoxDocumentReader {
            private final Map<PdfSignatureDictionary, List<PdfSignatureField>> known;
            private final boolean remember;
            private Map<PdfSignatureDictionary, List<PdfSignatureField>> read;

            /**
             * @param known    the final file's signature dictionaries, to answer for a signed revision; or {@code null}
             * @param remember whether this reader reads the final file whose dictionaries later readers reuse
             */
            Reader(DSSDocument document, String password, Map<PdfSignatureDictionary, List<PdfSignatureField>> known,
                   boolean remember) throws IOException {
                super(document, password, pdfMemoryUsageSetting);
                this.known = known;
                this.remember = remember;
            }

            @Override
            public Map<PdfSignatureDictionary, List<PdfSignatureField>> extractSigDictionaries() throws IOException {
                if (known != null) {
                    return known;
                }
                if (read == null) {
                    read = PDFBOX_DICT == null ? super.extractSigDictionaries() : signatureDictionaries(getPDDocument());
                    if (remember) {
                        finalDictionaries = read;
                    }
                }
                return read;
            }
        }
    }

    /**
     * A revision of {@code listed} that DSS hands over as a byte range of it (always from offset 0), as one exact
     * copy of those bytes when {@code listed} is in memory. DSS's reader would otherwise pull the range through its
     * byte-range stream into PDFBox's chunked stream buffer: a 30-signer B-LTA document has 120 such revision loads
     * per validation (measured: the revision listing went from 17.7 % to 15.2 % of the validation's CPU samples).
     * The reader sees the same bytes either way. Anything else (a file, a range not from the start or past the end)
     * is returned unchanged, for DSS to read as it would.
     */
    static DSSDocument inMemory(DSSDocument document, DSSDocument listed) {
        if (!(document instanceof PdfByteRangeDocument range) || !(listed instanceof InMemoryDocument whole)) {
            return document;
        }
        byte[] bytes = whole.getBytes();
        ByteRange r = range.getByteRange();
        long first = r.getFirstPartStart();
        long firstLength = r.getFirstPartEnd();
        long second = r.getSecondPartStart();
        long secondLength = r.getSecondPartEnd();
        if (bytes == null || first != 0 || firstLength < 0 || second < 0 || secondLength < 0
                || first + firstLength > bytes.length || second + secondLength > bytes.length
                || firstLength + secondLength > Integer.MAX_VALUE) {
            return document; // DSS reads it as it would (and reports what it finds)
        }
        byte[] copy = new byte[(int) (firstLength + secondLength)];
        System.arraycopy(bytes, (int) first, copy, 0, (int) firstLength);
        System.arraycopy(bytes, (int) second, copy, (int) firstLength, (int) secondLength);
        return new InMemoryDocument(copy, document.getName());
    }

    /**
     * The signature dictionaries of {@code document} with the fields that hold each, in field order, as DSS's
     * reader lists them: a field whose /V is not an indirect dictionary is unsigned and left out (at DEBUG); a
     * dictionary that several fields share is listed once with all of them (a WARN: that is not a normal document).
     */
    /**
     * DSS's PDFBox implementation of its {@link PdfDict}, whose constructor is package-private: the listing above
     * must hand DSS exactly the objects its own reader would. {@code null} if this DSS version has no such
     * constructor; DSS's own listing (and its WARNs) is used then, and ValidationObjFactoryTest/QuietLogsTest fail.
     */
    private static final java.lang.reflect.Constructor<?> PDFBOX_DICT = pdfBoxDict();

    private static java.lang.reflect.Constructor<?> pdfBoxDict() {
        try {
            java.lang.reflect.Constructor<?> constructor = Class.forName("eu.europa.esig.dss.pdf.pdfbox.PdfBoxDict")
                    .getDeclaredConstructor(COSDictionary.class, PDDocument.class);
            constructor.setAccessible(true);
            return constructor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("DSS's PdfBoxDict is not accessible; DSS lists signature dictionaries itself: {}", e.toString());
            return null;
        }
    }

    private static PdfDict dict(COSDictionary dictionary, PDDocument document) {
        try {
            return (PdfDict) PDFBOX_DICT.newInstance(dictionary, document);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DSS's PdfBoxDict constructor failed", e);
        }
    }

    static Map<PdfSignatureDictionary, List<PdfSignatureField>> signatureDictionaries(PDDocument document) {
        Map<PdfSignatureDictionary, List<PdfSignatureField>> listed = new LinkedHashMap<>();
        Map<Long, PdfSignatureDictionary> byNumber = new HashMap<>();
        for (PDSignatureField field : document.getSignatureFields()) {
            PdfSignatureField described = new PdfSignatureField(dict(field.getCOSObject(), document));
            field.getCOSObject().getDictionaryObject(FieldRules.LOCK); // resolved now: DSS reads it once the file is closed
            COSObject value = field.getCOSObject().getCOSObject(COSName.V);
            if (value == null || !(value.getObject() instanceof COSDictionary dictionary)) {
                LOG.debug("Signature field '{}' is not signed", described.getFieldName());
                continue;
            }
            PdfSignatureDictionary signature = byNumber.get(value.getKey().getNumber());
            if (signature != null) {
                listed.get(signature).add(described);
                LOG.warn("Several signature fields share one signature dictionary: {}", listed.get(signature));
                continue;
            }
            try {
                signature = new PdfSigDictWrapper(dict(dictionary, document));
            } catch (RuntimeException e) {
                LOG.warn("Signature field '{}' holds an unreadable signature dictionary: {}", described.getFieldName(),
                        e.getMessage());
                continue;
            }
            List<PdfSignatureField> fields = new ArrayList<>();
            fields.add(described);
            listed.put(signature, fields);
            byNumber.put(value.getKey().getNumber(), signature);
        }
        return listed;
    }
}
