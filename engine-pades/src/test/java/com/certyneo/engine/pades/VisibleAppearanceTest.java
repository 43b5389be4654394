package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationReport;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A visible signature box shows who signed, when and at which level, and stays a valid signature. The box is
 * drawn by the engine's own pipeline ({@link SignatureAppearance}, {@link SigningPipeline}): it validates at every
 * profile, from memory and from disk, stands upright on rotated pages in independent renderers (poppler, MuPDF),
 * uses an embedded font subset, keeps an existing field's box, and bad boxes are refused before anything is written.
 */
class VisibleAppearanceTest {

    /** Where the boxes below go: from the top-left corner of the page as displayed. */
    private static final VisibleAppearance BOX = VisibleAppearance.of(1, 72, 150, 240, 70);
    private static final float A4_WIDTH = PDRectangle.A4.getWidth();
    private static final float A4_HEIGHT = PDRectangle.A4.getHeight();

    @TempDir
    Path dir;

    @TempDir
    static Path home;
    static PadesSignatureEngine shared;

    @BeforeAll
    static void setUp() {
        shared = PadesSignatureEngine.sandbox(home);
    }

    static Signer jane() {
        return Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    /**
     * A visible co-signature on an already-signed PDF/A document (output intent, XMP) at the default profile leaves
     * the first signature intact: through DSS's visible path the second signature rewrote /OutputIntents and failed
     * the first one (MODIFIED_AFTER_SIGNING), found by the CLI start-up work's training run.
     */
    @Test
    void aVisibleCoSignatureKeepsTheFirstSignatureOfAPdfA() {
        byte[] document = com.certyneo.testvectors.PdfVector.PDF_A_2B.bytes();
        for (VisibleAppearance box : new VisibleAppearance[] {null, VisibleAppearance.of(1, 350, 700, 220, 70)}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(document, "pdfa.pdf"))
                    .output(DocumentTarget.of(out)).signer(jane()).level(SignatureLevel.AES).profile(PadesProfile.B_LT);
            if (box != null) {
                request.appearance(box);
            }
            shared.sign(request.build());
            document = out.toByteArray();
        }
        ValidationReport report = shared.validate(DocumentSource.of(document, "pdfa.pdf"), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(2, signatures.size(), report.toString());
        signatures.forEach(s -> assertEquals(Indication.TOTAL_PASSED, s.indication(), report.toString()));
    }

    @Test
    void visibleBoxValidatesAndShowsTheSigner() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        Signer jane = Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
        Path out = dir.resolve("visible.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.multiPage(2), "in.pdf"))
                .output(DocumentTarget.of(out)).signer(jane).appearance(VisibleAppearance.of(2, 72, 600, 240, 70)).build());
        assertTrue(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            assertEquals(1, document.getPage(1).getAnnotations().stream()
                    .filter(a -> a.getRectangle().getWidth() > 200).count(), "one visible widget on page 2");
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(2);
            stripper.setEndPage(2);
            String appearance = document.getPage(1).getAnnotations().get(0).getNormalAppearanceStream() == null ? ""
                    : new String(document.getPage(1).getAnnotations().get(0).getNormalAppearanceStream().getContentStream()
                    .toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertFalse(appearance.isEmpty(), "the widget has an appearance stream");
        }
        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(out).exitCode());
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out).output()));
        }
        assertTrue(SignatureAppearance.text(com.certyneo.engine.SignatureLevel.AES, jane.name(),
                engine.sandboxPki().orElseThrow().rootCertificate(), Instant.parse("2026-01-02T03:04:05Z"),
                com.certyneo.engine.PadesProfile.B_LT, true)
                .contains("Digitally signed by Jane Doe\n2026-01-02 03:04:05 UTC\nAES \u00b7 PAdES B-LT\nSANDBOX"));
        assertTrue(SignatureAppearance.text(com.certyneo.engine.SignatureLevel.AES_Q, jane.name(),
                engine.sandboxPki().orElseThrow().rootCertificate(), Instant.parse("2026-01-02T03:04:05Z"),
                com.certyneo.engine.PadesProfile.B_T, false)
                .endsWith("\nAES-Q \u00b7 PAdES B-T"), "the level as people write it, not the enum's name");

        // A second box on top of the first signature is refused, and nothing is written.
        Path never = dir.resolve("never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                .document(DocumentSource.of(out)).output(DocumentTarget.of(never)).signer(jane)
                .appearance(VisibleAppearance.of(2, 80, 610, 240, 70)).build()));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertFalse(Files.exists(never));
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class,
                () -> VisibleAppearance.of(0, 1, 1, 100, 50)).code());
    }

    @ParameterizedTest
    @EnumSource(PadesProfile.class)
    void aVisibleSignatureValidatesAtEveryProfile(PadesProfile profile) throws Exception {
        Path out = dir.resolve("visible-" + profile + ".pdf");
        sign(shared, SamplePdfs.multiPage(2), out, profile, BOX, null);
        ValidationReport report = shared.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(v -> !v.documentTimestamp()).toList();
        assertEquals(1, signatures.size(), report.toString());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(profile, v.profile().orElseThrow(), v.toString());
        assertTrue(v.modifications().isEmpty(), v.modifications().toString());
        assertTrue(report.allPassed(), report.toString());
        // DSS, on its own, finds no visual or annotation change after the signature
        DssFindings findings = DssFindings.of(Files.readAllBytes(out),
                List.of(shared.sandboxPki().orElseThrow().rootCertificate()));
        for (DssFindings.Entry entry : findings.entries()) {
            assertTrue(entry.findings().isEmpty(), "DSS reports " + entry.findings() + " for " + entry);
        }
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDAnnotationWidget widget = signedWidget(document);
            assertEquals(132, widget.getAnnotationFlags(), "Print and Locked");
            assertEquals(document.getPage(0).getCOSObject(), widget.getCOSObject().getDictionaryObject(COSName.P));
            assertEquals(rect(72, A4_HEIGHT - 220, 312, A4_HEIGHT - 150), widget.getRectangle().toString());
            PDAppearanceStream appearance = widget.getNormalAppearanceStream();
            assertEquals(rect(0, 0, 240, 70), appearance.getBBox().toString());
            assertTrue(appearance.getContentStream().toByteArray().length > 0, "the appearance draws");
            assertTrue(appearance.getResources().getFontNames().iterator().hasNext(), "the appearance names its font");
        }
        if (ExternalValidators.require("qpdf")) {
            ExternalValidators.Run qpdf = ExternalValidators.qpdfCheck(out);
            assertEquals(0, qpdf.exitCode(), qpdf.output());
        }
    }

    @Test
    void aLargeFileSignsVisiblyFromDisk() throws Exception {
        Path input = dir.resolve("large-input.pdf");
        Files.write(input, SamplePdfs.multiPage(3));
        Path out = dir.resolve("large-visible.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.builder().sandbox(home).largeDocumentThreshold(0).build()) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(input)).output(DocumentTarget.of(out))
                    .signer(jane()).profile(PadesProfile.B_LTA).appearance(VisibleAppearance.of(3, 72, 150, 240, 70))
                    .build());
            assertTrue(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        }
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDAnnotationWidget widget = signedWidget(document);
            assertEquals(document.getPage(2).getCOSObject(), widget.getCOSObject().getDictionaryObject(COSName.P));
            assertEquals(rect(72, A4_HEIGHT - 220, 312, A4_HEIGHT - 150), widget.getRectangle().toString());
            assertNotNull(widget.getNormalAppearanceStream());
        }
    }

    /**
     * On a page with /Rotate the box is where the reader sees it, and its text reads upright: poppler's text
     * extraction (in displayed coordinates) finds the signer line as one horizontal line inside the box, and
     * poppler's and MuPDF's renderings put the left-aligned text block at the box's left edge, wider than tall.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 90, 180, 270})
    void onARotatedPageTheBoxAndItsTextAreUpright(int rotation) throws Exception {
        Path out = dir.resolve("rotated-" + rotation + ".pdf");
        sign(shared, rotatedA4(rotation), out, PadesProfile.B_B, BOX, null);
        float w = A4_WIDTH;
        float h = A4_HEIGHT;
        String expected = switch (rotation) {
            case 90 -> rect(150, 72, 220, 312);
            case 180 -> rect(w - 312, 150, w - 72, 220);
            case 270 -> rect(w - 220, h - 312, w - 150, h - 72);
            default -> rect(72, h - 220, 312, h - 150);
        };
        String font;
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDAnnotationWidget widget = signedWidget(document);
            assertEquals(expected, widget.getRectangle().toString(), "the box in user space");
            PDAppearanceStream appearance = widget.getNormalAppearanceStream();
            assertEquals(rect(0, 0, 240, 70), appearance.getBBox().toString(), "the box as displayed");
            COSName fontName = appearance.getResources().getFontNames().iterator().next();
            font = appearance.getResources().getFont(fontName).getName();
        }
        assumeTrue(ExternalValidators.require("pdftotext") & ExternalValidators.require("pdftoppm")
                & ExternalValidators.require("mutool") & ExternalValidators.require("pdffonts")
                & ExternalValidators.require("qpdf"), "poppler-utils, mupdf-tools or qpdf not installed");
        assertEquals(0, ExternalValidators.qpdfCheck(out).exitCode(), ExternalValidators.qpdfCheck(out).output());

        String layout = run("pdftotext", "-layout", out.toString(), "-");
        assertTrue(layout.contains("Digitally signed by Jane Doe"), layout);
        List<float[]> words = new ArrayList<>();
        Matcher m = Pattern.compile("<word xMin=\"([\\d.]+)\" yMin=\"([\\d.]+)\" xMax=\"([\\d.]+)\" yMax=\"([\\d.]+)\">"
                + "([^<]*)</word>").matcher(run("pdftotext", "-bbox", out.toString(), "-"));
        List<String> line = List.of("Digitally", "signed", "by", "Jane", "Doe");
        while (m.find()) {
            if (line.contains(m.group(5))) {
                words.add(new float[] {Float.parseFloat(m.group(1)), Float.parseFloat(m.group(2)),
                        Float.parseFloat(m.group(3)), Float.parseFloat(m.group(4))});
            }
        }
        assertEquals(line.size(), words.size(), "the signer line's words");
        for (int i = 0; i < words.size(); i++) {
            float[] word = words.get(i);
            assertTrue(word[0] >= 72 && word[2] <= 312 && word[1] >= 150 && word[3] <= 220,
                    "word " + line.get(i) + " inside the displayed box: " + java.util.Arrays.toString(word));
            assertEquals(words.get(0)[1], word[1], 0.5, "one horizontal line");
            if (i > 0) {
                assertTrue(word[0] > words.get(i - 1)[2], "left to right");
            }
        }
        assertTrue(words.get(0)[2] - words.get(0)[0] > words.get(0)[3] - words.get(0)[1], "'Digitally' is wider than tall");

        for (String renderer : List.of("pdftoppm", "mutool")) {
            Path png = dir.resolve("rotated-" + rotation + "-" + renderer + ".png");
            if (renderer.equals("pdftoppm")) {
                run("pdftoppm", "-r", "72", "-png", "-singlefile", out.toString(),
                        png.toString().substring(0, png.toString().length() - 4));
            } else {
                run("mutool", "draw", "-q", "-r", "72", "-o", png.toString(), out.toString(), "1");
            }
            BufferedImage image = ImageIO.read(png.toFile());
            boolean sideways = rotation == 90 || rotation == 270;
            assertEquals(Math.round(sideways ? h : w), image.getWidth(), 1, renderer + ": the page as displayed");
            int[] ink = redInk(image, 60, 140, 330, 230);
            assertTrue(ink != null, renderer + ": no text drawn near the box");
            assertTrue(ink[0] >= 72 && ink[2] <= 313 && ink[1] >= 150 && ink[3] <= 221,
                    renderer + ": ink outside the box: " + java.util.Arrays.toString(ink));
            assertTrue(ink[0] <= 80, renderer + ": the text is left-aligned at the box's left edge, so not turned: "
                    + java.util.Arrays.toString(ink));
            assertTrue(ink[2] - ink[0] > 2 * (ink[3] - ink[1]), renderer + ": the text block is wider than tall: "
                    + java.util.Arrays.toString(ink));
        }

        String fonts = run("pdffonts", out.toString());
        String ours = fonts.lines().filter(l -> l.startsWith(font + " ")).findFirst().orElseThrow(
                () -> new AssertionError(font + " not listed by pdffonts:\n" + fonts));
        assertTrue(ours.matches(".*CID TrueType\\s+Identity-H\\s+yes\\s+yes\\s+yes\\s+\\d+\\s+0\\s*"),
                "embedded (emb yes), subset (sub yes), with a ToUnicode map: " + ours);
    }

    /** Signing an existing empty field placed on the page draws the appearance in that field's own box. */
    @Test
    void anExistingPlacedFieldKeepsItsBox() throws Exception {
        byte[] input = com.certyneo.testvectors.PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes();
        Path out = dir.resolve("field.pdf");
        sign(shared, input, out, PadesProfile.B_T, BOX, "witness");
        assertTrue(shared.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        try (PDDocument before = Loader.loadPDF(input); PDDocument document = Loader.loadPDF(out.toFile())) {
            PDSignatureField field = (PDSignatureField) document.getDocumentCatalog().getAcroForm().getField("witness");
            PDAnnotationWidget widget = field.getWidgets().get(0);
            PDAnnotationWidget original = ((PDSignatureField) before.getDocumentCatalog().getAcroForm().getField("witness"))
                    .getWidgets().get(0);
            assertNotNull(field.getValue(), "signed");
            assertEquals(original.getRectangle().toString(), widget.getRectangle().toString(), "the field keeps its box");
            assertEquals(original.getAnnotationFlags(), widget.getAnnotationFlags(), "and its flags");
            assertEquals(rect(0, 0, original.getRectangle().getWidth(), original.getRectangle().getHeight()),
                    widget.getNormalAppearanceStream().getBBox().toString());
            assertNull(((PDSignatureField) document.getDocumentCatalog().getAcroForm().getField("approver")).getValue());
            assertEquals(2, document.getPage(0).getAnnotations().size(), "no new widget");
        }
        if (ExternalValidators.require("pdftotext")) {
            // the text is in the field's box (322, 120)-(522, 180) in user space: y from the top 662-722
            String text = run("pdftotext", "-x", "322", "-y", String.valueOf((int) (A4_HEIGHT - 180)), "-W", "200", "-H",
                    "60", out.toString(), "-");
            assertTrue(text.contains("Digitally signed by Jane Doe"), text);
        }
    }

    @Test
    void anInvisibleExistingFieldCannotCarryAnAppearance() throws Exception {
        byte[] input;
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            PDAcroForm form = new PDAcroForm(document);
            document.getDocumentCatalog().setAcroForm(form);
            PDSignatureField field = new PDSignatureField(form);
            field.setPartialName("hidden");
            field.getWidgets().get(0).setRectangle(new PDRectangle(0, 0, 0, 0));
            field.getWidgets().get(0).setPage(page);
            page.getAnnotations().add(field.getWidgets().get(0));
            form.getFields().add(field);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            document.save(bytes);
            input = bytes.toByteArray();
        }
        Path never = dir.resolve("never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> sign(shared, input, never, PadesProfile.B_B, BOX, "hidden"));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertTrue(e.getMessage().contains("'hidden' has no box on a page"), e.getMessage());
        assertFalse(Files.exists(never));
    }

    @Test
    void badBoxesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path never = dir.resolve("never.pdf");
        SignatureEngineException page = assertThrows(SignatureEngineException.class, () -> sign(shared,
                SamplePdfs.multiPage(2), never, PadesProfile.B_B, VisibleAppearance.of(5, 72, 150, 240, 70), null));
        assertEquals(ErrorCode.INVALID_REQUEST, page.code(), page.toString());
        assertTrue(page.getMessage().contains("no page 5 (it has 2 pages)"), page.getMessage());

        SignatureEngineException outside = assertThrows(SignatureEngineException.class, () -> sign(shared,
                SamplePdfs.minimal(), never, PadesProfile.B_B, VisibleAppearance.of(1, 400, 100, 240, 70), null));
        assertEquals(ErrorCode.INVALID_REQUEST, outside.code(), outside.toString());
        assertTrue(outside.getMessage().contains("the box 240 x 70 at (400, 100) is outside page 1, which is "
                + CosWriter.real(A4_WIDTH) + " x " + CosWriter.real(A4_HEIGHT) + " points"), outside.getMessage());

        // On a /Rotate 90 A4 page the page as displayed is landscape: wide boxes fit, tall ones do not.
        Path wide = dir.resolve("wide.pdf");
        sign(shared, rotatedA4(90), wide, PadesProfile.B_B, VisibleAppearance.of(1, 560, 100, 240, 70), null);
        try (PDDocument document = Loader.loadPDF(wide.toFile())) {
            assertEquals(rect(100, 560, 170, 800), signedWidget(document).getRectangle().toString());
        }
        SignatureEngineException tall = assertThrows(SignatureEngineException.class, () -> sign(shared,
                rotatedA4(90), never, PadesProfile.B_B, VisibleAppearance.of(1, 72, 560, 240, 70), null));
        assertEquals(ErrorCode.INVALID_REQUEST, tall.code(), tall.toString());
        assertTrue(tall.getMessage().contains("(/Rotate 90)"), tall.getMessage());
        assertFalse(Files.exists(never));
    }

    /**
     * A name with characters no shipped font has (Linear B), and a word longer than the smallest box is wide, still
     * draws (the missing glyph as '?', the CJK name in the CJK font, the word broken) and the signature validates.
     */
    @Test
    void namesTheFontCannotFullyDrawStillSign() throws Exception {
        Path out = dir.resolve("names.pdf");
        Signer signer = Signer.parse("山田 \uD800\uDC00 Ünïcode Averyveryverylongfamilynamewithoutanyspaceatall <yamada@example.com>")
                .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
        shared.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                .output(DocumentTarget.of(out)).signer(signer).profile(PadesProfile.B_B)
                .appearance(VisibleAppearance.of(1, 72, 150, 36, 18)).build());
        assertTrue(shared.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDAppearanceStream appearance = signedWidget(document).getNormalAppearanceStream();
            assertEquals(rect(0, 0, 36, 18), appearance.getBBox().toString());
            assertTrue(appearance.getContentStream().toByteArray().length > 0);
        }
        if (ExternalValidators.require("pdftotext")) {
            String text = run("pdftotext", "-raw", out.toString(), "-");
            assertTrue(text.contains("山田 ? Ünïcode"), text);
        }
    }

    /** Signs {@code input} at AES into {@code out}, with a box and optionally into a named field. */
    private static void sign(PadesSignatureEngine engine, byte[] input, Path out, PadesProfile profile,
                             VisibleAppearance box, String field) {
        engine.sign(SignRequest.builder().document(DocumentSource.of(input, "in.pdf")).output(DocumentTarget.of(out))
                .signer(jane()).level(SignatureLevel.AES).profile(profile).appearance(box).field(field).build());
    }

    /** The widget of the document's (only) signed signature field. */
    private static PDAnnotationWidget signedWidget(PDDocument document) throws Exception {
        return document.getSignatureFields().stream().filter(f -> f.getValue() != null).findFirst().orElseThrow()
                .getWidgets().get(0);
    }

    private static String rect(float llx, float lly, float urx, float ury) {
        return new PDRectangle(llx, lly, urx - llx, ury - lly).toString();
    }

    /** One A4 page with /Rotate {@code rotation} and a line of text. */
    static byte[] rotatedA4(int rotation) throws Exception {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            page.setRotation(rotation);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 400);
                content.showText("A page with /Rotate " + rotation);
                content.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    /**
     * The bounding box {x0, y0, x1, y1} of the sandbox text's red pixels within a region of the image (pixels,
     * from the top-left), or {@code null} when there are none.
     */
    private static int[] redInk(BufferedImage image, int x0, int y0, int x1, int y1) {
        int[] box = null;
        for (int y = Math.max(0, y0); y < Math.min(image.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(image.getWidth(), x1); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r > 120 && r - g > 60 && r - b > 60) {
                    box = box == null ? new int[] {x, y, x + 1, y + 1}
                            : new int[] {Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x + 1), Math.max(box[3], y + 1)};
                }
            }
        }
        return box;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed");
        return new String(out, StandardCharsets.UTF_8);
    }
}
