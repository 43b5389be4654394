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
 */
final class LargeDocument implements AutoCloseable {

    private final IPdfObjFactory factory;
    private final TempFileResourcesHandlerBuilder temporary;
    private final Path work;
    private final DSSDocument document;
    private final String inputSha256;
    private final String preparedSha256;
    private final long preparedLength;

    private LargeDocument(IPdfObjFactory factory, TempFileResourcesHandlerBuilder temporary, Path work,
                          DSSDocument document, String inputSha256, String preparedSha256, long preparedLength) {
        this.factory = factory;
        this.temporary = temporary;
        this.work = work;
        this.document = document;
        this.inputSha256 = inputSha256;
        this.preparedSha256 = preparedSha256;
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
        String inputSha256 = Digests.sha256Hex(file);
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
            return new LargeDocument(factory, temporary, work, document, inputSha256,
                    toSign == file ? inputSha256 : Digests.sha256Hex(toSign), Files.size(toSign));
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

    String inputSha256() {
        return inputSha256;
    }

    String preparedSha256() {
        return preparedSha256;
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
