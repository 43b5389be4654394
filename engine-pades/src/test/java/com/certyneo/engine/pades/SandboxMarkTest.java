package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.testvectors.ExternalValidators;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SANDBOX mark fits every page: sizes from 3 pt to 14,400 pt, /Rotate 90/180/270, a crop box away
 * from the media box origin, /UserUnit, attributes inherited from the page tree. On every page the text
 * is extractable and every glyph of it lies inside the visible (crop) box.
 */
class SandboxMarkTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    record Geometry(String name, float width, float height, Consumer<PDPage> adjust) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Geometry> geometries() {
        return Stream.of(
                new Geometry("3 x 3 pt", 3, 3, p -> { }),
                new Geometry("4 x 4 pt image page", 4, 4, p -> { }),
                new Geometry("A4", 595, 842, p -> { }),
                new Geometry("14400 x 14400 pt", 14400, 14400, p -> { }),
                new Geometry("14400 x 200 pt strip", 14400, 200, p -> { }),
                new Geometry("3 x 14400 pt strip", 3, 14400, p -> { }),
                new Geometry("rotate 90", 595, 842, p -> p.setRotation(90)),
                new Geometry("rotate 180", 595, 842, p -> p.setRotation(180)),
                new Geometry("rotate 270 landscape", 842, 595, p -> p.setRotation(270)),
                new Geometry("rotate -90", 595, 842, p -> p.getCOSObject().setInt(COSName.ROTATE, -90)),
                new Geometry("crop box offset", 595, 842, p -> p.setCropBox(new PDRectangle(200, 300, 250, 180))),
                new Geometry("media box not at origin", 595, 842,
                        p -> p.setMediaBox(new PDRectangle(-300, 1000, 400, 300))),
                new Geometry("user unit 2", 300, 400, p -> p.getCOSObject().setFloat(COSName.getPDFName("UserUnit"), 2f)),
                new Geometry("crop box offset and rotate 90", 595, 842, p -> {
                    p.setCropBox(new PDRectangle(100, 100, 300, 200));
                    p.setRotation(90);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void everyPageCarriesTheWholeMarkInsideItsVisibleArea(Geometry geometry) throws Exception {
        byte[] input = document(geometry);
        checkSigned(input, 1);
    }

    /** Media box, crop box and /Rotate inherited from the /Pages node (ISO 32000-1 §7.7.3.4). */
    @ParameterizedTest(name = "inherited from the page tree, rotate {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 90})
    void inheritedPageAttributes(int rotate) throws Exception {
        byte[] input = twoPages("Inherited page", document -> {
            for (PDPage page : document.getPages()) {
                page.getCOSObject().removeItem(COSName.MEDIA_BOX);
            }
            var pages = document.getPages().getCOSObject();
            pages.setItem(COSName.MEDIA_BOX, new PDRectangle(0, 0, 400, 300).getCOSArray());
            pages.setItem(COSName.CROP_BOX, new PDRectangle(20, 20, 300, 200).getCOSArray());
            pages.setInt(COSName.ROTATE, rotate);
        });
        checkSigned(input, 2);
    }

    /**
     * A document whose newest cross-reference section is a stream and an older one hybrid (/XRefStm), as the IRS's
     * fillable Form 1040 is: PDFBox 3.0.8 wrote the mark's revision as a table whose trailer was the newest stream's
     * dictionary as it was, a /Size that did not count the mark's objects (MuPDF: "broken xref subsection") and /Type
     * /XRef, /W, /Index and /Length in a trailer. The revision's trailer now counts every object it lists.
     */
    @Test
    void aStreamSectionAfterAHybridOneGetsAMarkRevisionWhoseSizeCountsItsObjects() throws Exception {
        byte[] hybrid = com.certyneo.testvectors.PdfVector.HYBRID_XREF.bytes();
        String text = new String(hybrid, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher last = java.util.regex.Pattern.compile("startxref\\s+(\\d+)").matcher(text);
        long prev = -1;
        while (last.find()) {
            prev = Long.parseLong(last.group(1));
        }
        int size = Integer.parseInt(text.replaceAll("(?s).*/Size (\\d+).*", "$1"));
        java.io.ByteArrayOutputStream update = new java.io.ByteArrayOutputStream();
        update.writeBytes(hybrid);
        int info = size;
        int infoAt = update.size();
        update.writeBytes((info + " 0 obj\n<< /Producer (an update) >>\nendobj\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        int xrefAt = update.size();
        byte[] entries = new byte[14];
        int k = 0;
        for (int offset : new int[] {infoAt, xrefAt}) {
            entries[k++] = 1;
            entries[k++] = (byte) (offset >>> 24);
            entries[k++] = (byte) (offset >>> 16);
            entries[k++] = (byte) (offset >>> 8);
            entries[k++] = (byte) offset;
            entries[k++] = 0;
            entries[k++] = 0;
        }
        update.writeBytes(((info + 1) + " 0 obj\n<< /Type /XRef /Size " + (info + 2) + " /Root 1 0 R /Info " + info
                + " 0 R /Prev " + prev + " /Index [" + info + " 2] /W [1 4 2] /Length " + entries.length
                + " >>\nstream\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        update.writeBytes(entries);
        update.writeBytes(("\nendstream\nendobj\nstartxref\n" + xrefAt + "\n%%EOF\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        byte[] input = update.toByteArray();
        assertEquals(java.util.Optional.empty(), CrossReferenceCheck.damage(input));
        try (PDDocument loaded = Loader.loadPDF(input)) {
            assertTrue(loaded.getDocument().isXRefStream() && loaded.getDocument().hasHybridXRef(), "the shape PDFBox mishandled");
        }

        Path in = dir.resolve("hybrid-then-stream.pdf");
        Path out = dir.resolve("marked.pdf");
        java.nio.file.Files.write(in, input);
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .build());
        String signed = new String(java.nio.file.Files.readAllBytes(out), java.nio.charset.StandardCharsets.ISO_8859_1);
        int table = signed.indexOf("\nxref\n", input.length) + 1;
        int trailer = signed.indexOf("trailer", table);
        assertTrue(table > 0 && trailer > table, "the mark's revision is a table");
        String markTrailer = signed.substring(trailer, signed.indexOf("startxref", trailer));
        int markSize = Integer.parseInt(markTrailer.replaceAll("(?s).*/Size (\\d+).*", "$1"));
        java.util.regex.Matcher subsection = java.util.regex.Pattern.compile("(?m)^(\\d+) (\\d+)\\s*$")
                .matcher(signed.substring(table, trailer));
        int highest = 0;
        while (subsection.find()) {
            highest = Math.max(highest, Integer.parseInt(subsection.group(1)) + Integer.parseInt(subsection.group(2)) - 1);
        }
        assertTrue(highest > info + 1, "the mark added objects: " + highest);
        assertEquals(highest + 1, markSize, "/Size counts the objects the revision lists: " + markTrailer);
        for (String key : List.of("/Type", "/W ", "/Index", "/Length", "/XRefStm")) {
            assertFalse(markTrailer.contains(key), key + " in a table's trailer: " + markTrailer);
        }
        assertTrue(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        if (com.certyneo.testvectors.ExternalValidators.require("mutool")) {
            Process mutool = new ProcessBuilder("mutool", "info", out.toString()).redirectErrorStream(true).start();
            String said = new String(mutool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            mutool.waitFor();
            assertFalse(said.contains("broken xref"), said);
        }
    }

    /** What a test does to a document before it is saved. */
    private interface Change {
        void apply(PDDocument document) throws IOException;
    }

    /** Two 400 x 300 pages, each with a line of text ("{label} 1", "{label} 2"), changed by {@code change}, saved. */
    private static byte[] twoPages(String label, Change change) throws IOException {
        try (PDDocument document = new PDDocument()) {
            for (int i = 0; i < 2; i++) {
                PDPage page = new PDPage(new PDRectangle(400, 300));
                document.addPage(page);
                text(document, page, label + " " + (i + 1));
            }
            change.apply(document);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    /**
     * /Resources written directly inside the /Pages node and inherited by every page (Typst 0.8 does this: pdf.js's
     * issue17065 test file), and a page whose /Resources names a stream (pdf.js's issue15150 names its content
     * stream). The mark's form was added to a dictionary that was never written, or to the content stream's
     * dictionary: pdf.js failed on the page ("XObject should be a stream") and other readers drew no mark.
     */
    @ParameterizedTest(name = "resources {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"inherited", "a stream"})
    void resourcesInheritedOrNamingAStream(String where) throws Exception {
        byte[] input = twoPages("Page", document -> {
            COSDictionary resources = document.getPage(0).getResources().getCOSObject();
            if (where.equals("inherited")) {
                resources.setDirect(true);
                document.getPages().getCOSObject().setItem(COSName.RESOURCES, resources);
                for (PDPage page : document.getPages()) {
                    page.getCOSObject().removeItem(COSName.RESOURCES);
                }
            } else {
                // the first page's /Resources is a stream whose dictionary holds its font, as its content stream's does
                org.apache.pdfbox.cos.COSStream stream = document.getDocument().createCOSStream();
                try (java.io.OutputStream data = stream.createOutputStream()) {
                    data.write("% not a resource dictionary".getBytes(StandardCharsets.US_ASCII));
                }
                resources.entrySet().forEach(e -> stream.setItem(e.getKey(), e.getValue()));
                document.getPage(0).getCOSObject().setItem(COSName.RESOURCES, stream);
            }
        });
        byte[] output = checkSigned(input, 2);
        try (PDDocument signed = Loader.loadPDF(output)) {
            for (PDPage page : signed.getPages()) {
                // the form is named by a resource dictionary of the page's own, never added to a stream's dictionary
                assertTrue(page.getCOSObject().getDictionaryObject(COSName.RESOURCES) instanceof COSDictionary own
                        && !(own instanceof org.apache.pdfbox.cos.COSStream), page.getCOSObject().toString());
            }
        }
    }

    private byte[] checkSigned(byte[] input, int pages) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(input, "page.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Sandbox Seal", "seal@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_T)
                .build());
        byte[] output = out.toByteArray();
        try (PDDocument document = Loader.loadPDF(output)) {
            assertEquals(pages, document.getNumberOfPages());
            for (int i = 1; i <= pages; i++) {
                PDRectangle visible = displayed(document.getPage(i - 1));
                List<TextPosition> glyphs = markGlyphs(document, i);
                assertEquals(2 * SandboxMarker.TEXT.length(), glyphs.size(),
                        "page " + i + ": the mark's two lines are extractable");
                for (TextPosition glyph : glyphs) {
                    // TextPosition coordinates are in the displayed (rotated, cropped) page, origin top-left.
                    float x = glyph.getXDirAdj();
                    float y = glyph.getYDirAdj();
                    float slack = Math.max(0.01f, glyph.getFontSizeInPt() * 0.05f);
                    assertTrue(x >= -slack && x + glyph.getWidthDirAdj() <= visible.getWidth() + slack
                                    && y - glyph.getHeightDir() >= -slack && y <= visible.getHeight() + slack,
                            "page " + i + ": glyph '" + glyph.getUnicode() + "' at (" + x + ", " + y + ") lies outside the "
                                    + visible.getWidth() + " x " + visible.getHeight() + " visible area");
                }
            }
        }
        if (ExternalValidators.require("pdftotext")) {
            Path file = dir.resolve("marked.pdf");
            Files.write(file, output);
            Process process = new ProcessBuilder("pdftotext", "-layout", file.toString(), "-").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            String[] perPage = text.split("\f");
            for (int i = 0; i < pages; i++) {
                assertTrue(perPage[i].replaceAll("\\s+", " ").contains("SANDBOX"), "pdftotext, page " + (i + 1) + ": " + perPage[i]);
            }
        }
        return output;
    }

    /** The crop box as displayed: width and height swapped for /Rotate 90 and 270. */
    private static PDRectangle displayed(PDPage page) {
        PDRectangle crop = page.getCropBox();
        int rotation = ((page.getRotation() % 360) + 360) % 360;
        return rotation == 90 || rotation == 270 ? new PDRectangle(crop.getHeight(), crop.getWidth())
                : new PDRectangle(crop.getWidth(), crop.getHeight());
    }

    private static List<TextPosition> markGlyphs(PDDocument document, int page) throws IOException {
        List<TextPosition> glyphs = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void processTextPosition(TextPosition text) {
                if (text.getFont() != null && text.getFont().getName() != null
                        && text.getFont().getName().contains("LiberationSans")) {
                    glyphs.add(text);
                }
            }
        };
        stripper.setStartPage(page);
        stripper.setEndPage(page);
        stripper.getText(document);
        return glyphs;
    }

    private static byte[] document(Geometry geometry) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(new PDRectangle(geometry.width(), geometry.height()));
            document.addPage(page);
            text(document, page, "Content");
            geometry.adjust().accept(page);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static void text(PDDocument document, PDPage page, String text) throws IOException {
        PDRectangle box = page.getMediaBox();
        float size = Math.max(0.5f, Math.min(12, box.getWidth() / 20));
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), size);
            content.newLineAtOffset(box.getLowerLeftX() + 1, box.getLowerLeftY() + box.getHeight() / 2);
            content.showText(text);
            content.endText();
        }
    }

    /**
     * The mark's font is embedded as a subset with a ToUnicode map (extractable, PDF/A keeps its embedded-fonts
     * property), and each marked document owns its copy of the mark (the template built once per JVM is never
     * shared): a document still saves its mark after another document marked before it was closed.
     */
    @org.junit.jupiter.api.Test
    void theMarkEmbedsItsFontSubsetAndEveryDocumentGetsItsOwnCopy() throws Exception {
        byte[] input = document(new Geometry("A4", 595, 842, p -> { }));
        byte[] second;
        try (PDDocument a = Loader.loadPDF(input); PDDocument b = Loader.loadPDF(input)) {
            assertTrue(SandboxMarker.mark(a, "a.pdf"));
            assertTrue(SandboxMarker.mark(b, "b.pdf"));
            a.close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            b.saveIncremental(out);
            second = out.toByteArray();
        }
        try (PDDocument marked = Loader.loadPDF(second)) {
            org.apache.pdfbox.pdmodel.font.PDFont font = markFont(marked.getPage(0));
            assertTrue(font.isEmbedded(), "the mark's font is embedded");
            assertTrue(font.getName().matches("[A-Z]{6}\\+LiberationSans"), "a subset: " + font.getName());
            assertTrue(font.getCOSObject().containsKey(COSName.TO_UNICODE), "with a ToUnicode map");
            assertEquals(2, markGlyphs(marked, 1).size() / SandboxMarker.TEXT.length(), "two lines of the mark");
        }
        // marking is deterministic: the same input marked again gives the same bytes (but for the trailer's /ID)
        assertEquals(sha(PdfPreparation.prepare(input, "again.pdf", true)), sha(PdfPreparation.prepare(input, "x.pdf", true)));
    }

    /** Documents marked on several threads at once get exactly the mark a single thread draws. */
    @org.junit.jupiter.api.Test
    void marksDrawnConcurrentlyAreTheMarkDrawnAlone() throws Exception {
        byte[] input = document(new Geometry("A4", 595, 842, p -> { }));
        String alone = sha(PdfPreparation.prepare(input, "alone.pdf", true));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> marks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                marks.add(pool.submit(() -> sha(PdfPreparation.prepare(input, "concurrent.pdf", true))));
            }
            for (java.util.concurrent.Future<String> mark : marks) {
                assertEquals(alone, mark.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The font the mark's text is shown in: in the form XObject the page draws. */
    private static org.apache.pdfbox.pdmodel.font.PDFont markFont(PDPage page) throws IOException {
        for (COSName name : page.getResources().getXObjectNames()) {
            if (page.getResources().getXObject(name) instanceof org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject form
                    && form.getResources() != null) {
                for (COSName fontName : form.getResources().getFontNames()) {
                    org.apache.pdfbox.pdmodel.font.PDFont font = form.getResources().getFont(fontName);
                    if (font != null && font.getName() != null && font.getName().contains("LiberationSans")) {
                        return font;
                    }
                }
            }
        }
        throw new AssertionError("no LiberationSans font in the page's form XObjects");
    }

    /** The SHA-256 of a marked file without its trailer's /ID (PDFBox draws a new second identifier for each save). */
    private static String sha(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1).replaceAll("/ID ?\\[<[0-9A-Fa-f]*> ?<[0-9A-Fa-f]*>\\]", "/ID");
        return Digests.sha256Hex(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
