package com.certyneo.testvectors;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdfwriter.compress.CompressParameters;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionGoTo;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationText;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageFitDestination;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/** Generators of the code-made {@link PdfVector}s. Every output has a fixed /ID and no dates. */
final class PdfFactory {

    static final String PRODUCER = "Certyneo test-vectors (PDFBox)";

    private PdfFactory() {
    }

    /** A one-page document with a classic xref table; the base of the signed and updated vectors. */
    static byte[] signable() {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            text(document, page, helvetica(), "Certyneo test vector - to be signed", 100);
            return save(document, "signable", false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] objectStreams() {
        try (PDDocument document = new PDDocument()) {
            PDFont font = helvetica();
            PDDocumentOutline outline = new PDDocumentOutline();
            document.getDocumentCatalog().setDocumentOutline(outline);
            PDAcroForm form = new PDAcroForm(document);
            document.getDocumentCatalog().setAcroForm(form);
            PDResources formResources = new PDResources();
            formResources.put(COSName.getPDFName("Helv"), font);
            form.setDefaultResources(formResources);
            form.setDefaultAppearance("/Helv 12 Tf 0 g");
            for (int i = 1; i <= 3; i++) {
                PDPage page = new PDPage(PDRectangle.A4);
                document.addPage(page);
                text(document, page, font, "Object streams vector - page " + i, 100);
                PDOutlineItem item = new PDOutlineItem();
                item.setTitle("Page " + i);
                PDPageFitDestination destination = new PDPageFitDestination();
                destination.setPage(page);
                item.setDestination(destination);
                outline.addLast(item);
                PDAnnotationLink link = new PDAnnotationLink();
                link.setRectangle(new PDRectangle(72, 600, 200, 20));
                PDActionGoTo goTo = new PDActionGoTo();
                PDPageFitDestination first = new PDPageFitDestination();
                first.setPage(document.getPage(0));
                goTo.setDestination(first);
                link.setAction(goTo);
                page.getAnnotations().add(link);
            }
            PDTextField field = new PDTextField(form);
            field.setPartialName("comment");
            PDAnnotationWidget widget = field.getWidgets().get(0);
            widget.setRectangle(new PDRectangle(72, 500, 300, 20));
            widget.setPage(document.getPage(0));
            document.getPage(0).getAnnotations().add(widget);
            form.getFields().add(field);
            field.setValue("filled");
            return save(document, "object-streams", true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] formWithEmptySignatureFields() {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            text(document, page, helvetica(), "Please sign: approver (left), witness (right)", 100);
            PDAcroForm form = new PDAcroForm(document);
            document.getDocumentCatalog().setAcroForm(form);
            int x = 72;
            for (String name : List.of("approver", "witness")) {
                PDSignatureField field = new PDSignatureField(form);
                field.setPartialName(name);
                PDAnnotationWidget widget = field.getWidgets().get(0);
                widget.setRectangle(new PDRectangle(x, 120, 200, 60));
                widget.setPage(page);
                widget.setPrinted(true);
                page.getAnnotations().add(widget);
                form.getFields().add(field);
                x += 250;
            }
            return save(document, "form-empty-signature-fields", false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] pdfA2b() {
        try (PDDocument document = new PDDocument();
             InputStream ttf = PDDocument.class.getResourceAsStream("/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf")) {
            if (ttf == null) {
                throw new IllegalStateException("PDFBox no longer ships LiberationSans-Regular.ttf");
            }
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            PDFont font = PDType0Font.load(document, ttf, true);
            text(document, page, font, "Certyneo test vector - PDF/A-2b", 100);
            PDDocumentCatalog catalog = document.getDocumentCatalog();
            String title = "Certyneo PDF/A-2b test vector";
            document.getDocumentInformation().setTitle(title);
            document.getDocumentInformation().setProducer(PRODUCER);
            PDMetadata metadata = new PDMetadata(document);
            metadata.importXMPMetadata(xmp(title, PRODUCER).getBytes(StandardCharsets.UTF_8));
            catalog.setMetadata(metadata);
            PDOutputIntent intent = new PDOutputIntent(document,
                    new ByteArrayInputStream(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData()));
            intent.setInfo("sRGB IEC61966-2.1");
            intent.setOutputCondition("sRGB IEC61966-2.1");
            intent.setOutputConditionIdentifier("sRGB IEC61966-2.1");
            intent.setRegistryName("http://www.color.org");
            catalog.addOutputIntent(intent);
            return save(document, "pdf-a-2b", false, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String xmp(String title, String producer) {
        return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                + " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                + "   <pdfaid:part>2</pdfaid:part>\n"
                + "   <pdfaid:conformance>B</pdfaid:conformance>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                + "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + title + "</rdf:li></rdf:Alt></dc:title>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                + "   <pdf:Producer>" + producer + "</pdf:Producer>\n"
                + "  </rdf:Description>\n"
                + " </rdf:RDF>\n"
                + "</x:xmpmeta>\n"
                + "<?xpacket end=\"w\"?>";
    }

    static byte[] incrementallyUpdated() {
        byte[] original = signable();
        try (PDDocument document = Loader.loadPDF(original)) {
            PDPage page = document.getPage(0);
            PDAnnotationText note = new PDAnnotationText();
            note.setRectangle(new PDRectangle(400, 700, 20, 20));
            note.setContents("Added in the second revision");
            note.setName(PDAnnotationText.NAME_COMMENT);
            page.getAnnotations().add(note);
            page.getCOSObject().setNeedToBeUpdated(true);
            document.getDocumentInformation().setTitle("Second revision");
            document.getDocumentInformation().getCOSObject().setNeedToBeUpdated(true);
            document.getDocument().getTrailer().setNeedToBeUpdated(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            byte[] result = pinLastId(out.toByteArray(), "incrementally-updated/rev2");
            if (!Arrays.equals(original, Arrays.copyOf(result, original.length))) {
                throw new IllegalStateException("PDFBox did not append an incremental update");
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] large(long approximateBytes) {
        if (approximateBytes < 0) {
            throw new IllegalArgumentException("approximateBytes must not be negative");
        }
        int side = 256;
        long perPage = (long) side * side * 3 + 600;
        int pages = (int) Math.max(1, Math.min(100_000, approximateBytes / perPage));
        Drbg noise = Drbg.of("large-pdf", Long.toString(approximateBytes));
        try (PDDocument document = new PDDocument()) {
            PDFont font = helvetica();
            for (int i = 1; i <= pages; i++) {
                PDPage page = new PDPage(PDRectangle.A4);
                document.addPage(page);
                BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                byte[] rgb = noise.bytes(side * side * 3);
                for (int y = 0, k = 0; y < side; y++) {
                    for (int x = 0; x < side; x++, k += 3) {
                        image.setRGB(x, y, ((rgb[k] & 0xFF) << 16) | ((rgb[k + 1] & 0xFF) << 8) | (rgb[k + 2] & 0xFF));
                    }
                }
                PDImageXObject xObject = LosslessFactory.createFromImage(document, image);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 14);
                    content.newLineAtOffset(72, page.getMediaBox().getHeight() - 100);
                    content.showText("Large test vector - page " + i + " of " + pages);
                    content.endText();
                    content.drawImage(xObject, 72, 300, side, side);
                }
            }
            return save(document, "large-" + approximateBytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PDFont helvetica() {
        return new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    }

    static void text(PDDocument document, PDPage page, PDFont font, String text, float fromTop) throws IOException {
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
            content.beginText();
            content.setFont(font, 14);
            content.newLineAtOffset(72, page.getMediaBox().getHeight() - fromTop);
            content.showText(text);
            content.endText();
        }
    }

    static byte[] save(PDDocument document, String idSeed, boolean compress) throws IOException {
        return save(document, idSeed, compress, true);
    }

    /** Saves with a fixed /ID derived from {@code idSeed}, so that the output is reproducible. */
    static byte[] save(PDDocument document, String idSeed, boolean compress, boolean setProducer) throws IOException {
        if (setProducer) {
            document.getDocumentInformation().setProducer(PRODUCER);
        }
        byte[] id = md5(("certyneo-test-vectors/" + idSeed).getBytes(StandardCharsets.UTF_8));
        COSArray ids = new COSArray();
        ids.add(new COSString(id));
        ids.add(new COSString(id));
        document.getDocument().setDocumentID(ids);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out, compress ? CompressParameters.DEFAULT_COMPRESSION : CompressParameters.NO_COMPRESSION);
        return out.toByteArray();
    }

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(
            "/ID\\s*\\[\\s*<([0-9A-Fa-f]{32,64})>\\s*<([0-9A-Fa-f]{32,64})>\\s*\\]");

    /**
     * PDFBox derives the second /ID element of an incremental update from the current time; this
     * overwrites it in the last trailer (same length, so no offset moves) with an MD5 of {@code seed},
     * or a SHA-256 where PDFBox (3.0.5+) wrote a 32-byte identifier.
     */
    static byte[] pinLastId(byte[] pdf, String seed) {
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = ID.matcher(text);
        int start = -1;
        int length = 0;
        while (m.find()) {
            start = m.start(2);
            length = m.end(2) - m.start(2);
        }
        if (start < 0) {
            throw new IllegalStateException("No /ID in the last trailer");
        }
        byte[] seedBytes = seed.getBytes(StandardCharsets.UTF_8);
        byte[] hex = java.util.HexFormat.of().withUpperCase()
                .formatHex(length == 64 ? sha256(seedBytes) : md5(seedBytes)).getBytes(StandardCharsets.US_ASCII);
        byte[] result = pdf.clone();
        System.arraycopy(hex, 0, result, start, hex.length);
        return result;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
