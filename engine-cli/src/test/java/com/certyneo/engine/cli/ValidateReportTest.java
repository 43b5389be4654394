package com.certyneo.engine.cli;

import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code certyneo validate FILE --report REPORT.html|REPORT.pdf}: the human-readable report, and its errors. */
class ValidateReportTest {

    @TempDir
    static Path dir;
    static String home;
    static Path signed;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void signOnce() throws Exception {
        home = dir.resolve("home").toString();
        Path unsigned = Files.write(dir.resolve("unsigned.pdf"), SamplePdfs.multiPage(2));
        signed = dir.resolve("signed.pdf");
        Result sign = run("sign", unsigned.toString(), "-o", signed.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--visible", "1,50,60,200,60");
        assertEquals(0, sign.code(), sign.err());
    }

    static void assertNoPartFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList());
        }
    }

    @Test
    void htmlReport() throws Exception {
        Path report = dir.resolve("report.html");
        Result r = run("validate", signed.toString(), "--sandbox", "--home", home, "--report", report.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("report: " + report + " (HTML)"), r.out());
        assertEquals("", r.err(), "nothing on standard error when it works");
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
        assertTrue(html.contains("Signature by Jane Doe") && html.contains("TOTAL_PASSED"), html);
        assertTrue(html.contains("<img src=\"data:image/png;base64,"), "the signed page's thumbnail");
        assertTrue(html.contains("SANDBOX"));
        assertNoPartFiles();
    }

    @Test
    void pdfReportWithJsonOnStandardOutput() throws Exception {
        Path report = dir.resolve("Report.PDF");
        Result r = run("validate", signed.toString(), "--sandbox", "--home", home, "--json", "--report", report.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().strip().startsWith("{") && r.out().strip().endsWith("}"), "standard output stays JSON: " + r.out());
        try (PDDocument pdf = Loader.loadPDF(report.toFile())) {
            String text = new PDFTextStripper().getText(pdf);
            assertTrue(text.contains("Signature by Jane Doe") && text.contains("Valid \u2013 TOTAL_PASSED"), text);
        }
        assertNoPartFiles();
    }

    @Test
    void reportOfAFailedValidationIsWrittenAndTheExitCodeStaysOne() throws Exception {
        Path report = dir.resolve("untrusted.html");
        Result r = run("validate", signed.toString(), "--report", report.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(html.contains("Could not be confirmed") && html.contains("INDETERMINATE"), html);
    }

    @Test
    void unknownExtensionIsAUsageErrorNamingTheFlag() {
        Path report = dir.resolve("report.txt");
        Result r = run("validate", signed.toString(), "--sandbox", "--home", home, "--report", report.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: INVALID_REQUEST: --report " + report), r.err());
        assertTrue(r.err().contains("fix: Name the report file with one of them, such as --report report.html"), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(report));
    }

    @Test
    void severalFilesOrTheInputItselfAreRefused() throws Exception {
        Path report = dir.resolve("batch.html");
        Result batch = run("validate", signed.toString(), signed.toString(), "--sandbox", "--home", home,
                "--report", report.toString());
        assertEquals(2, batch.code(), batch.err());
        assertTrue(batch.err().contains("--report writes the report of one file"), batch.err());
        assertFalse(Files.exists(report));

        Path copy = Files.copy(signed, dir.resolve("copy.pdf"));
        byte[] before = Files.readAllBytes(copy);
        Path alias = dir.resolve("copy.PDF.pdf");
        Files.createSymbolicLink(alias, copy.getFileName());
        Result self = run("validate", copy.toString(), "--report", alias.toString());
        assertEquals(2, self.code(), self.err());
        assertTrue(self.err().contains("is the input file"), self.err());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(copy)));
    }

    @Test
    void helpDescribesTheReport() {
        Result r = run("validate", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--report=REPORT.html|REPORT.pdf"), r.out());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("the signed pages with the signature boxes outlined"), r.out());
    }
}
