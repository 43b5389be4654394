package com.certyneo.engine.pades;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The incremental revisions of a PDF, found by their {@code %%EOF} markers, so that reports can say
 * "after revision 2" instead of quoting byte offsets.
 */
final class Revisions {

    private final List<Long> ends;

    private Revisions(List<Long> ends) {
        this.ends = ends;
    }

    static Revisions of(java.nio.file.Path file) {
        List<Long> ends = new ArrayList<>();
        byte[] marker = "%%EOF".getBytes(StandardCharsets.US_ASCII);
        try (java.io.InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
            int matched = 0;
            long position = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                position++;
                matched = b == marker[matched] ? matched + 1 : (b == marker[0] ? 1 : 0);
                if (matched == marker.length) {
                    ends.add(position);
                    matched = 0;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Revisions(ends);
    }

    static Revisions of(byte[] pdf) {
        List<Long> ends = new ArrayList<>();
        byte[] marker = "%%EOF".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + marker.length <= pdf.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (pdf[i + j] != marker[j]) {
                    continue outer;
                }
            }
            ends.add((long) i + marker.length);
        }
        return new Revisions(ends);
    }

    /** @return the number of revisions ({@code %%EOF} markers) */
    int count() {
        return ends.size();
    }

    /** @return the offset just after the {@code %%EOF} of the 1-based revision {@code n} */
    long end(int n) {
        return ends.get(n - 1);
    }

    /** @return the 1-based number of the revision that ends at or just after {@code offset} */
    int revisionEndingAt(long offset) {
        for (int i = 0; i < ends.size(); i++) {
            if (ends.get(i) >= offset) {
                return i + 1;
            }
        }
        return ends.size();
    }

    /** @return whether another revision (an {@code %%EOF}) follows the end of {@code byteRange} */
    boolean hasRevisionAfter(List<BigInteger> byteRange) {
        if (byteRange == null || byteRange.size() != 4) {
            return true;
        }
        long end = byteRange.get(2).longValue() + byteRange.get(3).longValue();
        return !ends.isEmpty() && ends.get(ends.size() - 1) > end + 2;
    }

    /** @return e.g. "changed after revision 2 (of 4)" for a signature whose byte range ends in revision 2 */
    String describeAfter(List<BigInteger> byteRange) {
        if (byteRange == null || byteRange.size() != 4) {
            return "changed after signing";
        }
        long end = byteRange.get(2).longValue() + byteRange.get(3).longValue();
        int revision = revisionEndingAt(end);
        return "changed after revision " + revision + " (of " + ends.size() + ")";
    }
}
