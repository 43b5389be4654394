package com.certyneo.testvectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent checkers a signed PDF must satisfy: poppler's {@code pdfsig} and
 * {@code qpdf --check}. When a tool is not installed, {@link #require(String)} fails under
 * {@code CI=true} (CI must never skip these checks) and otherwise reports it as unavailable so the
 * caller can skip.
 */
public final class ExternalValidators {

    private ExternalValidators() {
    }

    /**
     * The outcome of running a tool.
     *
     * @param exitCode the process's exit code
     * @param output   what it wrote (standard output and standard error)
     */
    public record Run(int exitCode, String output) {
    }

    /**
     * {@return whether it is on the PATH}
     * @param tool an executable name such as {@code pdfsig}
     * @throws IllegalStateException when it is missing and the environment says {@code CI=true}
     */
    public static boolean require(String tool) {
        boolean present = isOnPath(tool);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(tool + " is required under CI=true but is not installed "
                    + "(.ci/run installs poppler-utils and qpdf)");
        }
        return present;
    }

    /**
     * {@return {@code qpdf --check} output; exit code 0 means clean (3 means warnings)}
     * @param pdf a PDF file
     */
    public static Run qpdfCheck(Path pdf) {
        return run(List.of("qpdf", "--check", pdf.toString()));
    }

    /**
     * {@return {@code pdfsig} output (no online checks)}
     * @param pdf a PDF file
     */
    public static Run pdfsig(Path pdf) {
        return run(List.of("pdfsig", "-nocert", pdf.toString()));
    }

    /**
     * Counts the signatures pdfsig reports as cryptographically valid ("Signature is Valid.").
     *
     * @param pdfsigOutput the output of {@link #pdfsig(Path)}
     * @return the number of valid signatures
     */
    public static int validSignatureCount(String pdfsigOutput) {
        int count = 0;
        for (String line : pdfsigOutput.split("\n")) {
            if (line.contains("Signature Validation: Signature is Valid.")) {
                count++;
            }
        }
        return count;
    }

    private static boolean isOnPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static Run run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 60 s");
            }
            return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }
}
