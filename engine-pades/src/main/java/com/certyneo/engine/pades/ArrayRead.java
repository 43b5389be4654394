package com.certyneo.engine.pades;

import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.io.RandomAccessReadView;

import java.io.IOException;
import java.util.Objects;

/**
 * PDFBox's view of a document held in a byte array, for every in-memory load the engine makes.
 *
 * <p>PDFBox's own {@code RandomAccessReadBuffer} keeps its data in chunks and finds a position with two 64-bit
 * divisions on every {@code seek}; its parser steps back one byte after nearly every byte it peeks at
 * ({@code rewind(1)}), so loading a document spent about a third of its time there (a profile of a 31-revision
 * document: every cross-reference section, object and dictionary is read this way). Here a position is an index into
 * one array. Behaviour is {@code RandomAccessReadBuffer}'s: reading past the end gives -1, seeking past it stops at
 * the end, a negative position is an {@link IOException}, and a closed reader refuses every call.
 *
 * <p>A view ({@link #createView}) reads through a copy of its own over the same array, as PDFBox's buffer does, so
 * reading a stream never moves the parser's position. Not thread-safe; neither is the document that reads it.
 */
final class ArrayRead implements RandomAccessRead {

    private final byte[] bytes;
    private final int offset;
    private final int length;
    private int position;
    private boolean closed;

    /** All of {@code bytes} (not copied: the caller does not change them while PDFBox reads). */
    ArrayRead(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    /** The {@code length} bytes of {@code bytes} from {@code offset} (not copied). */
    ArrayRead(byte[] bytes, int offset, int length) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.offset = offset;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        open();
        return position < length ? bytes[offset + position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        open();
        Objects.checkFromIndexSize(off, len, b.length);
        if (position >= length) {
            return -1;
        }
        int n = Math.min(len, length - position);
        System.arraycopy(bytes, offset + position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public long getPosition() throws IOException {
        open();
        return position;
    }

    @Override
    public void seek(long newPosition) throws IOException {
        open();
        if (newPosition < 0) {
            throw new IOException("Invalid position " + newPosition);
        }
        position = (int) Math.min(newPosition, length);
    }

    @Override
    public long length() throws IOException {
        open();
        return length;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int peek() throws IOException {
        open();
        return position < length ? bytes[offset + position] & 0xff : -1;
    }

    @Override
    public void rewind(int count) throws IOException {
        seek((long) position - count);
    }

    @Override
    public boolean isEOF() throws IOException {
        open();
        return position >= length;
    }

    @Override
    public int available() throws IOException {
        open();
        return length - position;
    }

    @Override
    public void skip(int count) throws IOException {
        seek((long) position + count);
    }

    @Override
    public RandomAccessReadView createView(long start, long viewLength) throws IOException {
        open();
        return new RandomAccessReadView(new ArrayRead(bytes, offset, length), start, viewLength, true);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void open() throws IOException {
        if (closed) {
            throw new IOException("The document's bytes were closed");
        }
    }
}
