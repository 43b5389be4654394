package com.certyneo.engine.cli;

import java.io.PrintStream;

/**
 * Start-up and phase timings on standard error, for {@code CERTYNEO_TIMING=1}: how long the JVM took to
 * reach {@code main}, then wall and process CPU time per phase (command line, engine, operation, output).
 * Off by default, and then free: nothing is measured or loaded.
 */
final class Timing {

    private static final boolean ENABLED = System.getenv("CERTYNEO_TIMING") != null
            && !System.getenv("CERTYNEO_TIMING").isEmpty() && !"0".equals(System.getenv("CERTYNEO_TIMING"));
    private static long lastWall;
    private static long lastCpu;
    private static long firstWall;

    private Timing() {
    }

    /** Marks the end of a phase. */
    static synchronized void mark(String phase) {
        if (!ENABLED) {
            return;
        }
        long wall = System.nanoTime();
        long cpu = processCpuNanos();
        PrintStream err = System.err;
        if (lastWall == 0) {
            long sinceStart = ProcessHandle.current().info().startInstant()
                    .map(s -> System.currentTimeMillis() - s.toEpochMilli()).orElse(-1L);
            err.printf("timing: %-22s %6d ms since the process started (cpu %d ms)%n", phase, sinceStart, cpu / 1_000_000);
            firstWall = wall;
        } else {
            err.printf("timing: %-22s %+6d ms (cpu %+d ms), %d ms since main%n", phase, (wall - lastWall) / 1_000_000,
                    (cpu - lastCpu) / 1_000_000, (wall - firstWall) / 1_000_000);
        }
        lastWall = wall;
        lastCpu = cpu;
    }

    /** @return the process's CPU time so far (from java.base: loading java.management would distort the first phase) */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }
}
