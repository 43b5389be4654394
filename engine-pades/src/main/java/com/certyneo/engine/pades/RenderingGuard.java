package com.certyneo.engine.pades;

import eu.europa.esig.dss.pades.validation.ByteRange;
import eu.europa.esig.dss.pades.validation.PdfSignatureDictionary;
import eu.europa.esig.dss.pdf.IPdfObjFactory;
import eu.europa.esig.dss.pdf.PdfAnnotation;
import eu.europa.esig.dss.pdf.PdfDocumentReader;
import eu.europa.esig.dss.pdf.modifications.CommonPdfModification;
import eu.europa.esig.dss.pdf.modifications.DefaultPdfDifferencesFinder;
import eu.europa.esig.dss.pdf.modifications.PdfModification;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader;
import eu.europa.esig.dss.pdf.visible.ImageUtils;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps DSS's rendered-page comparison (validation renders the signed revision and the final document
 * page by page and compares the images) away from documents that would make it run unbounded, and
 * within the operation's {@link Budget}.
 *
 * <p>Rendering is the part of validation whose cost the document controls without adding objects: one
 * 2 KB font character map ({@code /ToUnicode}) whose {@code bfrange} entries span 2^32 codes makes PDFBox
 * 3.0.8 create one mapping per code while it loads the font (measured: 655 million mappings, unbounded CPU
 * and 6 GB of heap within a minute), and a page or image of 100,000 × 100,000 points makes it allocate
 * the whole image. Before rendering, the pages to render are inspected at the object level (fonts are
 * not loaded): their size, the size of the images they draw, and the number of mappings the character
 * maps of their fonts declare, through their resources, form XObjects, patterns, soft masks and
 * annotation appearances. A document over any bound is not rendered; its comparison is skipped, as DSS
 * skips it for documents of more than {@code maxRenderedPages} pages (the comparison is a heuristic
 * reported alongside object-level changes, never deciding on its own).
 *
 * <p>Between pages the {@link Budget} is checked, so expired validation stops rendering.
 */
final class RenderingGuard extends DefaultPdfDifferencesFinder {

    private static final Logger LOG = LoggerFactory.getLogger(RenderingGuard.class);

    /** Pixels of one rendered page at most (DSS renders at 72 dpi: one pixel per point); 16 M ≈ 4,000 × 4,000 pt. */
    static final long MAX_PAGE_PIXELS = 16L * 1024 * 1024;
    /** Pixels of one image drawn on a rendered page at most (PDFBox decodes images at full size). */
    static final long MAX_IMAGE_PIXELS = 64L * 1024 * 1024;
    /**
     * Character mappings the {@code /ToUnicode} maps of the rendered pages' fonts may declare in total (PDFBox
     * creates one per code of a {@code bfrange}; one million take about 0.1 s and a few tens of MB).
     */
    static final long MAX_CMAP_MAPPINGS = 1_000_000;
    /** Decoded bytes of one character map read at most; a larger map is not rendered. */
    static final int MAX_CMAP_BYTES = 4 * 1024 * 1024;
    /** Resource dictionaries, fonts, XObjects and annotations inspected at most per document. */
    static final int MAX_VISITS = 20_000;

    /** Whether pages are rendered and compared at all. */
    private final boolean render;
    /** Length in bytes of the document being validated, -1 when unknown. */
    private final long finalLength;

    private RenderingGuard(boolean render, long finalLength) {
        this.render = render;
        this.finalLength = finalLength;
    }

    /**
     * Gives {@code factory} the guarded comparison.
     *
     * @param render      whether to render and compare pages; {@code false} when the engine's structural comparison
     *                    found nothing changed after any signature, so that rendering would only confirm it
     * @param finalLength length in bytes of the document being validated (-1 when unknown): a signed revision
     *                    that is the whole document is not compared with itself
     * @return {@code factory}
     */
    static IPdfObjFactory install(IPdfObjFactory factory, boolean render, long finalLength) {
        factory.setPdfDifferencesFinder(new RenderingGuard(render, finalLength));
        return factory;
    }

    @Override
    public List<PdfModification> getAnnotationOverlaps(PdfDocumentReader reader) {
        Budget.check();
        return super.getAnnotationOverlaps(reader);
    }

    @Override
    public List<PdfModification> getPagesDifferences(PdfDocumentReader signedRevisionReader,
                                                     PdfDocumentReader finalRevisionReader) {
        Budget.check();
        return super.getPagesDifferences(signedRevisionReader, finalRevisionReader);
    }

    /** DSS's comparison ({@link DefaultPdfDifferencesFinder#getVisualDifferences}), guarded and budgeted. */
    @Override
    public List<PdfModification> getVisualDifferences(PdfDocumentReader signedRevisionReader,
                                                      PdfDocumentReader finalRevisionReader) {
        Budget.check();
        if (!render) {
            return List.of();
        }
        if (isFinalDocument(signedRevisionReader)) {
            LOG.debug("The signed revision is the whole document: nothing to compare");
            return List.of();
        }
        int pages = Math.min(signedRevisionReader.getNumberOfPages(), finalRevisionReader.getNumberOfPages());
        int limit = Budget.limits().maxRenderedPages();
        if (finalRevisionReader.getNumberOfPages() > limit) {
            LOG.debug("{} pages, more than the {} rendered at most: no rendered-page comparison",
                    finalRevisionReader.getNumberOfPages(), limit);
            return List.of();
        }
        Optional<String> refusal = refusal(signedRevisionReader, pages).or(() -> refusal(finalRevisionReader, pages));
        if (refusal.isPresent()) {
            LOG.warn("No rendered-page comparison: {}", refusal.get());
            return List.of();
        }
        List<PdfModification> differences = new ArrayList<>();
        for (int page = 1; page <= pages; page++) {
            try {
                Budget.check();
                BufferedImage signed = signedRevisionReader.generateImageScreenshot(page);
                List<PdfAnnotation> signedAnnotations = signedRevisionReader.getPdfAnnotations(page);
                List<PdfAnnotation> added = new ArrayList<>(finalRevisionReader.getPdfAnnotations(page));
                added.removeAll(signedAnnotations);
                Budget.check();
                BufferedImage result = finalRevisionReader.generateImageScreenshotWithoutAnnotations(page, added);
                if (!ImageUtils.imagesEqual(signed, result)) {
                    LOG.warn("A visual difference found on page {} between a signed revision and the final document!", page);
                    differences.add(new CommonPdfModification(page));
                }
            } catch (IOException e) {
                LOG.warn("Unable to get visual differences for page {}: {}", page, e.getMessage());
            } catch (StackOverflowError e) {
                // A font or content stream nested thousands of levels deep: the comparison is given up, the
                // validation goes on (the stack has unwound to here).
                LOG.warn("No rendered-page comparison: rendering page {} overflowed the stack (objects nested too deeply)",
                        page);
                return List.of();
            }
        }
        return differences;
    }

    /**
     * Whether the signed revision is byte for byte the document being validated: a signature of the revision
     * whose /ByteRange [0 b c d] ends where the document ends (c + d = its length). The revision DSS compares is
     * the document's first c + d bytes, so both renderings would come from the same bytes: there is nothing to
     * render (this is the case of every document whose last signature is its last revision, e.g. B-T).
     */
    private boolean isFinalDocument(PdfDocumentReader signedRevisionReader) {
        if (finalLength < 0) {
            return false;
        }
        try {
            for (PdfSignatureDictionary signature : signedRevisionReader.extractSigDictionaries().keySet()) {
                ByteRange range = signature.getByteRange();
                if (range != null && range.getFirstPartStart() == 0
                        && (long) range.getSecondPartStart() + range.getSecondPartEnd() == finalLength) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read the signatures of the signed revision: {}", e.toString());
        }
        return false;
    }

    /**
     * @param pages the pages to inspect, from the first
     * @return why the pages of {@code reader} must not be rendered, or empty
     */
    static Optional<String> refusal(PdfDocumentReader reader, int pages) {
        if (!(reader instanceof PdfBoxDocumentReader pdfBox)) {
            return Optional.empty(); // another PDF library: DSS's own bounds apply
        }
        PDDocument document = pdfBox.getPDDocument();
        Inspection inspection = new Inspection();
        try {
            for (int i = 0; i < pages && i < document.getNumberOfPages(); i++) {
                Budget.check();
                PDPage page = document.getPage(i);
                PDRectangle box = page.getCropBox();
                double pixels = (double) Math.abs(box.getWidth()) * Math.abs(box.getHeight());
                if (pixels > MAX_PAGE_PIXELS) {
                    return Optional.of(String.format(java.util.Locale.ROOT, "page %d is %.0f x %.0f points, more "
                            + "than the %d pixels rendered at most", i + 1, box.getWidth(), box.getHeight(), MAX_PAGE_PIXELS));
                }
                PDResources resources = page.getResources();
                if (resources != null) {
                    inspection.resources(resources.getCOSObject(), 0);
                }
                inspection.annotations(page.getCOSObject().getDictionaryObject(COSName.ANNOTS));
                if (inspection.refusal != null) {
                    return Optional.of("page " + (i + 1) + ": " + inspection.refusal);
                }
            }
        } catch (RuntimeException | IOException e) {
            if (e instanceof com.certyneo.engine.SignatureEngineException) {
                throw (com.certyneo.engine.SignatureEngineException) e;
            }
            // The page tree or a resource cannot be read: rendering would fail (or worse); do not render.
            return Optional.of("its pages cannot be inspected (" + PdfInputs.describe(e) + ")");
        } catch (StackOverflowError e) {
            return Optional.of("its resources are nested too deeply");
        }
        return Optional.empty();
    }

    /** One walk over the resources of the pages to render: what it has seen, and the first bound exceeded. */
    private static final class Inspection {
        private final Map<COSBase, Boolean> seen = new IdentityHashMap<>();
        private long mappings;
        private String refusal;

        /** @return whether {@code object} is new (and the walk may go on) */
        private boolean visit(COSBase object) {
            if (refusal != null || object == null || seen.containsKey(object)) {
                return false;
            }
            if (seen.size() >= MAX_VISITS) {
                refusal = "its pages use more than " + MAX_VISITS + " resources";
                return false;
            }
            seen.put(object, Boolean.TRUE);
            return true;
        }

        void resources(COSBase base, int depth) throws IOException {
            COSBase resolved = resolve(base);
            if (!(resolved instanceof COSDictionary resources) || depth > PdfSyntax.MAX_DEPTH || !visit(resolved)) {
                return;
            }
            for (COSBase value : values(resources.getDictionaryObject(COSName.FONT))) {
                if (resolve(value) instanceof COSDictionary font && visit(font)) {
                    font(font, depth);
                }
            }
            for (COSBase value : values(resources.getDictionaryObject(COSName.XOBJECT))) {
                if (resolve(value) instanceof COSStream xobject && visit(xobject)) {
                    if (COSName.IMAGE.equals(xobject.getCOSName(COSName.SUBTYPE))) {
                        image(xobject);
                    } else {
                        resources(xobject.getDictionaryObject(COSName.RESOURCES), depth + 1);
                    }
                }
            }
            for (COSBase value : values(resources.getDictionaryObject(COSName.PATTERN))) {
                if (resolve(value) instanceof COSDictionary pattern) {
                    resources(pattern.getDictionaryObject(COSName.RESOURCES), depth + 1);
                }
            }
            for (COSBase value : values(resources.getDictionaryObject(COSName.EXT_G_STATE))) {
                if (resolve(value) instanceof COSDictionary state
                        && resolve(state.getDictionaryObject(COSName.SMASK)) instanceof COSDictionary mask
                        && resolve(mask.getDictionaryObject(COSName.G)) instanceof COSStream group) {
                    resources(group.getDictionaryObject(COSName.RESOURCES), depth + 1);
                }
            }
        }

        private void font(COSDictionary font, int depth) throws IOException {
            if (resolve(font.getDictionaryObject(COSName.TO_UNICODE)) instanceof COSStream toUnicode && visit(toUnicode)) {
                long declared = CharacterMaps.mappings(toUnicode, MAX_CMAP_BYTES);
                if (declared < 0) {
                    refusal = "the character map (/ToUnicode) of a font is larger than " + MAX_CMAP_BYTES + " bytes";
                    return;
                }
                mappings += declared;
                if (mappings > MAX_CMAP_MAPPINGS) {
                    refusal = "the character maps (/ToUnicode) of its fonts declare more than " + MAX_CMAP_MAPPINGS
                            + " mappings";
                    return;
                }
            }
            if (COSName.TYPE3.equals(font.getCOSName(COSName.SUBTYPE))) {
                resources(font.getDictionaryObject(COSName.RESOURCES), depth + 1);
            }
        }

        private void image(COSStream image) {
            long width = Math.max(0, image.getLong(COSName.WIDTH, 0));
            long height = Math.max(0, image.getLong(COSName.HEIGHT, 0));
            if ((double) width * height > MAX_IMAGE_PIXELS) {
                refusal = "an image is " + width + " x " + height + " pixels, more than the " + MAX_IMAGE_PIXELS
                        + " decoded at most";
            }
        }

        void annotations(COSBase annots) throws IOException {
            if (!(resolve(annots) instanceof COSArray array)) {
                return;
            }
            for (COSBase entry : array) {
                if (refusal != null) {
                    return;
                }
                if (resolve(entry) instanceof COSDictionary annotation && visit(annotation)
                        && resolve(annotation.getDictionaryObject(COSName.AP)) instanceof COSDictionary appearances) {
                    for (COSBase appearance : appearances.getValues()) {
                        COSBase resolved = resolve(appearance);
                        if (resolved instanceof COSStream stream) {
                            resources(stream.getDictionaryObject(COSName.RESOURCES), 1);
                        } else if (resolved instanceof COSDictionary states) {
                            for (COSBase state : states.getValues()) {
                                if (resolve(state) instanceof COSStream stream) {
                                    resources(stream.getDictionaryObject(COSName.RESOURCES), 1);
                                }
                            }
                        }
                    }
                }
            }
        }

        private static Iterable<COSBase> values(COSBase base) {
            return resolve(base) instanceof COSDictionary dictionary ? new ArrayList<>(dictionary.getValues()) : List.of();
        }

        private static COSBase resolve(COSBase base) {
            return base instanceof COSObject object ? object.getObject() : base;
        }
    }

    /** Counts the mappings a character map declares, the way PDFBox's CMapParser would create them. */
    static final class CharacterMaps {

        private CharacterMaps() {
        }

        /**
         * @return the number of code-to-Unicode mappings PDFBox would create for {@code stream} (one per code
         *         of each {@code bfrange} with a string destination, one per element of an array destination,
         *         one per {@code bfchar}), or -1 when its decoded data exceeds {@code maxBytes}
         */
        static long mappings(COSStream stream, int maxBytes) throws IOException {
            byte[] data;
            try (InputStream in = stream.createInputStream()) {
                data = in.readNBytes(maxBytes + 1);
            }
            if (data.length > maxBytes) {
                return -1;
            }
            return mappings(data);
        }

        /** @return the mappings the character map {@code data} declares */
        static long mappings(byte[] data) {
            Counter counter = new Counter();
            int i = 0;
            int arrayDepth = 0;
            int arrayLength = 0;
            while (i < data.length) {
                int c = data[i] & 0xff;
                if (isWhite(c)) {
                    i++;
                } else if (c == '%') {
                    while (i < data.length && data[i] != '\n' && data[i] != '\r') {
                        i++;
                    }
                } else if ((c == '<' || c == '>') && i + 1 < data.length && data[i + 1] == c) {
                    i += 2; // a dictionary: nothing to count
                } else if (c == '<') {
                    int end = i + 1;
                    int value = 0;
                    while (end < data.length && data[end] != '>') {
                        int h = Character.digit(data[end], 16);
                        if (h >= 0) {
                            value = (value << 4) | h; // as PDFBox's CMap.toInt: big-endian in an int, wrapping
                        }
                        end++;
                    }
                    i = end + 1;
                    if (arrayDepth > 0) {
                        arrayLength++;
                    } else {
                        counter.operand(new Code(value));
                    }
                } else if (c == '(') {
                    int depth = 1;
                    i++;
                    while (i < data.length && depth > 0) {
                        if (data[i] == '\\') {
                            i++;
                        } else if (data[i] == '(') {
                            depth++;
                        } else if (data[i] == ')') {
                            depth--;
                        }
                        i++;
                    }
                    if (arrayDepth > 0) {
                        arrayLength++;
                    } else {
                        counter.operand(Boolean.TRUE);
                    }
                } else if (c == '[') {
                    if (arrayDepth++ == 0) {
                        arrayLength = 0;
                    }
                    i++;
                } else if (c == ']') {
                    if (arrayDepth > 0 && --arrayDepth == 0) {
                        counter.operand(arrayLength);
                    }
                    i++;
                } else {
                    int start = i;
                    while (i < data.length && !isWhite(data[i] & 0xff) && "()<>[]{}/%".indexOf(data[i]) < 0) {
                        i++;
                    }
                    if (c == '/') {
                        i = Math.max(i, start + 1);
                        while (i < data.length && !isWhite(data[i] & 0xff) && "()<>[]{}/%".indexOf(data[i]) < 0) {
                            i++;
                        }
                    }
                    if (i == start) {
                        i++; // a stray delimiter
                    } else if (arrayDepth > 0) {
                        arrayLength++;
                    } else if (c == '/') {
                        counter.operand(Boolean.TRUE); // a name: a bfchar destination, or an operand of no interest
                    } else if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
                        counter.operator(new String(data, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                }
            }
            return counter.total;
        }

        /** A character code: its value as PDFBox computes it. */
        private record Code(int value) {
        }

        /** Counts the mappings of bfrange triples and bfchar pairs as their operands come. */
        private static final class Counter {
            private String section = "";
            private final List<Object> pending = new ArrayList<>(3);
            long total;

            void operator(String name) {
                section = name.equals("beginbfrange") || name.equals("beginbfchar") ? name : "";
                pending.clear();
            }

            void operand(Object operand) {
                if (section.isEmpty()) {
                    return;
                }
                pending.add(operand);
                if (section.equals("beginbfchar") && pending.size() == 2) {
                    total++;
                    pending.clear();
                } else if (pending.size() == 3) {
                    if (pending.get(0) instanceof Code start && pending.get(1) instanceof Code end) {
                        if (pending.get(2) instanceof Integer array) {
                            total += array; // one mapping per element of an array destination
                        } else if (end.value() >= start.value()) {
                            total += (long) end.value() - start.value() + 1; // one per code of the range
                        }
                    }
                    pending.clear();
                }
            }
        }

        private static boolean isWhite(int c) {
            return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
        }
    }
}
