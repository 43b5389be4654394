package com.certyneo.engine.pades;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.Deflater;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.pades.PdfSyntax.ArrayInput;
import com.certyneo.engine.pades.PdfSyntax.ChannelInput;
import com.certyneo.engine.pades.PdfSyntax.Input;
import com.certyneo.engine.pades.PdfSyntax.Malformed;
import com.certyneo.engine.pades.PdfSyntax.Name;
import com.certyneo.engine.pades.PdfSyntax.Parser;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSDocument;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Writes one incremental revision (ISO 32000-1 §7.5.6) of a PDF: the changed and new objects, then the
 * cross-reference data in the same form as the section it chains to, then {@code startxref} and
 * {@code %%EOF}. PDFBox only reads the input and holds the objects; every byte appended is written here
 * (through {@link CosWriter}), and the original is copied byte for byte, in one pass, never rewritten.
 *
 * <p>The cross-reference data follows the section the original's last {@code startxref} names (for a
 * linearized file, its first-page section): after a classic table, including the classic table of a
 * hybrid file, a classic {@code xref} table and {@code trailer}; after a cross-reference stream, a
 * cross-reference stream with its own entry ({@code /Type /XRef}, {@code /W}, {@code /Index},
 * {@code /Filter /FlateDecode} only when that makes it shorter). Either carries {@code /Size}, {@code /Root}, {@code /Info} (when the
 * document has one), {@code /Prev} (the original's {@code startxref}) and {@code /ID} (the original's first
 * identifier and a new second one, derived from the revision's content; both new when the original has
 * none). A table starts with the entry of object 0 (the head of the free list), as tables do; a hybrid
 * file's {@code /XRefStm} is not repeated: readers reach it through {@code /Prev}, as after PDFBox's own
 * incremental save. Objects are written in ascending number, each on lines of their own; the same
 * changes to the same original give the same bytes.
 *
 * <p>Use: {@link #of} or {@link #open}, then {@link #update} for each changed object of the document and
 * {@link #add} for each new one (numbered from the original's {@code /Size} up), optionally
 * {@link #reserveSignature} for a signature dictionary among them, then {@link #write()} once. The
 * {@link Revision} it returns writes the final file: the original then the section, updating message
 * digests over the signature's byte range as it goes ({@link Revision#writeTo(OutputStream,
 * MessageDigest...)}, or {@link Revision#writeHead} and {@link Revision#writeTail} to patch the CMS in
 * without writing the file twice).
 *
 * <p>The caller must have checked the original with {@link CrossReferenceCheck} (the engine does so
 * before PDFBox loads it): this writer only makes sure that PDFBox and it start from the same
 * {@code startxref}. The revision of an encrypted document (loaded with its password) is encrypted with the
 * document's key ({@link RevisionEncryption}) and its trailer refers to the same {@code /Encrypt} dictionary.
 */
final class RevisionWriter implements Closeable {

    /** The form of a cross-reference section. */
    enum XrefForm {
        /** A classic {@code xref} table and {@code trailer} (also the classic part of a hybrid file). */
        TABLE,
        /** A cross-reference stream ({@code /Type /XRef}). */
        STREAM
    }

    /** Bytes from the end searched for the last {@code startxref} (PDFBox's window). */
    private static final int TAIL = CrossReferenceCheck.PDFBOX_TAIL;
    /** The filter entry of a compressed cross-reference stream. */
    private static final String FILTER = "/Filter /FlateDecode\n";
    /** The buffer of the one-pass copy of a file. */
    private static final int COPY_BUFFER = 256 * 1024;

    private final Original original;
    private final PDDocument document;
    private final String name;
    private final XrefForm form;
    private final long previous;
    private final long originalSize;
    private long next;
    /** Objects to write, by object number. */
    private final TreeMap<Long, Pending> objects = new TreeMap<>();
    private SignaturePlaceholder placeholder;
    private boolean compress = true;
    private boolean written;
    /** The encryption of the revision's objects, {@code null} for a document that is not encrypted. */
    private final RevisionEncryption encryption;
    /**
     * The first identifier of the trailer's /ID this revision chains to ({@code null} when the original has none):
     * the original's, or for a {@link #following} writer the first identifier the previous revision wrote.
     */
    private final byte[] firstId;
    /** What {@link #write()} wrote: the section's startxref, its /Size and its first identifier (else unset). */
    private long writtenStartxref = -1;
    private long writtenSize = -1;
    private byte[] writtenFirstId;

    /** An object to write: its key, its value, and whether it is new in this revision. */
    private record Pending(COSObjectKey key, COSBase body, boolean fresh) {
    }

    private RevisionWriter(Original original, PDDocument document, String name) {
        this.original = original;
        this.document = document;
        this.name = name;
        COSDocument cos = document.getDocument();
        COSDictionary trailer = cos.getTrailer();
        if (trailer == null || trailer.containsKey(COSName.ENCRYPT) && !document.isEncrypted()) {
            throw PdfInputs.encrypted(name, null);
        }
        this.encryption = RevisionEncryption.of(document, name);
        if (trailer.getItem(COSName.ROOT) instanceof COSObject root && root.getKey() != null && root.getKey().getNumber() == 0) {
            throw objectZero("its catalog");
        }
        Input in = original.input();
        this.previous = lastStartxref(in, name);
        if (cos.getStartXref() != previous) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: its last 'startxref' "
                    + "names offset " + previous + ", PDFBox read it from offset " + cos.getStartXref(),
                    "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then sign the repaired file.",
                    null);
        }
        this.form = formAt(in, previous, name);
        long size = Math.max(0, trailer.getLong(COSName.SIZE, 0));
        size = Math.max(size, cos.getHighestXRefObjectNumber() + 1);
        for (COSObjectKey key : cos.getXrefTable().keySet()) {
            size = Math.max(size, key.getNumber() + 1);
        }
        this.originalSize = size;
        this.next = size;
        this.firstId = firstIdentifier(trailer);
    }

    /**
     * A writer for the revision after the one {@code previous} wrote, over the same loaded document: the
     * cross-reference data continues from what {@code previous} wrote (its startxref, /Size and /ID), so the
     * document is not parsed again; {@code original} is the file {@code previous} produced (checked: its last
     * {@code startxref} and the form of the section it names are those {@code previous} wrote).
     */
    private RevisionWriter(RevisionWriter previous, Original original) {
        if (!previous.written) {
            throw new IllegalStateException("the previous revision is not written");
        }
        this.original = original;
        this.document = previous.document;
        this.name = previous.name;
        this.compress = previous.compress;
        this.encryption = previous.encryption;
        Input in = original.input();
        this.previous = lastStartxref(in, name);
        if (this.previous != previous.writtenStartxref || formAt(in, this.previous, name) != previous.form) {
            throw new IllegalStateException("the file does not end with the revision just written (startxref "
                    + this.previous + ", expected " + previous.writtenStartxref + ")");
        }
        this.form = previous.form;
        this.originalSize = previous.writtenSize;
        this.next = originalSize;
        this.firstId = previous.writtenFirstId;
    }

    /**
     * The writer of the next revision of the same loaded document, appended to {@code pdf}: the file this
     * writer's revision produced (the original then the section). PDFBox does not read it again: the objects
     * this revision wrote are the ones the document holds, and the cross-reference data chains to the section
     * this writer wrote (same form, /Prev its offset, /Size from its /Size up). Bytes are those a writer over a
     * fresh load of {@code pdf} would produce.
     *
     * @param pdf the final file of this writer's revision (not copied: it must not change)
     * @throws IllegalStateException when this writer has not written its revision, or {@code pdf} does not end
     *         with it
     */
    RevisionWriter following(byte[] pdf) {
        return following(pdf, pdf.length);
    }

    /** As {@link #following(byte[])} for the final file in the first {@code length} bytes of {@code pdf}. */
    RevisionWriter following(byte[] pdf, int length) {
        return new RevisionWriter(this, new Original(pdf, length));
    }

    /** As {@link #following(byte[])} for a final file on disk, read through a channel. */
    RevisionWriter following(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new RevisionWriter(this, new Original(channel));
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return whether {@link #write()} has run */
    boolean written() {
        return written;
    }

    private static byte[] firstIdentifier(COSDictionary trailer) {
        COSBase idValue = trailer.getDictionaryObject(COSName.ID);
        if (idValue instanceof COSArray ids && ids.size() >= 1 && ids.getObject(0) instanceof COSString s) {
            return s.getBytes();
        }
        return null;
    }

    /**
     * A writer for a document in memory.
     *
     * @param pdf the original bytes (not copied: they must not change until the revision is written)
     * @param document PDFBox's load of {@code pdf}
     * @param name the document name, for errors
     * @throws SignatureEngineException ENCRYPTED_PDF for an encrypted document, INVALID_PDF when its last
     *         {@code startxref} cannot be found or names no cross-reference section
     */
    static RevisionWriter of(byte[] pdf, PDDocument document, String name) {
        return of(pdf, pdf.length, document, name);
    }

    /** As {@link #of(byte[], PDDocument, String)} for the original in the first {@code length} bytes of {@code pdf}. */
    static RevisionWriter of(byte[] pdf, int length, PDDocument document, String name) {
        return new RevisionWriter(new Original(pdf, length), document, name);
    }

    /**
     * A writer for a document in a file, read through a channel: the file is never held in memory, and is
     * read once more, in one pass, only when the final file is written.
     *
     * @param file the original (it must not change until the revision is written)
     * @param document PDFBox's load of {@code file}
     * @param name the document name, for errors
     * @throws IOException when the file cannot be opened
     */
    static RevisionWriter open(Path file, PDDocument document, String name) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new RevisionWriter(new Original(channel), document, name);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return the form of the section the revision chains to, and so of its own cross-reference data */
    XrefForm form() {
        return form;
    }

    /** @return the offset of the section the revision chains to (the original's last {@code startxref}) */
    long previousOffset() {
        return previous;
    }

    /** @return the original's length in bytes */
    long originalLength() {
        return original.length();
    }

    /** @return the first object number above every object of the original (its /Size, or more) */
    long originalSize() {
        return originalSize;
    }

    /** @return the document */
    /**
     * Requires that an object of the original the revision relies on reads as PDF syntax where the document defines
     * it ({@link MalformedReferences#requireParsable}); nothing when the original does not define it.
     */
    void requireParsable(COSObjectKey key) {
        MalformedReferences.requireParsable(original.input(), document.getDocument().getXrefTable(), key, name);
    }

    /**
     * Whether the original defines object {@code key} (an in-use or compressed cross-reference entry): a reference to
     * an object it does not define reads as null, one it defines but that PDFBox could not read is damage.
     */
    boolean defines(COSObjectKey key) {
        return key != null && document.getDocument().getXrefTable().containsKey(key);
    }

    PDDocument document() {
        return document;
    }

    /**
     * Whether the cross-reference stream (when the form is {@link XrefForm#STREAM}) may be FlateDecode'd; default
     * yes: it is when that makes the stream, {@code /Filter} entry included, shorter. A revision's few entries
     * are not: they stay raw, shorter, and every reader decodes them without a decompressor (PDFBox sets one
     * up per cross-reference stream of the chain, on every load of the document).
     */
    RevisionWriter compressXrefStream(boolean compress) {
        this.compress = compress;
        return this;
    }

    // ------------------------------------------------------------------------------------------------
    // Objects

    /**
     * Adds a new indirect object, numbered above every object of the original; sets its key, so that
     * PDFBox references it wherever it is put (COS dictionaries and arrays wrap keyed values).
     *
     * @return its key
     * @throws IllegalArgumentException when {@code object} already is an object of the document
     */
    COSObjectKey add(COSBase object) {
        requireOpen();
        if (object instanceof COSObject) {
            throw new IllegalArgumentException("add the object itself, not a reference to it");
        }
        if (object.getKey() != null) {
            throw new IllegalArgumentException("object " + object.getKey() + " already has a number: use update()");
        }
        COSObjectKey key = new COSObjectKey(next++, 0);
        object.setKey(key);
        object.setDirect(false);
        objects.put(key.getNumber(), new Pending(key, object, true));
        return key;
    }

    /**
     * Writes a changed object of the original again, under its key (set by PDFBox when it read it).
     *
     * @throws IllegalArgumentException when {@code object} has no key, or one that is not the original's
     */
    void update(COSBase object) {
        COSBase body = object instanceof COSObject o ? o.getObject() : object;
        COSObjectKey key = object.getKey() != null ? object.getKey() : body == null ? null : body.getKey();
        if (key == null) {
            throw new IllegalArgumentException("the object has no number: it is not an indirect object of the document");
        }
        update(key, body);
    }

    /**
     * Writes a changed object of the original again, under {@code key}.
     *
     * @throws IllegalArgumentException when {@code key} is not below the original's size
     * @throws SignatureEngineException INVALID_PDF when {@code key} is object 0 (a repaired load's)
     */
    void update(COSObjectKey key, COSBase object) {
        requireOpen();
        COSBase body = object instanceof COSObject o ? o.getObject() : object;
        if (body == null) {
            throw new IllegalArgumentException("object " + key + " is null");
        }
        Pending pending = objects.get(key.getNumber());
        if (pending != null && pending.fresh()) {
            if (pending.body() != body) {
                throw new IllegalArgumentException("object " + key + " is a new object of this revision");
            }
            return; // a new object is written anyway
        }
        if (key.getNumber() == 0) {
            throw objectZero("object 0 " + key.getGeneration() + ", which this operation has to write again,");
        }
        if (key.getNumber() < 0 || key.getNumber() >= originalSize) {
            throw new IllegalArgumentException("object " + key + " is not an object of the original (size "
                    + originalSize + ")");
        }
        objects.put(key.getNumber(), new Pending(key, body, false));
    }

    /**
     * The refusal of a document whose PDFBox load holds an object numbered 0, the head of the free list that no
     * object may be (ISO 32000-1 §7.5.4): only a scan of the file finds such a "0 G obj" (PDFBox's repair of a chain
     * it could not read), strict readers never do, and no revision can refer to it.
     */
    private SignatureEngineException objectZero(String what) {
        return new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: " + what + " is numbered 0"
                + " (object 0 is the head of the free list; PDFBox found it only by scanning the file)",
                "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then sign the repaired file.", null);
    }

    /** @return whether object {@code number} is written in this revision */
    boolean writes(long number) {
        return objects.containsKey(number);
    }

    /**
     * Reserves the room for a signature in {@code signature} (see {@link SignaturePlaceholder}); the
     * dictionary must be written in this revision (as a new or changed object). One per revision.
     *
     * @param contentsBytes the room for the DER-encoded CMS or time-stamp token
     */
    SignaturePlaceholder reserveSignature(COSDictionary signature, int contentsBytes) {
        requireOpen();
        if (placeholder != null) {
            throw new IllegalStateException("one signature per revision");
        }
        placeholder = SignaturePlaceholder.create(signature, contentsBytes);
        return placeholder;
    }

    private void requireOpen() {
        if (written) {
            throw new IllegalStateException("the revision is already written");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Lays out the revision: the objects in ascending number, the cross-reference data, {@code startxref}
     * and {@code %%EOF}; patches the signature's byte range when one is reserved. Once only.
     *
     * @throws IllegalStateException when an object references a new object number that is not written, or
     *         the reserved signature dictionary is not among the objects
     */
    Revision write() throws IOException {
        requireOpen();
        written = true;
        long base = original.length();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
        CosWriter w = new CosWriter(buffer, base);
        int last = original.input().at(base - 1);
        if (last != '\n' && last != '\r') {
            w.ascii("\n"); // the original's %%EOF must stay on a line of its own
        }
        if (placeholder != null) {
            placeholder.reserveIn(w);
        }
        w.encrypt(encryption);
        // Two kinds of reference to an object numbered beyond the original's objects: the engine's mistake (a value
        // it numbered, or a number it handed out, left unwritten), and a reference the document itself holds, read
        // by PDFBox, to an object it never defined. Readers take the latter for null, but this revision (when the
        // number is one it hands out) or the next (which numbers its objects from the cross-reference size up)
        // would give it a meaning: such a document is refused, not signed.
        Set<Long> unwritten = new TreeSet<>();
        Set<Long> undefined = new TreeSet<>();
        w.onReference((key, value) -> {
            if (key.getNumber() < originalSize) {
                return;
            }
            if (value instanceof COSObject proxy && (proxy.getObject() == null
                    || proxy.getObject() instanceof org.apache.pdfbox.cos.COSNull)) {
                undefined.add(key.getNumber());
            } else if (!objects.containsKey(key.getNumber())) {
                unwritten.add(key.getNumber());
            }
        });
        Map<Long, long[]> entries = new TreeMap<>(); // number -> {offset, generation}
        for (Pending p : objects.values()) {
            entries.put(p.key().getNumber(), new long[] {w.position(), p.key().getGeneration()});
            try {
                w.writeIndirect(p.key(), p.body());
                if (!p.fresh()) {
                    requireParsable(p.key());
                }
            } catch (CosWriter.BareReference e) {
                throw MalformedReferences.refusal(name, "object " + p.key().getNumber() + " " + p.key().getGeneration());
            }
        }
        if (!unwritten.isEmpty()) {
            throw new IllegalStateException("the revision references new objects it does not write: " + unwritten);
        }
        if (!undefined.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: it refers to object "
                    + undefined.iterator().next() + " 0 R, which it never defines, beyond its cross-reference size ("
                    + originalSize + ")",
                    "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then sign the repaired file.",
                    null);
        }
        COSDictionary trailer = document.getDocument().getTrailer();
        byte[][] id = ids(buffer.toByteArray(), base);
        long xrefOffset = w.position();
        long size;
        if (form == XrefForm.TABLE) {
            size = Math.max(originalSize, next);
            writeTable(w, entries);
            w.ascii("trailer\n");
            w.ascii("<<");
            writeTrailerEntries(w, trailer, size, id);
            w.ascii(">>\n");
        } else {
            long own = next++;
            size = Math.max(originalSize, next);
            entries.put(own, new long[] {xrefOffset, 0});
            writeStream(w, own, entries, trailer, size, id);
        }
        w.ascii("startxref\n" + xrefOffset + "\n%%EOF\n");
        byte[] section = buffer.toByteArray();
        if (placeholder != null) {
            placeholder.laidOut(section, base, w.reservedAt(placeholder.dictionary().getItem(COSName.CONTENTS)),
                    w.reservedAt(placeholder.dictionary().getItem(COSName.BYTERANGE)));
        }
        Map<Long, Long> offsets = new LinkedHashMap<>();
        entries.forEach((n, e) -> offsets.put(n, e[0]));
        writtenStartxref = xrefOffset;
        writtenSize = size;
        writtenFirstId = id[0];
        return new Revision(original, section, form, xrefOffset, size, Collections.unmodifiableMap(offsets),
                Optional.ofNullable(placeholder));
    }

    /**
     * The classic table: the head of the free list (object 0, as every table starts, so that readers that
     * expect a zero-based first subsection, such as pypdf, read it as written), then one subsection per run
     * of consecutive numbers; 20-byte entries.
     */
    private static void writeTable(CosWriter w, Map<Long, long[]> entries) throws IOException {
        w.ascii("xref\n0 1\n0000000000 65535 f\r\n");
        List<long[]> runs = runs(entries.keySet());
        StringBuilder sb = new StringBuilder();
        for (long[] run : runs) {
            sb.setLength(0);
            sb.append(run[0]).append(' ').append(run[1]).append('\n');
            for (long n = run[0]; n < run[0] + run[1]; n++) {
                long[] e = entries.get(n);
                sb.append(String.format(java.util.Locale.ROOT, "%010d %05d n\r\n", e[0], e[1]));
            }
            w.ascii(sb.toString());
        }
    }

    /** The cross-reference stream object, its own entry included. */
    private void writeStream(CosWriter w, long own, Map<Long, long[]> entries, COSDictionary trailer, long size,
                             byte[][] id) throws IOException {
        long maxOffset = 0;
        long maxGen = 0;
        for (long[] e : entries.values()) {
            maxOffset = Math.max(maxOffset, e[0]);
            maxGen = Math.max(maxGen, e[1]);
        }
        int w2 = bytesFor(maxOffset);
        int w3 = bytesFor(maxGen);
        int width = 1 + w2 + w3;
        byte[] data = new byte[entries.size() * width];
        int pos = 0;
        for (long[] e : entries.values()) {
            data[pos++] = 1;
            pos = put(data, pos, e[0], w2);
            pos = put(data, pos, e[1], w3);
        }
        boolean deflated = false;
        if (compress) {
            byte[] smaller = deflate(data);
            if (smaller.length + FILTER.length() < data.length) {
                data = smaller;
                deflated = true;
            }
        }
        StringBuilder index = new StringBuilder("[");
        for (long[] run : runs(entries.keySet())) {
            index.append(index.length() > 1 ? " " : "").append(run[0]).append(' ').append(run[1]);
        }
        index.append(']');
        w.ascii(own + " 0 obj\n<</Type /XRef\n/Index " + index + "\n/W [1 " + w2 + " " + w3 + "]\n");
        writeTrailerEntries(w, trailer, size, id);
        if (deflated) {
            w.ascii(FILTER);
        }
        w.ascii("/Length " + data.length + "\n>>\nstream\r\n");
        w.bytes(data);
        w.ascii("\r\nendstream\nendobj\n");
    }

    /** /Size, /Root, /Info, /ID and /Prev, one per line. */
    private void writeTrailerEntries(CosWriter w, COSDictionary trailer, long size, byte[][] id) throws IOException {
        w.ascii("/Size " + size + "\n/Root ");
        COSBase root = trailer.getItem(COSName.ROOT);
        if (!(root instanceof COSObject)) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' has no /Root reference in its "
                    + "trailer", "Repair it first, for example with: qpdf '" + name + "' repaired.pdf", null);
        }
        w.writeValue(root);
        COSBase info = trailer.getItem(COSName.INFO);
        if (info != null && !(info instanceof org.apache.pdfbox.cos.COSNull)) {
            w.ascii("\n/Info ");
            w.writeValue(info);
        }
        COSBase encrypt = trailer.getItem(COSName.ENCRYPT);
        if (encryption != null && encrypt != null) {
            w.ascii("\n/Encrypt ");
            w.writeValue(encrypt); // outside an indirect object: its strings are written as they are
        }
        w.ascii("\n/ID [");
        w.bytes(CosWriter.string(id[0], true));
        w.bytes(CosWriter.string(id[1], true));
        w.ascii("]\n/Prev " + previous + "\n");
    }

    /**
     * The new /ID: the original's first identifier (or a new one when it has none) and a new second one,
     * the first 16 bytes of a SHA-256 over the original's length, its startxref, its first identifier and
     * the objects of this revision (so deterministic, and different for every revision).
     */
    private byte[][] ids(byte[] objectsBytes, long base) {
        byte[] first = firstId;
        MessageDigest sha = Digests.sha256();
        sha.update(("certyneo revision " + base + " " + previous + " ").getBytes(StandardCharsets.US_ASCII));
        if (first != null) {
            sha.update(first);
        }
        sha.update(objectsBytes);
        byte[] second = Arrays.copyOf(sha.digest(), 16);
        return new byte[][] {first == null ? second : first, second};
    }

    /** Runs of consecutive numbers: {first, count}. */
    private static List<long[]> runs(Set<Long> numbers) {
        List<long[]> runs = new ArrayList<>();
        long start = -1;
        long count = 0;
        for (long n : numbers) {
            if (count > 0 && n == start + count) {
                count++;
            } else {
                if (count > 0) {
                    runs.add(new long[] {start, count});
                }
                start = n;
                count = 1;
            }
        }
        if (count > 0) {
            runs.add(new long[] {start, count});
        }
        return runs;
    }

    /** The bytes a big-endian field needs to hold {@code v} (at least one). */
    private static int bytesFor(long v) {
        int n = 1;
        while (v > 0xff) {
            v >>>= 8;
            n++;
        }
        return n;
    }

    /** Writes {@code v} big-endian in {@code width} bytes at {@code pos}; returns the position after it. */
    private static int put(byte[] data, int pos, long v, int width) {
        for (int i = width - 1; i >= 0; i--) {
            data[pos + i] = (byte) v;
            v >>>= 8;
        }
        return pos + width;
    }

    /** FlateDecode-encodes {@code data} (zlib, best compression: deterministic for a given JDK). */
    static byte[] deflate(byte[] data) {
        Deflater deflater = IDLE_DEFLATERS.poll();
        if (deflater == null) {
            deflater = new Deflater(Deflater.BEST_COMPRESSION);
        }
        boolean done = false;
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            done = true;
            return out.toByteArray();
        } finally {
            if (done && IDLE_DEFLATERS.size() < MAX_IDLE_DEFLATERS) {
                deflater.reset(); // as new: the same level, so the same output
                IDLE_DEFLATERS.offer(deflater);
            } else {
                deflater.end();
            }
        }
    }

    /**
     * Deflaters between two {@link #deflate} calls: setting one up at the best compression level (its window and hash
     * tables) cost more than deflating a cross-reference stream or a certificate, and a B-LT signature deflates half a
     * dozen of them. At most {@link #MAX_IDLE_DEFLATERS} are kept (about 300 KB of native memory each).
     */
    private static final java.util.concurrent.ConcurrentLinkedQueue<Deflater> IDLE_DEFLATERS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final int MAX_IDLE_DEFLATERS = 8;

    // ------------------------------------------------------------------------------------------------
    // The original's last section

    /** The offset named by the last {@code startxref} in the final {@value #TAIL} bytes. */
    private static long lastStartxref(Input in, String name) {
        byte[] k = "startxref".getBytes(StandardCharsets.US_ASCII);
        long length = in.length();
        long from = Math.max(0, length - TAIL);
        byte[] tail = in.read(from, (int) (length - from));
        outer:
        for (int i = tail.length - k.length; i >= 0; i--) {
            for (int j = 0; j < k.length; j++) {
                if (tail[i + j] != k[j]) {
                    continue outer;
                }
            }
            try {
                Object v = new Parser(in, from + i + k.length).readObject();
                if (v instanceof Long l && l >= 0 && l < length) {
                    return l;
                }
            } catch (Malformed e) {
                // reported below
            }
            break;
        }
        throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: no usable 'startxref' "
                + "in its last " + TAIL + " bytes", "Repair it first, for example with: qpdf '" + name
                + "' repaired.pdf - then sign the repaired file.", null);
    }

    /** Whether the section at {@code offset} is a classic table or a cross-reference stream. */
    private static XrefForm formAt(Input in, long offset, String name) {
        Parser p = new Parser(in, offset);
        p.skipWhite();
        if (p.startsWithKeyword("xref")) {
            return XrefForm.TABLE;
        }
        try {
            if (p.objectHeader() >= 0 && p.readObject() instanceof Map<?, ?> dict
                    && new Name("XRef").equals(dict.get("Type"))) {
                return XrefForm.STREAM;
            }
        } catch (Malformed e) {
            // reported below
        }
        throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: its last 'startxref' "
                + "names offset " + offset + ", where no cross-reference section starts",
                "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then sign the repaired file.", null);
    }

    @Override
    public void close() throws IOException {
        original.close();
    }

    // ------------------------------------------------------------------------------------------------
    // The original

    /**
     * A stream that appends to a file which already holds the original ({@link #held()} bytes of it): a revision
     * written to it writes only its section (see {@link Revision#writeTo}), so a stage after the first costs what
     * it adds, not a copy of the whole document.
     */
    interface Appending {
        /** @return the length of the file the stream appends to, when it was opened */
        long held();
    }

    /** The original bytes: an array, or a file read through a channel. */
    static final class Original implements Closeable {
        private final byte[] bytes;
        private final FileChannel channel;
        private final long length;
        private final Input input;

        Original(byte[] bytes) {
            this(bytes, bytes.length);
        }

        /** The first {@code length} bytes of {@code bytes}. */
        Original(byte[] bytes, int length) {
            this.bytes = bytes;
            this.channel = null;
            this.length = length;
            this.input = new ArrayInput(bytes, length);
        }

        Original(FileChannel channel) {
            this.bytes = null;
            this.channel = channel;
            try {
                this.input = new ChannelInput(channel);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            this.length = input.length();
        }

        long length() {
            return length;
        }

        Input input() {
            return input;
        }

        /** Copies bytes [from, to) of the original to {@code out} (when not null), updating {@code digests}. */
        void copy(long from, long to, OutputStream out, MessageDigest[] digests) throws IOException {
            if (out == null && digests.length == 0 || from >= to) {
                return; // nothing to write or hash: not read at all
            }
            if (bytes != null) {
                int off = (int) from;
                int len = (int) (to - from);
                for (MessageDigest d : digests) {
                    d.update(bytes, off, len);
                }
                if (out != null) {
                    out.write(bytes, off, len);
                }
                return;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(COPY_BUFFER, Math.max(1, to - from)));
            long at = from;
            while (at < to) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), to - at));
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new EOFException("the original ended at " + at + " bytes, it had " + length);
                }
                for (MessageDigest d : digests) {
                    d.update(buffer.array(), 0, n);
                }
                if (out != null) {
                    out.write(buffer.array(), 0, n);
                }
                at += n;
            }
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The result

    /**
     * A revision laid out: the section to append, and how to write the final file (the original, then
     * the section) in one pass over the original. Valid while its {@link RevisionWriter} is open.
     */
    static final class Revision {
        private final Original original;
        private final byte[] section;
        private final XrefForm form;
        private final long startxref;
        private final long size;
        private final Map<Long, Long> offsets;
        private final Optional<SignaturePlaceholder> signature;

        private Revision(Original original, byte[] section, XrefForm form, long startxref, long size,
                         Map<Long, Long> offsets, Optional<SignaturePlaceholder> signature) {
            this.original = original;
            this.section = section;
            this.form = form;
            this.startxref = startxref;
            this.size = size;
            this.offsets = offsets;
            this.signature = signature;
        }

        /** @return the bytes appended to the original (the signature's /Contents as last patched) */
        byte[] section() {
            return section.clone();
        }

        /** @return the section's length */
        int sectionLength() {
            return section.length;
        }

        /** @return the original's length */
        long originalLength() {
            return original.length();
        }

        /** @return the final file's length */
        long length() {
            return original.length() + section.length;
        }

        /** @return the form of the revision's cross-reference data (that of the section it chains to) */
        XrefForm form() {
            return form;
        }

        /** @return the final-file offset of the revision's cross-reference section */
        long startxref() {
            return startxref;
        }

        /** @return the revision's /Size */
        long size() {
            return size;
        }

        /** @return the final-file offset of every in-use entry of the new section, by object number */
        Map<Long, Long> offsets() {
            return offsets;
        }

        /** @return the reserved signature, when there is one */
        Optional<SignaturePlaceholder> signature() {
            return signature;
        }

        /**
         * Writes the final file to {@code out}: the original (streamed, never held whole when it is a
         * file) then the section, updating {@code digests} with the bytes of the signature's byte range
         * (everything but the {@code /Contents} gap; everything when no signature is reserved). With a
         * signature, the gap is written as it stands: zeros until patched, e.g. with
         * {@link SignaturePlaceholder#patchContents(FileChannel, byte[])} once the digests are used.
         */
        void writeTo(OutputStream out, MessageDigest... digests) throws IOException {
            original.copy(0, original.length(), unlessHeld(out), digests);
            if (signature.isEmpty()) {
                digest(section, 0, section.length, digests);
                out.write(section);
                return;
            }
            int gapStart = gapStart();
            int gapEnd = gapEnd();
            digest(section, 0, gapStart, digests);
            digest(section, gapEnd, section.length, digests);
            out.write(section);
        }

        /**
         * The first half of a one-pass signed write: writes the original and the section up to the
         * {@code /Contents} gap, and updates {@code digests} with the whole byte range (the part after the
         * gap is in memory and is digested now, written by {@link #writeTail}). The digests are then final.
         *
         * @throws IllegalStateException when no signature is reserved
         */
        void writeHead(OutputStream out, MessageDigest... digests) throws IOException {
            requireSignature();
            original.copy(0, original.length(), unlessHeld(out), digests);
            writeSectionHead(out, digests);
        }

        /**
         * As {@link #writeHead(OutputStream, MessageDigest...)} with a SHA-256 of the byte range that goes on from the
         * longest of {@code known} prefixes of the original (states taken by an earlier pass over the same bytes, see
         * {@link PrefixDigests}): only the original's bytes after it are read for the digest.
         *
         * @return the SHA-256 of the byte range (final)
         */
        MessageDigest writeHead(OutputStream out, PrefixDigests known) throws IOException {
            requireSignature();
            Map.Entry<Long, MessageDigest> start = known.longestWithin(original.length())
                    .orElseGet(() -> Map.entry(0L, Digests.sha256()));
            MessageDigest digest = start.getValue();
            OutputStream target = unlessHeld(out);
            if (target != null) {
                original.copy(0, start.getKey(), target, new MessageDigest[0]);
            }
            original.copy(start.getKey(), original.length(), target, new MessageDigest[] {digest});
            writeSectionHead(out, new MessageDigest[] {digest});
            return digest;
        }

        /**
         * {@code null} when {@code out} appends to a file that holds the original already ({@link Appending}): the
         * original is then not copied (only read where a digest needs it); else {@code out}.
         */
        private OutputStream unlessHeld(OutputStream out) {
            if (out instanceof Appending appending) {
                if (appending.held() != original.length()) {
                    throw new IllegalStateException("the stream appends to a file of " + appending.held()
                            + " bytes, and the original has " + original.length());
                }
                return null;
            }
            return out;
        }

        /**
         * As {@link #writeHead(OutputStream, MessageDigest...)} with one digest, taking its state (when it is a
         * SHA-256 that can be copied) at each of {@code checkpoints} inside the original and at the original's end:
         * the SHA-256 of those prefixes of the final file, from the same pass (see {@link PrefixDigests}).
         *
         * @param checkpoints offsets into the original, in any order (those outside it are ignored)
         */
        PrefixDigests writeHead(OutputStream out, MessageDigest digest, long[] checkpoints) throws IOException {
            return writeHead(out, digest, 0, checkpoints);
        }

        /**
         * As {@link #writeHead(OutputStream, MessageDigest, long[])} with {@code digest} fed the original's first
         * {@code fed} bytes already (a SHA-256 state an earlier pass over the same bytes took): they are copied, not
         * hashed again.
         */
        PrefixDigests writeHead(OutputStream out, MessageDigest digest, long fed, long[] checkpoints) throws IOException {
            requireSignature();
            if (out instanceof Appending) {
                throw new IllegalStateException("the prefix states are taken while the original is copied");
            }
            if (fed < 0 || fed > original.length()) {
                throw new IllegalArgumentException("fed " + fed + " bytes of an original of " + original.length());
            }
            MessageDigest[] digests = {digest};
            PrefixDigests.Taking taking = new PrefixDigests.Taking(digest);
            long at = fed;
            if (fed > 0) {
                original.copy(0, fed, out, new MessageDigest[0]);
                taking.take(fed);
            }
            for (long checkpoint : java.util.Arrays.stream(checkpoints).sorted().distinct().toArray()) {
                if (checkpoint > at && checkpoint < original.length()) {
                    original.copy(at, checkpoint, out, digests);
                    at = checkpoint;
                    taking.take(at);
                }
            }
            original.copy(at, original.length(), out, digests);
            taking.take(original.length());
            writeSectionHead(out, digests);
            return taking.result();
        }

        private void writeSectionHead(OutputStream out, MessageDigest[] digests) throws IOException {
            int gapStart = gapStart();
            digest(section, 0, gapStart, digests);
            digest(section, gapEnd(), section.length, digests);
            out.write(section, 0, gapStart);
        }

        /**
         * The second half: patches {@code cms} into {@code /Contents} (hex, zero padded) and writes the rest
         * of the section, from the gap on.
         *
         * @throws IllegalArgumentException when {@code cms} does not fit the room reserved
         */
        void writeTail(OutputStream out, byte[] cms) throws IOException {
            requireSignature();
            signature.get().patchContents(cms);
            int gapStart = gapStart();
            out.write(section, gapStart, section.length - gapStart);
        }

        /** Updates {@code digests} with the byte range without writing anything (reads the original once). */
        void digest(MessageDigest... digests) throws IOException {
            original.copy(0, original.length(), null, digests);
            if (signature.isEmpty()) {
                digest(section, 0, section.length, digests);
            } else {
                digest(section, 0, gapStart(), digests);
                digest(section, gapEnd(), section.length, digests);
            }
        }

        /** @return the final file in memory (for in-memory originals and tests) */
        byte[] toByteArray() throws IOException {
            long length = length();
            if (length > Integer.MAX_VALUE - 16) {
                throw new IOException("the final file (" + length + " bytes) does not fit in an array");
            }
            ExactBuffer out = new ExactBuffer((int) length);
            writeTo(out);
            return out.bytes();
        }

        private void requireSignature() {
            if (signature.isEmpty()) {
                throw new IllegalStateException("no signature is reserved in this revision");
            }
        }

        private int gapStart() {
            return (int) (signature.get().contentsStart() - original.length());
        }

        private int gapEnd() {
            return (int) (signature.get().contentsEnd() - original.length());
        }

        private static void digest(byte[] b, int from, int to, MessageDigest[] digests) {
            for (MessageDigest d : digests) {
                d.update(b, from, to - from);
            }
        }
    }
}
