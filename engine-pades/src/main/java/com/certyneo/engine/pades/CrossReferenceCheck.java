package com.certyneo.engine.pades;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Tells whether a PDF's cross-reference chain can be followed as written, that is whether a reader can
 * open the file without rebuilding its cross-reference table by scanning the whole file (what PDFBox
 * does silently, and qpdf reports as "file is damaged ... reconstructing"). A file that needs that
 * reconstruction must not be signed: an incremental update chains to the file's last cross-reference
 * section through {@code /Prev}, and that section is garbage.
 *
 * <p>Written from ISO 32000-1 §7.5 and sharing no code with PDFBox (whose lenient parser is the thing
 * being second-guessed), the check follows the chain from the last {@code startxref} and requires:
 * <ul>
 * <li>the last {@code startxref} in the final {@value #TAIL} bytes of the file (qpdf's window; comments
 * or garbage after {@code %%EOF} are fine within it) is an offset that lands, after white-space, on the
 * keyword {@code xref} or on {@code N G obj} of a {@code /Type /XRef} stream;</li>
 * <li>every {@code /Prev} and every hybrid {@code /XRefStm} lands the same way, with no loop;</li>
 * <li>every in-use entry (classic {@code n}, stream type 1) lands, after white-space, on {@code N G obj}
 * of that object number and generation; not checked are object 0 (some producers mark it in use) and
 * entries superseded by an in-use or compressed entry of a newer section (or an earlier one in the same
 * section or in the classic part of a hybrid section), which neither PDFBox nor qpdf ever reads;</li>
 * <li>every compressed entry (stream type 2) names an object stream that has an in-use entry somewhere
 * in the chain (the object stream itself is not decoded);</li>
 * <li>the dictionary of the newest section (trailer or xref stream) has {@code /Root}.</li>
 * </ul>
 * It deliberately ignores what readers cope with without a rebuild: chains mixing tables and streams,
 * missing self-entries of incremental xref streams, {@code /Size} larger than needed, free entries,
 * objects listed twice, linearized files (whose last {@code startxref} names the first-page section),
 * entry lines of 19 or 21 bytes or with any end-of-line pair, subsections starting anywhere, a wrong
 * xref stream {@code /Length} when {@code endstream} follows the data, and xref streams it cannot decode
 * (filters other than FlateDecode: their entries are not checked, the chain still is). Xref streams are
 * never encrypted (ISO 32000-1 §7.6.1), so encrypted files are checked too.
 *
 * <p>Hostile input is bounded: at most {@value #MAX_SECTIONS} sections, {@value #MAX_ENTRIES} entries,
 * {@value #MAX_INFLATED} bytes per decoded stream, nesting depth {@value #MAX_DEPTH}, no recursion
 * beyond that; the file variant reads through a small page cache, so its heap use does not grow with the
 * file. Any malformation is reported as damage; only I/O failures are thrown.
 */
final class CrossReferenceCheck {

    /**
     * How far from the end the last {@code startxref} is searched: qpdf's window (qpdf reconstructs a file
     * whose last {@code startxref} starts further away).
     */
    static final int TAIL = 1054;
    /** Sections (including hybrid /XRefStm streams) followed at most. */
    static final int MAX_SECTIONS = 100_000;
    /** Entries read at most, over all sections. */
    static final long MAX_ENTRIES = 50_000_000L;
    /** Bytes one decoded cross-reference stream may have at most (and its raw data). */
    static final int MAX_INFLATED = 64 * 1024 * 1024;
    /** Nesting of arrays and dictionaries read at most. */
    static final int MAX_DEPTH = 64;
    /** Object numbers below this are remembered in a bit set; above, in a (bounded) hash set. */
    private static final int BITSET_LIMIT = 1 << 26;
    /** Distinct object numbers above {@link #BITSET_LIMIT}, or distinct object streams, remembered at most. */
    private static final int MAX_REMEMBERED = 1_000_000;

    private CrossReferenceCheck() {
    }

    /**
     * @param pdf the bytes of a PDF
     * @return a short description of the first damage found, or empty when the chain can be followed
     */
    static Optional<String> damage(byte[] pdf) {
        try {
            return run(new ArrayInput(pdf));
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot happen: reading an array", e);
        }
    }

    /**
     * The file variant: reads through a {@link FileChannel} with a small page cache, never the whole
     * file, so a file of any size is checked with bounded heap.
     *
     * @param file a PDF file
     * @return a short description of the first damage found, or empty when the chain can be followed
     * @throws IOException when the file cannot be read
     */
    static Optional<String> damage(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return run(new ChannelInput(channel));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Optional<String> run(Input input) {
        try {
            new Checker(input).run();
            return Optional.empty();
        } catch (Damage d) {
            return Optional.of(d.getMessage());
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // Bounded parsing should not get here; if hostile bytes do, the chain is not followable.
            return Optional.of("its cross-reference data cannot be followed (" + e.getClass().getSimpleName() + ")");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The check

    /** The damage found, thrown to stop at the first one. */
    private static final class Damage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damage(String message) {
            super(message, null, false, false);
        }
    }

    /** Malformed syntax, turned into damage with context by the caller. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A PDF name, without its slash. */
    private record Name(String value) {
    }

    /** An indirect reference. */
    private record Ref(long num, long gen) {
    }

    /** A string, hex string, boolean or null: content irrelevant here. */
    private enum Other { VALUE }

    private static final class Checker {
        private final Input in;
        private final long length;
        /** Object numbers with an in-use (type 1) entry somewhere in the chain. */
        private final BitSet inUse = new BitSet();
        private final Set<Long> inUseHigh = new HashSet<>();
        /**
         * Object numbers with an in-use or compressed entry in a section already read (newer, or earlier in
         * the same section): their entries in older sections are superseded, and readers never use them.
         */
        private final BitSet superseding = new BitSet();
        private final Set<Long> supersedingHigh = new HashSet<>();
        /** Object streams named by compressed entries, with one object stored in each (for the message). */
        private final Map<Long, Long> objectStreams = new HashMap<>();
        private long entries;
        private int sections;

        Checker(Input in) {
            this.in = in;
            this.length = in.length();
        }

        void run() {
            long sx = lastStartxref();
            if (sx < 0) {
                throw new Damage("no 'startxref' in its last " + TAIL + " bytes (the file is truncated, or data was "
                        + "appended after its end)");
            }
            long start;
            try {
                Parser p = new Parser(in, sx + "startxref".length());
                Object v = p.readObject();
                if (!(v instanceof Long l) || l < 0) {
                    throw new Malformed("not an offset");
                }
                start = l;
            } catch (Malformed e) {
                throw new Damage("its last 'startxref' (at offset " + sx + ") is not followed by an offset");
            }
            Set<Long> visited = new HashSet<>();
            long offset = start;
            String via = "its last 'startxref'";
            boolean newest = true;
            while (true) {
                if (!visited.add(offset)) {
                    throw new Damage(via + " loops back to the cross-reference section at offset " + offset);
                }
                Map<String, Object> dict = section(offset, via, false);
                if (newest && !(dict.get("Root") instanceof Ref)) {
                    throw new Damage("the " + (isStream(offset) ? "cross-reference stream" : "trailer")
                            + " of its newest section (offset " + offset + ") has no /Root reference");
                }
                newest = false;
                Object prev = dict.get("Prev");
                if (prev == null) {
                    break;
                }
                if (!(prev instanceof Long p) || p < 0) {
                    throw new Damage("the /Prev of the cross-reference section at offset " + offset + " is not an offset");
                }
                via = "the /Prev of the cross-reference section at offset " + offset;
                offset = p;
            }
            for (Map.Entry<Long, Long> e : objectStreams.entrySet()) {
                if (!hasInUse(e.getKey())) {
                    throw new Damage("object " + e.getValue() + " is stored in object stream " + e.getKey()
                            + ", which has no in-use cross-reference entry");
                }
            }
        }

        private boolean isStream(long offset) {
            return !new Parser(in, skipWhite(offset)).startsWithKeyword("xref");
        }

        /** Reads, checks and returns the dictionary of the section at {@code offset}. */
        private Map<String, Object> section(long offset, String via, boolean streamOnly) {
            if (++sections > MAX_SECTIONS) {
                throw new Damage("more than " + MAX_SECTIONS + " cross-reference sections");
            }
            if (offset < 0 || offset >= length) {
                throw new Damage(via + " points at offset " + offset + ", outside the file (" + length + " bytes)");
            }
            long at = skipWhite(offset);
            if (!streamOnly && new Parser(in, at).startsWithKeyword("xref")) {
                // qpdf skips white-space before 'xref' but then starts reading the table as many bytes too
                // early: it copes with at most as much white-space as follows the keyword (up to 2 bytes).
                long before = at - offset;
                long after = 0;
                while (after < 2 && isWhite(in.at(at + 4 + after))) {
                    after++;
                }
                if (before > after) {
                    throw new Damage(via + " points at offset " + offset + ", " + before + " bytes of white-space "
                            + "before the 'xref' keyword at offset " + at);
                }
                return table(offset, at);
            }
            String nowhere = via + " points at offset " + offset + ", where no cross-reference "
                    + (streamOnly ? "stream" : "section") + " starts (found " + snippet(at) + ")";
            Parser p = new Parser(in, at);
            long num = p.objectHeader();
            if (num < 0) {
                throw new Damage(nowhere);
            }
            Map<String, Object> dict;
            try {
                dict = p.readObject() instanceof Map<?, ?> m ? cast(m) : null;
            } catch (Malformed e) {
                dict = null;
            }
            if (dict == null || !new Name("XRef").equals(dict.get("Type")) || !p.followedBy("stream")) {
                throw new Damage(nowhere);
            }
            stream(offset, dict, p);
            return dict;
        }

        // ---- classic tables

        private Map<String, Object> table(long offset, long at) {
            String label = "the cross-reference table at offset " + offset;
            Parser p = new Parser(in, at + 4);
            Map<String, Object> dict;
            try {
                while (true) {
                    p.skipWhiteAndComments();
                    if (p.startsWithKeyword("trailer")) {
                        p.pos += "trailer".length();
                        break;
                    }
                    long first = p.readUnsigned("the first object number of a subsection");
                    long count = p.readUnsigned("the entry count of a subsection");
                    for (long i = 0; i < count; i++) {
                        long num = first + i;
                        long f2 = p.readUnsigned("the offset of object " + num);
                        long f3 = p.readUnsigned("the generation of object " + num);
                        p.skipWhite();
                        int kind = in.at(p.pos);
                        if ((kind != 'n' && kind != 'f') || !p.isDelimiterOrWhite(p.pos + 1)) {
                            throw new Malformed("the entry of object " + num + " is neither 'n' nor 'f' (found "
                                    + snippet(p.pos) + ")");
                        }
                        p.pos++;
                        countEntry();
                        if (kind == 'n') {
                            inUse(num, f2, f3);
                        }
                    }
                }
                dict = p.readObject() instanceof Map<?, ?> m ? cast(m) : null;
            } catch (Malformed e) {
                throw new Damage(label + " cannot be read: " + e.getMessage());
            }
            if (dict == null) {
                throw new Damage(label + " has no trailer dictionary");
            }
            Object xrefStm = dict.get("XRefStm");
            if (xrefStm != null) {
                if (!(xrefStm instanceof Long x) || x < 0) {
                    throw new Damage("the /XRefStm of " + label + " is not an offset");
                }
                section(x, "the /XRefStm of " + label, true);
            }
            return dict;
        }

        // ---- cross-reference streams

        private void stream(long offset, Map<String, Object> dict, Parser afterDict) {
            String label = "the cross-reference stream at offset " + offset;
            int[] w = widths(dict.get("W"), label);
            int width = w[0] + w[1] + w[2];
            List<long[]> index = index(dict, label);
            byte[] data = decode(dict, streamData(dict, afterDict, label), label);
            if (data == null) {
                return; // a filter this check does not implement: the entries are not checked
            }
            long needed = 0;
            for (long[] range : index) {
                needed += range[1] * width;
            }
            if (needed > data.length) {
                throw new Damage(label + " holds " + data.length + " bytes of entries, fewer than the " + needed
                        + " its /W and /Index need");
            }
            int pos = 0;
            for (long[] range : index) {
                for (long i = 0; i < range[1]; i++) {
                    long num = range[0] + i;
                    long type = w[0] == 0 ? 1 : field(data, pos, w[0]);
                    long f2 = field(data, pos + w[0], w[1]);
                    long f3 = field(data, pos + w[0] + w[1], w[2]);
                    pos += width;
                    countEntry();
                    if (type == 1) {
                        inUse(num, f2, f3);
                    } else if (type == 2 && remember(superseding, supersedingHigh, num)) {
                        if (!objectStreams.containsKey(f2)) {
                            if (objectStreams.size() >= MAX_REMEMBERED) {
                                throw new Damage("more than " + MAX_REMEMBERED + " object streams");
                            }
                            objectStreams.put(f2, num);
                        }
                    }
                }
            }
        }

        private int[] widths(Object wObj, String label) {
            if (!(wObj instanceof List<?> wl) || wl.size() != 3) {
                throw new Damage(label + " has no valid /W (an array of three integers)");
            }
            int[] w = new int[3];
            for (int i = 0; i < 3; i++) {
                if (!(wl.get(i) instanceof Long l) || l < 0 || l > 8) {
                    throw new Damage(label + " has a /W that is not three integers in 0..8");
                }
                w[i] = (int) (long) l;
            }
            if (w[0] + w[1] + w[2] == 0) {
                throw new Damage(label + " has /W [0 0 0]");
            }
            return w;
        }

        private List<long[]> index(Map<String, Object> dict, String label) {
            List<long[]> index = new ArrayList<>();
            Object idx = dict.get("Index");
            if (idx == null) {
                if (!(dict.get("Size") instanceof Long size) || size < 0 || size > MAX_ENTRIES) {
                    throw new Damage(label + " has neither /Index nor a valid /Size");
                }
                index.add(new long[] {0, size});
                return index;
            }
            if (!(idx instanceof List<?> il) || il.size() % 2 != 0) {
                throw new Damage(label + " has an /Index that is not an array of integer pairs");
            }
            for (int i = 0; i < il.size(); i += 2) {
                if (!(il.get(i) instanceof Long f) || !(il.get(i + 1) instanceof Long c) || f < 0 || c < 0
                        || c > MAX_ENTRIES) {
                    throw new Damage(label + " has an /Index that is not an array of non-negative integer pairs");
                }
                index.add(new long[] {f, c});
            }
            return index;
        }

        /** The raw data: /Length when it ends at {@code endstream}, else up to the next {@code endstream}. */
        private byte[] streamData(Map<String, Object> dict, Parser afterDict, String label) {
            long p = afterDict.pos; // at "stream" (followedBy skipped white-space and comments)
            p += "stream".length();
            if (in.at(p) == '\r') {
                p++;
            }
            if (in.at(p) == '\n') {
                p++;
            }
            long dataStart = p;
            if (dict.get("Length") instanceof Long l && l >= 0 && l <= MAX_INFLATED && dataStart + l <= length
                    && new Parser(in, skipWhite(dataStart + l)).startsWithKeyword("endstream")) {
                return in.read(dataStart, (int) (long) l);
            }
            long end = indexOf("endstream", dataStart, dataStart + MAX_INFLATED + 2L);
            if (end < 0) {
                throw new Damage(label + " has no 'endstream' after its data");
            }
            if (end > dataStart && in.at(end - 1) == '\n') {
                end--;
            }
            if (end > dataStart && in.at(end - 1) == '\r') {
                end--;
            }
            return in.read(dataStart, (int) (end - dataStart));
        }

        /** @return the decoded data, or {@code null} for a filter this check does not implement */
        private byte[] decode(Map<String, Object> dict, byte[] raw, String label) {
            List<Object> filters = asList(dict.get("Filter"));
            List<Object> parms = asList(dict.get("DecodeParms"));
            byte[] data = raw;
            for (int i = 0; i < filters.size(); i++) {
                Object f = filters.get(i);
                if (!(f instanceof Name n) || !(n.value().equals("FlateDecode") || n.value().equals("Fl"))) {
                    return null;
                }
                data = inflate(data, label);
                Object parm = i < parms.size() ? parms.get(i) : null;
                if (parm instanceof Map<?, ?> m) {
                    data = unpredict(data, cast(m), label);
                    if (data == null) {
                        return null;
                    }
                }
            }
            return data;
        }

        private byte[] inflate(byte[] compressed, String label) {
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(compressed);
                byte[] out = new byte[Math.max(1024, Math.min(MAX_INFLATED, compressed.length * 4))];
                int n = 0;
                while (!inflater.finished()) {
                    if (n == out.length) {
                        if (out.length >= MAX_INFLATED) {
                            throw new Damage(label + " inflates to more than " + MAX_INFLATED + " bytes");
                        }
                        out = java.util.Arrays.copyOf(out, (int) Math.min(MAX_INFLATED, out.length * 2L));
                    }
                    int got = inflater.inflate(out, n, out.length - n);
                    if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        break; // the data ends early (e.g. no Adler-32): keep what was inflated
                    }
                    n += got;
                }
                return java.util.Arrays.copyOf(out, n);
            } catch (DataFormatException e) {
                throw new Damage(label + " cannot be decompressed (FlateDecode: " + e.getMessage() + ")");
            } finally {
                inflater.end();
            }
        }

        /** Undoes a TIFF or PNG predictor; {@code null} for predictors this check does not implement. */
        private byte[] unpredict(byte[] in, Map<String, Object> parms, String label) {
            long predictor = longOr(parms.get("Predictor"), 1);
            if (predictor == 1) {
                return in;
            }
            long colors = longOr(parms.get("Colors"), 1);
            long bpc = longOr(parms.get("BitsPerComponent"), 8);
            long columns = longOr(parms.get("Columns"), 1);
            if (colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || colors * bpc * columns > 1 << 24) {
                throw new Damage(label + " has /DecodeParms that cannot be used");
            }
            int rowLen = (int) ((colors * bpc * columns + 7) / 8);
            int bpp = (int) Math.max(1, (colors * bpc + 7) / 8);
            if (predictor == 2) {
                if (bpc != 8) {
                    return null;
                }
                byte[] out = in.clone();
                for (int row = 0; row + rowLen <= out.length; row += rowLen) {
                    for (int i = bpp; i < rowLen; i++) {
                        out[row + i] += out[row + i - bpp];
                    }
                }
                return out;
            }
            if (predictor < 10) {
                return null;
            }
            int rows = in.length / (rowLen + 1); // a partial last row is dropped, as readers do
            byte[] out = new byte[rows * rowLen];
            byte[] prior = new byte[rowLen];
            for (int r = 0; r < rows; r++) {
                int src = r * (rowLen + 1);
                int type = in[src] & 0xff;
                int dst = r * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    int x = in[src + 1 + i] & 0xff;
                    int a = i >= bpp ? out[dst + i - bpp] & 0xff : 0;
                    int up = prior[i] & 0xff;
                    int c = i >= bpp ? prior[i - bpp] & 0xff : 0;
                    int v = switch (type) {
                        case 0 -> x;
                        case 1 -> x + a;
                        case 2 -> x + up;
                        case 3 -> x + ((a + up) >>> 1);
                        case 4 -> x + paeth(a, up, c);
                        default -> throw new Damage(label + " has an undefined PNG row filter " + type + " in row " + r);
                    };
                    out[dst + i] = (byte) v;
                }
                System.arraycopy(out, dst, prior, 0, rowLen);
            }
            return out;
        }

        // ---- entries

        private void countEntry() {
            if (++entries > MAX_ENTRIES) {
                throw new Damage("more than " + MAX_ENTRIES + " cross-reference entries");
            }
        }

        /**
         * Checks that an in-use entry lands on its object, and remembers it; an entry superseded by a
         * newer one for the same object is not checked (neither PDFBox nor qpdf reads it).
         */
        private void inUse(long num, long offset, long gen) {
            if (num == 0) {
                return; // object 0 is the head of the free list; producers that mark it in use do no harm
            }
            if (!remember(superseding, supersedingHigh, num)) {
                return;
            }
            if (offset < 0 || offset >= length) {
                throw new Damage("the cross-reference entry of object " + num + " points at offset " + offset
                        + ", outside the file (" + length + " bytes)");
            }
            Parser p = new Parser(in, skipWhite(offset));
            long found = p.digits();
            long foundGen = found >= 0 && p.white() ? p.digits() : -1;
            if (found != num || foundGen < 0 || !p.white() || !p.startsWithKeyword("obj")) {
                throw new Damage("the cross-reference entry of object " + num + " points at offset " + offset
                        + ", where no object " + num + " starts (found " + snippet(skipWhite(offset)) + ")");
            }
            if (foundGen != gen) {
                throw new Damage("the cross-reference entry of object " + num + " says generation " + gen
                        + ", but the object at offset " + offset + " has generation " + foundGen);
            }
            remember(inUse, inUseHigh, num);
        }

        /** Adds {@code num} to a set of object numbers; whether it was not there yet. */
        private static boolean remember(BitSet low, Set<Long> high, long num) {
            if (num < 0) {
                throw new Damage("a cross-reference section lists an object number beyond " + Long.MAX_VALUE);
            }
            if (num < BITSET_LIMIT) {
                boolean added = !low.get((int) num);
                low.set((int) num);
                return added;
            }
            if (high.size() >= MAX_REMEMBERED && !high.contains(num)) {
                throw new Damage("more than " + MAX_REMEMBERED + " objects numbered above " + BITSET_LIMIT);
            }
            return high.add(num);
        }

        private boolean hasInUse(long num) {
            return num >= 0 && (num < BITSET_LIMIT ? inUse.get((int) num) : inUseHigh.contains(num));
        }

        // ---- lexical helpers

        private long skipWhite(long at) {
            while (isWhite(in.at(at))) {
                at++;
            }
            return at;
        }

        /** The last {@code startxref} that starts within the final {@link #TAIL} bytes, or -1. */
        private long lastStartxref() {
            byte[] k = "startxref".getBytes(StandardCharsets.US_ASCII);
            long from = Math.max(0, length - TAIL);
            outer:
            for (long i = length - k.length; i >= from; i--) {
                for (int j = 0; j < k.length; j++) {
                    if (in.at(i + j) != k[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private long indexOf(String s, long from, long to) {
            byte[] k = s.getBytes(StandardCharsets.US_ASCII);
            long last = Math.min(to, length - k.length);
            outer:
            for (long i = from; i <= last; i++) {
                for (int j = 0; j < k.length; j++) {
                    if (in.at(i + j) != k[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private String snippet(long at) {
            if (at >= length) {
                return "the end of the file";
            }
            StringBuilder sb = new StringBuilder("\"");
            for (long i = at; i < Math.min(length, at + 16); i++) {
                int c = in.at(i);
                if (c >= 0x20 && c < 0x7f) {
                    sb.append((char) c);
                } else if (c == '\n') {
                    sb.append("\\n");
                } else if (c == '\r') {
                    sb.append("\\r");
                } else {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            return sb.append('"').toString();
        }
    }

    private static long field(byte[] data, int pos, int width) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v = (v << 8) | (data[pos + i] & 0xff);
        }
        return v;
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

    private static long longOr(Object o, long dflt) {
        return o instanceof Long l ? l : dflt;
    }

    private static List<Object> asList(Object o) {
        if (o == null || o == Other.VALUE) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return List.of(o);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static boolean isWhite(int c) {
        return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
    }

    private static boolean isDelimiter(int c) {
        return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}'
                || c == '/' || c == '%';
    }

    // ------------------------------------------------------------------------------------------------
    // A minimal PDF object parser: dictionaries, arrays, names, numbers, references; strings, booleans
    // and null are recognised and skipped.

    private static final class Parser {
        /** Objects read at most by one parser, against huge hostile dictionaries. */
        private static final int MAX_TOKENS = 100_000;

        private final Input in;
        long pos;
        private int depth;
        private int tokens;

        Parser(Input in, long pos) {
            this.in = in;
            this.pos = pos;
        }

        boolean isDelimiterOrWhite(long at) {
            int c = in.at(at);
            return c < 0 || isWhite(c) || isDelimiter(c);
        }

        boolean startsWithKeyword(String kw) {
            for (int i = 0; i < kw.length(); i++) {
                if (in.at(pos + i) != kw.charAt(i)) {
                    return false;
                }
            }
            return isDelimiterOrWhite(pos + kw.length());
        }

        /** After white-space and comments, whether {@code kw} follows; leaves pos on it if so. */
        boolean followedBy(String kw) {
            skipWhiteAndComments();
            return startsWithKeyword(kw);
        }

        /** Consumes white-space; whether there was any. */
        boolean white() {
            long start = pos;
            skipWhite();
            return pos > start;
        }

        void skipWhite() {
            while (isWhite(in.at(pos))) {
                pos++;
            }
        }

        void skipWhiteAndComments() {
            while (true) {
                int c = in.at(pos);
                if (isWhite(c)) {
                    pos++;
                } else if (c == '%') {
                    while ((c = in.at(pos)) >= 0 && c != '\n' && c != '\r') {
                        pos++;
                    }
                } else {
                    return;
                }
            }
        }

        /** An unsigned decimal integer of at most 18 digits at pos; -1 (nothing consumed) if there is none. */
        long digits() {
            long start = pos;
            long v = 0;
            int c;
            while ((c = in.at(pos)) >= '0' && c <= '9') {
                if (pos - start >= 18) {
                    pos = start;
                    return -1;
                }
                v = v * 10 + (c - '0');
                pos++;
            }
            return pos > start ? v : -1;
        }

        /** Reads {@code N G obj}; returns N and leaves pos after {@code obj}, or returns -1. */
        long objectHeader() {
            long num = digits();
            if (num < 0 || !white() || digits() < 0 || !white() || !startsWithKeyword("obj")) {
                return -1;
            }
            pos += 3;
            return num;
        }

        long readUnsigned(String what) {
            skipWhiteAndComments();
            long start = pos;
            long v = digits();
            if (v < 0 || !isDelimiterOrWhite(pos)) {
                throw new Malformed("expected " + what + " at offset " + start);
            }
            return v;
        }

        Object readObject() {
            skipWhiteAndComments();
            if (in.at(pos) < 0) {
                throw new Malformed("unexpected end of file");
            }
            if (++tokens > MAX_TOKENS) {
                throw new Malformed("more than " + MAX_TOKENS + " objects in one dictionary");
            }
            if (++depth > MAX_DEPTH) {
                throw new Malformed("objects nested too deeply at offset " + pos);
            }
            try {
                return readObjectInner();
            } finally {
                depth--;
            }
        }

        private Object readObjectInner() {
            int c = in.at(pos);
            if (c == '<' && in.at(pos + 1) == '<') {
                pos += 2;
                Map<String, Object> dict = new LinkedHashMap<>();
                while (true) {
                    skipWhiteAndComments();
                    if (in.at(pos) == '>' && in.at(pos + 1) == '>') {
                        pos += 2;
                        return dict;
                    }
                    Object key = readObject();
                    if (!(key instanceof Name n)) {
                        throw new Malformed("a dictionary key is not a name at offset " + pos);
                    }
                    dict.put(n.value(), readObject());
                }
            }
            if (c == '[') {
                pos++;
                List<Object> list = new ArrayList<>();
                while (true) {
                    skipWhiteAndComments();
                    if (in.at(pos) == ']') {
                        pos++;
                        return list;
                    }
                    list.add(readObject());
                }
            }
            if (c == '/') {
                pos++;
                StringBuilder sb = new StringBuilder();
                int x;
                while ((x = in.at(pos)) >= 0 && !isWhite(x) && !isDelimiter(x)) {
                    if (x == '#' && hex(in.at(pos + 1)) >= 0 && hex(in.at(pos + 2)) >= 0) {
                        x = hex(in.at(pos + 1)) * 16 + hex(in.at(pos + 2));
                        pos += 3;
                    } else {
                        pos++;
                    }
                    if (sb.length() < 256) {
                        sb.append((char) x);
                    }
                }
                return new Name(sb.toString());
            }
            if (c == '(') {
                pos++;
                int nest = 1;
                int x;
                while ((x = in.at(pos++)) >= 0) {
                    if (x == '\\') {
                        pos++;
                    } else if (x == '(') {
                        nest++;
                    } else if (x == ')' && --nest == 0) {
                        return Other.VALUE;
                    }
                }
                throw new Malformed("unterminated string");
            }
            if (c == '<') {
                int x;
                while ((x = in.at(++pos)) >= 0 && x != '>') {
                    // skip the hex digits
                }
                if (x < 0) {
                    throw new Malformed("unterminated hex string");
                }
                pos++;
                return Other.VALUE;
            }
            if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) {
                return readNumberOrRef();
            }
            long start = pos;
            int x;
            while ((x = in.at(pos)) >= 0 && !isWhite(x) && !isDelimiter(x) && pos - start < 16) {
                pos++;
            }
            String kw = new String(in.read(start, (int) (pos - start)), StandardCharsets.ISO_8859_1);
            return switch (kw) {
                case "true", "false", "null" -> Other.VALUE;
                default -> throw new Malformed("unexpected " + (kw.isEmpty() ? "'" + (char) c + "'" : "'" + kw + "'")
                        + " at offset " + start);
            };
        }

        private Object readNumberOrRef() {
            long start = pos;
            boolean signed = in.at(pos) == '+' || in.at(pos) == '-';
            if (signed) {
                pos++;
            }
            boolean dot = false;
            int c;
            StringBuilder text = new StringBuilder();
            while (((c = in.at(pos)) >= '0' && c <= '9') || (c == '.' && !dot)) {
                dot |= c == '.';
                if (text.length() < 32) {
                    text.append((char) c);
                }
                pos++;
            }
            if (dot) {
                return Other.VALUE; // a real: its value is never needed here
            }
            long value;
            try {
                value = Long.parseLong(text.toString());
            } catch (NumberFormatException e) {
                throw new Malformed("bad number at offset " + start);
            }
            if (in.at(start) == '-') {
                return -value;
            }
            if (!signed) {
                long save = pos;
                if (white()) {
                    long gen = digits();
                    if (gen >= 0 && white() && in.at(pos) == 'R' && isDelimiterOrWhite(pos + 1)) {
                        pos++;
                        return new Ref(value, gen);
                    }
                }
                pos = save;
            }
            return value;
        }

        private static int hex(int c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Inputs

    /** Random access to the bytes of the file. */
    private interface Input {
        long length();

        /** @return the byte at {@code pos} (0..255), or -1 outside the file */
        int at(long pos);

        /** @return up to {@code n} bytes from {@code pos} (fewer at the end of the file) */
        byte[] read(long pos, int n);
    }

    private static final class ArrayInput implements Input {
        private final byte[] b;

        ArrayInput(byte[] b) {
            this.b = b;
        }

        @Override
        public long length() {
            return b.length;
        }

        @Override
        public int at(long pos) {
            return pos >= 0 && pos < b.length ? b[(int) pos] & 0xff : -1;
        }

        @Override
        public byte[] read(long pos, int n) {
            int from = (int) Math.max(0, Math.min(pos, b.length));
            return java.util.Arrays.copyOfRange(b, from, (int) Math.min(b.length, (long) from + n));
        }
    }

    /** Positional reads through a small LRU cache of pages: heap use does not grow with the file. */
    private static final class ChannelInput implements Input {
        private static final int PAGE_BITS = 13;
        private static final int PAGE = 1 << PAGE_BITS;
        private static final int PAGES = 64;

        private final FileChannel channel;
        private final long size;
        /** Pages by index, least recently used first; a full cache recycles its eldest page's array. */
        private final LinkedHashMap<Long, byte[]> cache = new LinkedHashMap<>(PAGES * 2, 0.75f, true);
        private long lastPage = -1;
        private byte[] last;

        ChannelInput(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        @Override
        public long length() {
            return size;
        }

        @Override
        public int at(long pos) {
            if (pos < 0 || pos >= size) {
                return -1;
            }
            byte[] page = page(pos >>> PAGE_BITS);
            int i = (int) (pos & (PAGE - 1));
            return i < page.length ? page[i] & 0xff : -1;
        }

        @Override
        public byte[] read(long pos, int n) {
            long from = Math.max(0, Math.min(pos, size));
            byte[] bytes = new byte[(int) Math.max(0, Math.min(n, size - from))];
            int got = fill(from, bytes);
            return got == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, got);
        }

        /** Reads from {@code from} into {@code into} until it is full or the file ends; returns the bytes read. */
        private int fill(long from, byte[] into) {
            ByteBuffer buffer = ByteBuffer.wrap(into);
            try {
                while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                    // until full or end of file
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return buffer.position();
        }

        private byte[] page(long index) {
            if (index == lastPage) {
                return last;
            }
            byte[] page = cache.get(index);
            if (page == null) {
                long from = index << PAGE_BITS;
                if (cache.size() >= PAGES) {
                    var eldest = cache.entrySet().iterator();
                    page = eldest.next().getValue();
                    eldest.remove();
                }
                int length = (int) Math.min(PAGE, size - from); // the last page is shorter
                if (page == null || page.length != length) {
                    page = new byte[length];
                }
                int got = fill(from, page);
                if (got < length) {
                    page = java.util.Arrays.copyOf(page, got); // the file shrank meanwhile
                }
                cache.put(index, page);
            }
            lastPage = index;
            last = page;
            return page;
        }
    }
}
