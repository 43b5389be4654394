package com.certyneo.engine.pades;

import com.certyneo.engine.pades.PdfSyntax.ArrayInput;
import com.certyneo.engine.pades.PdfSyntax.Input;
import com.certyneo.engine.pades.PdfSyntax.Keyword;
import com.certyneo.engine.pades.PdfSyntax.Malformed;
import com.certyneo.engine.pades.PdfSyntax.Name;
import com.certyneo.engine.pades.PdfSyntax.Parser;
import com.certyneo.engine.pades.PdfSyntax.Real;
import com.certyneo.engine.pades.PdfSyntax.Ref;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static com.certyneo.engine.pades.PdfSyntax.cast;
import static com.certyneo.engine.pades.PdfSyntax.field;
import static com.certyneo.engine.pades.PdfSyntax.isDelimiter;
import static com.certyneo.engine.pades.PdfSyntax.isWhite;

/**
 * What changed in a PDF after a signature, decided from the file's structure rather than from
 * {@code %%EOF} markers or one reader's way of resolving objects.
 *
 * <p>Everything after the end of a signature's byte range is a later update, whatever it looks like. The
 * signed revision's object table is rebuilt from its own cross-reference chain (classic tables, streams,
 * hybrid sections, object streams, free entries, every generation); the later bytes contribute every
 * definition any reader could pick up: the entries of the final chain that differ from the signed table
 * (including frees and entries pointing back into signed bytes), every {@code N G obj} found by scanning
 * the later bytes (also without an {@code xref}, a trailer or {@code %%EOF}), and the objects of object
 * streams found there. Objects are identified by number only: a new generation is a redefinition.
 *
 * <p>Each redefined object is judged by the role it had in the signed revision (found by walking the
 * signed revision from its trailer), against a whitelist of what a later signer legitimately changes:
 * <ul>
 * <li>the catalog may change only {@code /AcroForm}, {@code /DSS}, {@code /Extensions}, {@code /Metadata}
 * and {@code /Version};</li>
 * <li>the interactive form may gain fields ({@code /Fields} keeps every earlier field) and change
 * {@code /SigFlags}, {@code /DR}, {@code /DA};</li>
 * <li>a page may gain annotations in {@code /Annots} (keeping every earlier one), and nothing else;</li>
 * <li>an empty signature field may receive its value ({@code /V}) and, with it, its appearance, lock
 * and seed value;</li>
 * <li>unless the document is certified with no changes allowed (DocMDP {@code /P 1}), a form field that is not a
 * signature field and not read-only may change its value ({@code /V}, {@code /RV}, a choice field's {@code /I})
 * and, with it, its widgets' {@code /AS} and appearances, including appearance streams redefined in place (only
 * those of fields whose value changed): ISO 32000-1 §12.8.2.2 permits form filling after an approval signature and
 * at {@code /P 2}; each fill is reported as a warning naming the field, since what a field shows is what changed;</li>
 * <li>when the document is certified with {@code /P 3}, annotations other than widgets may be added, changed and
 * removed, with their appearances (reported as warnings too);</li>
 * <li>validation data ({@code /DSS} and all it reaches), the document information dictionary, the XMP
 * metadata stream and the form's default resources ({@code /DR} and its resource dictionaries, not the fonts they
 * name) may change freely: no viewer draws them.</li>
 * </ul>
 * Anything added to {@code /Fields} or {@code /Annots} must be a signature field or its widget; one with a
 * value must carry a signature dictionary (which is then validated as a signature of its own), one without
 * must not draw anything. Every other change to an object the signed revision reaches (page tree, page
 * content and resources, other annotations and their flags, form values, optional content, other
 * signatures) is a modification; certification and field locks are enforced on top of these rules by
 * {@link MdpCheck}. A changed {@code /Root} or {@code /Encrypt}, a chain that cannot be
 * followed, and objects that cannot be read are modifications too: when unsure, the answer is "modified". A final
 * chain that does not lead back to the signed revision's (a later writer listed the whole document again, without
 * {@code /Prev}) is not in itself a modification: its table is what every reader reads, and it is compared entry by
 * entry like any other; it is reported as a warning.
 *
 * <p>Written from ISO 32000-1 (§7.5, §12.7, §12.8) and sharing no code with PDFBox or DSS.
 */
final class RevisionDiff {

    /** Cross-reference sections followed at most per chain. */
    private static final int MAX_SECTIONS = 10_000;
    /** Highest object number handled; larger ones make the comparison give up (and so fail closed). */
    private static final int MAX_OBJECT_NUMBER = 50_000_000;
    /** Decoded object streams and cross-reference streams are bounded to this many bytes. */
    private static final int MAX_DECODED = 64 * 1024 * 1024;
    /** Objects visited at most when walking the signed revision. */
    private static final int MAX_VISITS = 20_000_000;
    /** How far before the end of a revision its {@code startxref} is searched. */
    private static final int STARTXREF_WINDOW = 4096;
    /** Modifications listed at most per signature (the rest are counted). */
    private static final int MAX_LISTED = 20;

    /** The outcome for one signature. */
    record Outcome(List<String> modifications, List<String> warnings) {
        Outcome {
            modifications = List.copyOf(modifications);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * What later revisions may change besides signing, validation data and the document information, as the
     * document's certification decides (ISO 32000-1 §12.8.2.2; DocMDP {@code /P}).
     *
     * @param formFill whether form fields other than signature fields may be filled in (no certification, P=2, P=3)
     * @param annotations whether annotations other than widgets may be added, changed and removed (P=3)
     */
    record Allowed(boolean formFill, boolean annotations) {
        /** Approval signatures only, or a certification that allows form filling (the default P=2). */
        static final Allowed FORM_FILL = new Allowed(true, false);

        /** @return what a document certified with DocMDP {@code permission} allows (0: not certified) */
        static Allowed byCertification(int permission) {
            return new Allowed(permission != 1, permission == 3);
        }

        /**
         * What the document allows: the certification of its first signature, if that one certifies (a
         * certification anywhere else is not one, ISO 32000-1 §12.8.2.2, and never loosens the rules).
         */
        static Allowed of(List<SignatureDictionary> dictionaries) {
            return dictionaries.stream().filter(d -> !d.documentTimestamp() && d.byteRange().size() == 4)
                    .min(java.util.Comparator.comparingLong(d -> d.byteRange().get(2) + d.byteRange().get(3)))
                    .map(d -> byCertification(d.certification())).orElse(FORM_FILL);
        }
    }

    private RevisionDiff() {
    }

    /**
     * The outcome for a document that is not certified ({@link Allowed#FORM_FILL}).
     *
     * @param pdf the whole file
     * @param signedEnd the end of the signature's byte range (the signed revision is {@code [0, signedEnd)})
     * @return the modifications after the signed revision that are not legitimate updates, and warnings
     */
    static Outcome after(byte[] pdf, long signedEnd) {
        return after(new ArrayInput(pdf), signedEnd);
    }

    static Outcome after(byte[] pdf, long signedEnd, Allowed allowed) {
        return after(new Session(new ArrayInput(pdf)), signedEnd, allowed);
    }

    static Outcome after(Input in, long signedEnd) {
        return after(new Session(in), signedEnd, Allowed.FORM_FILL);
    }

    /**
     * What comparisons of several signed revisions with the same final file share, so that each part of the file
     * is parsed once however many signatures it follows: the final cross-reference chain and its objects, and the
     * objects found by scanning the bytes after a signed revision (the bytes after the first signature are the
     * bytes after every later one too). Not thread-safe: one validation at a time.
     */
    static final class Session {
        private final Input in;
        private Table finalTable;
        private RuntimeException finalTableFailure;
        private World finalWorld;
        /** Objects found by {@link Comparison#scan} by the offset of their header. */
        private final Map<Long, Scanned> scanned = new HashMap<>();
        /**
         * Objects read through a cross-reference table, by the offset of their header, when their value does not
         * depend on the revision that reads them (anything but a stream whose /Length is an indirect reference):
         * every signed revision's table points at the same definitions of the objects it shares with the others.
         */
        private final Map<Long, Scanned> parsed = new HashMap<>();

        /** Gives the document's encryption when it has one (asked once, by {@link #encryptNumber}). */
        private final java.util.function.Supplier<RevisionEncryption> encryption;
        /** What {@link #encryption} gave, once asked ({@link #decryption()}); {@code null}: compared as written. */
        private RevisionEncryption decryption;
        /** The number of the /Encrypt dictionary's object (never encrypted), once known; -1: none. */
        private long encryptNumber = -2;

        Session(Input in) {
            this(in, () -> null);
        }

        /**
         * @param encryption gives the encryption of the document {@code in} holds (its file key from the password),
         *                   asked only when the final trailer names an /Encrypt dictionary; {@code null} from it:
         *                   strings and streams are compared as written. Under AES a writer that writes an unchanged
         *                   object again (PDFBox does, for every signature field of the form it signs into) encrypts it
         *                   with a new initialisation vector: the same value, other bytes.
         */
        Session(Input in, java.util.function.Supplier<RevisionEncryption> encryption) {
            this.in = in;
            this.encryption = encryption;
        }

        /** @return the object number of the final trailer's /Encrypt, or -1 (its encryption asked for the first time) */
        private long encryptNumber() {
            if (encryptNumber == -2) {
                encryptNumber = -1;
                try {
                    if (finalTable().trailer.get("Encrypt") instanceof Ref r) {
                        encryptNumber = r.num();
                        decryption = encryption.get();
                    }
                } catch (RuntimeException e) {
                    // no final table: nothing is decrypted without knowing which object must not be
                }
            }
            return encryptNumber;
        }

        /** @return the document's encryption, to compare what readers decrypt, or {@code null}: compared as written */
        private RevisionEncryption decryption() {
            encryptNumber(); // asks for it when the final trailer names /Encrypt
            return decryption;
        }

        /** The final revision's cross-reference chain (read once; its failure is rethrown each time). */
        Table finalTable() {
            if (finalTable == null && finalTableFailure == null) {
                try {
                    finalTable = readTable(in, in.length());
                } catch (Unsure | Malformed e) {
                    finalTableFailure = e;
                }
            }
            if (finalTableFailure != null) {
                throw finalTableFailure;
            }
            return finalTable;
        }

        World finalWorld() {
            if (finalWorld == null) {
                finalWorld = new World(in, finalTable(), this);
            }
            return finalWorld;
        }
    }

    /** An object definition found by scanning: its number, its value and where parsing it ended. */
    private record Scanned(long num, Object value, long end) {
    }

    static Outcome after(Session session, long signedEnd, Allowed allowed) {
        Input in = session.in;
        long length = in.length();
        if (signedEnd <= 0 || signedEnd > length) {
            return new Outcome(List.of("the signature's byte range ends at offset " + signedEnd
                    + ", outside the file (" + length + " bytes)"), List.of());
        }
        if (onlyWhiteOrComments(in, signedEnd, length)) {
            return new Outcome(List.of(), List.of());
        }
        try {
            return new Comparison(session, signedEnd, allowed).run();
        } catch (Malformed | Unsure e) {
            return new Outcome(List.of("the data after the signed revision cannot be compared with it ("
                    + e.getMessage() + "); changes cannot be ruled out"), List.of());
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(List.of("the data after the signed revision cannot be compared with it ("
                    + e.getClass().getSimpleName() + "); changes cannot be ruled out"), List.of());
        }
    }

    /**
     * Bytes after the last {@code %%EOF} that are not white-space: no reader uses them, but they are not part
     * of any revision either.
     *
     * @return a warning, or {@code null}
     */
    static String trailingGarbage(Input in) {
        long length = in.length();
        long eof = PdfSyntax.lastIndexOf(in, "%%EOF", Math.max(0, length - 64L * 1024 * 1024), length);
        if (eof < 0) {
            return "the file has no %%EOF marker";
        }
        long from = eof + 5;
        long count = 0;
        for (long i = from; i < length; i++) {
            if (!isWhite(in.at(i))) {
                count++;
            }
        }
        return count == 0 ? null : (length - from) + " bytes after the last %%EOF belong to no revision "
                + "(readers ignore them; they are not covered by any signature)";
    }

    /**
     * A signature dictionary as the file holds it, whether or not a validator can parse it.
     *
     * @param field the field's fully qualified name
     * @param documentTimestamp whether it is a document time-stamp ({@code /DocTimeStamp} or
     *                          {@code /SubFilter /ETSI.RFC3161})
     * @param byteRange its {@code /ByteRange} when that is four integers, else empty
     * @param restrictsChanges whether it, its field or the document restricts later changes beyond the rules of
     *                         this class: a {@code /Reference} (DocMDP, FieldMDP), a {@code /Lock} on its field, or
     *                         the catalog's {@code /Perms /DocMDP}, which validators (DSS's policy) enforce on
     *                         their own object comparison
     * @param certification the DocMDP {@code /P} it certifies the document with (its {@code /Reference}'s, or 2 when
     *                      only the catalog's {@code /Perms /DocMDP} names it), 0 when it does not certify
     * @param subFilter its {@code /SubFilter}, or "" when it has none
     * @param inForm whether it was reached from the form's {@code /Fields}; false: only from a page's {@code /Annots}
     *               (a widget whose field is not in the form that PDFBox and DSS read)
     */
    record SignatureDictionary(String field, boolean documentTimestamp, List<Long> byteRange, boolean restrictsChanges,
                               int certification, String subFilter, boolean inForm) {
    }

    /**
     * Every signature dictionary reached from the final revision's form fields and page widgets, in the
     * order of the fields (those reached from the fields first: {@link SignatureDictionary#inForm}). Best effort: a
     * file whose structure cannot be read yields what was found so far.
     */
    static List<SignatureDictionary> signatureDictionaries(Input in) {
        List<SignatureDictionary> found = new ArrayList<>();
        try {
            World world = new World(in, readTable(in, in.length()));
            Set<Long> seen = new HashSet<>();
            Object catalog = world.resolve(world.table.trailer.get("Root"));
            if (!(catalog instanceof Map<?, ?> c)) {
                return found;
            }
            Object docMdp = world.resolve(c.get("Perms")) instanceof Map<?, ?> perms ? perms.get("DocMDP") : null;

            Object form = world.resolve(c.get("AcroForm"));
            if (form instanceof Map<?, ?> f && world.resolve(f.get("Fields")) instanceof List<?> fields) {
                for (Object field : fields) {
                    collect(world, field, "", seen, found, 0, docMdp);
                }
            }
            Deque<Object> nodes = new ArrayDeque<>();
            nodes.push(c.get("Pages"));
            Set<Long> visited = new HashSet<>();
            while (!nodes.isEmpty() && visited.size() < MAX_VISITS) {
                Object ref = nodes.pop();
                if (ref instanceof Ref r && !visited.add(r.num())) {
                    continue;
                }
                Object node = world.resolve(ref);
                if (!(node instanceof Map<?, ?> n)) {
                    continue;
                }
                if (world.resolve(n.get("Kids")) instanceof List<?> kids) {
                    kids.forEach(nodes::push);
                }
                if (world.resolve(n.get("Annots")) instanceof List<?> annots) {
                    for (Object annot : annots) {
                        collect(world, annot, null, seen, found, 0, docMdp);
                    }
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            // best effort: what was found so far
        }
        return found;
    }

    /** @param docMdp what the catalog's {@code /Perms /DocMDP} names, or {@code null} when the document is not certified */
    private static void collect(World world, Object ref, String parentName, Set<Long> seen,
                                List<SignatureDictionary> found, int depth, Object docMdp) {
        if (depth > 32 || ref instanceof Ref r && !seen.add(r.num())) {
            return;
        }
        if (!(world.resolve(ref) instanceof Map<?, ?> m)) {
            return;
        }
        Map<String, Object> field = cast(m);
        String name = parentName == null ? fullName(world, field) : qualified(parentName, field);
        Object v = world.resolve(field.get("V"));
        if (v instanceof Map<?, ?> vm && (vm.get("ByteRange") != null || vm.get("Contents") != null
                || new Name("Sig").equals(vm.get("Type")) || new Name("DocTimeStamp").equals(vm.get("Type")))) {
            boolean timestamp = new Name("DocTimeStamp").equals(vm.get("Type"))
                    || new Name("ETSI.RFC3161").equals(vm.get("SubFilter"));
            List<Long> range = List.of();
            if (world.resolve(vm.get("ByteRange")) instanceof List<?> br && br.size() == 4
                    && br.stream().allMatch(x -> x instanceof Long)) {
                range = br.stream().map(x -> (Long) x).toList();
            }
            boolean restricts = docMdp != null || vm.get("Reference") != null || field.get("Lock") != null;
            int permission = docMdpPermission(world, vm);
            if (permission == 0 && docMdp instanceof Ref named && field.get("V") instanceof Ref own
                    && named.num() == own.num()) {
                permission = 2; // ISO 32000-1 Table 254: /P defaults to 2
            }
            found.add(new SignatureDictionary(name, timestamp, range, restricts, permission,
                    vm.get("SubFilter") instanceof Name sub ? sub.value() : "", parentName != null));
        }
        if (parentName != null && world.resolve(field.get("Kids")) instanceof List<?> kids) {
            for (Object kid : kids) {
                collect(world, kid, name, seen, found, depth + 1, docMdp);
            }
        }
    }

    /** The {@code /P} of a signature dictionary's DocMDP transform (2 when absent or malformed), 0 without one. */
    private static int docMdpPermission(World world, Map<?, ?> signature) {
        if (world.resolve(signature.get("Reference")) instanceof List<?> references) {
            for (Object item : references) {
                if (world.resolve(item) instanceof Map<?, ?> reference
                        && new Name("DocMDP").equals(world.resolve(reference.get("TransformMethod")))) {
                    Object p = world.resolve(reference.get("TransformParams")) instanceof Map<?, ?> params
                            ? world.resolve(params.get("P")) : null;
                    return p instanceof Long l && l >= 1 && l <= 3 ? l.intValue() : 2;
                }
            }
        }
        return 0;
    }

    private static String qualified(String parentName, Map<String, Object> field) {
        String own = field.get("T") instanceof PdfSyntax.Str t ? text(t) : null;
        if (own == null) {
            return parentName;
        }
        return parentName.isEmpty() ? own : parentName + "." + own;
    }

    private static String fullName(World world, Map<String, Object> field) {
        List<String> parts = new ArrayList<>();
        Map<String, Object> f = field;
        for (int depth = 0; f != null && depth < 32; depth++) {
            if (f.get("T") instanceof PdfSyntax.Str t) {
                parts.add(0, text(t));
            }
            f = world.resolve(f.get("Parent")) instanceof Map<?, ?> p ? cast(p) : null;
        }
        return String.join(".", parts);
    }

    /** A text string: UTF-16BE with its byte order mark, or PDFDocEncoding (read as Latin-1). */
    private static String text(PdfSyntax.Str s) {
        byte[] b = s.bytes();
        if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The comparison gave up; the caller reports "cannot rule out changes". */
    private static final class Unsure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsure(String message) {
            super(message, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Object tables

    /** A cross-reference table: per object number, its newest entry. */
    private static final class Table {
        static final byte UNSET = 0;
        static final byte FREE = 1;
        static final byte IN_USE = 2;
        static final byte COMPRESSED = 3;

        byte[] type = new byte[1024];
        long[] first = new long[1024];
        long[] second = new long[1024];
        int size;
        Map<String, Object> trailer;
        final List<Long> sections = new ArrayList<>();

        /** Records an entry unless a newer one was recorded. */
        void putIfAbsent(long num, byte kind, long f2, long f3) {
            if (num < 0 || num > MAX_OBJECT_NUMBER) {
                throw new Unsure("object number " + num + " is beyond " + MAX_OBJECT_NUMBER);
            }
            int n = (int) num;
            if (n >= type.length) {
                int grown = Math.max(n + 1, type.length * 2);
                type = Arrays.copyOf(type, grown);
                first = Arrays.copyOf(first, grown);
                second = Arrays.copyOf(second, grown);
            }
            if (type[n] != UNSET) {
                return;
            }
            type[n] = kind;
            first[n] = f2;
            second[n] = f3;
            size = Math.max(size, n + 1);
        }

        byte type(long num) {
            return num >= 0 && num < size ? type[(int) num] : UNSET;
        }

        boolean sameEntry(Table other, int num) {
            byte a = type(num);
            byte b = other.type(num);
            if (a == UNSET || a == FREE) {
                return b == UNSET || b == FREE;
            }
            if (a == IN_USE) {
                return b == IN_USE && first[num] == other.first[num];
            }
            return a == b && first[num] == other.first[num] && second[num] == other.second[num];
        }
    }

    /** Reads the cross-reference chain that starts at the last {@code startxref} before {@code end}. */
    private static Table readTable(Input in, long end) {
        long sx = PdfSyntax.lastIndexOf(in, "startxref", Math.max(0, end - STARTXREF_WINDOW), end);
        if (sx < 0) {
            throw new Unsure("no 'startxref' before offset " + end);
        }
        Parser p = new Parser(in, sx + "startxref".length());
        Object start = p.readObject();
        if (!(start instanceof Long offset) || offset < 0 || offset >= end) {
            throw new Unsure("the 'startxref' at offset " + sx + " is not followed by an offset inside the revision");
        }
        Table table = new Table();
        Set<Long> visited = new HashSet<>();
        Long next = offset;
        while (next != null) {
            if (!visited.add(next) || visited.size() > MAX_SECTIONS) {
                throw new Unsure("the cross-reference chain loops at offset " + next);
            }
            table.sections.add(next);
            Map<String, Object> dict = section(in, next, table, false);
            if (table.trailer == null) {
                table.trailer = dict;
            }
            Object prev = dict.get("Prev");
            next = prev instanceof Long l && l >= 0 ? l : null;
            if (prev != null && next == null) {
                throw new Unsure("a /Prev that is not an offset");
            }
        }
        return table;
    }

    private static Map<String, Object> section(Input in, long offset, Table table, boolean streamOnly) {
        long at = skipWhite(in, offset);
        Parser p = new Parser(in, at);
        if (!streamOnly && p.startsWithKeyword("xref")) {
            p.pos += 4;
            while (true) {
                p.skipWhiteAndComments();
                if (p.startsWithKeyword("trailer")) {
                    p.pos += "trailer".length();
                    break;
                }
                long firstNum = p.readUnsigned("a subsection's first object number");
                long count = p.readUnsigned("a subsection's entry count");
                for (long i = 0; i < count; i++) {
                    long f2 = p.readUnsigned("an entry offset");
                    long f3 = p.readUnsigned("an entry generation");
                    p.skipWhite();
                    int kind = in.at(p.pos++);
                    if (kind != 'n' && kind != 'f') {
                        throw new Unsure("a cross-reference entry that is neither 'n' nor 'f' at offset " + (p.pos - 1));
                    }
                    table.putIfAbsent(firstNum + i, kind == 'n' ? Table.IN_USE : Table.FREE, f2, f3);
                }
            }
            if (!(p.readObject() instanceof Map<?, ?> m)) {
                throw new Unsure("a trailer that is not a dictionary at offset " + offset);
            }
            Map<String, Object> trailer = cast(m);
            if (trailer.get("XRefStm") instanceof Long x && x >= 0) {
                section(in, x, table, true);
            }
            return trailer;
        }
        long num = p.objectHeader();
        if (num < 0 || !(p.readObject() instanceof Map<?, ?> m)) {
            throw new Unsure("no cross-reference section at offset " + offset);
        }
        Map<String, Object> dict = cast(m);
        if (!new Name("XRef").equals(dict.get("Type")) || !p.followedBy("stream")) {
            throw new Unsure("no cross-reference stream at offset " + offset);
        }
        byte[] data = PdfSyntax.decode(dict, streamData(in, dict, p.pos, null), MAX_DECODED);
        if (data == null) {
            throw new Unsure("a cross-reference stream with a filter this check does not read");
        }
        if (!(dict.get("W") instanceof List<?> wl) || wl.size() != 3) {
            throw new Unsure("a cross-reference stream without /W");
        }
        int[] w = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!(wl.get(i) instanceof Long l) || l < 0 || l > 8) {
                throw new Unsure("a cross-reference stream with a bad /W");
            }
            w[i] = (int) (long) l;
        }
        List<Object> index = dict.get("Index") instanceof List<?> il ? new ArrayList<>(il)
                : List.of(0L, dict.get("Size") instanceof Long s ? s : 0L);
        int width = w[0] + w[1] + w[2];
        int pos = 0;
        for (int i = 0; i + 1 < index.size(); i += 2) {
            if (!(index.get(i) instanceof Long firstNum) || !(index.get(i + 1) instanceof Long count) || count < 0) {
                throw new Unsure("a cross-reference stream with a bad /Index");
            }
            for (long k = 0; k < count; k++) {
                if (pos + width > data.length) {
                    throw new Unsure("a cross-reference stream shorter than its /Index");
                }
                long t = w[0] == 0 ? 1 : field(data, pos, w[0]);
                long f2 = field(data, pos + w[0], w[1]);
                long f3 = field(data, pos + w[0] + w[1], w[2]);
                pos += width;
                byte kind = t == 0 ? Table.FREE : t == 1 ? Table.IN_USE : t == 2 ? Table.COMPRESSED : Table.UNSET;
                if (kind != Table.UNSET) {
                    table.putIfAbsent(firstNum + k, kind, f2, f3);
                }
            }
        }
        return dict;
    }

    /** A stream: its dictionary and where its raw data lies in the file (or in a decoded buffer). */
    private record Stream(Map<String, Object> dict, Input source, long start, long length) {
        byte[] raw() {
            if (length > MAX_DECODED) {
                throw new Unsure("a stream of more than " + MAX_DECODED + " bytes");
            }
            return source.read(start, (int) length);
        }

        boolean sameAs(Stream other) {
            if (!Objects.equals(withoutLength(dict), withoutLength(other.dict)) || length != other.length) {
                return false;
            }
            if (source == other.source && start == other.start) {
                return true;
            }
            for (long i = 0; i < length; i += 1 << 16) {
                int n = (int) Math.min(1 << 16, length - i);
                if (!Arrays.equals(source.read(start + i, n), other.source.read(other.start + i, n))) {
                    return false;
                }
            }
            return true;
        }

        private static Map<String, Object> withoutLength(Map<String, Object> d) {
            Map<String, Object> copy = new LinkedHashMap<>(d);
            copy.remove("Length");
            return copy;
        }
    }

    /** An object that exists but cannot be read. */
    private enum Unreadable { VALUE }

    /** Raw stream data after the {@code stream} keyword at {@code keyword}. */
    private static byte[] streamData(Input in, Map<String, Object> dict, long keyword, World world) {
        long[] span = streamSpan(in, dict, keyword, world);
        if (span[1] > MAX_DECODED) {
            throw new Unsure("a stream of more than " + MAX_DECODED + " bytes");
        }
        return in.read(span[0], (int) span[1]);
    }

    /** {start, length} of the data of the stream whose keyword is at {@code keyword}. */
    private static long[] streamSpan(Input in, Map<String, Object> dict, long keyword, World world) {
        long p = keyword + "stream".length();
        if (in.at(p) == '\r') {
            p++;
        }
        if (in.at(p) == '\n') {
            p++;
        }
        Object len = dict.get("Length");
        if (len instanceof Ref r && world != null) {
            len = world.get(r.num());
        }
        if (len instanceof Long l && l >= 0 && p + l <= in.length()
                && new Parser(in, skipWhite(in, p + l)).startsWithKeyword("endstream")) {
            return new long[] {p, l};
        }
        long end = indexOf(in, "endstream", p, in.length());
        if (end < 0) {
            throw new Malformed("a stream without 'endstream'");
        }
        long e = end;
        if (e > p && in.at(e - 1) == '\n') {
            e--;
        }
        if (e > p && in.at(e - 1) == '\r') {
            e--;
        }
        return new long[] {p, e - p};
    }

    /** The objects of one revision (or of the final file), resolved through its table. */
    private static final class World {
        final Input in;
        final Table table;
        private final Map<Long, Object> cache = new HashMap<>();
        private final Map<Long, List<Object>> objectStreams = new HashMap<>();

        /** Where objects parsed by several worlds of one file are shared, or {@code null}. */
        private final Session session;

        World(Input in, Table table) {
            this(in, table, null);
        }

        World(Input in, Table table, Session session) {
            this.in = in;
            this.table = table;
            this.session = session;
        }

        /** The object's value: a parsed object, a {@link Stream}, {@code Keyword.NULL} or {@link Unreadable}. */
        Object get(long num) {
            Object cached = cache.get(num);
            if (cached != null) {
                return cached;
            }
            Object value;
            try {
                value = load(num);
            } catch (Malformed e) {
                value = Unreadable.VALUE;
            }
            if (cache.size() < 200_000) {
                cache.put(num, value);
            }
            return value;
        }

        private Object load(long num) {
            byte t = table.type(num);
            if (t == Table.IN_USE) {
                long offset = table.first[(int) num];
                if (session == null) {
                    return objectAt(in, offset, num, this);
                }
                Scanned shared = session.parsed.get(offset);
                if (shared != null && shared.num() == num) {
                    return shared.value();
                }
                Object value = objectAt(in, offset, num, this);
                boolean revisionIndependent = !(value instanceof Stream st) || !(st.dict().get("Length") instanceof Ref);
                if (revisionIndependent && session.parsed.size() < 200_000) {
                    session.parsed.put(offset, new Scanned(num, value, -1));
                }
                return value;
            }
            if (t == Table.COMPRESSED) {
                List<Object> objects = objectStream(table.first[(int) num]);
                long index = table.second[(int) num];
                return objects != null && index >= 0 && index < objects.size() ? objects.get((int) index)
                        : Unreadable.VALUE;
            }
            return Keyword.NULL;
        }

        /** The objects of object stream {@code num}, in order, or {@code null} when it cannot be read. */
        private List<Object> objectStream(long num) {
            if (!objectStreams.containsKey(num)) {
                Object stream = get(num);
                objectStreams.put(num, stream instanceof Stream s ? objectsOf(s, this, null) : null);
            }
            return objectStreams.get(num);
        }

        Object resolve(Object value) {
            Set<Long> seen = new HashSet<>();
            while (value instanceof Ref r && seen.add(r.num())) {
                value = get(r.num());
            }
            return value instanceof Ref ? Keyword.NULL : value;
        }
    }

    /** The object defined at {@code offset}; {@link Unreadable} when none of number {@code num} starts there. */
    private static Object objectAt(Input in, long offset, long num, World world) {
        Parser p = new Parser(in, skipWhite(in, offset));
        long found = p.objectHeader();
        if (found != num) {
            return Unreadable.VALUE;
        }
        return decrypted(body(in, p, world), num, p.generation(), world == null ? null : world.session);
    }

    /**
     * An object of an encrypted document as a reader decrypts it (ISO 32000-2 §7.6.2): its strings, and its stream's
     * data, with the key of object {@code num} {@code gen}. Not decrypted: the /Encrypt dictionary, the /Contents of a
     * signature dictionary (/Type /Sig or /DocTimeStamp, or with a /ByteRange, as PDFBox reads it), a cross-reference
     * stream, metadata the document leaves in clear, and what does not decrypt (kept as written). Objects of an object
     * stream are read from its decrypted data and are not decrypted again.
     */
    private static Object decrypted(Object value, long num, long gen, Session session) {
        RevisionEncryption decryption = session == null ? null : session.decryption();
        if (decryption == null || num < 0 || gen < 0 || gen > 65535 || num == session.encryptNumber()) {
            return value;
        }
        return decrypted(value, new org.apache.pdfbox.cos.COSObjectKey(num, (int) gen), decryption, 0);
    }

    private static Object decrypted(Object value, org.apache.pdfbox.cos.COSObjectKey key, RevisionEncryption decryption,
                                    int depth) {
        if (depth > 64) {
            return value; // as deep as the parser lets it be; compared as written below this
        }
        if (value instanceof PdfSyntax.Str str) {
            byte[] plain = decryption.decryptString(key, str.bytes());
            return plain == null ? value : new PdfSyntax.Str(plain);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(decrypted(item, key, decryption, depth + 1));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> dict = cast(map);
            boolean signature = new Name("Sig").equals(dict.get("Type")) || new Name("DocTimeStamp").equals(dict.get("Type"))
                    || dict.get("Contents") instanceof PdfSyntax.Str && dict.get("ByteRange") instanceof List<?>;
            Map<String, Object> out = new LinkedHashMap<>();
            dict.forEach((k, v) -> out.put(k, signature && k.equals("Contents") ? v : decrypted(v, key, decryption, depth + 1)));
            return out;
        }
        if (value instanceof Stream stream) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = (Map<String, Object>) decrypted(stream.dict(), key, decryption, depth + 1);
            Object filter = dict.get("Filter");
            boolean crypt = new Name("Crypt").equals(filter) || filter instanceof List<?> l && l.contains(new Name("Crypt"));
            byte[] plain = crypt || stream.length() > MAX_DECODED ? null
                    : decryption.decryptStream(key, dict.get("Type") instanceof Name t ? t.value() : null, stream.raw());
            return plain == null ? new Stream(dict, stream.source(), stream.start(), stream.length())
                    : new Stream(dict, new PdfSyntax.ArrayInput(plain), 0, plain.length);
        }
        return value;
    }

    /** The value after an object header, with its stream data if it has some. */
    private static Object body(Input in, Parser p, World world) {
        Object value = p.readObject();
        if (value instanceof Map<?, ?> m) {
            long save = p.pos;
            if (p.followedBy("stream")) {
                long[] span = streamSpan(in, cast(m), p.pos, world);
                return new Stream(cast(m), in, span[0], span[1]);
            }
            p.pos = save;
        }
        return value;
    }

    /**
     * The objects of an object stream, in order; {@code numbers}, when given, receives their object numbers.
     *
     * @return the objects, or {@code null} when the stream cannot be decoded
     */
    private static List<Object> objectsOf(Stream stream, World world, List<Long> numbers) {
        byte[] data;
        try {
            data = PdfSyntax.decode(stream.dict(), stream.raw(), MAX_DECODED);
        } catch (Malformed e) {
            return null;
        }
        if (data == null || !(stream.dict().get("N") instanceof Long n) || !(stream.dict().get("First") instanceof Long first)
                || n < 0 || n > 1_000_000 || first < 0 || first > data.length) {
            return null;
        }
        ArrayInput input = new ArrayInput(data);
        Parser header = new Parser(input, 0);
        List<Object> objects = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            long num;
            long offset;
            try {
                num = header.readUnsigned("an object number");
                offset = header.readUnsigned("an object offset");
            } catch (Malformed e) {
                return objects;
            }
            Object value;
            try {
                value = new Parser(input, first + offset).readObject();
            } catch (Malformed e) {
                value = Unreadable.VALUE;
            }
            objects.add(value);
            if (numbers != null) {
                numbers.add(num);
            }
        }
        return objects;
    }

    // ------------------------------------------------------------------------------------------------
    // Roles in the signed revision

    /** What an object is in the signed revision. */
    private enum Role {
        CATALOG, PAGE_TREE, PAGE, ANNOTS, ANNOTATION, ACRO_FORM, FIELDS, FIELD, SIGNATURE, VALIDATION_DATA, INFO,
        METADATA, CONTENT,
        /** An appearance dictionary or stream of a widget of a form field that is not a signature field. */
        FORM_APPEARANCE,
        /** An appearance dictionary or stream of an annotation other than a widget. */
        ANNOTATION_APPEARANCE,
        /**
         * The interactive form's default resources ({@code /DR}): what form fillers draw new field appearances
         * with, drawn by no viewer; may change like the {@code /DR} entry of the form itself (its resource
         * dictionaries too, but what they name, fonts and images, stays content).
         */
        DEFAULT_RESOURCES,
        /** A resource dictionary of {@code /DR} ({@code /Font}, {@code /XObject} …). */
        DEFAULT_RESOURCE_DICTIONARY,
        /** The catalog's {@code /StructTreeRoot} (the logical structure of a tagged document). */
        STRUCT_TREE_ROOT,
        /** A structure element, or a kid dictionary of one, reached through the structure tree's {@code /K}. */
        STRUCT_ELEM,
        /** A node of the structure tree's {@code /ParentTree} (a number tree), or an array it maps a key to. */
        PARENT_TREE
    }

    private static final Set<Role> APPEARANCES = EnumSet.of(Role.FORM_APPEARANCE, Role.ANNOTATION_APPEARANCE);

    /** A page's attributes its descendants inherit (ISO 32000-1 Table 30), compared by their effective values. */
    private static final Set<String> INHERITABLE = Set.of("Resources", "MediaBox", "CropBox", "Rotate");
    /** What a later revision may change in a page dictionary, under the rules of {@code judge}. */
    private static final Set<String> PAGE_FREE = java.util.stream.Stream.concat(java.util.stream.Stream.of("Annots", "Tabs", "Parent"),
            INHERITABLE.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Roles whose rule inspects every key of the object, so CONTENT adds nothing to them. */
    private static final Set<Role> STRUCTURAL = EnumSet.of(Role.CATALOG, Role.PAGE_TREE, Role.PAGE, Role.ANNOTS,
            Role.ANNOTATION, Role.ACRO_FORM, Role.FIELDS, Role.FIELD, Role.SIGNATURE, Role.STRUCT_TREE_ROOT,
            Role.STRUCT_ELEM, Role.PARENT_TREE);

    /** The signed revision walked from its trailer: every object it reaches, with its roles. */
    private static final class Roles {
        final Map<Long, EnumSet<Role>> roles = new HashMap<>();
        final BitSet reached = new BitSet();
        final Map<Long, Integer> pageNumbers = new HashMap<>();
        /** The widgets or annotations (object numbers) whose appearance an appearance object is. */
        final Map<Long, Set<Long>> owners = new HashMap<>();
        private int pages;
        private int visits;
        /** The annotation or field whose parts are being walked, or -1. */
        private long owner = -1;

        Roles(World world) {
            Deque<Object[]> queue = new ArrayDeque<>();
            Map<String, Object> trailer = world.table.trailer;
            enqueue(queue, trailer.get("Root"), Role.CATALOG);
            enqueue(queue, trailer.get("Info"), Role.INFO);
            enqueue(queue, trailer.get("Encrypt"), Role.CONTENT);
            while (!queue.isEmpty()) {
                Object[] item = queue.pop();
                long num = (Long) item[0];
                Role role = (Role) item[1];
                owner = role == Role.ANNOTATION || role == Role.FIELD ? num : (Long) item[2];
                if (++visits > MAX_VISITS) {
                    throw new Unsure("more than " + MAX_VISITS + " objects in the signed revision");
                }
                Object value = world.get(num);
                if (role == Role.PAGE && pageNumbers.putIfAbsent(num, ++pages) != null) {
                    pages--;
                }
                // an appearance stream's own parts (resources, fonts, images) are content like any other
                children(queue, world, value instanceof Stream s ? s.dict() : value,
                        value instanceof Stream && APPEARANCES.contains(role) ? Role.CONTENT : role);
            }
        }

        private void enqueue(Deque<Object[]> queue, Object ref, Role role) {
            if (!(ref instanceof Ref r) || r.num() < 0 || r.num() > MAX_OBJECT_NUMBER) {
                return;
            }
            reached.set((int) r.num());
            // an appearance shared by several widgets is walked once per widget, so its parts know every owner
            boolean newOwner = APPEARANCES.contains(role)
                    && owners.computeIfAbsent(r.num(), k -> new HashSet<>()).add(owner);
            EnumSet<Role> set = roles.computeIfAbsent(r.num(), k -> EnumSet.noneOf(Role.class));
            if (set.add(role) | newOwner) {
                // depth-first keeps pages in document order (Kids are pushed in reverse)
                queue.push(new Object[] {r.num(), role, owner});
            }
        }

        /** Walks a value's direct parts, queuing the objects it references with their roles. */
        private void children(Deque<Object[]> queue, World world, Object value, Role role) {
            if (!(value instanceof Map<?, ?> m)) {
                if (value instanceof List<?> list) {
                    Role each = switch (role) {
                        case ANNOTS -> Role.ANNOTATION;
                        case FIELDS -> Role.FIELD;
                        default -> role;
                    };
                    List<?> reversed = new ArrayList<>(list);
                    java.util.Collections.reverse(reversed);
                    for (Object o : reversed) {
                        direct(queue, world, o, each);
                    }
                }
                return;
            }
            Map<String, Object> dict = cast(m);
            for (Map.Entry<String, Object> e : dict.entrySet()) {
                String key = e.getKey();
                Object v = e.getValue();
                Role child = switch (role) {
                    case CATALOG -> switch (key) {
                        case "Pages" -> Role.PAGE_TREE;
                        case "AcroForm" -> Role.ACRO_FORM;
                        case "DSS" -> Role.VALIDATION_DATA;
                        case "Metadata" -> Role.METADATA;
                        case "StructTreeRoot" -> Role.STRUCT_TREE_ROOT;
                        default -> Role.CONTENT;
                    };
                    case STRUCT_TREE_ROOT -> key.equals("K") ? Role.STRUCT_ELEM
                            : key.equals("ParentTree") ? Role.PARENT_TREE : Role.CONTENT;
                    // /Pg and an OBJR's /Obj name pages and annotations: reached, judged where they are shown
                    case STRUCT_ELEM -> key.equals("K") ? Role.STRUCT_ELEM : key.equals("P") ? null : Role.CONTENT;
                    // the elements it maps to are walked through /K (as elements, not as tree nodes)
                    case PARENT_TREE -> key.equals("Kids") || key.equals("Nums") ? Role.PARENT_TREE : Role.CONTENT;
                    case PAGE_TREE -> key.equals("Kids") ? Role.PAGE_TREE : key.equals("Parent") ? null : Role.CONTENT;
                    case PAGE -> key.equals("Annots") ? Role.ANNOTS : key.equals("Parent") ? null : Role.CONTENT;
                    case ANNOTATION -> switch (key) {
                        case "P" -> null;
                        case "Parent" -> Role.FIELD;
                        case "V" -> isSignatureField(world, dict) ? Role.SIGNATURE : Role.CONTENT;
                        case "AP" -> appearanceRole(world, dict);
                        default -> Role.CONTENT;
                    };
                    case ACRO_FORM -> key.equals("Fields") ? Role.FIELDS : key.equals("DR") ? Role.DEFAULT_RESOURCES
                            : Role.CONTENT;
                    case DEFAULT_RESOURCES -> Role.DEFAULT_RESOURCE_DICTIONARY;
                    // what /DR's resource dictionaries name (fonts, images) is content
                    case DEFAULT_RESOURCE_DICTIONARY -> Role.CONTENT;
                    case FIELD -> switch (key) {
                        case "Kids" -> Role.FIELDS;
                        case "Parent", "P" -> null;
                        case "V" -> isSignatureField(world, dict) ? Role.SIGNATURE : Role.CONTENT;
                        case "AP" -> appearanceRole(world, dict);
                        default -> Role.CONTENT;
                    };
                    case FORM_APPEARANCE, ANNOTATION_APPEARANCE -> role;
                    case ANNOTS, FIELDS -> role;
                    // a transform's /Data names the catalog (FieldMDP): it is walked as the catalog, not as the signature
                    case SIGNATURE -> key.equals("Data") ? null : Role.SIGNATURE;
                    case VALIDATION_DATA -> Role.VALIDATION_DATA;
                    case INFO -> Role.INFO;
                    case METADATA -> Role.METADATA;
                    case CONTENT -> Role.CONTENT;
                };
                if (child == null) {
                    continue;
                }
                if (role == Role.PAGE_TREE && key.equals("Kids") && v instanceof List<?> kids) {
                    List<?> reversed = new ArrayList<>(kids);
                    java.util.Collections.reverse(reversed);
                    for (Object kid : reversed) {
                        if (kid instanceof Ref r) {
                            Object kv = world.resolve(r);
                            Object kd = kv instanceof Stream s ? s.dict() : kv;
                            boolean page = kd instanceof Map<?, ?> km && !new Name("Pages").equals(km.get("Type"));
                            enqueue(queue, r, page ? Role.PAGE : Role.PAGE_TREE);
                        }
                    }
                    continue;
                }
                direct(queue, world, v, child);
            }
        }

        private void direct(Deque<Object[]> queue, World world, Object v, Role role) {
            if (role == Role.PARENT_TREE && v instanceof Ref r && structureElement(world.resolve(v))) {
                if (r.num() >= 0 && r.num() <= MAX_OBJECT_NUMBER) {
                    reached.set((int) r.num()); // an element: walked through /K as one
                }
            } else if (role == Role.CONTENT && v instanceof Ref r
                    && (structural(world.resolve(v)) || v.equals(world.table.trailer.get("Root")))) {
                // A page or annotation named by content (an outline's or link's destination, a structure element's
                // /Pg or /Obj, an action) is judged as what it is, through the page tree and /Annots, where it is
                // shown; walking it as content would make its whole subtree (the page tree through /Parent, every
                // widget's appearance) content too. So is the catalog named by a signature reference's /Data (Adobe's
                // Reader extensions, /Perms /UR3): walked as content, it made the /DSS content, and validation data
                // added later failed every signature.
                if (r.num() >= 0 && r.num() <= MAX_OBJECT_NUMBER) {
                    reached.set((int) r.num());
                }
            } else if (v instanceof Ref) {
                enqueue(queue, v, role);
            } else if (v instanceof Map<?, ?> || v instanceof List<?>) {
                children(queue, world, v, role);
            }
        }

        EnumSet<Role> of(long num) {
            return roles.getOrDefault(num, EnumSet.noneOf(Role.class));
        }
    }

    /** Whether a value is a structure element (ISO 32000-2 14.7.2: /Type /StructElem, or a dictionary with /S and /P). */
    private static boolean structureElement(Object value) {
        return value instanceof Map<?, ?> m && (new Name("StructElem").equals(m.get("Type"))
                || m.get("S") instanceof Name && m.get("P") instanceof Ref);
    }

    /** Whether a value is a page, a page tree node or an annotation (a dictionary with /Subtype and /Rect). */
    private static boolean structural(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return false;
        }
        return new Name("Page").equals(m.get("Type")) || new Name("Pages").equals(m.get("Type"))
                || m.get("Subtype") instanceof Name && m.get("Rect") != null && !m.containsKey("BBox");
    }

    /** The role of the appearance of an annotation or field: a signed signature's appearance stays content. */
    private static Role appearanceRole(World world, Map<String, Object> dict) {
        if (isMarkup(dict)) {
            return Role.ANNOTATION_APPEARANCE;
        }
        return fillable(world, dict) ? Role.FORM_APPEARANCE : Role.CONTENT;
    }

    /** Whether a dictionary is an annotation other than a widget. */
    private static boolean isMarkup(Map<String, Object> dict) {
        return dict.get("Subtype") instanceof Name subtype && !subtype.equals(new Name("Widget"));
    }

    /**
     * Whether a field dictionary (or a widget of one) is a form field a user fills in: a text, choice, check box or
     * radio button field (its {@code /FT}, possibly inherited), not read-only ({@code /Ff} bit 1), not a push button
     * (bit 17).
     */
    private static boolean fillable(World world, Map<String, Object> field) {
        if (isMarkup(field)) {
            return false;
        }
        Object ft = null;
        Object ff = null;
        Map<String, Object> f = field;
        for (int depth = 0; f != null && depth < 32; depth++) {
            ft = ft != null ? ft : world.resolve(f.get("FT"));
            ff = ff != null ? ff : world.resolve(f.get("Ff"));
            Object parent = world.resolve(f.get("Parent"));
            f = parent instanceof Map<?, ?> m ? cast(m) : null;
        }
        long flags = ff instanceof Long l ? l : 0;
        boolean pushButton = new Name("Btn").equals(ft) && (flags & (1 << 16)) != 0;
        return (new Name("Tx").equals(ft) || new Name("Ch").equals(ft) || new Name("Btn").equals(ft))
                && (flags & 1) == 0 && !pushButton;
    }

    /** Whether a field dictionary is a signature field ({@code /FT /Sig}, possibly inherited). */
    private static boolean isSignatureField(World world, Map<String, Object> field) {
        Map<String, Object> f = field;
        for (int depth = 0; f != null && depth < 32; depth++) {
            Object ft = f.get("FT");
            if (ft != null) {
                return new Name("Sig").equals(ft);
            }
            Object parent = world.resolve(f.get("Parent"));
            f = parent instanceof Map<?, ?> m ? cast(m) : null;
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------
    // The comparison

    private static final class Comparison {
        private final Input in;
        private final long signedEnd;
        private final List<String> modifications = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private World before;
        private World after;
        private Roles roles;
        /** Candidate new values per object number: every definition a reader could use. */
        private final Map<Long, List<Object>> candidates = new LinkedHashMap<>();

        private final Session session;
        private final Allowed allowed;

        Comparison(Session session, long signedEnd, Allowed allowed) {
            this.session = session;
            this.in = session.in;
            this.signedEnd = signedEnd;
            this.allowed = allowed;
        }

        Outcome run() {
            Table old = readTable(in, signedEnd);
            if (old.trailer == null || !(old.trailer.get("Root") instanceof Ref)) {
                throw new Unsure("the signed revision has no /Root");
            }
            before = new World(in, old, session);
            Table newest;
            try {
                newest = session.finalTable();
            } catch (Unsure | Malformed e) {
                modified("the cross-reference data after the signed revision cannot be followed (" + e.getMessage()
                        + "); readers rebuild it and may show anything");
                newest = null;
            }
            if (newest != null && !newest.sections.contains(old.sections.get(0))) {
                // A later writer that lists every object again in a section without /Prev (PoDoFo 0.9 does, after a
                // revision with a cross-reference stream) breaks ISO 32000-1 §7.5.6, yet every reader reads that table
                // alone, and it is compared below entry by entry with the signed one, as any other final table: an
                // entry it drops, moves or points back into signed bytes is a candidate like any other change.
                warnings.add("a later revision's cross-reference section does not chain back (/Prev) to the signed "
                        + "revision's: it lists the whole document again, and every object was compared as it defines it");
            }
            after = newest == null ? null : session.finalWorld();
            if (after != null) {
                trailerChanges(old, newest);
                for (int num = 0; num < Math.max(old.size, newest.size); num++) {
                    if (!old.sameEntry(newest, num)) {
                        candidate(num, after.get(num));
                    }
                }
            }
            scan();
            roles = new Roles(before);
            for (Map.Entry<Long, List<Object>> e : candidates.entrySet()) {
                for (Object value : e.getValue()) {
                    judge(e.getKey(), value);
                }
            }
            if (modifications.size() > MAX_LISTED) {
                int more = modifications.size() - MAX_LISTED;
                modifications.subList(MAX_LISTED, modifications.size()).clear();
                modifications.add("… and " + more + " more changes");
            }
            return new Outcome(new ArrayList<>(new LinkedHashSet<>(modifications)),
                    new ArrayList<>(new LinkedHashSet<>(warnings)));
        }

        private void modified(String what) {
            modifications.add(what);
        }

        private void candidate(long num, Object value) {
            List<Object> list = candidates.computeIfAbsent(num, k -> new ArrayList<>());
            for (Object o : list) {
                if (same(o, value, null, null)) {
                    return;
                }
            }
            list.add(value);
        }

        private void trailerChanges(Table old, Table newest) {
            Object oldRoot = old.trailer.get("Root");
            for (long offset : newest.sections) {
                if (offset < signedEnd) {
                    break;
                }
                Map<String, Object> trailer = section(in, offset, new Table(), false);
                Object root = trailer.get("Root");
                if (root != null && !(root instanceof Ref r && r.num() == ((Ref) oldRoot).num())) {
                    modified("the document catalog was replaced (/Root " + show(oldRoot) + " became " + show(root) + ")");
                }
                if (trailer.containsKey("Encrypt") && !Objects.equals(trailer.get("Encrypt"), old.trailer.get("Encrypt"))) {
                    modified("the encryption dictionary was changed");
                }
            }
        }

        /** Every object definition in the bytes after the signed revision, as a reader rebuilding the file finds them. */
        private void scan() {
            long length = in.length();
            long pos = signedEnd;
            while (pos < length) {
                int c = in.at(pos);
                boolean boundary = pos == signedEnd || isWhite(in.at(pos - 1)) || isDelimiter(in.at(pos - 1));
                if (c >= '0' && c <= '9' && boundary) {
                    Scanned found = after == null ? null : session.scanned.get(pos);
                    if (found == null) {
                        Parser p = new Parser(in, pos);
                        long num = p.objectHeader();
                        Object value = null;
                        if (num >= 0) {
                            try {
                                value = decrypted(body(in, p, after), num, p.generation(), session);
                            } catch (Malformed e) {
                                value = Unreadable.VALUE;
                            }
                        }
                        found = new Scanned(num, value, p.pos);
                        if (after != null && session.scanned.size() < 200_000) {
                            session.scanned.put(pos, found);
                        }
                    }
                    long num = found.num();
                    if (num >= 0) {
                        Object value = found.value();
                        candidate(num, value);
                        if (value instanceof Stream s && new Name("ObjStm").equals(s.dict().get("Type"))) {
                            List<Long> numbers = new ArrayList<>();
                            List<Object> objects = objectsOf(s, after, numbers);
                            if (objects == null) {
                                warnings.add("an object stream after the signed revision (object " + num
                                        + ") cannot be decoded");
                            } else {
                                for (int i = 0; i < objects.size(); i++) {
                                    candidate(numbers.get(i), objects.get(i));
                                }
                            }
                        }
                        pos = Math.max(pos + 1, found.end());
                        if (value instanceof Stream s) {
                            pos = Math.max(pos, s.start() + s.length());
                        }
                        continue;
                    }
                }
                pos++;
            }
        }

        private void judge(long num, Object value) {
            Object old = before.get(num);
            if (same(old, value, before, after)) {
                return;
            }
            EnumSet<Role> roleSet = roles.of(num);
            if (roleSet.isEmpty()) {
                if (old == Keyword.NULL && roles.reached.get((int) Math.min(num, Integer.MAX_VALUE))) {
                    modified("object " + num + ", referenced by the signed revision but absent from it, was defined");
                }
                return; // not reached by the signed revision: no reader shows it unless a checked change does
            }
            if (value == Unreadable.VALUE) {
                modified(describe(num, roleSet) + " was redefined with something that cannot be read");
                return;
            }
            if (value == Keyword.NULL) {
                modified(describe(num, roleSet) + " was deleted (freed)");
                return;
            }
            // A structural role (page, annotation, field …) checks every key of the object itself, so a
            // page also reached as plain data (a structure element's /Pg, an /OpenAction destination) is
            // judged as a page. The permissive roles (validation data, info, metadata) never outrank
            // CONTENT: data the document shows stays content wherever else it is referenced.
            EnumSet<Role> effective = EnumSet.copyOf(roleSet);
            if (effective.size() > 1 && !java.util.Collections.disjoint(effective, STRUCTURAL)) {
                effective.remove(Role.CONTENT);
            }
            if (effective.contains(Role.CONTENT)) {
                effective.removeAll(EnumSet.of(Role.VALIDATION_DATA, Role.INFO, Role.METADATA, Role.DEFAULT_RESOURCES,
                        Role.DEFAULT_RESOURCE_DICTIONARY));
            }
            for (Role role : effective) {
                if (!allowed(num, role, old, value)) {
                    return; // reported
                }
            }
        }

        /** Whether this change is allowed for an object with this role; reports it when not. */
        private boolean allowed(long num, Role role, Object old, Object value) {
            String what = describe(num, EnumSet.of(role));
            switch (role) {
                case VALIDATION_DATA, INFO, METADATA, DEFAULT_RESOURCES, DEFAULT_RESOURCE_DICTIONARY:
                    return true;
                case CATALOG:
                    return keysChanged(what, old, value, Set.of("AcroForm", "DSS", "Extensions", "Metadata", "Version",
                                    "OutputIntents"),
                            (key, o, n) -> {
                                if (key.equals("AcroForm")) {
                                    return acroForm(what + " /AcroForm", before.resolve(o), after.resolve(n));
                                }
                                if (key.equals("OutputIntents")) {
                                    return outputIntentAdded(what, before.resolve(o), after.resolve(n));
                                }
                                if (key.equals("DSS") && o != null && n == null) {
                                    warnings.add("a later revision removed the /DSS dictionary (the validation data "
                                            + "stored for earlier signatures)");
                                }
                                return true;
                            });
                case ACRO_FORM:
                    return acroForm(what, old, value);
                case FIELDS:
                    return superset(what, old, value, null);
                case ANNOTS:
                    return superset(what, old, value, 0);
                case PAGE:
                    return keysChanged(what, old, value, PAGE_FREE,
                            (key, o, n) -> key.equals("Tabs") ? tabsAdded(what, o, n)
                                    : key.equals("Parent") ? samePages(what + " /Parent")
                                    : INHERITABLE.contains(key) ? sameEffective(what, key, old, value)
                                    : superset(what + " /Annots", before.resolve(o), after.resolve(n),
                                    roles.pageNumbers.getOrDefault(num, 0)));
                case PAGE_TREE:
                    return keysChanged(what, old, value, Set.of("Kids", "Count"), (key, o, n) -> samePages(what + " /" + key));
                case STRUCT_TREE_ROOT:
                    return keysChanged(what, old, value, Set.of("K", "ParentTree", "ParentTreeNextKey", "RoleMap"),
                            (key, o, n) -> switch (key) {
                                case "K" -> kidsAppended(what + " /K", o, n);
                                case "ParentTree" -> parentTreeGrown(what + " /ParentTree", before.resolve(o), after.resolve(n));
                                case "ParentTreeNextKey" -> {
                                    boolean grew = n instanceof Long nk && (o == null || o instanceof Long ok && nk >= ok);
                                    if (!grew) {
                                        modified(what + " changed /ParentTreeNextKey");
                                    }
                                    yield grew;
                                }
                                default -> { // RoleMap: an empty one added, nothing mapped anew
                                    boolean same = entries(before.resolve(o)).equals(entries(after.resolve(n)));
                                    if (!same) {
                                        modified(what + " changed /RoleMap");
                                    }
                                    yield same;
                                }
                            });
                case STRUCT_ELEM:
                    return keysChanged(what, old, value, Set.of("K"), (key, o, n) -> kidsAppended(what + " /K", o, n));
                case PARENT_TREE:
                    return parentTreeGrown(what, old, value);
                case FIELD, ANNOTATION:
                    if (old instanceof Map<?, ?> m && isSignatureField(before, cast(m))) {
                        return signatureFieldFilled(what, cast(m), value);
                    }
                    if (old instanceof Map<?, ?> m && allowed.annotations() && isMarkup(cast(m))) {
                        permitted("changes " + annotation(cast(m), num, 0));
                        return true;
                    }
                    if (old instanceof Map<?, ?> m && allowed.formFill() && fillable(before, cast(m))) {
                        return formFilled(what, num, cast(m), value);
                    }
                    modified(what + " changed" + keyDiff(old, value));
                    return false;
                case ANNOTATION_APPEARANCE:
                    if (allowed.annotations()) {
                        return true; // an annotation's own look: annotations may change
                    }
                    modified(what + " changed" + keyDiff(old, value));
                    return false;
                case FORM_APPEARANCE:
                    if (allowed.formFill() && roles.owners.containsKey(num)) {
                        for (long widget : roles.owners.get(num)) {
                            if (!valueChanged(widget, after.get(widget))) {
                                modified(what + " changed, though the value of its form field did not");
                                return false;
                            }
                        }
                        return true; // the appearance of a field that was filled in
                    }
                    modified(what + " changed" + keyDiff(old, value));
                    return false;
                default:
                    if (role == Role.CONTENT && allowed.formFill() && unusedNamesAdded(old, value)) {
                        return true;
                    }
                    modified(what + " changed" + keyDiff(old, value));
                    return false;
            }
        }

        /** Every name the streams of the signed revision use, once computed; {@code null} when too large to tell. */
        private Set<String> namesInContent;
        private boolean namesComputed;
        /** Decoded content read at most to find the names it uses. */
        private static final long NAMES_BUDGET = 256L * 1024 * 1024;

        /**
         * Whether a dictionary only gained entries whose names no stream of the signed revision uses ({@link
         * #onlyGained}): a form filler adding its default fonts (/Helv, /ZaDb) to a font dictionary that pages share
         * with the form's default resources (LibreOffice writes them so), or OpenPDF its signature appearance to a page's
         * /XObject resources. What the signed content draws cannot change by a name it never
         * uses; a name it does use (even a dangling one) is a modification.
         */
        private boolean unusedNamesAdded(Object old, Object value) {
            List<String> added = new ArrayList<>();
            if (!onlyGained(old, value, added, 0) || added.isEmpty()) {
                return false;
            }
            Set<String> used = namesInContent();
            if (used == null || added.stream().anyMatch(used::contains)) {
                return false;
            }
            warnings.add("a later revision adds " + String.join(", ", added.stream().map(n -> "/" + n).toList())
                    + " to a resource dictionary of the signed content, which uses none of them");
            return true;
        }

        /**
         * Whether dictionary {@code value} (after) holds every entry of {@code old} (before) unchanged or, one level down
         * at most, a dictionary that itself only gained entries (a resource dictionary's /XObject or /Font written
         * again with one more name: OpenPDF adds its signature appearance so), collecting the names gained.
         */
        private boolean onlyGained(Object old, Object value, List<String> added, int depth) {
            if (!(before.resolve(old) instanceof Map<?, ?> om) || !(after.resolve(value) instanceof Map<?, ?> nm)
                    || !nm.keySet().containsAll(om.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : nm.entrySet()) {
                Object previous = om.get(e.getKey());
                if (previous == null) {
                    added.add(String.valueOf(e.getKey()));
                } else if (!same(previous, e.getValue(), before, after)
                        && !(depth < 1 && onlyGained(previous, e.getValue(), added, depth + 1))) {
                    return false;
                }
            }
            return true;
        }

        private Set<String> namesInContent() {
            if (namesComputed) {
                return namesInContent;
            }
            namesComputed = true;
            Set<String> names = new HashSet<>();
            long budget = NAMES_BUDGET;
            for (Map.Entry<Long, EnumSet<Role>> e : roles.roles.entrySet()) {
                if (!e.getValue().contains(Role.CONTENT) && !e.getValue().contains(Role.FORM_APPEARANCE)
                        && !e.getValue().contains(Role.ANNOTATION_APPEARANCE)) {
                    continue;
                }
                if (before.get(e.getKey()) instanceof Stream stream) {
                    byte[] data;
                    try {
                        data = PdfSyntax.decode(stream.dict(), stream.raw(), MAX_DECODED);
                    } catch (Unsure | Malformed ex) {
                        data = null;
                    }
                    if (data == null || (budget -= data.length) < 0) {
                        return null; // cannot tell: the change stays a modification
                    }
                    for (int i = 0; i < data.length; i++) {
                        if (data[i] == '/') {
                            int start = ++i;
                            while (i < data.length && !isWhite(data[i]) && !isDelimiter(data[i])) {
                                i++;
                            }
                            names.add(new String(data, start, i - start, StandardCharsets.ISO_8859_1));
                            i--;
                        }
                    }
                }
            }
            namesInContent = names;
            return names;
        }

        /** Whether the page tree was rebuilt around the same pages ({@link #pageList}), once computed. */
        private Boolean samePages;

        /**
         * A page tree rebuilt around the same pages: iText puts a new intermediate /Pages node above a page it signs
         * on when the page's siblings are nodes. Allowed when both revisions list the same pages in the same order,
         * each with the same inherited /MediaBox, /CropBox, /Resources and /Rotate, and the new nodes carry nothing
         * else; reported otherwise.
         */
        private boolean samePages(String what) {
            if (samePages == null) {
                List<Object[]> was = pageList(before, false);
                List<Object[]> now = pageList(after, true);
                boolean same = was != null && now != null && was.size() == now.size();
                for (int i = 0; same && i < was.size(); i++) {
                    for (int k = 0; same && k < was.get(i).length; k++) {
                        same = same(was.get(i)[k], now.get(i)[k], before, after);
                    }
                }
                samePages = same;
            }
            if (!samePages) {
                modified(what + " changed (the pages, their order or what they inherit)");
            }
            return samePages;
        }

        private static final List<String> INHERITED = List.of("MediaBox", "CropBox", "Resources", "Rotate");

        /**
         * The pages of a revision in order, each as {its reference, then its effective {@link #INHERITED} values}; null
         * when the tree cannot be read, a /Parent does not name the node whose /Kids list the page or node, or
         * ({@code newNodesChecked}) a node the signed revision did not have carries a key other than /Type, /Kids,
         * /Count, /Parent and the inherited ones.
         */
        private List<Object[]> pageList(World world, boolean newNodesChecked) {
            Object catalog = world.resolve(world.table.trailer == null ? null : world.table.trailer.get("Root"));
            if (!(catalog instanceof Map<?, ?> c) || !(c.get("Pages") instanceof Ref root)) {
                return null;
            }
            List<Object[]> pages = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            Deque<Object[]> stack = new ArrayDeque<>(); // {reference, inherited values, parent reference}
            stack.push(new Object[] {root, new Object[INHERITED.size()], null});
            while (!stack.isEmpty()) {
                Object[] item = stack.pop();
                Ref ref = (Ref) item[0];
                if (!seen.add(ref.num()) || seen.size() > 100_000 || !(world.resolve(ref) instanceof Map<?, ?> m)) {
                    return null;
                }
                // readers look inherited attributes up through /Parent: it must name the node that lists this one
                if (item[2] != null && !(m.get("Parent") instanceof Ref parent && parent.num() == ((Ref) item[2]).num())) {
                    return null;
                }
                Object[] inherited = ((Object[]) item[1]).clone();
                for (int k = 0; k < INHERITED.size(); k++) {
                    if (m.containsKey(INHERITED.get(k))) {
                        inherited[k] = m.get(INHERITED.get(k));
                    }
                }
                if (!(m.get("Kids") instanceof List<?> kids)) {
                    Object[] page = new Object[INHERITED.size() + 1];
                    page[0] = ref;
                    System.arraycopy(inherited, 0, page, 1, inherited.length);
                    pages.add(page);
                    continue;
                }
                if (newNodesChecked && before.resolve(ref) == Keyword.NULL) {
                    for (Object key : m.keySet()) {
                        if (!Set.of("Type", "Kids", "Count", "Parent").contains(key) && !INHERITED.contains(key)) {
                            return null;
                        }
                    }
                }
                for (int i = kids.size() - 1; i >= 0; i--) {
                    if (!(kids.get(i) instanceof Ref kid)) {
                        return null;
                    }
                    stack.push(new Object[] {kid, inherited, ref});
                }
            }
            return pages;
        }

        /**
         * A page's /Tabs set to /S (structure order) where it had none: the tab order a tagged document's new widget
         * asks for (PDF/UA; iText sets it when it adds a signature field to a tagged document).
         */
        private boolean tabsAdded(String what, Object old, Object value) {
            if (old == null && new Name("S").equals(value)) {
                return true;
            }
            modified(what + " changed /Tabs");
            return false;
        }

        /** The entries of a dictionary with references as written (an absent or empty one: none). */
        private static Map<String, Object> entries(Object value) {
            return value instanceof Map<?, ?> m ? new HashMap<>(cast(m)) : Map.of();
        }

        /**
         * A structure element's (or the structure tree root's) /K grown only at its end, by elements that tag new
         * signature widgets ({@link #tagsNewSignatureWidget}): what a signer adds to the structure of a tagged
         * document with its field. Kids the signed revision had stay, in their order.
         */
        private boolean kidsAppended(String what, Object old, Object value) {
            List<Object> was = kids(before, old);
            List<Object> now = kids(after, value);
            boolean ok = now.size() > was.size();
            for (int i = 0; ok && i < was.size(); i++) {
                ok = same(was.get(i), now.get(i), before, after);
            }
            for (int i = was.size(); ok && i < now.size(); i++) {
                ok = now.get(i) instanceof Ref r && before.resolve(r) == Keyword.NULL && tagsNewSignatureWidget(r);
            }
            if (!ok) {
                modified(what + " changed (kids other than a new signature field's tag)");
            }
            return ok;
        }

        /** /K as {@code world} reads it, as a list of kids: an array's items, a single kid, or none. */
        private static List<Object> kids(World world, Object k) {
            Object resolved = k instanceof Ref r && world.resolve(r) instanceof List<?> ? world.resolve(r) : k;
            return resolved == null || resolved == Keyword.NULL ? List.of()
                    : resolved instanceof List<?> l ? new ArrayList<>(l) : List.of(resolved);
        }

        /**
         * Whether {@code element} (an object the signed revision did not have) is a structure element whose kids are
         * all object references to signature widgets the signed revision did not have either: the tag of a new
         * signature field (ISO 32000-2 14.7.5, a /Form element with an OBJR).
         */
        private boolean tagsNewSignatureWidget(Object element) {
            if (!(after.resolve(element) instanceof Map<?, ?> m) || !structureElement(m)) {
                return false;
            }
            List<Object> kids = kids(after, m.get("K"));
            boolean ok = !kids.isEmpty();
            for (Object kid : kids) {
                ok &= after.resolve(kid) instanceof Map<?, ?> objr && new Name("OBJR").equals(objr.get("Type"))
                        && objr.get("Obj") instanceof Ref widget && before.resolve(widget) == Keyword.NULL
                        && after.resolve(widget) instanceof Map<?, ?> w && isSignatureField(after, cast(w));
            }
            return ok;
        }

        /**
         * A parent tree (number tree) whose every key keeps what it mapped to (the same references, or an array of
         * the same references written as a new object), grown only by keys that map to the tag of a new signature
         * widget: what a signer writes when it tags its field.
         */
        private boolean parentTreeGrown(String what, Object old, Object value) {
            Map<Long, Object> was = numberTree(before, old);
            Map<Long, Object> now = numberTree(after, value);
            boolean ok = was != null && now != null && now.keySet().containsAll(was.keySet());
            for (Map.Entry<Long, Object> e : ok ? was.entrySet() : Set.<Map.Entry<Long, Object>>of()) {
                Object n = now.get(e.getKey());
                ok &= same(e.getValue(), n, before, after)
                        || same(before.resolve(e.getValue()), after.resolve(n), before, after);
            }
            for (Map.Entry<Long, Object> e : ok ? now.entrySet() : Set.<Map.Entry<Long, Object>>of()) {
                if (!was.containsKey(e.getKey())) {
                    ok &= e.getValue() instanceof Ref r && before.resolve(r) == Keyword.NULL && tagsNewSignatureWidget(r);
                }
            }
            if (!ok) {
                modified(what + " changed (entries other than a new signature field's tag)");
            }
            return ok;
        }

        /** The key-value pairs of a number tree (/Nums of its leaves through /Kids), or null when it cannot be read. */
        private static Map<Long, Object> numberTree(World world, Object root) {
            Map<Long, Object> out = new HashMap<>();
            Deque<Object> nodes = new ArrayDeque<>(List.of(root == null ? Keyword.NULL : root));
            Set<Long> seen = new HashSet<>();
            while (!nodes.isEmpty()) {
                Object node = nodes.pop();
                if (node instanceof Ref r && !seen.add(r.num()) || seen.size() > 10_000) {
                    return null;
                }
                Object resolved = world.resolve(node);
                if (resolved == Keyword.NULL) {
                    continue;
                }
                if (!(resolved instanceof Map<?, ?> m)) {
                    return null;
                }
                if (world.resolve(m.get("Nums")) instanceof List<?> nums) {
                    if (nums.size() % 2 != 0) {
                        return null;
                    }
                    for (int i = 0; i < nums.size(); i += 2) {
                        if (!(nums.get(i) instanceof Long key) || out.put(key, nums.get(i + 1)) != null) {
                            return null;
                        }
                    }
                }
                if (world.resolve(m.get("Kids")) instanceof List<?> kids) {
                    kids.forEach(nodes::push);
                }
            }
            return out;
        }

        /**
         * An /OutputIntents array given to a catalog that had none, every intent a PDF/A one (/S /GTS_PDFA1) with a
         * three-component (RGB) ICC profile: DSS adds an sRGB one with every visible signature it draws on a document
         * that has none, so that the document can stay PDF/A. Reported as a warning; changing or removing an output
         * intent the signed revision had, or adding any other, is a modification (an output intent tells
         * colour-managed viewers how to show the page's device colours).
         */
        private boolean outputIntentAdded(String what, Object old, Object value) {
            if (old != null && old != Keyword.NULL) {
                modified(what + " changed /OutputIntents");
                return false;
            }
            boolean pdfaRgb = value instanceof List<?> intents && !intents.isEmpty();
            for (Object item : pdfaRgb ? (List<?>) value : List.of()) {
                pdfaRgb &= after.resolve(item) instanceof Map<?, ?> intent
                        && new Name("GTS_PDFA1").equals(after.resolve(intent.get("S")))
                        && after.resolve(intent.get("DestOutputProfile")) instanceof Stream profile
                        && Long.valueOf(3).equals(after.resolve(profile.dict().get("N")));
            }
            if (!pdfaRgb) {
                modified(what + " gained /OutputIntents other than PDF/A output intents with an RGB profile");
                return false;
            }
            warnings.add("a later revision adds a PDF/A output intent with an RGB colour profile to the document"
                    + " catalog (as DSS does with a visible signature)");
            return true;
        }

        /** A change the document's certification permits: reported, since it changes what readers show. */
        private void permitted(String change) {
            warnings.add("a later revision " + change + " (" + (allowed.annotations()
                    ? "the certification allows form filling and annotations" : "form filling is allowed") + ")");
        }

        /**
         * A form field (or its widget) whose value, rich value, widget state or appearance changed: allowed when its
         * value changed; an appearance or state that changes while the value stays is a modification.
         */
        private boolean formFilled(String what, long num, Map<String, Object> old, Object value) {
            if (!(value instanceof Map<?, ?> nm)) {
                modified(what + " was replaced by " + kind(value));
                return false;
            }
            boolean filled = valueChanged(num, value);
            String name = fullName(before, old);
            return keysChanged(what, old, value, Set.of("V", "RV", "I", "AS", "AP"), (key, o, n) -> {
                if (!filled) {
                    modified(what + " changed /" + key + ", though the value of form field '" + name + "' did not");
                    return false;
                }
                if (key.equals("V")) {
                    permitted((o == null ? "fills in" : "changes the value of") + " form field '" + name + "'");
                }
                return true;
            });
        }

        /**
         * Whether the value of the field a widget or field dictionary belongs to differs from the signed revision's:
         * its own {@code /V} or {@code /RV}, or its ancestors' (a radio button's value is its parent's).
         */
        private boolean valueChanged(long num, Object value) {
            Object old = before.get(num);
            Object now = value;
            for (int depth = 0; depth < 32 && old instanceof Map<?, ?> o && now instanceof Map<?, ?> n; depth++) {
                if (!same(o.get("V"), n.get("V"), before, after) || !same(o.get("RV"), n.get("RV"), before, after)) {
                    return true;
                }
                if (!(o.get("Parent") instanceof Ref parent) || !same(parent, n.get("Parent"), before, after)) {
                    return false;
                }
                old = before.get(parent.num());
                now = after.get(parent.num());
            }
            return false;
        }

        /** "a Square annotation on page 2" or "a Square annotation (object 12)". */
        /**
         * "a Square annotation on page 2" (its /P, else the page whose /Annots lists it) or "a Square annotation
         * (object 12)".
         *
         * @param listedOn the number of the page whose /Annots lists it, 0 when not known
         */
        private String annotation(Map<String, Object> dict, long num, int listedOn) {
            String subtype = dict.get("Subtype") instanceof Name n ? n.value() : "unknown";
            int page = dict.get("P") instanceof Ref r ? roles.pageNumbers.getOrDefault(r.num(), listedOn) : listedOn;
            return "a " + subtype + " annotation " + (page > 0 ? "on page " + page : "(object " + num + ")");
        }

        /**
         * Whether a page's inheritable attribute (ISO 32000-1 Table 30: /Resources, /MediaBox, /CropBox, /Rotate) has the
         * same effective value before and after: its own, else its nearest ancestor's, else the default (/Rotate 0,
         * /CropBox the media box). OpenPDF and iText 2 write the inherited values into each page they touch; the
         * page is the same page.
         */
        private boolean sameEffective(String what, String key, Object oldPage, Object newPage) {
            if (same(effective(before, oldPage, key), effective(after, newPage, key), before, after)) {
                return true;
            }
            modified(what + " changed /" + key);
            return false;
        }

        private static Object effective(World world, Object page, String key) {
            Object node = world.resolve(page);
            for (int depth = 0; node instanceof Map<?, ?> m && depth < 32; depth++) {
                if (m.get(key) != null) {
                    return m.get(key);
                }
                node = world.resolve(m.get("Parent"));
            }
            return switch (key) {
                case "Rotate" -> 0L;
                case "CropBox" -> effective(world, page, "MediaBox");
                default -> null;
            };
        }

        private interface KeyRule {
            boolean allowed(String key, Object oldValue, Object newValue);
        }

        /** Dictionaries equal but for {@code free} keys, each of which {@code rule} accepts. */
        private boolean keysChanged(String what, Object old, Object value, Set<String> free, KeyRule rule) {
            if (!(old instanceof Map<?, ?> om) || !(value instanceof Map<?, ?> nm)) {
                modified(what + " was replaced by " + kind(value));
                return false;
            }
            Set<String> keys = new LinkedHashSet<>();
            keys.addAll(cast(om).keySet());
            keys.addAll(cast(nm).keySet());
            boolean ok = true;
            boolean impliedType = impliedTypeAdded(om, nm);
            for (String key : keys) {
                Object o = om.get(key);
                Object n = nm.get(key);
                if (same(o, n, before, after) || impliedType && key.equals("Type")) {
                    continue;
                }
                if (!free.contains(key)) {
                    modified(what + " changed /" + key);
                    ok = false;
                } else if (!rule.allowed(key, o, n)) {
                    ok = false;
                }
            }
            return ok;
        }

        private boolean acroForm(String what, Object old, Object value) {
            Object o = old == Keyword.NULL || old == null ? Map.of() : old;
            return keysChanged(what, o, value, Set.of("Fields", "SigFlags", "DR", "DA", "NeedAppearances"),
                    (key, ov, nv) -> switch (key) {
                        case "Fields" -> superset(what + " /Fields", before.resolve(ov), after.resolve(nv), null);
                        case "NeedAppearances" -> {
                            if (Keyword.TRUE.equals(after.resolve(nv))) {
                                modified(what + " now asks viewers to rebuild field appearances (/NeedAppearances)");
                                yield false;
                            }
                            yield true;
                        }
                        default -> true;
                    });
        }

        /** A list that keeps every earlier element and only adds signature fields (or their widgets). */
        private boolean superset(String what, Object old, Object value, Integer annotationsOfPage) {
            boolean annotations = annotationsOfPage != null;
            List<?> o = old instanceof List<?> l ? l : List.of();
            if (!(value instanceof List<?> n)) {
                if (o.isEmpty() && (value == null || value == Keyword.NULL)) {
                    return true;
                }
                modified(what + " was replaced by " + kind(value));
                return false;
            }
            List<Object> remaining = new ArrayList<>(n);
            for (Object element : o) {
                boolean found = false;
                for (int i = 0; i < remaining.size(); i++) {
                    if (same(element, remaining.get(i), before, after)) {
                        remaining.remove(i);
                        found = true;
                        break;
                    }
                }
                if (!found && element instanceof Map<?, ?> direct) {
                    // the same dictionary, now an object of its own (iText writes direct annotations as objects, with
                    // a /P naming their page)
                    Long page = annotations ? pageObject(annotationsOfPage) : null;
                    for (int i = 0; i < remaining.size() && !found; i++) {
                        if (remaining.get(i) instanceof Ref r && before.resolve(r) == Keyword.NULL
                                && sameEverywhere(direct, r, page)) {
                            remaining.remove(i);
                            found = true;
                        }
                    }
                }
                if (!found && annotations && allowed.annotations()
                        && before.resolve(element) instanceof Map<?, ?> lost && isMarkup(cast(lost))) {
                    permitted("removes " + annotation(cast(lost), element instanceof Ref r ? r.num() : -1, annotationsOfPage));
                    continue;
                }
                if (!found) {
                    modified(what + " lost " + (annotations ? "annotation " : "field ") + show(element));
                    return false;
                }
            }
            boolean ok = true;
            for (Object added : remaining) {
                ok &= newSignatureField(what, added, annotationsOfPage);
            }
            return ok;
        }

        /**
         * Whether every definition of new object {@code r} in the bytes after the signed revision (the one the final
         * cross-reference table names, and any other a reader rebuilding the file could take) is {@code direct}, but
         * for a /P naming {@code page} (the object number of the page whose /Annots lists it, or null).
         */
        private boolean sameEverywhere(Map<?, ?> direct, Ref r, Long page) {
            List<Object> values = new ArrayList<>();
            values.add(after.resolve(r));
            values.addAll(candidates.getOrDefault(r.num(), List.of()));
            return values.stream().allMatch(v -> {
                Object compared = v;
                if (page != null && !direct.containsKey("P") && v instanceof Map<?, ?> m
                        && m.get("P") instanceof Ref p && p.num() == page) {
                    Map<Object, Object> copy = new LinkedHashMap<>(m);
                    copy.remove("P"); // /P naming the page the annotation is on (optional, ISO 32000-2 Table 166)
                    compared = copy;
                }
                return same(direct, compared, before, after);
            });
        }

        /** @return the object number of page {@code pageNumber} (1-based) of the signed revision, or null */
        private Long pageObject(Integer pageNumber) {
            for (Map.Entry<Long, Integer> e : roles.pageNumbers.entrySet()) {
                if (e.getValue().equals(pageNumber)) {
                    return e.getKey();
                }
            }
            return null;
        }

        /** An added field or annotation: a signature field or widget that is signed, or draws nothing. */
        private boolean newSignatureField(String what, Object added, Integer annotationOfPage) {
            boolean annotation = annotationOfPage != null;
            Object resolved = after.resolve(added);
            List<Object> values = new ArrayList<>();
            values.add(resolved);
            if (added instanceof Ref r && candidates.containsKey(r.num())) {
                values.addAll(candidates.get(r.num()));
            }
            for (Object v : values) {
                if (!(v instanceof Map<?, ?> m)) {
                    modified(what + " gained " + show(added) + ", which is not a dictionary");
                    return false;
                }
                Map<String, Object> dict = cast(m);
                String label = (annotation ? "an annotation " : "a field ") + show(added);
                if (annotation && allowed.annotations() && isMarkup(dict)) {
                    permitted("adds " + annotation(dict, added instanceof Ref r ? r.num() : -1, annotationOfPage));
                    continue;
                }
                if (annotation && !new Name("Widget").equals(dict.get("Subtype"))) {
                    modified(what + " gained " + label + " of type " + show(dict.get("Subtype")));
                    return false;
                }
                if (!isSignatureField(after, dict)) {
                    modified(what + " gained " + label + " that is not a signature field");
                    return false;
                }
                if (!signed(dict) && draws(dict)) {
                    modified(what + " gained " + label + ", an empty signature field that draws on the page");
                    return false;
                }
            }
            return true;
        }

        /**
         * An empty signature field that received a value (and with it an appearance, a lock, a seed value, and
         * possibly a new box: signing an existing field is the same as adding a signed field, which may draw).
         */
        private boolean signatureFieldFilled(String what, Map<String, Object> old, Object value) {
            if (old.get("V") != null) {
                modified(what + ", a signed signature field, changed" + keyDiff(old, value));
                return false;
            }
            if (!(value instanceof Map<?, ?> m)) {
                modified(what + " was replaced by " + kind(value));
                return false;
            }
            Map<String, Object> dict = cast(m);
            boolean signedNow = signed(dict) || signedParent(dict);
            return keysChanged(what, old, value, Set.of("V", "AP", "AS", "Lock", "SV", "MK", "Rect"), (key, o, n) -> {
                if (key.equals("V") || signedNow) {
                    if (key.equals("V") && !signedNow) {
                        modified(what + " received a value that is not a signature dictionary");
                        return false;
                    }
                    return true;
                }
                modified(what + " changed /" + key + " without being signed");
                return false;
            });
        }

        private boolean signedParent(Map<String, Object> widget) {
            Object parent = after.resolve(widget.get("Parent"));
            return parent instanceof Map<?, ?> p && signed(cast(p));
        }

        /** Whether a field's /V is a signature dictionary (a byte range and contents). */
        private boolean signed(Map<String, Object> field) {
            Object v = after.resolve(field.get("V"));
            return v instanceof Map<?, ?> m && m.get("ByteRange") != null && m.get("Contents") != null
                    || signedParentValue(field);
        }

        private boolean signedParentValue(Map<String, Object> field) {
            Object parent = after.resolve(field.get("Parent"));
            if (parent instanceof Map<?, ?> p) {
                Object v = after.resolve(p.get("V"));
                return v instanceof Map<?, ?> m && m.get("ByteRange") != null && m.get("Contents") != null;
            }
            return false;
        }

        /** Whether a widget shows something: a normal appearance with painting operators, not hidden, not empty. */
        private boolean draws(Map<String, Object> widget) {
            long flags = after.resolve(widget.get("F")) instanceof Long f ? f : 0;
            if ((flags & (2 | 32)) != 0) {
                return false; // Hidden or NoView
            }
            if (after.resolve(widget.get("Rect")) instanceof List<?> rect && rect.size() == 4) {
                double[] r = new double[4];
                for (int i = 0; i < 4; i++) {
                    Object c = after.resolve(rect.get(i));
                    r[i] = c instanceof Long l ? l : c instanceof Real x ? x.value().doubleValue() : Double.NaN;
                }
                if (r[0] == r[2] || r[1] == r[3]) {
                    return false; // no area
                }
            }
            Object ap = after.resolve(widget.get("AP"));
            if (!(ap instanceof Map<?, ?> apd)) {
                return false;
            }
            Object normal = after.resolve(apd.get("N"));
            List<Object> streams = new ArrayList<>();
            if (normal instanceof Map<?, ?> states) {
                states.values().forEach(s -> streams.add(after.resolve(s)));
            } else {
                streams.add(normal);
            }
            for (Object s : streams) {
                if (s instanceof Stream stream) {
                    byte[] data = PdfSyntax.decode(stream.dict(), stream.raw(), MAX_DECODED);
                    if (data == null || !new String(data, StandardCharsets.ISO_8859_1).isBlank()) {
                        return true;
                    }
                } else if (s != null && s != Keyword.NULL) {
                    return true;
                }
            }
            return false;
        }

        private String describe(long num, EnumSet<Role> roleSet) {
            Role role = roleSet.iterator().next();
            String name = switch (role) {
                case CATALOG -> "the document catalog";
                case PAGE_TREE -> "a node of the page tree";
                case PAGE -> "page " + roles.pageNumbers.getOrDefault(num, 0);
                case ANNOTS -> "an annotation list";
                case ANNOTATION -> "an annotation";
                case ACRO_FORM -> "the interactive form";
                case FIELDS -> "a form field list";
                case FIELD -> "a form field";
                case SIGNATURE -> "an earlier signature";
                case VALIDATION_DATA -> "validation data";
                case INFO -> "the document information";
                case METADATA -> "the metadata";
                case CONTENT -> "content (page content, resources, appearance or other data the document shows)";
                case FORM_APPEARANCE -> "the appearance of a form field";
                case DEFAULT_RESOURCES -> "the form's default resources";
                case DEFAULT_RESOURCE_DICTIONARY -> "a resource dictionary of the form's default resources";
                case ANNOTATION_APPEARANCE -> "the appearance of an annotation";
                case STRUCT_TREE_ROOT -> "the structure tree root";
                case STRUCT_ELEM -> "a structure element";
                case PARENT_TREE -> "the structure tree's parent tree";
            };
            return name + " (object " + num + ")";
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Values

    /**
     * Structural equality: references by object number (and generation), streams by dictionary and raw data.
     * A reference to an object the signed revision does not define is only the same as itself.
     */
    private static boolean same(Object a, Object b, World wa, World wb) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return (a == null || a == Keyword.NULL) && (b == null || b == Keyword.NULL);
        }
        if (a instanceof Stream sa && b instanceof Stream sb) {
            return sa.sameAs(sb);
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Set<Object> keys = new HashSet<>(ma.keySet());
            Set<Object> others = new HashSet<>(mb.keySet());
            if (impliedTypeAdded(ma, mb)) {
                keys.remove("Type");
                others.remove("Type");
            }
            if (!keys.equals(others)) {
                return false;
            }
            for (Object k : keys) {
                if (!same(ma.get(k), mb.get(k), wa, wb)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!same(la.get(i), lb.get(i), wa, wb)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Ref ra && b instanceof Ref rb) {
            return ra.num() == rb.num() && ra.gen() == rb.gen();
        }
        if (a instanceof Long || a instanceof Real) {
            // 612 and 612.0 are the same number to every reader; so are two reals the readers that keep reals in single
            // precision (PDFBox, MuPDF) read as one float: poppler writes a page again with its reals shortened to ten
            // decimals (595.303937007874 becomes 595.3039370079), a difference far below any device's resolution
            java.math.BigDecimal x = a instanceof Long l ? java.math.BigDecimal.valueOf(l) : ((Real) a).value();
            java.math.BigDecimal y = b instanceof Long l ? java.math.BigDecimal.valueOf(l) : b instanceof Real r ? r.value() : null;
            return y != null && (x.compareTo(y) == 0
                    || (a instanceof Real || b instanceof Real) && x.floatValue() == y.floatValue());
        }
        return a.equals(b);
    }

    /** Annotation subtypes (ISO 32000-2 Table 171): a dictionary with one of them is an annotation. */
    private static final Set<String> ANNOTATION_SUBTYPES = Set.of("Text", "Link", "FreeText", "Line", "Square",
            "Circle", "Polygon", "PolyLine", "Highlight", "Underline", "Squiggly", "StrikeOut", "Caret", "Stamp", "Ink",
            "Popup", "FileAttachment", "Sound", "Movie", "Screen", "Widget", "PrinterMark", "TrapNet", "Watermark",
            "3D", "Redact", "Projection", "RichMedia");

    /**
     * Whether one of two dictionaries has a /Type the other lacks, and that /Type is the one value the dictionary's
     * /Subtype allows: /Annot for an annotation (ISO 32000-2 Table 166: "if present, shall be Annot"), /XObject for a
     * form or image XObject (Tables 89 and 93). Stating it changes nothing for any reader; PDFBox adds /Type /Annot to
     * every widget of the form it signs into, and writes the signed fields of others again with it.
     */
    private static boolean impliedTypeAdded(Map<?, ?> a, Map<?, ?> b) {
        Object typeA = a.get("Type");
        Object typeB = b.get("Type");
        if ((typeA == null) == (typeB == null)) {
            return false;
        }
        Object stated = typeA != null ? typeA : typeB;
        if (!(a.get("Subtype") instanceof Name subtype) || !subtype.equals(b.get("Subtype"))) {
            return false;
        }
        String implied = ANNOTATION_SUBTYPES.contains(subtype.value()) ? "Annot"
                : subtype.value().equals("Form") || subtype.value().equals("Image") ? "XObject" : null;
        return implied != null && new Name(implied).equals(stated);
    }

    private static String keyDiff(Object old, Object value) {
        if (old instanceof Map<?, ?> om && value instanceof Map<?, ?> nm) {
            List<String> keys = new ArrayList<>();
            Set<Object> all = new LinkedHashSet<>(om.keySet());
            all.addAll(nm.keySet());
            for (Object k : all) {
                if (!same(om.get(k), nm.get(k), null, null)) {
                    keys.add("/" + k);
                }
            }
            return keys.isEmpty() ? "" : " (" + String.join(", ", keys) + ")";
        }
        if (old instanceof Stream && value instanceof Stream) {
            return " (its stream data)";
        }
        return "";
    }

    private static String kind(Object value) {
        if (value == null || value == Keyword.NULL) {
            return "nothing";
        }
        if (value instanceof Stream) {
            return "a stream";
        }
        if (value instanceof Map<?, ?>) {
            return "a dictionary";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        return show(value);
    }

    private static String show(Object value) {
        if (value instanceof Ref r) {
            return r.num() + " " + r.gen() + " R";
        }
        if (value instanceof Name n) {
            return "/" + n.value();
        }
        if (value instanceof Map<?, ?>) {
            return "a direct dictionary";
        }
        return String.valueOf(value);
    }

    // ------------------------------------------------------------------------------------------------
    // Bytes

    private static boolean onlyWhiteOrComments(Input in, long from, long to) {
        long pos = from;
        while (pos < to) {
            int c = in.at(pos);
            if (isWhite(c)) {
                pos++;
            } else if (c == '%') {
                while (pos < to && in.at(pos) != '\n' && in.at(pos) != '\r') {
                    pos++;
                }
            } else {
                return false;
            }
        }
        return true;
    }

    private static long skipWhite(Input in, long at) {
        while (isWhite(in.at(at))) {
            at++;
        }
        return at;
    }

    private static long indexOf(Input in, String s, long from, long to) {
        byte[] k = s.getBytes(StandardCharsets.US_ASCII);
        long last = to - k.length;
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
}
