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
 * are computed while streaming. Close it to delete the temporary files.
 */
final class LargeDocument implements AutoCloseable {

    private final IPdfObjFactory factory;
    private final TempFileResourcesHandlerBuilder temporary;
    private final Path prepared;
    private final DSSDocument document;
    private final String inputSha256;
    private final String preparedSha256;

    private LargeDocument(IPdfObjFactory factory, TempFileResourcesHandlerBuilder temporary, Path prepared,
                          DSSDocument document, String inputSha256, String preparedSha256) {
        this.factory = factory;
        this.temporary = temporary;
        this.prepared = prepared;
        this.document = document;
        this.inputSha256 = inputSha256;
        this.preparedSha256 = preparedSha256;
    }

    static LargeDocument open(Path file, String name, boolean mark) throws IOException {
        PdfBoxNativeObjectFactory factory = new PdfBoxNativeObjectFactory();
        factory.setPdfMemoryUsageSetting(PdfMemoryUsageSetting.fileOnly());
        TempFileResourcesHandlerBuilder temporary = new TempFileResourcesHandlerBuilder();
        factory.setResourcesHandlerBuilder(temporary);
        String inputSha256 = Digests.sha256Hex(file);
        Path toSign = file;
        Path prepared = Files.createTempFile("certyneo-prepared", ".pdf");
        try {
            if (PdfPreparation.prepareFile(file, prepared, name, mark)) {
                toSign = prepared;
            } else {
                Files.deleteIfExists(prepared);
                prepared = null;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(prepared);
            throw e;
        }
        DSSDocument document = new FileDocument(toSign.toFile()) {
            @Override
            public String getName() {
                return name; // the PDF /ID derives from the document name: keep the caller's
            }
        };
        return new LargeDocument(factory, temporary, prepared, document, inputSha256,
                toSign == file ? inputSha256 : Digests.sha256Hex(toSign));
    }

    /** @return the PDFBox/DSS factory working through temporary files */
    IPdfObjFactory factory() {
        return factory;
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

    /** Streams {@code result} to {@code target} (atomically for files) and returns its SHA-256. */
    String write(DSSDocument result, DocumentTarget target) {
        MessageDigest digest = Digests.sha256();
        target.write(out -> result.writeTo(new DigestOutputStream(out, digest)));
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() {
        temporary.clear();
        if (prepared != null) {
            try {
                Files.deleteIfExists(prepared);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans its temp directory
            }
        }
    }
}
