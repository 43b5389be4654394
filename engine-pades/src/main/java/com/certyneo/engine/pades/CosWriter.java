package com.certyneo.engine.pades;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSBoolean;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSFloat;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNull;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;

/**
 * Serialises PDFBox COS values to PDF syntax (ISO 32000-1 §7.3), for the revisions the engine appends
 * itself: PDFBox only reads the input and holds the objects; the bytes are written here.
 *
 * <p>The output is deterministic: the same values give the same bytes (dictionary entries in their
 * insertion order, reals without exponent and independent of the locale, strings literal when printable
 * ASCII and hexadecimal otherwise). Whether a value is written as an indirect reference {@code n g R} or
 * in place follows the document exactly, with PDFBox's own rule: a {@link COSObject} is a reference, and
 * so is a dictionary, array or stream that carries a key ({@link COSBase#getKey()}) and is not marked
 * direct. Other values with a key are written in place: PDFBox shares single instances of small
 * integers, booleans, null and names, so a key on them says nothing about the value at hand. A stream
 * must be indirect (ISO 32000-1 §7.3.8): one without a key is refused.
 *
 * <p>A caller can {@linkplain #reserve(COSBase, byte[]) reserve} the bytes written for one value (by
 * identity): the writer then writes the given bytes in its place and remembers where, so that a signature
 * dictionary's {@code /ByteRange} and {@code /Contents} can be patched later without moving anything.
 *
 * <p>Not thread-safe; one writer per serialisation.
 */
final class CosWriter {

    /** Nesting of direct arrays and dictionaries written at most (a guard against cyclic direct values). */
    static final int MAX_DEPTH = 256;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private long position;
    private final Map<COSBase, byte[]> reserved = new IdentityHashMap<>();
    private final Map<COSBase, Long> reservedAt = new IdentityHashMap<>();
    private BiConsumer<COSObjectKey, COSBase> references = (key, value) -> { };
    private int depth;
    /** The encryption of an encrypted document's revision, else {@code null}. */
    private RevisionEncryption encryption;
    /** The indirect object being written (its strings and stream are encrypted with its key), else {@code null}. */
    private COSObjectKey current;
    /** Strings written so far in the current object. */
    private int strings;

    /**
     * @param out where the bytes go
     * @param position the position of the first byte written, as {@link #position()} reports it (for a
     *                 section appended to a file: the offset in the final file)
     */
    CosWriter(OutputStream out, long position) {
        this.out = out;
        this.position = position;
    }

    /** @return the position of the next byte written */
    long position() {
        return position;
    }

    /**
     * Writes {@code text} instead of {@code value} wherever that very instance is written, and remembers
     * the position; the caller is responsible for {@code text} being valid PDF syntax for the value.
     */
    void reserve(COSBase value, byte[] text) {
        reserved.put(value, text.clone());
    }

    /** @return where the reserved {@code value} was written (its first byte), or -1 when it was not */
    long reservedAt(COSBase value) {
        Long at = reservedAt.get(value);
        return at == null ? -1 : at;
    }

    /** Calls {@code listener} for every indirect reference written (to check that each one resolves). */
    void onReference(BiConsumer<COSObjectKey, COSBase> listener) {
        this.references = listener;
    }

    /**
     * Encrypts the strings and stream data of the indirect objects written from now on with the document's key
     * ({@link RevisionEncryption}); values written outside {@link #writeIndirect} (the trailer) are not.
     */
    void encrypt(RevisionEncryption encryption) {
        this.encryption = encryption;
    }

    // ------------------------------------------------------------------------------------------------
    // Objects

    /**
     * Writes an indirect object: {@code n g obj}, the value in place (a stream with its data), and
     * {@code endobj}, each on a line of its own.
     *
     * @param key the object number and generation
     * @param body the object's value (written in place even when it carries a key)
     */
    void writeIndirect(COSObjectKey key, COSBase body) throws IOException {
        ascii(key.getNumber() + " " + key.getGeneration() + " obj\n");
        current = key;
        strings = 0;
        try {
            if (body instanceof COSStream stream) {
                writeStream(stream);
            } else {
                writeDirect(body);
            }
        } finally {
            current = null;
        }
        ascii("\nendobj\n");
    }

    /**
     * Writes a stream in place: its dictionary with a direct {@code /Length} equal to the data written,
     * {@code stream}, CR LF, the raw (still encoded) data, CR LF, {@code endstream}. An indirect
     * {@code /Length} of the original is replaced by the direct value: the data is copied as it is.
     */
    void writeStream(COSStream stream) throws IOException {
        byte[] data;
        if (stream.hasData()) {
            try (InputStream raw = stream.createRawInputStream()) {
                data = raw.readAllBytes();
            }
        } else {
            data = new byte[0];
        }
        if (encryption != null && current != null && encryption.encryptsStream(stream)) {
            data = encryption.stream(current, data);
        }
        writeDictionary(stream, data.length);
        ascii("\nstream\r\n");
        bytes(data);
        ascii("\r\nendstream");
    }

    // ------------------------------------------------------------------------------------------------
    // Values

    /**
     * Writes a value where it is used: as a reference when it is indirect in the document (see the class
     * comment), otherwise in place.
     */
    void writeValue(COSBase value) throws IOException {
        COSObjectKey key = referenceKey(value);
        if (key != null) {
            references.accept(key, value);
            ascii(key.getNumber() + " " + key.getGeneration() + " R");
        } else {
            writeDirect(value);
        }
    }

    /**
     * The key under which {@code value} is referenced where it is used, or {@code null} when it is written
     * in place.
     *
     * @throws BareReference for an {@code R} of the document that names no object
     * @throws IllegalStateException for a reference without a key, or a stream without a key
     */
    static COSObjectKey referenceKey(COSBase value) {
        if (value instanceof COSObject object) {
            COSObjectKey key = object.getKey();
            COSBase target = null;
            if (key == null) {
                target = object.getObject();
                key = target == null ? null : target.getKey();
            }
            if (key == null) {
                if (target == null) {
                    throw new BareReference();
                }
                throw new IllegalStateException("an indirect object without an object number");
            }
            return key;
        }
        if (value instanceof COSStream stream) {
            if (stream.getKey() == null) {
                throw new IllegalStateException("a stream without an object number: streams must be indirect objects");
            }
            return stream.getKey();
        }
        if ((value instanceof COSDictionary || value instanceof COSArray) && !value.isDirect() && value.getKey() != null) {
            return value.getKey();
        }
        return null;
    }

    /** Writes a value in place, whatever its key (references inside it follow {@link #writeValue}). */
    void writeDirect(COSBase value) throws IOException {
        byte[] substitute = reserved.get(value);
        if (substitute != null) {
            reservedAt.put(value, position);
            bytes(substitute);
            return;
        }
        if (value instanceof COSStream) {
            throw new IllegalStateException("a stream cannot be written as a direct value");
        } else if (value instanceof COSDictionary dict) {
            writeDictionary(dict, -1);
        } else if (value instanceof COSArray array) {
            nest();
            try {
                bytes(new byte[] {'['});
                boolean first = true;
                for (COSBase item : array) {
                    if (!first) {
                        bytes(new byte[] {' '});
                    }
                    first = false;
                    writeValue(item == null ? COSNull.NULL : item);
                }
                bytes(new byte[] {']'});
            } finally {
                depth--;
            }
        } else if (value instanceof COSName name) {
            bytes(name(name));
        } else if (value instanceof COSString string) {
            if (encryption != null && current != null) {
                bytes(string(encryption.string(current, strings++, string.getBytes()), true));
            } else {
                bytes(string(string.getBytes(), string.getForceHexForm()));
            }
        } else if (value instanceof COSInteger integer) {
            ascii(Long.toString(integer.longValue()));
        } else if (value instanceof COSFloat real) {
            // the number as the input wrote it (PDFBox keeps the parsed text): re-formatting a float would change
            // digits a reader or a revision comparison sees, e.g. 841.8898 or 0.0
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream(16);
            real.writePDF(text);
            bytes(text.toByteArray());
        } else if (value instanceof COSBoolean bool) {
            ascii(bool.getValue() ? "true" : "false");
        } else if (value instanceof COSNull || value == null) {
            ascii("null");
        } else if (value instanceof COSObject object) {
            COSBase target = object.getObject(); // a reference written in place: its object
            writeDirect(target == null ? COSNull.NULL : target);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName());
        }
    }

    /**
     * Writes a dictionary {@code << /Key value ... >>}; for a stream's dictionary, {@code length} (not
     * negative) replaces {@code /Length} (added last when absent).
     */
    private void writeDictionary(COSDictionary dict, long length) throws IOException {
        nest();
        try {
            ascii("<<");
            boolean lengthWritten = false;
            boolean signature = encryption != null && isSignature(dict);
            for (Map.Entry<COSName, COSBase> entry : dict.entrySet()) {
                COSBase value = entry.getValue();
                if (value == null) {
                    continue;
                }
                bytes(name(entry.getKey()));
                bytes(new byte[] {' '});
                if (length >= 0 && COSName.LENGTH.equals(entry.getKey())) {
                    ascii(Long.toString(length));
                    lengthWritten = true;
                } else if (signature && COSName.CONTENTS.equals(entry.getKey()) && value instanceof COSString contents
                        && reserved.get(value) == null) {
                    bytes(string(contents.getBytes(), true)); // ISO 32000-1 §7.6.1: a signature's /Contents is not encrypted
                } else {
                    writeValue(value);
                }
                bytes(new byte[] {'\n'});
            }
            if (length >= 0 && !lengthWritten) {
                ascii("/Length " + length + "\n");
            }
            ascii(">>");
        } finally {
            depth--;
        }
    }

    /** Whether {@code dict} is a signature or document time-stamp dictionary (whose /Contents is never encrypted). */
    private static boolean isSignature(COSDictionary dict) {
        COSName type = dict.getCOSName(COSName.TYPE);
        return COSName.SIG.equals(type) || COSName.DOC_TIME_STAMP.equals(type)
                || dict.getItem(COSName.CONTENTS) instanceof COSString && dict.getItem(COSName.BYTERANGE) instanceof COSArray;
    }

    private void nest() {
        if (++depth > MAX_DEPTH) {
            depth--;
            throw new IllegalStateException("direct values nested more than " + MAX_DEPTH + " deep (a cycle?)");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Tokens

    /**
     * A name token: {@code /} and its bytes, with {@code #xx} for white-space, delimiters, {@code #} and
     * every byte outside 0x21..0x7E (ISO 32000-1 §7.3.5).
     */
    static byte[] name(COSName name) {
        byte[] raw = name.getBytes();
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(raw.length + 8);
        b.write('/');
        for (byte x : raw) {
            int c = x & 0xff;
            if (c < 0x21 || c > 0x7e || c == '#' || PdfSyntax.isDelimiter(c)) {
                b.write('#');
                b.write(HEX[c >>> 4]);
                b.write(HEX[c & 0xf]);
            } else {
                b.write(c);
            }
        }
        return b.toByteArray();
    }

    /**
     * A string token: literal {@code (...)} when every byte is printable ASCII (0x20..0x7E), with
     * {@code \\}, {@code \(} and {@code \)} escaped; hexadecimal {@code <...>} otherwise, or when
     * {@code forceHex}.
     */
    static byte[] string(byte[] bytes, boolean forceHex) {
        boolean printable = !forceHex;
        for (int i = 0; i < bytes.length && printable; i++) {
            int c = bytes[i] & 0xff;
            printable = c >= 0x20 && c <= 0x7e;
        }
        if (!printable) {
            byte[] hex = new byte[bytes.length * 2 + 2];
            hex[0] = '<';
            for (int i = 0; i < bytes.length; i++) {
                hex[1 + 2 * i] = HEX[(bytes[i] & 0xff) >>> 4];
                hex[2 + 2 * i] = HEX[bytes[i] & 0xf];
            }
            hex[hex.length - 1] = '>';
            return hex;
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(bytes.length + 8);
        b.write('(');
        for (byte x : bytes) {
            if (x == '\\' || x == '(' || x == ')') {
                b.write('\\');
            }
            b.write(x);
        }
        b.write(')');
        return b.toByteArray();
    }

    /**
     * A real number without exponent and independent of the locale: the shortest decimal that reads back
     * as the same float, trailing zeros removed ({@code 1.0} is {@code 1}, {@code 1.0E-5} is {@code 0.00001}).
     * Infinities are written as the largest float, NaN as 0 (PDF has neither).
     */
    static String real(float value) {
        if (Float.isNaN(value)) {
            return "0";
        }
        if (Float.isInfinite(value)) {
            value = value > 0 ? Float.MAX_VALUE : -Float.MAX_VALUE;
        }
        if (value == 0f) {
            return "0";
        }
        BigDecimal d = new BigDecimal(Float.toString(value)).stripTrailingZeros();
        String s = d.toPlainString();
        return s;
    }

    /** @return the bytes of a value written in place (references inside it as {@code n g R}) */
    static byte[] toBytes(COSBase value) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            new CosWriter(b, 0).writeDirect(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    void ascii(String s) throws IOException {
        bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    void bytes(byte[] b) throws IOException {
        out.write(b);
        position += b.length;
    }

    /**
     * A value of the document that is a reference without an object: an {@code R} keyword with no object number
     * and generation before it, which PDFBox reads as a reference to nothing. Readers differ on it (null, a
     * string, an error), so an object holding one is never written again: the document is malformed.
     */
    static final class BareReference extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BareReference() {
            super("a reference ('R') without an object number and generation");
        }
    }
}
