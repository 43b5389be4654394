package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentTarget;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.pdf.IPdfObjFactory;
import eu.europa.esig.dss.pdf.PdfMemoryUsageSetting;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxNativeObjectFactory;
import eu.europa.esig.dss.signature.resources.TempFileResourcesHandlerBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A large input file prepared for DSS without loading it into the heap: PDFBox reads it through
 * temporary files, the preparation revision (sandbox mark, annotation appearances) is
 * written to a temporary copy when needed, DSS writes its revisions to temporary files, and hashes
 * are computed while streaming. All temporary files live in one private work directory registered
 * with {@link TempFiles} (so a JVM stopped mid-operation deletes it too); close this to delete it.
 *
 * <p>A signature reads the input once: the signing pipeline's copy into the output hashes it for the byte range
 * and keeps the SHA-256 of the input as a {@link PrefixDigests prefix state}, the self-check goes on from that
 * state, and the checked output (in the work directory, next to the output file) is moved into place, not copied
 * ({@link #writeSigned}). Only an input that needed a preparation revision is hashed on its own.
 */
final class LargeDocument implements AutoCloseable {

    private final IPdfObjFactory factory;
    private final TempFileResourcesHandlerBuilder temporary;
    private final Path work;
    private final DSSDocument document;
    private final Path input;
    private final boolean prepared;
    private final long preparedLength;
    private String inputSha256;

    private LargeDocument(IPdfObjFactory factory, TempFileResourcesHandlerBuilder temporary, Path work,
                          DSSDocument document, Path input, boolean prepared, String inputSha256, long preparedLength) {
        this.factory = factory;
        this.temporary = temporary;
        this.work = work;
        this.document = document;
        this.input = input;
        this.prepared = prepared;
        this.inputSha256 = inputSha256;
        this.preparedLength = preparedLength;
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
        try {
            PdfBoxNativeObjectFactory factory = new PdfBoxNativeObjectFactory();
            factory.setPdfMemoryUsageSetting(PdfMemoryUsageSetting.mixed(PDFBOX_MEMORY));
            TempFileResourcesHandlerBuilder temporary = new WorkDirectoryHandlers();
            temporary.setTempFileDirectory(work.toFile());
            factory.setResourcesHandlerBuilder(temporary);
            Path toSign = file;
            Path prepared = work.resolve("certyneo-prepared.pdf");
            if (PdfPreparation.prepareFile(file, prepared, name, mark, work)) {
                toSign = prepared;
            } else {
                Files.deleteIfExists(prepared);
                prepared = null;
            }
            DSSDocument document = new FileDocument(toSign.toFile()) {
                @Override
                public String getName() {
                    return name; // the PDF /ID derives from the document name: keep the caller's
                }
            };
            // with a preparation revision, the input is not the prefix whose state the signing pass takes: hashed here
            return new LargeDocument(factory, temporary, work, document, file, toSign != file,
                    toSign == file ? null : Digests.sha256Hex(file), Files.size(toSign));
        } catch (IOException | RuntimeException | Error e) {
            TempFiles.delete(work);
            throw e;
        }
    }

    /** DSS's temporary files, refused once the JVM is shutting down (its hook has deleted the work directory). */
    private static final class WorkDirectoryHandlers extends TempFileResourcesHandlerBuilder {
        @Override
        public eu.europa.esig.dss.signature.resources.TempFileResourcesHandler createResourcesHandler() {
            if (TempFiles.shuttingDown()) {
                throw new java.io.UncheckedIOException(new IOException("The JVM is shutting down: no new temporary files"));
            }
            return super.createResourcesHandler();
        }
    }

    /** @return the PDFBox/DSS factory working through temporary files */
    IPdfObjFactory factory() {
        return factory;
    }

    /** @return the file to sign: the input, or its prepared copy in the work directory */
    Path file() {
        return ((FileDocument) document).getFile().toPath();
    }

    /** @return the private work directory (deleted on {@link #close()}) */
    Path work() {
        return work;
    }

    /** @return the document to give DSS: the input, or its prepared copy */
    DSSDocument document() {
        return document;
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
        return prepared ? inputSha256() : fingerprints.prefix(preparedLength);
    }

    /** @return the length of the document signed (the input, or its prepared copy) */
    long preparedLength() {
        return preparedLength;
    }

    /**
     * Checks a signed output with {@code check}, then hands it to {@code target}: moved into place when it is a file
     * of the work directory (an output file beside it: a rename), else copied. When the check fails, nothing is
     * written: the target is never opened.
     *
     * @return the self-check's fingerprints: the output's and the prepared input's
     */
    OutputSelfCheck.Fingerprints writeSigned(Path produced, DocumentTarget target, OutputSelfCheck check) {
        OutputSelfCheck.Fingerprints fingerprints = check.verify(produced, preparedLength, document.getName(), preparedLength);
        Budget.commit(); // past this point the output is written even if the time limit passes
        if (produced.toAbsolutePath().normalize().startsWith(work.toAbsolutePath().normalize())) {
            target.stageFile(produced).commit();
        } else {
            target.write(out -> Files.copy(produced, out));
        }
        return fingerprints;
    }

    /**
     * Checks {@code result} on disk with {@code check} (streaming; DSS's result is already a temporary
     * file of the work directory), then streams it to {@code target} (atomically for files) and returns
     * its SHA-256. When the check fails, nothing is written: the target is never opened.
     */
    String write(DSSDocument result, DocumentTarget target, OutputSelfCheck check) throws IOException {
        Path produced;
        if (result instanceof FileDocument file) {
            produced = file.getFile().toPath();
        } else {
            produced = work.resolve("certyneo-output.pdf");
            try (java.io.OutputStream out = Files.newOutputStream(produced)) {
                result.writeTo(out);
            }
        }
        check.verify(produced, preparedLength, document.getName());
        MessageDigest digest = Digests.sha256();
        Budget.commit(); // past this point the output is written even if the time limit passes
        target.write(out -> Files.copy(produced, new DigestOutputStream(out, digest)));
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() {
        try {
            temporary.clear();
        } finally {
            TempFiles.delete(work); // the prepared copy, DSS's and PDFBox's files, and deregisters the directory
        }
    }
}
