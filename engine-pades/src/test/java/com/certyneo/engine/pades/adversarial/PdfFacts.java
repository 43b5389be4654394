package com.certyneo.engine.pades.adversarial;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the attack generator needs to know about a (signed) PDF, read with PDFBox: object numbers of the
 * catalog, page tree, pages and signature fields, the newest definition of any object, the trailer to
 * carry over, the byte ranges of the signatures, and where objects were defined in the raw bytes.
 */
final class PdfFacts implements AutoCloseable {

    /** What an incremental update carries over from the trailer: /Size, and /Root, /Info, /ID as PDF syntax. */
    record Trailer(int size, String root, String info, String id) {
    }

    /**
     * One signature or document time-stamp.
     *
     * @param field             the field's fully qualified name
     * @param fieldNumber       object number of the field (merged with its widget)
     * @param dictionaryNumber  object number of the signature dictionary (/V)
     * @param byteRange         its /ByteRange
     * @param documentTimestamp SubFilter ETSI.RFC3161
     */
    record Signature(String field, int fieldNumber, int dictionaryNumber, long[] byteRange, boolean documentTimestamp) {
        /** @return the offset where the signed revision ends: br[2] + br[3] */
        long end() {
            return byteRange[2] + byteRange[3];
        }
    }

    private final byte[] bytes;
    private final PDDocument document;

    PdfFacts(byte[] bytes) {
        this.bytes = bytes.clone();
        try {
            this.document = Loader.loadPDF(this.bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("PDFBox cannot read the file: " + e.getMessage(), e);
        }
    }

    /** @return the file (a copy) */
    byte[] bytes() {
        return bytes.clone();
    }

    /** @return the PDFBox view of the file's newest revision */
    PDDocument document() {
        return document;
    }

    /** @return whether the last cross-reference section (at the last startxref) is a stream */
    boolean xrefStream() {
        long at = IncrementalUpdate.lastStartxref(bytes);
        return at < 0 || at + 4 > bytes.length
                || !new String(bytes, (int) at, 4, StandardCharsets.ISO_8859_1).equals("xref");
    }

    /** @return /Size, /Root, /Info and /ID of the newest trailer */
    Trailer trailer() {
        COSDictionary t = document.getDocument().getTrailer();
        COSBase info = t.getItem(COSName.INFO);
        COSBase id = t.getItem(COSName.ID);
        return new Trailer(t.getInt(COSName.SIZE), Cos.write(t.getItem(COSName.ROOT)),
                info == null ? null : Cos.write(info), id == null ? null : Cos.write(id));
    }

    /** @return the newest definition of object {@code number} (generation 0); null when free or missing */
    COSBase object(int number) {
        COSObject o = document.getDocument().getObjectFromPool(new COSObjectKey(number, 0));
        return o == null ? null : o.getObject();
    }

    /** @return the newest definition of dictionary object {@code number} */
    COSDictionary dictionary(int number) {
        if (object(number) instanceof COSDictionary d) {
            return d;
        }
        throw new IllegalArgumentException("object " + number + " is not a dictionary");
    }

    int catalogNumber() {
        return number(document.getDocumentCatalog().getCOSObject());
    }

    COSDictionary catalog() {
        return document.getDocumentCatalog().getCOSObject();
    }

    int pagesNumber() {
        return (int) Cos.number(catalog().getItem(COSName.PAGES));
    }

    COSDictionary pages() {
        return dictionary(pagesNumber());
    }

    int pageCount() {
        return document.getNumberOfPages();
    }

    /** @return the object number of page {@code index} (0-based) */
    int pageNumber(int index) {
        return number(document.getPage(index).getCOSObject());
    }

    COSDictionary page(int index) {
        return document.getPage(index).getCOSObject();
    }

    PDRectangle mediaBox(int index) {
        return document.getPage(index).getMediaBox();
    }

    /**
     * @return the object number of the page's biggest content stream (the producer's content, not the
     *         sandbox mark or the q/Q wrappers around it)
     */
    int mainContentNumber(int index) {
        COSBase contents = page(index).getItem(COSName.CONTENTS);
        List<COSBase> candidates = new ArrayList<>();
        if (Cos.resolve(contents) instanceof COSArray array) {
            for (int i = 0; i < array.size(); i++) {
                candidates.add(array.get(i));
            }
        } else {
            candidates.add(contents);
        }
        COSBase best = null;
        long bestLength = -1;
        for (COSBase c : candidates) {
            if (Cos.resolve(c) instanceof COSStream s && s.getLength() > bestLength) {
                best = c;
                bestLength = s.getLength();
            }
        }
        if (best == null || Cos.number(best) < 0) {
            throw new IllegalStateException("page " + (index + 1) + " has no indirect content stream");
        }
        return (int) Cos.number(best);
    }

    /** @return the /Info object number, if any */
    Optional<Integer> infoNumber() {
        long n = Cos.number(document.getDocument().getTrailer().getItem(COSName.INFO));
        return n < 0 ? Optional.empty() : Optional.of((int) n);
    }

    /** @return the signatures and document time-stamps, in field order */
    List<Signature> signatures() {
        List<Signature> result = new ArrayList<>();
        PDAcroForm form = document.getDocumentCatalog().getAcroForm(null);
        if (form == null) {
            return result;
        }
        for (PDField field : form.getFieldTree()) {
            if (!(field instanceof PDSignatureField)) {
                continue;
            }
            COSBase v = field.getCOSObject().getItem(COSName.V);
            if (!(Cos.resolve(v) instanceof COSDictionary sig) || Cos.number(v) < 0) {
                continue;
            }
            COSArray range = sig.getCOSArray(COSName.BYTERANGE);
            long[] br = new long[4];
            for (int i = 0; range != null && i < 4 && i < range.size(); i++) {
                br[i] = range.getInt(i);
            }
            boolean timestamp = "ETSI.RFC3161".equals(sig.getNameAsString(COSName.SUB_FILTER))
                    || "DocTimeStamp".equals(sig.getNameAsString(COSName.TYPE));
            result.add(new Signature(field.getFullyQualifiedName(), number(field.getCOSObject()), (int) Cos.number(v), br,
                    timestamp));
        }
        return result;
    }

    /** @return the first signature that is not a document time-stamp: the one the attacks aim at */
    Signature attacked() {
        return signatures().stream().filter(s -> !s.documentTimestamp()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no signature"));
    }

    /** @return the object number of the annotation on page {@code index} whose /NM is {@code name} */
    int annotationNamed(int index, String name) {
        COSArray annots = Cos.copyOfArray(page(index).getItem(COSName.ANNOTS));
        for (int i = 0; i < annots.size(); i++) {
            if (Cos.resolve(annots.get(i)) instanceof COSDictionary a && name.equals(a.getString(COSName.NM))) {
                return (int) Cos.number(annots.get(i));
            }
        }
        throw new IllegalArgumentException("no annotation /NM (" + name + ") on page " + (index + 1));
    }

    /**
     * @return the offsets where {@code number generation obj} is written in the raw bytes, first to last
     *         (every revision's definition)
     */
    List<Long> definitions(int number, int generation) {
        Matcher m = Pattern.compile("(?<![0-9])" + number + "\\s+" + generation + "\\s+obj\\b")
                .matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        List<Long> offsets = new ArrayList<>();
        while (m.find()) {
            if (m.start() == 0 || bytes[m.start() - 1] == '\n' || bytes[m.start() - 1] == '\r') {
                offsets.add((long) m.start());
            }
        }
        return offsets;
    }

    private static int number(COSBase object) {
        COSObjectKey key = object.getKey();
        if (key == null) {
            throw new IllegalStateException("PDFBox gave no object key for " + object);
        }
        return (int) key.getNumber();
    }

    @Override
    public void close() {
        try {
            document.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
