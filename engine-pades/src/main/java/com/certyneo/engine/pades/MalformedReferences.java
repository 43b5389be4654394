package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Refuses to write again an object of the document that holds a <em>bare reference</em>: an {@code R} keyword
 * without the object number and generation before it ({@code << /F1 R >>}). PDFBox reads it as a reference to
 * nothing; MuPDF reads {@code null}, qpdf the string {@code (R)}. Written again it would become whatever the
 * writer makes of it: PDFBox's incremental save gives it a fresh object number that it never defines (a
 * dangling reference the next revision would give a meaning), the engine's own writer cannot give it any.
 * Either way a signed revision would change what an earlier reader saw, so the document is refused as
 * malformed, with the repair that makes it signable. Objects the operation does not write again are left as
 * they are: their bytes stay those of the input, and whatever each reader makes of them does not change.
 */
final class MalformedReferences {

    private MalformedReferences() {
    }

    /**
     * Checks the objects PDFBox's incremental save of {@code document} is about to write (its increment, as
     * PDFBox computes it from the objects changed since the load): no bare reference, and the original's bytes of
     * each object written again parse ({@link #requireParsable}).
     *
     * @param original the bytes PDFBox loaded {@code document} from
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} naming the first such object
     */
    static void requireNoneInIncrement(PDDocument document, PdfSyntax.Input original, String name) {
        COSDictionary trailer = document.getDocument().getTrailer();
        java.util.Map<COSObjectKey, Long> xref = document.getDocument().getXrefTable();
        // (the trailer itself: a bare R there fails the cross-reference check before PDFBox loads the document)
        for (COSBase object : trailer.toIncrement().exclude(trailer)) {
            COSBase body = object instanceof COSObject o ? o.getObject() : object;
            COSObjectKey key = object.getKey() != null ? object.getKey() : body != null ? body.getKey() : null;
            if (body != null && holdsBareReference(body)) {
                throw refusal(name, key == null ? "a changed object" : "object " + key.getNumber() + " " + key.getGeneration());
            }
            if (key != null) {
                requireParsable(original, xref, key, name);
            }
        }
    }

    /**
     * Whether {@code body} holds a bare reference among the values written in place with it (references to
     * other objects are not followed: those are written, if at all, as objects of their own).
     */
    static boolean holdsBareReference(COSBase body) {
        Set<COSBase> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<COSBase> pending = new ArrayDeque<>();
        pending.push(body);
        while (!pending.isEmpty()) {
            COSBase value = pending.pop();
            if (!seen.add(value)) {
                continue;
            }
            Iterable<COSBase> items;
            if (value instanceof COSDictionary dictionary) {
                items = dictionary.getValues();
            } else if (value instanceof COSArray array) {
                items = array;
            } else {
                continue;
            }
            for (COSBase item : items) {
                if (item instanceof COSObject reference) {
                    if (reference.getKey() == null && reference.getObject() == null) {
                        return true;
                    }
                } else if ((item instanceof COSDictionary || item instanceof COSArray) && item.getKey() == null) {
                    pending.push(item);
                }
            }
        }
        return false;
    }

    /**
     * Refuses to write again an object of the original whose bytes do not parse as PDF syntax: an unknown token
     * ({@code /Fields [EO 0 R 30 0 R]}, as a faulty incremental writer leaves it), a stray delimiter, an unterminated
     * string. PDFBox's lenient parser reads something there (a {@code null}, a shortened array) and would write that
     * back as if it were the document's; MuPDF, qpdf and pdf.js each read something else, and a strict reader none
     * of it. Only objects stored at an offset of the file are read (an object stream's members were written by a
     * whole-file writer, whose output the cross-reference check has already read), and only their value: what
     * follows it is not the revision's to judge.
     *
     * @param in the original (the offsets of {@code xref} are into it)
     * @param xref PDFBox's table of the original: object key to offset (negative or absent: in an object stream)
     * @param key the object about to be written again
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} naming the object and what does not parse
     */
    static void requireParsable(PdfSyntax.Input in, java.util.Map<COSObjectKey, Long> xref, COSObjectKey key,
                                String name) {
        Long offset = xref.get(key);
        if (offset == null || offset <= 0 || offset >= in.length()) {
            return;
        }
        PdfSyntax.Parser parser = new PdfSyntax.Parser(in, offset);
        parser.skipWhite();
        if (parser.objectHeader() != key.getNumber()) {
            return; // not what the cross-reference check vouched for: PDFBox's table, not this object's bytes
        }
        try {
            parser.readObject();
        } catch (PdfSyntax.BeyondBounds e) {
            // deep or large, not wrong: PDFBox reads such objects as written
        } catch (PdfSyntax.Malformed e) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: object "
                    + key.getNumber() + " " + key.getGeneration() + ", which this operation has to write again, does "
                    + "not parse (" + e.getMessage() + "); readers disagree on what it holds",
                    "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then use the repaired file.",
                    null);
        }
    }

    /** The refusal of {@code name}, whose {@code where} holds a bare reference. */
    static SignatureEngineException refusal(String name, String where) {
        return new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: " + where
                + ", which this operation has to write again, holds an 'R' without the object number and generation "
                + "of a reference (readers disagree on what it means)",
                "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then use the repaired file.", null);
    }
}
