package com.certyneo.engine.pades;

import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Gets a document ready for signing: opens it with the operation's password ({@link DocumentPasswords}), applies the sandbox mark when asked,
 * and gives annotations without appearance streams their appearance before the first signature (see
 * {@link AnnotationAppearances}). The preparation is one incremental revision, written only when
 * something changed; otherwise the input is signed as it is.
 *
 * <p>Every revision is appended in the form of the cross-reference section it chains to (ISO
 * 32000-1 §7.5.8.4 defines no chain that mixes a classic table after a stream): PDFBox 3.0.5+ writes
 * an incremental cross-reference stream after a stream, with its own entry, and a classic table after
 * a classic or hybrid section. Objects the engine does not change are never rewritten.
 */
final class PdfPreparation {

    private PdfPreparation() {
    }

    /**
     * @param pdf the input (header already checked; refused with INVALID_PDF when its cross-reference
     *            chain is damaged, see {@link CrossReferenceCheck})
     * @param name the document name, for errors
     * @param mark whether to apply the sandbox mark (a sandbox engine's new content; see {@link Mode#isSandbox()})
     * @return the bytes to sign: {@code pdf} itself, or {@code pdf} plus one incremental revision
     * @throws IOException when PDFBox cannot parse or write the document
     */
    static byte[] prepare(byte[] pdf, String name, boolean mark) throws IOException {
        try (Prepared prepared = prepareLoaded(pdf, name, mark)) {
            return prepared.bytes();
        }
    }

    /**
     * As {@link #prepare(byte[], String, boolean)}, keeping PDFBox's load of the input when it can serve the next
     * stage as it is: when no revision was written and nothing touched the loaded document (no annotation lacked
     * an appearance, or the document was signed already, and the sandbox mark, if asked for, was there). The
     * signing pipeline then lays out its revision on that load instead of parsing the document again.
     *
     * @return the bytes to sign, and the load of them when it can be reused (the caller closes the result)
     */
    static Prepared prepareLoaded(byte[] pdf, String name, boolean mark) throws IOException {
        return prepareLoaded(pdf, name, mark, null);
    }

    /**
     * As {@link #prepareLoaded(byte[], String, boolean)} of a document whose chain an earlier load resolved: exactly
     * an output of the engine that its self-check read back strictly ({@link IntactChainParser.Prefix}, found by the
     * document's SHA-256). Its chain is not checked again ({@link PdfInputs#requireIntact}): every section of it was,
     * as an input, or was written by the engine and read back; its object count still meets the limit.
     *
     * @param known what the load of exactly {@code pdf} resolved, or null
     */
    static Prepared prepareLoaded(byte[] pdf, String name, boolean mark, IntactChainParser.Prefix known)
            throws IOException {
        java.util.Set<Long> atOffsetZero = java.util.Set.of();
        if (known != null && known.length() == pdf.length) {
            Budget.requireObjects(known.objects(), name);
        } else {
            // before PDFBox, which would silently rebuild a damaged xref; the chain the check read is PDFBox's to use
            CrossReferenceCheck.Inspection inspection = PdfInputs.requireIntact(pdf, name);
            atOffsetZero = inspection.atOffsetZero();
            known = inspection.resolved().map(chain -> IntactChainParser.Prefix.checked(pdf.length, chain)).orElse(null);
        }
        IntactChainParser.Prefix chain = known;
        PDDocument document = open(() -> chain != null ? DocumentPasswords.loadIntact(() -> new ArrayRead(pdf), chain)
                : DocumentPasswords.loadIntact(pdf), name);
        try {
            PdfInputs.requireUnreferenced(document, atOffsetZero, name);
            DocumentPasswords.requireSignable(document, name, false, mark);
            AnnotationAppearances.Outcome changes = applyChanges(document, name, mark);
            if (changes != AnnotationAppearances.Outcome.COMPLETED) {
                if (changes == AnnotationAppearances.Outcome.UNTOUCHED) {
                    return new Prepared(pdf, document);
                }
                document.close();
                return new Prepared(pdf, null);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 32 * 1024);
            if (document.isEncrypted()) {
                // PDFBox encrypts the revision with the document's key; its AES initialisation vectors come from this
                // generator, seeded with the input, so that the same input gives the same revision (two-step signing)
                document.getEncryption().getSecurityHandler().setCustomSecureRandom(seeded(pdf));
            }
            MalformedReferences.requireNoneInIncrement(document, new PdfSyntax.ArrayInput(pdf), name);
            numberNewObjectsFromSize(document);
            document.saveIncremental(out); // copies the original bytes, then appends the revision
            document.close();
            return new Prepared(out.toByteArray(), null);
        } catch (IOException | RuntimeException | Error e) {
            document.close();
            throw e;
        }
    }

    /**
     * Applies the sandbox mark when asked (never to a dynamic XFA form, where it would not be shown:
     * {@link PdfInputs#requireNotDynamicXfa}), then completes missing annotation appearances.
     *
     * @return {@link AnnotationAppearances.Outcome#COMPLETED} when either changed the document (a revision is to be
     *         written), else whether PDFBox's load of it is still untouched
     */
    private static AnnotationAppearances.Outcome applyChanges(PDDocument document, String name, boolean mark)
            throws IOException {
        if (mark) {
            PdfInputs.requireNotDynamicXfa(document, name);
        }
        boolean marked = mark && SandboxMarker.mark(document, name);
        AnnotationAppearances.Outcome appearances = AnnotationAppearances.complete(document);
        return marked ? AnnotationAppearances.Outcome.COMPLETED : appearances;
    }

    /**
     * A prepared in-memory document: the bytes to sign and, when it can be reused, PDFBox's untouched load of
     * exactly those bytes ({@link #take}); closing closes the load unless it was taken.
     */
    static final class Prepared implements java.io.Closeable {
        private final byte[] bytes;
        private PDDocument loaded;

        Prepared(byte[] bytes, PDDocument loaded) {
            this.bytes = bytes;
            this.loaded = loaded;
        }

        /** @return the bytes to sign */
        byte[] bytes() {
            return bytes;
        }

        /** @return the load of {@link #bytes()} (the taker closes it), or {@code null}; once */
        PDDocument take() {
            PDDocument document = loaded;
            loaded = null;
            return document;
        }

        @Override
        public void close() {
            if (loaded != null) {
                try {
                    loaded.close();
                } catch (IOException e) {
                    // an in-memory load: nothing to release but memory
                }
                loaded = null;
            }
        }
    }

    /**
     * The file variant for large documents: PDFBox reads the file where it lies (never whole in memory) and the new
     * revision is streamed to {@code target}. A damaged cross-reference chain is refused first, reading the file
     * in small pieces.
     *
     * <p>Refuses encrypted documents, applies the sandbox mark when asked and completes missing annotation
     * appearances; a revision is written only when the mark or an appearance was added.
     *
     * @return whether a revision was written to {@code target} and, when none was and the load is untouched,
     *         PDFBox's load of the input for the signing pass
     */
    static FilePrepared prepareFile(java.nio.file.Path source, java.nio.file.Path target, String name, boolean mark)
            throws IOException {
        // before PDFBox, which would silently rebuild a damaged xref
        CrossReferenceCheck.Inspection inspection = PdfInputs.requireIntact(source, name);
        long length = java.nio.file.Files.size(source);
        IntactChainParser.Prefix chain = inspection.resolved()
                .map(told -> IntactChainParser.Prefix.checked(length, told)).orElse(null);
        // the chain is intact (checked above): read as written (or as the check read it), with the object streams'
        // keys found in one cache (IntactChainParser), from the file; the streams PDFBox creates here (a mark,
        // appearances) are small
        IntactChainParser.Source file = () -> new org.apache.pdfbox.io.RandomAccessReadBufferedFile(source.toFile());
        PDDocument document = open(() -> chain != null ? DocumentPasswords.loadIntact(file, chain)
                : DocumentPasswords.loadIntact(file), name);
        try {
            PdfInputs.requireUnreferenced(document, inspection.atOffsetZero(), name);
            if (document.isEncrypted()) {
                throw PdfInputs.encrypted(name, null);
            }
            AnnotationAppearances.Outcome changes = applyChanges(document, name, mark);
            if (changes != AnnotationAppearances.Outcome.COMPLETED) {
                if (changes == AnnotationAppearances.Outcome.UNTOUCHED) {
                    return new FilePrepared(false, document);
                }
                document.close();
                return new FilePrepared(false, null);
            }
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(source)) {
                MalformedReferences.requireNoneInIncrement(document, new PdfSyntax.ChannelInput(channel), name);
            }
            numberNewObjectsFromSize(document);
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(target))) {
                document.saveIncremental(out);
            }
            document.close();
            return new FilePrepared(true, null);
        } catch (IOException | RuntimeException | Error e) {
            document.close();
            throw e;
        }
    }

    /**
     * Makes PDFBox's incremental save number its new objects from the trailer's /Size up, as the engine's own writer
     * does ({@link RevisionWriter}), and write a trailer with a /Size that counts them (see the hybrid case below).
     * PDFBox counts from the highest object number its cross-reference table lists in
     * use, and a section may list below /Size a number it marks free for good: OpenPDF 2 lists its own
     * cross-reference stream's number as free with generation 65535, which ISO 32000-1 §7.5.4 forbids reusing.
     * PDFBox then gave that number to a mark object, and pypdf's strict reader read the cross-reference stream's
     * data as that object and refused the output.
     */
    static void numberNewObjectsFromSize(PDDocument document) {
        org.apache.pdfbox.cos.COSDocument cos = document.getDocument();
        long size = cos.getTrailer().getLong(COSName.SIZE, 0);
        if (size - 1 > cos.getHighestXRefObjectNumber()) {
            cos.setHighestXRefObjectNumber(size - 1);
        }
        if (cos.isXRefStream() && cos.hasHybridXRef()) {
            // PDFBox 3.0.8 writes the update of a document whose newest section is a cross-reference stream and some
            // older one hybrid (/XRefStm) as a classic table, and gives it the newest stream's dictionary as its
            // trailer unchanged: a /Size that does not count the new objects (MuPDF: "broken xref subsection"), and
            // /Type /XRef, /W, /Index, /Length in a trailer. As the update of a document without streams, it counts
            // /Size and drops /XRefStm; the stream's own keys are dropped here (pdf.js's prefilled_f1040.pdf, the IRS form).
            cos.setIsXRefStream(false);
            for (COSName key : List.of(COSName.TYPE, COSName.W, COSName.INDEX, COSName.LENGTH, COSName.FILTER,
                    COSName.DECODE_PARMS)) {
                cos.getTrailer().removeItem(key);
            }
        }
    }

    /**
     * What {@link #prepareFile} did.
     *
     * @param revision whether it wrote a preparation revision (the prepared copy is then the file to sign)
     * @param untouched when it did not: PDFBox's untouched load of the input, for the signing pass to take over
     *                  (it closes it), or {@code null} when that load may differ from the file
     */
    record FilePrepared(boolean revision, PDDocument untouched) {
    }

    /** A generator whose output depends on {@code pdf} only (SHA1PRNG seeded before its first use). */
    private static java.security.SecureRandom seeded(byte[] pdf) {
        try {
            java.security.SecureRandom random = java.security.SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(Digests.sha256(pdf));
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA1PRNG in this JVM", e);
        }
    }

    /** A PDFBox load of the input. */
    @FunctionalInterface
    private interface Opener {
        PDDocument open() throws IOException;
    }

    /**
     * Loads the document and walks its page tree (broken trees fail here), mapping every failure to the
     * engine's taxonomy: ENCRYPTED_PDF for a password, INVALID_PDF for anything the document provokes.
     */
    private static PDDocument open(Opener opener, String name) throws IOException {
        PDDocument document;
        try {
            document = opener.open();
        } catch (IOException | RuntimeException e) {
            throw DssFailures.opening(e, name);
        }
        try {
            document.getDocumentCatalog().getPages().getCount();
            return document;
        } catch (RuntimeException e) {
            document.close();
            throw DssFailures.opening(e, name);
        }
    }

    /** Whether the trailer area names an /Encrypt dictionary (then the document is signed in memory, with its password). */
    static boolean mentionsEncrypt(byte[] pdf) {
        int from = Math.max(0, pdf.length - 4096);
        return new String(pdf, from, pdf.length - from, StandardCharsets.ISO_8859_1).contains("/Encrypt");
    }

    /** Reads up to {@code length} bytes at {@code position} (fewer only at the end of the file). */
    static byte[] read(java.nio.channels.FileChannel channel, long position, int length) throws IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // keep reading until full or end of file
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
}
