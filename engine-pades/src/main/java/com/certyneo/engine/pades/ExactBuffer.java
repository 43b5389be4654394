package com.certyneo.engine.pades;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * An in-memory output sized up front: when the writer writes exactly the announced length, {@link #bytes()} hands
 * out the buffer itself, with no copy. {@link java.io.ByteArrayOutputStream} always copies on
 * {@code toByteArray()}, and grows by doubling; for a document-sized stage both are extra whole-document arrays,
 * which G1 allocates as humongous objects once they reach half a heap region (1 MB with a 2 MB region), the cost
 * that made the 30th B-LTA signature of an envelope several times the first. Not thread-safe (one writer).
 */
class ExactBuffer extends OutputStream {
    private byte[] buffer;
    private int count;

    /** @param capacity the expected final length (the buffer grows beyond it if the writer writes more) */
    ExactBuffer(int capacity) {
        this.buffer = new byte[Math.max(0, capacity)];
    }

    /**
     * Goes on writing in {@code buffer}, whose first {@code count} bytes are written already: in place while it has
     * room (see {@link SigningPipeline.AppendingBuffer}).
     */
    ExactBuffer(byte[] buffer, int count) {
        java.util.Objects.checkFromIndexSize(0, count, buffer.length);
        this.buffer = buffer;
        this.count = count;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    /** @return the bytes written: the buffer itself when it is exactly full, else a copy of the written part */
    byte[] bytes() {
        return count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
    }

    /** @return the buffer itself (its first {@link #count()} bytes are those written) */
    byte[] array() {
        return buffer;
    }

    /** @return how many bytes were written */
    int count() {
        return count;
    }

    private void ensure(int more) {
        if (more > buffer.length - count) {
            long wanted = Math.max((long) count + more, (long) buffer.length * 2);
            if (wanted > Integer.MAX_VALUE - 16) {
                if ((long) count + more > Integer.MAX_VALUE - 16) {
                    throw new OutOfMemoryError("more than an array holds: " + ((long) count + more) + " bytes");
                }
                wanted = Integer.MAX_VALUE - 16;
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
    }
}
