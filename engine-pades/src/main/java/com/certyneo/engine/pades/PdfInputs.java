package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Early, cheap checks on input documents, and translation of parser failures into engine errors. */
final class PdfInputs {

    private PdfInputs() {
    }

    /**
     * Refuses what is clearly not a PDF without parsing it: empty input or no {@code %PDF-} header in
     * the first kilobyte (the tolerance readers allow for leading garbage).
     */
    static void requirePdfHeader(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw invalid(name, "the file is empty", null);
        }
        int limit = Math.min(bytes.length - 5, 1024);
        byte[] magic = "%PDF-".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i <= limit; i++) {
            if (matches(bytes, i, magic)) {
                return;
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
        Optional<String> damage = CrossReferenceCheck.damage(pdf);
        if (damage.isPresent()) {
            throw damaged(name, damage.get());
        }
    }

    /**
     * The file variant of {@link #requireIntact(byte[], String)}: reads the file in small pieces, never
     * whole.
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF} when damaged,
     *         {@link ErrorCode#IO_ERROR} when the file cannot be read
     */
    static void requireIntact(Path file, String name) {
        Optional<String> damage;
        try {
            damage = CrossReferenceCheck.damage(file);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e,
                    "Check that the file exists and is readable.", e);
        }
        if (damage.isPresent()) {
            throw damaged(name, damage.get());
        }
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
