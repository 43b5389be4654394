package com.certyneo.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The temporary copy of a long document stream ({@link DocumentSource#of(InputStream, String)}): a file named
 * like the document in a private temporary directory, deleted when its {@link DocumentSource.FileSource} is no
 * longer reachable (a {@link Cleaner}), and at the latest when the JVM exits.
 */
final class SpilledInput {

    private static final Cleaner CLEANER = Cleaner.create();

    private SpilledInput() {
    }

    /** Writes {@code head}, {@code next} and the rest of {@code in} to a new temporary file. */
    static DocumentSource copy(byte[] head, int next, InputStream in, String name) throws IOException {
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
        directory.toFile().deleteOnExit(); // registered first: deleted last, after the file
        file.toFile().deleteOnExit();
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

    private static void delete(Path directory, Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // left for deleteOnExit
        }
    }
}
