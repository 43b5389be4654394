package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The human-readable validation report ({@link ValidationReportRenderer}) of documents the engine signed: every
 * signer and indication is there, the timeline has one entry per revision in revision order, text from
 * certificates is escaped, the boxes sit where the widgets are, and the PDF variant is PDF/A-2u with extractable
 * text.
 */
class ValidationReportRendererTest {

    /** A signer name made to break out of HTML if it were not escaped. */
    static final String HOSTILE = "<script>alert(\"x\")</script> & 'Eve' <img src=x onerror=alert(1)>";

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    /** Page 1 signed by Jane Doe (B-LT, visible), page 2 by the hostile name (B-LTA, visible). */
    static byte[] signed;
    static ValidationReport report;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        byte[] first = sign(SamplePdfs.multiPage(2), Signer.of("Jane Doe", "jane@example.com"), PadesProfile.B_LT,
                VisibleAppearance.of(1, 50, 60, 200, 60));
        signed = sign(first, Signer.of(HOSTILE, "eve@example.com"), PadesProfile.B_LTA,
                VisibleAppearance.of(2, 300, 500, 180, 70));
        report = engine.validate(DocumentSource.of(signed, "contract.pdf"), ValidationOptions.sandbox());
        String dump = System.getProperty("certyneo.report.dump");
        if (dump != null) { // to look at the renderings: -Dcertyneo.report.dump=DIR
            try {
                Files.write(Path.of(dump, "report.html"), ValidationReportRenderer.html(DocumentSource.of(signed, "contract.pdf"), report));
                Files.write(Path.of(dump, "report.pdf"), ValidationReportRenderer.pdf(DocumentSource.of(signed, "contract.pdf"), report));
                Files.write(Path.of(dump, "signed.pdf"), signed);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static byte[] sign(byte[] pdf, Signer signer, PadesProfile profile, VisibleAppearance box) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                .signer(signer.authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .profile(profile).appearance(box).build());
        return out.toByteArray();
    }

    static String html(byte[] pdf, ValidationReport report) {
        return new String(ValidationReportRenderer.html(DocumentSource.of(pdf, report.documentName()), report),
                StandardCharsets.UTF_8);
    }

    @Test
    void namesEverySignerWithItsIndicationInPlainWords() {
        String html = html(signed, report);
        List<SignatureValidation> signatures = report.signatures();
        assertEquals(2, signatures.stream().filter(s -> !s.documentTimestamp()).count(), report.toString());
        for (SignatureValidation s : signatures) {
            String title = HtmlReport.esc(ReportModel.title(s));
            assertTrue(html.contains(title), title);
            String indication = s.indication().name() + s.subIndication().map(x -> " / " + x).orElse("");
            assertTrue(html.contains("\u2013 " + indication + "</p>"), indication);
            assertTrue(html.contains(HtmlReport.esc(ReportModel.explanation(s))), ReportModel.explanation(s));
        }
        assertTrue(html.contains("Jane Doe"));
        assertTrue(signatures.stream().filter(s -> !s.documentTimestamp()).allMatch(SignatureValidation::passed), report.toString());
        assertTrue(html.contains("class=\"sandbox-banner\""), "the sandbox status is shown");
        assertTrue(html.contains("<span class=\"badge sandbox\">SANDBOX</span>"));
        assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
                "self-contained, no script");
    }

    @Test
    void timelineHasOneEntryPerRevisionInRevisionOrder() throws Exception {
        String html = html(signed, report);
        String timeline = html.substring(html.indexOf("<ol class=\"timeline\">"), html.indexOf("</ol>"));
        List<String> entries = new ArrayList<>();
        Matcher m = Pattern.compile("<li class=\"rev ([a-z-]+)\"><span class=\"rev-no\">Revision (\\d+)</span>").matcher(timeline);
        while (m.find()) {
            entries.add(m.group(2) + ":" + m.group(1));
        }
        int eofs = count(signed, "%%EOF");
        assertEquals(eofs, entries.size(), "one entry per revision: " + entries);
        for (int i = 0; i < entries.size(); i++) {
            assertTrue(entries.get(i).startsWith((i + 1) + ":"), "in revision order: " + entries);
        }
        // The entries of the report (in revision order) appear in the timeline in the same order.
        List<Integer> linked = new ArrayList<>();
        Matcher link = Pattern.compile("<a href=\"#sig-(\\d+)\">").matcher(timeline);
        while (link.find()) {
            linked.add(Integer.parseInt(link.group(1)));
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= report.signatures().size(); i++) {
            expected.add(i);
        }
        assertEquals(expected, linked);
        // B-LT and B-LTA add validation data after the signatures; B-LTA ends with a document time-stamp.
        assertTrue(entries.stream().anyMatch(e -> e.endsWith(":validation-data")), entries.toString());
        assertTrue(entries.get(entries.size() - 1).endsWith(":document-timestamp"), entries.toString());
        assertEquals(2, entries.stream().filter(e -> e.endsWith(":signature")).count(), entries.toString());
        assertTrue(entries.get(0).endsWith(":original"), entries.toString());
    }

    @Test
    void hostileCommonNameIsEscapedEverywhere() {
        String html = html(signed, report);
        assertTrue(report.signatures().stream().anyMatch(s -> s.signedBy().equals(HOSTILE)), report.toString());
        assertFalse(html.contains("<script"), "no markup from the certificate");
        assertFalse(html.contains("<img src=x"), "no markup from the certificate");
        assertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Eve&#39; &lt;img src=x"),
                "the name is shown, escaped");
        // The only tags are the report's own.
        Matcher tags = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)").matcher(html);
        java.util.Set<String> names = new java.util.TreeSet<>();
        while (tags.find()) {
            names.add(tags.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        assertEquals(java.util.Set.of("a", "article", "br", "code", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
                "g", "h1", "h2", "h3", "h4", "head", "header", "html", "img", "li", "main", "meta", "ol", "p", "path",
                "rect", "section", "span", "strong", "style", "svg", "text", "title", "ul", "body"), names);
    }

    @Test
    void thumbnailsOutlineEachSignatureBoxWhereTheWidgetIs() throws Exception {
        String html = html(signed, report);
        Matcher images = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\" alt=\"([^\"]*)\">")
                .matcher(html);
        List<String> alts = new ArrayList<>();
        while (images.find()) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(1))));
            assertEquals(Integer.parseInt(images.group(2)), png.getWidth());
            assertEquals(Integer.parseInt(images.group(3)), png.getHeight());
            assertTrue(png.getWidth() <= ReportModel.THUMBNAIL_WIDTH, "a thumbnail: " + png.getWidth());
            alts.add(images.group(4));
        }
        assertEquals(2, alts.size(), "one thumbnail per signed page: " + alts);
        assertTrue(alts.get(0).startsWith("Page 1 with the box of signature 1 (Signature by Jane Doe) outlined"), alts.get(0));
        assertTrue(alts.get(1).startsWith("Page 2 with the box of signature 2 (Signature by &lt;script&gt;"), alts.get(1));

        float width;
        float height;
        try (PDDocument document = Loader.loadPDF(signed)) {
            width = document.getPage(0).getCropBox().getWidth();
            height = document.getPage(0).getCropBox().getHeight();
        }
        // Jane's box: 200 x 60 points, 50 from the left edge and 60 from the top edge of page 1.
        String box = String.format(java.util.Locale.ROOT, "left:%.3f%%;top:%.3f%%;width:%.3f%%;height:%.3f%%\">1</span>",
                50 / width * 100, 60 / height * 100, 200 / width * 100, 60 / height * 100);
        assertTrue(html.contains(box), box);
    }

    @Test
    void changesAfterASignatureAreListed() throws Exception {
        byte[] overwritten;
        try (PDDocument document = Loader.loadPDF(signed)) {
            PDPage page = document.getPage(0);
            try (PDPageContentStream content = new PDPageContentStream(document, page, PDPageContentStream.AppendMode.APPEND, true)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD), 28);
                content.newLineAtOffset(100, 400);
                content.showText("AMOUNT: 1,000,000 EUR");
                content.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            overwritten = out.toByteArray();
        }
        ValidationReport changed = engine.validate(DocumentSource.of(overwritten, "changed.pdf"), ValidationOptions.sandbox());
        SignatureValidation jane = changed.signatures().get(0);
        assertEquals(Indication.TOTAL_FAILED, jane.indication());
        assertFalse(jane.modifications().isEmpty());
        String html = html(overwritten, changed);
        assertTrue(html.contains("Changes that later signatures and validation data do not explain"));
        for (String modification : jane.modifications()) {
            assertTrue(html.contains("<li>" + HtmlReport.esc(modification) + "</li>"), modification);
        }
        assertTrue(html.contains(HtmlReport.esc(ReportModel.reason(SignatureValidation.MODIFIED_AFTER_SIGNING))));
        assertTrue(html.contains("class=\"overall bad\""));
        assertEquals(count(overwritten, "%%EOF"), count(html.getBytes(StandardCharsets.UTF_8), "<span class=\"rev-no\">Revision "));
        assertTrue(html.contains("<strong>Update</strong>"), "the unexplained revision is in the timeline");
    }

    @Test
    void refusesADocumentTheReportIsNotAbout() {
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> ValidationReportRenderer.html(DocumentSource.of(SamplePdfs.minimal(), "other.pdf"), report));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("is not the document the report is about"), e.getMessage());
    }

    @Test
    void pdfIsPdfaWithExtractableNamesAndIndications(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.pdf");
        ValidationReportRenderer.render(DocumentSource.of(signed, "contract.pdf"), report, ValidationReportRenderer.Format.PDF,
                DocumentTarget.of(file));
        byte[] pdf = Files.readAllBytes(file);
        assertEquals(List.of(), Pdfa.failedRules(pdf, org.verapdf.pdfa.flavours.PDFAFlavour.PDFA_2_U), "veraPDF PDF/A-2u");
        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertTrue(document.getNumberOfPages() >= 2);
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
            assertTrue(text.contains("Jane Doe") && text.contains(HOSTILE), text);
        }
        if (ExternalValidators.require("pdftotext")) {
            Process process = new ProcessBuilder("pdftotext", "-enc", "UTF-8", file.toString(), "-").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor());
            String flat = text.replaceAll("\\s+", " ");
            for (SignatureValidation s : report.signatures()) {
                assertTrue(flat.contains(ReportModel.title(s)), ReportModel.title(s) + " in " + flat);
                assertTrue(flat.contains(ReportModel.verdict(s) + " \u2013 " + s.indication().name()), s.indication() + " in " + flat);
            }
            assertTrue(flat.contains("SANDBOX"), flat);
        }
    }

    static int count(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        int count = 0;
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }
}
