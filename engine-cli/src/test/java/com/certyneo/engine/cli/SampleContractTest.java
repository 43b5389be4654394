package com.certyneo.engine.cli;

import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The demo's unsigned sample: a clean PDF with room for the signature boxes below its text. */
class SampleContractTest {

    @TempDir
    Path dir;

    @Test
    void sampleIsCleanForQpdf() {
        Path sample = dir.resolve("contract.pdf");
        SampleContract.write(sample);
        // Fails under CI=true when qpdf is missing; skips only on a developer machine without it.
        assumeTrue(ExternalValidators.require("qpdf"));
        assertQpdfClean(sample);
    }

    @Test
    void signatureBoxesLieOnTheLastPageBelowTheText() throws Exception {
        Path sample = dir.resolve("contract.pdf");
        SampleContract.write(sample);
        try (PDDocument doc = Loader.loadPDF(sample.toFile())) {
            assertEquals(SampleContract.PAGES_COUNT, doc.getNumberOfPages());
            PDRectangle media = doc.getPage(doc.getNumberOfPages() - 1).getMediaBox();
            List<float[]> glyphs = glyphBoxes(doc, doc.getNumberOfPages());
            assertTrue(glyphs.size() > 100, "text found: " + glyphs.size());
            for (VisibleAppearance box : List.of(SampleContract.PROVIDER_BOX, SampleContract.CLIENT_BOX)) {
                assertEquals(doc.getNumberOfPages(), box.page());
                assertTrue(box.x() + box.width() <= media.getWidth() && box.y() + box.height() <= media.getHeight(), "on the page");
                float[] rect = {box.x(), box.y(), box.x() + box.width(), box.y() + box.height()};
                for (float[] g : glyphs) {
                    assertFalse(intersects(g, rect), "text at " + g[0] + "," + g[1] + " under the box " + box);
                }
            }
            float[] provider = topLeft(SampleContract.PROVIDER_BOX);
            float[] client = topLeft(SampleContract.CLIENT_BOX);
            assertFalse(intersects(provider, client), "the two boxes overlap");
        }
    }

    /** Asserts {@code qpdf --check} passes without warnings. */
    static void assertQpdfClean(Path pdf) {
        ExternalValidators.Run run = ExternalValidators.qpdfCheck(pdf);
        assertEquals(0, run.exitCode(), pdf.getFileName() + ": " + run.output());
        assertFalse(run.output().toLowerCase(java.util.Locale.ROOT).contains("warning"), pdf.getFileName() + ": " + run.output());
        assertTrue(run.output().contains("No syntax or stream encoding errors found"), run.output());
    }

    static float[] topLeft(VisibleAppearance box) {
        return new float[] {box.x(), box.y(), box.x() + box.width(), box.y() + box.height()};
    }

    static boolean intersects(float[] a, float[] b) {
        return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    }

    /** Bounding boxes {x1, y1, x2, y2} of the glyphs of the page's own content, measured from the top-left corner. */
    static List<float[]> glyphBoxes(PDDocument doc, int page) throws IOException {
        List<float[]> boxes = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void writeString(String text, List<TextPosition> positions) throws IOException {
                for (TextPosition p : positions) {
                    if (!p.getUnicode().isBlank()) {
                        boxes.add(new float[] {p.getXDirAdj(), p.getYDirAdj() - p.getHeightDir(), p.getXDirAdj() + p.getWidthDirAdj(),
                                p.getYDirAdj()});
                    }
                }
            }
        };
        stripper.setStartPage(page);
        stripper.setEndPage(page);
        stripper.getText(doc);
        return boxes;
    }
}
