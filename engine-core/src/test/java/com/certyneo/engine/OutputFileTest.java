package com.certyneo.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The permissions and links of file targets: a new output follows the umask, a replaced one keeps its mode, a
 * symbolic link is written through (the file it points to changes, the link stays), a directory is never replaced,
 * and I/O errors are worded, not Java exception names.
 */
class OutputFileTest {

    @TempDir
    Path dir;

    static void write(Path file, String content) {
        DocumentTarget.of(file).write(out -> out.write(content.getBytes(StandardCharsets.US_ASCII)));
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static boolean posix() {
        return Path.of(".").getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Writes args[0] through a file target: run by {@link #aNewFileGetsTheModeTheUmaskGives} under a given umask. */
    public static void main(String[] args) {
        write(Path.of(args[0]), "new");
    }

    @ParameterizedTest
    @ValueSource(strings = {"022", "027", "077", "002"})
    void aNewFileGetsTheModeTheUmaskGives(String umask) throws Exception {
        assumeTrue(posix() && Files.isExecutable(Path.of("/bin/sh")));
        Path out = dir.resolve("new-" + umask + ".pdf");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" -cp \"$1\" "
                + OutputFileTest.class.getName() + " \"$2\"", java, System.getProperty("java.class.path"), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        int expected = 0666 & ~Integer.parseInt(umask, 8);
        assertEquals(PosixFilePermissions.toString(permissions(expected)), mode(out));
        assertEquals("new", Files.readString(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "rw-r-----", "r--r--r--", "rw-rw-rw-"})
    void replacingAFileKeepsItsMode(String mode) throws Exception {
        assumeTrue(posix());
        Path out = dir.resolve("existing.pdf");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(mode));
        write(out, "new content");
        assertEquals("new content", Files.readString(out));
        assertEquals(mode, mode(out));
        assertEquals(List.of(out), listing(), "no temporary file left");
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndKept() throws Exception {
        assumeTrue(posix());
        Path real = Files.createDirectories(dir.resolve("store")).resolve("real.pdf");
        Files.writeString(real, "old");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("link.pdf"), Path.of("store/real.pdf")); // relative
        Path chained = Files.createSymbolicLink(dir.resolve("chained.pdf"), link.toAbsolutePath());
        write(link, "through the link");
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals("through the link", Files.readString(real));
        assertEquals("rw-r-----", mode(real));
        write(chained, "through two links");
        assertTrue(Files.isSymbolicLink(chained) && Files.isSymbolicLink(link));
        assertEquals("through two links", Files.readString(real));
        try (Stream<Path> files = Files.list(real.getParent())) {
            assertEquals(List.of(real), files.toList(), "the temporary file was next to the real file, and is gone");
        }
    }

    @Test
    void aDanglingLinkCreatesTheFileItNames() throws Exception {
        assumeTrue(posix());
        Path link = Files.createSymbolicLink(dir.resolve("dangling.pdf"), Path.of("later.pdf"));
        write(link, "created");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("created", Files.readString(dir.resolve("later.pdf")));
    }

    @Test
    void aLinkLoopIsAnIoErrorInWords() throws Exception {
        assumeTrue(posix());
        Path a = dir.resolve("a.pdf");
        Files.createSymbolicLink(a, Path.of("b.pdf"));
        Files.createSymbolicLink(dir.resolve("b.pdf"), Path.of("a.pdf"));
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> write(a, "x"));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertEquals("Cannot write " + a + ": too many levels of symbolic links", e.getMessage());
    }

    @Test
    void aDirectoryIsNeverReplaced() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("out.pdf"));
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> write(empty, "x"));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertEquals("Cannot write " + empty + ": it is a directory", e.getMessage());
        assertTrue(Files.isDirectory(empty, LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> files = Files.list(empty)) {
            assertFalse(files.findAny().isPresent());
        }
    }

    @Test
    void ioErrorsAreWordedWithoutJavaClassNames() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        SignatureEngineException blocked = assertThrows(SignatureEngineException.class,
                () -> write(file.resolve("out.pdf"), "x"));
        assertEquals("Cannot write " + file.resolve("out.pdf") + ": " + file + " is in the way (a file where a directory "
                + "is needed)", blocked.getMessage());
        SignatureEngineException missing = assertThrows(SignatureEngineException.class,
                () -> DocumentSource.of(dir.resolve("nope.pdf")).readAllBytes());
        assertEquals("Cannot read " + dir.resolve("nope.pdf") + ": no such file or directory", missing.getMessage());
        SignatureEngineException directory = assertThrows(SignatureEngineException.class,
                () -> DocumentSource.of(dir).readAllBytes());
        assertEquals("Cannot read " + dir + ": is a directory", directory.getMessage());
        for (SignatureEngineException e : List.of(blocked, missing, directory)) {
            assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("java."), e.getMessage());
        }
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    @Test
    void aStagedOutputIsInvisibleUntilCommittedAndLeavesNothingWhenDiscarded() throws Exception {
        Path kept = dir.resolve("kept.pdf");
        write(kept, "old");
        if (posix()) {
            Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-r-----"));
        }
        DocumentTarget.Staged staged = DocumentTarget.of(kept).stage(out -> out.write("new".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("old", Files.readString(kept), "not in place before commit");
        Path discarded = dir.resolve("discarded.pdf");
        DocumentTarget.Staged dropped = DocumentTarget.of(discarded).stage(out -> out.write(new byte[] {1}));
        dropped.discard();
        staged.commit();
        staged.commit(); // idempotent
        assertEquals("new", Files.readString(kept));
        if (posix()) {
            assertEquals("rw-r-----", mode(kept), "a replaced file keeps its mode");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(kept), files.toList(), "no temporary file, no discarded output");
        }

        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        DocumentTarget.Staged inMemory = DocumentTarget.of(stream).stage(out -> out.write(new byte[] {7, 8}));
        assertEquals(0, stream.size(), "a stream is written only on commit");
        inMemory.commit();
        assertEquals(List.of((byte) 7, (byte) 8), List.of(stream.toByteArray()[0], stream.toByteArray()[1]));
    }

    @Test
    void aCompleteFileIsTakenOverMovedIntoPlaceAndKeepsTheReplacedMode() throws Exception {
        Path kept = dir.resolve("kept.pdf");
        write(kept, "old");
        if (posix()) {
            Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-r-----"));
        }
        Path work = Files.createDirectory(dir.resolve("work"));
        Path complete = Files.writeString(work.resolve("complete.pdf"), "complete");
        DocumentTarget.Staged staged = DocumentTarget.of(kept).stageFile(complete);
        assertFalse(Files.exists(complete), "taken over at once");
        assertEquals("old", Files.readString(kept), "not in place before commit");
        staged.commit();
        assertEquals("complete", Files.readString(kept));
        if (posix()) {
            assertEquals("rw-r-----", mode(kept), "a replaced file keeps its mode");
        }
        assertEquals(List.of(kept, work), listing().stream().sorted().toList(), "no temporary file left");

        Path dropped = Files.writeString(work.resolve("dropped.pdf"), "dropped");
        DocumentTarget.of(dir.resolve("never.pdf")).stageFile(dropped).discard();
        assertFalse(Files.exists(dropped) || Files.exists(dir.resolve("never.pdf")), "a discarded file is deleted");

        Path refused = Files.writeString(work.resolve("refused.pdf"), "refused");
        Path directory = Files.createDirectory(dir.resolve("directory.pdf"));
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> DocumentTarget.of(directory).stageFile(refused));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertFalse(Files.exists(refused), "nothing left behind on a failure, the taken file included");

        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        Path streamed = Files.writeString(work.resolve("streamed.pdf"), "streamed");
        DocumentTarget.Staged toStream = DocumentTarget.of(stream).stageFile(streamed);
        assertEquals(0, stream.size(), "a stream is written only on commit");
        toStream.commit();
        assertEquals("streamed", stream.toString(StandardCharsets.US_ASCII));
        assertFalse(Files.exists(streamed), "copied to the stream, then deleted");
        try (Stream<Path> files = Files.list(work)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
