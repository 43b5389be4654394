package com.certyneo.engine.pades;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An empty signature field as another tool (here PDFBox) prepares it, for tests of signing into fields the engine
 * did not add: a new form holding one merged field and widget on page 1, printable, with or without a normal
 * appearance.
 */
final class ForeignSignatureField {

    private ForeignSignatureField() {
    }

    /**
     * Adds the field to {@code document} (not saved).
     *
     * @param name its partial name
     * @param rect its /Rect ({@code 0 0 0 0}: invisible)
     * @param drawing the content of its normal appearance (a form with the rectangle's size as its box, no matrix, no
     *                filter), or {@code null} for no appearance
     */
    static void add(PDDocument document, String name, PDRectangle rect, String drawing) throws IOException {
        PDAcroForm form = new PDAcroForm(document);
        document.getDocumentCatalog().setAcroForm(form);
        PDSignatureField field = new PDSignatureField(form);
        field.setPartialName(name);
        var widget = field.getWidgets().get(0);
        widget.setRectangle(rect);
        widget.setPage(document.getPage(0));
        widget.setPrinted(true);
        if (drawing != null) {
            PDAppearanceStream sheet = new PDAppearanceStream(document);
            sheet.setBBox(new PDRectangle(rect.getWidth(), rect.getHeight()));
            try (OutputStream out = sheet.getContentStream().createOutputStream()) {
                out.write(drawing.getBytes(StandardCharsets.ISO_8859_1));
            }
            PDAppearanceDictionary appearance = new PDAppearanceDictionary();
            appearance.setNormalAppearance(sheet);
            widget.setAppearance(appearance);
        }
        document.getPage(0).getAnnotations().add(widget);
        form.getFields().add(field);
    }
}
