package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A large input file worked on from disk, never loaded into the heap: PDFBox reads it through temporary files,
 * the preparation revision (sandbox mark, annotation appearances) is written to a temporary copy when needed, and
 * the signing pipeline's stages are files of one private work directory next to the output, registered with
 * {@link TempFiles} (so a JVM stopped mid-operation deletes it too); close this to delete it.
 *
 * <p>A signature reads the input once: the signing pipeline's copy into the output hashes it for the byte range
 * and keeps the SHA-256 of the input as a {@link PrefixDigests prefix state}, the self-check goes on from that
 * state, and the checked output is moved into place, not copied ({@link #write}). Only an input that needed a
 * preparation revision is hashed on its own.
 */
final class LargeDocument implements AutoCloseable {

    private final Path work;
    private final Path input;
    private final Path toSign;
    private final String name;
    private final long preparedLength;
    private String inputSha256;
    /** The preparation's untouched PDFBox load of the input, until the signing pass takes it ({@link #takeLoaded}). */
    private org.apache.pdfbox.pdmodel.PDDocument loaded;

    private LargeDocument(Path work, Path input, Path toSign, String name, String inputSha256, long preparedLength,
                          org.apache.pdfbox.pdmodel.PDDocument loaded) {
        this.work = work;
        this.input = input;
        this.toSign = toSign;
        this.name = name;
        this.inputSha256 = inputSha256;
        this.preparedLength = preparedLength;
        this.loaded = loaded;
    }

    /**
     * In-heap budget for the streams PDFBox creates while DSS works on the document (signature and DSS
     * dictionaries: kilobytes to a few megabytes, not growing with the document). Only beyond it does
     * PDFBox spill to scratch files, which it places in {@code java.io.tmpdir}.
     */
    static final long PDFBOX_MEMORY = 16L * 1024 * 1024;

    /**
     * @param workParent where to create the private work directory that holds every temporary file of
     *                   this document (next to the output file, or a caller-set directory)
     */
    static LargeDocument open(Path file, String name, boolean mark, Path workParent) throws IOException {
        Path work = TempFiles.createDirectory(workParent);
        PdfPreparation.FilePrepared preparation = null;
        try {
            Path prepared = work.resolve("certyneo-prepared.pdf");
            preparation = PdfPreparation.prepareFile(file, prepared, name, mark);
            if (!preparation.revision()) {
                Files.deleteIfExists(prepared);
                return new LargeDocument(work, file, file, name, null, Files.size(file), preparation.untouched());
            }
            // with a preparation revision, the input is not the prefix whose state the signing pass takes: hashed here
            return new LargeDocument(work, file, prepared, name, Digests.sha256Hex(file), Files.size(prepared), null);
        } catch (IOException | RuntimeException | Error e) {
            if (preparation != null && preparation.untouched() != null) {
                try {
                    preparation.untouched().close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            TempFiles.delete(work);
            throw e;
        }
    }

    /**
     * @return PDFBox's load of {@link #file()} made by the preparation when it left the document untouched (the
     *         caller then owns and closes it), else {@code null}; once
     */
    org.apache.pdfbox.pdmodel.PDDocument takeLoaded() {
        org.apache.pdfbox.pdmodel.PDDocument taken = loaded;
        loaded = null;
        return taken;
    }

    /** @return the file to sign: the input, or its prepared copy in the work directory */
    Path file() {
        return toSign;
    }

    /** @return the private work directory (deleted on {@link #close()}) */
    Path work() {
        return work;
    }

    /**
     * @return the SHA-256 (hex) of the input, hashing it now if no earlier pass did: call it before the output is
     *         written (the output may replace the input file)
     */
    String inputSha256() {
        if (inputSha256 == null) {
            inputSha256 = Digests.sha256Hex(input);
        }
        return inputSha256;
    }

    /**
     * @param fingerprints the self-check's fingerprints of a signed output, with the prepared input's prefix
     * @return the SHA-256 (hex) of the input: that prefix's when the input was signed as it is
     */
    String inputSha256(OutputSelfCheck.Fingerprints fingerprints) {
        return toSign.equals(input) ? fingerprints.prefix(preparedLength) : inputSha256();
    }

    /** @return the length of the document worked on (the input, or its prepared copy) */
    long preparedLength() {
        return preparedLength;
    }

    /**
     * Checks {@code produced} with {@code check}, then hands it to {@code target}: moved into place when it is a file
     * of the work directory (an output file beside it: a rename), else copied. When the check fails, nothing is
     * written: the target is never opened.
     *
     * @param prefixLengths lengths of the output's prefixes whose SHA-256 is wanted besides the whole output's
     * @return the self-check's fingerprints of the output and of those prefixes
     */
    OutputSelfCheck.Fingerprints write(Path produced, DocumentTarget target, OutputSelfCheck check,
                                       long... prefixLengths) {
        OutputSelfCheck.Fingerprints fingerprints = check.verify(produced, preparedLength, name, prefixLengths);
        Budget.commit(); // past this point the output is written even if the time limit passes
        if (produced.toAbsolutePath().normalize().startsWith(work.toAbsolutePath().normalize())) {
            target.stageFile(produced).commit();
        } else {
            target.write(out -> Files.copy(produced, out));
        }
        return fingerprints;
    }

    @Override
    public void close() {
        if (loaded != null) {
            try {
                loaded.close();
            } catch (IOException e) {
                // a read-only load: nothing was written through it
            }
            loaded = null;
        }
        TempFiles.delete(work); // the prepared copy, the stages and PDFBox's files, and deregisters the directory
    }
}
