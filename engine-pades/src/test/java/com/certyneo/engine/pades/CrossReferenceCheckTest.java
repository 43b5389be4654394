package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link CrossReferenceCheck}: intact files from PDFBox, the test vectors and hand-built producer
 * quirks pass; files damaged in each way it checks are caught, through both the byte and the file
 * variant; hostile bytes never make it throw; the engine refuses a damaged input with INVALID_PDF and
 * a qpdf repair hint, writing nothing. Also compared with {@code qpdf --check} on the real-producer
 * corpus (see {@link com.certyneo.engine.pades.interop.Corpus}).
 */
class CrossReferenceCheckTest {


    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------------
    // Intact files

    @Test
    void pdfBoxFilesAreIntact() throws IOException {
        assertIntact(SamplePdfs.minimal(), "PDFBox xref stream");
        assertIntact(SamplePdfs.minimalClassicXref(), "PDFBox classic table");
        assertIntact(SamplePdfs.multiPage(3), "PDFBox three pages");
    }

    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void everyVectorButTheTruncatedOneIsIntact(PdfVector vector) throws IOException {
        byte[] pdf = vector.bytes();
        if (vector == PdfVector.TRUNCATED) {
            assertDamaged(pdf, "startxref");
        } else {
            assertIntact(pdf, vector.name()); // including linearized, hybrid, incremental and encrypted ones
        }
    }

    static Stream<Arguments> producerQuirks() {
        return Stream.of(
                Arguments.of("entries ending ' \\n' (20 bytes)", (Supplier<byte[]>) () -> classic(" \n")),
                Arguments.of("entries ending '\\r\\n' (20 bytes)", (Supplier<byte[]>) () -> classic("\r\n")),
                Arguments.of("entries ending ' \\r' (20 bytes)", (Supplier<byte[]>) () -> classic(" \r")),
                Arguments.of("entries ending '\\n' (19 bytes)", (Supplier<byte[]>) () -> classic("\n")),
                Arguments.of("entries ending ' \\r\\n' (21 bytes)", (Supplier<byte[]>) () -> classic(" \r\n")),
                Arguments.of("one subsection per object, starting anywhere", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.table(f.rows(0, 1, 2, 3).split(), "<< /Size 4 /Root 1 0 R >>");
                    return f.finish(xref);
                }),
                Arguments.of("object 0 marked in use at offset 0", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.table(f.rows(1, 2, 3).inUse(0, 0, 65535), "<< /Size 4 /Root 1 0 R >>");
                    return f.finish(xref);
                }),
                Arguments.of("entry offsets at the end-of-line before the header", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    Rows rows = new Rows().free(0);
                    for (int n = 1; n <= 3; n++) {
                        rows.inUse(n, f.offsets.get(n) - 1, 0);
                    }
                    return f.finish(f.table(rows, "<< /Size 4 /Root 1 0 R >>"));
                }),
                Arguments.of("comments and garbage after %%EOF", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
                    f.startxref(xref);
                    f.raw("% trailing comment\r\n" + "x".repeat(500) + "\n\0\0\0");
                    return f.bytes();
                }),
                Arguments.of("/Size far larger than needed", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 1000 /Root 1 0 R >>"));
                }),
                Arguments.of("incremental update freeing an object", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.obj(4, "<< /Unused true >>");
                    int xref = f.table(f.rows(0, 1, 2, 3, 4), "<< /Size 5 /Root 1 0 R >>");
                    f.startxref(xref);
                    int update = f.table(new Rows().free(4, 5, 1), "<< /Size 5 /Root 1 0 R /Prev " + xref + " >>");
                    return f.finish(update);
                }),
                Arguments.of("a broken entry superseded by a newer section", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.table(f.rows(0, 1, 2).inUse(3, 5, 0), "<< /Size 4 /Root 1 0 R >>");
                    f.startxref(xref);
                    f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
                    return f.finish(f.table(f.rows(3), "<< /Size 4 /Root 1 0 R /Prev " + xref + " >>"));
                }),
                Arguments.of("startxref one EOL before 'xref'", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>") - 1);
                }),
                Arguments.of("xref stream, Flate + PNG Up predictor", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.objStm(4, 5, 6);
                    Rows rows = f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0).compressed(6, 4, 1);
                    return f.finish(f.xrefStream(7, rows, "/Root 1 0 R", true));
                }),
                Arguments.of("xref stream, every PNG row filter", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.rowFilters = new int[] {0, 1, 2, 3, 4};
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true));
                }),
                Arguments.of("xref stream, uncompressed, default /Index", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.flate = false;
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true));
                }),
                Arguments.of("xref stream in ASCIIHexDecode (entries not read)", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.flate = false;
                    f.asciiHex = true;
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true));
                }),
                Arguments.of("xref stream with a /Length that misses 'endstream'", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.lengthDelta = 3;
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true));
                }),
                Arguments.of("incremental xref stream without its own entry", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true);
                    f.startxref(xref);
                    f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
                    return f.finish(f.xrefStream(5, f.rows(3), "/Root 1 0 R /Size 6 /Prev " + xref, false));
                }),
                Arguments.of("mixed chain: classic update over an xref stream", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R", true);
                    f.startxref(xref);
                    f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
                    return f.finish(f.table(f.rows(3), "<< /Size 5 /Root 1 0 R /Prev " + xref + " >>"));
                }),
                Arguments.of("mixed chain: xref stream update over a classic table", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
                    f.startxref(xref);
                    f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
                    return f.finish(f.xrefStream(4, f.rows(3), "/Root 1 0 R /Prev " + xref, true));
                }),
                Arguments.of("hybrid: /XRefStm for the compressed objects", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.objStm(4, 5, 6);
                    int stm = f.xrefStream(7, new Rows().compressed(5, 4, 0).compressed(6, 4, 1), "", true);
                    Rows classic = f.rows(0, 1, 2, 3, 4).free(5, 0, 1).free(6, 0, 1);
                    return f.finish(f.table(classic, "<< /Size 8 /Root 1 0 R /XRefStm " + stm + " >>"));
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("producerQuirks")
    void producerQuirksAreNotDamage(String what, Supplier<byte[]> pdf) throws IOException {
        assertIntact(pdf.get(), what);
    }

    // ------------------------------------------------------------------------------------------------
    // Damaged files

    @Test
    void startxrefOffByThreeIsDamage() throws IOException {
        assertDamaged(shiftStartxref(SamplePdfs.minimal(), 3), "startxref");
        assertDamaged(shiftStartxref(SamplePdfs.minimalClassicXref(), 3), "startxref");
        assertDamaged(shiftStartxref(SamplePdfs.minimalClassicXref(), -3), "startxref");
    }

    @Test
    void aShiftedEntryOffsetIsDamage() throws IOException {
        byte[] classic = SamplePdfs.minimalClassicXref();
        String text = latin1(classic);
        int xref = text.lastIndexOf("\nxref") + 1;
        Matcher entry = Pattern.compile("(\\d{10}) 00000 n").matcher(text.substring(xref));
        assertTrue(entry.find());
        int at = xref + entry.start(1);
        long offset = Long.parseLong(entry.group(1));
        byte[] shifted = classic.clone();
        System.arraycopy(String.format("%010d", offset + 2).getBytes(StandardCharsets.US_ASCII), 0, shifted, at, 10);
        assertDamaged(shifted, "points at offset " + (offset + 2) + ", where no object");

        Pdf f = Pdf.base();
        Rows rows = f.rows(0, 1, 2).inUse(3, f.offsets.get(3) + 1, 0);
        assertDamaged(f.finish(f.xrefStream(4, rows, "/Root 1 0 R", true)), "where no object 3 starts");
    }

    @Test
    void prevPointingAtZeroIsDamage() throws IOException {
        byte[] updated = PdfVector.INCREMENTALLY_UPDATED.bytes();
        assertIntact(updated, "incrementally updated");
        String text = latin1(updated);
        Matcher prev = Pattern.compile("/Prev (\\d+)").matcher(text);
        String last = null;
        int at = -1;
        while (prev.find()) {
            last = prev.group(1);
            at = prev.start(1);
        }
        assertTrue(at > 0, "the vector has a /Prev");
        byte[] zero = updated.clone();
        byte[] value = ("0" + " ".repeat(last.length() - 1)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(value, 0, zero, at, value.length);
        assertDamaged(zero, "/Prev");
    }

    @Test
    void anXrefStreamWithABrokenFlateBodyIsDamage() throws IOException {
        byte[] pdf = SamplePdfs.minimal();
        String text = latin1(pdf);
        int type = text.lastIndexOf("/XRef");
        int data = text.indexOf("stream", type) + "stream".length();
        while (pdf[data] == '\r' || pdf[data] == '\n') {
            data++;
        }
        byte[] broken = pdf.clone();
        for (int i = 2; i < 8; i++) {
            broken[data + i] = (byte) 0xff; // garbles the deflate block header after the zlib header
        }
        assertDamaged(broken, "cross-reference stream");
    }

    @Test
    void truncatedFilesAreDamage() throws IOException {
        assertDamaged(SamplePdfs.truncated(SamplePdfs.minimal()), "startxref");
        assertDamaged(SamplePdfs.truncated(SamplePdfs.minimalClassicXref()), "startxref");
        byte[] classic = SamplePdfs.minimalClassicXref();
        String text = latin1(classic);
        assertDamaged(Arrays.copyOf(classic, text.lastIndexOf("trailer") + 3), "startxref"); // cut in the trailer
    }

    static Stream<Arguments> damagedFixtures() {
        return Stream.of(
                Arguments.of("a generation that does not match", "generation", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2).inUse(3, f.offsets.get(3), 1), "<< /Size 4 /Root 1 0 R >>"));
                }),
                Arguments.of("an entry beyond the end of the file", "outside the file", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2).inUse(3, 999_999, 0), "<< /Size 4 /Root 1 0 R >>"));
                }),
                Arguments.of("subsection '1 4' that should start at 0", "where no object", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.pos();
                    f.raw("xref\n1 4\n0000000000 65535 f \n");
                    for (int n = 1; n <= 3; n++) {
                        f.raw(String.format("%010d 00000 n \n", f.offsets.get(n)));
                    }
                    f.raw("trailer\n<< /Size 4 /Root 1 0 R >>\n");
                    return f.finish(xref);
                }),
                // pdf.js's filled-background.pdf: a 100 KB comment line after the entry of object 5; qpdf ("invalid xref
                // entry (obj=6)") and MuPDF ("xref subsection length missing") rebuild the table, PDFBox and pdf.js skip it
                Arguments.of("a comment among a table's entries", "has a comment among its entries", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.pos();
                    f.raw("xref\n0 4\n0000000000 65535 f \n");
                    f.raw(String.format("%010d 00000 n \n", f.offsets.get(1)));
                    f.raw("% 3.14159265358979323846\n");
                    for (int n = 2; n <= 3; n++) {
                        f.raw(String.format("%010d 00000 n \n", f.offsets.get(n)));
                    }
                    f.raw("trailer\n<< /Size 4 /Root 1 0 R >>\n");
                    return f.finish(xref);
                }),
                Arguments.of("a compressed object in a missing object stream", "object stream 9", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3).compressed(5, 9, 0), "/Root 1 0 R", true));
                }),
                Arguments.of("a /Prev loop", "loops", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.pos();
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R /Prev " + xref + " >>"));
                }),
                Arguments.of("no /Root", "/Root", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 >>"));
                }),
                Arguments.of("a /Root no entry lists", "is 5 0 R, an object no cross-reference entry lists", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 5 0 R >>"));
                }),
                Arguments.of("/Root 0 0 R (the free list's head)", "is 0 0 R, an object no cross-reference entry lists", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.obj(0, "<< /Type /Catalog /Pages 2 0 R >>");
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 0 0 R >>"));
                }),
                Arguments.of("an xref stream with a filter no reader decodes (found by fuzzing)",
                        "has the filter /FzateDecode, which PDF readers do not decode", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.flate = false;
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R /Filter /FzateDecode", true));
                }),
                Arguments.of("startxref more than 1054 bytes from the end", "startxref", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.startxref(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>"));
                    f.raw("%" + "x".repeat(1100) + "\n");
                    return f.bytes();
                }),
                Arguments.of("startxref two EOLs before 'xref\\n'", "white-space", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    f.raw("\n");
                    return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>") - 2);
                }),
                Arguments.of("/Prev into the middle of an object", "/Prev", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    int xref = f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>");
                    f.startxref(xref);
                    f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
                    return f.finish(f.table(f.rows(3), "<< /Size 4 /Root 1 0 R /Prev " + (f.offsets.get(1) + 4) + " >>"));
                }),
                Arguments.of("/XRefStm pointing at a plain object", "/XRefStm", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.table(f.rows(0, 1, 2, 3),
                            "<< /Size 4 /Root 1 0 R /XRefStm " + f.offsets.get(2) + " >>"));
                }),
                Arguments.of("xref stream data shorter than /Index needs", "fewer", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R /Index [0 9]", true));
                }),
                Arguments.of("an xref stream whose object is not /Type /XRef", "no cross-reference section", (Supplier<byte[]>) () -> {
                    Pdf f = Pdf.base();
                    return f.finish(f.offsets.get(2));
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedFixtures")
    void damageIsFound(String what, String expected, Supplier<byte[]> pdf) throws IOException {
        assertDamaged(pdf.get(), expected);
    }

    // ------------------------------------------------------------------------------------------------
    // Hostile input and the file variant

    @Test
    void hostileBytesNeverMakeItThrow() throws IOException {
        List<byte[]> seeds = List.of(SamplePdfs.minimal(), SamplePdfs.minimalClassicXref(),
                PdfVector.HYBRID_XREF.bytes(), PdfVector.LINEARIZED.bytes(), PdfVector.INCREMENTALLY_UPDATED.bytes());
        Random random = new Random(42);
        int damaged = 0;
        for (int round = 0; round < 400; round++) {
            byte[] seed = seeds.get(round % seeds.size());
            byte[] mutated = seed.clone();
            int tailFrom = Math.max(0, mutated.length - 2048); // mostly where the cross-reference data is
            for (int i = 0; i < 1 + random.nextInt(8); i++) {
                int at = random.nextBoolean() ? tailFrom + random.nextInt(mutated.length - tailFrom) : random.nextInt(mutated.length);
                mutated[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : "0123456789<>[]/ \n"
                        .charAt(random.nextInt(17)));
            }
            Optional<String> inMemory = CrossReferenceCheck.damage(mutated);
            Path file = dir.resolve("fuzz.pdf");
            Files.write(file, mutated);
            assertEquals(inMemory, CrossReferenceCheck.damage(file), "round " + round);
            damaged += inMemory.isPresent() ? 1 : 0;
        }
        assertTrue(damaged > 50, "most mutations of the cross-reference data are damage: " + damaged);

        String deep = "%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root " + "[".repeat(100_000)
                + "\nstartxref\n9\n%%EOF\n";
        assertTrue(CrossReferenceCheck.damage(latin1Bytes(deep)).isPresent());
        Pdf f = Pdf.base();
        byte[] bomb = f.finish(f.xrefStream(4, f.rows(0, 1, 2, 3), "/Root 1 0 R /Index [0 4 5 9223372036854775807]", true));
        assertTrue(CrossReferenceCheck.damage(bomb).isPresent());
        assertTrue(CrossReferenceCheck.damage(new byte[0]).isPresent());
        assertTrue(CrossReferenceCheck.damage(latin1Bytes("startxref\n99999999999999999999999\n%%EOF")).isPresent());
        assertTrue(CrossReferenceCheck.damage(latin1Bytes("%PDF-1.7\nstartxref\n9\n%%EOF")).isPresent());
    }

    @Test
    void theFileVariantReadsInSmallPieces() throws IOException {
        byte[] large = PdfVector.large(24L * 1024 * 1024);
        Path file = dir.resolve("large.pdf");
        Files.write(file, large);
        large = null;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        assertEquals(Optional.empty(), CrossReferenceCheck.damage(file));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("CrossReferenceCheck on a %d MB file: %d ms, %d KB allocated%n", Files.size(file) >> 20,
                (System.nanoTime() - start) / 1_000_000, allocated >> 10);
        // Retained heap is the page cache (512 KB); even all allocations together stay far below the file size.
        assertTrue(allocated < Files.size(file) / 4, "allocated " + allocated + " bytes for a " + Files.size(file) + "-byte file");
        assertThrows(IOException.class, () -> CrossReferenceCheck.damage(dir.resolve("missing.pdf")));
    }

    // ------------------------------------------------------------------------------------------------
    // The engine refuses damaged input

    @Test
    void theEngineRefusesADamagedInputWithARepairHintAndWritesNothing(@TempDir Path home) throws IOException {
        byte[] damaged = shiftStartxref(SamplePdfs.minimalClassicXref(), 3);
        Path out = dir.resolve("out.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> PadesSignatureEngine.sandbox(home).sign(request(DocumentSource.of(damaged, "scan.pdf"), out)));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("'scan.pdf' is damaged"), e.getMessage());
        assertTrue(e.hint().contains("qpdf"), e.hint());
        assertNoOutput(out);

        // The disk path for large files checks the file without loading it.
        Path in = dir.resolve("scan.pdf");
        Files.write(in, damaged);
        PadesSignatureEngine fromDisk = PadesSignatureEngine.builder().sandbox(home).largeDocumentThreshold(0).build();
        e = assertThrows(SignatureEngineException.class, () -> fromDisk.sign(request(DocumentSource.of(in), out)));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.hint().contains("qpdf"), e.hint());
        assertNoOutput(out);
    }

    /**
     * An in-use entry at offset 0, the file's header, for an object nothing refers to. In a cross-reference stream
     * (pdf.js's annotation-caret-ink.pdf, annotation-square-circle.pdf and annotation-link-text-popup.pdf list one so)
     * PDFBox, iText, MuPDF, pdf.js and PDFium read the stream as written and qpdf warns ("object has offset 0"); no
     * reader resolves the object. Such a file is signed, from memory and from disk, and qpdf says of the output what
     * it said of the input. The same entry for an object the page refers to is damage, named, and nothing is written;
     * so is an entry at 0 whose object an older section lists elsewhere (PDFBox reads that one). In a classic table it
     * stays damage: iText's conservative reader refuses the table ("file position 0 cross reference entry") and its
     * default reader rebuilds it (the IRS form prefilled_f1040.pdf, pyHanko's leaky-graphics-state files).
     */
    @Test
    void anEntryAtOffsetZeroIsHarmlessInAStreamUntilSomethingRefersToIt(@TempDir Path home) throws IOException {
        Pdf unused = Pdf.base();
        byte[] unreferenced = unused.finish(unused.xrefStream(5, unused.rows(0, 1, 2, 3).inUse(4, 0, 0), "/Root 1 0 R", true));
        assertIntact(unreferenced, "an unreferenced object listed at offset 0 in a stream");
        Pdf used = Pdf.annotated();
        byte[] referenced = used.finish(used.xrefStream(5, used.rows(0, 1, 2, 3).inUse(4, 0, 0), "/Root 1 0 R", true));
        for (byte[] pdf : List.of(unreferenced, referenced)) {
            assertEquals(java.util.Set.of(4L), CrossReferenceCheck.inspect(pdf).atOffsetZero());
            // the load from the chain the check read is PDFBox's own reading of these files
            ChainAgreement.requireAgreement(pdf);
        }

        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home);
        PadesSignatureEngine fromDisk = PadesSignatureEngine.builder().sandbox(home).largeDocumentThreshold(0).build();
        Path in = dir.resolve("unused.pdf");
        Files.write(in, unreferenced);
        for (PadesSignatureEngine signer : List.of(engine, fromDisk)) {
            Path out = dir.resolve("signed.pdf");
            Files.deleteIfExists(out);
            signer.sign(request(DocumentSource.of(in), out));
            var report = engine.validate(DocumentSource.of(out), com.certyneo.engine.ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());
            if (ExternalValidators.require("qpdf")) {
                // qpdf warns of the entry ("object has offset 0") and does not rebuild: the same, no more, after signing
                var before = ExternalValidators.qpdfCheck(in);
                var after = ExternalValidators.qpdfCheck(out);
                assertEquals(before.exitCode(), after.exitCode(), after.output());
                assertEquals(qpdfWarnings(before.output(), in), qpdfWarnings(after.output(), out), after.output());
                assertEquals(List.of("WARNING: (object 4 0): object has offset 0"), qpdfWarnings(after.output(), out));
            }
        }

        Path usedIn = dir.resolve("used.pdf");
        Files.write(usedIn, referenced);
        Path out = dir.resolve("refused.pdf");
        for (PadesSignatureEngine signer : List.of(engine, fromDisk)) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> signer.sign(request(DocumentSource.of(usedIn), out)));
            assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
            assertTrue(e.getMessage().contains("the cross-reference entry of object 4 points at offset 0, where no object 4 "
                    + "starts, and the document refers to that object"), e.getMessage());
            assertTrue(e.hint().contains("qpdf"), e.hint());
            assertNoOutput(out);
        }
        SignatureEngineException fields = assertThrows(SignatureEngineException.class, () -> engine.prepareFields(
                DocumentSource.of(usedIn), DocumentTarget.of(out), com.certyneo.engine.SignatureField.invisible("buyer")));
        assertEquals(ErrorCode.INVALID_PDF, fields.code(), fields.toString());
        assertNoOutput(out);

        Pdf older = Pdf.base();
        older.obj(4, "<< /Older true >>");
        int first = older.xrefStream(5, older.rows(0, 1, 2, 3, 4), "/Root 1 0 R", true);
        byte[] relisted = older.finish(older.xrefStream(6, new Rows().inUse(4, 0, 0), "/Root 1 0 R /Prev " + first, true));
        assertDamaged(relisted, "the cross-reference entry of object 4 points at offset 0, where no object 4 starts, "
                + "and an older section lists the object elsewhere");

        Pdf table = Pdf.base();
        assertDamaged(table.finish(table.table(table.rows(0, 1, 2, 3).inUse(4, 0, 0), "<< /Size 5 /Root 1 0 R >>")),
                "the cross-reference entry of object 4 points at offset 0, where no object 4 starts");
    }

    // ------------------------------------------------------------------------------------------------
    // The real-producer corpus, compared with qpdf

    @Test
    void realProducerCorpusAgreesWithQpdf() throws IOException {
        Path corpus = com.certyneo.engine.pades.interop.Corpus.directory();
        List<Path> files;
        try (Stream<Path> list = Files.list(corpus)) {
            files = list.filter(p -> p.toString().endsWith(".pdf")).sorted().toList();
        }
        Assumptions.assumeFalse(files.isEmpty(), "the corpus is empty");
        boolean qpdf = ExternalValidators.require("qpdf");
        List<String> disagreements = new ArrayList<>();
        StringBuilder report = new StringBuilder("CrossReferenceCheck over " + corpus + ":\n");
        for (Path file : files) {
            Optional<String> damage = CrossReferenceCheck.damage(file);
            String qpdfSays = "-";
            if (qpdf) {
                ExternalValidators.Run run = ExternalValidators.qpdfCheck(file);
                boolean rebuilt = run.output().contains("file is damaged") || run.output().contains("reconstruct");
                qpdfSays = rebuilt ? "needs reconstruction" : "exit " + run.exitCode() + ", no reconstruction";
                if (rebuilt != damage.isPresent()) {
                    disagreements.add(file.getFileName() + ": check says " + damage.orElse("intact") + "; qpdf: " + run.output());
                }
            }
            report.append(String.format("  %-36s %-8s qpdf: %s%s%n", file.getFileName(), damage.isPresent() ? "DAMAGED" : "intact",
                    qpdfSays, damage.map(d -> " (" + d + ")").orElse("")));
        }
        System.out.print(report);
        assertEquals(List.of(), disagreements);
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    private void assertIntact(byte[] pdf, String what) throws IOException {
        assertEquals(Optional.empty(), CrossReferenceCheck.damage(pdf), what);
        Path file = dir.resolve("intact.pdf");
        Files.write(file, pdf);
        assertEquals(Optional.empty(), CrossReferenceCheck.damage(file), what + " (file)");
    }

    private void assertDamaged(byte[] pdf, String expected) throws IOException {
        Optional<String> damage = CrossReferenceCheck.damage(pdf);
        assertTrue(damage.isPresent(), "damage not found; expected: " + expected);
        assertTrue(damage.get().contains(expected), damage.get());
        Path file = dir.resolve("damaged.pdf");
        Files.write(file, pdf);
        assertEquals(damage, CrossReferenceCheck.damage(file), "the file variant agrees");
    }

    /** qpdf's warning lines, without the file's name. */
    private static List<String> qpdfWarnings(String output, Path file) {
        return output.lines().filter(l -> l.contains("WARNING")).map(l -> l.replace(file.toString() + " ", "").strip())
                .toList();
    }

    private void assertNoOutput(Path out) throws IOException {
        assertFalse(Files.exists(out), "no output file");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList(),
                    "no temporary file left behind");
        }
    }

    private static SignRequest request(DocumentSource source, Path out) {
        return SignRequest.builder().document(source).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(SignatureLevel.AES).build();
    }

    /** Rewrites the value of the last startxref, keeping the file's length when it can. */
    static byte[] shiftStartxref(byte[] pdf, int delta) {
        String text = latin1(pdf);
        int sx = text.lastIndexOf("startxref");
        Matcher m = Pattern.compile("startxref\\s+(\\d+)").matcher(text).region(sx, text.length());
        assertTrue(m.lookingAt());
        String shifted = Long.toString(Long.parseLong(m.group(1)) + delta);
        return latin1Bytes(text.substring(0, m.start(1)) + shifted + text.substring(m.end(1)));
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] latin1Bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] classic(String entryEnd) {
        Pdf f = Pdf.base();
        f.entryEnd = entryEnd;
        return f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>"));
    }

    /** Cross-reference rows by object number: {type, field 2, field 3}. */
    static final class Rows extends TreeMap<Integer, long[]> {
        private static final long serialVersionUID = 1L;
        boolean oneSubsectionEach;

        Rows inUse(int num, long offset, long gen) {
            put(num, new long[] {1, offset, gen});
            return this;
        }

        Rows free(int num, long next, long gen) {
            put(num, new long[] {0, next, gen});
            return this;
        }

        Rows free(int num) {
            return free(num, 0, 65535);
        }

        Rows compressed(int num, int stream, int index) {
            put(num, new long[] {2, stream, index});
            return this;
        }

        Rows split() {
            oneSubsectionEach = true;
            return this;
        }
    }

    /** Writes small PDFs by hand, byte by byte, to build producer quirks and damage exactly. */
    static final class Pdf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<Integer, Integer> offsets = new TreeMap<>();
        boolean flate = true;
        int[] rowFilters = {2};
        /** Without {@link #flate}: the xref stream's data in ASCIIHexDecode (a filter readers decode, this check does not). */
        boolean asciiHex;
        String entryEnd = " \n";
        int lengthDelta;

        static Pdf base() {
            return withPage("");
        }

        /** As {@link #base()}, with a square annotation, object 4, on the page. */
        static Pdf annotated() {
            Pdf f = withPage(" /Annots [4 0 R]");
            f.obj(4, "<< /Type /Annot /Subtype /Square /Rect [10 10 50 50] >>");
            return f;
        }

        /** Objects 1 to 3, catalog, page tree and one page, {@code pageEntries} added to the page's dictionary. */
        static Pdf withPage(String pageEntries) {
            Pdf f = new Pdf();
            f.raw("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
            f.obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
            f.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
            f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]" + pageEntries + " >>");
            return f;
        }

        Pdf raw(String s) {
            out.writeBytes(latin1Bytes(s));
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

        Rows rows(int... nums) {
            Rows rows = new Rows();
            for (int n : nums) {
                if (n == 0) {
                    rows.free(0);
                } else {
                    rows.inUse(n, offsets.get(n), 0);
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
                    sb.append(String.format("%010d %05d %c", r[1], r[2], r[0] == 1 ? 'n' : 'f')).append(entryEnd);
                }
            }
            sb.append("trailer\n").append(trailer).append('\n');
            raw(sb.toString());
            return at;
        }

        /** An xref stream object {@code num}, W [1 4 2]; Flate + PNG predictor unless {@link #flate} is off. */
        int xrefStream(int num, Rows rows, String dictExtra, boolean addSelf) {
            int at = pos();
            Rows all = new Rows();
            all.putAll(rows);
            if (addSelf) {
                all.inUse(num, at, 0);
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
            StringBuilder dict = new StringBuilder("<< /Type /XRef /W [1 4 2]");
            if (!dictExtra.contains("/Size")) {
                dict.append(" /Size ").append(all.lastKey() + 1);
            }
            if (!dictExtra.contains("/Index") && !(runs.size() == 1 && runs.get(0).get(0) == 0 && !dictExtra.contains("/Size"))) {
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
            } else if (asciiHex) {
                stream = latin1Bytes(java.util.HexFormat.of().formatHex(stream) + ">");
                dict.append(" /Filter /ASCIIHexDecode");
            }
            dict.append(' ').append(dictExtra).append(" /Length ").append(stream.length + lengthDelta).append(" >>");
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
                if (run == null || rows.oneSubsectionEach || run.get(run.size() - 1) != n - 1) {
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

        /** PNG-predicts rows of {@code columns} bytes, cycling through {@code filters} (0..4). */
        private static byte[] png(byte[] in, int columns, int[] filters) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] prior = new byte[columns];
            for (int r = 0; r * columns < in.length; r++) {
                int type = filters[r % filters.length];
                out.write(type);
                byte[] row = Arrays.copyOfRange(in, r * columns, r * columns + columns);
                for (int i = 0; i < columns; i++) {
                    int a = i >= 1 ? row[i - 1] & 0xff : 0;
                    int up = prior[i] & 0xff;
                    int c = i >= 1 ? prior[i - 1] & 0xff : 0;
                    int predicted = switch (type) {
                        case 0 -> 0;
                        case 1 -> a;
                        case 2 -> up;
                        case 3 -> (a + up) >>> 1;
                        default -> paeth(a, up, c);
                    };
                    out.write((row[i] - predicted) & 0xff);
                }
                prior = row;
            }
            return out.toByteArray();
        }

        private static int paeth(int a, int b, int c) {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            if (pa <= pb && pa <= pc) {
                return a;
            }
            return pb <= pc ? b : c;
        }
    }
}
