package com.certyneo.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a produced PDF goes. A file target is written all-or-nothing: the engine writes a temporary
 * file next to the target and moves it into place only once it is complete, so a failed operation
 * never leaves a partial or stale-looking output behind.
 */
public sealed interface DocumentTarget permits DocumentTarget.FileTarget, DocumentTarget.StreamTarget {

    /**
     * @param path the output file; replaced if it exists
     * @return a file target
     */
    static DocumentTarget of(Path path) {
        return new FileTarget(path);
    }

    /**
     * The engine writes to the stream only after the output is complete; the caller closes it.
     *
     * @param out the stream to receive the PDF
     * @return a stream target
     */
    static DocumentTarget of(OutputStream out) {
        return new StreamTarget(out);
    }

    /** @return the output file, for file targets */
    Optional<Path> path();

    /**
     * Writes the output through {@code writer}, atomically for files.
     *
     * @param writer produces the bytes
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when writing fails
     */
    void write(ContentWriter writer);

    /** Produces output bytes into a stream. */
    @FunctionalInterface
    interface ContentWriter {
        /**
         * @param out the stream to write to (not to be closed by the writer)
         * @throws IOException on failure
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A file, written through a temporary sibling and an atomic move.
     *
     * @param file the output file
     */
    record FileTarget(Path file) implements DocumentTarget {
        /**
         * Validates the path.
         *
         * @param file the output file
         */
        public FileTarget {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public Optional<Path> path() {
            return Optional.of(file);
        }

        @Override
        public void write(ContentWriter writer) {
            Path absolute = file.toAbsolutePath();
            Path dir = absolute.getParent();
            Path tmp = null;
            try {
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                tmp = PartFiles.create(dir, "." + absolute.getFileName());
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer.writeTo(out);
                }
                try {
                    Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
                PartFiles.forget(tmp);
                tmp = null;
            } catch (IOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot write " + file + ": " + e,
                        "Check that the output directory exists and is writable.", e);
            } finally {
                if (tmp != null) {
                    PartFiles.delete(tmp);
                }
            }
        }
    }

    /**
     * A caller-owned stream.
     *
     * @param out the stream
     */
    record StreamTarget(OutputStream out) implements DocumentTarget {
        /**
         * Validates the stream.
         *
         * @param out the stream
         */
        public StreamTarget {
            Objects.requireNonNull(out, "out");
        }

        @Override
        public Optional<Path> path() {
            return Optional.empty();
        }

        @Override
        public void write(ContentWriter writer) {
            try {
                writer.writeTo(out);
                out.flush();
            } catch (IOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot write the output stream: " + e,
                        "Check the stream you passed in.", e);
            }
        }
    }
}

/**
 * The {@code .part} files of file targets being written, deleted by a JVM shutdown hook when the JVM
 * is stopped (SIGTERM, SIGINT, {@code System.exit}) in the middle of a write. Entries are forgotten as
 * soon as the write ends, so long-running servers do not accumulate them (unlike
 * {@link java.io.File#deleteOnExit()}).
 */
final class PartFiles {

    private static final java.util.Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    private static boolean hookInstalled;
    private static boolean shuttingDown;

    private PartFiles() {
    }

    static Path create(Path dir, String prefix) throws IOException {
        synchronized (LOCK) {
            if (!hookInstalled) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(PartFiles::deleteAll, "certyneo-part-cleanup"));
                } catch (IllegalStateException alreadyShuttingDown) {
                    shuttingDown = true;
                }
                hookInstalled = true;
            }
            if (shuttingDown) {
                throw new IOException("The JVM is shutting down: no new output files");
            }
            Path tmp = Files.createTempFile(dir, prefix, ".part");
            LIVE.add(tmp);
            return tmp;
        }
    }

    /** The file was moved into place: nothing to delete any more. */
    static void forget(Path tmp) {
        LIVE.remove(tmp);
    }

    static void delete(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // best effort: the temporary file has a .part suffix and is hidden
        }
        LIVE.remove(tmp);
    }

    private static void deleteAll() {
        synchronized (LOCK) {
            shuttingDown = true;
        }
        for (Path tmp : java.util.List.copyOf(LIVE)) {
            delete(tmp);
        }
    }
}
