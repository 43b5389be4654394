package com.certyneo.engine.pades;

import com.certyneo.testvectors.PdfVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large-document temporary files live next to the output and do not survive errors or a SIGTERM. */
class TempFilesShutdownTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void sigtermDuringALargeSignLeavesNoTemporaryFile() throws Exception {
        Path home = dir.resolve("home");
        PadesSignatureEngine.sandbox(home).close(); // creates the sandbox PKI, so the child starts signing at once
        Path in = dir.resolve("in").resolve("large.pdf");
        Files.createDirectories(in.getParent());
        Files.write(in, PdfVector.large(60L * 1024 * 1024));
        Path outDir = dir.resolve("out");
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(outDir);
        Files.createDirectories(tmp);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), SignLargeMain.class.getName(), home.toString(), in.toString(),
                outDir.resolve("signed.pdf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            boolean seen = false;
            while (System.nanoTime() < deadline && child.isAlive()) {
                if (!entries(outDir).isEmpty()) {
                    seen = true;
                    break;
                }
                Thread.sleep(5);
            }
            assertTrue(seen, "a temporary work directory appears next to the output: " + Files.readString(dir.resolve("child.log")));
            assertTrue(entries(outDir).stream().allMatch(p -> p.getFileName().toString().startsWith(TempFiles.PREFIX)
                    || p.getFileName().toString().endsWith(".part")), entries(outDir).toString());
            Thread.sleep(300); // let it get into the heavy part of the work
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits on SIGTERM");
        } finally {
            child.destroyForcibly();
        }
        List<Path> left = entries(outDir);
        if (!left.equals(List.of(outDir.resolve("signed.pdf")))) { // unless it had already finished
            assertEquals(List.of(), left, "no temporary file survives SIGTERM: " + Files.readString(dir.resolve("child.log")));
        }
        assertEquals(List.of(), entries(tmp), "nothing in java.io.tmpdir either");
        assertEquals(List.of(in), entries(in.getParent()));
    }

    @Test
    void theWorkDirectoryIsDeletedAndForgottenAfterEachOperation() throws Exception {
        Path in = dir.resolve("in.pdf");
        Files.write(in, com.certyneo.testvectors.SamplePdfs.multiPage(2));
        Path work = dir.resolve("work");
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sandbox(dir.resolve("home")).largeDocumentThreshold(0)
                .temporaryDirectory(work).build();
        Path out = dir.resolve("out").resolve("signed.pdf");
        engine.sign(com.certyneo.engine.SignRequest.builder().document(com.certyneo.engine.DocumentSource.of(in))
                .output(com.certyneo.engine.DocumentTarget.of(out)).signer(com.certyneo.engine.Signer.of("Seal", "s@example.com"))
                .level(com.certyneo.engine.SignatureLevel.SES).build());
        assertTrue(Files.exists(out));
        assertEquals(List.of(), entries(work), "the caller-set directory is left empty");
        assertEquals(List.of(out), entries(out.getParent()));
        assertFalse(TempFiles.live().stream().anyMatch(p -> p.startsWith(work)), "deregistered");
    }

    private static List<Path> entries(Path directory) throws java.io.IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
