package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Early, cheap checks on input documents, and translation of parser failures into engine errors. */
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
     * Refuses a damaged document: one whose cross-reference chain cannot be followed as written, so that
     * readers (PDFBox silently) must rebuild it by scanning the file. Signing such a file would append a
     * revision chained to a broken section. See {@link CrossReferenceCheck}.
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} naming the damage and the repair
     */
    static void requireIntact(byte[] pdf, String name) {
        CrossReferenceCheck.Inspection inspection = CrossReferenceCheck.inspect(pdf);
        if (inspection.damage().isPresent()) {
            throw damaged(name, inspection.damage().get());
        }
        Budget.requireObjects(inspection.objects(), name); // before PDFBox, whose heap grows with the count
    }

    /**
     * The file variant of {@link #requireIntact(byte[], String)}: reads the file in small pieces, never
     * whole.
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} when damaged,
     *         {@link ErrorCode#IO_ERROR} when the file cannot be read
     */
    static void requireIntact(Path file, String name) {
        CrossReferenceCheck.Inspection inspection;
        try {
            inspection = CrossReferenceCheck.inspect(file);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e,
                    "Check that the file exists and is readable.", e);
        }
        if (inspection.damage().isPresent()) {
            throw damaged(name, inspection.damage().get());
        }
        Budget.requireObjects(inspection.objects(), name); // before PDFBox, whose heap grows with the count
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

    private static SignatureEngineException damaged(String name, String what) {
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

    /**
     * A stack overflow raised while PDFBox or DSS's PDF layer walked a document: the document is
     * pathological, not the engine. Other stack overflows (an engine bug) are given back as they are.
     *
     * @return the {@link ErrorCode#INVALID_PDF} error, or {@code null} when no PDF-layer frame is on the trace
     */
    static SignatureEngineException overflow(StackOverflowError e, String name) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (isPdfLayer(frame.getClassName())) {
                return tooDeep(name, e);
            }
        }
        return null;
    }

    /** Whether {@code className} belongs to PDFBox (with FontBox, its font parser) or to DSS's PDF reading layer. */
    static boolean isPdfLayer(String className) {
        return className.startsWith("org.apache.pdfbox.") || className.startsWith("org.apache.fontbox.")
                || className.startsWith("eu.europa.esig.dss.pdf.")
                || className.startsWith("eu.europa.esig.dss.pades.validation.");
    }

    /**
     * Maps a runtime failure that a malformed document provokes inside PDFBox or DSS's PDF layer (a null
     * where a dictionary is expected, a negative /Count, a page tree whose /Kids are not dictionaries, an
     * object of the wrong type) to {@link ErrorCode#INVALID_PDF}. Only {@link NullPointerException},
     * {@link ClassCastException}, {@link IndexOutOfBoundsException}, {@link IllegalArgumentException} and
     * {@link IllegalStateException} whose throwing frame (the first one outside the JDK) is PDFBox's or
     * DSS's PDF layer count: the same exceptions thrown by engine code stay engine errors.
     *
     * <p>One exception to "by the throwing frame": an implicit exception that HotSpot threw without a stack
     * trace and message ({@code OmitStackTraceInFastThrow}, on by default: once compiled code has thrown the
     * same NullPointerException, ClassCastException or ArrayIndexOutOfBoundsException often enough, the JVM
     * reuses a preallocated one). Its thrower cannot be known, and the same input must not change error code
     * after a few thousand failures in a long-running process, so it is classified as the case that produced
     * it before the JIT stepped in: a malformed document (in this engine's tests and fuzzing, run with full
     * stack traces, these exceptions came from the PDF layer and an engine defect from its own frames).
     *
     * @return the engine error (the failure attached as its cause), or {@code null}
     */
    static SignatureEngineException malformed(Throwable failure, String name) {
        int guard = 0;
        for (Throwable t = failure; t != null && guard++ < 32; t = t.getCause()) {
            if (t instanceof SignatureEngineException engineError) {
                return engineError.code() == ErrorCode.INVALID_PDF ? engineError : null;
            }
            if (!(t instanceof NullPointerException || t instanceof ClassCastException
                    || t instanceof IndexOutOfBoundsException || t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException)) {
                continue;
            }
            StackTraceElement frame = throwingFrame(t);
            if (frame == null && fastThrown(t) || frame != null && isPdfLayer(frame.getClassName())) {
                String where = frame == null ? "the PDF parser" : frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1);
                return new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: its object "
                        + "structure is inconsistent (" + t.getClass().getSimpleName() + " in " + where
                        + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")",
                        "Check that the file is a complete, uncorrupted PDF (re-export or repair it, for example with "
                                + "qpdf '" + name + "' repaired.pdf).", failure);
            }
        }
        return null;
    }

    /** Whether {@code t} is one of HotSpot's preallocated implicit exceptions: no stack trace, no message. */
    private static boolean fastThrown(Throwable t) {
        return t.getStackTrace().length == 0 && t.getMessage() == null && t.getCause() == null
                && (t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof ArrayIndexOutOfBoundsException);
    }

    /** The first frame outside the JDK: who threw (or made the JDK throw) {@code t}. */
    private static StackTraceElement throwingFrame(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            String type = frame.getClassName();
            if (!(type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.")
                    || type.startsWith("sun."))) {
                return frame;
            }
        }
        return null;
    }

    /** A parser failure in words: its message, else its type (never the bare word "null"). */
    static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "it is malformed (" + e.getClass().getSimpleName() + ")"
                : e.getMessage();
    }

    static SignatureEngineException encrypted(String name, Throwable cause) {
        return new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' is encrypted",
                "Remove the password protection (for example with qpdf --decrypt) and sign the decrypted file.", cause);
    }

    private static boolean isFromPdfBox(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("org.apache.pdfbox");
    }

    /**
     * Maps a failure thrown while PDFBox or DSS parsed a document into the engine's taxonomy,
     * by walking the cause chain for parser and password errors.
     *
     * @return the engine error, or {@code null} when the failure is not about the input document
     */
    static SignatureEngineException classify(Throwable failure, String name) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SignatureEngineException engineError) {
                return engineError;
            }
            String type = t.getClass().getName();
            String message = String.valueOf(t.getMessage());
            if (type.endsWith("ProtectedDocumentException")) {
                return new SignatureEngineException(ErrorCode.DOCUMENT_LOCKED, "'" + name + "' does not accept a new "
                        + "signature: " + message, "The document was certified or locked by an earlier signer; ask for an "
                        + "unlocked original, or extend the existing signatures instead.", failure);
            }
            if (type.endsWith("InvalidPasswordException") || message.contains("password")
                    || message.contains("encrypted")) {
                return encrypted(name, failure);
            }
            if (type.startsWith("org.apache.pdfbox") || type.equals("java.io.EOFException")
                    || (t instanceof java.io.IOException && isFromPdfBox(t))
                    || message.contains("Unable to open") || message.contains("xref")
                    || message.contains("trailer") || message.contains("Missing root")
                    || message.contains("Header doesn't contain versioninfo")) {
                return invalid(name, t.getMessage(), failure);
            }
        }
        return null;
    }
}
