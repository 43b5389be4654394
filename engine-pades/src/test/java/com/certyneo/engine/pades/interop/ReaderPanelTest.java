package com.certyneo.engine.pades.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.pades.interop.ReaderPanel.Case;
import com.certyneo.engine.pades.interop.ReaderPanel.Finding;
import com.certyneo.testvectors.PdfVector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader panel on our own sandbox output (signed once and twice, over inputs of every layout the
 * test vectors have), on the real-producer corpus (each file against itself), and on broken copies,
 * which every relevant reader must flag.
 */
class ReaderPanelTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    static final boolean CI = XrefLinterTest.CI;

    @Test
    void listsItsReaders() {
        List<String> readers = ReaderPanel.readers();
        System.out.println("ReaderPanel readers: " + readers);
        assertTrue(readers.contains(ReaderPanel.LINTER));
        if (CI) {
            assertEquals(List.of(ReaderPanel.PDFSIG, ReaderPanel.PDFTOTEXT, ReaderPanel.QPDF, ReaderPanel.MUTOOL,
                    ReaderPanel.PDFJS, ReaderPanel.PDFIUM, ReaderPanel.PYPDF, ReaderPanel.PIKEPDF, ReaderPanel.ITEXT,
                    ReaderPanel.PODOFO, ReaderPanel.LINTER), readers);
        }
    }

    /** A process that overruns is killed with its children and reported as timed out, promptly. */
    @Test
    void overrunningProcessesAreKilled() {
        assumeTrue(ReaderPanel.onPath("sh") && ReaderPanel.onPath("sleep"), "sh/sleep not available");
        Instant started = Instant.now().minusSeconds(1);
        long start = System.nanoTime();
        ReaderPanel.Run run = ReaderPanel.exec(List.of("sh", "-c", "sleep 30 & sleep 30; echo done"), Map.of(),
                java.time.Duration.ofMillis(500), null);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(run.timedOut(), run.toString());
        assertFalse(run.ok());
        assertTrue(millis < 15_000, "took " + millis + " ms");
        // The backgrounded sleep was the shell's child: it must have been killed too, not orphaned.
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().command().orElse("").endsWith("/sleep")
                        && p.info().startInstant().map(t -> !t.isBefore(started)).orElse(false)
                        && java.util.Arrays.equals(p.info().arguments().orElse(new String[0]), new String[] {"30"})),
                "a sleep 30 is left over");
    }

    /** Sandbox output over inputs of every layout, signed once and then again, opens cleanly in every reader. */
    @Test
    void ourSandboxOutputPassesEveryReader() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (PdfVector vector : List.of(PdfVector.MINIMAL, PdfVector.CLASSIC_XREF, PdfVector.MULTI_PAGE,
                PdfVector.OBJECT_STREAMS, PdfVector.INCREMENTALLY_UPDATED, PdfVector.HYBRID_XREF,
                PdfVector.LINEARIZED, PdfVector.ROTATED_PAGES, PdfVector.ALREADY_SIGNED)) {
            Path in = dir.resolve(vector.fileName());
            Files.write(in, vector.bytes());
            // Over ALREADY_SIGNED's B-B signature DSS first adds a document time-stamp: not counted.
            Path once = sign(in, "Jane Doe <jane@example.com>");
            cases.add(new Case(in, once, 1, true));
            if (vector == PdfVector.MINIMAL || vector == PdfVector.ALREADY_SIGNED || vector == PdfVector.HYBRID_XREF) {
                cases.add(new Case(once, sign(once, "John Roe <john@example.com>"), 1, true));
            }
            if (vector == PdfVector.MINIMAL || vector == PdfVector.OBJECT_STREAMS) {
                // B-LTA: the signature and an archive document time-stamp.
                cases.add(new Case(in, sign(in, "Jane Doe <jane@example.com>", PadesProfile.B_LTA), 1, true));
            }
        }
        Map<Case, List<Finding>> result = ReaderPanel.check(cases);
        report(result);
        Map<Case, List<Finding>> unexpected = new LinkedHashMap<>();
        flagged(result).forEach((c, findings) -> {
            List<Finding> left = findings.stream().filter(f -> !knownReaderLimit(c, f)).toList();
            if (!left.isEmpty()) {
                unexpected.put(c, left);
            }
        });
        assertEquals(Map.of(), unexpected);
    }

    /**
     * Poppler (22.12) reads a classic section before its /XRefStm and never lets the stream replace an
     * entry the table already has, so the HYBRID_XREF vector's font (object 5, free in the table,
     * compressed in the stream) is missing for poppler in the input already; after an update poppler
     * words the same failure differently ("Invalid XRef entry 5"). Every other reader resolves it.
     */
    private static boolean knownReaderLimit(Case c, Finding f) {
        return c.input().getFileName().toString().startsWith("hybrid_xref")
                && (f.reader().equals(ReaderPanel.PDFTOTEXT) || f.reader().equals(ReaderPanel.PDFSIG))
                && f.message().matches("(pdfinfo )?stderr: (Syntax Error|Internal Error).*"
                        + "(XRef entry 5|xref num 5|No font in show|font resource is not a dictionary|Unknown font tag).*");
    }

    /**
     * A document time-stamp in an encrypted document (here AES-256, owner password only): its /Contents is the token
     * in clear, as ISO 32000-2 §7.6.2 requires for every signature dictionary, and PDFBox, DSS and iText read it so;
     * poppler and MuPDF decrypt it into noise. The panel takes their complaint for theirs only as often as the output
     * has such tokens in clear: a token that is not in clear is a finding, and so is any complaint beyond that count.
     */
    @Test
    void documentTimestampsOfEncryptedOutputsAreReadAsTheStandardSays() throws Exception {
        if (!CI) {
            assumeTrue(ReaderPanel.onPath("qpdf"), "qpdf not installed");
        }
        Path plain = dir.resolve("owner-only-plain.pdf");
        Files.write(plain, PdfVector.MULTI_PAGE.bytes());
        Path in = dir.resolve("owner-only-aes256.pdf");
        ReaderPanel.Run encrypt = ReaderPanel.exec(List.of("qpdf", "--encrypt", "", "owner-pw", "256", "--",
                plain.toString(), in.toString()), Map.of(), ReaderPanel.TIMEOUT, null);
        assertTrue(encrypt.ok(), encrypt.toString());
        Path out = sign(in, "Jane Doe <jane@example.com>", PadesProfile.B_LTA);
        Case c = new Case(in, out, 1, true);

        List<Finding> findings = new ArrayList<>();
        assertEquals(1, ReaderPanel.clearTimestampsOfEncrypted(c, findings));
        assertEquals(List.of(), findings);
        assertEquals(0, ReaderPanel.clearTimestampsOfEncrypted(new Case(plain, sign(plain, "Jane Doe <jane@example.com>",
                PadesProfile.B_LTA), 1, true), findings), "an unencrypted output");
        if (ReaderPanel.readers().contains(ReaderPanel.PDFSIG)) {
            // the readers' side is real: without the count the panel would flag pdfsig
            ReaderPanel.Run pdfsig = ReaderPanel.exec(List.of("pdfsig", "-nocert", out.toString()), Map.of(),
                    ReaderPanel.TIMEOUT, null);
            assertTrue(pdfsig.err().contains(ReaderPanel.PDFSIG_UNPARSABLE), pdfsig.toString());
        }
        Map<Case, List<Finding>> result = ReaderPanel.check(List.of(c));
        report(result);
        assertEquals(List.of(), result.get(c));

        // The same file with the time-stamp's token overwritten: nothing in clear to count, and every reader's complaint
        // about it stays a finding.
        byte[] bytes = Files.readAllBytes(out);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int token = text.indexOf("<", text.indexOf("/Contents", text.lastIndexOf("/Type /DocTimeStamp"))) + 1;
        for (int i = token; i < token + 64; i++) {
            bytes[i] = 'F';
        }
        Path noise = dir.resolve("owner-only-aes256-noise.pdf");
        Files.write(noise, bytes);
        Case broken = new Case(in, noise, 1, true);
        List<Finding> brokenFindings = new ArrayList<>();
        assertEquals(0, ReaderPanel.clearTimestampsOfEncrypted(broken, brokenFindings));
        assertTrue(brokenFindings.stream().anyMatch(f -> f.message().contains("not a time-stamp token in clear")),
                brokenFindings.toString());
    }

    @Test
    void withoutLinesDropsAtMostTheCount() {
        List<String> lines = List.of("warning: x", "warning: y");
        assertEquals("a\nb\nwarning: x\n", ReaderPanel.withoutLines("a\nwarning: x\nb\nwarning: x", lines, 1));
        assertEquals("a\nb\n", ReaderPanel.withoutLines("a\n  warning: y\nb\nwarning: x", lines, 2));
        assertEquals("warning: x\n", ReaderPanel.withoutLines("warning: x", lines, 0));
        // MuPDF prints a message once and then the length of its run: "repeated 2 times" is the second copy
        String run = "warning: x\nwarning: ... repeated 2 times...\nerror: z";
        assertEquals("error: z\n", ReaderPanel.withoutLines(run, lines, 2));
        assertEquals("warning: ... repeated 2 times...\nerror: z\n", ReaderPanel.withoutLines(run, lines, 1),
                "one copy more than the count stays a finding");
        assertEquals("a\nwarning: ... repeated 2 times...\n",
                ReaderPanel.withoutLines("a\nwarning: ... repeated 2 times...", lines, 5), "a run of a line that is not dropped");
    }

    /** Every corpus file, compared with itself, passes (when the corpus has been generated). */
    @Test
    void realProducerCorpusAgainstItself() throws IOException {
        List<Path> pdfs = XrefLinterTest.corpusPdfs();
        if (!CI) {
            assumeTrue(!pdfs.isEmpty(), "no real-producer corpus in " + XrefLinterTest.CORPUS);
        }
        assertFalse(pdfs.isEmpty(), "CI=true but no real-producer corpus in " + XrefLinterTest.CORPUS);
        List<Case> cases = new ArrayList<>();
        for (Path pdf : pdfs) {
            cases.add(new Case(pdf, pdf, 0, false));
        }
        Map<Case, List<Finding>> result = ReaderPanel.check(cases);
        report(result);
        Map<Path, List<Finding>> unexpected = new LinkedHashMap<>();
        flagged(result).forEach((c, f) -> {
            if (XrefLinterTest.KNOWN_BAD_PRODUCERS.stream().noneMatch(c.output().getFileName().toString()::contains)) {
                unexpected.put(c.output(), f);
            }
        });
        assertEquals(Map.of(), unexpected);
    }

    /** PDFium (Chrome) reads the engine's certification: the /P of its DocMDP transform, for each level. */
    @Test
    void pdfiumReadsTheCertificationLevel() throws Exception {
        if (!ReaderPanel.readers().contains(ReaderPanel.PDFIUM)) {
            assumeTrue(CI, "PDFium is not installed (npm ci --prefix corpus)");
        }
        Path in = dir.resolve("certify-input.pdf");
        Files.write(in, PdfVector.MINIMAL.bytes());
        Map<Path, Integer> expected = new LinkedHashMap<>();
        for (com.certyneo.engine.CertificationLevel level : com.certyneo.engine.CertificationLevel.values()) {
            Path out = dir.resolve("certified-" + level + ".pdf");
            engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .certify(level).build());
            expected.put(out, switch (level) {
                case NO_CHANGES -> 1;
                case FORM_FILL -> 2;
                case ANNOTATE -> 3;
            });
        }
        List<String> command = new ArrayList<>(List.of("node", ReaderPanel.projectRoot().resolve("corpus/panel/pdfium-check.mjs")
                .toString()));
        expected.keySet().forEach(p -> command.add(p.toString()));
        ReaderPanel.Run run = ReaderPanel.exec(command, Map.of(), java.time.Duration.ofSeconds(120), null);
        assertTrue(run.ok(), run.toString());
        Map<Path, Integer> read = new LinkedHashMap<>();
        for (String line : run.out().split("\n")) {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            assertEquals(1, node.path("signatures").size(), line);
            read.put(Path.of(node.path("file").asText()), node.path("signatures").get(0).path("docMdp").asInt());
        }
        assertEquals(expected, read);
    }

    @Test
    void mupdfVerdictsAreReadPerSignatureField() {
        String out = String.join("\n",
                "Verifying signature 23:",
                "\tDistinguished name: cn=Foreign Signer, o=Foreign Test PKI, ou=, email=, c=ZZ",
                "\tCertificate error: Self-signed certificate in chain.",
                "\tThe signature is valid but there have been edits since signing.",
                "Verifying signature 55:",
                "\tCertificate error: Self-signed certificate in chain.",
                "\tThe document is unchanged since signing.",
                "Verifying signature 67:",
                "\tSignature is not signed.",
                "Verifying signature 70:",
                "\tSignature information missing.",
                "\tCertificate error: Unknown error.",
                "\tDigest error: Unknown error.",
                "");
        ReaderPanel.Run run = new ReaderPanel.Run(dir.resolve("x.pdf"), 0, out, "", false, null, 1);
        assertEquals(List.of(new ReaderPanel.MupdfSignature(23, "valid"), new ReaderPanel.MupdfSignature(55, "valid"),
                        new ReaderPanel.MupdfSignature(67, ReaderPanel.MUTOOL_NOT_SIGNED),
                        new ReaderPanel.MupdfSignature(70, "Digest error: Unknown error.")),
                ReaderPanel.mupdfSignatures(run));
        assertEquals(List.of(), ReaderPanel.mupdfSignatures(new ReaderPanel.Run(dir.resolve("x.pdf"), 0, "", "", false,
                null, 1)));
        assertEquals(null, ReaderPanel.mupdfSignatures(new ReaderPanel.Run(dir.resolve("x.pdf"), 1, "", "error: x", false,
                null, 1)));
    }

    @Test
    void brokenOutputsAreFlagged() throws IOException {
        Path in = dir.resolve("broken-input.pdf");
        Files.write(in, PdfVector.CLASSIC_XREF.bytes());
        Path good = sign(in, "Jane Doe <jane@example.com>");
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("broken-truncated.pdf");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));

        // The last startxref off by one.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int sx = text.lastIndexOf("startxref");
        int numStart = sx + "startxref".length() + 1;
        int numEnd = numStart;
        while (Character.isDigit(text.charAt(numEnd))) {
            numEnd++;
        }
        long offset = Long.parseLong(text.substring(numStart, numEnd));
        Path offByOne = dir.resolve("broken-startxref.pdf");
        Files.write(offByOne, (text.substring(0, numStart) + (offset + 1) + text.substring(numEnd))
                .getBytes(StandardCharsets.ISO_8859_1));

        // One byte of the original content changed: the new signature no longer matches.
        byte[] tampered = bytes.clone();
        int at = text.indexOf("/MediaBox");
        tampered[at + 1] = (byte) 'm';
        Path digest = dir.resolve("broken-digest.pdf");
        Files.write(digest, tampered);

        // A comment line inserted after the header: every object offset misses its object by 16 bytes.
        Path shifted = dir.resolve("broken-shifted.pdf");
        int header = text.indexOf('\n') + 1;
        Files.write(shifted, (text.substring(0, header) + "% sixteen bytes\n" + text.substring(header))
                .getBytes(StandardCharsets.ISO_8859_1));

        // Not sandbox-marked: the sandbox expectation itself must fire.
        Path unmarked = dir.resolve("broken-unmarked.pdf");
        Files.copy(in, unmarked);

        Case cTruncated = new Case(in, truncated, 1, true);
        Case cOffByOne = new Case(in, offByOne, 1, true);
        Case cDigest = new Case(in, digest, 1, true);
        Case cUnmarked = new Case(in, unmarked, 1, true);
        Case cShifted = new Case(in, shifted, 1, true);
        Case cGood = new Case(in, good, 1, true);
        Map<Case, List<Finding>> result = ReaderPanel.check(List.of(cTruncated, cOffByOne, cDigest, cUnmarked, cShifted,
                cGood));
        report(result);

        assertEquals(List.of(), result.get(cGood));
        assertFlaggedBy(result.get(cTruncated), ReaderPanel.LINTER, ReaderPanel.QPDF, ReaderPanel.PDFSIG, ReaderPanel.PDFIUM);
        assertFlaggedBy(result.get(cOffByOne), ReaderPanel.LINTER, ReaderPanel.QPDF, ReaderPanel.MUTOOL, ReaderPanel.PDFIUM);
        if (ReaderPanel.readers().contains(ReaderPanel.PDFIUM)) {
            // Chrome's engine rebuilt the table: the strict reading, not a lenient parse that happens to succeed
            assertTrue(result.get(cOffByOne).stream().anyMatch(f -> f.reader().equals(ReaderPanel.PDFIUM)
                    && f.message().startsWith("rebuilt the cross-reference table")), result.get(cOffByOne).toString());
        }
        assertFlaggedBy(result.get(cDigest), ReaderPanel.PDFSIG, ReaderPanel.ITEXT, ReaderPanel.MUTOOL);
        assertFlaggedBy(result.get(cShifted), ReaderPanel.LINTER, ReaderPanel.QPDF, ReaderPanel.PODOFO);
        if (ReaderPanel.readers().contains(ReaderPanel.PODOFO)) {
            // PoDoFo does not rebuild the table: it cannot open the file at all
            assertTrue(result.get(cShifted).stream().anyMatch(f -> f.reader().equals(ReaderPanel.PODOFO)
                    && f.message().startsWith("cannot open the output")), result.get(cShifted).toString());
        }
        if (ReaderPanel.readers().contains(ReaderPanel.MUTOOL)) {
            // MuPDF's own CMS check, not only its parser
            assertTrue(result.get(cDigest).stream().anyMatch(f -> f.reader().equals(ReaderPanel.MUTOOL)
                    && f.message().startsWith("sign -v: new signature field") && f.message().contains("Digest error")),
                    result.get(cDigest).toString());
        }
        assertFlaggedBy(result.get(cUnmarked), ReaderPanel.PDFSIG, ReaderPanel.PDFTOTEXT, ReaderPanel.PDFJS,
                ReaderPanel.PYPDF);
        if (ReaderPanel.readers().contains(ReaderPanel.PDFSIG)) {
            assertTrue(result.get(cDigest).stream().anyMatch(f -> f.message().startsWith("new signature")),
                    result.get(cDigest).toString());
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Path sign(Path in, String signer) {
        return sign(in, signer, null);
    }

    /** Signs on the sandbox (AES; the engine's default profile unless one is given). */
    private static Path sign(Path in, String signer, PadesProfile profile) {
        String name = in.getFileName().toString().replace(".pdf", "");
        Path out = in.resolveSibling(name + (profile == null ? "" : "+" + profile) + "+signed.pdf");
        SignRequest.Builder request = SignRequest.builder()
                .document(DocumentSource.of(in))
                .output(DocumentTarget.of(out))
                .signer(Signer.parse(signer).authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()));
        if (profile != null) {
            request.profile(profile);
        }
        engine.sign(request.build());
        return out;
    }

    /** Asserts that each of these readers, when it is available, has at least one finding. */
    private static void assertFlaggedBy(List<Finding> findings, String... readers) {
        List<String> available = ReaderPanel.readers();
        for (String reader : readers) {
            if (available.contains(reader)) {
                assertTrue(findings.stream().anyMatch(f -> f.reader().equals(reader)),
                        reader + " should have flagged it: " + findings);
            }
        }
    }

    private static Map<Case, List<Finding>> flagged(Map<Case, List<Finding>> result) {
        Map<Case, List<Finding>> flagged = new LinkedHashMap<>();
        result.forEach((c, f) -> {
            if (!f.isEmpty()) {
                flagged.put(c, f);
            }
        });
        return flagged;
    }

    private static void report(Map<Case, List<Finding>> result) {
        System.out.println("ReaderPanel: " + result.size() + " cases, " + flagged(result).size() + " flagged; readers "
                + ReaderPanel.readers());
        result.forEach((c, findings) -> {
            if (!findings.isEmpty()) {
                System.out.println("  " + c.output().getFileName() + " (input " + c.input().getFileName() + ")");
                findings.stream().limit(16).forEach(f -> System.out.println("    " + f));
            }
        });
        ReaderPanel.lastTimings().forEach((reader, t) -> System.out.printf("  %-12s %4d runs, mean %5d ms, max %6d ms%n",
                reader, t.runs(), t.meanMillis(), t.maxMillis()));
    }
}
