package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Early, cheap checks on input documents, and the engine errors about them. Which library failure becomes
 * which error is decided in {@link DssFailures}.
 */
final class PdfInputs {

    private PdfInputs() {
    }

    /**
     * Refuses what is clearly not a PDF without parsing it: empty input, or no {@code %PDF-} header at its
     * very start. Readers tolerate up to a kilobyte of leading garbage, but DSS (signing and validation)
     * does not: such a file is refused here, naming the leading bytes, instead of failing in DSS as "not a
     * PDF" (found by PdfFuzzTest).
     */
    static void requirePdfHeader(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw invalid(name, "the file is empty", null);
        }
        int limit = Math.min(bytes.length - 5, 1024);
        byte[] magic = "%PDF-".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i <= limit; i++) {
            if (matches(bytes, i, magic)) {
                if (i == 0) {
                    return;
                }
                throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' has " + i + " byte"
                        + (i == 1 ? "" : "s") + " before its %PDF- header, which must start the file",
                        "Rewrite it without them, for example with: qpdf '" + name + "' repaired.pdf - then use the "
                                + "repaired file.", null);
            }
        }
        throw invalid(name, "it has no %PDF- header", null);
    }

    /**
     * Refuses a dynamic XFA form: a catalog with {@code /NeedsRendering true} (ISO 32000-1 §7.7.2) asks the viewer to
     * draw every page from the XFA template in {@code /AcroForm /XFA}. Adobe viewers do; the others (and the
     * engine's own validation) show the PDF pages instead, which such forms fill with a placeholder ("Please
     * wait..."). A signature field, a visible signature box or the SANDBOX mark added to those pages is not shown
     * where the form is drawn, and a signer who is shown the PDF pages has not seen what Acrobat shows. XFA is
     * deprecated by ISO 32000-2; a static or hybrid form (without {@code /NeedsRendering}) is signed as usual.
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} with the way to a plain PDF
     */
    static void requireNotDynamicXfa(org.apache.pdfbox.pdmodel.PDDocument document, String name) {
        org.apache.pdfbox.cos.COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (catalog.getDictionaryObject(NEEDS_RENDERING) instanceof org.apache.pdfbox.cos.COSBoolean needs
                && needs.getValue()) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is a dynamic XFA form "
                    + "(/NeedsRendering true): Adobe viewers draw its pages from the XFA template and other readers show "
                    + "placeholder pages, so neither a signature box nor a signer who sees the PDF pages would match "
                    + "what Acrobat shows",
                    "Make it a plain PDF first (in Acrobat: fill it, then print it to PDF, or save it as a static form), "
                            + "and sign that.", null);
        }
    }

    /**
     * Refuses to draw on a page whose {@code /MediaBox} or {@code /CropBox} (its own or inherited) is not an array
     * of four numbers: PDFBox takes the first four numbers of a longer array, pdf.js the US Letter default and a
     * strict reader nothing, so a mark or signature box placed from PDFBox's reading is not where every reader shows
     * the page. ({@code @signpdf/placeholder-plain} leaves {@code /MediaBox [0 0 595 842 << /Type /Annot … >>]}
     * behind when it adds its widget to a page that has no {@code /Annots}.) A page with no {@code /MediaBox} at all
     * is not refused: every reader gives it the same default.
     *
     * @param number the page's number, from 1
     * @param what what would be drawn, for the message ("the SANDBOX mark", "the signature box")
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} naming the page and the box
     */
    static void requireRectangularBoxes(org.apache.pdfbox.pdmodel.PDPage page, int number, String name, String what) {
        for (org.apache.pdfbox.cos.COSName key : new org.apache.pdfbox.cos.COSName[] {
                org.apache.pdfbox.cos.COSName.MEDIA_BOX, org.apache.pdfbox.cos.COSName.CROP_BOX}) {
            org.apache.pdfbox.cos.COSBase box = org.apache.pdfbox.pdmodel.PDPageTree.getInheritableAttribute(
                    page.getCOSObject(), key);
            if (box == null) {
                continue;
            }
            if (!(box instanceof org.apache.pdfbox.cos.COSArray array && array.size() == 4 && java.util.stream.IntStream
                    .range(0, 4).allMatch(i -> array.getObject(i) instanceof org.apache.pdfbox.cos.COSNumber))) {
                throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: the /"
                        + key.getName() + " of page " + number + " is not a rectangle of four numbers, so readers "
                        + "disagree on the page's size and " + what + " would not be where each of them shows the page",
                        "Repair the page first (its /" + key.getName() + " must be [x1 y1 x2 y2]), for example by "
                                + "printing the document to a new PDF, then sign that.", null);
            }
        }
    }

    private static final org.apache.pdfbox.cos.COSName NEEDS_RENDERING =
            org.apache.pdfbox.cos.COSName.getPDFName("NeedsRendering");

    /**
     * Refuses a damaged document: one whose cross-reference chain cannot be followed as written, so that
     * readers (PDFBox silently) must rebuild it by scanning the file. Signing such a file would append a
     * revision chained to a broken section. See {@link CrossReferenceCheck}.
     *
     * @return what the check read, with the chain as PDFBox resolves it where it tells it
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} naming the damage and the repair
     */
    static CrossReferenceCheck.Inspection requireIntact(byte[] pdf, String name) {
        CrossReferenceCheck.Inspection inspection = CrossReferenceCheck.inspect(pdf);
        if (inspection.damage().isPresent()) {
            throw damaged(name, inspection);
        }
        Budget.requireObjects(inspection.objects(), name); // before PDFBox, whose heap grows with the count
        return inspection;
    }

    /**
     * The file variant of {@link #requireIntact(byte[], String)}: reads the file in small pieces, never
     * whole.
     *
     * @return what the check read, with the chain as PDFBox resolves it where it tells it
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} when damaged,
     *         {@link ErrorCode#IO_ERROR} when the file cannot be read
     */
    static CrossReferenceCheck.Inspection requireIntact(Path file, String name) {
        CrossReferenceCheck.Inspection inspection;
        try {
            inspection = CrossReferenceCheck.inspect(file);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e,
                    "Check that the file exists and is readable.", e);
        }
        if (inspection.damage().isPresent()) {
            throw damaged(name, inspection);
        }
        Budget.requireObjects(inspection.objects(), name); // before PDFBox, whose heap grows with the count
        return inspection;
    }

    /**
     * Refuses a document that refers to an object whose cross-reference stream entry points at offset 0, the file's
     * header ({@link CrossReferenceCheck.Inspection#atOffsetZero}): a reader that resolves it finds no object there,
     * and one reads null where another scans the file for the object, so that they may show different documents. An
     * object nothing refers to is never resolved by any reader: such a file is signed (the new revision leaves that
     * entry as it was). Walks every object reachable from the trailer, once each, only for
     * documents that have such entries.
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} naming the object, as the damage it is
     */
    static void requireUnreferenced(org.apache.pdfbox.pdmodel.PDDocument document, java.util.Set<Long> atOffsetZero,
                                    String name) {
        if (atOffsetZero.isEmpty()) {
            return;
        }
        java.util.ArrayDeque<org.apache.pdfbox.cos.COSBase> stack = new java.util.ArrayDeque<>();
        java.util.Set<org.apache.pdfbox.cos.COSBase> seen =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        stack.push(document.getDocument().getTrailer());
        while (!stack.isEmpty()) {
            org.apache.pdfbox.cos.COSBase value = stack.pop();
            if (value instanceof org.apache.pdfbox.cos.COSObject reference) {
                long number = reference.getKey() == null ? -1 : reference.getKey().getNumber();
                if (atOffsetZero.contains(number)) {
                    throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: the "
                            + "cross-reference entry of object " + number + " points at offset 0, where no object "
                            + number + " starts, and the document refers to that object (readers must rebuild its "
                            + "cross-reference table to read it)",
                            "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then sign the "
                                    + "repaired file.", null);
                }
                org.apache.pdfbox.cos.COSBase target = reference.getObject();
                if (target != null && seen.add(target)) {
                    stack.push(target);
                }
            } else if (value instanceof org.apache.pdfbox.cos.COSArray array) {
                for (int i = 0; i < array.size(); i++) {
                    stack.push(array.get(i));
                }
            } else if (value instanceof org.apache.pdfbox.cos.COSDictionary dictionary) {
                dictionary.getValues().forEach(stack::push);
            }
        }
    }

    /**
     * Refuses, before PDFBox loads it, a document to validate that has more objects than the operation's
     * {@link com.certyneo.engine.ResourceLimits#maxObjects() limit}: the objects its cross-reference chain lists,
     * or, when the chain is damaged (PDFBox then rebuilds it by scanning the file), the larger of those read
     * before the damage and the object headers ({@code N G obj}) in the file. Unreadable sources pass: the
     * validation reports them.
     *
     * @throws SignatureEngineException {@link ErrorCode#RESOURCE_LIMIT} naming the count and the limit
     */
    static void requireObjectLimit(com.certyneo.engine.DocumentSource source) {
        long objects;
        try {
            if (source instanceof com.certyneo.engine.DocumentSource.BytesSource bytes) {
                byte[] pdf = bytes.bytes();
                CrossReferenceCheck.Inspection inspection = CrossReferenceCheck.inspect(pdf);
                objects = inspection.damage().isEmpty() ? inspection.objects()
                        : Math.max(inspection.objects(), objectHeaders(new java.io.ByteArrayInputStream(pdf)));
            } else {
                Path file = source.path().orElseThrow();
                CrossReferenceCheck.Inspection inspection = CrossReferenceCheck.inspect(file);
                if (inspection.damage().isEmpty()) {
                    objects = inspection.objects();
                } else {
                    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                        objects = Math.max(inspection.objects(), objectHeaders(in));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return; // not a readable PDF (or no file): the validation says so, with the engine's error
        }
        Budget.requireObjects(objects, source.name());
    }

    /** Counts the object headers (the keyword {@code obj} after white-space) in a stream; reads it in chunks. */
    static long objectHeaders(java.io.InputStream in) throws IOException {
        long count = 0;
        int p3 = -1; // the four bytes before the current one, p0 the nearest
        int p2 = -1;
        int p1 = -1;
        int p0 = -1;
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            for (int k = 0; k < n; k++) {
                int c = buffer[k] & 0xff;
                if (p2 == 'o' && p1 == 'b' && p0 == 'j' && isWhiteByte(p3) && (isWhiteByte(c) || "<[/(%".indexOf(c) >= 0)) {
                    count++;
                }
                p3 = p2;
                p2 = p1;
                p1 = p0;
                p0 = c;
            }
        }
        if (p2 == 'o' && p1 == 'b' && p0 == 'j' && isWhiteByte(p3)) {
            count++;
        }
        return count;
    }

    private static boolean isWhiteByte(int c) {
        return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
    }

    private static SignatureEngineException damaged(String name, CrossReferenceCheck.Inspection inspection) {
        String what = inspection.damage().orElseThrow();
        if (inspection.contradiction()) {
            return new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: " + what,
                    "Ask for the document as its producer wrote it, before the tool that added the newest revision "
                            + "changed it, and sign that.", null);
        }
        return new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is damaged: " + what
                + " (readers must rebuild its cross-reference table to open it)",
                "Repair it first, for example with: qpdf '" + name + "' repaired.pdf - then sign the repaired file.",
                null);
    }

    private static boolean matches(byte[] bytes, int at, byte[] magic) {
        if (at + magic.length > bytes.length) {
            return false;
        }
        for (int j = 0; j < magic.length; j++) {
            if (bytes[at + j] != magic[j]) {
                return false;
            }
        }
        return true;
    }

    static SignatureEngineException invalid(String name, String why, Throwable cause) {
        return new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is not a readable PDF: " + why,
                "Check that the file is a complete, uncorrupted PDF (re-export or repair it).", cause);
    }

    /**
     * The error for a document whose objects are nested (directly, or through chains of references)
     * so deeply that reading them exhausted the thread's stack.
     */
    static SignatureEngineException tooDeep(String name, StackOverflowError cause) {
        return invalid(name, "objects nested too deeply (arrays, dictionaries or chains of references "
                + "thousands of levels deep)", cause);
    }

    /** A parser failure in words: its message, else its type (never the bare word "null"). */
    static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "it is malformed (" + e.getClass().getSimpleName() + ")"
                : e.getMessage();
    }

    static SignatureEngineException encrypted(String name, Throwable cause) {
        return DocumentPasswords.wrongPassword(name, cause);
    }
}
