package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

/**
 * The one place where failures thrown by EU DSS 6.2 and PDFBox 3 become the engine's {@link ErrorCode}s. Every
 * rule below relies on an exception type, a throwing frame, or a piece of a library message; each is pinned by
 * {@code DssFailuresTest}, which provokes the real failure through the library and checks both the library's
 * type or message and the code the engine gives it, so that a DSS or PDFBox upgrade that changes them fails a
 * test instead of silently changing an error code.
 *
 * <table>
 * <caption>Library failure → engine error</caption>
 * <tr><th>Failure (rule)</th><th>Thrown by</th><th>Reached from</th><th>ErrorCode</th></tr>
 * <tr><td>a {@link SignatureEngineException} in the cause chain</td><td>the engine's own key, TSA or revocation
 * code, wrapped by DSS</td><td>every operation</td><td>its own</td></tr>
 * <tr><td>type {@code …InvalidPasswordException}</td><td>PDFBox {@code StandardSecurityHandler}; DSS's own
 * wrapping it</td><td>every reader</td><td>{@link ErrorCode#ENCRYPTED_PDF}</td></tr>
 * <tr><td>thrown by PDFBox's {@code PublicKeySecurityHandler} (a document encrypted for certificates)</td><td>PDFBox
 * </td><td>every reader</td><td>{@link ErrorCode#ENCRYPTED_PDF}</td></tr>
 * <tr><td>an {@code org.apache.pdfbox} exception type, an {@code EOFException}, or an {@code IOException}
 * whose top frame is PDFBox's</td><td>PDFBox's parser</td><td>every reader</td><td>{@link ErrorCode#INVALID_PDF}</td></tr>
 * <tr><td>{@code NullPointerException}, {@code ClassCastException}, {@code IndexOutOfBoundsException},
 * {@code IllegalArgumentException}, {@code IllegalStateException} whose throwing frame is PDFBox's or DSS's
 * PDF layer, or HotSpot's stackless fast-throw ones ({@link #malformed})</td><td>PDFBox, DSS</td><td>every
 * reader</td><td>{@link ErrorCode#INVALID_PDF}</td></tr>
 * <tr><td>a {@code StackOverflowError} with a PDF-layer frame ({@link #overflow})</td><td>PDFBox, DSS</td>
 * <td>every operation</td><td>{@link ErrorCode#INVALID_PDF}</td></tr>
 * <tr><td>anything else</td><td></td><td></td><td>{@link ErrorCode#SIGNING_FAILED}, {@link ErrorCode#IO_ERROR}
 * (disk) or {@link ErrorCode#VALIDATION_ERROR} (validation)</td></tr>
 * </table>
 *
 * <p>Where DSS is still called: validation ({@link #validation}). Signing (one-step, two-step, visible or not,
 * large documents), {@code extend()} and {@code timestamp()} run on the engine's own pipeline
 * ({@link #operation}, {@link #disk}): only the reading rules apply there, and the refusals DSS's signing used
 * to raise as messages (expired or revoked certificates, missing revocation data, fields, boxes, locked
 * documents) are the engine's own errors, raised with their codes.
 */
final class DssFailures {

    private DssFailures() {
    }

    /**
     * A failure of an operation the engine runs on its own pipeline (PDFBox reading the document): the
     * reading rules, else {@link ErrorCode#SIGNING_FAILED}.
     */
    static SignatureEngineException operation(Exception e, String name) {
        SignatureEngineException known = reading(e, name);
        if (known == null) {
            known = malformed(e, name);
        }
        return known != null ? known : failed(e, name, String.valueOf(e.getMessage()));
    }

    private static SignatureEngineException failed(Exception e, String name, String message) {
        return new SignatureEngineException(ErrorCode.SIGNING_FAILED, "Signing '" + name + "' failed: " + message,
                "Check the document and the engine configuration; the cause is attached.", e);
    }

    /** A failure of large-document work on disk: the reading rules, else {@link ErrorCode#IO_ERROR}. */
    static SignatureEngineException disk(Exception e, String name) {
        SignatureEngineException known = reading(e, name);
        if (known == null) {
            known = malformed(e, name);
        }
        return known != null ? known : new SignatureEngineException(ErrorCode.IO_ERROR,
                "Cannot process '" + name + "' from disk: " + e.getMessage(), "Check the file and the temporary directory.", e);
    }

    /** A failure of DSS's validation: the reading rules, else {@link ErrorCode#VALIDATION_ERROR}. */
    static SignatureEngineException validation(RuntimeException e, String name) {
        SignatureEngineException known = reading(e, name);
        if (known == null) {
            known = malformed(e, name);
        }
        return known != null ? known : new SignatureEngineException(ErrorCode.VALIDATION_ERROR, "Cannot validate '" + name
                + "': " + e.getMessage(), "Check that the file is a complete PDF; the cause is attached.", e);
    }

    /**
     * A failure of PDFBox opening a document for preparation: a password is {@link ErrorCode#ENCRYPTED_PDF},
     * anything else {@link ErrorCode#INVALID_PDF}.
     */
    static SignatureEngineException opening(Exception e, String name) {
        if (e instanceof org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException) {
            return PdfInputs.encrypted(name, e);
        }
        int guard = 0;
        for (Throwable t = e; t != null && guard++ < 32; t = t.getCause()) {
            if (isFromPublicKeySecurity(t)) {
                return encryptedForCertificates(name, e);
            }
        }
        SignatureEngineException malformed = malformed(e, name);
        return malformed != null ? malformed : PdfInputs.invalid(name, PdfInputs.describe(e), e);
    }

    /**
     * The reading rules: walks the cause chain for the engine's own errors, a password, and PDFBox's parser
     * failures.
     *
     * @return the engine error, or {@code null} when the failure is not about the input document
     */
    static SignatureEngineException reading(Throwable failure, String name) {
        int guard = 0;
        for (Throwable t = failure; t != null && guard++ < 32; t = t.getCause()) {
            if (t instanceof SignatureEngineException engineError) {
                return engineError;
            }
            String type = t.getClass().getName();
            if (type.endsWith("InvalidPasswordException")) {
                return PdfInputs.encrypted(name, failure);
            }
            if (isFromPublicKeySecurity(t)) {
                return encryptedForCertificates(name, failure);
            }
            if (type.startsWith("org.apache.pdfbox") || type.equals("java.io.EOFException")
                    || t instanceof java.io.IOException && isFromPdfBox(t)) {
                return PdfInputs.invalid(name, t.getMessage(), failure);
            }
        }
        return null;
    }

    private static final String PUBLIC_KEY_SECURITY = "org.apache.pdfbox.pdmodel.encryption.PublicKeySecurityHandler";

    /** PDFBox's handler for documents encrypted for certificates ({@code /Filter /Adobe.PubSec}) threw {@code t}. */
    private static boolean isFromPublicKeySecurity(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && PUBLIC_KEY_SECURITY.equals(trace[0].getClassName());
    }

    /**
     * A document encrypted for recipients' certificates (public-key security, ISO 32000 §7.6.5): only a recipient's
     * private key opens it, never a password, and the engine takes passwords only.
     */
    private static SignatureEngineException encryptedForCertificates(String name, Throwable cause) {
        return new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' is encrypted for its recipients' "
                + "certificates (public-key security, /Filter /Adobe.PubSec): only a recipient's private key opens it, "
                + "and the engine opens password-encrypted documents only",
                "Ask a recipient to decrypt it (or to re-encrypt it with a password) and sign that copy.", cause);
    }

    private static boolean isFromPdfBox(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("org.apache.pdfbox");
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
                return PdfInputs.tooDeep(name, e);
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
}
