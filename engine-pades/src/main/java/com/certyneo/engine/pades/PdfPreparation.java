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
            if (!needsRevision(document, name, sandbox)) {
                return pdf;
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
            if (!needsRevision(document, name, sandbox)) {
                return false;
            }
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(target))) {
                saveClassicRevision(document, out);
            }
            return true;
        } catch (org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException e) {
            throw PdfInputs.encrypted(name, e);
        }
    }

    /**
     * Refuses encrypted documents, applies the sandbox mark when asked, and tells whether a revision
     * must be written (a mark, or a newest section that is a cross-reference stream).
     */
    private static boolean needsRevision(PDDocument document, String name, boolean sandbox) throws IOException {
        if (document.isEncrypted()) {
            throw PdfInputs.encrypted(name, null);
        }
        boolean marked = sandbox && SandboxMarker.mark(document);
        if (!marked && !document.getDocument().isXRefStream()) {
            return false;
        }
        if (!marked) {
            // Nothing else changes: rewrite the catalog so the increment is a well-formed revision.
            document.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
        }
        return true;
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

    /** Reads {@code length} bytes at {@code position} (fewer at the end of the file). */
    @FunctionalInterface
    interface ByteReader {
        byte[] read(long position, int length) throws IOException;
    }

    /** {@link #endsWithClassicXref(byte[])} for a file, reading only its tail and the bytes at the offset. */
    static boolean endsWithClassicXref(java.nio.channels.FileChannel channel, long size) throws IOException {
        return endsWithClassicXref(size, (position, length) -> read(channel, position, length));
    }

    /** Reads up to {@code length} bytes at {@code position} (fewer only at the end of the file). */
    static byte[] read(java.nio.channels.FileChannel channel, long position, int length) throws IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // keep reading until full or end of file
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** Reads the offset after the last {@code startxref} and checks whether a classic {@code xref} keyword is there. */
    static boolean endsWithClassicXref(byte[] pdf) {
        try {
            return endsWithClassicXref(pdf.length, (position, length) -> java.util.Arrays.copyOfRange(pdf,
                    (int) position, (int) Math.min(pdf.length, position + length)));
        } catch (IOException e) {
            throw new IllegalStateException(e); // reading an array does not fail
        }
    }

    private static boolean endsWithClassicXref(long size, ByteReader reader) throws IOException {
        int tailLength = (int) Math.min(size, 2048);
        String tail = new String(reader.read(size - tailLength, tailLength), StandardCharsets.ISO_8859_1);
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
        if (offset < 0 || offset >= size) {
            return false;
        }
        String at0 = new String(reader.read(offset, (int) Math.min(64, size - offset)), StandardCharsets.ISO_8859_1);
        return at0.stripLeading().startsWith("xref");
    }
}
