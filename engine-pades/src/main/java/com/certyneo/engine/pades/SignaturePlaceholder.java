package com.certyneo.engine.pades;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;

/**
 * The room for a signature in a signature (or document time-stamp) dictionary written by
 * {@link RevisionWriter}: a {@code /Contents} hex string of a fixed number of zero bytes, and a
 * {@code /ByteRange} of fixed width, {@code [0 0000000000 0000000000 0000000000]}. Once the revision is
 * laid out the writer calls {@link #laidOut}, which computes the byte range {@code [0 a b c]} (offsets
 * in the final file: the original's length plus offsets in the appended section; {@code a} is the
 * {@code <} of {@code /Contents}, {@code b} just after its {@code >}) and patches it in, padded with
 * spaces before the {@code ]} so that no byte moves. The CMS is patched in later, hex encoded and zero
 * padded, by {@link #patchContents(byte[])} (in the section bytes) or {@link #patchContents(FileChannel,
 * byte[])} (in a file already written).
 */
final class SignaturePlaceholder {

    /** Digits of each number of the reserved {@code /ByteRange}: offsets up to 9,999,999,999. */
    static final int DIGITS = 10;
    /** The reserved {@code /ByteRange}; every later value has exactly this length. */
    static final String RESERVED_BYTE_RANGE = "[0 " + "0".repeat(DIGITS) + " " + "0".repeat(DIGITS) + " "
            + "0".repeat(DIGITS) + "]";

    private final COSDictionary dictionary;
    private final COSArray byteRange;
    private final COSString contents;
    private final int capacity;

    private byte[] section;
    private long base;
    private long contentsStart = -1;
    private long contentsEnd = -1;
    private long[] range;

    private SignaturePlaceholder(COSDictionary dictionary, COSArray byteRange, COSString contents, int capacity) {
        this.dictionary = dictionary;
        this.byteRange = byteRange;
        this.contents = contents;
        this.capacity = capacity;
    }

    /**
     * Puts a {@code /ByteRange} and a {@code /Contents} of {@code contentsBytes} zero bytes into
     * {@code signature} (replacing any there).
     *
     * @param signature a signature or document time-stamp dictionary, to be written by a {@link RevisionWriter}
     * @param contentsBytes the room for the DER-encoded CMS (or time-stamp token), in bytes
     */
    static SignaturePlaceholder create(COSDictionary signature, int contentsBytes) {
        if (contentsBytes < 1 || contentsBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("the /Contents room must be 1 byte to 64 MB, not " + contentsBytes);
        }
        COSArray range = new COSArray();
        for (int i = 0; i < 4; i++) {
            range.add(COSInteger.ZERO);
        }
        range.setDirect(true);
        COSString zeros = new COSString(new byte[contentsBytes], true);
        signature.setItem(COSName.BYTERANGE, range);
        signature.setItem(COSName.CONTENTS, zeros);
        return new SignaturePlaceholder(signature, range, zeros, contentsBytes);
    }

    /** @return the signature dictionary */
    COSDictionary dictionary() {
        return dictionary;
    }

    /** @return the room for the CMS, in bytes (the hex string has twice as many digits) */
    int capacity() {
        return capacity;
    }

    /** Tells {@code writer} what to write for the two reserved values. */
    void reserveIn(CosWriter writer) {
        writer.reserve(byteRange, RESERVED_BYTE_RANGE.getBytes(StandardCharsets.US_ASCII));
        writer.reserve(contents, CosWriter.string(new byte[capacity], true));
    }

    /**
     * Called by the writer once the section is laid out: computes the byte range and patches it into
     * {@code section}.
     *
     * @param section the bytes of the appended section (patched in place)
     * @param base the original's length: the final-file offset of {@code section[0]}
     * @param contentsAt the final-file offset of the {@code <} of {@code /Contents}
     * @param byteRangeAt the final-file offset of the {@code [} of {@code /ByteRange}
     */
    void laidOut(byte[] section, long base, long contentsAt, long byteRangeAt) {
        if (contentsAt < 0 || byteRangeAt < 0) {
            throw new IllegalStateException("the signature dictionary was not written in the revision");
        }
        this.section = section;
        this.base = base;
        this.contentsStart = contentsAt;
        this.contentsEnd = contentsAt + 2L * capacity + 2;
        long length = base + section.length;
        this.range = new long[] {0, contentsStart, contentsEnd, length - contentsEnd};
        String text = "[0 " + range[1] + " " + range[2] + " " + range[3];
        int width = RESERVED_BYTE_RANGE.length();
        if (text.length() + 1 > width) {
            throw new IllegalStateException("the file is too large for a /ByteRange of " + DIGITS + " digits");
        }
        text = text + " ".repeat(width - 1 - text.length()) + "]";
        byte[] patch = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(patch, 0, section, (int) (byteRangeAt - base), patch.length);
        for (int i = 0; i < 4; i++) {
            byteRange.set(i, COSInteger.get(range[i]));
        }
    }

    private void requireLaidOut() {
        if (range == null) {
            throw new IllegalStateException("the revision is not written yet");
        }
    }

    /** @return the byte range {@code [0, a, b, c]}, offsets in the final file */
    long[] byteRange() {
        requireLaidOut();
        return range.clone();
    }

    /** @return the final-file offset of the {@code <} that opens {@code /Contents} (the gap's start) */
    long contentsStart() {
        requireLaidOut();
        return contentsStart;
    }

    /** @return the final-file offset just after the {@code >} that closes {@code /Contents} (the gap's end) */
    long contentsEnd() {
        requireLaidOut();
        return contentsEnd;
    }

    /**
     * @param cms the DER-encoded CMS or time-stamp token
     * @return the {@code /Contents} hex digits (without {@code < >}), zero padded to the room reserved
     * @throws Overflow when {@code cms} is larger than the room
     */
    byte[] hexDigits(byte[] cms) {
        if (cms.length > capacity) {
            throw new Overflow(cms.length, capacity);
        }
        byte[] hex = CosWriter.string(cms, true);
        byte[] digits = new byte[2 * capacity];
        Arrays.fill(digits, (byte) '0');
        System.arraycopy(hex, 1, digits, 0, hex.length - 2);
        return digits;
    }

    /** Patches {@code cms} into {@code /Contents} in the section bytes (the revision's own copy). */
    void patchContents(byte[] cms) {
        requireLaidOut();
        byte[] digits = hexDigits(cms);
        System.arraycopy(digits, 0, section, (int) (contentsStart + 1 - base), digits.length);
        contents.setValue(Arrays.copyOf(cms, capacity));
    }

    /**
     * Patches {@code cms} into {@code /Contents} of the final file already written to {@code file} (its
     * bytes at the gap are overwritten, nothing else), and into the section bytes.
     */
    void patchContents(FileChannel file, byte[] cms) throws IOException {
        requireLaidOut();
        byte[] digits = hexDigits(cms);
        if (file.size() != base + section.length) {
            throw new IOException("the file is " + file.size() + " bytes, not the " + (base + section.length)
                    + " of the revision written");
        }
        ByteBuffer buffer = ByteBuffer.wrap(digits);
        long at = contentsStart + 1;
        while (buffer.hasRemaining()) {
            at += file.write(buffer, at);
        }
        patchContents(cms);
    }

    /**
     * A CMS or time-stamp token larger than the room reserved for it: nothing of the revision can be used (its byte
     * range was hashed and signed for that room), so the operation is laid out again with more room, or fails.
     */
    static final class Overflow extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Overflow(int length, int capacity) {
            super("the signature (" + length + " bytes) does not fit in the " + capacity
                    + " bytes reserved for /Contents");
        }
    }
}
