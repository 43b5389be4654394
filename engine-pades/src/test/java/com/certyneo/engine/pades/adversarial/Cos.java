package com.certyneo.engine.pades.adversarial;

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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * Writes PDFBox COS values back as PDF syntax, by hand: the attack generator reads objects of a signed
 * file with PDFBox, changes a copy and writes it into an incremental update it assembles byte by byte.
 * References stay references ({@code n g R}); strings are written in hex; a stream cannot be written
 * (the generator writes its own streams).
 */
final class Cos {

    private Cos() {
    }

    /** @return {@code value} in PDF syntax */
    static String write(COSBase value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(COSBase value, StringBuilder out) {
        if (value == null || value instanceof COSNull) {
            out.append("null");
        } else if (value instanceof COSObject reference) {
            COSObjectKey key = reference.getKey();
            if (key == null) {
                throw new IllegalArgumentException("a COSObject without a key: " + reference);
            }
            out.append(key.getNumber()).append(' ').append(key.getGeneration()).append(" R");
        } else if (value instanceof COSStream) {
            throw new IllegalArgumentException("a stream cannot be written as a direct value");
        } else if (value instanceof COSDictionary dictionary) {
            out.append("<<");
            for (Map.Entry<COSName, COSBase> entry : dictionary.entrySet()) {
                out.append(' ');
                write(entry.getKey(), out);
                out.append(' ');
                write(entry.getValue(), out);
            }
            out.append(" >>");
        } else if (value instanceof COSArray array) {
            out.append('[');
            for (int i = 0; i < array.size(); i++) {
                if (i > 0) {
                    out.append(' ');
                }
                write(array.get(i), out);
            }
            out.append(']');
        } else if (value instanceof COSName name) {
            out.append(name(name.getName()));
        } else if (value instanceof COSString string) {
            out.append('<').append(HexFormat.of().withUpperCase().formatHex(string.getBytes())).append('>');
        } else if (value instanceof COSInteger integer) {
            out.append(integer.longValue());
        } else if (value instanceof COSFloat number) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                number.writePDF(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.append(bytes.toString(StandardCharsets.ISO_8859_1));
        } else if (value instanceof COSBoolean bool) {
            out.append(bool.getValue());
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName());
        }
    }

    /** @return {@code /name} with the characters PDF names cannot hold as {@code #xx} */
    static String name(String name) {
        StringBuilder out = new StringBuilder("/");
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean regular = c > 0x20 && c < 0x7f && "()<>[]{}/%#".indexOf(c) < 0;
            out.append(regular ? String.valueOf((char) c) : String.format("#%02X", c));
        }
        return out.toString();
    }

    /** @return a reference to object {@code number} generation {@code generation}, for {@link #write} */
    static COSObject ref(long number, int generation) {
        return new COSObject(COSNull.NULL, new COSObjectKey(number, generation));
    }

    /** @return a reference to generation 0 of object {@code number} */
    static COSObject ref(long number) {
        return ref(number, 0);
    }

    /** @return the object behind a reference, or the value itself */
    static COSBase resolve(COSBase value) {
        return value instanceof COSObject reference ? reference.getObject() : value;
    }

    /** @return a shallow copy of {@code dictionary} (references stay references) */
    static COSDictionary copy(COSDictionary dictionary) {
        COSDictionary copy = new COSDictionary();
        dictionary.entrySet().forEach(e -> copy.setItem(e.getKey(), e.getValue()));
        return copy;
    }

    /** @return a shallow copy of {@code array} */
    static COSArray copy(COSArray array) {
        COSArray copy = new COSArray();
        for (int i = 0; i < array.size(); i++) {
            copy.add(array.get(i));
        }
        return copy;
    }

    /** @return the dictionary that {@code value} is or refers to, copied; an empty one when it is neither */
    static COSDictionary copyOfDictionary(COSBase value) {
        COSBase resolved = resolve(value);
        return resolved instanceof COSDictionary dictionary && !(resolved instanceof COSStream) ? copy(dictionary)
                : new COSDictionary();
    }

    /** @return the array that {@code value} is or refers to, copied; an empty one when it is neither */
    static COSArray copyOfArray(COSBase value) {
        COSBase resolved = resolve(value);
        return resolved instanceof COSArray array ? copy(array) : new COSArray();
    }

    /** @return the object number {@code value} refers to, or -1 when it is not a reference */
    static long number(COSBase value) {
        return value instanceof COSObject reference && reference.getKey() != null ? reference.getKey().getNumber() : -1;
    }

    /** @return PDF literal-string syntax for ASCII {@code text} */
    static String literal(String text) {
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")";
    }

    /** @return {@code text} as ISO-8859-1 bytes */
    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
