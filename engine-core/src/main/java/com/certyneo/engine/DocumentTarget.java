package com.certyneo.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a produced PDF goes. A file target is written all-or-nothing: the engine writes a temporary
 * file next to the target and moves it into place only once it is complete, so a failed operation
 * never leaves a partial or stale-looking output behind.
 */
public sealed interface DocumentTarget permits DocumentTarget.FileTarget, DocumentTarget.StreamTarget {

    /**
     * A file written all-or-nothing (a temporary sibling, then an atomic move). A new file gets the permissions
     * the process's umask gives new files; a file that exists is replaced and keeps its permissions. When
     * {@code path} is a symbolic link (or a chain of them), the file it points to is written, and the link is
     * kept; a dangling link creates the file it names. A directory is never replaced.
     *
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

    /** {@return the output file, for file targets} */
    Optional<Path> path();

    /**
     * Writes the output through {@code writer}, atomically for files.
     *
     * @param writer produces the bytes
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when writing fails
     */
    void write(ContentWriter writer);

    /**
     * The first half of {@link #write}: produces the output into a temporary sibling of the file (for a stream, into
     * memory) without touching the target. {@link Staged#commit()} then moves it into place (writes the stream);
     * {@link Staged#discard()} deletes it. An operation that writes several outputs all-or-nothing (a batch) stages
     * every one of them first and commits them only once all are staged.
     *
     * @param writer produces the bytes
     * @return the staged output; commit or discard it
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when writing fails (nothing is left behind)
     */
    Staged stage(ContentWriter writer);

    /**
     * As {@link #stage(ContentWriter)} for an output that is complete in a file of its own, which this target takes
     * over: for a file target it is moved next to the target (renamed, not copied, when both are on one file system,
     * so a large output is not written a second time) and {@link Staged#commit()} moves it into place; for a stream
     * target {@link Staged#commit()} copies it to the stream and deletes it. Either way {@code complete} is gone once
     * the staged output is committed or discarded (on a failure here, at once).
     *
     * @param complete the finished output file; this target owns it from now on
     * @return the staged output; commit or discard it
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when it cannot be staged (nothing is left
     *                                  behind, {@code complete} included)
     */
    Staged stageFile(Path complete);

    /** An output produced but not yet in place (see {@link #stage}). */
    interface Staged {
        /**
         * Moves the output into place (for a stream: writes it). Idempotent after success.
         *
         * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the move fails (the staged output
         *                                  is deleted)
         */
        void commit();

        /** Deletes the staged output; nothing of it remains. Idempotent; does nothing after {@link #commit()}. */
        void discard();
    }

    /** Produces output bytes into a stream. */
    @FunctionalInterface
    interface ContentWriter {
        /**
         * Writes the output bytes.
         *
         * @param out the stream to write to (not to be closed by the writer)
         * @throws IOException on failure
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Deletes a file handed to {@link #stageFile} (best effort: it is the caller's temporary file). */
    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the caller's own clean-up deletes it
        }
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
            stage(writer).commit();
        }

        @Override
        public Staged stage(ContentWriter writer) {
            return fill(tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer.writeTo(out);
                }
            });
        }

        @Override
        public Staged stageFile(Path complete) {
            Objects.requireNonNull(complete, "complete");
            try {
                return fill(tmp -> {
                    try {
                        Files.move(complete, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        // another file system: copied into the temporary sibling (the move into place stays atomic)
                        Files.copy(complete, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                });
            } finally {
                deleteQuietly(complete); // gone after a move; after a copy or a failure, deleted here
            }
        }

        /** Fills the temporary sibling. */
        private interface Filler {
            void fill(Path tmp) throws IOException;
        }

        private Staged fill(Filler filler) {
            Path tmp = null;
            try {
                Path target = followLinks(file.toAbsolutePath());
                Path dir = target.getParent();
                if (Files.isDirectory(target)) {
                    throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot write " + file + ": it is a directory",
                            "Name a file to write, such as " + target.resolve("signed.pdf") + ".");
                }
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                boolean posix = target.getFileSystem().supportedFileAttributeViews().contains("posix");
                Set<PosixFilePermission> kept = posix && Files.exists(target) ? Files.getPosixFilePermissions(target) : null;
                tmp = PartFiles.create(dir, "." + target.getFileName());
                // Created as any new file (the umask applies): that is the mode of a new output. The content is
                // written while only the owner can read it, and the output gets that mode, or the mode of the file
                // it replaces. Best effort: a file system that refuses chmod (vfat, some network mounts) is written.
                Set<PosixFilePermission> mode = posix ? (kept != null ? kept : Files.getPosixFilePermissions(tmp)) : null;
                chmod(tmp, mode == null ? null : EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
                filler.fill(tmp);
                chmod(tmp, mode);
                StagedFile staged = new StagedFile(file, tmp, target);
                tmp = null;
                return staged;
            } catch (IOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot write " + file + ": " + IoProblems.describe(e),
                        "Check that the output directory exists and is writable.", e);
            } finally {
                if (tmp != null) {
                    PartFiles.delete(tmp);
                }
            }
        }

        /** A complete temporary sibling waiting to be moved onto {@code target}. */
        private static final class StagedFile implements Staged {
            private final Path file;
            private final Path target;
            private Path tmp;

            StagedFile(Path file, Path tmp, Path target) {
                this.file = file;
                this.tmp = tmp;
                this.target = target;
            }

            @Override
            public synchronized void commit() {
                if (tmp == null) {
                    return;
                }
                try {
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    PartFiles.forget(tmp);
                    tmp = null;
                } catch (IOException e) {
                    discard();
                    throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot write " + file + ": " + IoProblems.describe(e),
                            "Check that the output directory exists and is writable.", e);
                }
            }

            @Override
            public synchronized void discard() {
                if (tmp != null) {
                    PartFiles.delete(tmp);
                    tmp = null;
                }
            }
        }

        private static void chmod(Path file, Set<PosixFilePermission> mode) {
            if (mode == null) {
                return;
            }
            try {
                Files.setPosixFilePermissions(file, mode);
            } catch (IOException | UnsupportedOperationException e) {
                // the file system keeps its own idea of permissions
            }
        }

        /** @return the file {@code path} names once every symbolic link on it is followed (up to 40, as POSIX) */
        private static Path followLinks(Path path) throws IOException {
            Path current = path;
            for (int i = 0; i < 40; i++) {
                if (!Files.isSymbolicLink(current)) {
                    return current;
                }
                current = current.resolveSibling(Files.readSymbolicLink(current)).normalize();
            }
            throw new java.nio.file.FileSystemException(path.toString(), null, "too many levels of symbolic links");
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

        @Override
        public Staged stageFile(Path complete) {
            Objects.requireNonNull(complete, "complete");
            return new Staged() {
                private Path file = complete;

                @Override
                public synchronized void commit() {
                    if (file != null) {
                        Path content = file;
                        try {
                            write(o -> Files.copy(content, o));
                        } finally {
                            discard();
                        }
                    }
                }

                @Override
                public synchronized void discard() {
                    if (file != null) {
                        deleteQuietly(file);
                        file = null;
                    }
                }
            };
        }

        @Override
        public Staged stage(ContentWriter writer) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            try {
                writer.writeTo(buffer);
            } catch (IOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot produce the output: " + e,
                        "Check the stream you passed in.", e);
            }
            return new Staged() {
                private byte[] bytes = buffer.toByteArray();

                @Override
                public synchronized void commit() {
                    if (bytes != null) {
                        byte[] content = bytes;
                        bytes = null;
                        write(o -> o.write(content));
                    }
                }

                @Override
                public synchronized void discard() {
                    bytes = null;
                }
            };
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
            // Not Files.createTempFile: that creates the file with mode 0600, and the output would keep it. A file
            // created like any other gets the mode the umask gives new files.
            for (int attempt = 0; ; attempt++) {
                Path tmp = dir.resolve(prefix + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part");
                try {
                    Files.createFile(tmp);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (attempt < 100) {
                        continue;
                    }
                    throw e;
                }
                LIVE.add(tmp);
                return tmp;
            }
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
