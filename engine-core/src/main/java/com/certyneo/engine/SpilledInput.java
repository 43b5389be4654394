package com.certyneo.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary copy of a long document stream ({@link DocumentSource#of(InputStream, String)}): a file named
 * like the document in a private temporary directory, deleted when its {@link DocumentSource.FileSource} is no
 * longer reachable (a {@link Cleaner}), and at the latest when the JVM exits (a shutdown hook deletes the copies
 * still alive). Unlike {@link java.io.File#deleteOnExit()}, which keeps every path it was given until the JVM
 * exits, the copies are forgotten when they are deleted: a server that spills millions of streams does not
 * accumulate them.
 */
final class SpilledInput {

    private static final Cleaner CLEANER = Cleaner.create();
    /** The copies not deleted yet: file to its directory. */
    private static final Map<Path, Path> LIVE = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();
    private static boolean hookInstalled;

    private SpilledInput() {
    }

    /** Writes {@code head}, {@code next} and the rest of {@code in} to a new temporary file. */
    static DocumentSource copy(byte[] head, int next, InputStream in, String name) throws IOException {
        installHook();
        Path directory = Files.createTempDirectory("certyneo-input-");
        Path file = directory.resolve(fileName(name));
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(head);
                out.write(next);
                in.transferTo(out);
            }
        } catch (IOException | RuntimeException e) {
            delete(directory, file);
            throw e;
        }
        LIVE.put(file, directory);
        DocumentSource source = new DocumentSource.FileSource(file);
        CLEANER.register(source, () -> delete(directory, file));
        return source;
    }

    /** The last path element of {@code name}, without separators; "document.pdf" when nothing is left. */
    static String fileName(String name) {
        String base = name == null ? "" : name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replace('\0', '_').strip();
        return base.isEmpty() || base.equals(".") || base.equals("..") ? "document.pdf" : base;
    }

    /** @return whether the copy at {@code file} is still registered for deletion (tests) */
    static boolean isLive(Path file) {
        return LIVE.containsKey(file);
    }

    private static void installHook() {
        synchronized (LOCK) {
            if (!hookInstalled) {
                // A JVM already shutting down refuses the hook: the copy is then deleted by its cleaner only.
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(SpilledInput::deleteAll, "certyneo-input-cleanup"));
                } catch (IllegalStateException shuttingDown) {
                    // nothing to install
                }
                hookInstalled = true;
            }
        }
    }

    private static void deleteAll() {
        LIVE.forEach((file, directory) -> delete(directory, file));
    }

    private static void delete(Path directory, Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // best effort: a private directory in java.io.tmpdir
        }
        LIVE.remove(file);
    }
}
