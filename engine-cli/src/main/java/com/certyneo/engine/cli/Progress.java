package com.certyneo.engine.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Progress of long work on standard error, for a person at a terminal only: with output redirected or piped (a
 * script, CI, a test) nothing is printed, so standard output and standard error stay exactly the reports and errors.
 * A {@link #ticker} rewrites one line ("Signing big.pdf (312 MB)... 4 s") once the work has taken a second, and
 * clears it when the work ends; {@link #step} prints one line per step of multi-step work (the demo, a batch).
 */
final class Progress implements AutoCloseable {

    /** How long work runs before the ticker shows. */
    static final long DELAY_MILLIS = 1000;

    private final PrintWriter err;
    private final String label;
    private final Thread thread;
    private volatile boolean done;
    private boolean shown;
    private int width;

    private Progress(PrintWriter err, String label, long delayMillis, boolean enabled) {
        this.err = err;
        this.label = label;
        if (!enabled) {
            this.thread = null;
            return;
        }
        this.thread = new Thread(() -> tick(delayMillis), "certyneo-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return whether progress is shown by default: standard error is a terminal and {@code CERTYNEO_PROGRESS} is not
     * {@code 0}. On Linux standard error itself is looked at ({@code /proc/self/fd/2} names a terminal device), so
     * that {@code certyneo validate a.pdf --json > report.json} still shows progress; elsewhere the JVM's console
     * decides (standard input and output are a terminal).
     */
    static boolean terminal() {
        if ("0".equals(System.getenv("CERTYNEO_PROGRESS"))) {
            return false;
        }
        Path stderr = Path.of("/proc/self/fd/2");
        try {
            String device = Files.readSymbolicLink(stderr).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /**
     * @param err standard error
     * @param enabled whether to show anything ({@link #terminal()})
     * @param label what is being done, such as "Signing in.pdf"
     * @return a ticker, to close when the work ends
     */
    static Progress ticker(PrintWriter err, boolean enabled, String label) {
        return new Progress(err, label, DELAY_MILLIS, enabled);
    }

    /** As {@link #ticker(PrintWriter, boolean, String)}, showing after {@code delayMillis} (tests). */
    static Progress ticker(PrintWriter err, boolean enabled, String label, long delayMillis) {
        return new Progress(err, label, delayMillis, enabled);
    }

    /** Prints one step of multi-step work, when enabled. */
    static void step(PrintWriter err, boolean enabled, String text) {
        if (enabled) {
            err.println(text);
            err.flush();
        }
    }

    /** @return "in.pdf" or, from 32 MiB on, "in.pdf (312 MB)" */
    static String describe(Path file) {
        try {
            long size = Files.size(file);
            if (size >= 32L * 1024 * 1024) {
                return file.getFileName() + String.format(Locale.ROOT, " (%d MB)", size / (1024 * 1024));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the command reports the file's problem
        }
        return String.valueOf(file.getFileName());
    }

    private void tick(long delayMillis) {
        long start = System.nanoTime();
        try {
            Thread.sleep(delayMillis);
            while (!done) {
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                String line = label + "... " + seconds + " s";
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                    err.flush();
                    width = line.length();
                    shown = true;
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Stops the ticker and clears its line. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            if (shown) {
                err.print("\r" + " ".repeat(width) + "\r");
                err.flush();
            }
        }
        thread.interrupt();
    }
}
