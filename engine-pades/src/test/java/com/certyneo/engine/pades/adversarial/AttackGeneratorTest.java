package com.certyneo.engine.pades.adversarial;

import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.pades.adversarial.SignedInputs.SignedInput;
import com.certyneo.engine.pades.adversarial.Variant.AttackClass;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generator itself: every variant keeps the signed revision as a prefix and appends after it (or,
 * for signature wrapping, keeps exactly the signed bytes under its new /ByteRange); the variants meant
 * to be well-formed pass {@code qpdf --check} and open in PDFBox; the shadow document is what the shadow
 * attacks expect. Runs on a classic-table input (the shadow document) and on a cross-reference-stream
 * input (PDFBox's own output), without the engine-made benign variants.
 */
class AttackGeneratorTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static List<SignedInput> inputs;
    static List<Variant> variants;

    @BeforeAll
    static void generate() {
        engine = PadesSignatureEngine.sandbox(home);
        ShadowDocument shadow = ShadowDocument.build();
        inputs = List.of(
                new SignedInput("shadow-B-B", PadesProfile.B_B,
                        SignedInputs.sign(engine, shadow.bytes(), "shadow.pdf", SignatureLevel.SES, PadesProfile.B_B), shadow, id -> true),
                new SignedInput("sample-B-B", PadesProfile.B_B,
                        SignedInputs.sign(engine, SamplePdfs.multiPage(2), "sample.pdf", SignatureLevel.SES, PadesProfile.B_B), null,
                        id -> true));
        AttackGenerator generator = new AttackGenerator(null);
        variants = new ArrayList<>();
        inputs.forEach(i -> variants.addAll(generator.generate(i)));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void everyClassIsGeneratedWithUniqueIds() {
        Map<AttackClass, Long> byClass = variants.stream().collect(Collectors.groupingBy(Variant::attackClass, Collectors.counting()));
        for (AttackClass c : AttackClass.values()) {
            assertTrue(byClass.getOrDefault(c, 0L) > 0, "no variant of class " + c + ": " + byClass);
        }
        assertEquals(variants.size(), variants.stream().map(Variant::name).distinct().count(), "duplicate ids");
        Set<String> isa = variants.stream().filter(v -> v.input().equals("shadow-B-B") && v.attackClass() == AttackClass.ISA)
                .map(v -> v.id().substring(0, 6)).collect(Collectors.toSet());
        for (char c = 'a'; c <= 'l'; c++) {
            assertTrue(isa.contains("isa-" + c + "-"), "ISA (" + c + ") is missing: " + isa);
        }
    }

    @Test
    void appendedBytesStartAfterTheSignedRevision() throws Exception {
        for (Variant v : variants) {
            byte[] signed = input(v).bytes();
            try (PdfFacts facts = new PdfFacts(signed)) {
                long end = facts.attacked().end();
                assertEquals(end, v.signedRevision().length, v + ": the signed revision ends at br[2]+br[3]");
                assertArrayEquals(Arrays.copyOf(signed, (int) end), v.signedRevision(), v.toString());
            }
            if (v.appendOnly()) {
                assertTrue(v.bytes().length > signed.length || v.id().equals("benign-unmodified"), v + " appends nothing");
                assertArrayEquals(signed, Arrays.copyOf(v.bytes(), signed.length), v + " changes bytes of the signed file");
            } else {
                // signature wrapping: whatever moved, the bytes under the new /ByteRange are the ones signed
                try (PdfFacts original = new PdfFacts(signed); PdfFacts attacked = new PdfFacts(v.bytes())) {
                    long[] before = original.attacked().byteRange();
                    long[] after = attacked.signatures().stream().filter(s -> s.field().equals(v.attackedField())).findFirst()
                            .orElseThrow().byteRange();
                    assertTrue(!Arrays.equals(before, after), v + " keeps the /ByteRange");
                    String head = new String(signed, 0, (int) before[1], java.nio.charset.StandardCharsets.ISO_8859_1);
                    boolean rangeInFirstPart = head.lastIndexOf("/ByteRange") > head.lastIndexOf("endobj");
                    if (rangeInFirstPart) {
                        // the engine's layout (/ByteRange before /Contents): rewriting it changes signed bytes, so
                        // the wrapping cannot keep the covered bytes and the validator must refuse on the digest
                        assertTrue(!Arrays.equals(covered(signed, before), covered(v.bytes(), after)), v.toString());
                    } else {
                        assertArrayEquals(covered(signed, before), covered(v.bytes(), after), v + ": the covered bytes changed");
                    }
                }
            }
        }
    }

    @Test
    void signatureWrappingKeepsTheCoveredBytesOfSwaDuplicate() throws Exception {
        for (Variant v : variants.stream().filter(x -> x.id().equals("swa-duplicate")).toList()) {
            byte[] signed = input(v).bytes();
            try (PdfFacts original = new PdfFacts(signed); PdfFacts attacked = new PdfFacts(v.bytes())) {
                long[] before = original.attacked().byteRange();
                long[] after = attacked.signatures().stream().filter(s -> s.field().equals(v.attackedField())).findFirst()
                        .orElseThrow().byteRange();
                assertTrue(after[2] > signed.length, v + ": the copy lies in the appended revision");
                assertArrayEquals(covered(signed, before), covered(v.bytes(), after), v + ": the covered bytes changed");
            }
        }
    }

    @Test
    void wellFormedVariantsPassQpdfAndOpenInPdfBox() throws Exception {
        boolean qpdf = RenderOracle.onPath("qpdf");
        if (!qpdf && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("qpdf is required under CI=true (apt-get install qpdf)");
        }
        List<String> problems = new ArrayList<>();
        Path dir = Files.createTempDirectory("adversarial-qpdf");
        try {
            for (Variant v : variants) {
                if (!v.wellFormed()) {
                    continue;
                }
                try (PDDocument document = Loader.loadPDF(v.bytes())) {
                    if (document.getNumberOfPages() < 1) {
                        problems.add(v + ": PDFBox sees no page");
                    }
                } catch (Exception e) {
                    problems.add(v + ": PDFBox: " + e);
                }
                if (qpdf) {
                    Path file = dir.resolve(v.input() + "-" + v.id() + ".pdf");
                    Files.write(file, v.bytes());
                    Process p = new ProcessBuilder("qpdf", "--check", file.toString()).redirectErrorStream(true).start();
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        problems.add(v + ": qpdf timed out");
                    } else if (p.exitValue() != 0) {
                        problems.add(v + ": qpdf exit " + p.exitValue() + ": " + output.strip().replace('\n', ' '));
                    }
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assumeTrue(qpdf, "qpdf not installed: only PDFBox checked the variants");
    }

    @Test
    void theShadowDocumentHidesWhatTheShadowAttacksReveal() throws Exception {
        SignedInput shadow = inputs.get(0);
        byte[] signed = shadow.bytes();
        ShadowDocument prepared = shadow.shadow();
        String at = new String(signed, (int) prepared.rewindOffset(), 40, StandardCharsets.ISO_8859_1);
        assertTrue(at.startsWith(prepared.rewindObject() + " 0 obj"), at);
        String revision0 = new String(signed, 0, (int) prepared.rewindOffset() + 400, StandardCharsets.ISO_8859_1);
        assertTrue(revision0.contains("pays twice"), "the evil text of page 2 is in revision 0");
        try (PDDocument document = Loader.loadPDF(signed)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(2);
            stripper.setEndPage(2);
            String page2 = stripper.getText(document);
            assertTrue(page2.contains("standard terms apply") && !page2.contains("pays twice"), page2);
            stripper.setStartPage(1);
            stripper.setEndPage(1);
            assertTrue(stripper.getText(document).contains("9,999.00"), "the covered text is on page 1's content");
        }
        try (PdfFacts facts = new PdfFacts(signed)) {
            assertTrue(facts.annotationNamed(0, ShadowDocument.COVER) > 0);
            assertTrue(facts.annotationNamed(0, ShadowDocument.HIDDEN) > 0);
            assertEquals(2, facts.pageCount());
        }
    }

    @Test
    void theRenderOracleSeesAShadowAttackAndABrokenFileButNotTheUnmodifiedFile() throws Exception {
        List<RenderOracle.Renderer> renderers = RenderOracle.available();
        assumeTrue(!renderers.isEmpty(), "no renderer installed");
        Variant unmodified = variant("shadow-B-B", "benign-unmodified");
        Variant hidden = variant("shadow-B-B", "hide-flag");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        Path work = Files.createTempDirectory("adversarial-oracle");
        try {
            RenderOracle oracle = new RenderOracle(work, renderers, pool);
            List<RenderOracle.Judgement> same = oracle.compare(unmodified.signedRevision(), unmodified.bytes()).get();
            assertTrue(same.stream().noneMatch(RenderOracle.Judgement::differs), same.toString());
            List<RenderOracle.Judgement> shown = oracle.compare(hidden.signedRevision(), hidden.bytes()).get();
            assertTrue(shown.stream().allMatch(RenderOracle.Judgement::differs), "every renderer shows 9,999.00: " + shown);
            byte[] broken = Cos.latin1("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");
            List<RenderOracle.Judgement> failing = oracle.compare(hidden.signedRevision(), broken).get();
            assertTrue(failing.stream().allMatch(RenderOracle.Judgement::differs), "a renderer failing counts: " + failing);
        } finally {
            pool.shutdownNow();
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Variant variant(String input, String id) {
        return variants.stream().filter(v -> v.input().equals(input) && v.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void anUpdateCanBeChainedAndWrittenInBothForms() throws Exception {
        byte[] base = SamplePdfs.minimalClassicXref();
        for (IncrementalUpdate.Form form : IncrementalUpdate.Form.values()) {
            try (PdfFacts facts = new PdfFacts(base)) {
                IncrementalUpdate first = new IncrementalUpdate(base, facts.trailer(), form);
                int n = first.allocate();
                first.object(n, "<< /Marker (first) >>");
                IncrementalUpdate second = first.chain();
                second.object(n, "<< /Marker (second) >>");
                byte[] out = second.build();
                assertEquals(first.xrefOffset(), prevOf(out), form + ": /Prev of the second update");
                try (PdfFacts after = new PdfFacts(out)) {
                    assertEquals("second", ((org.apache.pdfbox.cos.COSDictionary) after.object(n))
                            .getString(org.apache.pdfbox.cos.COSName.getPDFName("Marker")), form.toString());
                    assertEquals(1, after.pageCount());
                }
            }
        }
    }

    private static long prevOf(byte[] pdf) {
        String tail = new String(pdf, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/Prev (\\d+)").matcher(tail);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static SignedInput input(Variant v) {
        return inputs.stream().filter(i -> i.name().equals(v.input())).findFirst().orElseThrow();
    }

    private static byte[] covered(byte[] pdf, long[] br) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pdf, (int) br[0], (int) br[1]);
        out.write(pdf, (int) br[2], (int) br[3]);
        return out.toByteArray();
    }
}
