package com.certyneo.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A PDF to sign or validate: a file, a byte array, or the bytes read from a stream. Instances are
 * immutable; byte arrays are copied on the way in and out.
 */
public sealed interface DocumentSource permits DocumentSource.FileSource, DocumentSource.BytesSource {

    /**
     * {@return a source reading that file}
     * @param path a PDF file; it is read when the operation runs, not now
     */
    static DocumentSource of(Path path) {
        return new FileSource(path);
    }

    /**
     * {@return a source over a copy of the bytes}
     * @param bytes the PDF bytes (copied)
     * @param name a file name used in reports and as the document name inside the signature process
     */
    static DocumentSource of(byte[] bytes, String name) {
        return new BytesSource(bytes.clone(), name);
    }

    /**
     * Streams longer than this many bytes are copied to a temporary file instead of the heap by
     * {@link #of(InputStream, String)} (8 MiB, the signing engine's default size from which it signs from disk:
     * a longer stream then costs the heap what an 8 MiB one does).
     */
    long SPILL_THRESHOLD = 8L * 1024 * 1024;

    /**
     * Reads the whole stream now (the caller keeps ownership of the stream and closes it). Up to
     * {@link #SPILL_THRESHOLD} bytes are held in memory; a longer stream is copied to a file named {@code name}
     * in a new temporary directory, so that a document of any size is read from disk and never held whole in
     * the heap. That copy is deleted when the returned source is no longer reachable, and at the latest when
     * the JVM exits.
     *
     * @param in the PDF bytes
     * @param name a file name used in reports
     * @return a source over the bytes read
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the stream or the temporary file fails
     */
    static DocumentSource of(InputStream in, String name) {
        try {
            byte[] head = in.readNBytes((int) SPILL_THRESHOLD);
            int next = head.length < SPILL_THRESHOLD ? -1 : in.read();
            if (next < 0) {
                return new BytesSource(head, name);
            }
            return SpilledInput.copy(head, next, in, name);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read the document stream: " + e.getMessage(),
                    "Check the stream you passed in and the space in the temporary directory (java.io.tmpdir).", e);
        }
    }

    /** {@return a name for the document (its file name for files)} */
    String name();

    /** {@return the file behind this source, when it is a file} */
    Optional<Path> path();

    /**
     * {@return all bytes of the document}
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when a file cannot be read
     */
    byte[] readAllBytes();

    /**
     * {@return a new stream over the document; the caller closes it}
     * @throws IOException when a file cannot be opened
     */
    InputStream openStream() throws IOException;

    /**
     * A PDF file.
     *
     * @param file the file
     */
    record FileSource(Path file) implements DocumentSource {
        /**
         * Validates the path.
         *
         * @param file the file
         */
        public FileSource {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String name() {
            Path name = file.getFileName();
            return name == null ? "document.pdf" : name.toString();
        }

        @Override
        public Optional<Path> path() {
            return Optional.of(file);
        }

        @Override
        public byte[] readAllBytes() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + IoProblems.describe(e),
                        "Check that the file exists and is readable.", e);
            }
        }

        @Override
        public InputStream openStream() throws IOException {
            return Files.newInputStream(file);
        }
    }

    /**
     * PDF bytes held in memory.
     *
     * @param bytes the document bytes (owned by this record; never handed out)
     * @param name a file name for reports
     */
    record BytesSource(byte[] bytes, String name) implements DocumentSource {
        /**
         * Validates the components.
         *
         * @param bytes the document bytes (owned by this record; never handed out)
         * @param name a file name for reports
         */
        public BytesSource {
            Objects.requireNonNull(bytes, "bytes");
            name = name == null || name.isBlank() ? "document.pdf" : name;
        }

        /** {@return a copy of the document bytes} */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public Optional<Path> path() {
            return Optional.empty();
        }

        @Override
        public byte[] readAllBytes() {
            return bytes.clone();
        }

        @Override
        public InputStream openStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesSource other && other.name.equals(name) && java.util.Arrays.equals(other.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "BytesSource[" + name + ", " + bytes.length + " bytes]";
        }
    }
}
