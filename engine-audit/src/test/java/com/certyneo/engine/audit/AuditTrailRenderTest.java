package com.certyneo.engine.audit;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditTrailRenderTest {

    private final AuditTrail trails = AuditTrail.builder().build();

    @Test
    void veraPdfRejectsAPlainPdf() throws Exception {
        // Negative control: the validator really checks (a plain PDFBox document has no XMP, no intent, unembedded fonts).
        assertTrue(!Pdfa.failedRules(com.certyneo.testvectors.SamplePdfs.minimal()).isEmpty());
    }

    @Test
    void threeHundredEventsPaginateWithRepeatedHeaders() throws Exception {
        Evidence evidence = SampleEvidence.build(EnvelopeMode.PRODUCTION, 320);
        byte[] pdf = trails.render(evidence);
        assertEquals(List.of(), Pdfa.failedRules(pdf), "veraPDF PDF/A-3b failures");
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertTrue(doc.getNumberOfPages() > 20, "pages: " + doc.getNumberOfPages());
            PDFTextStripper stripper = new PDFTextStripper();
            int eventPages = 0;
            for (int page = 3; page <= doc.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(doc);
                assertTrue(text.contains("Page " + page + " of " + doc.getNumberOfPages()), "footer on page " + page);
                assertTrue(text.replaceAll("\\s+", "").contains(evidence.chainHead()), "head on page " + page);
                if (text.contains("Time (UTC)") && text.contains("IP \u00b7 user agent")) {
                    eventPages++;
                }
            }
            assertTrue(eventPages > 15, "event table header repeated on " + eventPages + " pages");
            String all = new PDFTextStripper().getText(doc);
            assertTrue(all.contains("\n320 ") || all.contains("320\n") || all.contains(" 320 "), "last event rendered");
            assertFalse(all.contains("PRODUCTION") && all.contains("NOT LEGALLY BINDING"), "no sandbox banner in production");
        }
    }

    @Test
    void rendersPdfA3bWithNonLatinText() throws Exception {
        Evidence evidence = SampleEvidence.build(EnvelopeMode.SANDBOX, 40);
        byte[] pdf = trails.render(evidence);
        Path dir = Path.of("target", "audit-samples");
        Files.createDirectories(dir);
        Files.write(dir.resolve("rendered.pdf"), pdf);
        List<String> failed = Pdfa.failedRules(pdf);
        assertEquals(List.of(), failed, "veraPDF PDF/A-3b failures");
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.replaceAll("\\s+", "").contains(evidence.chainHead()), "chain head printed");
            for (String name : List.of("\u0410\u043d\u043d\u0430 \u0418\u0432\u0430\u043d\u043e\u0432\u0430",
                    "\u0393\u03b9\u03ce\u03c1\u03b3\u03bf\u03c2", "\u5c71\u7530 \u592a\u90ce", "Bront\u00eb-M\u00fcller")) {
                assertTrue(text.contains(name), "renders " + name);
            }
            ImageIO.write(new PDFRenderer(doc).renderImageWithDPI(0, 110), "png", dir.resolve("rendered-page1.png").toFile());
            ImageIO.write(new PDFRenderer(doc).renderImageWithDPI(doc.getNumberOfPages() - 1, 110), "png",
                    dir.resolve("rendered-last.png").toFile());
        }
    }
}
