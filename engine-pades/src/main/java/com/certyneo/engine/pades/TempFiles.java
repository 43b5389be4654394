package com.certyneo.engine.pades;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of the engine's live temporary work directories. Each large-document operation works
 * in one private directory ({@link #createDirectory(Path)}) that holds all of its temporary files (the
 * prepared copy, DSS's revisions, PDFBox's scratch files); the operation deletes it when it ends,
 * whatever the outcome ({@link #delete(Path)}), and a JVM shutdown hook deletes the directories still
 * registered when the JVM is stopped (SIGTERM, SIGINT, {@code System.exit}) in the middle of one.
 *
 * <p>Unlike {@link java.io.File#deleteOnExit()}, the registry forgets a directory as soon as the
 * operation has deleted it, so a long-running server does not accumulate entries.
 */
final class TempFiles {

    /** Name prefix of the work directories (hidden on Unix). */
    static final String PREFIX = ".certyneo-work-";

    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    private static boolean hookInstalled;
    private static volatile boolean shuttingDown;

    private TempFiles() {
    }

    /**
     * Creates and registers a private work directory in {@code parent} (created if needed).
     *
     * @throws IOException when it cannot be created, or when the JVM is shutting down
     */
    static Path createDirectory(Path parent) throws IOException {
        installHook();
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, PREFIX);
        synchronized (LOCK) {
            if (shuttingDown) {
                deleteTree(dir);
                throw new IOException("The JVM is shutting down: no new temporary files");
            }
            LIVE.add(dir);
        }
        return dir;
    }

    /** Deletes {@code dir} with everything in it and forgets it (best effort; never throws). */
    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        deleteTree(dir);
        LIVE.remove(dir);
    }

    /** @return the directories currently registered (for tests) */
    static List<Path> live() {
        return List.copyOf(LIVE);
    }

    private static void installHook() {
        synchronized (LOCK) {
            if (hookInstalled) {
                return;
            }
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteAll, "certyneo-temp-cleanup"));
            } catch (IllegalStateException alreadyShuttingDown) {
                shuttingDown = true;
            }
            hookInstalled = true;
        }
    }

    private static void deleteAll() {
        List<Path> dirs;
        synchronized (LOCK) {
            shuttingDown = true;
            dirs = new ArrayList<>(LIVE);
        }
        for (Path dir : dirs) {
            delete(dir);
        }
    }

    private static void deleteTree(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                    for (Path entry : entries) {
                        deleteTree(entry); // the work directory is flat; this recursion is one level deep
                    }
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException | RuntimeException ignored) {
            // best effort: a file that cannot be deleted now stays behind
        }
    }
}
