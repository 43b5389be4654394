package com.certyneo.engine.pades;

import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdfwriter.compress.CompressParameters;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ArrayRead} answers every call as PDFBox's {@code RandomAccessReadBuffer} does. */
class ArrayReadTest {

    /** What a call returned, or the exception's class. */
    private static String outcome(IoCall call) {
        try {
            return String.valueOf(call.run());
        } catch (IOException e) {
            return "IOException";
        }
    }

    private interface IoCall {
        Object run() throws IOException;
    }

    @Test
    void randomCallSequencesGiveTheAnswersOfPdfBoxsBuffer() throws IOException {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            byte[] data = new byte[random.nextInt(200)];
            random.nextBytes(data);
            RandomAccessRead expected = new RandomAccessReadBuffer(data);
            RandomAccessRead actual = new ArrayRead(data);
            for (int step = 0; step < 200; step++) {
                int op = random.nextInt(11);
                int n = random.nextInt(data.length + 20) - 10;
                String e;
                String a;
                switch (op) {
                    case 0 -> {
                        e = outcome(expected::read);
                        a = outcome(actual::read);
                    }
                    case 1 -> {
                        int len = Math.max(0, n);
                        byte[] x = new byte[len + 3];
                        byte[] y = new byte[len + 3];
                        e = outcome(() -> expected.read(x, 3, len)) + Arrays.toString(x);
                        a = outcome(() -> actual.read(y, 3, len)) + Arrays.toString(y);
                    }
                    case 2 -> {
                        e = outcome(() -> { expected.seek(n); return expected.getPosition(); });
                        a = outcome(() -> { actual.seek(n); return actual.getPosition(); });
                    }
                    case 3 -> {
                        e = outcome(expected::peek);
                        a = outcome(actual::peek);
                    }
                    case 4 -> {
                        int back = random.nextInt(4);
                        e = outcome(() -> { expected.rewind(back); return expected.getPosition(); });
                        a = outcome(() -> { actual.rewind(back); return actual.getPosition(); });
                    }
                    case 5 -> {
                        e = outcome(expected::isEOF);
                        a = outcome(actual::isEOF);
                    }
                    case 6 -> {
                        e = outcome(expected::available);
                        a = outcome(actual::available);
                    }
                    case 7 -> {
                        int skip = random.nextInt(8);
                        e = outcome(() -> { expected.skip(skip); return expected.getPosition(); });
                        a = outcome(() -> { actual.skip(skip); return actual.getPosition(); });
                    }
                    case 8 -> {
                        e = outcome(expected::length);
                        a = outcome(actual::length);
                    }
                    case 9 -> {
                        long start = Math.max(0, n);
                        long length = random.nextInt(30);
                        e = outcome(() -> viewBytes(expected, start, length) + "@" + expected.getPosition());
                        a = outcome(() -> viewBytes(actual, start, length) + "@" + actual.getPosition());
                    }
                    default -> {
                        e = outcome(expected::getPosition);
                        a = outcome(actual::getPosition);
                    }
                }
                assertEquals(e, a, "round " + round + " step " + step + " op " + op + " n " + n);
            }
            expected.close();
            actual.close();
            assertTrue(actual.isClosed());
            assertThrows(IOException.class, actual::read);
            assertThrows(IOException.class, () -> actual.seek(0));
        }
    }

    /** A view's bytes, read to its end; the parent's position is not moved by it. */
    private static String viewBytes(RandomAccessRead source, long start, long length) throws IOException {
        try (var view = source.createView(start, length)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int b;
            while ((b = view.read()) != -1) {
                out.write(b);
            }
            return Arrays.toString(out.toByteArray());
        }
    }

    @Test
    void aSliceReadsOnlyItsBytes() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, 6};
        ArrayRead slice = new ArrayRead(data, 2, 3);
        assertEquals(3, slice.length());
        byte[] all = new byte[5];
        assertEquals(3, slice.read(all, 0, 5));
        assertArrayEquals(new byte[] {3, 4, 5, 0, 0}, all);
        assertEquals(-1, slice.read());
        slice.seek(1);
        assertEquals(4, slice.read());
        assertThrows(IndexOutOfBoundsException.class, () -> new ArrayRead(data, 4, 3));
    }

    @Test
    void pdfBoxLoadsTheSameDocumentThroughIt() throws IOException {
        for (byte[] pdf : new byte[][] {SamplePdfs.minimal(), SamplePdfs.multiPage(3), xrefStreamCopy(SamplePdfs.multiPage(2))}) {
            try (PDDocument expected = Loader.loadPDF(pdf); PDDocument actual = DocumentPasswords.load(pdf)) {
                assertEquals(expected.getNumberOfPages(), actual.getNumberOfPages());
                assertEquals(expected.getDocument().getXrefTable(), actual.getDocument().getXrefTable());
                assertEquals(new PDFTextStripper().getText(expected), new PDFTextStripper().getText(actual));
            }
        }
    }

    /** {@code pdf} saved again with object and cross-reference streams (streams read through views). */
    private static byte[] xrefStreamCopy(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out, CompressParameters.DEFAULT_COMPRESSION);
            return out.toByteArray();
        }
    }
}
