package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.testvectors.PdfVector;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Signs one large generated PDF at B-T from disk (or in memory with {@code memory}) and reports the
 * time and the peak heap. Not a test: {@code bench/large.sh [megabytes] [disk|memory] [max heap]}.
 */
public final class LargeDocumentBenchmark {

    private LargeDocumentBenchmark() {
    }

    /**
     * @param args the PDF path, its size in MB, and the mode: {@code generate} (write the PDF, run with a
     *             large heap), {@code disk} or {@code memory} (sign it, run with the heap under test)
     */
    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        long megabytes = Long.parseLong(args[1]);
        if ("generate".equals(args[2])) {
            Files.write(in, PdfVector.large(megabytes * 1024 * 1024));
            return;
        }
        boolean disk = !"memory".equals(args[2]);
        Path dir = Files.createTempDirectory("certyneo-large");
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).largeDocumentThreshold(disk ? 0 : Long.MAX_VALUE).build();
        long start = System.nanoTime();
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(dir.resolve("signed.pdf")))
                .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_T).build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%s: %d MB PDF signed at B-T in %d ms, peak heap %d MB (max heap %d MB)%n", disk ? "disk" : "memory",
                Files.size(in) / (1024 * 1024), millis, peak / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }
}
