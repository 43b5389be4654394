package com.certyneo.engine.cli;

import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CLI contract: exit codes, outputs and messages. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    Path pdf(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void severalInputsAreSignedAsOneQesBatchIntoOutDir() throws Exception {
        Path a = pdf("a.pdf", SamplePdfs.minimal());
        Path b = pdf("b.pdf", SamplePdfs.multiPage(2));
        Path c = pdf("c.pdf", SamplePdfs.minimal());
        Path outDir = dir.resolve("signed");
        String home = dir.resolve("home").toString();
        Result sign = run("sign", a.toString(), b.toString(), c.toString(), "--out-dir", outDir.toString(), "--level", "QES",
                "--profile", "B-LTA", "--signer", "Jane Doe <jane@example.com>", "--home", home);
        assertEquals(0, sign.code(), sign.err());
        for (String name : List.of("a.pdf", "b.pdf", "c.pdf")) {
            assertTrue(sign.out().contains("-> " + outDir.resolve(name)), sign.out());
            Result validate = run("validate", outDir.resolve(name).toString(), "--sandbox", "--home", home, "--json");
            assertEquals(0, validate.code(), validate.out() + validate.err());
            assertTrue(validate.out().contains("TOTAL_PASSED") && validate.out().contains("B-LTA"), validate.out());
        }

        Path bad = pdf("bad.pdf", "not a pdf at all".getBytes());
        Path otherDir = dir.resolve("none");
        Result failed = run("sign", a.toString(), bad.toString(), "--out-dir", otherDir.toString(), "--level", "QES",
                "--signer", "Jane Doe <jane@example.com>", "--home", home);
        assertEquals(3, failed.code(), failed.err());
        assertTrue(failed.err().contains("document 2 ('bad.pdf')"), failed.err());
        assertFalse(Files.exists(otherDir.resolve("a.pdf")), "nothing written when one document fails");
        assertFalse(Files.exists(otherDir.resolve("bad.pdf")));

        Result twoWithO = run("sign", a.toString(), b.toString(), "-o", dir.resolve("x.pdf").toString(), "--level", "QES",
                "--signer", "Jane Doe <jane@example.com>", "--home", home);
        assertEquals(2, twoWithO.code(), twoWithO.err());
        assertTrue(twoWithO.err().contains("--out-dir"), twoWithO.err());
    }

    @Test
    void signThenValidate() throws Exception {
        Path in = pdf("in.pdf", SamplePdfs.minimal());
        Path out = dir.resolve("out.pdf");
        String home = dir.resolve("home").toString();
        Result sign = run("sign", in.toString(), "-o", out.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--reason", "Approval");
        assertEquals(0, sign.code(), sign.err());
        assertTrue(sign.out().contains("AES, PAdES B-LT"), sign.out());

        Result validate = run("validate", out.toString(), "--sandbox", "--home", home);
        assertEquals(0, validate.code(), validate.out() + validate.err());
        assertTrue(validate.out().contains("TOTAL_PASSED"));

        Result json = run("validate", out.toString(), "--sandbox", "--home", home, "--json");
        assertEquals(0, json.code());
        assertTrue(json.out().contains("\"indication\": \"TOTAL_PASSED\"") && json.out().contains("\"profile\": \"B-LT\""), json.out());

        // Without trusting the sandbox root the chain is not trusted: exit code 1.
        Result untrusted = run("validate", out.toString());
        assertEquals(1, untrusted.code(), untrusted.out());
        assertTrue(untrusted.out().contains("INDETERMINATE"));

        // Exported root + --trust: B-LT carries its revocation data, so it validates with the root alone ...
        Result export = run("pki", "export", dir.toString(), "--home", home);
        assertEquals(0, export.code(), export.err());
        Path root = dir.resolve("sandbox-root.pem");
        assertTrue(Files.readString(root, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
        Result trusted = run("validate", out.toString(), "--trust", root.toString());
        assertEquals(0, trusted.code(), trusted.out());
        // ... while B-T has none: INDETERMINATE, exit 1.
        Path bt = dir.resolve("bt.pdf");
        assertEquals(0, run("sign", in.toString(), "-o", bt.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--profile", "B-T").code());
        Result btTrusted = run("validate", bt.toString(), "--trust", root.toString());
        assertEquals(1, btTrusted.code());
        assertTrue(btTrusted.out().contains("No revocation data found"), btTrusted.out());

        // extend to B-LTA, then timestamp: both validate.
        Path lta = dir.resolve("lta.pdf");
        Result extend = run("extend", bt.toString(), "-o", lta.toString(), "--home", home);
        assertEquals(0, extend.code(), extend.err());
        assertTrue(extend.out().contains("B-LTA"));
        assertEquals(0, run("validate", lta.toString(), "--sandbox", "--home", home).code());

        if (ExternalValidators.require("pdfsig")) {
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out).output()));
        }
    }

    /** A classic-xref PDF of {@code objects} (object 1 first), appended to {@code base} as an update when given. */
    static byte[] pdf(byte[] base, java.util.List<String> objects, int firstNumber, String trailer) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(base != null ? base : "%PDF-1.7\n".getBytes(StandardCharsets.ISO_8859_1));
        if (base != null && base[base.length - 1] != '\n') {
            out.write('\n');
        }
        long[] offsets = new long[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = out.size();
            out.writeBytes(((firstNumber + i) + " 0 obj\n" + objects.get(i) + "\nendobj\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        long xref = out.size();
        StringBuilder table = new StringBuilder("xref\n0 1\n0000000000 65535 f \n" + firstNumber + " " + objects.size() + "\n");
        for (long offset : offsets) {
            table.append(String.format("%010d 00000 n \n", offset));
        }
        table.append("trailer\n<< /Size ").append(firstNumber + objects.size()).append(' ').append(trailer)
                .append(" >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        out.writeBytes(table.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** 100,000 dictionaries chained by references from the catalog. */
    static byte[] deeplyChained() {
        java.util.List<String> objects = new java.util.ArrayList<>(java.util.List.of(
                "<< /Type /Catalog /Pages 2 0 R /X 5 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                "<< /Length 0 >>\nstream\n\nendstream"));
        for (int i = 0; i < 100_000; i++) {
            objects.add(i == 99_999 ? "<< >>" : "<< /A " + (5 + i + 1) + " 0 R >>");
        }
        return pdf(null, objects, 1, "/Root 1 0 R");
    }

    /** {@code signed} plus an update whose new catalog has a page tree 20,000 levels deep. */
    static byte[] withDeepPageTree(byte[] signed) {
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher startxref = java.util.regex.Pattern.compile("startxref\\s+(\\d+)").matcher(text);
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("/Size (\\d+)").matcher(text);
        long prev = -1;
        while (startxref.find()) {
            prev = Long.parseLong(startxref.group(1));
        }
        int first = 0;
        while (size.find()) {
            first = Integer.parseInt(size.group(1));
        }
        int depth = 20_000;
        java.util.List<String> objects = new java.util.ArrayList<>();
        // the catalog as signed (its /AcroForm finds the signature), pointing to the new page tree
        java.util.regex.Matcher catalog = java.util.regex.Pattern.compile("(?s)\\n1 0 obj\\s*(.*?)endobj").matcher(text);
        String body = null;
        while (catalog.find()) {
            body = catalog.group(1);
        }
        objects.add(body.replaceFirst("/Pages \\d+ 0 R", "/Pages " + (first + 1) + " 0 R"));
        for (int i = 0; i < depth; i++) {
            int me = first + 1 + i;
            objects.add("<< /Type /Pages /Kids [" + (me + 1) + " 0 R] /Count 1" + (i == 0 ? "" : " /Parent " + (me - 1) + " 0 R") + " >>");
        }
        objects.add("<< /Type /Page /Parent " + (first + depth) + " 0 R /MediaBox [0 0 612 792] >>");
        return pdf(signed, objects, first, "/Root " + first + " 0 R /Prev " + prev);
    }

    @Test
    void pathologicalNestingIsAnInputErrorWithoutStackTrace() throws Exception {
        String home = dir.resolve("home").toString();
        Path out = dir.resolve("out").resolve("deep-signed.pdf");
        Path deep = pdf("deep.pdf", deeplyChained());
        Result sign = run("sign", deep.toString(), "-o", out.toString(), "--signer", "Jane <jane@example.com>",
                "--auth", "sms-otp", "--home", home);
        assertEquals(3, sign.code(), sign.err());
        assertTrue(sign.err().startsWith("error: INVALID_PDF: '" + deep.getFileName() + "' is not a readable PDF: objects nested too deeply"),
                sign.err());
        assertFalse(sign.err().contains("\tat "), "no stack trace: " + sign.err());
        assertFalse(sign.err().contains("StackOverflowError"), sign.err());
        assertFalse(Files.exists(out));
        assertTrue(!Files.exists(out.getParent()) || Files.list(out.getParent()).findAny().isEmpty(), "no temporary file");

        Result debug = run("sign", deep.toString(), "-o", out.toString(), "--signer", "Jane <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--debug");
        assertEquals(3, debug.code());
        assertTrue(debug.err().contains("StackOverflowError") && debug.err().contains("\tat "), "--debug prints the trace");

        Path signed = dir.resolve("signed.pdf");
        assertEquals(0, run("sign", pdf("in.pdf", SamplePdfs.minimal()).toString(), "-o", signed.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home).code());
        Path tampered = pdf("tampered.pdf", withDeepPageTree(Files.readAllBytes(signed)));
        Result validate = run("validate", tampered.toString(), "--home", home, "--sandbox");
        assertEquals(3, validate.code(), validate.out() + validate.err());
        assertTrue(validate.err().startsWith("error: INVALID_PDF: '" + tampered.getFileName() + "' is not a readable PDF: objects nested too deeply"),
                validate.err());
        assertFalse(validate.err().contains("\tat "), validate.err());
    }

    @Test
    void malformedPageTreesAreInputErrorsNotSigningFailures() throws Exception {
        String home = dir.resolve("home").toString();
        Path out = dir.resolve("out.pdf");
        String page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>";
        String content = "<< /Length 0 >>\nstream\n\nendstream";
        for (String pages : java.util.List.of("<< /Type /Pages /Kids [3 0 R] /Count -1 >>",
                "<< /Type /Pages /Kids [1 2 3] /Count 3 >>", "<< /Type /Pages /Count 1 >>")) {
            Path in = pdf("broken.pdf", pdf(null, java.util.List.of("<< /Type /Catalog /Pages 2 0 R >>", pages, page, content), 1,
                    "/Root 1 0 R"));
            Result sign = run("sign", in.toString(), "-o", out.toString(), "--signer", "Jane <jane@example.com>",
                    "--auth", "sms-otp", "--home", home);
            assertEquals(3, sign.code(), pages + ": " + sign.err());
            assertTrue(sign.err().startsWith("error: INVALID_PDF: '" + in.getFileName() + "' is malformed"), sign.err());
            assertFalse(sign.err().contains("\tat "), sign.err());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void exitCodesForBadInputAndNoPartialOutput() throws Exception {
        String home = dir.resolve("home").toString();
        Path out = dir.resolve("out.pdf");
        Result notPdf = run("sign", pdf("x.pdf", "not a pdf".getBytes(StandardCharsets.US_ASCII)).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home);
        assertEquals(3, notPdf.code());
        assertTrue(notPdf.err().startsWith("error: INVALID_PDF"), notPdf.err());
        assertTrue(notPdf.err().contains("fix: "));
        assertFalse(Files.exists(out));

        Result encrypted = run("sign", pdf("e.pdf", SamplePdfs.encryptedWithUserPassword("pw")).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home);
        assertEquals(3, encrypted.code());
        assertTrue(encrypted.err().contains("ENCRYPTED_PDF"));
        assertFalse(Files.exists(out));

        Result noAuth = run("sign", pdf("in.pdf", SamplePdfs.minimal()).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--home", home);
        assertEquals(2, noAuth.code());
        assertTrue(noAuth.err().contains("MISSING_AUTHENTICATION"));
        assertFalse(Files.exists(out));

        Result missing = run("sign", dir.resolve("nope.pdf").toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home);
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("IO_ERROR"));

        Result usage = run("sign", "--level", "XES");
        assertEquals(2, usage.code());
        Result badLevel = run("sign", pdf("in2.pdf", SamplePdfs.minimal()).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--level", "XES", "--home", home);
        assertEquals(2, badLevel.code());
        assertTrue(badLevel.err().contains("INVALID_REQUEST"));

        Result unsigned = run("validate", pdf("plain.pdf", SamplePdfs.minimal()).toString());
        assertEquals(1, unsigned.code());
        assertTrue(unsigned.out().contains("No signatures found"), unsigned.out());
        assertEquals(2, run().code());
    }

    @Test
    void demoSignsTwoSignersAndValidates() throws Exception {
        Path out = dir.resolve("demo");
        Result demo = run("demo", "--out", out.toString(), "--home", dir.resolve("home").toString());
        assertEquals(0, demo.code(), demo.out() + demo.err());
        assertTrue(demo.out().contains("2 signature(s)"), demo.out());
        assertTrue(Files.exists(out.resolve("contract-signed.pdf")));
        assertTrue(demo.out().contains("RESULT: audit trail verified"), demo.out());
        assertVisibleBoxes(out.resolve("contract-signed.pdf"));
        // Fails under CI=true when a tool is missing; skips only on a developer machine without them.
        assumeTrue(ExternalValidators.require("pdfsig") & ExternalValidators.require("qpdf"));
        assertEquals(2, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out.resolve("contract-signed.pdf")).output()));
        for (String name : List.of("contract.pdf", "contract-signed-alice.pdf", "contract-signed.pdf", "audit-trail.pdf")) {
            SampleContractTest.assertQpdfClean(out.resolve(name));
        }
    }

    /**
     * Each demo signer signed into a visible box on the last page: two signature widgets with the sample's box
     * rectangles, a non-empty appearance, apart from each other and from every glyph of the page's text.
     */
    private static void assertVisibleBoxes(Path signed) throws Exception {
        try (PDDocument doc = Loader.loadPDF(signed.toFile())) {
            PDPage last = doc.getPage(doc.getNumberOfPages() - 1);
            float height = last.getMediaBox().getHeight();
            List<PDSignatureField> fields = new ArrayList<>();
            for (PDField f : doc.getDocumentCatalog().getAcroForm().getFieldTree()) {
                if (f instanceof PDSignatureField s && s.getSignature() != null) {
                    fields.add(s);
                }
            }
            assertEquals(2, fields.size());
            List<float[]> rects = new ArrayList<>();
            for (PDSignatureField field : fields) {
                PDAnnotationWidget widget = field.getWidgets().get(0);
                assertTrue(last.getAnnotations().stream().anyMatch(a -> a.getCOSObject() == widget.getCOSObject()),
                        field.getFullyQualifiedName() + " on the last page");
                PDRectangle r = widget.getRectangle();
                assertTrue(r.getWidth() > 0 && r.getHeight() > 0, "non-zero rectangle " + r);
                PDAppearanceStream normal = widget.getAppearance().getNormalAppearance().getAppearanceStream();
                try (var in = normal.getContents()) {
                    assertTrue(in.readAllBytes().length > 0, "the box has an appearance");
                }
                rects.add(new float[] {r.getLowerLeftX(), height - r.getUpperRightY(), r.getUpperRightX(), height - r.getLowerLeftY()});
            }
            for (VisibleAppearance expected : List.of(SampleContract.PROVIDER_BOX, SampleContract.CLIENT_BOX)) {
                float[] e = SampleContractTest.topLeft(expected);
                assertTrue(rects.stream().anyMatch(r -> Math.abs(r[0] - e[0]) < 0.5 && Math.abs(r[1] - e[1]) < 0.5
                        && Math.abs(r[2] - e[2]) < 0.5 && Math.abs(r[3] - e[3]) < 0.5), "a widget at " + expected);
            }
            assertFalse(SampleContractTest.intersects(rects.get(0), rects.get(1)), "the boxes overlap");
            List<float[]> glyphs = SampleContractTest.glyphBoxes(doc, doc.getNumberOfPages());
            assertTrue(glyphs.size() > 100, "page text found");
            for (float[] g : glyphs) {
                for (float[] r : rects) {
                    assertFalse(SampleContractTest.intersects(g, r), "page text at " + g[0] + "," + g[1] + " under a signature box");
                }
            }
        }
    }
}
