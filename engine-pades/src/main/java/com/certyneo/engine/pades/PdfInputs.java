package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.nio.charset.StandardCharsets;

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
