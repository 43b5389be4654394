package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Benchmark harness, not a test (surefire's default includes skip it). Run with:
 * <pre>mvn -o -q -B -pl engine-pades -am verify -Dtest=KeysBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Prints median and p90 per operation; see BENCHMARKS-keys.md.
 */
class KeysBenchmark {

    static final int WARMUP = 5;
    static final int RUNS = 25;

    @TempDir
    Path home;

    @Test
    void run() {
        byte[] pdf = SamplePdfs.multiPage(5);
        Signer signer = Signer.parse("Jane Doe <jane@example.com>");
        System.out.printf("KeysBenchmark: %d-byte PDF (5 pages), %d runs after %d warm-up, sandbox engine, EC P-256%n",
                pdf.length, RUNS, WARMUP);
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            SandboxPki pki = engine.sandboxPki().orElseThrow();
            SigningKey seal = SigningKey.of(pki.seal().key(), pki.seal().chain());
            for (PadesProfile profile : new PadesProfile[] {PadesProfile.B_B, PadesProfile.B_T}) {
                measure("one-step SES " + profile, () -> {
                    engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "bench.pdf"))
                            .output(DocumentTarget.of(new ByteArrayOutputStream())).signer(signer)
                            .level(SignatureLevel.SES).profile(profile).build());
                    return null;
                });
                measure("two-step SES " + profile + " (prepare + sign + complete)", () -> {
                    PreparedSignature p = engine.prepare(PrepareRequest.builder().document(DocumentSource.of(pdf, "bench.pdf"))
                            .signer(signer).level(SignatureLevel.SES).profile(profile).certificateChain(seal.certificateChain()).build());
                    engine.complete(p.state(), seal.sign(p.dataToSign(), p.signatureAlgorithm()), DocumentSource.of(pdf, "bench.pdf"),
                            DocumentTarget.of(new ByteArrayOutputStream()));
                    return null;
                });
                measure("QES via local CSC server " + profile, () -> {
                    engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "bench.pdf"))
                            .output(DocumentTarget.of(new ByteArrayOutputStream())).signer(signer)
                            .level(SignatureLevel.QES).profile(profile).build());
                    return null;
                });
            }
        }
    }

    static void measure(String name, Supplier<Void> op) {
        for (int i = 0; i < WARMUP; i++) {
            op.get();
        }
        long[] ms = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            op.get();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.printf("  %-55s median %4d ms   p90 %4d ms%n", name, ms[RUNS / 2], ms[(int) (RUNS * 0.9)]);
    }
}
