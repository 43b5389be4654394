package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSBoolean;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSDocument;
import org.apache.pdfbox.cos.COSFloat;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNull;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.util.Matrix;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the visible "SANDBOX – NOT LEGALLY BINDING" mark on every page, in an incremental update
 * (earlier bytes, and so earlier signatures' byte ranges, are untouched). The mark uses an embedded
 * font subset, so the text is extractable and PDF/A documents keep their embedded-fonts property.
 * A document already marked by a sandbox engine is left unchanged.
 *
 * <p>The mark's text never changes, so one line of it (box, frame and text, at font size 1) is built once
 * per JVM as a form XObject with its subset font ({@link Template}: PDFBox parses the font, applies its
 * glyph substitutions and subsets it once, not for every document). Each marked document gets its own
 * copy of that object graph, and every page draws the form twice, scaled to the page.
 */
final class SandboxMarker {

    static final String TEXT = "SANDBOX \u2013 NOT LEGALLY BINDING";
    /** Catalog key recording that the sandbox mark was applied (a second-class name with our prefix). */
    static final COSName MARKED_KEY = COSName.getPDFName("CertyneoSandboxMark");
    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    /** Space between the text and its frame, in units of the font size. */
    private static final float PAD = 0.35f;
    private static final Color RED = new Color(0xC0, 0x00, 0x00);

    private SandboxMarker() {
    }

    /**
     * Marks every page of a loaded document, unless an earlier sandbox engine already did.
     *
     * @param document the loaded, unencrypted document
     * @param name the document's name, for errors
     * @return whether the document was changed
     * @throws IOException when the font cannot be loaded or a page cannot be written
     * @throws com.certyneo.engine.SignatureEngineException INVALID_PDF for a page whose size readers disagree on
     *         ({@link PdfInputs#requireRectangularBoxes}), before any page is drawn on
     */
    static boolean mark(PDDocument document, String name) throws IOException {
        if (isMarked(document)) {
            return false;
        }
        int number = 0;
        for (PDPage page : document.getPages()) {
            PdfInputs.requireRectangularBoxes(page, ++number, name, "the SANDBOX mark");
        }
        Template template = Template.get();
        PDFormXObject line = new PDFormXObject(template.copyInto(document.getDocument()));
        for (PDPage page : document.getPages()) {
            ownResources(page);
            markPage(document, page, line, template.textWidth);
        }
        document.getDocumentCatalog().getCOSObject().setBoolean(MARKED_KEY, true);
        return true;
    }

    /** Stream keys (ISO 32000-1 Table 5): not resource categories, dropped when a stream's dictionary is copied. */
    private static final java.util.Set<COSName> STREAM_KEYS = java.util.Set.of(COSName.LENGTH, COSName.FILTER,
            COSName.DECODE_PARMS, COSName.F, COSName.getPDFName("FFilter"), COSName.getPDFName("FDecodeParms"),
            COSName.getPDFName("DL"));

    /**
     * Gives {@code page} a resource dictionary of its own, holding what it had (its inherited one, or the dictionary of
     * the stream its /Resources names), before the mark's form is added to it, when it has none or a stream.
     * PDFBox adds the form to whatever dictionary it finds: one inherited from a /Pages node, written directly inside
     * that node (Typst does this), was changed in memory but never written, so the page drew a form its resources did
     * not name (pdf.js: "XObject should be a stream", other readers: no mark at all); a stream named as /Resources
     * (pdf.js's issue15150 test file names its content stream) got the form in the content stream's dictionary. The
     * page object is written anyway (its /Contents change); nothing else is.
     */
    private static void ownResources(PDPage page) {
        COSDictionary pageDictionary = page.getCOSObject();
        // the page's own /Resources, else the one it inherits: what PDFBox would add the form to (PDPage.getResources)
        COSBase found = org.apache.pdfbox.pdmodel.PDPageTree.getInheritableAttribute(pageDictionary, COSName.RESOURCES);
        boolean own = pageDictionary.getDictionaryObject(COSName.RESOURCES) != null;
        if (own && found instanceof COSDictionary dictionary && !(dictionary instanceof COSStream)) {
            return;
        }
        COSDictionary copy = new COSDictionary();
        if (found instanceof COSDictionary source) {
            for (Map.Entry<COSName, COSBase> entry : source.entrySet()) {
                if (source instanceof COSStream && STREAM_KEYS.contains(entry.getKey())) {
                    continue;
                }
                COSBase value = entry.getValue();
                // a direct category dictionary is copied too, so that adding the form does not change the original
                copy.setItem(entry.getKey(), value instanceof COSDictionary category && !(value instanceof COSStream)
                        ? new COSDictionary(category) : value);
            }
        }
        pageDictionary.setItem(COSName.RESOURCES, copy);
    }

    /** @return whether a sandbox engine already marked this document */
    static boolean isMarked(PDDocument document) {
        return document.getDocumentCatalog().getCOSObject().containsKey(MARKED_KEY);
    }

    /**
     * Draws the mark's line twice on {@code page} (top and bottom of the visible area, upright as displayed).
     *
     * @param textWidth the width of the text at font size 1
     */
    private static void markPage(PDDocument document, PDPage page, PDFormXObject line, float textWidth)
            throws IOException {
        PDRectangle box = page.getCropBox();
        int rotation = ((page.getRotation() % 360) + 360) % 360;
        boolean sideways = rotation == 90 || rotation == 270;
        float width = sideways ? box.getHeight() : box.getWidth();
        float height = sideways ? box.getWidth() : box.getHeight();
        Matrix toUser = switch (rotation) {
            case 90 -> new Matrix(0, 1, -1, 0, box.getUpperRightX(), box.getLowerLeftY());
            case 180 -> new Matrix(-1, 0, 0, -1, box.getUpperRightX(), box.getUpperRightY());
            case 270 -> new Matrix(0, -1, 1, 0, box.getLowerLeftX(), box.getUpperRightY());
            default -> new Matrix(1, 0, 0, 1, box.getLowerLeftX(), box.getLowerLeftY());
        };
        // Scaled to the page: about 12 pt on A4 or Letter, larger on posters, down to a fraction of a
        // point on a 3 pt page; never wider than the page, and two lines always fit its height.
        float fontSize = Math.min(width / 48f, height / 6f);
        float pad = fontSize * PAD;
        float x = Math.max(pad, (width - textWidth * fontSize) / 2);
        try (PDPageContentStream content = new PDPageContentStream(document, page,
                PDPageContentStream.AppendMode.APPEND, true, true)) {
            content.beginMarkedContent(COSName.ARTIFACT);
            content.saveGraphicsState();
            content.transform(toUser);
            for (float baseline : new float[] {height - fontSize - pad * 2, pad * 2}) {
                content.saveGraphicsState();
                content.transform(new Matrix(fontSize, 0, 0, fontSize, x, baseline));
                content.drawForm(line);
                content.restoreGraphicsState();
            }
            content.restoreGraphicsState();
            content.endMarkedContent();
        }
    }

    /**
     * One line of the mark at font size 1, its baseline at the origin: a white box with a red frame, and the
     * red text in LiberationSans (embedded as a subset of the glyphs it uses), as a form XObject. Built once
     * per JVM from PDFBox's copy of the font and kept as plain values (names, numbers, strings, dictionaries,
     * arrays, and streams as their encoded bytes), which {@link #copyInto} turns into new objects of a
     * document. Immutable, so shared by every thread.
     */
    static final class Template {

        /** The width of {@link #TEXT} at font size 1. */
        final float textWidth;
        private final Node form;

        private Template(float textWidth, Node form) {
            this.textWidth = textWidth;
            this.form = form;
        }

        /** @return the template, built on first use (class initialisation: once, thread-safe) */
        static Template get() throws IOException {
            try {
                return Holder.TEMPLATE;
            } catch (ExceptionInInitializerError | NoClassDefFoundError e) { // the first failure, then the later ones
                throw new IOException("The sandbox mark cannot be built: " + e, e);
            }
        }

        private static final class Holder {
            static final Template TEMPLATE = build();
        }

        private static Template build() {
            try (PDDocument scratch = new PDDocument()) {
                PDType0Font font;
                try (InputStream in = SandboxMarker.class.getResourceAsStream(FONT)) {
                    if (in == null) {
                        throw new IOException("The embedded font " + FONT + " is missing from PDFBox");
                    }
                    font = PDType0Font.load(scratch, in, true);
                }
                float textWidth = font.getStringWidth(TEXT) / 1000f;
                float outer = PAD + 1; // beyond the frame and its line width on every side
                PDAppearanceStream line = new PDAppearanceStream(scratch);
                line.setBBox(new PDRectangle(-outer, -outer, textWidth + 2 * outer, 1 + 2 * outer));
                line.setResources(new PDResources());
                try (PDPageContentStream content = new PDPageContentStream(scratch, line)) {
                    content.setNonStrokingColor(Color.WHITE);
                    content.addRect(-PAD, -PAD, textWidth + 2 * PAD, 1 + 2 * PAD);
                    content.fill();
                    content.setStrokingColor(RED);
                    content.setLineWidth(1 / 15f);
                    content.addRect(-PAD, -PAD, textWidth + 2 * PAD, 1 + 2 * PAD);
                    content.stroke();
                    content.beginText();
                    content.setFont(font, 1);
                    content.setNonStrokingColor(RED);
                    content.newLineAtOffset(0, 0.2f);
                    content.showText(TEXT);
                    content.endText();
                }
                font.subset(); // what saving the scratch document would do: the subset replaces the whole font
                return new Template(textWidth, capture(line.getCOSObject(), new IdentityHashMap<>()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** @return a new copy of the mark's form XObject (and its resources) owned by {@code document} */
        COSStream copyInto(COSDocument document) throws IOException {
            return (COSStream) form.build(document, new IdentityHashMap<>());
        }

        private static Node capture(COSBase value, Map<COSBase, Node> seen) throws IOException {
            COSBase base = value instanceof COSObject reference ? reference.getObject() : value;
            Node known = seen.get(base);
            if (known != null) {
                return known;
            }
            Node node;
            if (base instanceof COSStream stream) {
                byte[] raw;
                try (InputStream in = stream.createRawInputStream()) {
                    raw = in.readAllBytes();
                }
                node = new Stream(entries(stream, seen), raw);
            } else if (base instanceof COSDictionary dictionary) {
                node = new Dict(entries(dictionary, seen));
            } else if (base instanceof COSArray array) {
                List<Node> items = new ArrayList<>();
                for (int i = 0; i < array.size(); i++) {
                    items.add(capture(array.get(i), seen));
                }
                node = new Arr(List.copyOf(items));
            } else if (base instanceof COSName || base instanceof COSBoolean || base instanceof COSNull) {
                node = new Shared(base); // PDFBox's own shared constants
            } else if (base instanceof COSInteger number) {
                node = new Int(number.longValue());
            } else if (base instanceof COSFloat number) {
                node = new Real(number.floatValue());
            } else if (base instanceof COSString string) {
                node = new Text(string.getBytes());
            } else {
                throw new IOException("Unexpected object in the sandbox mark template: " + base);
            }
            seen.put(base, node);
            return node;
        }

        /** The entries of a dictionary (a stream's without /Length, which its new copy gets when written). */
        private static Map<COSName, Node> entries(COSDictionary dictionary, Map<COSBase, Node> seen) throws IOException {
            Map<COSName, Node> entries = new LinkedHashMap<>();
            for (Map.Entry<COSName, COSBase> entry : dictionary.entrySet()) {
                if (!(dictionary instanceof COSStream && COSName.LENGTH.equals(entry.getKey()))) {
                    entries.put(entry.getKey(), capture(entry.getValue(), seen));
                }
            }
            return java.util.Collections.unmodifiableMap(entries);
        }
    }

    /** One captured value of the template; {@link #build} makes a new PDFBox object of it for one document. */
    private sealed interface Node permits Shared, Int, Real, Text, Dict, Arr, Stream {
        COSBase make(COSDocument document, Map<Node, COSBase> made) throws IOException;

        /** Builds this value once per copy, so that objects the template shares stay shared in the copy. */
        default COSBase build(COSDocument document, Map<Node, COSBase> made) throws IOException {
            COSBase known = made.get(this);
            if (known == null) {
                known = make(document, made);
                made.put(this, known);
            }
            return known;
        }
    }

    private record Shared(COSBase value) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) {
            return value;
        }
    }

    private record Int(long value) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) {
            return COSInteger.get(value);
        }
    }

    private record Real(float value) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) {
            return new COSFloat(value);
        }
    }

    private record Text(byte[] bytes) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) {
            return new COSString(bytes.clone());
        }
    }

    private record Dict(Map<COSName, Node> entries) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) throws IOException {
            COSDictionary dictionary = new COSDictionary();
            fill(dictionary, entries, document, made);
            return dictionary;
        }
    }

    private record Arr(List<Node> items) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) throws IOException {
            COSArray array = new COSArray();
            for (Node item : items) {
                array.add(item.build(document, made));
            }
            return array;
        }
    }

    /** A stream: its dictionary and its encoded bytes, written as they are (no filter runs again). */
    private record Stream(Map<COSName, Node> entries, byte[] raw) implements Node {
        @Override
        public COSBase make(COSDocument document, Map<Node, COSBase> made) throws IOException {
            COSStream stream = document.createCOSStream();
            fill(stream, entries, document, made);
            try (OutputStream out = stream.createRawOutputStream()) {
                out.write(raw);
            }
            return stream;
        }
    }

    private static void fill(COSDictionary dictionary, Map<COSName, Node> entries, COSDocument document,
                             Map<Node, COSBase> made) throws IOException {
        for (Map.Entry<COSName, Node> entry : entries.entrySet()) {
            dictionary.setItem(entry.getKey(), entry.getValue().build(document, made));
        }
    }
}
