package com.certyneo.engine.cli;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the CLI's class-data sharing archive (not a command): the build runs it once with
 * {@code -XX:ArchiveClassesAtExit=engine-cli/target/certyneo.jsa} and the launcher maps that archive, so
 * that the classes a command needs are loaded pre-parsed and pre-verified instead of from the jars.
 *
 * <p>It runs, in this JVM, what people run most: help and version, sandbox AES signatures of a fresh one-page
 * document (B-T; a second signer at the default profile; a visible box) and validate (text and JSON).
 * Everything happens in a temporary directory, deleted at the end, that is also {@code user.home} for the
 * run (PDFBox writes its font cache there), so nothing is written into the user's home or left behind. Output is
 * discarded; a command that fails makes the training fail (exit code 1), so the build notices.
 */
final class CdsTraining {

    private CdsTraining() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) throws IOException {
        System.exit(train() == 0 ? 0 : 1);
    }

    /** @return how many of the training commands failed (their exit code was not 0) */
    static int train() throws IOException {
        Path dir = Files.createTempDirectory("certyneo-cds-training");
        // PDFBox keeps its font cache in user.home: let this run keep it in its temporary directory.
        String userHome = System.getProperty("user.home");
        System.setProperty("user.home", dir.toString());
        int failures = 0;
        try {
            Path input = dir.resolve("in.pdf");
            writeOnePage(input);
            Path signed = dir.resolve("signed.pdf");
            Path cosigned = dir.resolve("cosigned.pdf");
            Path visible = dir.resolve("visible.pdf");
            String signer = "Training Signer <training@example.com>";
            String home = dir.resolve("home").toString();
            List<String[]> runs = new ArrayList<>();
            runs.add(new String[] {"--version"});
            runs.add(new String[] {"--help"});
            runs.add(new String[] {"sign", "--help"});
            runs.add(new String[] {"sign", input.toString(), "-o", signed.toString(), "--home", home,
                    "--level", "AES", "--profile", "B-T", "--signer", signer, "--auth", "sms-otp"});
            runs.add(new String[] {"validate", signed.toString(), "--home", home, "--sandbox"});
            runs.add(new String[] {"sign", signed.toString(), "-o", cosigned.toString(), "--home", home,
                    "--signer", signer, "--auth", "email-otp"});
            runs.add(new String[] {"sign", input.toString(), "-o", visible.toString(), "--home", home,
                    "--signer", signer, "--auth", "sms-otp", "--visible", "1,350,700,220,70"});
            runs.add(new String[] {"validate", cosigned.toString(), "--home", home, "--sandbox", "--json"});
            PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream(), true);
            for (String[] run : runs) {
                int code = Main.run(run, discard, discard);
                if (code != 0) {
                    System.err.println("certyneo CDS training: '" + String.join(" ", run) + "' exited with " + code);
                    failures++;
                }
            }
        } finally {
            System.setProperty("user.home", userHome);
            delete(dir);
        }
        return failures;
    }

    private static void writeOnePage(Path file) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 770);
                content.showText("Certyneo class-data sharing training document");
                content.endText();
            }
            document.save(file.toFile());
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
