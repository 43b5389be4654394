package com.certyneo.engine.audit;

import com.certyneo.engine.DocumentPassword;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * One document of an envelope, identified by its digests at each stage.
 *
 * @param name the file name shown to signers
 * @param pages the page count
 * @param size the size of the original in bytes
 * @param originalSha256 lower-case hex SHA-256 of the file as uploaded
 * @param preparedSha256 SHA-256 of the prepared revision (fields, overlays) that signers saw, if recorded
 * @param signedSha256 SHA-256 of the final signed file, once the envelope is complete
 */
public record DocumentEvidence(String name, int pages, long size, String originalSha256,
                               Optional<String> preparedSha256, Optional<String> signedSha256) {

    /**
     * Validates the components.
     *
     * @param name the file name shown to signers
     * @param pages the page count
     * @param size the size of the original in bytes
     * @param originalSha256 lower-case hex SHA-256 of the file as uploaded
     * @param preparedSha256 SHA-256 of the prepared revision (fields, overlays) that signers saw, if recorded
     * @param signedSha256 SHA-256 of the final signed file, once the envelope is complete
     */
    public DocumentEvidence {
        name = Checks.text(name, "document name", 512);
        Checks.require(pages >= 0, "The page count of " + name + " is negative", "Give the page count.");
        Checks.require(size >= 0, "The size of " + name + " is negative", "Give the size in bytes.");
        originalSha256 = Checks.sha256Hex(originalSha256, "original SHA-256 of " + name);
        preparedSha256 = Checks.optionalSha256Hex(preparedSha256, "prepared SHA-256 of " + name);
        signedSha256 = Checks.optionalSha256Hex(signedSha256, "signed SHA-256 of " + name);
    }

    /**
     * Describes an original PDF: its page count, size and SHA-256.
     *
     * @param name the file name
     * @param pdf the original bytes
     * @return the evidence of the original, without prepared and signed digests
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_PDF} when PDFBox cannot open it
     */
    public static DocumentEvidence describe(String name, byte[] pdf) {
        return describe(name, pdf, null);
    }

    /**
     * Describes an original PDF that may be encrypted: its page count (read with {@code password}), size and
     * SHA-256 (of the bytes as uploaded, encrypted).
     *
     * @param name the file name
     * @param pdf the original bytes
     * @param password the document's user or owner password, or {@code null} when it opens without one
     * @return the evidence of the original, without prepared and signed digests
     * @throws SignatureEngineException with {@link ErrorCode#ENCRYPTED_PDF} when it needs a password that was not
     *                                  given or the password is wrong, {@link ErrorCode#INVALID_PDF} when PDFBox cannot
     *                                  open it
     */
    public static DocumentEvidence describe(String name, byte[] pdf, DocumentPassword password) {
        int pages;
        char[] chars = password == null || password.isDestroyed() ? new char[0] : password.toCharArray();
        try (PDDocument document = Loader.loadPDF(pdf, new String(chars))) {
            pages = document.getNumberOfPages();
        } catch (InvalidPasswordException e) {
            throw new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, name + " is encrypted and "
                    + (chars.length == 0 ? "no password was given" : "the password given does not open it"),
                    "Pass the document's password (its user or owner password).", null);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "Cannot read " + name + " as a PDF: " + e.getMessage(),
                    "Pass the original PDF of the envelope.", e);
        } finally {
            Arrays.fill(chars, '\0');
        }
        return new DocumentEvidence(name, pages, pdf.length, Digests.sha256Hex(pdf), Optional.empty(), Optional.empty());
    }

    /**
     * {@return a copy with the prepared digest set}
     * @param sha256 SHA-256 of the prepared revision
     */
    public DocumentEvidence withPreparedSha256(String sha256) {
        return new DocumentEvidence(name, pages, size, originalSha256, Optional.of(sha256), signedSha256);
    }

    /**
     * {@return a copy with the signed digest set}
     * @param sha256 SHA-256 of the final signed file
     */
    public DocumentEvidence withSignedSha256(String sha256) {
        return new DocumentEvidence(name, pages, size, originalSha256, preparedSha256, Optional.of(sha256));
    }
}
