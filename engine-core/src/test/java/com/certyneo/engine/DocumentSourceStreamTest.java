package com.certyneo.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A document stream is held in memory up to the spill threshold and copied to a temporary file beyond it. */
class DocumentSourceStreamTest {

    @Test
    void aShortStreamStaysInMemory() {
        byte[] bytes = "%PDF-1.7 short".getBytes();
        DocumentSource source = DocumentSource.of(new ByteArrayInputStream(bytes), "in.pdf");
        assertInstanceOf(DocumentSource.BytesSource.class, source);
        assertArrayEquals(bytes, source.readAllBytes());
        assertEquals("in.pdf", source.name());
    }

    @Test
    void aStreamOfExactlyTheThresholdStaysInMemory() {
        byte[] bytes = new byte[(int) DocumentSource.SPILL_THRESHOLD];
        DocumentSource source = DocumentSource.of(new ByteArrayInputStream(bytes), "in.pdf");
        assertInstanceOf(DocumentSource.BytesSource.class, source);
        assertEquals(bytes.length, source.readAllBytes().length);
    }

    @Test
    void aLongerStreamIsReadFromATemporaryFileWithTheDocumentsName() throws IOException {
        long length = DocumentSource.SPILL_THRESHOLD + 12_345;
        DocumentSource source = DocumentSource.of(pattern(length), "dir/contract.pdf");
        Path file = source.path().orElseThrow();
        assertEquals("contract.pdf", source.name(), "the name, without the directory part");
        assertEquals(length, Files.size(file));
        try (InputStream copy = source.openStream(); InputStream expected = pattern(length)) {
            byte[] a = new byte[64 * 1024];
            byte[] b = new byte[64 * 1024];
            int n;
            while ((n = expected.readNBytes(a, 0, a.length)) > 0) {
                assertEquals(n, copy.readNBytes(b, 0, n));
                assertTrue(Arrays.equals(a, 0, n, b, 0, n));
            }
            assertEquals(-1, copy.read());
        }
        assertTrue(file.getParent().getFileName().toString().startsWith("certyneo-input-"));
    }

    @Test
    void aStreamThatFailsHalfWayLeavesNoTemporaryFile() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        // By name, not by count: the spill of another test (or another build) may be deleted meanwhile, its source
        // having become unreachable.
        java.util.Set<Path> before = spills(tmp);
        InputStream failing = new InputStream() {
            private long left = DocumentSource.SPILL_THRESHOLD + 1_000_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> DocumentSource.of(failing, "in.pdf"));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        java.util.Set<Path> left = spills(tmp);
        left.removeAll(before);
        assertEquals(java.util.Set.of(), left, "the half-written copy is deleted");
    }

    @Test
    void anUnreachableCopyIsDeletedAndForgotten() throws Exception {
        Path file = spillAndDrop();
        assertTrue(SpilledInput.isLive(file), "registered for deletion at exit while the source lives");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((Files.exists(file) || SpilledInput.isLive(file)) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertFalse(Files.exists(file), "the cleaner deletes the copy of an unreachable source");
        assertFalse(Files.exists(file.getParent()), "and its directory");
        assertFalse(SpilledInput.isLive(file), "and nothing is kept for the exit (deleteOnExit would keep both paths)");
    }

    /** Spills a stream and lets its source become unreachable; returns the path of the copy. */
    private static Path spillAndDrop() throws IOException {
        DocumentSource source = DocumentSource.of(pattern(DocumentSource.SPILL_THRESHOLD + 1), "drop.pdf");
        Path file = source.path().orElseThrow();
        assertTrue(Files.exists(file));
        return file;
    }

    @Test
    void fileNamesCannotEscapeTheTemporaryDirectory() {
        assertEquals("a.pdf", SpilledInput.fileName("../../etc/a.pdf"));
        assertEquals("b.pdf", SpilledInput.fileName("C:\\\\x\\\\b.pdf"));
        assertEquals("document.pdf", SpilledInput.fileName(".."));
        assertEquals("document.pdf", SpilledInput.fileName(""));
        assertFalse(SpilledInput.fileName("x\0y.pdf").contains("\0"));
    }

    private static InputStream pattern(long length) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < length ? (int) (position++ * 31 % 251) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (position++ * 31 % 251);
                }
                return n;
            }
        };
    }

    private static java.util.Set<Path> spills(Path tmp) throws IOException {
        try (var entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("certyneo-input-"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }
}
