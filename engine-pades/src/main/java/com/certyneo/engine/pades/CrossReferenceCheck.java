package com.certyneo.engine.pades;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.certyneo.engine.pades.PdfSyntax.ArrayInput;
import com.certyneo.engine.pades.PdfSyntax.ChannelInput;
import com.certyneo.engine.pades.PdfSyntax.Input;
import com.certyneo.engine.pades.PdfSyntax.Malformed;
import com.certyneo.engine.pades.PdfSyntax.Name;
import com.certyneo.engine.pades.PdfSyntax.Parser;
import com.certyneo.engine.pades.PdfSyntax.Ref;

import static com.certyneo.engine.pades.PdfSyntax.cast;
import static com.certyneo.engine.pades.PdfSyntax.field;
import static com.certyneo.engine.pades.PdfSyntax.isWhite;

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
 * <li>that {@code startxref} is also the one PDFBox starts from (the last one before the last {@code %%EOF}
 * in the final {@value #PDFBOX_TAIL} bytes), or names the same offset;</li>
 * <li>every {@code /Prev} and every hybrid {@code /XRefStm} lands the same way, with no loop;</li>
 * <li>every in-use entry (classic {@code n}, stream type 1) lands, after white-space, on {@code N G obj}
 * of that object number and generation; not checked are object 0 (some producers mark it in use), a cross-reference
 * stream's entries at offset 0 ({@link Inspection#atOffsetZero}: no damage while nothing refers to them, unless an
 * older section lists the object; a table's are damage, since iText rebuilds such a table), and
 * entries superseded by an in-use or compressed entry of a newer section (or an earlier one in the same
 * section or in the classic part of a hybrid section), which neither PDFBox nor qpdf ever reads;</li>
 * <li>every compressed entry (stream type 2) names an object stream that has an in-use entry somewhere
 * in the chain (the object stream itself is not decoded);</li>
 * <li>the dictionary of the newest section (trailer or xref stream) has {@code /Root}, naming an object with an
 * in-use or compressed entry (unless an xref stream's entries could not be decoded).</li>
 * </ul>
 * It deliberately ignores what readers cope with without a rebuild: chains mixing tables and streams,
 * missing self-entries of incremental xref streams, {@code /Size} larger than needed, free entries,
 * objects listed twice, linearized files (whose last {@code startxref} names the first-page section),
 * entry lines of 19 or 21 bytes or with any end-of-line pair (but not a comment among the entries, which qpdf and MuPDF
 * do not read), subsections starting anywhere, a wrong
 * xref stream {@code /Length} when {@code endstream} follows the data, and xref streams it cannot decode (a
 * predictor it does not implement: their entries are not checked, the chain still is). The general-purpose filters
 * (Flate, LZW, ASCIIHex, ASCII85, RunLength: {@link PdfSyntax#decode}) are decoded strictly, so data one of them does
 * not define is damage, as it is for qpdf; any other filter is damage, since no reader decodes it. Xref streams are
 * never encrypted (ISO 32000-1 §7.6.1), so encrypted files are checked too.
 *
 * <p>Hostile input is bounded: at most {@value #MAX_SECTIONS} sections, {@value #MAX_ENTRIES} entries,
 * {@value #MAX_INFLATED} bytes per decoded stream, nesting depth {@value PdfSyntax#MAX_DEPTH}, no recursion
 * beyond that; the file variant reads through a small page cache, so its heap use does not grow with the
 * file. Any malformation is reported as damage; only I/O failures are thrown.
 */
final class CrossReferenceCheck {

    /**
     * How far from the end the last {@code startxref} is searched: qpdf's window (qpdf reconstructs a file
     * whose last {@code startxref} starts further away).
     */
    static final int TAIL = 1054;
    /** How far from the end PDFBox looks for {@code %%EOF} and the {@code startxref} before it. */
    static final int PDFBOX_TAIL = 2048;
    /** Sections (including hybrid /XRefStm streams) followed at most. */
    static final int MAX_SECTIONS = 100_000;
    /** Entries read at most, over all sections. */
    static final long MAX_ENTRIES = 50_000_000L;
    /** In-use entries at offset 0 left out at most ({@link Inspection#atOffsetZero}); any further one is damage. */
    static final int MAX_AT_OFFSET_ZERO = 10_000;
    /** Bytes one decoded cross-reference stream may have at most (and its raw data). */
    static final int MAX_INFLATED = 64 * 1024 * 1024;
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
        return inspect(pdf).damage();
    }

    /**
     * What one check found: the first damage, if any, and the number of objects the chain lists (distinct
     * object numbers with an in-use or compressed entry; when damaged, those read before the damage).
     *
     * @param damage the first damage found, if any
     * @param objects the number of objects listed
     * @param contradiction whether the damage is a chain that reads without repair but whose sections contradict
     *                      each other (no rebuilt table settles what it means)
     * @param chain the chain as PDFBox resolves it, or null ({@link #resolved})
     * @param atOffsetZero the objects whose newest entry is a cross-reference stream's, in use at offset 0, the file's
     *                     header (ISO 32000-1 §7.5.8 has no such entry; producers write it for objects nothing uses):
     *                     no damage as long as nothing refers to them, which only a load of the document tells
     *                     ({@link PdfInputs#requireUnreferenced})
     */
    record Inspection(Optional<String> damage, long objects, boolean contradiction, Chain chain, Set<Long> atOffsetZero) {

        Inspection {
            atOffsetZero = Set.copyOf(atOffsetZero);
        }

        Inspection(Optional<String> damage, long objects, boolean contradiction) {
            this(damage, objects, contradiction, null, Set.of());
        }

        /** @return the chain as PDFBox resolves it, when the check read one it can tell ({@link Chain}) */
        Optional<Chain> resolved() {
            return Optional.ofNullable(chain);
        }
    }

    /**
     * The cross-reference chain of an intact file as PDFBox's strict reading resolves it ({@code COSParser.parseXref}
     * and {@code XrefTrailerResolver}), read by this check on its way. Told only where both readings take the same
     * sections, the same bytes and the same entries: a {@code %%EOF} where PDFBox looks for it (its strict reading
     * refuses a file without), white-space after the last {@code startxref}, no hybrid {@code /XRefStm}, no {@code /Encrypt}, no literal string, comment or NUL in
     * a section's dictionary ({@link Checker#plainDictionary}), and each section either
     * <ul>
     *   <li>a cross-reference stream whose data starts right after {@code stream} and its end of line and is exactly
     *   its {@code /Length} (not 0), FlateDecode or unfiltered, its
     *   entries of types 0 to 2, its {@code /Index} ranges apart and its {@code /W} within PDFBox's 20 bytes; or</li>
     *   <li>a classic table laid out as ISO 32000-1 §7.5.4 lays it out ({@link Checker#laidOut}).</li>
     * </ul>
     * Anything else is left to PDFBox, which reads the chain itself.
     *
     * <p>{@code entries} holds four numbers per entry, in the order PDFBox merges them (the oldest section first,
     * each section's entries in order): the object number; the generation (0 for a compressed object); the offset,
     * or minus the number of the object stream holding it; the index in that object stream, or -1 for an offset.
     * A later entry for the same number and generation replaces the value, as {@code Map.putAll} does. Free entries
     * are left out, as PDFBox leaves them out.
     *
     * @param startxref the offset the final {@code startxref} names (the newest section)
     * @param stream    whether the newest section is a cross-reference stream (else a table)
     * @param entries   the entries, four numbers each
     * @param trailer   every section's dictionary merged, the newer entries over the older ones (as PDFBox merges
     *                  its trailers; an xref stream's dictionary is its section's trailer)
     */
    record Chain(long startxref, boolean stream, long[] entries, Map<String, Object> trailer) {
    }

    /** {@link #damage(byte[])}, with the number of objects listed. */
    static Inspection inspect(byte[] pdf) {
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
        return inspect(file).damage();
    }

    /** {@link #damage(Path)}, with the number of objects listed. */
    /** {@link #inspect(byte[])} of bytes already open for reading. */
    static Inspection inspect(Input input) {
        return run(input);
    }

    static Inspection inspect(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return run(new ChannelInput(channel));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Inspection run(Input input) {
        Checker checker = new Checker(input);
        try {
            checker.run();
            return new Inspection(Optional.empty(), checker.objects(), false, checker.chain(), checker.atOffsetZero);
        } catch (Damage d) {
            return new Inspection(Optional.of(d.getMessage()), checker.objects(), d instanceof Contradiction);
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // Bounded parsing should not get here; if hostile bytes do, the chain is not followable.
            return new Inspection(Optional.of("its cross-reference data cannot be followed ("
                    + e.getClass().getSimpleName() + ")"), checker.objects(), false);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The check

    /** The damage found, thrown to stop at the first one. */
    private static class Damage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damage(String message) {
            super(message, null, false, false);
        }
    }

    /** Sections that each read as written but contradict one another. */
    private static final class Contradiction extends Damage {
        private static final long serialVersionUID = 1L;

        Contradiction(String message) {
            super(message);
        }
    }

    /** The general-purpose stream filters of ISO 32000-1 §7.4 and their abbreviations: what an xref stream may use. */
    private static final Set<String> GENERAL_FILTERS = Set.of("FlateDecode", "Fl", "LZWDecode", "LZW", "ASCIIHexDecode",
            "AHx", "ASCII85Decode", "A85", "RunLengthDecode", "RL");

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
        /** Object numbers whose newest entry is a stream's, in use at offset 0; {@link Inspection#atOffsetZero}. */
        private final Set<Long> atOffsetZero = new java.util.TreeSet<>();
        /** Object streams named by compressed entries, with one object stored in each (for the message). */
        private final Map<Long, Long> objectStreams = new HashMap<>();
        private long entries;
        private int sections;
        /** Whether a section's entries could not be read (an xref stream filter this check does not decode). */
        private boolean entriesUnread;
        /** The offset the final {@code startxref} names. */
        private long start = -1;
        /** Whether the newest section is a cross-reference stream. */
        private boolean newestStream;
        /**
         * The sections read, newest first, as PDFBox resolves them ({@link Chain}): each one's dictionary and entries;
         * null once a section is one whose PDFBox reading this check does not tell.
         */
        private List<Map<String, Object>> chainTrailers = new ArrayList<>();
        private List<long[]> chainEntries = new ArrayList<>();
        /** The entries told so far (four numbers each in {@link #chainEntries}). */
        private long chainEntryCount;

        Checker(Input in) {
            this.in = in;
            this.length = in.length();
        }

        /** @return the chain read, as PDFBox resolves it ({@link Chain}), or null when it is not one this check tells */
        Chain chain() {
            if (chainTrailers == null || start < 0) {
                return null;
            }
            long[] all = new long[Math.toIntExact(4 * chainEntryCount)];
            int at = 0;
            Map<String, Object> trailer = new java.util.LinkedHashMap<>();
            for (int i = chainEntries.size() - 1; i >= 0; i--) { // oldest first, as PDFBox merges them
                long[] section = chainEntries.get(i);
                System.arraycopy(section, 0, all, at, section.length);
                at += section.length;
                trailer.putAll(chainTrailers.get(i));
            }
            return new Chain(start, newestStream, all, trailer);
        }

        /** The chain is not one whose PDFBox reading this check tells (see {@link Chain}). */
        private void untold() {
            chainTrailers = null;
            chainEntries = null;
        }

        /** @return the distinct objects with an in-use or compressed entry in the sections read so far */
        long objects() {
            return superseding.cardinality() + supersedingHigh.size();
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
            requireSameStartAsPdfBox(sx, start);
            this.start = start;
            int after = in.at(sx + "startxref".length());
            if (after != ' ' && after != '\n' && after != '\r' && after != '\t') {
                untold(); // PDFBox reads 'startxref' as a token up to white-space: 'startxref193' is not one to it
            }
            Set<Long> visited = new HashSet<>();
            long offset = start;
            String via = "its last 'startxref'";
            boolean newest = true;
            Ref root = null;
            boolean newestEncrypted = false;
            while (true) {
                if (!visited.add(offset)) {
                    throw new Damage(via + " loops back to the cross-reference section at offset " + offset);
                }
                Map<String, Object> dict = section(offset, via, false);
                if (newest) {
                    newestStream = isStream(offset);
                    if (!(dict.get("Root") instanceof Ref r)) {
                        throw new Damage("the " + (isStream(offset) ? "cross-reference stream" : "trailer")
                                + " of its newest section (offset " + offset + ") has no /Root reference");
                    }
                    root = r;
                    newestEncrypted = dict.containsKey("Encrypt");
                } else if (!newestEncrypted && dict.containsKey("Encrypt")) {
                    // ISO 32000-1 §7.5.6: an update's trailer repeats every entry of the previous one but /Prev
                    throw new Contradiction("the " + (isStream(start) ? "cross-reference stream" : "trailer")
                            + " of its newest section (offset " + start + ") drops the /Encrypt of the section at "
                            + "offset " + offset + ", so PDFBox (and DSS) read the document as encrypted and qpdf, MuPDF "
                            + "and pdf.js as not encrypted, each decoding its strings and streams differently (an "
                            + "incremental writer that ignored the encryption wrote the newest revision)");
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
            for (long num : atOffsetZero) {
                if (listed(num)) {
                    // PDFBox reads the older entry, a reader that takes the newest one finds no object
                    throw new Damage("the cross-reference entry of object " + num + " points at offset 0, where no "
                            + "object " + num + " starts, and an older section lists the object elsewhere");
                }
            }
            for (Map.Entry<Long, Long> e : objectStreams.entrySet()) {
                if (!hasInUse(e.getKey())) {
                    throw new Damage("object " + e.getValue() + " is stored in object stream " + e.getKey()
                            + ", which has no in-use cross-reference entry");
                }
            }
            if (!entriesUnread && !listed(root.num())) {
                // readers cannot find the catalog: PDFBox then scans the file for one (any "N G obj" holding
                // /Type /Catalog, even object 0), others give up
                throw new Damage("the /Root of its newest section (offset " + start + ") is " + root.num() + " "
                        + root.gen() + " R, an object no cross-reference entry lists");
            }
        }

        /** Whether {@code num} has an in-use or compressed entry (object 0, the free list's head, never has). */
        private boolean listed(long num) {
            return num > 0 && (num < BITSET_LIMIT ? superseding.get((int) num) : supersedingHigh.contains(num));
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
                        p.skipWhite();
                        if (in.at(p.pos) == '%') {
                            // §7.5.4's entries are 20 bytes each, one after the other: qpdf and MuPDF rebuild such a table
                            throw new Damage(label + " has a comment among its entries (at offset " + p.pos + ", before "
                                    + "the entry of object " + num + "), where only 20-byte entries may stand");
                        }
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
                            inUse(num, f2, f3, false);
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
            long[] told = xrefStm == null && chainEntries != null && !dict.containsKey("Encrypt")
                    ? laidOut(at, p.pos) : null;
            if (told == null) {
                untold(); // a hybrid file, or a table PDFBox's line reading may read otherwise
            } else {
                tell(told, dict); // PDFBox's trailer: the dictionary as parsed
            }
            if (xrefStm != null) {
                if (!(xrefStm instanceof Long x) || x < 0) {
                    throw new Damage("the /XRefStm of " + label + " is not an offset");
                }
                section(x, "the /XRefStm of " + label, true);
            }
            return dict;
        }

        /**
         * The entries of a classic table as PDFBox reads them ({@code COSParser.parseXrefTable}: a line at a time,
         * split at each white-space character, an in-use entry at offset 0 left out, the first entry of an object
         * within one table kept), four numbers each as {@link Chain#entries}; told only for a table laid out as ISO
         * 32000-1 §7.5.4 lays it out, where that reading and this check's cannot differ: white-space without comments
         * after {@code xref}, each subsection header two numbers and one space then an end of line, each entry 20
         * bytes ({@code nnnnnnnnnn ggggg n} and one of space-CR, space-LF or CR-LF), subsections apart, white-space and
         * {@code trailer}, and a trailer dictionary without a literal string; null for any other table.
         *
         * @param at         where {@code xref} starts
         * @param trailerEnd where the trailer dictionary ends
         */
        private long[] laidOut(long at, long trailerEnd) {
            long pos = at + 4;
            long start = pos;
            while (in.at(pos) == ' ' || in.at(pos) == '\r' || in.at(pos) == '\n') {
                pos++;
            }
            if (pos == start) {
                return null;
            }
            long[] told = new long[64];
            int kept = 0;
            List<long[]> ranges = new ArrayList<>();
            while (in.at(pos) >= '0' && in.at(pos) <= '9') {
                long first = 0;
                long count = 0;
                int n = 0;
                for (; in.at(pos) >= '0' && in.at(pos) <= '9' && n < 11; n++, pos++) {
                    first = first * 10 + in.at(pos) - '0';
                }
                if (n > 10 || in.at(pos++) != ' ') {
                    return null;
                }
                for (n = 0; in.at(pos) >= '0' && in.at(pos) <= '9' && n < 11; n++, pos++) {
                    count = count * 10 + in.at(pos) - '0';
                }
                if (n == 0 || n > 10 || first + count >= 1L << 40) {
                    return null;
                }
                if (in.at(pos) == '\r') {
                    pos += in.at(pos + 1) == '\n' ? 2 : 1;
                } else if (in.at(pos) == '\n') {
                    pos++;
                } else {
                    return null;
                }
                ranges.add(new long[] {first, count});
                if (chainEntryCount + kept / 4 + count > MAX_TOLD) {
                    return null;
                }
                for (long i = 0; i < count; i++, pos += 20) {
                    long offset = fixedDigits(pos, 10);
                    long gen = fixedDigits(pos + 11, 5);
                    int kind = in.at(pos + 17);
                    int eol1 = in.at(pos + 18);
                    int eol2 = in.at(pos + 19);
                    if (offset < 0 || gen < 0 || in.at(pos + 10) != ' ' || in.at(pos + 16) != ' '
                            || (kind != 'n' && kind != 'f')
                            || !(eol1 == ' ' && (eol2 == '\r' || eol2 == '\n') || eol1 == '\r' && eol2 == '\n')) {
                        return null;
                    }
                    if (kind == 'n' && offset > 0) {
                        if (gen > 0xFFFF) {
                            return null;
                        }
                        if (kept + 4 > told.length) {
                            told = java.util.Arrays.copyOf(told, told.length * 2);
                        }
                        told[kept++] = first + i;
                        told[kept++] = gen;
                        told[kept++] = offset;
                        told[kept++] = -1;
                    }
                }
            }
            while (in.at(pos) == ' ' || in.at(pos) == '\r' || in.at(pos) == '\n') {
                pos++;
            }
            if (!new Parser(in, pos).startsWithKeyword("trailer") || ranges.isEmpty() || trailerEnd - pos > 4096
                    || overlap(ranges)) {
                return null;
            }
            if (!plainDictionary(pos, trailerEnd)) {
                return null;
            }
            return java.util.Arrays.copyOf(told, kept);
        }

        /**
         * Whether a section's dictionary, {@code [from, to)}, holds nothing PDFBox may read otherwise than this check:
         * no literal string (escapes, line ends), no comment, no NUL (white-space to this check, a character that ends a
         * hex string to PDFBox).
         */
        private boolean plainDictionary(long from, long to) {
            for (byte b : in.read(from, (int) (to - from))) {
                if (b == '(' || b == '%' || b == 0) {
                    return false;
                }
            }
            return true;
        }

        /** The value of exactly {@code n} decimal digits at {@code pos}, or -1. */
        private long fixedDigits(long pos, int n) {
            long value = 0;
            for (int i = 0; i < n; i++) {
                int c = in.at(pos + i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + c - '0';
            }
            return value;
        }

        /** Whether two of the ranges (first, count) share an object number. */
        private static boolean overlap(List<long[]> ranges) {
            List<long[]> sorted = new ArrayList<>(ranges);
            sorted.sort(java.util.Comparator.comparingLong(r -> r[0]));
            for (int i = 1; i < sorted.size(); i++) {
                long[] before = sorted.get(i - 1);
                if (before[1] > 0 && before[0] + before[1] > sorted.get(i)[0]) {
                    return true;
                }
            }
            return false;
        }

        // ---- cross-reference streams

        private void stream(long offset, Map<String, Object> dict, Parser afterDict) {
            String label = "the cross-reference stream at offset " + offset;
            int[] w = widths(dict.get("W"), label);
            int width = w[0] + w[1] + w[2];
            List<long[]> index = index(dict, label);
            exactLength = false;
            byte[] data = decode(dict, streamData(dict, afterDict, label), label);
            if (data == null) {
                entriesUnread = true;
                untold();
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
            long[] told = tellable(offset, afterDict.pos, dict, index, width, needed)
                    ? new long[(int) (needed / width * 4)] : null;
            int kept = 0;
            int pos = 0;
            for (long[] range : index) {
                for (long i = 0; i < range[1]; i++) {
                    long num = range[0] + i;
                    long type = w[0] == 0 ? 1 : field(data, pos, w[0]);
                    long f2 = field(data, pos + w[0], w[1]);
                    long f3 = field(data, pos + w[0] + w[1], w[2]);
                    pos += width;
                    countEntry();
                    if (told != null && type != 0) {
                        // PDFBox: type 1 an offset and a generation, any other type a compressed object
                        if (type > 2 || num >= 1L << 40 || f2 < 0 || f3 > (type == 1 ? 0xFFFF : Integer.MAX_VALUE)) {
                            told = null;
                            untold();
                        } else {
                            told[kept++] = num;
                            told[kept++] = type == 1 ? f3 : 0;
                            told[kept++] = type == 1 ? f2 : -f2;
                            told[kept++] = type == 1 ? -1 : f3;
                        }
                    }
                    if (type == 1) {
                        inUse(num, f2, f3, true);
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
            if (told != null) {
                // PDFBox's stream is made with /Length, then takes the dictionary's entries (COSDocument.createCOSStream)
                Map<String, Object> trailer = new java.util.LinkedHashMap<>();
                trailer.put("Length", dict.get("Length"));
                trailer.putAll(dict);
                tell(kept == told.length ? told : java.util.Arrays.copyOf(told, kept), trailer);
            }
        }

        /** Adds a section PDFBox reads as this check does: its entries ({@link Chain#entries}) and its trailer. */
        private void tell(long[] entries, Map<String, Object> trailer) {
            if (chainEntries != null) {
                chainEntries.add(entries);
                chainTrailers.add(trailer);
                chainEntryCount += entries.length / 4;
            }
        }

        /** Whether the data of the stream read last was exactly its {@code /Length}. */
        private boolean exactLength;

        /** The most entries a told chain holds (four numbers each); a larger chain is left to PDFBox. */
        private static final long MAX_TOLD = 2_000_000;

        /**
         * Whether PDFBox reads this stream section as this check does ({@link Chain}): a stream (not a hybrid file's
         * /XRefStm) read at its exact /Length, unencrypted, its /W within PDFBox's limit, its /Index ranges apart (so
         * that no object is listed twice: PDFBox keeps the first such entry of a section).
         */
        private boolean tellable(long offset, long dictEnd, Map<String, Object> dict, List<long[]> index, int width,
                                 long needed) {
            List<Object> filters = PdfSyntax.asList(dict.get("Filter"));
            boolean flate = filters.isEmpty() || filters.size() == 1
                    && (new Name("FlateDecode").equals(filters.get(0)) || new Name("Fl").equals(filters.get(0)));
            int eol = in.at(dictEnd + "stream".length());
            boolean tellable = chainEntries != null && exactLength && flate && width <= 20 && !dict.containsKey("Encrypt")
                    && (eol == '\r' || eol == '\n') // PDFBox skips spaces after 'stream' before its end of line
                    && !Long.valueOf(0).equals(dict.get("Length")) // a /Length 0 PDFBox measures again, up to endstream
                    && chainEntryCount + needed / width <= MAX_TOLD && dictEnd - offset <= 4096
                    && plainDictionary(offset, dictEnd) && !overlap(index);
            if (!tellable) {
                untold();
            }
            return tellable;
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
                exactLength = true;
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

        /**
         * @return the decoded data, or {@code null} for a filter this check does not implement
         * @throws Damage for a filter that is not one of the general-purpose filters of ISO 32000-1 §7.4 (which
         *         PDFBox and qpdf decode): no reader can read such a section's entries, PDFBox rebuilds the table
         *         from a scan of the file and qpdf reconstructs it
         */
        private byte[] decode(Map<String, Object> dict, byte[] raw, String label) {
            for (Object f : PdfSyntax.asList(dict.get("Filter"))) {
                if (!(f instanceof Name n) || !GENERAL_FILTERS.contains(n.value())) {
                    throw new Damage(label + " has the filter " + (f instanceof Name n ? "/" + n.value() : String.valueOf(f))
                            + ", which PDF readers do not decode for a cross-reference stream");
                }
            }
            try {
                return PdfSyntax.decode(dict, raw, MAX_INFLATED);
            } catch (Malformed e) {
                throw new Damage(label + " " + e.getMessage());
            }
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
         *
         * @param inStream whether the entry is a cross-reference stream's (one at offset 0 is then left out, see
         *                 {@link Inspection#atOffsetZero}); a table's entry at offset 0 is damage: iText's conservative
         *                 reader refuses such a table ("file position 0 cross reference entry") and its default one
         *                 rebuilds it
         */
        private void inUse(long num, long offset, long gen, boolean inStream) {
            if (num == 0) {
                return; // object 0 is the head of the free list; producers that mark it in use do no harm
            }
            if (listed(num)) {
                return; // superseded
            }
            if (offset == 0 && inStream) {
                // PDFBox, iText, MuPDF, pdf.js and PDFium read such a stream as written, qpdf with a warning; a reader
                // that resolves the object finds the header there: harmless while nothing refers to the object
                // (pdf.js's annotation test files list an unused one so), which the load of the document decides
                // (PdfInputs.requireUnreferenced)
                if (atOffsetZero.size() < MAX_AT_OFFSET_ZERO) {
                    atOffsetZero.add(num);
                    return;
                }
            }
            remember(superseding, supersedingHigh, num);
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
            return PdfSyntax.lastIndexOf(in, "startxref", Math.max(0, length - TAIL), length);
        }

        /**
         * PDFBox does not take the last {@code startxref}: it takes the last one before the last {@code %%EOF}
         * in the final {@value #PDFBOX_TAIL} bytes (when there is such a marker). When that is another
         * {@code startxref} naming another offset (say the file's final {@code %%EOF} is damaged and an earlier
         * revision's is within reach), or none, PDFBox reads the file from another section than this check
         * does and rebuilds the rest, and an incremental update chains to that section (found by PdfFuzzTest:
         * a signed output whose new section had {@code /Prev 0}).
         */
        private void requireSameStartAsPdfBox(long sx, long start) {
            long from = Math.max(0, length - PDFBOX_TAIL);
            long eof = lastIndexOfAsPdfBox("%%EOF", from, length);
            if (eof < 0) {
                untold(); // PDFBox's strict reading refuses a file without %%EOF (its lenient one reads it)
            }
            long chosen = lastIndexOfAsPdfBox("startxref", from, eof < 0 ? length : eof);
            if (chosen == sx) {
                return;
            }
            Long other = null;
            if (chosen >= 0) {
                try {
                    Object v = new Parser(in, chosen + "startxref".length()).readObject();
                    other = v instanceof Long l ? l : null;
                } catch (Malformed e) {
                    other = null;
                }
            }
            if (other == null || other != start) {
                throw new Damage("its last 'startxref' (at offset " + sx + ") is not the one PDFBox starts from ("
                        + (chosen < 0 ? "it finds none" : "the one at offset " + chosen + ", naming " + (other == null
                        ? "no offset" : "offset " + other)) + (eof < 0 ? "" : ", before the last '%%EOF' at offset " + eof)
                        + "): readers disagree on where its cross-reference chain starts");
            }
        }

        /**
         * Where PDFBox's backward search (COSParser.lastIndexOf, whose partial-match reset is reproduced) finds
         * {@code s} ending before {@code end} and starting at {@code from} or later; -1 when it does not.
         */
        private long lastIndexOfAsPdfBox(String s, long from, long end) {
            int last = s.length() - 1;
            int k = last;
            for (long i = end - 1; i >= from; i--) {
                if (in.at(i) == s.charAt(k)) {
                    if (--k < 0) {
                        return i;
                    }
                } else if (k < last) {
                    k = last;
                }
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
}
