package com.certyneo.engine.pades;

import com.certyneo.engine.AppearanceImage;
import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Visible signatures people expect: names in every script the engine ships fonts for render with real glyphs (never
 * .notdef) and extract back as the characters signed; a PNG with alpha or a JPEG sits beside the text keeping its
 * aspect ratio; the box reads upright on rotated pages; the four readers (poppler, MuPDF, pdf.js and PDFium,
 * Chrome's engine) draw the box alike; bad images are refused before anything is written; every output validates TOTAL_PASSED under DSS.
 */
class VisibleSignatureRenderTest {

    /** Renders at 2 pixels per point. */
    private static final int SCALE = 2;
    private static final VisibleAppearance BOX = VisibleAppearance.of(1, 72, 150, 300, 90);

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine shared;

    @BeforeAll
    static void setUp() {
        shared = PadesSignatureEngine.sandbox(home);
    }

    // ------------------------------------------------------------------------------------------------
    // Scripts

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Zoë Łukasiewicz-Dvořák|SANS",
            "Αλέξανδρος Παπαδόπουλος|SANS",
            "Анна Ивановна Щукина|SANS",
            "محمد عبد الله|ARABIC",
            "山田太郎 やまだ 王小明|CJK"})
    void everyScriptRendersRealGlyphsAndExtracts(String name, AppearanceText.Face face) throws Exception {
        // the glyphs chosen: from the expected font, none of them .notdef (glyph 0)
        AppearanceText.Line line = new AppearanceText().shape(name);
        assertFalse(line.runs().isEmpty());
        for (AppearanceText.Run run : line.runs()) {
            for (int glyph : run.glyphs()) {
                assertTrue(glyph != 0, "a .notdef glyph in " + name + ": " + run);
            }
            if (run.glyphs().length > 1 || run.text().length > 0 && !run.text()[0].isBlank()) {
                assertEquals(face, run.face(), name);
            }
        }
        assertEquals(face == AppearanceText.Face.ARABIC, line.rightToLeft(), "base direction of " + name);

        Path out = dir.resolve("script.pdf");
        sign(SamplePdfs.minimal(), out, name, BOX, PadesProfile.B_T, null);
        assertTotalPassed(out, PadesProfile.B_T);
        fontsAreEmbeddedSubsetsWithUnicode(out);

        assumeTrue(ExternalValidators.require("pdftotext"), "poppler-utils not installed");
        // poppler's reading-order extraction is bidi-aware: the Arabic name comes back in logical order (wrapped in
        // embedding controls, dropped here); MuPDF's and pdf.js's extraction give visual order, so they are not asked
        String text = run("pdftotext", out.toString(), "-").replaceAll("[\u202A-\u202E]", "").replace("\n", " ");
        assertTrue(text.contains("Digitally signed by " + name), "pdftotext gives the name in logical order: " + text);

        Map<String, BufferedImage> crops = renderAll(out, 1, BOX, 0);
        for (Map.Entry<String, BufferedImage> crop : crops.entrySet()) {
            assertTrue(ink(crop.getValue()) > 200, crop.getKey() + " draws the text");
        }
        assertAlike(crops, name);
    }

    @Test
    void textWrapsAndScalesIntoSmallAndNarrowBoxes() throws Exception {
        AppearanceText shaper = new AppearanceText();
        float wide = shaper.width("Digitally signed by Анна Ивановна", 10);
        assertTrue(wide > 100 && wide < 250, "a plausible width: " + wide);
        assertEquals(2 * shaper.width("Анна", 10), shaper.width("Анна", 20), 0.01);

        for (VisibleAppearance box : List.of(VisibleAppearance.of(1, 72, 150, 36, 18), VisibleAppearance.of(1, 72, 150, 60, 300))) {
            Path out = dir.resolve("small.pdf");
            sign(SamplePdfs.minimal(), out, "Анна Ивановна Щукина-Averyverylongfamilynamewithoutspaces", box,
                    PadesProfile.B_B, null);
            assertTotalPassed(out, PadesProfile.B_B);
            assumeTrue(ExternalValidators.require("pdftotext"), "poppler-utils not installed");
            String text = run("pdftotext", "-bbox", out.toString(), "-");
            // the box's own words (the page has other text, and the sandbox mark): the signer line and the name
            text = String.join("\n", text.lines().filter(l -> l.matches(".*>([^<]*[А-Яа-я][^<]*|[^<]*very[^<]*|Digitally|signed|by)</word>.*"))
                    .toList());
            // every word pdftotext finds lies inside the box
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "<word xMin=\"([\\d.]+)\" yMin=\"([\\d.]+)\" xMax=\"([\\d.]+)\" yMax=\"([\\d.]+)\">").matcher(text);
            int words = 0;
            while (m.find()) {
                words++;
                assertTrue(Float.parseFloat(m.group(1)) >= box.x() - 0.5 && Float.parseFloat(m.group(3)) <= box.x() + box.width() + 0.5
                        && Float.parseFloat(m.group(2)) >= box.y() - 0.5
                        && Float.parseFloat(m.group(4)) <= box.y() + box.height() + 0.5, "inside " + box + ": " + m.group());
            }
            assertTrue(words > 5, text);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Images

    @ParameterizedTest
    @ValueSource(strings = {"png-alpha", "jpeg"})
    void anImageSitsBesideTheTextKeepingItsAspectRatio(String kind) throws Exception {
        byte[] bytes = kind.equals("jpeg") ? jpeg(400, 200) : signaturePng(300, 100);
        VisibleAppearance box = BOX.withImage(AppearanceImage.of(bytes));
        Path out = dir.resolve(kind + ".pdf");
        sign(SamplePdfs.minimal(), out, "Jane Doe", box, PadesProfile.B_LT, "Approved");
        assertTotalPassed(out, PadesProfile.B_LT);
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDAppearanceStream appearance = signedAppearance(document);
            PDImageXObject image = images(appearance.getResources()).get(0);
            assertEquals(kind.equals("jpeg") ? 400 : 300, image.getWidth());
            if (kind.equals("jpeg")) {
                assertEquals(COSName.DCT_DECODE, image.getCOSObject().getCOSName(COSName.FILTER), "the JPEG as it is");
                assertNull(image.getCOSObject().getDictionaryObject(COSName.SMASK));
            } else {
                assertNotNull(image.getCOSObject().getDictionaryObject(COSName.SMASK), "the alpha channel as a soft mask");
            }
            String content = new String(appearance.getContentStream().toByteArray(), StandardCharsets.ISO_8859_1);
            // the box is 300 x 90 (wide): the image on the left inside the 4 pt padding, its aspect kept, the text
            // clipped to the rest on its right
            float aspect = kind.equals("jpeg") ? 2f : 3f;
            java.util.regex.Matcher cm = java.util.regex.Pattern.compile("([\\d.]+) 0 0 ([\\d.]+) ([\\d.]+) ([\\d.]+) cm\n/Im")
                    .matcher(content);
            assertTrue(cm.find(), content);
            float w = Float.parseFloat(cm.group(1));
            float h = Float.parseFloat(cm.group(2));
            float x = Float.parseFloat(cm.group(3));
            float y = Float.parseFloat(cm.group(4));
            assertEquals(aspect, w / h, 0.01, content);
            assertTrue(x >= 4 && y >= 4 && x + w <= 296.01 && y + h <= 86.01 && w > 100, content);
            java.util.regex.Matcher clip = java.util.regex.Pattern.compile("([\\d.]+) ([\\d.]+) ([\\d.]+) ([\\d.]+) re\nW")
                    .matcher(content);
            assertTrue(clip.find(), content);
            assertTrue(Float.parseFloat(clip.group(1)) >= x + w, "the text right of the image: " + content);
        }
        assumeTrue(ExternalValidators.require("pdftotext"), "poppler-utils not installed");
        String text = run("pdftotext", "-raw", out.toString(), "-");
        assertTrue(text.contains("Reason: Approved") && text.contains("SANDBOX"), text);
        Map<String, BufferedImage> crops = renderAll(out, 1, BOX, 0);
        for (Map.Entry<String, BufferedImage> crop : crops.entrySet()) {
            // the image's strong colour is drawn in its left part
            assertTrue(blue(crop.getValue(), 0, 2 * SCALE * 80) > 100, crop.getKey() + " draws the image");
        }
        assertAlike(crops, kind);
    }

    @Test
    void aTallBoxPutsTheImageOnTop() throws Exception {
        VisibleAppearance box = VisibleAppearance.of(1, 72, 150, 160, 160).withImage(AppearanceImage.of(signaturePng(300, 100)));
        Path out = dir.resolve("tall.pdf");
        sign(SamplePdfs.minimal(), out, "Jane Doe", box, PadesProfile.B_B, null);
        assertTotalPassed(out, PadesProfile.B_B);
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            String content = new String(signedAppearance(document).getContentStream().toByteArray(), StandardCharsets.ISO_8859_1);
            // 152 x 152 inside the padding: the image 152 wide, 50.667 high, at the top
            assertTrue(content.contains("152 0 0 50.667 4 105.333 cm"), content);
        }
    }

    /** PDF/A-1 forbids soft masks: a PNG's alpha is flattened onto the box's white there. */
    @Test
    void aPngWithAlphaIsFlattenedInAPdfA1Document() throws Exception {
        byte[] pdfA1 = pdfA1();
        Path out = dir.resolve("pdfa1.pdf");
        sign(pdfA1, out, "Jane Doe", BOX.withImage(AppearanceImage.of(signaturePng(300, 100))), PadesProfile.B_B, null);
        assertTotalPassed(out, PadesProfile.B_B);
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDImageXObject image = images(signedAppearance(document).getResources()).get(0);
            assertNull(image.getCOSObject().getDictionaryObject(COSName.SMASK), "no soft mask in PDF/A-1");
            BufferedImage decoded = image.getImage();
            assertEquals(0xFFFFFF, decoded.getRGB(0, 0) & 0xFFFFFF, "the transparent corner is white");
        }
    }

    /**
     * In a PDF/A-2b document (and in the same document claiming PDF/A-1b), a box with an image and names in five
     * scripts adds no failed veraPDF rule: fonts embedded with /ToUnicode, /W and /CIDToGIDMap (and /CIDSet), the
     * PNG's alpha a soft mask in PDF/A-2 and flattened in PDF/A-1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2b", "2u", "1b"})
    void aBoxWithAnImageAddsNoPdfAFailure(String flavour) throws Exception {
        byte[] input = flavour.equals("1b") ? pdfA1() : PdfVector.PDF_A_2B.bytes();
        Path out = dir.resolve("pdfa-" + flavour + ".pdf");
        sign(input, out, "Zoë Αλέξανδρος Анна محمد 山田", BOX.withImage(AppearanceImage.of(signaturePng(300, 100))),
                PadesProfile.B_T, "Approved");
        assertTotalPassed(out, PadesProfile.B_T);
        org.verapdf.pdfa.flavours.PDFAFlavour f = switch (flavour) {
            case "1b" -> org.verapdf.pdfa.flavours.PDFAFlavour.PDFA_1_B;
            case "2u" -> org.verapdf.pdfa.flavours.PDFAFlavour.PDFA_2_U;
            default -> org.verapdf.pdfa.flavours.PDFAFlavour.PDFA_2_B;
        };
        List<String> before = failedRules(input, f);
        List<String> after = new ArrayList<>(failedRules(Files.readAllBytes(out), f));
        after.removeAll(before);
        assertTrue(after.isEmpty(), "new PDF/A-" + flavour + " failures: " + after + " (the input had " + before + ")");
    }

    /** The PDF/A-2b test vector, its XMP claiming PDF/A-1b. */
    private static byte[] pdfA1() throws IOException {
        try (PDDocument document = Loader.loadPDF(PdfVector.PDF_A_2B.bytes())) {
            PDMetadata metadata = document.getDocumentCatalog().getMetadata();
            String xmp = new String(metadata.toByteArray(), StandardCharsets.UTF_8);
            String changed = xmp.replaceAll("pdfaid:part(\\s*=\\s*\")2\"", "pdfaid:part$1\"1\"")
                    .replaceAll("<pdfaid:part>2</pdfaid:part>", "<pdfaid:part>1</pdfaid:part>");
            assertFalse(changed.equals(xmp), "the vector's XMP names its part");
            document.getDocumentCatalog().setMetadata(new PDMetadata(document,
                    new java.io.ByteArrayInputStream(changed.getBytes(StandardCharsets.UTF_8))));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            document.save(bytes);
            return bytes.toByteArray();
        }
    }

    /** veraPDF's failed rules ("clause-test: message"), without their locations. */
    private static List<String> failedRules(byte[] pdf, org.verapdf.pdfa.flavours.PDFAFlavour flavour) throws Exception {
        org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider.initialise();
        try (org.verapdf.pdfa.PDFAParser parser = org.verapdf.pdfa.Foundries.defaultInstance()
                .createParser(new java.io.ByteArrayInputStream(pdf), flavour);
             org.verapdf.pdfa.PDFAValidator validator = org.verapdf.pdfa.Foundries.defaultInstance().createValidator(flavour, false)) {
            return validator.validate(parser).getTestAssertions().stream()
                    .filter(a -> a.getStatus() == org.verapdf.pdfa.results.TestAssertion.Status.FAILED)
                    .map(a -> a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber() + ": " + a.getMessage())
                    .distinct().toList();
        }
    }

    @Test
    void badImagesAreRefusedBeforeAnythingIsWritten() throws Exception {
        SignatureEngineException notAnImage = assertThrows(SignatureEngineException.class,
                () -> AppearanceImage.of("GIF89a not really".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ErrorCode.INVALID_REQUEST, notAnImage.code());
        assertTrue(notAnImage.getMessage().contains("neither a PNG nor a JPEG"), notAnImage.getMessage());

        Path gif = dir.resolve("logo.gif");
        BufferedImage small = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(small, "gif", gif.toFile());
        SignatureEngineException named = assertThrows(SignatureEngineException.class, () -> BOX.withImage(gif));
        assertEquals(ErrorCode.INVALID_REQUEST, named.code());
        assertTrue(named.getMessage().contains(gif.toString()), "names the file: " + named.getMessage());

        SignatureEngineException wide = assertThrows(SignatureEngineException.class,
                () -> AppearanceImage.of(png(new BufferedImage(AppearanceImage.MAX_SIDE + 1, 2, BufferedImage.TYPE_BYTE_GRAY))));
        assertEquals(ErrorCode.INVALID_REQUEST, wide.code());
        assertTrue(wide.getMessage().contains("4097 x 2 pixels; the limit is 4096 x 4096"), wide.getMessage());

        byte[] huge = new byte[AppearanceImage.MAX_BYTES + 1];
        System.arraycopy(jpeg(10, 10), 0, huge, 0, 100);
        SignatureEngineException big = assertThrows(SignatureEngineException.class, () -> AppearanceImage.of(huge));
        assertEquals(ErrorCode.INVALID_REQUEST, big.code());
        assertTrue(big.getMessage().contains("more than the limit of 4194304 bytes"), big.getMessage());

        // a PNG header over a damaged body passes the header check and fails when the engine decodes it
        byte[] damaged = signaturePng(30, 10);
        for (int i = 40; i < damaged.length - 12; i++) {
            damaged[i] = (byte) 0xAA;
        }
        Path never = dir.resolve("never.pdf");
        VisibleAppearance box = BOX.withImage(AppearanceImage.of(damaged));
        SignatureEngineException decode = assertThrows(SignatureEngineException.class,
                () -> sign(SamplePdfs.minimal(), never, "Jane Doe", box, PadesProfile.B_B, null));
        assertEquals(ErrorCode.INVALID_REQUEST, decode.code(), decode.toString());
        assertTrue(decode.getMessage().contains("cannot be decoded as PNG"), decode.getMessage());
        assertFalse(Files.exists(never));
    }

    // ------------------------------------------------------------------------------------------------
    // Rotated pages

    /**
     * On a page with /Rotate 90, 180 or 270, the box (given in the page's displayed coordinates) renders exactly as
     * on the unrotated page: upright text and image in the same place.
     */
    @ParameterizedTest
    @ValueSource(ints = {90, 180, 270})
    void onRotatedPagesTheBoxRendersAsOnAnUprightPage(int rotation) throws Exception {
        assumeTrue(ExternalValidators.require("pdftoppm") & ExternalValidators.require("mutool"), "poppler or mupdf missing");
        VisibleAppearance box = BOX.withImage(AppearanceImage.of(signaturePng(300, 100)));
        Path upright = dir.resolve("upright.pdf");
        Path turned = dir.resolve("turned.pdf");
        Instant time = Instant.now();
        sign(VisibleAppearanceTest.rotatedA4(0), upright, "Αλέξανδρος محمد", box, PadesProfile.B_B, null, time);
        sign(VisibleAppearanceTest.rotatedA4(rotation), turned, "Αλέξανδρος محمد", box, PadesProfile.B_B, null, time);
        assertTotalPassed(turned, PadesProfile.B_B);
        for (String renderer : List.of("poppler", "mupdf")) {
            BufferedImage a = crop(render(renderer, upright, 1), box);
            BufferedImage b = crop(render(renderer, turned, 1), box);
            assertTrue(ink(a) > 200, renderer + " draws the box");
            double difference = difference(a, b);
            assertTrue(difference < 4, renderer + ": /Rotate " + rotation + " differs from upright by " + difference);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    private static void sign(byte[] input, Path out, String name, VisibleAppearance box, PadesProfile profile,
                             String reason) {
        sign(input, out, name, box, profile, reason, Instant.now());
    }

    private static void sign(byte[] input, Path out, String name, VisibleAppearance box, PadesProfile profile,
                             String reason, Instant authenticated) {
        Signer signer = Signer.of(name, "signer@example.com").authenticatedBy(AuthenticationMethod.SMS_OTP, authenticated);
        shared.sign(SignRequest.builder().document(DocumentSource.of(input, "in.pdf")).output(DocumentTarget.of(out))
                .signer(signer).level(SignatureLevel.AES).profile(profile).appearance(box).reason(reason).build());
    }

    private static void assertTotalPassed(Path out, PadesProfile profile) {
        ValidationReport report = shared.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size(), report.toString());
        assertEquals(Indication.TOTAL_PASSED, signatures.get(0).indication(), report.toString());
        assertEquals(profile, signatures.get(0).profile().orElseThrow(), report.toString());
    }

    /** Every font of the appearance: a subset Type0/CIDFontType2 with an embedded program, /ToUnicode, /W, /CIDToGIDMap. */
    private static void fontsAreEmbeddedSubsetsWithUnicode(Path out) throws IOException {
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDResources resources = signedAppearance(document).getResources();
            int count = 0;
            for (COSName name : resources.getFontNames()) {
                PDFont font = resources.getFont(name);
                count++;
                assertTrue(font.isEmbedded(), font.getName());
                assertTrue(font.getName().matches("[A-Z]{6}\\+.*"), "a subset: " + font.getName());
                assertNotNull(font.getCOSObject().getDictionaryObject(COSName.TO_UNICODE), font.getName());
                COSDictionary cid = (COSDictionary) ((COSArray) font.getCOSObject().getDictionaryObject(COSName.DESCENDANT_FONTS))
                        .getObject(0);
                assertEquals(COSName.getPDFName("CIDFontType2"), cid.getCOSName(COSName.SUBTYPE));
                assertTrue(cid.getDictionaryObject(COSName.W) instanceof COSArray, font.getName());
                assertTrue(cid.getDictionaryObject(COSName.CID_TO_GID_MAP) instanceof COSStream, font.getName());
            }
            assertTrue(count > 0);
        }
    }

    private static PDAppearanceStream signedAppearance(PDDocument document) {
        return document.getSignatureFields().stream().filter(f -> f.getValue() != null).findFirst().orElseThrow()
                .getWidgets().get(0).getNormalAppearanceStream();
    }

    private static List<PDImageXObject> images(PDResources resources) throws IOException {
        List<PDImageXObject> images = new ArrayList<>();
        for (COSName name : resources.getXObjectNames()) {
            PDXObject x = resources.getXObject(name);
            if (x instanceof PDImageXObject image) {
                images.add(image);
            }
        }
        assertFalse(images.isEmpty(), "the appearance has an image");
        return images;
    }

    /** The box's crop from poppler, MuPDF and (when installed) pdf.js and PDFium. */
    private Map<String, BufferedImage> renderAll(Path pdf, int page, VisibleAppearance box, int unused) throws Exception {
        assumeTrue(ExternalValidators.require("pdftoppm") & ExternalValidators.require("mutool"), "poppler or mupdf missing");
        Map<String, BufferedImage> crops = new java.util.LinkedHashMap<>();
        for (String renderer : List.of("poppler", "mupdf", "pdfjs", "pdfium")) {
            BufferedImage image = render(renderer, pdf, page);
            if (image != null) {
                crops.put(renderer, crop(image, box));
            }
        }
        return crops;
    }

    private BufferedImage render(String renderer, Path pdf, int page) throws Exception {
        Path png = dir.resolve(pdf.getFileName() + "-" + renderer + ".png");
        switch (renderer) {
            case "poppler" -> {
                String prefix = png.toString().substring(0, png.toString().length() - 4);
                run("pdftoppm", "-r", String.valueOf(72 * SCALE), "-f", String.valueOf(page), "-l", String.valueOf(page),
                        "-png", "-singlefile", pdf.toString(), prefix);
            }
            case "mupdf" -> run("mutool", "draw", "-q", "-r", String.valueOf(72 * SCALE), "-o", png.toString(), pdf.toString(),
                    String.valueOf(page));
            case "pdfium", "pdfjs" -> {
                boolean pdfjs = renderer.equals("pdfjs");
                Path root = projectRoot();
                boolean installed = root != null && ExternalValidators.require("node") && (pdfjs
                        ? System.getenv("PDFJS_DIST") != null || Files.isDirectory(root.resolve("corpus/node_modules/pdfjs-dist"))
                        : Files.isDirectory(root.resolve("corpus/node_modules/@hyzyla/pdfium")));
                String name = pdfjs ? "pdf.js" : "PDFium";
                if (!installed) {
                    if ("true".equalsIgnoreCase(System.getenv("CI"))) { // CI compares all four, never fewer
                        throw new AssertionError(name + " is required under CI=true: run npm ci --prefix corpus");
                    }
                    System.out.println(name + " not installed (npm ci --prefix corpus" + (pdfjs ? ", or PDFJS_DIST" : "")
                            + "): not compared");
                    return null;
                }
                run("node", root.resolve("corpus/panel/" + (pdfjs ? "pdfjs" : "pdfium") + "-render.mjs").toString(),
                        pdf.toString(), String.valueOf(page), String.valueOf(SCALE), png.toString());
            }
            default -> throw new IllegalArgumentException(renderer);
        }
        return ImageIO.read(png.toFile());
    }

    /** The directory holding {@code corpus/panel}, searched upwards from the working directory. */
    private static Path projectRoot() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("corpus/panel/pdfjs-render.mjs"))) {
                return p;
            }
        }
        return null;
    }

    private static BufferedImage crop(BufferedImage page, VisibleAppearance box) {
        return page.getSubimage(Math.round(box.x() * SCALE), Math.round(box.y() * SCALE), Math.round(box.width() * SCALE),
                Math.round(box.height() * SCALE));
    }

    /** The number of dark pixels. */
    private static int ink(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (gray(image.getRGB(x, y)) < 128) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The number of strongly blue pixels in the columns [x0, x1). */
    private static int blue(BufferedImage image, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = x0; x < Math.min(x1, image.getWidth()); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (b > 150 && b - r > 80 && b - g > 40) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int gray(int rgb) {
        return (((rgb >> 16) & 0xff) * 30 + ((rgb >> 8) & 0xff) * 59 + (rgb & 0xff) * 11) / 100;
    }

    /**
     * The mean absolute difference of two same-size crops' grey levels, averaged over 4 x 4 pixel cells (readers
     * anti-alias glyph edges differently; a missing glyph, a moved line or a turned box changes whole cells).
     */
    private static double difference(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        int cell = 4;
        double total = 0;
        int cells = 0;
        for (int y = 0; y + cell <= a.getHeight(); y += cell) {
            for (int x = 0; x + cell <= a.getWidth(); x += cell) {
                int sa = 0;
                int sb = 0;
                for (int dy = 0; dy < cell; dy++) {
                    for (int dx = 0; dx < cell; dx++) {
                        sa += gray(a.getRGB(x + dx, y + dy));
                        sb += gray(b.getRGB(x + dx, y + dy));
                    }
                }
                total += Math.abs(sa - sb) / (double) (cell * cell);
                cells++;
            }
        }
        return total / cells;
    }

    /** Every pair of readers' crops differ by less than the tolerance. */
    private static void assertAlike(Map<String, BufferedImage> crops, String what) {
        List<String> names = new ArrayList<>(crops.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                double d = difference(crops.get(names.get(i)), crops.get(names.get(j)));
                System.out.printf("%s: %s vs %s differ by %.2f%n", what, names.get(i), names.get(j), d);
                assertTrue(d < 6, what + ": " + names.get(i) + " and " + names.get(j) + " render the box differently (" + d + ")");
            }
        }
    }

    /** A handwritten-looking blue stroke on a transparent background. */
    static byte[] signaturePng(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0x10, 0x30, 0xE0));
        g.setStroke(new BasicStroke(Math.max(2, height / 10f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D path = new Path2D.Float();
        path.moveTo(width * 0.05, height * 0.7);
        path.curveTo(width * 0.2, height * 0.05, width * 0.3, height * 0.95, width * 0.45, height * 0.4);
        path.curveTo(width * 0.6, height * 0.1, width * 0.7, height * 0.9, width * 0.95, height * 0.3);
        g.draw(path);
        g.dispose();
        return png(image);
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", out));
        return out.toByteArray();
    }

    /** A blue-to-white gradient JPEG. */
    static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(0x10, 0x30, 0xE0), width, 0, new Color(0x60, 0x80, 0xFF)));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "jpeg", out));
        return out.toByteArray();
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed");
        return new String(out, StandardCharsets.UTF_8);
    }
}
