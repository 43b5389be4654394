package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSDocument;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.pdfparser.PDFParser;
import org.apache.pdfbox.pdfparser.PDFXrefStreamParser;
import org.apache.pdfbox.pdfparser.XrefTrailerResolver;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PDFBox's parser for a document whose cross-reference chain is known to be intact: an input that
 * {@link CrossReferenceCheck} accepted, or such an input with revisions the engine appended. It reads the chain as
 * written, without the repair probes of PDFBox's lenient mode, then parses objects as leniently as
 * {@link org.apache.pdfbox.Loader} does.
 *
 * <p>Those probes are what a lenient load spends on the cross-reference data beyond reading it: each
 * {@code startxref} and {@code /Prev} offset is checked by parsing what it points to (an xref stream's dictionary
 * twice), and every object offset of the merged table is checked by reading the object's header, with a scan of the
 * whole file as the repair when one is off. {@link CrossReferenceCheck} has required the same of the input (every
 * offset lands on what it names), so on an intact chain they find nothing: for a 30-signature document they were
 * 27-34 % of its load, a load the signing pipeline makes twice per signature (the input, the self-check).
 *
 * <p>The chain read as written is the table every strict reader uses. Whatever the strict reading refuses (no
 * {@code %%EOF}, an {@code /XRefStm} or trailer it cannot parse, a root it cannot find, an encryption dictionary
 * it cannot resolve) is loaded again by PDFBox's lenient {@link org.apache.pdfbox.Loader}, as before; a wrong
 * password is not retried. After the chain, objects are parsed in lenient mode (as a default load does), and a
 * catalog without {@code /Type} gets {@code /Catalog}, as the lenient load gives it.
 *
 * <p>A file that begins with a document this parser loaded before ({@link Prefix}: the output of a signature laid
 * out on it, checked to begin with it byte for byte; or exactly an output the engine signed and read back, found
 * by its SHA-256, see {@link SignedChains}) is read from what that load resolved: only the sections
 * appended after it are parsed, each with PDFBox's own parsing of a cross-reference table, trailer or stream, and
 * merged the way PDFBox merges a chain (each newer trailer's entries and offsets over the older ones). The output
 * self-check reloads every signed output, and the chain it reloaded grew with every earlier signature: a third of
 * that load at the 30th B-LTA signature of a document, for sections the signing load had just read.
 *
 * <p>A document the engine did not just sign is read the same way from the chain {@link CrossReferenceCheck} read
 * and told ({@link Prefix#checked}), where it tells one: a prefix that is the whole file, so that nothing of the
 * chain is parsed twice.
 */
final class IntactChainParser extends PDFParser {

    /** A source of the document's bytes, opened once per attempt. */
    @FunctionalInterface
    interface Source {
        RandomAccessRead open() throws IOException;
    }

    /** What an earlier load resolved for the first bytes of this file, or null: the whole chain is parsed. */
    private final Prefix known;
    /** Whether the chain was read as {@link #known} and the sections after it. */
    private boolean readAfterKnown;

    private IntactChainParser(RandomAccessRead source, String password, Prefix known) throws IOException {
        super(source, password, null, null, IOUtils.createMemoryOnlyStreamCache());
        this.known = known;
    }

    /**
     * What a load resolved from a document's cross-reference chain: its length, where its last section starts, the
     * merged offsets, and the merged trailer (its references kept as object keys, so that it can be rebuilt for
     * another load). Only for an unencrypted document this parser read strictly. Immutable.
     */
    static final class Prefix {
        private final long length;
        private final long startxref;
        private final Map<COSObjectKey, Long> offsets;
        private final COSDictionary trailer;
        private final boolean xrefStream;
        /** The key of the page tree root, an indirect object found to be a dictionary, or null. */
        private final COSObjectKey pages;
        /**
         * The top-level signature fields (indirect, without /Kids or /Parent) with an indirect /V: the field's key and
         * its value's.
         */
        private final Map<COSObjectKey, COSObjectKey> signedFields;
        /** What the signing pipeline read of the signature dictionaries of this file, by key (possibly none). */
        private final Map<COSObjectKey, SigningPipeline.EarlierSignature.Facts> signatures;

        private Prefix(long length, long startxref, Map<COSObjectKey, Long> offsets, COSDictionary trailer,
                       boolean xrefStream, COSObjectKey pages, Map<COSObjectKey, COSObjectKey> signedFields,
                       Map<COSObjectKey, SigningPipeline.EarlierSignature.Facts> signatures) {
            this.length = length;
            this.startxref = startxref;
            this.offsets = offsets;
            this.trailer = trailer;
            this.xrefStream = xrefStream;
            this.pages = pages;
            this.signedFields = signedFields;
            this.signatures = signatures;
        }

        /**
         * The prefix that is the whole of a file {@link CrossReferenceCheck} read, from the chain it told
         * ({@link CrossReferenceCheck.Chain}): what PDFBox's strict reading of that chain resolves, so that a load of
         * exactly that file parses none of it again (for the 30th B-LTA signature of a document, its 88 cross-reference
         * streams were nine tenths of the load). Nothing is known of its pages or fields.
         *
         * @param length the file's length
         * @param chain  the chain the check told of it
         * @return the prefix, or null when a trailer value is not one the check's reading gives as PDFBox does (a
         *         real number, a null, a name beyond ASCII, a reference to object 0, nesting beyond
         *         {@link #DETACH_DEPTH})
         */
        static Prefix checked(long length, CrossReferenceCheck.Chain chain) {
            if (!(fromCheck(chain.trailer(), 0) instanceof COSDictionary trailer)) {
                return null;
            }
            long[] e = chain.entries();
            Map<COSObjectKey, Long> offsets = new HashMap<>(Math.max(16, e.length / 3));
            for (int i = 0; i < e.length; i += 4) {
                // put, not putIfAbsent: a later entry replaces the value and keeps the first key, as Map.putAll
                offsets.put(new COSObjectKey(e[i], (int) e[i + 1], (int) e[i + 3]), e[i + 2]);
            }
            return new Prefix(length, chain.startxref(), Map.copyOf(offsets), trailer, chain.stream(), null, Map.of(),
                    Map.of());
        }

        /**
         * A value of the check's reading ({@link PdfSyntax}) as PDFBox's parser gives it, detached ({@link #detach}):
         * null when it is one the two readings may not give alike.
         */
        private static COSBase fromCheck(Object value, int depth) {
            if (depth > DETACH_DEPTH) {
                return null;
            }
            if (value instanceof Long l) {
                return org.apache.pdfbox.cos.COSInteger.get(l);
            }
            if (value instanceof PdfSyntax.Name n) {
                return ascii(n.value()) ? COSName.getPDFName(n.value()) : null;
            }
            if (value instanceof PdfSyntax.Ref r) {
                // PDFBox reads a dictionary's reference to object 0 as null (an array's as a reference)
                return r.num() <= 0 || r.gen() > 0xFFFF ? null : new COSObject(null, new COSObjectKey(r.num(), (int) r.gen()));
            }
            if (value instanceof PdfSyntax.Str str) {
                return new COSString(str.bytes());
            }
            if (value == PdfSyntax.Keyword.TRUE || value == PdfSyntax.Keyword.FALSE) {
                return org.apache.pdfbox.cos.COSBoolean.getBoolean(value == PdfSyntax.Keyword.TRUE);
            }
            if (value instanceof List<?> list) {
                COSArray array = new COSArray();
                for (Object item : list) {
                    COSBase converted = fromCheck(item, depth + 1);
                    if (converted == null) {
                        return null;
                    }
                    array.add(converted);
                }
                return array;
            }
            if (value instanceof Map<?, ?> map) {
                COSDictionary dictionary = new COSDictionary();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    COSBase converted = fromCheck(entry.getValue(), depth + 1);
                    if (!(entry.getKey() instanceof String key) || !ascii(key) || converted == null) {
                        return null;
                    }
                    dictionary.setItem(COSName.getPDFName(key), converted);
                }
                return dictionary;
            }
            return null; // a real, a null, anything else
        }

        /** Whether a name is printable ASCII, shorter than the check's reading truncates names to. */
        private static boolean ascii(String name) {
            if (name.isEmpty() || name.length() >= 256) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    return false;
                }
            }
            return true;
        }

        /**
         * @param read what the signing pipeline read of this file's signature dictionaries (the file's own bytes)
         * @return this prefix with them, for the next signer of exactly this file
         */
        Prefix withSignatures(Map<COSObjectKey, SigningPipeline.EarlierSignature.Facts> read) {
            return new Prefix(length, startxref, offsets, trailer, xrefStream, pages, signedFields, Map.copyOf(read));
        }

        /** @return the keys of the values of the top-level signed fields its load read */
        java.util.Collection<COSObjectKey> signedFieldValues() {
            return signedFields.values();
        }

        /** @return the offset of an object in the file it describes (negative: compressed), or null */
        Long offset(COSObjectKey key) {
            return offsets.get(key);
        }

        /**
         * @param field a key of the document {@code xref} describes, a file that begins with this prefix
         * @return the key of the /V of the top-level signed field this prefix's load read at {@code field}, when that
         *         field is still the object it read (at the same offset: the same bytes), else null
         */
        COSObjectKey signedFieldValue(COSObjectKey field, Map<COSObjectKey, Long> xref) {
            COSObjectKey value = signedFields.get(field);
            return value != null && unmoved(this, xref, field) ? value : null;
        }

        /** @return the length of the document it describes */
        long length() {
            return length;
        }

        /** @return how many objects its merged cross-reference table lists */
        int objects() {
            return offsets.size();
        }
    }

    /**
     * @param document a document loaded by this parser (as {@link #load} returned it), not yet changed
     * @return what its load resolved, or null when it was not read strictly by this parser, or is encrypted
     */
    static Prefix prefix(PDDocument document) {
        if (!(document instanceof Loaded loaded) || loaded.getDocument().isClosed()) {
            return null;
        }
        COSDocument cos = loaded.getDocument();
        COSDictionary trailer = cos.getTrailer();
        if (trailer == null || trailer.containsKey(COSName.ENCRYPT) || cos.hasHybridXRef()) {
            return null;
        }
        COSDictionary detached = (COSDictionary) detach(trailer);
        return detached == null ? null
                : new Prefix(loaded.length, cos.getStartXref(), Map.copyOf(cos.getXrefTable()), detached, cos.isXRefStream(),
                        loaded.pages, signedFields(loaded), Map.of());
    }

    /**
     * The top-level signed fields of a loaded document (see {@link Prefix#signedFields}): those of the prefix its chain
     * was read after that are still the objects it read, and the others parsed now (a signing load parses them next
     * anyway; a self-check's, only its new field).
     */
    private static Map<COSObjectKey, COSObjectKey> signedFields(Loaded loaded) {
        Map<COSObjectKey, COSObjectKey> fields = new HashMap<>();
        try {
            COSDictionary root = loaded.getDocument().getTrailer().getCOSDictionary(COSName.ROOT);
            if (root != null && root.getDictionaryObject(COSName.ACRO_FORM) instanceof COSDictionary form
                    && form.getDictionaryObject(COSName.FIELDS) instanceof COSArray array) {
                Map<COSObjectKey, Long> xref = loaded.getDocument().getXrefTable();
                for (int i = 0; i < array.size(); i++) {
                    if (!(array.get(i) instanceof COSObject reference) || reference.getKey() == null) {
                        continue;
                    }
                    COSObjectKey value = loaded.known == null ? null : loaded.known.signedFieldValue(reference.getKey(), xref);
                    if (value == null && reference.getObject() instanceof COSDictionary field
                            && COSName.SIG.equals(field.getCOSName(COSName.FT)) && !field.containsKey(COSName.KIDS)
                            && !field.containsKey(COSName.PARENT) && field.getItem(COSName.V) instanceof COSObject v) {
                        value = v.getKey();
                    }
                    if (value != null) {
                        fields.put(reference.getKey(), value);
                    }
                }
            }
        } catch (RuntimeException unreadable) {
            return Map.of(); // nothing is known of the fields: a later self-check parses them all
        }
        return Map.copyOf(fields);
    }

    /**
     * @param document a document loaded by this parser
     * @param field    the key of one of its objects
     * @return the key of the field's /V when the prefix its chain was read after ({@link #load(Source, String, Prefix)})
     *         knows that object, unchanged, as a top-level signed field ({@link Prefix#signedFieldValue}); else null
     */
    static COSObjectKey signedFieldValue(PDDocument document, COSObjectKey field) {
        return document instanceof Loaded loaded && loaded.known != null
                ? loaded.known.signedFieldValue(field, loaded.getDocument().getXrefTable()) : null;
    }

    /**
     * @param document a document loaded by this parser
     * @param value    the key of one of its objects
     * @return what the signing pipeline read of that signature dictionary in the file the prefix its chain was read
     *         after describes ({@link Prefix#withSignatures}), when the object is still where it was (the same bytes);
     *         else null
     */
    static SigningPipeline.EarlierSignature.Facts signatureRead(PDDocument document, COSObjectKey value) {
        if (document instanceof Loaded loaded && loaded.known != null) {
            SigningPipeline.EarlierSignature.Facts facts = loaded.known.signatures.get(value);
            if (facts != null && unmoved(loaded.known, loaded.getDocument().getXrefTable(), value)
                    && Long.valueOf(facts.offset()).equals(loaded.known.offsets.get(value))) {
                return facts;
            }
        }
        return null;
    }

    /** @return whether {@code document}'s chain was read from a {@link Prefix} and the sections after it */
    static boolean readAfterPrefix(PDDocument document) {
        return document instanceof Loaded loaded && loaded.known != null;
    }

    /** A document this parser read strictly, the length of the file it read, and how it read the chain. */
    private static final class Loaded extends PDDocument {
        private final long length;
        private final COSObjectKey pages;
        /** The prefix the chain was read after, or null (the whole chain was read). */
        private final Prefix known;

        Loaded(COSDocument document, RandomAccessRead source,
               org.apache.pdfbox.pdmodel.encryption.AccessPermission permission, long length, Prefix readAfter,
               COSObjectKey pages) {
            super(document, source, permission);
            this.length = length;
            this.known = readAfter;
            this.pages = pages;
        }
    }

    @Override
    protected PDDocument createDocument() throws IOException {
        return new Loaded(document, source, getAccessPermission(), fileLen, readAfterKnown ? known : null, pagesChecked);
    }

    /** The key of the page tree root {@link #checkPages} found (or took from {@link #known}) to be a dictionary. */
    private COSObjectKey pagesChecked;

    /**
     * PDFBox's check that the catalog's {@code /Pages} is a dictionary, which parses the page tree root (and, in an
     * object stream, every object that stream holds): skipped when the chain was read after a {@link Prefix} whose
     * load found the same object a dictionary and the sections after it leave it where it was (an appended
     * revision of the engine's never rewrites it). The output self-check's reload, which never reads a page, then
     * does not parse them; a ten-page document's object stream was a third of that reload.
     */
    @Override
    protected void checkPages(COSDictionary root) throws IOException {
        COSObjectKey key = root.getItem(COSName.PAGES) instanceof COSObject reference ? reference.getKey() : null;
        if (readAfterKnown && key != null && key.equals(known.pages) && unmoved(known, document.getXrefTable(), key)) {
            pagesChecked = key;
            return;
        }
        super.checkPages(root); // throws unless it is a dictionary
        pagesChecked = key;
    }

    /**
     * Whether the object (and the object stream holding it, if it is compressed) has in {@code xref}, the table of a
     * file that begins with {@code known}'s, the offset it had in {@code known}'s: it is then the same bytes.
     */
    private static boolean unmoved(Prefix known, Map<COSObjectKey, Long> xref, COSObjectKey key) {
        Long before = known.offsets.get(key);
        Long now = xref.get(key);
        if (before == null || !before.equals(now)) {
            return false;
        }
        if (before >= 0) {
            return before < known.length;
        }
        COSObjectKey stream = new COSObjectKey(-before, 0); // PDFBox's entry for a compressed object: -(stream number)
        Long streamBefore = known.offsets.get(stream);
        return streamBefore != null && streamBefore >= 0 && streamBefore < known.length
                && streamBefore.equals(xref.get(stream));
    }

    /** Deepest trailer value copied ({@code /ID}, {@code /W}, {@code /DecodeParms}: one or two levels in practice). */
    private static final int DETACH_DEPTH = 8;

    /**
     * A copy of a trailer value that belongs to no document: references become bare {@link COSObject}s with only
     * their key (rebuilt by {@link #attach}); null when it holds something else (a stream, or nesting deeper than
     * {@link #DETACH_DEPTH}).
     */
    private static COSBase detach(COSBase value) {
        return copy(value, key -> new COSObject(null, key), 0);
    }

    /** {@code value} (a {@link #detach}ed copy) for this parser's document: its references are this document's. */
    private COSBase attach(COSBase value) {
        return copy(value, document::getObjectFromPool, 0);
    }

    /**
     * A deep copy of a trailer value, each reference made by {@code reference} from its key; null when it holds a
     * stream, a reference without a key, or nesting deeper than {@link #DETACH_DEPTH}.
     */
    private static COSBase copy(COSBase value, java.util.function.Function<COSObjectKey, COSBase> reference, int depth) {
        if (depth > DETACH_DEPTH) {
            return null;
        }
        if (value instanceof COSObject object) {
            return object.getKey() == null ? null : reference.apply(object.getKey());
        }
        if (value instanceof COSStream) {
            return null;
        }
        if (value instanceof COSDictionary dictionary) {
            COSDictionary copy = new COSDictionary();
            for (Map.Entry<COSName, COSBase> entry : dictionary.entrySet()) {
                COSBase item = copy(entry.getValue(), reference, depth + 1);
                if (item == null && entry.getValue() != null) {
                    return null;
                }
                copy.setItem(entry.getKey(), item);
            }
            return copy;
        }
        if (value instanceof COSArray array) {
            COSArray copy = new COSArray();
            for (int i = 0; i < array.size(); i++) {
                COSBase item = copy(array.get(i), reference, depth + 1);
                if (item == null && array.get(i) != null) {
                    return null;
                }
                copy.add(item);
            }
            return copy;
        }
        if (value instanceof COSString string) {
            return new COSString(string.getBytes(), string.getForceHexForm());
        }
        return value; // names, numbers, booleans, null: immutable
    }

    /**
     * Loads the document, reading its cross-reference chain as written (the lenient load when that fails).
     *
     * @param source   the document, opened again for the lenient load when needed
     * @param password the password ({@code ""}: the empty user password)
     * @throws InvalidPasswordException when the password does not open the document
     * @throws IOException              when neither load can read it
     */
    static PDDocument load(Source source, String password) throws IOException {
        return load(source, password, null);
    }

    /**
     * As {@link #load(Source, String)} of a file that begins, byte for byte, with the document {@code known}
     * describes (the caller has compared them): only what follows is parsed for the chain.
     *
     * @param known what a load of the file's first bytes resolved, or null
     */
    static PDDocument load(Source source, String password, Prefix known) throws IOException {
        PDDocument document;
        RandomAccessRead bytes = source.open();
        try {
            document = new IntactChainParser(bytes, password, known).parse(true);
        } catch (IOException | RuntimeException strictReadingFailed) {
            IOUtils.closeQuietly(bytes); // a failed parse leaves its source open
            if (strictReadingFailed instanceof InvalidPasswordException) {
                throw strictReadingFailed;
            }
            return lenient(source, password);
        }
        boolean encryptionNamed = document.getDocument().getTrailer().getItem(COSName.ENCRYPT) != null;
        if (encryptionNamed != document.isEncrypted()) {
            // an /Encrypt the strict reading could not resolve: such a file is never taken as unencrypted
            document.close(); // and its source
            return lenient(source, password);
        }
        return document;
    }

    /** PDFBox's default (lenient) load; the source is closed when it fails. */
    private static PDDocument lenient(Source source, String password) throws IOException {
        RandomAccessRead bytes = source.open();
        try {
            return org.apache.pdfbox.Loader.loadPDF(bytes, password);
        } catch (IOException | RuntimeException e) {
            IOUtils.closeQuietly(bytes);
            throw e;
        }
    }

    @Override
    protected COSDictionary retrieveTrailer() throws IOException {
        COSDictionary trailer = null;
        if (known != null) {
            try {
                trailer = appendedTo(known);
                readAfterKnown = trailer != null;
            } catch (IOException | RuntimeException notSuchAFile) {
                trailer = null; // read as usual, from the start
            }
        }
        return trailer != null ? trailer : super.retrieveTrailer();
    }

    /** The most sections read after a known prefix (a signature appends three). */
    private static final int MAX_APPENDED = 16;

    /**
     * Reads the chain as the prefix's resolution and the sections after it: the file must end with the
     * {@code startxref} the engine's writer writes, every section after the prefix must be a cross-reference table
     * with its trailer or a cross-reference stream (no hybrid {@code /XRefStm}), each {@code /Prev} must lead back
     * towards the prefix, and the oldest one's to the prefix's own last section.
     *
     * @return the merged trailer (the document is set up as {@code parseXref} sets it up), or null when the file is
     *         not such a file: nothing was changed, and the whole chain is read as usual
     */
    private COSDictionary appendedTo(Prefix prefix) throws IOException {
        if (fileLen < prefix.length) {
            return null;
        }
        // the whole file: its bytes are the prefix's (the caller compared them), its startxref the prefix's
        long startxref = fileLen == prefix.length ? prefix.startxref : lastStartxref();
        List<Long> starts = new ArrayList<>();
        List<COSDictionary> trailers = new ArrayList<>();
        List<Map<COSObjectKey, Long>> entries = new ArrayList<>();
        boolean newestIsStream = prefix.xrefStream; // when nothing follows the prefix: the file is the prefix
        long at = startxref;
        while (at != prefix.startxref) {
            if (at < prefix.length || at >= fileLen || starts.size() == MAX_APPENDED
                    || (!starts.isEmpty() && at >= starts.get(starts.size() - 1))) {
                return null;
            }
            source.seek(at);
            XrefTrailerResolver section = new XrefTrailerResolver();
            COSDictionary trailer;
            boolean stream = source.peek() != 'x';
            if (!stream) {
                XrefTrailerResolver chain = xrefTrailerResolver;
                xrefTrailerResolver = section; // parseXrefTable reports to the parser's resolver
                try {
                    if (!parseXrefTable(at)) {
                        return null;
                    }
                } finally {
                    xrefTrailerResolver = chain;
                }
                skipSpaces();
                if (!readsKeyword("trailer")) {
                    return null;
                }
                skipSpaces();
                trailer = parseCOSDictionary(true);
                if (trailer.containsKey(COSName.XREF_STM)) {
                    return null;
                }
            } else {
                readObjectNumber();
                readGenerationNumber();
                readExpectedString(OBJ_MARKER, true);
                COSDictionary dictionary = parseCOSDictionary(false);
                if (!COSName.XREF.equals(dictionary.getCOSName(COSName.TYPE))) {
                    return null;
                }
                try (COSStream xref = parseCOSStream(dictionary)) {
                    section.nextXrefObj(at, XrefTrailerResolver.XRefType.STREAM);
                    new PDFXrefStreamParser(xref, document).parse(section);
                    trailer = xref; // as PDFBox does: the stream's dictionary is the section's trailer
                }
            }
            if (starts.isEmpty()) {
                newestIsStream = stream;
            }
            // this section's own offsets: its trailer is left out, so that nothing follows /Prev
            section.setTrailer(new COSDictionary());
            section.setStartxref(at);
            starts.add(at);
            trailers.add(trailer);
            entries.add(section.getXrefTable());
            at = trailer.getLong(COSName.PREV, -1L);
        }
        if (starts.isEmpty() != (fileLen == prefix.length)) {
            return null;
        }
        COSDictionary merged = (COSDictionary) attach(prefix.trailer);
        Map<COSObjectKey, Long> offsets = new HashMap<>(prefix.offsets);
        for (int i = starts.size() - 1; i >= 0; i--) { // oldest first: a newer section's entries win
            merged.addAll(trailers.get(i));
            offsets.putAll(entries.get(i));
        }
        document.setStartXref(startxref);
        document.setTrailer(merged);
        document.setIsXRefStream(newestIsStream);
        document.addXRefTable(offsets);
        document.setHighestXRefObjectNumber(offsets.keySet().stream().mapToLong(COSObjectKey::getNumber).max().orElse(0));
        prepareDecryption(); // nothing to prepare: the prefix is unencrypted and no section names /Encrypt anew
        if (document.isEncrypted()) {
            throw new IOException("a section after the known prefix names /Encrypt");
        }
        return merged;
    }

    /** Whether the next bytes are {@code keyword} (consumed), followed by a delimiter or white space. */
    private boolean readsKeyword(String keyword) throws IOException {
        for (int i = 0; i < keyword.length(); i++) {
            if (source.read() != keyword.charAt(i)) {
                return false;
            }
        }
        int next = source.peek();
        return next == -1 || isWhitespace(next) || next == '<' || next == '/';
    }

    /**
     * The offset the file's final {@code startxref} names, when the file ends as the engine's writer ends a revision
     * ({@code startxref}, the offset, {@code %%EOF}, each on its own line), else -1.
     */
    private long lastStartxref() throws IOException {
        int tail = (int) Math.min(fileLen, 64);
        source.seek(fileLen - tail);
        byte[] bytes = new byte[tail];
        int read = 0;
        while (read < tail) {
            int n = source.read(bytes, read, tail - read);
            if (n <= 0) {
                return -1;
            }
            read += n;
        }
        String end = new String(bytes, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = STARTXREF.matcher(end);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static final java.util.regex.Pattern STARTXREF =
            java.util.regex.Pattern.compile("\\nstartxref\\n([0-9]{1,15})\\n%%EOF\\n$");

    @Override
    protected void initialParse() throws IOException {
        setLenient(false);
        super.initialParse();
        // the chain is read: back to lenient object parsing, as Loader's default (setLenient refuses once parsed)
        initialParseDone = false;
        setLenient(true);
        initialParseDone = true;
        COSDictionary root = document.getTrailer().getCOSDictionary(COSName.ROOT);
        if (root != null && !root.containsKey(COSName.TYPE)) {
            root.setItem(COSName.TYPE, COSName.CATALOG); // what the lenient initial parse does
        }
    }

    /** Objects of object streams parsed whole and not asked for yet, by object stream number. */
    private final Map<Long, Map<COSObjectKey, COSBase>> streamObjects = new HashMap<>();

    /**
     * PDFBox's reading of a compressed object (an object stream is parsed whole the first time one of its objects
     * is asked for, the others kept until they are), with one difference: the object stream's parser finds object
     * keys in this parser's key cache. PDFBox gives each object stream a parser of its own whose cache is filled
     * with the whole cross-reference table before its first object, so a document costs (object streams) x
     * (objects) cache insertions: for 5,000 objects in 21 streams, 105,000 per load, a tenth of signing a 1,000-page
     * document; for 50,000 objects in 500 streams, 25 million. The keys are the same instances (this cache is filled
     * from the same table, the same way), so the objects read are PDFBox's.
     */
    @Override
    protected COSBase parseObjectStreamObject(long objectStream, COSObjectKey key) throws IOException {
        Map<COSObjectKey, COSBase> pending = streamObjects.computeIfAbsent(objectStream, n -> new HashMap<>());
        COSBase object = pending.remove(key);
        if (object != null) {
            return object;
        }
        COSBase stream = document.getObjectFromPool(getObjectKey(objectStream, 0)).getObject();
        if (stream instanceof COSStream objects) {
            try {
                Map<COSObjectKey, COSBase> all = new ObjectStreamParser(objects, document, this).parseAllObjects();
                object = all.remove(key);
                all.forEach(pending::putIfAbsent);
            } catch (IOException e) {
                if (!isLenient()) {
                    throw e;
                }
                // as PDFBox's lenient parsing: the object is null (the stream is unreadable; validation says so)
            }
        }
        return object;
    }

    /** PDFBox's parser of an object stream, taking object keys from the document parser's cache. */
    private static final class ObjectStreamParser extends org.apache.pdfbox.pdfparser.PDFObjectStreamParser {
        private final IntactChainParser keys;

        ObjectStreamParser(COSStream stream, COSDocument document, IntactChainParser keys) throws IOException {
            super(stream, document);
            this.keys = keys;
        }

        @Override
        protected COSObjectKey getObjectKey(long number, int generation) {
            return keys.getObjectKey(number, generation); // the document parser's cache
        }
    }

    /** The first block {@link #parseCOSString} reads of a hex string, and the largest (each block doubles). */
    static final int FIRST_BLOCK = 80;
    static final int MAX_BLOCK = 8192;

    /**
     * A hex string read a block at a time, where PDFBox reads it a character at a time through a string builder: the
     * {@code /Contents} of a signature is the longest string of most signed documents, and each is read by every load
     * of the pipeline (the self-check's of the new one, a tenth of a one-page signature's self-check). The result is
     * PDFBox's ({@code BaseParser.parseCOSHexString}), character for character:
     * <ul>
     *   <li>hex digits are taken in pairs, and an unpaired last digit before {@code >} is its high half;</li>
     *   <li>space, LF, TAB, CR, backspace and form feed are skipped (not NUL: PDFBox takes it as a foreign
     *   character);</li>
     *   <li>at any other character the string ends: an unpaired last digit is dropped, and everything up to the next
     *   {@code >} is skipped;</li>
     *   <li>the end of the file before {@code >} is an error.</li>
     * </ul>
     * Anything else (a literal string) is PDFBox's to read.
     */
    @Override
    protected COSString parseCOSString() throws IOException {
        if (source.peek() != '<') {
            return super.parseCOSString();
        }
        source.read();
        byte[] bytes = new byte[64];
        int length = 0;
        // blocks of FIRST_BLOCK bytes, doubled up to MAX_BLOCK: most hex strings are short (an /ID's 32 digits, read in
        // every cross-reference stream of the chain), and each block read copies that many bytes
        int size = FIRST_BLOCK;
        byte[] block = new byte[size];
        int high = -1; // the first digit of a pair, while the second is awaited
        boolean skipping = false; // after a foreign character: up to '>'
        while (true) {
            if (block.length < size) {
                block = new byte[size];
            }
            int n = source.read(block, 0, size);
            size = Math.min(2 * size, MAX_BLOCK);
            if (n <= 0) {
                throw new IOException("Missing closing bracket for hex string. Reached EOS.");
            }
            for (int i = 0; i < n; i++) {
                int c = block[i] & 0xff;
                if (c == '>') {
                    source.rewind(n - i - 1);
                    if (high >= 0) {
                        bytes = length < bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length + 1);
                        bytes[length++] = (byte) (high << 4);
                    }
                    return new COSString(java.util.Arrays.copyOf(bytes, length));
                }
                if (skipping) {
                    continue;
                }
                int value = PdfSyntax.hexValue(c);
                if (value >= 0) {
                    if (high < 0) {
                        high = value;
                    } else {
                        if (length == bytes.length) {
                            bytes = java.util.Arrays.copyOf(bytes, 2 * length);
                        }
                        bytes[length++] = (byte) (high << 4 | value);
                        high = -1;
                    }
                } else if (!(c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f')) {
                    high = -1;
                    skipping = true;
                }
            }
        }
    }
}
