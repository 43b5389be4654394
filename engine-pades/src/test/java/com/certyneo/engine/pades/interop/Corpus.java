package com.certyneo.engine.pades.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real-producer corpus ({@code corpus/generate.sh}), shared by the tests that need it: the directory
 * named by {@code -Dcertyneo.corpus} or {@code $CERTYNEO_CORPUS}, else generated once per build into
 * {@code engine-pades/target/interop/corpus}. Without the producers the tests that need it are skipped,
 * except under {@code CI=true}, where a missing producer fails them.
 */
public final class Corpus {

    private static Path generated;

    private Corpus() {
    }

    /** @return the corpus directory (generated on first use) */
    public static synchronized Path directory() {
        String given = System.getProperty("certyneo.corpus", System.getenv("CERTYNEO_CORPUS"));
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        if (generated != null) {
            return generated;
        }
        Path dir = Path.of("target", "interop", "corpus").toAbsolutePath();
        if (!Files.exists(dir.resolve("manifest.tsv"))) {
            generate(dir);
        }
        generated = dir;
        return dir;
    }

    /**
     * One file of the corpus. Under {@code CI=true}, where every producer is installed, a missing file fails the test;
     * elsewhere it skips it (a producer missing, or a corpus generated before the file was added: delete
     * {@code engine-pades/target/interop/corpus}).
     *
     * @param name the file's name, e.g. {@code ghostscript-pdfa1b.pdf}
     * @return its path
     */
    public static Path file(String name) {
        Path path = directory().resolve(name);
        if ("true".equalsIgnoreCase(System.getenv("CI")) && !Files.isRegularFile(path)) {
            fail(name + " not in the corpus (corpus/generate.sh did not produce it)");
        }
        assumeTrue(Files.isRegularFile(path), name + " not in the corpus (producer missing, or a corpus generated "
                + "before it was added: delete engine-pades/target/interop/corpus)");
        return path;
    }

    /** @return the corpus PDFs, sorted by name */
    public static List<Path> pdfs() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pdf")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the corpus: " + e, e);
        }
    }

    private static void generate(Path dir) {
        Path script = Path.of("..", "corpus", "generate.sh").toAbsolutePath().normalize();
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!Files.isRegularFile(script)) {
            if (ci) {
                fail("corpus/generate.sh is missing");
            }
            assumeTrue(false, "corpus/generate.sh is missing");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), dir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
            // the Java producers (corpus/producers/*.java: iText's signer) run as source files on this JVM, with the
            // test class path, which holds iText and BouncyCastle
            builder.environment().put("CERTYNEO_JAVA", ProcessHandle.current().info().command().orElse("java"));
            builder.environment().put("CERTYNEO_JAVA_CP", System.getProperty("java.class.path"));
            Process process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("corpus/generate.sh did not finish in 15 minutes");
            }
            if (process.exitValue() != 0) {
                if (ci) {
                    fail("corpus/generate.sh failed (exit " + process.exitValue() + "): a producer is missing or broke");
                }
                assumeTrue(Files.exists(dir.resolve("manifest.tsv")), "corpus/generate.sh failed: producers not installed?");
            }
        } catch (IOException e) {
            if (ci) {
                fail("cannot run corpus/generate.sh: " + e);
            }
            assumeTrue(false, "cannot run corpus/generate.sh: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while generating the corpus");
        }
    }
}
