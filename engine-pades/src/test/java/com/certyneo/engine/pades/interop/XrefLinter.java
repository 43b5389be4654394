package com.certyneo.engine.pades.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small, strict linter of a PDF's cross-reference chain, written from ISO 32000-1 §7.5 and
 * sharing no code with PDFBox (or any other PDF library), so that it can judge what PDFBox writes.
 *
 * <p>It starts at the last {@code startxref}, walks every section through {@code /Prev} (classic
 * {@code xref} tables with their {@code trailer}, cross-reference streams, and hybrid sections whose
 * trailer names an {@code /XRefStm}) and reports:
 * <ul>
 * <li>a MIXED chain: a classic section whose {@code /Prev} is an xref stream, or the reverse (a hybrid
 * {@code /XRefStm} is not mixing);</li>
 * <li>an xref stream without an entry for its own object, or whose own entry has the wrong offset;</li>
 * <li>{@code /Size} not above every object number of its section, or smaller than the {@code /Size} of
 * the section it chains to;</li>
 * <li>an in-use entry whose offset does not land on {@code N G obj} of that object (leading white-space
 * allowed);</li>
 * <li>a {@code startxref}, {@code /Prev} or {@code /XRefStm} offset that does not land on {@code xref}
 * or on a cross-reference stream object;</li>
 * <li>a compressed entry whose object stream is not an in-use object holding a {@code /Type /ObjStm}
 * stream (or whose index is not below that stream's {@code /N});</li>
 * <li>a file that does not end with {@code %%EOF} (and white-space) after its last {@code startxref}:
 * an unfinished or truncated update.</li>
 * </ul>
 * Every message names the section (by its offset) and, where there is one, the object number.
 */
public final class XrefLinter {

    /** Upper bound on an inflated xref stream, against a compression bomb. */
    private static final int MAX_INFLATED = 256 * 1024 * 1024;
    /** Upper bound on the sections walked, besides loop detection. */
    private static final int MAX_SECTIONS = 100_000;

    private XrefLinter() {
    }

    /**
     * @param file a PDF file
     * @return the problems found, empty when the cross-reference chain is clean
     */
    public static List<String> lint(Path file) {
        try {
            return lint(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /**
     * @param pdf the bytes of a PDF
     * @return the problems found, empty when the cross-reference chain is clean
     */
    public static List<String> lint(byte[] pdf) {
        return new Linter(pdf).run();
    }

    // ------------------------------------------------------------------------------------------------
    // Model

    /** One cross-reference entry: type 0 free, 1 in use (offset, generation), 2 compressed (stream, index). */
    record Entry(long type, long field2, long field3) {
    }

    /** A PDF indirect reference. */
    record Ref(long num, long gen) {
    }

    /** A PDF name, without its slash, #xx escapes decoded. */
    record Name(String value) {
    }

    /** The PDF null object. */
    enum Null { NULL }

    /** A header {@code N G obj}: where it begins and where the object after it begins. */
    record ObjHeader(long num, long gen, int start, int bodyStart) {
    }

    /** One cross-reference section, or the /XRefStm stream of a hybrid section. */
    static final class Section {
        final int offset;
        final boolean stream;
        /** For a stream: its object header. */
        ObjHeader header;
        Map<String, Object> dict;
        Long size;
        Long prev;
        /** The entries of this section, in the order first listed; a number listed twice keeps the first. */
        final Map<Long, Entry> entries = new LinkedHashMap<>();
        /** The cross-reference stream a hybrid classic section names through /XRefStm. */
        Section hybrid;

        Section(int offset, boolean stream) {
            this.offset = offset;
            this.stream = stream;
        }

        String label() {
            return stream ? "section@" + offset + " (xref stream " + header.num + " " + header.gen + ")"
                    : "section@" + offset + " (xref table)";
        }
    }

    /** Thrown by the parser on malformed syntax; turned into a problem by the caller. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The linter

    private static final class Linter {
        private final byte[] b;
        private final List<String> problems = new ArrayList<>();
        /** Newest first. */
        private final List<Section> chain = new ArrayList<>();

        Linter(byte[] b) {
            this.b = b;
        }

        List<String> run() {
            int sx = lastIndexOf("startxref");
            if (sx < 0) {
                problems.add("no startxref keyword in the file");
                return problems;
            }
            long start;
            try {
                Parser p = new Parser(b, sx + "startxref".length());
                Object v = p.readObject();
                if (!(v instanceof Long l)) {
                    throw new Malformed("not an integer");
                }
                start = l;
                checkEnd(sx, p.pos);
            } catch (Malformed e) {
                problems.add("startxref@" + sx + ": no offset after the keyword (" + e.getMessage() + ")");
                return problems;
            }
            walk(start);
            for (int i = 0; i < chain.size(); i++) {
                checkSection(i);
            }
            return problems;
        }

        /** (g) the last startxref is followed by %%EOF and nothing else but white-space. */
        private void checkEnd(int sx, int afterOffset) {
            int at = skipWhite(afterOffset);
            if (!new Parser(b, at).startsWithPrefix("%%EOF")) {
                problems.add("startxref@" + sx + ": no %%EOF after the last startxref (found " + snippet(at) + ")");
                return;
            }
            int end = skipWhite(at + 5);
            if (end < b.length) {
                problems.add("startxref@" + sx + ": " + (b.length - end) + " bytes after the last %%EOF (an unfinished "
                        + "incremental update?), starting " + snippet(end));
            }
        }

        // ---- walking the chain

        private void walk(long start) {
            Set<Long> seen = new HashSet<>();
            long offset = start;
            String via = "startxref " + start;
            Section previous = null;
            while (true) {
                if (!seen.add(offset)) {
                    problems.add(previous.label() + ": /Prev " + offset
                            + " loops back to a section already in the chain");
                    return;
                }
                if (chain.size() >= MAX_SECTIONS) {
                    problems.add("more than " + MAX_SECTIONS + " sections in the chain; stopped");
                    return;
                }
                Section s = sectionAt(offset, via, false);
                if (s == null) {
                    return;
                }
                if (previous != null) {
                    if (previous.stream != s.stream) {
                        problems.add("MIXED chain: " + previous.label() + " has /Prev " + offset + " pointing at "
                                + (s.stream ? "an xref stream, " : "a classic xref table, ") + s.label());
                    }
                    if (previous.size != null && s.size != null && previous.size < s.size) {
                        problems.add(previous.label() + ": /Size " + previous.size + " is smaller than /Size "
                                + s.size + " of " + s.label() + " it chains to through /Prev");
                    }
                }
                chain.add(s);
                if (s.prev == null) {
                    return;
                }
                previous = s;
                offset = s.prev;
                via = s.label() + ": /Prev " + offset;
            }
        }

        /**
         * Parses the section an offset points to, or reports (e) and returns null.
         *
         * @param streamOnly for /XRefStm: only a cross-reference stream will do
         */
        private Section sectionAt(long offset, String via, boolean streamOnly) {
            if (offset < 0 || offset >= b.length) {
                problems.add(via + ": offset is outside the file (length " + b.length + ")");
                return null;
            }
            int at = skipWhite((int) offset);
            if (!streamOnly && startsWithKeyword(at, "xref")) {
                try {
                    return classic((int) offset, at);
                } catch (Malformed e) {
                    problems.add("section@" + offset + " (xref table): malformed: " + e.getMessage());
                    return null;
                }
            }
            ObjHeader h = objHeaderAt(at);
            if (h == null) {
                problems.add(via + ": does not land on " + (streamOnly ? "" : "'xref' or ")
                        + "a cross-reference stream object (found " + snippet(at) + ")");
                return null;
            }
            Map<String, Object> dict;
            Parser p = new Parser(b, h.bodyStart());
            try {
                Object o = p.readObject();
                dict = o instanceof Map<?, ?> m ? cast(m) : null;
            } catch (Malformed e) {
                dict = null;
            }
            if (dict == null || !new Name("XRef").equals(dict.get("Type")) || !followedByStream(p.pos)) {
                problems.add(via + ": lands on object " + h.num() + " " + h.gen()
                        + ", which is not a cross-reference stream (/Type /XRef ... stream)");
                return null;
            }
            Section s = new Section((int) offset, true);
            s.header = h;
            s.dict = dict;
            try {
                streamSection(s, p.pos);
            } catch (Malformed e) {
                problems.add(s.label() + ": malformed: " + e.getMessage());
                return null;
            }
            return s;
        }

        private Section classic(int offset, int at) {
            Section s = new Section(offset, false);
            Parser p = new Parser(b, at + 4);
            while (true) {
                p.skipWhiteAndComments();
                if (p.startsWithKeyword("trailer")) {
                    p.pos += "trailer".length();
                    break;
                }
                long first = p.readUnsigned("subsection start");
                long count = p.readUnsigned("subsection count");
                for (long i = 0; i < count; i++) {
                    long f2 = p.readUnsigned("entry offset of object " + (first + i));
                    long f3 = p.readUnsigned("entry generation of object " + (first + i));
                    p.skipWhiteAndComments();
                    int kind = p.pos < b.length ? b[p.pos] : -1;
                    if ((kind != 'n' && kind != 'f') || !p.isDelimiterOrWhite(p.pos + 1)) {
                        throw new Malformed("entry of object " + (first + i) + " is neither 'n' nor 'f' (found "
                                + snippet(p.pos) + ")");
                    }
                    p.pos++;
                    add(s, first + i, new Entry(kind == 'n' ? 1 : 0, f2, f3));
                }
            }
            Object trailer = p.readObject();
            if (!(trailer instanceof Map<?, ?> m)) {
                throw new Malformed("'trailer' is not followed by a dictionary");
            }
            s.dict = cast(m);
            s.size = integer(s, "Size", true);
            s.prev = integer(s, "Prev", false);
            Long xrefStm = integer(s, "XRefStm", false);
            if (xrefStm != null) {
                Section h = sectionAt(xrefStm, s.label() + ": /XRefStm " + xrefStm, true);
                if (h != null) {
                    s.hybrid = h;
                }
            }
            return s;
        }

        private void streamSection(Section s, int afterDict) {
            s.size = integer(s, "Size", true);
            s.prev = integer(s, "Prev", false);
            byte[] data = decode(s, streamData(s, afterDict));
            Object wObj = s.dict.get("W");
            if (!(wObj instanceof List<?> wl) || wl.size() != 3) {
                throw new Malformed("/W is not an array of three integers");
            }
            int[] w = new int[3];
            for (int i = 0; i < 3; i++) {
                if (!(wl.get(i) instanceof Long l) || l < 0 || l > 8) {
                    throw new Malformed("/W " + wl + " is not three integers in 0..8");
                }
                w[i] = (int) (long) l;
            }
            int width = w[0] + w[1] + w[2];
            if (width == 0) {
                throw new Malformed("/W is [0 0 0]");
            }
            List<long[]> index = new ArrayList<>();
            Object idx = s.dict.get("Index");
            if (idx == null) {
                if (s.size == null) {
                    throw new Malformed("no /Index and no /Size");
                }
                index.add(new long[] {0, s.size});
            } else {
                if (!(idx instanceof List<?> il) || il.size() % 2 != 0) {
                    throw new Malformed("/Index is not an array of integer pairs");
                }
                for (int i = 0; i < il.size(); i += 2) {
                    if (!(il.get(i) instanceof Long f) || !(il.get(i + 1) instanceof Long c) || f < 0 || c < 0) {
                        throw new Malformed("/Index " + il + " is not an array of non-negative integer pairs");
                    }
                    index.add(new long[] {f, c});
                }
            }
            long needed = 0;
            for (long[] range : index) {
                needed += range[1] * width;
            }
            if (needed > data.length) {
                problems.add(s.label() + ": decoded data has " + data.length + " bytes but /W and /Index need "
                        + needed + "; the missing entries are not checked");
            }
            int pos = 0;
            for (long[] range : index) {
                for (long i = 0; i < range[1]; i++) {
                    if (pos + width > data.length) {
                        return;
                    }
                    long type = w[0] == 0 ? 1 : field(data, pos, w[0]);
                    long f2 = field(data, pos + w[0], w[1]);
                    long f3 = field(data, pos + w[0] + w[1], w[2]);
                    pos += width;
                    add(s, range[0] + i, new Entry(type, f2, f3));
                }
            }
        }

        private void add(Section s, long num, Entry e) {
            if (s.entries.putIfAbsent(num, e) != null) {
                problems.add(s.label() + ": object " + num + " is listed twice");
            }
        }

        private byte[] streamData(Section s, int afterDict) {
            int p = skipWhiteAndCommentsFrom(afterDict);
            p += "stream".length();
            if (p < b.length && b[p] == '\r') {
                p++;
            }
            if (p < b.length && b[p] == '\n') {
                p++;
            }
            int dataStart = p;
            Object len = s.dict.get("Length");
            if (len instanceof Long l && l >= 0 && dataStart + l <= b.length) {
                int end = (int) (dataStart + l);
                if (startsWithKeyword(skipWhite(end), "endstream")) {
                    return java.util.Arrays.copyOfRange(b, dataStart, end);
                }
                problems.add(s.label() + ": /Length " + l + " does not end at 'endstream'");
            } else if (!(len instanceof Ref)) {
                problems.add(s.label() + ": /Length " + len + " is not a usable length");
            }
            int end = indexOf("endstream", dataStart);
            if (end < 0) {
                throw new Malformed("no 'endstream' after the stream data");
            }
            if (end > dataStart && b[end - 1] == '\n') {
                end--;
            }
            if (end > dataStart && b[end - 1] == '\r') {
                end--;
            }
            return java.util.Arrays.copyOfRange(b, dataStart, end);
        }

        private byte[] decode(Section s, byte[] raw) {
            List<Object> filters = asList(s.dict.get("Filter"));
            List<Object> parms = asList(s.dict.get("DecodeParms"));
            byte[] data = raw;
            for (int i = 0; i < filters.size(); i++) {
                Object f = filters.get(i);
                if (!(f instanceof Name n) || !(n.value().equals("FlateDecode") || n.value().equals("Fl"))) {
                    throw new Malformed("unsupported filter " + f);
                }
                data = inflate(s, data);
                Object parm = i < parms.size() ? parms.get(i) : null;
                if (parm instanceof Map<?, ?> m) {
                    data = unpredict(s, data, cast(m));
                }
            }
            return data;
        }

        private byte[] inflate(Section s, byte[] in) {
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(in);
                ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 4 + 64);
                byte[] buf = new byte[16384];
                while (!inflater.finished()) {
                    int n = inflater.inflate(buf);
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    out.write(buf, 0, n);
                    if (out.size() > MAX_INFLATED) {
                        throw new Malformed("inflates to more than " + MAX_INFLATED + " bytes");
                    }
                }
                return out.toByteArray();
            } catch (DataFormatException e) {
                throw new Malformed("FlateDecode fails: " + e.getMessage());
            } finally {
                inflater.end();
            }
        }

        private byte[] unpredict(Section s, byte[] in, Map<String, Object> parms) {
            long predictor = longOr(parms.get("Predictor"), 1);
            if (predictor == 1) {
                return in;
            }
            long colors = longOr(parms.get("Colors"), 1);
            long bpc = longOr(parms.get("BitsPerComponent"), 8);
            long columns = longOr(parms.get("Columns"), 1);
            if (colors < 1 || bpc < 1 || columns < 1 || colors * bpc * columns > Integer.MAX_VALUE / 2) {
                throw new Malformed("/DecodeParms " + parms + " are not usable");
            }
            int rowLen = (int) ((colors * bpc * columns + 7) / 8);
            int bpp = (int) Math.max(1, (colors * bpc + 7) / 8);
            if (predictor == 2) {
                if (bpc != 8) {
                    throw new Malformed("TIFF predictor with BitsPerComponent " + bpc + " is not supported");
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
                throw new Malformed("/Predictor " + predictor + " is not defined");
            }
            int rows = in.length / (rowLen + 1);
            if (in.length % (rowLen + 1) != 0) {
                problems.add(s.label() + ": predicted data of " + in.length + " bytes is not a whole number of "
                        + (rowLen + 1) + "-byte rows");
            }
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
                        default -> throw new Malformed("PNG row filter " + type + " in row " + r + " is not defined");
                    };
                    out[dst + i] = (byte) v;
                }
                System.arraycopy(out, dst, prior, 0, rowLen);
            }
            return out;
        }

        // ---- checks of one section

        private void checkSection(int i) {
            Section s = chain.get(i);
            List<Section> parts = new ArrayList<>();
            parts.add(s);
            if (s.hybrid != null) {
                parts.add(s.hybrid);
            }
            // (b) the stream's own entry
            if (s.stream) {
                checkSelf(s, s.entries.get(s.header.num()), s.label());
            }
            if (s.hybrid != null) {
                Section h = s.hybrid;
                Entry own = h.entries.get(h.header.num());
                if (own == null || own.type() == 0) {
                    Entry classic = s.entries.get(h.header.num());
                    if (classic != null) {
                        own = classic;
                    }
                }
                checkSelf(h, own, s.label() + ": /XRefStm " + h.label());
            }
            Map<Long, String> stmChecked = new HashMap<>();
            for (Section part : parts) {
                String label = part == s ? s.label() : s.label() + ": /XRefStm " + part.label();
                for (Map.Entry<Long, Entry> me : part.entries.entrySet()) {
                    long num = me.getKey();
                    Entry e = me.getValue();
                    // (c) /Size above every object number of the section
                    if (s.size != null && num >= s.size) {
                        problems.add(s.label() + ": object " + num + " is listed but /Size is " + s.size);
                    }
                    if (part != s && part.size != null && num >= part.size) {
                        problems.add(label + ": object " + num + " is listed but the stream's /Size is " + part.size);
                    }
                    if (e.type() == 1) {
                        // (d) in-use entries land on their object
                        String bad = landsOn(e.field2(), num, e.field3());
                        if (bad != null) {
                            problems.add(label + ": object " + num + " " + e.field3() + ": offset " + e.field2()
                                    + " " + bad);
                        }
                    } else if (e.type() == 2) {
                        // (f) compressed entries are in an object stream
                        String bad = stmChecked.computeIfAbsent(e.field2(), stm -> checkObjStm(i, stm));
                        if (bad == null) {
                            bad = checkObjStmIndex(i, e.field2(), e.field3());
                        }
                        if (bad != null) {
                            problems.add(label + ": object " + num + " (compressed in object stream " + e.field2()
                                    + " at index " + e.field3() + "): " + bad);
                        }
                    }
                }
            }
        }

        private void checkSelf(Section x, Entry own, String label) {
            long num = x.header.num();
            if (own == null) {
                problems.add(label + ": no entry for its own object number " + num);
            } else if (own.type() != 1) {
                problems.add(label + ": its own entry (object " + num + ") has type " + own.type() + ", not 1 (in use)");
            } else if (own.field2() != x.header.start() || own.field3() != x.header.gen()) {
                problems.add(label + ": its own entry (object " + num + ") says offset " + own.field2()
                        + " generation " + own.field3() + ", but the object is at offset " + x.header.start()
                        + " with generation " + x.header.gen());
            }
        }

        private final Map<String, Object[]> objStmCache = new HashMap<>();

        /** @return null when object {@code stm} is, as seen from section {@code i}, an in-use ObjStm */
        private String checkObjStm(int i, long stm) {
            Entry e = resolve(i, stm);
            if (e == null) {
                return "object " + stm + " has no cross-reference entry";
            }
            if (e.type() != 1) {
                return "object " + stm + " is not an in-use uncompressed object (entry type " + e.type() + ")";
            }
            if (e.field3() != 0) {
                return "object " + stm + " has generation " + e.field3() + ", but an object stream's is implicitly 0";
            }
            String bad = landsOn(e.field2(), stm, e.field3());
            if (bad != null) {
                return "object " + stm + " at offset " + e.field2() + " " + bad;
            }
            ObjHeader h = objHeaderAt(skipWhite((int) e.field2()));
            Parser p = new Parser(b, h.bodyStart());
            Map<String, Object> dict;
            try {
                Object o = p.readObject();
                dict = o instanceof Map<?, ?> m ? cast(m) : null;
            } catch (Malformed ex) {
                return "object " + stm + " at offset " + e.field2() + " cannot be parsed: " + ex.getMessage();
            }
            if (dict == null || !new Name("ObjStm").equals(dict.get("Type")) || !followedByStream(p.pos)) {
                return "object " + stm + " at offset " + e.field2() + " is not a /Type /ObjStm stream";
            }
            objStmCache.put(i + ":" + stm, new Object[] {dict.get("N")});
            return null;
        }

        private String checkObjStmIndex(int i, long stm, long index) {
            Object[] cached = objStmCache.get(i + ":" + stm);
            if (cached != null && cached[0] instanceof Long n && index >= n) {
                return "index " + index + " is not below the object stream's /N " + n;
            }
            return null;
        }

        /** The entry for object {@code num} as section {@code i} sees it: itself, its /XRefStm, then /Prev. */
        private Entry resolve(int i, long num) {
            for (int j = i; j < chain.size(); j++) {
                Section s = chain.get(j);
                Entry e = s.entries.get(num);
                if (s.hybrid != null && (e == null || e.type() == 0)) {
                    Entry h = s.hybrid.entries.get(num);
                    if (h != null) {
                        e = h;
                    }
                }
                if (e != null) {
                    return e;
                }
            }
            return null;
        }

        /** @return null if {@code offset} (after white-space) begins {@code num gen obj}, else what is wrong */
        private String landsOn(long offset, long num, long gen) {
            if (offset < 0 || offset >= b.length) {
                return "is outside the file (length " + b.length + ")";
            }
            int at = skipWhite((int) offset);
            ObjHeader h = objHeaderAt(at);
            if (h == null) {
                return "does not land on '" + num + " " + gen + " obj' (found " + snippet(at) + ")";
            }
            if (h.num() != num || h.gen() != gen) {
                return "lands on '" + h.num() + " " + h.gen() + " obj', not '" + num + " " + gen + " obj'";
            }
            return null;
        }

        // ---- lexical helpers

        private Long integer(Section s, String key, boolean required) {
            Object v = s.dict.get(key);
            if (v == null) {
                if (required) {
                    problems.add(s.label() + ": no /" + key);
                }
                return null;
            }
            if (v instanceof Long l && l >= 0) {
                return l;
            }
            problems.add(s.label() + ": /" + key + " " + v + " is not a non-negative integer");
            return null;
        }

        private ObjHeader objHeaderAt(int at) {
            Parser p = new Parser(b, at);
            long num = p.digits();
            if (num < 0 || !p.white()) {
                return null;
            }
            long gen = p.digits();
            if (gen < 0 || !p.white()) {
                return null;
            }
            if (!p.startsWithKeyword("obj")) {
                return null;
            }
            return new ObjHeader(num, gen, at, p.pos + 3);
        }

        private boolean followedByStream(int pos) {
            return startsWithKeyword(skipWhiteAndCommentsFrom(pos), "stream");
        }

        private boolean startsWithKeyword(int at, String kw) {
            return new Parser(b, at).startsWithKeyword(kw);
        }

        private int skipWhite(int at) {
            while (at < b.length && Parser.isWhite(b[at])) {
                at++;
            }
            return at;
        }

        private int skipWhiteAndCommentsFrom(int at) {
            Parser p = new Parser(b, at);
            p.skipWhiteAndComments();
            return p.pos;
        }

        private int lastIndexOf(String s) {
            byte[] k = s.getBytes(StandardCharsets.ISO_8859_1);
            outer:
            for (int i = b.length - k.length; i >= 0; i--) {
                for (int j = 0; j < k.length; j++) {
                    if (b[i + j] != k[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private int indexOf(String s, int from) {
            byte[] k = s.getBytes(StandardCharsets.ISO_8859_1);
            outer:
            for (int i = from; i <= b.length - k.length; i++) {
                for (int j = 0; j < k.length; j++) {
                    if (b[i + j] != k[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private String snippet(int at) {
            if (at >= b.length) {
                return "end of file";
            }
            StringBuilder sb = new StringBuilder("\"");
            for (int i = at; i < Math.min(b.length, at + 16); i++) {
                int c = b[i] & 0xff;
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
        if (o == null || o == Null.NULL) {
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

    // ------------------------------------------------------------------------------------------------
    // A minimal PDF object parser: dictionaries, arrays, names, numbers, strings, references, keywords.

    static final class Parser {
        private final byte[] b;
        int pos;
        private int depth;

        Parser(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        static boolean isWhite(byte c) {
            return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
        }

        static boolean isDelimiter(byte c) {
            return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}'
                    || c == '/' || c == '%';
        }

        boolean isDelimiterOrWhite(int at) {
            return at >= b.length || isWhite(b[at]) || isDelimiter(b[at]);
        }

        boolean startsWithPrefix(String prefix) {
            if (pos + prefix.length() > b.length) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (b[pos + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        boolean startsWithKeyword(String kw) {
            if (pos + kw.length() > b.length) {
                return false;
            }
            for (int i = 0; i < kw.length(); i++) {
                if (b[pos + i] != kw.charAt(i)) {
                    return false;
                }
            }
            return isDelimiterOrWhite(pos + kw.length());
        }

        /** Consumes at least one white-space byte; false (and nothing consumed) if there is none. */
        boolean white() {
            int start = pos;
            while (pos < b.length && isWhite(b[pos])) {
                pos++;
            }
            return pos > start;
        }

        void skipWhiteAndComments() {
            while (pos < b.length) {
                if (isWhite(b[pos])) {
                    pos++;
                } else if (b[pos] == '%') {
                    while (pos < b.length && b[pos] != '\n' && b[pos] != '\r') {
                        pos++;
                    }
                } else {
                    return;
                }
            }
        }

        /** Reads an unsigned decimal integer at pos; -1 (nothing consumed) if there is none. */
        long digits() {
            int start = pos;
            long v = 0;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                if (pos - start >= 18) {
                    pos = start;
                    return -1;
                }
                v = v * 10 + (b[pos] - '0');
                pos++;
            }
            return pos > start ? v : -1;
        }

        long readUnsigned(String what) {
            skipWhiteAndComments();
            int start = pos;
            long v = digits();
            if (v < 0 || !isDelimiterOrWhite(pos)) {
                pos = start;
                throw new Malformed("expected the " + what + " at offset " + start);
            }
            return v;
        }

        Object readObject() {
            skipWhiteAndComments();
            if (pos >= b.length) {
                throw new Malformed("unexpected end of file");
            }
            if (++depth > 100) {
                throw new Malformed("objects nested too deeply at offset " + pos);
            }
            try {
                return readObjectInner();
            } finally {
                depth--;
            }
        }

        private Object readObjectInner() {
            byte c = b[pos];
            if (c == '<' && pos + 1 < b.length && b[pos + 1] == '<') {
                pos += 2;
                Map<String, Object> dict = new LinkedHashMap<>();
                while (true) {
                    skipWhiteAndComments();
                    if (pos + 1 < b.length && b[pos] == '>' && b[pos + 1] == '>') {
                        pos += 2;
                        return dict;
                    }
                    Object key = readObject();
                    if (!(key instanceof Name n)) {
                        throw new Malformed("dictionary key " + key + " is not a name at offset " + pos);
                    }
                    dict.put(n.value(), readObject());
                }
            }
            if (c == '[') {
                pos++;
                List<Object> list = new ArrayList<>();
                while (true) {
                    skipWhiteAndComments();
                    if (pos < b.length && b[pos] == ']') {
                        pos++;
                        return list;
                    }
                    list.add(readObject());
                }
            }
            if (c == '/') {
                pos++;
                StringBuilder sb = new StringBuilder();
                while (pos < b.length && !isWhite(b[pos]) && !isDelimiter(b[pos])) {
                    if (b[pos] == '#' && pos + 2 < b.length) {
                        sb.append((char) Integer.parseInt(new String(b, pos + 1, 2, StandardCharsets.ISO_8859_1), 16));
                        pos += 3;
                    } else {
                        sb.append((char) (b[pos++] & 0xff));
                    }
                }
                return new Name(sb.toString());
            }
            if (c == '(') {
                int start = ++pos;
                int nest = 1;
                while (pos < b.length) {
                    byte x = b[pos++];
                    if (x == '\\') {
                        pos++;
                    } else if (x == '(') {
                        nest++;
                    } else if (x == ')' && --nest == 0) {
                        return java.util.Arrays.copyOfRange(b, start, pos - 1);
                    }
                }
                throw new Malformed("unterminated string");
            }
            if (c == '<') {
                int end = pos;
                while (end < b.length && b[end] != '>') {
                    end++;
                }
                if (end >= b.length) {
                    throw new Malformed("unterminated hex string");
                }
                byte[] raw = java.util.Arrays.copyOfRange(b, pos + 1, end);
                pos = end + 1;
                return raw;
            }
            if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) {
                return readNumberOrRef();
            }
            int start = pos;
            while (pos < b.length && !isWhite(b[pos]) && !isDelimiter(b[pos])) {
                pos++;
            }
            String kw = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            return switch (kw) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> Null.NULL;
                default -> throw new Malformed("unexpected " + (kw.isEmpty() ? "'" + (char) c + "'" : "'" + kw + "'")
                        + " at offset " + start);
            };
        }

        private Object readNumberOrRef() {
            int start = pos;
            if (b[pos] == '+' || b[pos] == '-') {
                pos++;
            }
            boolean dot = false;
            while (pos < b.length && ((b[pos] >= '0' && b[pos] <= '9') || (b[pos] == '.' && !dot))) {
                dot |= b[pos] == '.';
                pos++;
            }
            String text = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            if (dot) {
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new Malformed("bad number '" + text + "' at offset " + start);
                }
            }
            long value;
            try {
                value = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            } catch (NumberFormatException e) {
                throw new Malformed("bad number '" + text + "' at offset " + start);
            }
            if (value >= 0 && b[start] != '+') {
                int save = pos;
                if (white()) {
                    long gen = digits();
                    if (gen >= 0 && white() && pos < b.length && b[pos] == 'R' && isDelimiterOrWhite(pos + 1)) {
                        pos++;
                        return new Ref(value, gen);
                    }
                }
                pos = save;
            }
            return value;
        }
    }
}
