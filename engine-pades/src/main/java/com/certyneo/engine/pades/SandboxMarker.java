package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.util.Matrix;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;

/**
 * Draws the visible "SANDBOX – NOT LEGALLY BINDING" mark on every page, in an incremental update
 * (earlier bytes, and so earlier signatures' byte ranges, are untouched). The mark uses an embedded
 * font subset, so the text is extractable and PDF/A documents keep their embedded-fonts property.
 * A document already marked by a sandbox engine is left unchanged.
 */
final class SandboxMarker {

    static final String TEXT = "SANDBOX \u2013 NOT LEGALLY BINDING";
    /** Catalog key recording that the sandbox mark was applied (a second-class name with our prefix). */
    static final COSName MARKED_KEY = COSName.getPDFName("CertyneoSandboxMark");
    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

    private SandboxMarker() {
    }

    /**
     * Marks every page of a loaded document, unless an earlier sandbox engine already did.
     *
     * @param document the loaded, unencrypted document
     * @return whether the document was changed
     * @throws IOException when the font cannot be loaded or a page cannot be written
     */
    static boolean mark(PDDocument document) throws IOException {
        if (isMarked(document)) {
            return false;
        }
        PDType0Font font;
        try (InputStream in = SandboxMarker.class.getResourceAsStream(FONT)) {
            if (in == null) {
                throw new IOException("The embedded font " + FONT + " is missing from PDFBox");
            }
            font = PDType0Font.load(document, in, true);
        }
        for (PDPage page : document.getPages()) {
            markPage(document, page, font);
        }
        document.getDocumentCatalog().getCOSObject().setBoolean(MARKED_KEY, true);
        return true;
    }

    /** @return whether a sandbox engine already marked this document */
    static boolean isMarked(PDDocument document) {
        return document.getDocumentCatalog().getCOSObject().containsKey(MARKED_KEY);
    }

    private static void markPage(PDDocument document, PDPage page, PDType0Font font) throws IOException {
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
        float textWidth = font.getStringWidth(TEXT) / 1000f * fontSize;
        float pad = fontSize * 0.35f;
        try (PDPageContentStream content = new PDPageContentStream(document, page,
                PDPageContentStream.AppendMode.APPEND, true, true)) {
            content.beginMarkedContent(COSName.ARTIFACT);
            content.saveGraphicsState();
            content.transform(toUser);
            for (float baseline : new float[] {height - fontSize - pad * 2, pad * 2}) {
                float x = Math.max(pad, (width - textWidth) / 2);
                content.setNonStrokingColor(Color.WHITE);
                content.addRect(x - pad, baseline - pad, textWidth + 2 * pad, fontSize + 2 * pad);
                content.fill();
                content.setStrokingColor(new Color(0xC0, 0x00, 0x00));
                content.setLineWidth(fontSize / 15f);
                content.addRect(x - pad, baseline - pad, textWidth + 2 * pad, fontSize + 2 * pad);
                content.stroke();
                content.beginText();
                content.setFont(font, fontSize);
                content.setNonStrokingColor(new Color(0xC0, 0x00, 0x00));
                content.newLineAtOffset(x, baseline + fontSize * 0.2f);
                content.showText(TEXT);
                content.endText();
            }
            content.restoreGraphicsState();
            content.endMarkedContent();
        }
    }
}
