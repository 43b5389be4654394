package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.VisibleAppearance;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's sample contract: a two-page service agreement, generated with PDFBox and an embedded font.
 * The last page leaves room under the text for the two parties' visible signature boxes, each with a
 * caption above it: {@link #PROVIDER_BOX} on the left, {@link #CLIENT_BOX} on the right.
 */
final class SampleContract {

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final float LEFT = 60;
    private static final float TOP = 760;
    private static final float BOX_WIDTH = 220;
    private static final float BOX_HEIGHT = 80;
    /** Distance of the boxes from the top of the page: below the last text line and the captions. */
    private static final float BOX_TOP = 262;
    private static final float CLIENT_LEFT = 315;
    private static final float FRAME_GAP = 2;

    private static final List<List<String>> PAGES = List.of(
            List.of("SERVICE AGREEMENT (SAMPLE)", "",
                    "Between: Example Services SAS, 1 rue de l'Exemple, 67000 Strasbourg (the Provider)",
                    "and: Example Client SARL, 2 avenue du Test, 69000 Lyon (the Client).", "",
                    "1. Object. The Provider delivers the services described in Annex A.",
                    "2. Term. This agreement starts on signature and runs for twelve months.",
                    "3. Fees. The Client pays the fees of Annex B within thirty days of invoice.",
                    "4. Confidentiality. Each party keeps the other's information confidential.",
                    "5. Law. French law governs this agreement; the courts of Strasbourg decide."),
            List.of("ANNEXES", "",
                    "Annex A - Services: hosting, support and maintenance of the Client platform.",
                    "Annex B - Fees: 1,000 EUR per month, excluding VAT.", "",
                    "Signed electronically by the parties with the Certyneo Signing Engine.",
                    "This is a sample document generated for demonstration purposes."));

    /** The number of pages; the signature boxes are on the last one. */
    static final int PAGES_COUNT = PAGES.size();
    /** Where the Provider's signatory (the demo's first signer) signs. */
    static final VisibleAppearance PROVIDER_BOX = VisibleAppearance.of(PAGES_COUNT, LEFT, BOX_TOP, BOX_WIDTH, BOX_HEIGHT);
    /** Where the Client's signatory (the demo's second signer) signs. */
    static final VisibleAppearance CLIENT_BOX = VisibleAppearance.of(PAGES_COUNT, CLIENT_LEFT, BOX_TOP, BOX_WIDTH, BOX_HEIGHT);

    private SampleContract() {
    }

    static void write(Path target) {
        DocumentTarget.of(target).write(out -> {
            try (PDDocument document = new PDDocument()) {
                PDType0Font font;
                try (InputStream in = SampleContract.class.getResourceAsStream(FONT)) {
                    font = PDType0Font.load(document, in, true);
                }
                for (List<String> lines : PAGES) {
                    PDPage page = new PDPage(PDRectangle.A4);
                    document.addPage(page);
                    try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                        content.beginText();
                        content.newLineAtOffset(LEFT, TOP);
                        boolean title = true;
                        for (String line : lines) {
                            content.setFont(font, title ? 16 : 11);
                            content.showText(line);
                            content.newLineAtOffset(0, title ? -24 : -16);
                            title = false;
                        }
                        content.endText();
                        if (document.getNumberOfPages() == PAGES_COUNT) {
                            caption(content, font, page, PROVIDER_BOX, "For the Provider");
                            caption(content, font, page, CLIENT_BOX, "For the Client");
                        }
                    }
                }
                document.getDocumentInformation().setTitle("Service agreement (sample)");
                document.getDocumentInformation().setProducer("Certyneo demo (PDFBox)");
                document.save(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * A caption just above a signature box and a thin grey frame around it; the signature's own
     * appearance fills the frame when the party signs.
     */
    private static void caption(PDPageContentStream content, PDType0Font font, PDPage page, VisibleAppearance box, String text)
            throws IOException {
        float bottom = page.getMediaBox().getHeight() - box.y() - box.height();
        content.beginText();
        content.setFont(font, 10);
        content.newLineAtOffset(box.x(), bottom + box.height() + 8);
        content.showText(text);
        content.endText();
        content.setStrokingColor(0.6f);
        content.setLineWidth(0.5f);
        // Just outside the box: the appearance paints its own background over the box itself.
        content.addRect(box.x() - FRAME_GAP, bottom - FRAME_GAP, box.width() + 2 * FRAME_GAP, box.height() + 2 * FRAME_GAP);
        content.stroke();
    }
}
