package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentPassword;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The password of the document an operation works on, for every PDFBox load of it during that operation (the
 * input, each stage the signing pipeline writes, the self-check's and the validation's loads). It is held for the
 * operation only, on the thread that runs it ({@link #with}), and never logged. PDFBox and DSS take a password as a
 * {@link String}: that one copy cannot be cleared; the engine's own character copies are.
 *
 * <p>Also decides whether an encrypted document may be signed: opened with its owner password, always; otherwise
 * (its user password, or the empty user password of an owner-password-only file) only when its permissions
 * (/P, ISO 32000-1 Table 22) allow what the signature adds.
 */
final class DocumentPasswords {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private DocumentPasswords() {
    }

    /** Runs {@code operation} with {@code password} as the current document password (none: the empty password). */
    static <T> T with(Optional<DocumentPassword> password, Supplier<T> operation) {
        String previous = CURRENT.get();
        char[] chars = password.filter(p -> !p.isDestroyed()).map(DocumentPassword::toCharArray).orElse(null);
        try {
            CURRENT.set(chars == null ? null : new String(chars));
            return operation.get();
        } finally {
            if (chars != null) {
                Arrays.fill(chars, '\0');
            }
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** @return the current password ({@code ""} when none: PDFBox then tries the empty user password) */
    static String current() {
        String password = CURRENT.get();
        return password == null ? "" : password;
    }

    /** @return the current password for DSS, or {@code null} when none */
    static char[] currentChars() {
        String password = CURRENT.get();
        return password == null ? null : password.toCharArray();
    }

    /** @return whether the operation has a password */
    static boolean given() {
        return CURRENT.get() != null;
    }

    /** Loads {@code pdf} with the current password (read through {@link ArrayRead}). */
    static PDDocument load(byte[] pdf) throws IOException {
        return Loader.loadPDF(new ArrayRead(pdf), current());
    }

    /** Loads {@code pdf} with the current password. */
    static PDDocument load(RandomAccessRead pdf) throws IOException {
        return Loader.loadPDF(pdf, current());
    }

    /**
     * Loads, with the current password, a document whose cross-reference chain is known to be intact: an input
     * {@link CrossReferenceCheck} accepted, or one with revisions the engine appended ({@link IntactChainParser}).
     *
     * @param pdf the document's bytes, opened once per attempt
     */
    static PDDocument loadIntact(IntactChainParser.Source pdf) throws IOException {
        return IntactChainParser.load(pdf, current());
    }

    /**
     * As {@link #loadIntact(IntactChainParser.Source)} of a document that begins, byte for byte, with the one
     * {@code known} describes (see {@link IntactChainParser#load(IntactChainParser.Source, String,
     * IntactChainParser.Prefix)}).
     */
    static PDDocument loadIntact(IntactChainParser.Source pdf, IntactChainParser.Prefix known) throws IOException {
        return IntactChainParser.load(pdf, current(), known);
    }

    /** {@link #loadIntact(IntactChainParser.Source)} of {@code pdf}. */
    static PDDocument loadIntact(byte[] pdf) throws IOException {
        return loadIntact(() -> new ArrayRead(pdf));
    }

    /**
     * Refuses to sign an encrypted document whose permissions, as opened, forbid what the signature adds: a new
     * signature field needs bits 4 (modify) and 6 (annotations and form fields); an existing field needs bit 6 or 9
     * (fill in form fields, signature fields included); the sandbox mark changes page content (bit 4). The owner
     * password allows everything.
     *
     * @param newField whether the signature adds a new field (else it fills an existing one)
     * @param marks whether the sandbox mark is drawn
     * @throws SignatureEngineException {@link ErrorCode#ENCRYPTED_PDF} naming the missing permission
     */
    static void requireSignable(PDDocument document, String name, boolean newField, boolean marks) {
        if (!document.isEncrypted()) {
            return;
        }
        RevisionEncryption.of(document, name); // refuses what no revision can extend, before anything is laid out
        AccessPermission permission = document.getCurrentAccessPermission();
        if (permission.isOwnerPermission()) {
            return;
        }
        String missing = null;
        if (newField && !permission.canModify()) {
            missing = "modify the document (/P bit 4)";
        } else if (marks && !permission.canModify()) {
            missing = "modify the document (/P bit 4), which the sandbox's SANDBOX mark on its pages needs";
        } else if (newField && !permission.canModifyAnnotations()) {
            missing = "add or modify annotations and form fields (/P bit 6)";
        } else if (!newField && !permission.canModifyAnnotations() && !permission.canFillInForm()) {
            missing = "fill in form fields (/P bit 6 or 9)";
        }
        if (missing != null) {
            throw new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' is encrypted and its permissions"
                    + " do not allow signing: opened " + (given() ? "with the password given" : "without a password")
                    + ", it does not permit to " + missing,
                    "Give the document's owner password (SignRequest.Builder.password, CLI --password-env), or ask "
                            + "its author for a copy whose permissions allow form filling and signing.", null);
        }
    }

    /** The error for a document that does not open with the password the operation has (or without one). */
    static SignatureEngineException wrongPassword(String name, Throwable cause) {
        boolean given = given();
        return new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' is encrypted and "
                + (given ? "the password given does not open it" : "no password was given to open it"),
                given ? "Check the password: give the document's user or owner password."
                        : "Give its user password (SignRequest.Builder.password or ValidationOptions.withPassword; "
                        + "CLI --password-env VAR), or remove the protection (qpdf --decrypt) first.", cause);
    }
}
