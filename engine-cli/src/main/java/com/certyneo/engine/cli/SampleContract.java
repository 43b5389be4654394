package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentTarget;
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

/** The demo's sample contract: a two-page service agreement, generated with PDFBox and an embedded font. */
final class SampleContract {

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

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
                        content.newLineAtOffset(60, 760);
                        boolean title = true;
                        for (String line : lines) {
                            content.setFont(font, title ? 16 : 11);
                            content.showText(line);
                            content.newLineAtOffset(0, title ? -24 : -16);
                            title = false;
                        }
                        content.endText();
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
}
