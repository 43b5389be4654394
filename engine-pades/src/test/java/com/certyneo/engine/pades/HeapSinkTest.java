package com.certyneo.engine.pades;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SigningPipeline.HeapSink}: the first stage is a copy of the input (never written into the input), later stages
 * append in place in the room the first left, or grow the array once when there is not enough; every view of a stage
 * is exactly its bytes.
 */
class HeapSinkTest {

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void laterStagesAppendInPlaceAndTheFinalBytesAreExactlyTheStages() throws IOException {
        byte[] input = bytes(1000, 1);
        byte[] inputCopy = input.clone();
        byte[] first = bytes(200, 2);
        byte[] second = bytes(300, 3);
        byte[] third = bytes(5000, 4); // more than the room left: the array grows once
        SigningPipeline.HeapSink sink = new SigningPipeline.HeapSink(input);
        sink.expect(400);

        try (OutputStream out = sink.next(input.length + first.length)) {
            assertFalse(out instanceof RevisionWriter.Appending, "the first stage copies the input");
            out.write(input);
            out.write(first);
        }
        assertEquals(1200, sink.length());
        assertEquals(1600, sink.array().length, "room for what the later stages are expected to add");
        assertNull(sink.heapBytes(), "the engine's own parser is not handed an array longer than the stage");
        byte[] afterFirst = sink.array();

        try (OutputStream out = sink.next(1500)) {
            RevisionWriter.Appending appending = assertInstanceOf(RevisionWriter.Appending.class, out);
            assertEquals(1200, appending.held());
            out.write(second);
        }
        assertSame(afterFirst, sink.array(), "appended in place");
        assertEquals(1500, sink.length());

        try (OutputStream out = sink.next()) {
            assertEquals(1500, ((RevisionWriter.Appending) out).held());
            for (byte b : Arrays.copyOf(third, 10)) {
                out.write(b);
            }
            out.write(third, 10, third.length - 10);
        }
        assertEquals(6500, sink.length());
        byte[] expected = concat(input, first, second, third);
        assertArrayEquals(expected, Arrays.copyOf(sink.array(), sink.length()));
        assertArrayEquals(expected, sink.bytes());
        assertArrayEquals(inputCopy, input, "the input is never written into");
    }

    @Test
    void withoutExpectedStagesTheOnlyStageIsExactAndNotCopied() throws IOException {
        byte[] input = bytes(100, 5);
        byte[] section = bytes(50, 6);
        SigningPipeline.HeapSink sink = new SigningPipeline.HeapSink(input);
        assertSame(input, sink.heapBytes(), "before any stage: the input itself");
        try (OutputStream out = sink.next(150)) {
            out.write(input);
            out.write(section);
        }
        byte[] array = sink.array();
        assertEquals(150, array.length);
        assertSame(array, sink.bytes());
        assertSame(array, sink.heapBytes());
        assertTrue(Arrays.equals(concat(input, section), array));
    }
}
