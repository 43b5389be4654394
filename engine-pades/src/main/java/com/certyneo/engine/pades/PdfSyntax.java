package com.certyneo.engine.pades;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The PDF syntax the engine reads without PDFBox (ISO 32000-1 §7.2–7.5): a bounded object parser, byte
 * inputs over an array or a file, and the FlateDecode filter with its predictors. Shared by
 * {@link CrossReferenceCheck} and {@link RevisionDiff}, which second-guess PDFBox's lenient parser and so
 * must not use it. Hostile input is bounded: nesting depth {@value #MAX_DEPTH}, {@value Parser#MAX_TOKENS}
 * objects per parse, strings of at most {@value #MAX_STRING} bytes; malformations are {@link Malformed}.
 */
final class PdfSyntax {

    /** Nesting of arrays and dictionaries read at most. */
    static final int MAX_DEPTH = 64;
    /** Bytes one string may have at most. */
    static final int MAX_STRING = 16 * 1024 * 1024;

    private PdfSyntax() {
    }

    /** Malformed syntax; callers turn it into their own kind of finding, with context. */
    static class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Syntax beyond the parser's bounds ({@link #MAX_DEPTH}, {@link Parser#MAX_TOKENS}, {@link #MAX_STRING}) rather
     * than wrong: callers that judge whether bytes are well-formed do not count it against a document.
     */
    static final class BeyondBounds extends Malformed {
        private static final long serialVersionUID = 1L;

        BeyondBounds(String message) {
            super(message);
        }
    }

    /** A PDF name, without its slash, {@code #xx} escapes decoded. */
    record Name(String value) {
    }

    /** An indirect reference. */
    record Ref(long num, long gen) {
    }

    /** A real number, compared by value. */
    record Real(java.math.BigDecimal value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Real r && value.compareTo(r.value) == 0;
        }

        @Override
        public int hashCode() {
            return value.stripTrailingZeros().hashCode();
        }
    }

    /**
     * A hex string left undecoded ({@link Parser#skipHexStrings}): checked to be well formed, found at
     * {@code offset} (its {@code <}); {@link #decode} reads it.
     */
    record Hex(Input in, long offset) {
        /** @return the string's bytes */
        byte[] decode() {
            return ((Str) new Parser(in, offset).readObject()).bytes();
        }

        /** @return the string's first bytes, at most {@code max} (fewer only when the string is shorter) */
        byte[] decodePrefix(int max) {
            byte[] out = new byte[max];
            int n = 0;
            int high = -1;
            if (in instanceof ArrayInput array) { // the common case: a table look-up per digit, two digits a byte
                byte[] b = array.b;
                int end = array.limit;
                int i = (int) offset + 1;
                while (n < max && i < end) {
                    int h = HEX_VALUE[b[i] & 0xff];
                    if (high < 0 && h >= 0 && i + 1 < end) {
                        int l = HEX_VALUE[b[i + 1] & 0xff];
                        if (l >= 0) {
                            out[n++] = (byte) (h << 4 | l);
                            i += 2;
                            continue;
                        }
                    }
                    if (h >= 0) {
                        if (high < 0) {
                            high = h;
                        } else {
                            out[n++] = (byte) (high << 4 | h);
                            high = -1;
                        }
                    } else if (b[i] == '>') {
                        break;
                    }
                    i++;
                }
                return n == max ? out : Arrays.copyOf(out, n);
            }
            long at = offset + 1;
            int x;
            while (n < max && (x = in.at(at++)) != '>' && x >= 0) {
                int h = Parser.hex(x);
                if (h < 0) {
                    continue; // white space (checked when the string was skipped)
                }
                if (high < 0) {
                    high = h;
                } else {
                    out[n++] = (byte) (high * 16 + h);
                    high = -1;
                }
            }
            return n == max ? out : Arrays.copyOf(out, n);
        }
    }

    /** A string (literal or hex), decoded to its bytes, compared by content. */
    record Str(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Str s && Arrays.equals(bytes, s.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** {@code true}, {@code false} and {@code null}. */
    enum Keyword { TRUE, FALSE, NULL }

    /** By byte: 1 a hex digit, 2 white space, 3 the closing {@code >} of a hex string, 0 anything else. */
    private static final byte[] HEX_KIND = new byte[256];

    /** By byte: the value of a hex digit, else -1. */
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            HEX_KIND[c] = (byte) (Parser.hex(c) >= 0 ? 1 : isWhite(c) ? 2 : c == '>' ? 3 : 0);
            HEX_VALUE[c] = (byte) Parser.hex(c);
        }
    }

    /** @return the value of the hex digit {@code c} (a byte, 0-255), else -1: a table look-up */
    static int hexValue(int c) {
        return HEX_VALUE[c];
    }

    /** A little-endian view of a byte array as longs, for {@link #hexDigitWords}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Eight {@code '0'} digits. */
    private static final long ZERO_DIGITS = 0x3030303030303030L;

    /**
     * How many whole 8-byte words from {@code from} hold hex digits only ({@code 0-9 A-F a-f}): the bulk of a
     * signature's /Contents, tested a word at a time (its byte-by-byte loop was a tenth of signing the 30th signer of
     * a document, which reads past every earlier signature's /Contents). Each byte is below 0x80 (else the word is
     * left to the byte loop), so adding a per-byte constant sets a byte's high bit without carrying into the next
     * byte: {@code b + (0x80 - lo)} reaches 0x80 when {@code b >= lo}, {@code b + (0x7F - hi)} when {@code b > hi}.
     */
    static int hexDigitWords(byte[] b, int from) {
        return hexDigitWords(b, from, b.length);
    }

    /** As {@link #hexDigitWords(byte[], int)} within {@code b[0, end)}. */
    static int hexDigitWords(byte[] b, int from, int end) {
        int words = 0;
        for (int i = from; i + 8 <= end; i += 8, words++) {
            long x = (long) LONGS.get(b, i);
            if (x == ZERO_DIGITS) {
                continue; // the zero padding after a signature's DER: most of a /Contents placeholder
            }
            if ((x & HIGH_BITS) != 0) {
                break;
            }
            long digit = (x + 0x5050505050505050L) & ~(x + 0x4646464646464646L); // '0'..'9'
            long folded = x | 0x2020202020202020L; // 'A'..'F' to 'a'..'f'
            long letter = (folded + 0x1F1F1F1F1F1F1F1FL) & ~(folded + 0x1919191919191919L); // 'a'..'f'
            if (((digit | letter) & HIGH_BITS) != HIGH_BITS) {
                break;
            }
        }
        return words;
    }

    static boolean isWhite(int c) {
        return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
    }

    static boolean isDelimiter(int c) {
        return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}'
                || c == '/' || c == '%';
    }

    static long longOr(Object o, long dflt) {
        return o instanceof Long l ? l : dflt;
    }

    /** A filter or parameter entry as a list: an array as is, a single value as a one-element list. */
    static List<Object> asList(Object o) {
        if (o == null || o instanceof Keyword) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return List.of(o);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** A big-endian unsigned field of a cross-reference stream entry. */
    static long field(byte[] data, int pos, int width) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v = (v << 8) | (data[pos + i] & 0xff);
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------------
    // FlateDecode

    /**
     * Decodes a stream's data through its filters.
     *
     * @return the decoded data, or {@code null} for a filter (or predictor) not implemented here
     * @throws Malformed when the data cannot be decoded or inflates beyond {@code max} bytes
     */
    static byte[] decode(Map<String, Object> dict, byte[] raw, int max) {
        List<Object> filters = asList(dict.get("Filter"));
        List<Object> parms = asList(dict.get("DecodeParms"));
        byte[] data = raw;
        for (int i = 0; i < filters.size(); i++) {
            Object f = filters.get(i);
            if (!(f instanceof Name n)) {
                return null;
            }
            Object parm = i < parms.size() ? parms.get(i) : null;
            boolean predicted = false; // Flate and LZW take a predictor in their /DecodeParms, the others no parameters
            switch (n.value()) {
                case "FlateDecode", "Fl" -> {
                    data = inflate(data, max);
                    predicted = true;
                }
                case "LZWDecode", "LZW" -> {
                    data = lzw(data, max, parm instanceof Map<?, ?> m ? longOr(cast(m).get("EarlyChange"), 1) : 1);
                    predicted = true;
                }
                case "ASCIIHexDecode", "AHx" -> data = asciiHex(data, max);
                case "ASCII85Decode", "A85" -> data = ascii85(data, max);
                case "RunLengthDecode", "RL" -> data = runLength(data, max);
                default -> {
                    return null;
                }
            }
            if (predicted && parm instanceof Map<?, ?> m) {
                data = unpredict(data, cast(m));
                if (data == null) {
                    return null;
                }
            }
        }
        return data;
    }

    // The other general-purpose filters of ISO 32000-1 §7.4 that a cross-reference or object stream may use. Each is
    // strict where the standard is: a character or code it does not define is Malformed, never skipped.

    /** ASCIIHexDecode (§7.4.2): pairs of hexadecimal digits, white space ignored, {@code >} ends the data. */
    static byte[] asciiHex(byte[] in, int max) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length / 2 + 1);
        int high = -1;
        for (byte b : in) {
            int c = b & 0xff;
            if (c == '>') {
                break;
            }
            if (isWhite(c)) {
                continue;
            }
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                throw new Malformed("has ASCIIHexDecode data with the character 0x" + Integer.toHexString(c));
            }
            if (high < 0) {
                high = digit;
            } else {
                put(out, high << 4 | digit, max);
                high = -1;
            }
        }
        if (high >= 0) {
            put(out, high << 4, max); // an odd last digit is followed by 0
        }
        return out.toByteArray();
    }

    /**
     * ASCII85Decode (§7.4.3): groups of five characters {@code !}..{@code u} for four bytes, {@code z} for four zero
     * bytes, white space ignored, {@code ~>} ends the data; a last group of n (2 to 4) characters gives n - 1 bytes.
     */
    static byte[] ascii85(byte[] in, int max) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length);
        long group = 0;
        int count = 0;
        for (int i = 0; i < in.length; i++) {
            int c = in[i] & 0xff;
            if (c == '~') {
                if (i + 1 >= in.length || in[i + 1] != '>') {
                    throw new Malformed("has ASCII85Decode data with '~' not followed by '>'");
                }
                break;
            }
            if (isWhite(c)) {
                continue;
            }
            if (c == 'z' && count == 0) {
                for (int k = 0; k < 4; k++) {
                    put(out, 0, max);
                }
                continue;
            }
            if (c < '!' || c > 'u') {
                throw new Malformed("has ASCII85Decode data with the character 0x" + Integer.toHexString(c));
            }
            group = group * 85 + (c - '!');
            if (++count == 5) {
                if (group > 0xFFFFFFFFL) {
                    throw new Malformed("has an ASCII85Decode group beyond 2^32 - 1");
                }
                for (int shift = 24; shift >= 0; shift -= 8) {
                    put(out, (int) (group >>> shift) & 0xff, max);
                }
                group = 0;
                count = 0;
            }
        }
        if (count == 1) {
            throw new Malformed("has ASCII85Decode data ending in a group of one character");
        }
        if (count > 1) {
            for (int k = count; k < 5; k++) {
                group = group * 85 + 84; // padded with 'u'
            }
            if (group > 0xFFFFFFFFL) {
                throw new Malformed("has an ASCII85Decode group beyond 2^32 - 1");
            }
            for (int k = 0; k < count - 1; k++) {
                put(out, (int) (group >>> (24 - 8 * k)) & 0xff, max);
            }
        }
        return out.toByteArray();
    }

    /** RunLengthDecode (§7.4.5): a length byte, then 1 to 128 bytes copied, or one byte repeated; 128 ends the data. */
    static byte[] runLength(byte[] in, int max) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length * 2);
        int i = 0;
        while (i < in.length) {
            int length = in[i++] & 0xff;
            if (length == 128) {
                return out.toByteArray();
            }
            if (length < 128) {
                if (i + length + 1 > in.length) {
                    throw new Malformed("has RunLengthDecode data cut short");
                }
                for (int k = 0; k <= length; k++) {
                    put(out, in[i++] & 0xff, max);
                }
            } else {
                if (i >= in.length) {
                    throw new Malformed("has RunLengthDecode data cut short");
                }
                int value = in[i++] & 0xff;
                for (int k = 0; k < 257 - length; k++) {
                    put(out, value, max);
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * LZWDecode (§7.4.4): 9- to 12-bit codes, most significant bit first; 256 clears the table, 257 ends the data;
     * with {@code /EarlyChange 1} (the default) the code length grows one code early.
     */
    static byte[] lzw(byte[] in, int max, long earlyChange) {
        if (earlyChange != 0 && earlyChange != 1) {
            throw new Malformed("has an LZWDecode /EarlyChange other than 0 or 1");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length * 3);
        byte[][] table = new byte[4096][];
        int size = 258;
        int width = 9;
        byte[] previous = null;
        long bits = 0;
        int held = 0;
        int pos = 0;
        while (true) {
            while (held < width && pos < in.length) {
                bits = bits << 8 | (in[pos++] & 0xff);
                held += 8;
            }
            if (held < width) {
                return out.toByteArray(); // the data ends without code 257, as readers accept
            }
            int code = (int) (bits >>> (held - width)) & ((1 << width) - 1);
            held -= width;
            if (code == 256) {
                size = 258;
                width = 9;
                previous = null;
                continue;
            }
            if (code == 257) {
                return out.toByteArray();
            }
            byte[] entry;
            if (code < 256) {
                entry = new byte[] {(byte) code};
            } else if (code < size && table[code] != null) {
                entry = table[code];
            } else if (code == size && previous != null) {
                entry = Arrays.copyOf(previous, previous.length + 1);
                entry[previous.length] = previous[0];
            } else {
                throw new Malformed("has an LZWDecode code " + code + " not yet defined");
            }
            for (byte b : entry) {
                put(out, b & 0xff, max);
            }
            if (previous != null && size < 4096) {
                byte[] added = Arrays.copyOf(previous, previous.length + 1);
                added[previous.length] = entry[0];
                table[size++] = added;
            }
            previous = entry;
            if (size + earlyChange >= 1 << width && width < 12) {
                width++;
            }
        }
    }

    private static void put(java.io.ByteArrayOutputStream out, int b, int max) {
        if (out.size() >= max) {
            throw new Malformed("decodes to more than " + max + " bytes");
        }
        out.write(b);
    }

    static byte[] inflate(byte[] compressed, int max) {
        Inflater inflater = new Inflater();
        try {
            return inflate(compressed, max, inflater);
        } finally {
            inflater.end();
        }
    }

    /**
     * As {@link #inflate(byte[], int)} with {@code inflater} (reset first, not ended), for callers that inflate many
     * small streams in a row.
     */
    static byte[] inflate(byte[] compressed, int max, Inflater inflater) {
        inflater.reset();
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[Math.max(1024, Math.min(max, compressed.length * 4))];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (out.length >= max) {
                        throw new Malformed("inflates to more than " + max + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(max, out.length * 2L));
                }
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break; // the data ends early (e.g. no Adler-32): keep what was inflated
                }
                n += got;
            }
            return Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new Malformed("cannot be decompressed (FlateDecode: " + e.getMessage() + ")");
        }
    }

    /** Undoes a TIFF or PNG predictor; {@code null} for predictors not implemented here. */
    static byte[] unpredict(byte[] in, Map<String, Object> parms) {
        long predictor = longOr(parms.get("Predictor"), 1);
        if (predictor == 1) {
            return in;
        }
        long colors = longOr(parms.get("Colors"), 1);
        long bpc = longOr(parms.get("BitsPerComponent"), 8);
        long columns = longOr(parms.get("Columns"), 1);
        if (colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || colors * bpc * columns > 1 << 24) {
            throw new Malformed("has /DecodeParms that cannot be used");
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
                    default -> throw new Malformed("has an undefined PNG row filter " + type + " in row " + r);
                };
                out[dst + i] = (byte) v;
            }
            System.arraycopy(out, dst, prior, 0, rowLen);
        }
        return out;
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

    // ------------------------------------------------------------------------------------------------
    // The parser

    /**
     * Reads PDF objects from a position: dictionaries (as insertion-ordered maps), arrays (lists), names,
     * integers ({@code Long}), reals, strings (decoded), booleans, null and references. Streams are not
     * read: a caller that finds the {@code stream} keyword after a dictionary handles the data.
     */
    static final class Parser {
        /** Objects read at most by one parser, against huge hostile dictionaries. */
        static final int MAX_TOKENS = 100_000;

        private final Input in;
        long pos;
        private int depth;
        private int tokens;
        /** The generation of the last object header read ({@link #objectHeader}). */
        private long generation = -1;
        private boolean skipHex;

        Parser(Input in, long pos) {
            this.in = in;
            this.pos = pos;
        }

        /**
         * Hex strings are checked (digits and white space, closed, not over {@link #MAX_STRING} bytes) but not
         * decoded: they read as {@link Hex}. For a signature dictionary, whose {@code /Contents} is most of it.
         */
        Parser skipHexStrings() {
            this.skipHex = true;
            return this;
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
            if (num < 0 || !white() || (generation = digits()) < 0 || !white() || !startsWithKeyword("obj")) {
                return -1;
            }
            pos += 3;
            return num;
        }

        /** The generation number of the object header {@link #objectHeader} read last. */
        long generation() {
            return generation;
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
                throw new BeyondBounds("more than " + MAX_TOKENS + " objects in one dictionary");
            }
            if (++depth > MAX_DEPTH) {
                throw new BeyondBounds("objects nested too deeply at offset " + pos);
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
                return literalString();
            }
            if (c == '<') {
                return skipHex ? skipHexString() : hexString();
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
                case "true" -> Keyword.TRUE;
                case "false" -> Keyword.FALSE;
                case "null" -> Keyword.NULL;
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
                try {
                    java.math.BigDecimal real = new java.math.BigDecimal(text.length() == 1 ? "0" : text.toString());
                    return new Real(in.at(start) == '-' ? real.negate() : real);
                } catch (NumberFormatException e) {
                    throw new Malformed("bad number at offset " + start);
                }
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

        private Str literalString() {
            long start = pos;
            pos++;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int nest = 1;
            int x;
            while ((x = in.at(pos++)) >= 0) {
                if (out.size() > MAX_STRING) {
                    throw new BeyondBounds("a string longer than " + MAX_STRING + " bytes at offset " + start);
                }
                if (x == '\\') {
                    int e = in.at(pos++);
                    switch (e) {
                        case 'n' -> out.write('\n');
                        case 'r' -> out.write('\r');
                        case 't' -> out.write('\t');
                        case 'b' -> out.write('\b');
                        case 'f' -> out.write('\f');
                        case '\r' -> {
                            if (in.at(pos) == '\n') {
                                pos++; // a line continuation
                            }
                        }
                        case '\n' -> {
                            // a line continuation
                        }
                        case -1 -> throw new Malformed("unterminated string at offset " + start);
                        default -> {
                            if (e >= '0' && e <= '7') {
                                int v = e - '0';
                                for (int k = 0; k < 2 && in.at(pos) >= '0' && in.at(pos) <= '7'; k++) {
                                    v = v * 8 + (in.at(pos++) - '0');
                                }
                                out.write(v);
                            } else {
                                out.write(e);
                            }
                        }
                    }
                } else if (x == '(') {
                    nest++;
                    out.write(x);
                } else if (x == ')' && --nest == 0) {
                    return new Str(out.toByteArray());
                } else {
                    out.write(x);
                }
            }
            throw new Malformed("unterminated string at offset " + start);
        }

        private Hex skipHexString() {
            long start = pos;
            pos++;
            long digits = 0;
            if (in instanceof ArrayInput array) { // the common case, in a tight loop over the array
                byte[] b = array.b;
                int end = array.limit;
                int i = (int) pos;
                while (true) {
                    int words = hexDigitWords(b, i, end);
                    i += 8 * words;
                    digits += 8L * words;
                    if (i >= end) {
                        throw new Malformed("unterminated hex string at offset " + start);
                    }
                    byte kind = HEX_KIND[b[i++] & 0xff];
                    if (kind == 1) {
                        digits++;
                    } else if (kind == 3) {
                        break;
                    } else if (kind != 2) {
                        throw new Malformed("a hex string with '" + (char) (b[i - 1] & 0xff) + "' at offset " + start);
                    }
                }
                pos = i;
                if (digits > 2L * MAX_STRING + 1) {
                    throw new BeyondBounds("a string longer than " + MAX_STRING + " bytes at offset " + start);
                }
                return new Hex(in, start);
            }
            int x;
            while ((x = in.at(pos++)) != '>') {
                if (x < 0) {
                    throw new Malformed("unterminated hex string at offset " + start);
                }
                if (hex(x) >= 0) {
                    if (++digits > 2L * MAX_STRING + 1) {
                        throw new BeyondBounds("a string longer than " + MAX_STRING + " bytes at offset " + start);
                    }
                } else if (!isWhite(x)) {
                    throw new Malformed("a hex string with '" + (char) x + "' at offset " + start);
                }
            }
            return new Hex(in, start);
        }

        private Str hexString() {
            long start = pos;
            pos++;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int high = -1;
            int x;
            while ((x = in.at(pos++)) != '>') {
                if (x < 0) {
                    throw new Malformed("unterminated hex string at offset " + start);
                }
                int h = hex(x);
                if (h < 0) {
                    if (isWhite(x)) {
                        continue;
                    }
                    throw new Malformed("a hex string with '" + (char) x + "' at offset " + start);
                }
                if (high < 0) {
                    high = h;
                } else {
                    out.write(high * 16 + h);
                    high = -1;
                    if (out.size() > MAX_STRING) {
                        throw new BeyondBounds("a string longer than " + MAX_STRING + " bytes at offset " + start);
                    }
                }
            }
            if (high >= 0) {
                out.write(high * 16);
            }
            return new Str(out.toByteArray());
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

    /** Random access to the bytes of a file. */
    /**
     * The last occurrence of {@code s} (ASCII) that lies wholly within {@code [from, to)} of {@code in}, or -1.
     */
    static long lastIndexOf(Input in, String s, long from, long to) {
        byte[] k = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (long i = to - k.length; i >= from; i--) {
            for (int j = 0; j < k.length; j++) {
                if (in.at(i + j) != k[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    interface Input {
        long length();

        /** @return the byte at {@code pos} (0..255), or -1 outside the file */
        int at(long pos);

        /** @return up to {@code n} bytes from {@code pos} (fewer at the end of the file) */
        byte[] read(long pos, int n);
    }

    /** A file in memory. */
    static final class ArrayInput implements Input {
        private final byte[] b;
        /** The input's length: its bytes are {@code b[0, limit)} (the array may hold more after them). */
        private final int limit;

        ArrayInput(byte[] b) {
            this(b, b.length);
        }

        /** The first {@code limit} bytes of {@code b}. */
        ArrayInput(byte[] b, int limit) {
            java.util.Objects.checkFromIndexSize(0, limit, b.length);
            this.b = b;
            this.limit = limit;
        }

        @Override
        public long length() {
            return limit;
        }

        @Override
        public int at(long pos) {
            return pos >= 0 && pos < limit ? b[(int) pos] & 0xff : -1;
        }

        @Override
        public byte[] read(long pos, int n) {
            int from = (int) Math.max(0, Math.min(pos, limit));
            return java.util.Arrays.copyOfRange(b, from, (int) Math.min(limit, (long) from + n));
        }
    }

    /** Positional reads through a small LRU cache of pages: heap use does not grow with the file. */
    static final class ChannelInput implements Input {
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
