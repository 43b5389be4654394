package com.certyneo.engine.pades;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Gets a document ready for DSS: applies the sandbox mark when asked, and makes sure the newest
 * cross-reference section is a classic table.
 *
 * <p>Why the table: PDFBox 3.0.4 (the version DSS 6.2 is built on) writes incremental
 * cross-reference <em>streams</em> that omit their own entry, which {@code qpdf --check} reports.
 * PDFBox writes each increment in the style of the newest section it read, so one classic
 * section before signing makes every later revision (signature, DSS dictionary, document
 * time-stamp) classic too. A document that already ends in a classic section and needs no mark
 * is passed through without being parsed.
 */
final class PdfPreparation {

    private static final COSName[] XREF_STREAM_KEYS = {COSName.TYPE, COSName.INDEX, COSName.W, COSName.FILTER,
            COSName.DECODE_PARMS, COSName.LENGTH, COSName.XREF_STM};

    private PdfPreparation() {
    }

    /**
     * @param pdf the input (header already checked)
     * @param name the document name, for errors
     * @param sandbox whether to apply the sandbox mark
     * @return the bytes to sign: {@code pdf} itself, or {@code pdf} plus one incremental revision
     * @throws IOException when PDFBox cannot parse or write the document
     */
    static byte[] prepare(byte[] pdf, String name, boolean sandbox) throws IOException {
        if (!sandbox && endsWithClassicXref(pdf) && !mentionsEncrypt(pdf)) {
            return pdf;
        }
        PDDocument loaded;
        try {
            loaded = Loader.loadPDF(pdf);
            loaded.getDocumentCatalog().getPages().getCount(); // forces the page tree: broken trees fail here
        } catch (org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException e) {
            throw PdfInputs.encrypted(name, e);
        } catch (IOException | RuntimeException e) {
            throw PdfInputs.invalid(name, String.valueOf(e.getMessage()), e);
        }
        try (PDDocument document = loaded) {
            if (document.isEncrypted()) {
                throw PdfInputs.encrypted(name, null);
            }
            boolean marked = sandbox && SandboxMarker.mark(document);
            if (!marked && !document.getDocument().isXRefStream()) {
                return pdf;
            }
            if (!marked) {
                // Nothing else changes: rewrite the catalog so the increment is a well-formed revision.
                document.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 32 * 1024);
            saveClassicRevision(document, out);
            return out.toByteArray();
        }
    }

    /**
     * The file variant for large documents: PDFBox reads through temporary files and the new revision
     * is streamed to {@code target}.
     *
     * @return whether a revision was needed ({@code false}: {@code target} was not written)
     */
    static boolean prepareFile(java.nio.file.Path source, java.nio.file.Path target, String name, boolean sandbox)
            throws IOException {
        try (PDDocument document = Loader.loadPDF(source.toFile(), org.apache.pdfbox.io.IOUtils.createTempFileOnlyStreamCache())) {
            if (document.isEncrypted()) {
                throw PdfInputs.encrypted(name, null);
            }
            boolean marked = sandbox && SandboxMarker.mark(document);
            if (!marked && !document.getDocument().isXRefStream()) {
                return false;
            }
            if (!marked) {
                document.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
            }
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(target))) {
                saveClassicRevision(document, out);
            }
            return true;
        } catch (org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException e) {
            throw PdfInputs.encrypted(name, e);
        }
    }

    /** Appends one revision written with a classic cross-reference table (see the class comment). */
    private static void saveClassicRevision(PDDocument document, java.io.OutputStream out) throws IOException {
        document.getDocument().setIsXRefStream(false);
        COSDictionary trailer = document.getDocument().getTrailer();
        for (COSName key : XREF_STREAM_KEYS) {
            trailer.removeItem(key);
        }
        // saveIncremental copies the original bytes itself, then appends the new revision.
        document.saveIncremental(out);
    }

    /** Whether the trailer area names an /Encrypt dictionary (then PDFBox must look, and refuse). */
    static boolean mentionsEncrypt(byte[] pdf) {
        int from = Math.max(0, pdf.length - 4096);
        return new String(pdf, from, pdf.length - from, StandardCharsets.ISO_8859_1).contains("/Encrypt");
    }

    /** {@link #endsWithClassicXref(byte[])} for a file, reading only its tail and the bytes at the offset. */
    static boolean endsWithClassicXref(java.nio.channels.FileChannel channel, long size) throws IOException {
        int tailLength = (int) Math.min(size, 2048);
        java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(tailLength);
        channel.read(tail, size - tailLength);
        String text = new String(tail.array(), 0, tail.position(), StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("startxref");
        if (at < 0) {
            return false;
        }
        String rest = text.substring(at + "startxref".length()).trim();
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            return false;
        }
        long offset = Long.parseLong(rest.substring(0, end));
        if (offset < 0 || offset >= size) {
            return false;
        }
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate((int) Math.min(64, size - offset));
        channel.read(head, offset);
        return new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1).stripLeading().startsWith("xref");
    }

    /** Reads the offset after the last {@code startxref} and checks whether a classic {@code xref} keyword is there. */
    static boolean endsWithClassicXref(byte[] pdf) {
        int from = Math.max(0, pdf.length - 2048);
        String tail = new String(pdf, from, pdf.length - from, StandardCharsets.ISO_8859_1);
        int at = tail.lastIndexOf("startxref");
        if (at < 0) {
            return false;
        }
        String rest = tail.substring(at + "startxref".length()).trim();
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            return false;
        }
        long offset = Long.parseLong(rest.substring(0, end));
        if (offset < 0 || offset + 4 > pdf.length) {
            return false;
        }
        int i = (int) offset;
        while (i < pdf.length && (pdf[i] == ' ' || pdf[i] == '\r' || pdf[i] == '\n' || pdf[i] == '\t')) {
            i++;
        }
        return i + 4 <= pdf.length && pdf[i] == 'x' && pdf[i + 1] == 'r' && pdf[i + 2] == 'e' && pdf[i + 3] == 'f';
    }
}
