package com.certyneo.engine.audit;

import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.pades.PadesSignatureEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Render and render+seal times for 10, 100 and 1,000 events (sandbox engine, B-LTA). Not a test:
 * it runs only with {@code -Dcertyneo.benchmark=true}; see BENCHMARKS.md for the command.
 */
@EnabledIfSystemProperty(named = "certyneo.benchmark", matches = "true")
class AuditTrailBenchmark {

    private static final int RUNS = 5;

    @TempDir
    Path home;

    @Test
    void renderAndSeal() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(String.format("%-8s %8s %10s %14s %14s %12s%n", "events", "pages", "PDF KiB", "render ms", "render+seal ms",
                "sealed KiB"));
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            AuditTrail render = AuditTrail.builder().build();
            AuditTrail seal = AuditTrail.builder().engine(engine).build();
            // Warm-up: class loading, font parsing, DSS and the sandbox PKI.
            for (int i = 0; i < 3; i++) {
                seal.seal(SampleEvidence.build(EnvelopeMode.SANDBOX, 100), DocumentTarget.of(new ByteArrayOutputStream()));
            }
            for (int events : new int[] {10, 100, 1000}) {
                Evidence evidence = SampleEvidence.build(EnvelopeMode.SANDBOX, events);
                List<Long> renderTimes = new ArrayList<>();
                List<Long> sealTimes = new ArrayList<>();
                byte[] pdf = null;
                long sealedSize = 0;
                for (int r = 0; r < RUNS; r++) {
                    long t0 = System.nanoTime();
                    pdf = render.render(evidence);
                    renderTimes.add(System.nanoTime() - t0);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    long t1 = System.nanoTime();
                    seal.seal(evidence, DocumentTarget.of(out));
                    sealTimes.add(System.nanoTime() - t1);
                    sealedSize = out.size();
                }
                int pages;
                try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
                    pages = doc.getNumberOfPages();
                }
                report.append(String.format("%-8d %8d %10d %14.0f %14.0f %12d%n", evidence.events().size(), pages, pdf.length / 1024,
                        median(renderTimes) / 1e6, median(sealTimes) / 1e6, sealedSize / 1024));
            }
        }
        report.append(String.format("(median of %d runs; %s, %d cores, Java %s)%n", RUNS, System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        System.out.print(report);
        Files.writeString(Path.of("target", "benchmark.txt"), report);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
