package com.certyneo.engine.pades.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link XrefLinter} on hand-built fixtures: clean classic, xref-stream, hybrid and incremental files
 * pass, and each check fires on a file broken in exactly that way. Also runs on the real-producer
 * corpus (see {@link Corpus}).
 */
class XrefLinterTest {

    /** The real-producer corpus (see {@link Corpus}). */
    static final Path CORPUS = Corpus.directory();
    static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    // ---------------------------------------------------------------------------------------------
    // Clean files

    @Test
    void cleanClassicFilePasses() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        assertClean(f.finish(xref));
    }

    @Test
    void cleanClassicIncrementalUpdatePasses() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        f.startxref(xref);
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>");
        f.obj(4, "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] >>");
        int update = f.table(f.rows(3, 4), "<< /Size 5 /Root 1 0 R /Prev " + xref + " >>");
        assertClean(f.finish(update));
    }

    @Test
    void cleanXrefStreamFilePasses() {
        Fixture f = base();
        f.objStm(4, 5, 6);
        Rows rows = f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0).compressed(6, 4, 1);
        int xref = f.xrefStream(7, rows, "/Root 1 0 R", true);
        assertClean(f.finish(xref));
    }

    @Test
    void everyPngPredictorRowFilterDecodes() {
        for (int[] filters : new int[][] {{0}, {1}, {2}, {3}, {4}, {0, 1, 2, 3, 4}, {4, 3, 2, 1}}) {
            Fixture f = base();
            f.rowFilters = filters;
            f.objStm(4, 5, 6);
            Rows rows = f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0).compressed(6, 4, 1);
            int xref = f.xrefStream(7, rows, "/Root 1 0 R", true);
            assertEquals(List.of(), XrefLinter.lint(f.finish(xref)), "PNG filters " + java.util.Arrays.toString(filters));
        }
    }

    @Test
    void uncompressedXrefStreamWithDefaultIndexPasses() {
        Fixture f = base();
        f.flate = false;
        int xref = f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true);
        assertClean(f.finish(xref));
    }

    @Test
    void cleanXrefStreamIncrementalUpdatePasses() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0), "/Root 1 0 R", true);
        f.startxref(xref);
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
        f.objStm(7, 8);
        int update = f.xrefStream(9, f.rows(3, 7).compressed(8, 7, 0), "/Root 1 0 R /Prev " + xref, true);
        assertClean(f.finish(update));
    }

    @Test
    void cleanHybridFilePasses() {
        // Word-style hybrid: the classic table lists the compressed objects as free; /XRefStm has them.
        Fixture f = base();
        f.objStm(4, 5, 6);
        int stm = f.xrefStream(7, new Rows().compressed(5, 4, 0).compressed(6, 4, 1), "", true);
        Rows classic = f.rows(0, 1, 2, 3, 4).free(5).free(6);
        int xref = f.table(classic, "<< /Size 8 /Root 1 0 R /XRefStm " + stm + " >>");
        assertClean(f.finish(xref));
    }

    @Test
    void hybridUpdateOverHybridPasses() {
        Fixture f = base();
        f.objStm(4, 5);
        int stm = f.xrefStream(6, new Rows().compressed(5, 4, 0), "", true);
        int xref = f.table(f.rows(0, 1, 2, 3, 4).free(5), "<< /Size 7 /Root 1 0 R /XRefStm " + stm + " >>");
        f.startxref(xref);
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
        int update = f.table(f.rows(3), "<< /Size 7 /Root 1 0 R /Prev " + xref + " >>");
        assertClean(f.finish(update));
    }

    @Test
    void leadingWhiteSpaceBeforeTargetsIsAllowed() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 2);
        rows.put(3, new long[] {1, f.offsets.get(3) - 1, 0});   // the EOL before "3 0 obj"
        f.raw("\n\n");
        int xref = f.table(rows, "<< /Size 4 /Root 1 0 R >>");
        assertClean(f.finish(xref - 2));
    }

    // ---------------------------------------------------------------------------------------------
    // (a) mixed chains

    @Test
    void classicSectionOverXrefStreamIsMixed() {
        Fixture f = base();
        int xref = f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true);
        f.startxref(xref);
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
        int update = f.table(f.rows(3), "<< /Size 5 /Root 1 0 R /Prev " + xref + " >>");
        assertProblem(f.finish(update), "MIXED chain: section@" + update + " (xref table)", "section@" + xref);
    }

    @Test
    void xrefStreamOverClassicSectionIsMixed() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        f.startxref(xref);
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
        int update = f.xrefStream(4, f.rows(3), "/Root 1 0 R /Prev " + xref, true);
        assertProblem(f.finish(update), "MIXED chain: section@" + update + " (xref stream 4 0)",
                "section@" + xref + " (xref table)");
    }

    // ---------------------------------------------------------------------------------------------
    // (b) the xref stream's own entry

    @Test
    void xrefStreamWithoutItsOwnEntryIsReported() {
        Fixture f = base();
        int xref = f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R /Size 5", false);
        assertProblem(f.finish(xref), "section@" + xref + " (xref stream 4 0)", "no entry for its own object number 4");
    }

    @Test
    void xrefStreamWithWrongOwnOffsetIsReported() {
        Fixture f = base();
        int own = f.pos();
        Rows rows = f.rows(0, 1, 2, 3).inUse(4, own + 7);
        int xref = f.xrefStream(4, rows, "/Root 1 0 R", false);
        assertEquals(own, xref);
        assertProblem(f.finish(xref), "section@" + xref, "own entry (object 4) says offset " + (own + 7));
    }

    @Test
    void hybridXrefStreamWithoutItsOwnEntryAnywhereIsReported() {
        Fixture f = base();
        f.objStm(4, 5);
        int stm = f.xrefStream(6, new Rows().compressed(5, 4, 0), "/Size 7", false);
        int xref = f.table(f.rows(0, 1, 2, 3, 4).free(5), "<< /Size 7 /Root 1 0 R /XRefStm " + stm + " >>");
        assertProblem(f.finish(xref), "/XRefStm section@" + stm, "no entry for its own object number 6");
    }

    @Test
    void hybridXrefStreamListedInTheClassicTableIsFine() {
        Fixture f = base();
        f.objStm(4, 5);
        int stm = f.xrefStream(6, new Rows().compressed(5, 4, 0), "/Size 7", false);
        Rows classic = f.rows(0, 1, 2, 3, 4).free(5).inUse(6, stm);
        int xref = f.table(classic, "<< /Size 7 /Root 1 0 R /XRefStm " + stm + " >>");
        assertClean(f.finish(xref));
    }

    // ---------------------------------------------------------------------------------------------
    // (c) /Size

    @Test
    void classicSizeNotAboveEveryObjectNumberIsReported() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 3 /Root 1 0 R >>");
        assertProblem(f.finish(xref), "section@" + xref + " (xref table)", "object 3 is listed but /Size is 3");
    }

    @Test
    void xrefStreamSizeNotAboveItsOwnNumberIsReported() {
        Fixture f = base();
        int xref = f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R /Size 4", true);
        assertProblem(f.finish(xref), "section@" + xref + " (xref stream 4 0)", "object 4 is listed but /Size is 4");
    }

    @Test
    void sizeSmallerThanThePreviousSectionsIsReported() {
        Fixture f = base();
        f.obj(9, "(spare)");
        int xref = f.table(f.rows(0, 1, 2, 3).inUse(9, f.offsets.get(9)), "<< /Size 10 /Root 1 0 R >>");
        f.startxref(xref);
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
        int update = f.table(f.rows(3), "<< /Size 4 /Root 1 0 R /Prev " + xref + " >>");
        assertProblem(f.finish(update), "section@" + update, "/Size 4 is smaller than /Size 10 of section@" + xref);
    }

    // ---------------------------------------------------------------------------------------------
    // (d) in-use entries land on their object

    @Test
    void classicOffsetOffByOneIsReported() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 3);
        rows.put(2, new long[] {1, f.offsets.get(2) + 1, 0});
        int xref = f.table(rows, "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.finish(xref), "section@" + xref + " (xref table): object 2 0: offset " + (f.offsets.get(2) + 1),
                "does not land on '2 0 obj'");
    }

    @Test
    void classicOffsetOfAnotherObjectIsReported() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 3);
        rows.put(2, new long[] {1, f.offsets.get(3), 0});
        int xref = f.table(rows, "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.finish(xref), "object 2 0: offset " + f.offsets.get(3), "lands on '3 0 obj', not '2 0 obj'");
    }

    @Test
    void classicWrongGenerationIsReported() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 3);
        rows.put(2, new long[] {1, f.offsets.get(2), 1});
        int xref = f.table(rows, "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.finish(xref), "object 2 1: offset " + f.offsets.get(2), "lands on '2 0 obj', not '2 1 obj'");
    }

    @Test
    void offsetOutsideTheFileIsReported() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 2);
        rows.put(3, new long[] {1, 999_999, 0});
        int xref = f.table(rows, "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.finish(xref), "object 3 0: offset 999999", "outside the file");
    }

    @Test
    void xrefStreamType1OffsetWrongIsReported() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 2);
        rows.put(3, new long[] {1, f.offsets.get(3) + 2, 0});
        int xref = f.xrefStream(4, rows, "/Root 1 0 R", true);
        assertProblem(f.finish(xref), "section@" + xref + " (xref stream 4 0): object 3 0", "does not land on '3 0 obj'");
    }

    @Test
    void hybridStreamType1OffsetWrongIsReported() {
        Fixture f = base();
        f.obj(5, "(hidden)");
        int stm = f.xrefStream(6, new Rows().inUse(5, f.offsets.get(5) + 3), "", true);
        int xref = f.table(f.rows(0, 1, 2, 3).free(4).free(5), "<< /Size 7 /Root 1 0 R /XRefStm " + stm + " >>");
        assertProblem(f.finish(xref), "section@" + xref + " (xref table): /XRefStm section@" + stm, "object 5 0");
    }

    @Test
    void olderSectionsAreCheckedToo() {
        Fixture f = base();
        Rows rows = f.rows(0, 1, 3);
        rows.put(2, new long[] {1, 5, 0});
        int xref = f.table(rows, "<< /Size 4 /Root 1 0 R >>");
        f.startxref(xref);
        f.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        int update = f.table(f.rows(2), "<< /Size 4 /Root 1 0 R /Prev " + xref + " >>");
        assertProblem(f.finish(update), "section@" + xref + " (xref table): object 2 0: offset 5", "does not land");
    }

    // ---------------------------------------------------------------------------------------------
    // (e) startxref, /Prev and /XRefStm targets

    @Test
    void startxrefOffByOneIsReported() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.finish(xref + 1), "startxref " + (xref + 1), "does not land on 'xref' or a cross-reference stream");
    }

    @Test
    void startxrefOutsideTheFileIsReported() {
        Fixture f = base();
        f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.finish(123_456), "startxref 123456", "outside the file");
    }

    @Test
    void missingStartxrefIsReported() {
        Fixture f = base();
        f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        assertProblem(f.bytes(), "no startxref");
    }

    @Test
    void prevOnAnOrdinaryObjectIsReported() {
        Fixture f = base();
        int page = f.offsets.get(3);
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R /Prev " + page + " >>");
        assertProblem(f.finish(xref), "section@" + xref + " (xref table): /Prev " + page,
                "lands on object 3 0, which is not a cross-reference stream");
    }

    @Test
    void xrefStmOnAClassicTableIsReported() {
        Fixture f = base();
        int old = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R /XRefStm " + old + " >>");
        assertProblem(f.finish(xref), "/XRefStm " + old, "does not land on a cross-reference stream object");
    }

    @Test
    void prevLoopIsReported() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        f.startxref(xref);
        int at = f.pos();
        int update = f.table(f.rows(3), "<< /Size 4 /Root 1 0 R /Prev " + at + " >>");
        assertEquals(at, update);
        assertProblem(f.finish(update), "section@" + update, "loops back");
    }

    // ---------------------------------------------------------------------------------------------
    // (f) compressed entries

    @Test
    void compressedEntryInAnOrdinaryObjectIsReported() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3, 4).compressed(5, 3, 0), "/Root 1 0 R", true);
        assertProblem(f.finish(xref), "section@" + xref + " (xref stream 6 0): object 5 (compressed in object stream 3",
                "not a /Type /ObjStm stream");
    }

    @Test
    void compressedEntryInAnUnlistedObjectIsReported() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0).free(7).compressed(8, 7, 0),
                "/Root 1 0 R", true);
        assertProblem(f.finish(xref), "object 8 (compressed in object stream 7", "not an in-use uncompressed object");
    }

    @Test
    void compressedEntryInACompressedObjectIsReported() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0).compressed(7, 5, 0), "/Root 1 0 R", true);
        assertProblem(f.finish(xref), "object 7 (compressed in object stream 5", "entry type 2");
    }

    @Test
    void compressedEntryInAnObjectMissingFromTheChainIsReported() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3).compressed(5, 4, 0), "/Root 1 0 R /Size 7", true);
        assertProblem(f.finish(xref), "object 5 (compressed in object stream 4", "object 4 has no cross-reference entry");
    }

    @Test
    void compressedIndexBeyondTheStreamsCountIsReported() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3, 4).compressed(5, 4, 1), "/Root 1 0 R", true);
        assertProblem(f.finish(xref), "object 5 (compressed in object stream 4 at index 1)", "not below the object stream's /N 1");
    }

    @Test
    void compressedEntryResolvesThroughTheOlderSections() {
        Fixture f = base();
        f.objStm(4, 5);
        int xref = f.xrefStream(6, f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0), "/Root 1 0 R", true);
        f.startxref(xref);
        int update = f.xrefStream(7, new Rows().compressed(5, 4, 0), "/Root 1 0 R /Size 8 /Prev " + xref, true);
        assertClean(f.finish(update));
    }

    // ---------------------------------------------------------------------------------------------
    // (g) the end of the file

    @Test
    void dataAfterTheLastEofIsReported() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        f.startxref(xref);
        f.raw("4 0 obj\n<< /Type /Annot /Subt");
        assertProblem(f.bytes(), "bytes after the last %%EOF");
    }

    @Test
    void missingEofIsReported() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        f.raw("startxref\n" + xref + "\n");
        assertProblem(f.bytes(), "no %%EOF after the last startxref");
    }

    @Test
    void whiteSpaceAfterTheLastEofIsFine() {
        Fixture f = base();
        int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
        f.finish(xref);
        f.raw("\r\n\u0000\n");
        assertClean(f.bytes());
    }

    // ---------------------------------------------------------------------------------------------
    // Real files

    /** A file written by PDFBox in both forms and updated incrementally in both forms lints clean. */
    @Test
    void pdfboxOutputLintsClean(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        for (org.apache.pdfbox.pdfwriter.compress.CompressParameters compress : List.of(
                org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION,
                org.apache.pdfbox.pdfwriter.compress.CompressParameters.DEFAULT_COMPRESSION)) {
            Path file = dir.resolve("pdfbox-" + compress.isCompress() + ".pdf");
            try (org.apache.pdfbox.pdmodel.PDDocument doc = new org.apache.pdfbox.pdmodel.PDDocument()) {
                doc.addPage(new org.apache.pdfbox.pdmodel.PDPage());
                doc.addPage(new org.apache.pdfbox.pdmodel.PDPage());
                doc.save(file.toFile(), compress);
            }
            assertEquals(List.of(), XrefLinter.lint(file), file.getFileName().toString());
        }
    }

    /** Every test vector (PDFBox saves, hand-written hybrid, qpdf-linearized, signed, encrypted) lints clean. */
    @Test
    void testVectorsLintClean() {
        for (com.certyneo.testvectors.PdfVector vector : com.certyneo.testvectors.PdfVector.values()) {
            List<String> problems = XrefLinter.lint(vector.bytes());
            if (vector == com.certyneo.testvectors.PdfVector.TRUNCATED) {
                assertTrue(problems.stream().anyMatch(p -> p.contains("no startxref")), problems.toString());
            } else {
                assertEquals(List.of(), problems, vector.name());
            }
        }
    }

    /**
     * Every PDF of the real-producer corpus, when it has been generated, lints clean; what it flags is
     * printed, so that a producer that is genuinely wrong can be told from a linter bug.
     */
    @Test
    void realProducerCorpus() throws IOException {
        if (!CI) {
            Assumptions.assumeTrue(!corpusPdfs().isEmpty(), "no real-producer corpus in " + CORPUS);
        }
        assertTrue(!corpusPdfs().isEmpty(), "CI=true but no real-producer corpus in " + CORPUS);
        Map<String, List<String>> flagged = new LinkedHashMap<>();
        int count = 0;
        for (Path pdf : corpusPdfs()) {
            count++;
            List<String> problems = XrefLinter.lint(pdf);
            if (!problems.isEmpty()) {
                flagged.put(CORPUS.relativize(pdf).toString(), problems);
            }
        }
        // And the linter is not blind on them: each with its last startxref moved by one byte is flagged.
        for (Path pdf : corpusPdfs()) {
            byte[] bytes = Files.readAllBytes(pdf);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int sx = text.lastIndexOf("startxref");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("startxref\\s+(\\d+)").matcher(text);
            if (sx < 0 || !m.find(sx) || Long.parseLong(m.group(1)) >= bytes.length
                    || Character.isWhitespace(bytes[(int) Long.parseLong(m.group(1))])) {
                continue; // (an offset onto the white-space before its target is tolerated, so moving it proves nothing)
            }
            String moved = text.substring(0, m.start(1)) + (Long.parseLong(m.group(1)) + 1) + text.substring(m.end(1));
            assertTrue(!XrefLinter.lint(moved.getBytes(StandardCharsets.ISO_8859_1)).isEmpty(),
                    pdf + " with startxref + 1 should be flagged");
        }
        System.out.println("XrefLinter: " + count + " corpus files, " + flagged.size() + " flagged");
        flagged.forEach((file, problems) -> {
            System.out.println("  " + file);
            problems.stream().limit(10).forEach(p -> System.out.println("    " + p));
        });
        List<String> unexpected = new ArrayList<>();
        flagged.keySet().stream().filter(name -> !KNOWN_BAD_PRODUCERS.stream().anyMatch(name::contains))
                .filter(name -> !KNOWN_PRODUCER_DEFECTS.containsKey(name)).forEach(unexpected::add);
        assertEquals(List.of(), unexpected, "corpus files flagged by XrefLinter: " + flagged);
        // a producer's known defect is found, and nothing else in that file
        KNOWN_PRODUCER_DEFECTS.forEach((file, defect) -> {
            if (Files.exists(CORPUS.resolve(file))) {
                List<String> problems = flagged.getOrDefault(file, List.of());
                assertFalse(problems.isEmpty(), file + ": the linter should find " + defect);
                problems.forEach(p -> assertTrue(p.matches(".*" + defect), file + ": " + p));
            }
        });
    }

    /**
     * Corpus files whose producer breaks a rule the linter checks, with what it finds there (a regex): OpenPDF 2 lists
     * its cross-reference stream's own object number as free (generation 65535) in that very stream.
     */
    static final java.util.Map<String, String> KNOWN_PRODUCER_DEFECTS = java.util.Map.of(
            "foreign-openpdf-x509.pdf", "its own entry \\(object \\d+\\) has type 0, not 1 \\(in use\\)");

    /** Corpus file names containing one of these are written by producers known to break the rules. */
    static final List<String> KNOWN_BAD_PRODUCERS = List.of("broken", "invalid", "damaged");

    static List<Path> corpusPdfs() throws IOException {
        if (!Files.isDirectory(CORPUS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(CORPUS)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().toLowerCase().endsWith(".pdf"))
                    .sorted().toList();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static void assertClean(byte[] pdf) {
        assertEquals(List.of(), XrefLinter.lint(pdf), () -> new String(pdf, StandardCharsets.ISO_8859_1));
    }

    private static void assertProblem(byte[] pdf, String... fragments) {
        List<String> problems = XrefLinter.lint(pdf);
        assertTrue(problems.stream().anyMatch(p -> Stream.of(fragments).allMatch(p::contains)),
                () -> "expected a problem containing " + List.of(fragments) + ", got " + problems);
    }

    /** A catalog (1), a page tree (2) and a page (3). */
    private static Fixture base() {
        Fixture f = new Fixture();
        f.obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
        f.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>");
        return f;
    }

    /** Cross-reference rows: object number to {type, field2, field3}. */
    static final class Rows extends TreeMap<Integer, long[]> {
        private static final long serialVersionUID = 1L;

        Rows inUse(int num, long offset) {
            put(num, new long[] {1, offset, 0});
            return this;
        }

        Rows free(int num) {
            put(num, new long[] {0, 0, num == 0 ? 65535 : 1});
            return this;
        }

        Rows compressed(int num, int stream, int index) {
            put(num, new long[] {2, stream, index});
            return this;
        }
    }

    /** Writes a PDF byte by byte and remembers where each object went. */
    static final class Fixture {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<Integer, Integer> offsets = new TreeMap<>();
        boolean flate = true;
        int[] rowFilters = {2};

        Fixture() {
            raw("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        }

        Fixture raw(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        int pos() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        int obj(int num, String body) {
            int at = pos();
            offsets.put(num, at);
            raw(num + " 0 obj\n" + body + "\nendobj\n");
            return at;
        }

        /** An object stream {@code num} holding small dictionaries numbered {@code members}. */
        int objStm(int num, int... members) {
            StringBuilder head = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (int m : members) {
                head.append(m).append(' ').append(body.length()).append(' ');
                body.append("<< /Member ").append(m).append(" >> ");
            }
            String data = head + body.toString();
            int at = pos();
            offsets.put(num, at);
            raw(num + " 0 obj\n<< /Type /ObjStm /N " + members.length + " /First " + head.length() + " /Length "
                    + data.length() + " >>\nstream\n" + data + "\nendstream\nendobj\n");
            return at;
        }

        /** In-use rows for objects written so far (0 is free). */
        Rows rows(int... nums) {
            Rows rows = new Rows();
            for (int n : nums) {
                if (n == 0) {
                    rows.free(0);
                } else {
                    rows.inUse(n, offsets.get(n));
                }
            }
            return rows;
        }

        int table(Rows rows, String trailer) {
            int at = pos();
            StringBuilder sb = new StringBuilder("xref\n");
            for (List<Integer> run : runs(rows)) {
                sb.append(run.get(0)).append(' ').append(run.size()).append('\n');
                for (int n : run) {
                    long[] r = rows.get(n);
                    if (r[0] == 2) {
                        throw new IllegalArgumentException("no compressed entries in a classic table");
                    }
                    sb.append(String.format("%010d %05d %c\r\n", r[1], r[2], r[0] == 1 ? 'n' : 'f'));
                }
            }
            sb.append("trailer\n").append(trailer).append('\n');
            raw(sb.toString());
            return at;
        }

        /**
         * A cross-reference stream object {@code num} with W [1 4 2], Flate + PNG predictor unless
         * {@link #flate} is off; /Size is the highest row + 1 unless {@code dictExtra} sets it.
         */
        int xrefStream(int num, Rows rows, String dictExtra, boolean addSelf) {
            int at = pos();
            Rows all = new Rows();
            all.putAll(rows);
            if (addSelf) {
                all.inUse(num, at);
            }
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (long[] r : all.values()) {
                data.write((int) r[0]);
                for (int shift = 24; shift >= 0; shift -= 8) {
                    data.write((int) (r[1] >>> shift));
                }
                data.write((int) (r[2] >>> 8));
                data.write((int) r[2]);
            }
            List<List<Integer>> runs = runs(all);
            int size = all.lastKey() + 1;
            StringBuilder dict = new StringBuilder("<< /Type /XRef /W [1 4 2]");
            if (!dictExtra.contains("/Size")) {
                dict.append(" /Size ").append(size);
            }
            boolean defaultIndex = runs.size() == 1 && runs.get(0).get(0) == 0
                    && (dictExtra.contains("/Size") ? false : true);
            if (!defaultIndex) {
                dict.append(" /Index [");
                for (List<Integer> run : runs) {
                    dict.append(run.get(0)).append(' ').append(run.size()).append(' ');
                }
                dict.append(']');
            }
            byte[] stream = data.toByteArray();
            if (flate) {
                stream = deflate(png(stream, 7, rowFilters));
                dict.append(" /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >>");
            }
            dict.append(' ').append(dictExtra).append(" /Length ").append(stream.length).append(" >>");
            offsets.put(num, at);
            raw(num + " 0 obj\n" + dict + "\nstream\r\n");
            out.writeBytes(stream);
            raw("\nendstream\nendobj\n");
            return at;
        }

        void startxref(int offset) {
            raw("startxref\n" + offset + "\n%%EOF\n");
        }

        byte[] finish(int startxref) {
            startxref(startxref);
            return bytes();
        }

        private static List<List<Integer>> runs(Rows rows) {
            List<List<Integer>> runs = new ArrayList<>();
            List<Integer> run = null;
            for (int n : rows.keySet()) {
                if (run == null || run.get(run.size() - 1) != n - 1) {
                    run = new ArrayList<>();
                    runs.add(run);
                }
                run.add(n);
            }
            return runs;
        }

        private static byte[] deflate(byte[] in) {
            Deflater d = new Deflater();
            d.setInput(in);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            d.end();
            return out.toByteArray();
        }

        /** PNG-predicts rows of {@code columns} bytes (1 byte per pixel), row r with filter filters[r % n]. */
        private static byte[] png(byte[] in, int columns, int[] filters) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] prior = new byte[columns];
            for (int r = 0; r * columns < in.length; r++) {
                int type = filters[r % filters.length];
                out.write(type);
                for (int i = 0; i < columns; i++) {
                    int x = in[r * columns + i] & 0xff;
                    int a = i >= 1 ? in[r * columns + i - 1] & 0xff : 0;
                    int b = prior[i] & 0xff;
                    int c = i >= 1 ? prior[i - 1] & 0xff : 0;
                    int pred = switch (type) {
                        case 0 -> 0;
                        case 1 -> a;
                        case 2 -> b;
                        case 3 -> (a + b) >>> 1;
                        default -> paeth(a, b, c);
                    };
                    out.write((x - pred) & 0xff);
                }
                System.arraycopy(in, r * columns, prior, 0, columns);
            }
            return out.toByteArray();
        }

        private static int paeth(int a, int b, int c) {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
