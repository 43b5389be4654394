package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the output self-check costs next to signing: medians over a loop, for a 1-page document at every
 * profile and a ~20 MB one at B-T and B-LTA (checked from memory and from disk). The signing times include
 * the check the engine runs. Not a test: run with {@code bench/selfcheck.sh [iterations] [megabytes]}.
 */
public final class OutputSelfCheckBenchmark {

    private OutputSelfCheckBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 20;
        System.setProperty("java.awt.headless", "true");
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root()))
                .build();
        List<java.security.cert.X509Certificate> anchors = List.of(fixture.root());
        Path dir = Files.createTempDirectory("certyneo-selfcheck");

        System.out.printf("JDK %s, %d cores; medians in ms%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("%-22s %-6s %10s %12s %12s %8s%n", "document", "level", "sign", "check (mem)", "check (disk)", "share");
        byte[] page = SamplePdfs.minimal();
        for (PadesProfile profile : PadesProfile.values()) {
            run("1 page", page, profile, iterations, engine, fixture.sealKey().certificate(), anchors, dir);
        }
        byte[] large = PdfVector.large(megabytes * 1024 * 1024);
        for (PadesProfile profile : List.of(PadesProfile.B_T, PadesProfile.B_LTA)) {
            run(large.length / (1024 * 1024) + " MB", large, profile, Math.max(3, iterations / 20), engine,
                    fixture.sealKey().certificate(), anchors, dir);
        }
    }

    private static void run(String label, byte[] input, PadesProfile profile, int iterations, PadesSignatureEngine engine,
                            java.security.cert.X509Certificate seal, List<java.security.cert.X509Certificate> anchors,
                            Path dir) throws Exception {
        int warmup = Math.max(2, iterations / 4);
        long[] sign = new long[iterations];
        long[] memory = new long[iterations];
        long[] disk = new long[iterations];
        OutputSelfCheck check = OutputSelfCheck.signature(profile, seal, anchors);
        Path file = dir.resolve("signed.pdf");
        for (int i = -warmup; i < iterations; i++) {
            long t0 = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + 64_000);
            engine.sign(SignRequest.builder().document(DocumentSource.of(input, "bench.pdf")).output(DocumentTarget.of(out))
                    .signer(Signer.of("Bench", "bench@example.com")).level(SignatureLevel.SES).profile(profile).build());
            long t1 = System.nanoTime();
            byte[] signed = out.toByteArray();
            check.verify(signed, input.length, "bench.pdf");
            long t2 = System.nanoTime();
            Files.write(file, signed);
            long t3 = System.nanoTime();
            check.verify(file, input.length, "bench.pdf");
            long t4 = System.nanoTime();
            if (i >= 0) {
                sign[i] = t1 - t0;
                memory[i] = t2 - t1;
                disk[i] = t4 - t3;
            }
        }
        double s = median(sign);
        double m = median(memory);
        System.out.printf("%-22s %-6s %10.2f %12.2f %12.2f %7.1f%%%n", label, profile, s, m, median(disk), 100 * m / s);
    }

    private static double median(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }
}
