package com.certyneo.engine.pades;

import com.certyneo.testvectors.PdfVector;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * Appends a signature revision to a large PDF from a file with {@link RevisionWriter} and reports, per
 * phase, the time and the bytes allocated by the thread, and the peak heap: PDFBox's load (through a
 * scratch file), building and laying out the revision, and the one-pass copy of the original with the
 * byte-range digest (then a dummy CMS is patched in). For scale it also times a plain copy of the file
 * with a SHA-256 of it (the least a one-pass write can cost). Not a test, not run by the build:
 * <pre>
 *   ./mvnw -q -B -o -pl engine-pades test-compile dependency:build-classpath \
 *       -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 *   cp="engine-pades/target/test-classes:engine-pades/target/classes:$(cat engine-pades/target/bench.classpath)"
 *   java -Xmx4g -cp "$cp" com.certyneo.engine.pades.RevisionWriterBenchmark /tmp/big-150.pdf 150 generate
 *   java -Xmx256m -cp "$cp" com.certyneo.engine.pades.RevisionWriterBenchmark /tmp/big-150.pdf 150 run
 * </pre>
 */
public final class RevisionWriterBenchmark {

    private RevisionWriterBenchmark() {
    }

    /**
     * @param args the PDF path, its size in MB, and {@code generate} (write it; a large heap) or
     *             {@code run} (append a signature revision; any heap)
     */
    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        long megabytes = Long.parseLong(args[1]);
        if ("generate".equals(args[2])) {
            Files.write(in, PdfVector.large(megabytes * 1024 * 1024));
            return;
        }
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path out = Files.createTempFile("certyneo-revision", ".pdf");
        Path scratch = Files.createTempDirectory("certyneo-revision-scratch");
        try {
            for (int round = 1; round <= rounds; round++) {
                System.gc();
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    pool.resetPeakUsage();
                }
                Phase copy = Phase.start();
                MessageDigest plain = MessageDigest.getInstance("SHA-256");
                try (DigestInputStream dis = new DigestInputStream(Files.newInputStream(in), plain);
                     OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
                    dis.transferTo(o);
                }
                copy.stop();

                Phase load = Phase.start();
                Phase build;
                Phase write;
                try (PDDocument doc = Loader.loadPDF(in.toFile(),
                        MemoryUsageSetting.setupTempFileOnly().setTempDir(scratch.toFile()).streamCache)) {
                    doc.getDocumentCatalog().getPages().getCount();
                    load.stop();
                    build = Phase.start();
                    try (RevisionWriter writer = RevisionWriter.open(in, doc, in.getFileName().toString())) {
                        SignatureRevision.addSignature(writer, new SignatureRevision.Options("Signature1")
                                .signingTime(Instant.now()).contentsSize(32 * 1024));
                        RevisionWriter.Revision revision = writer.write();
                        build.stop();
                        write = Phase.start();
                        MessageDigest digest = MessageDigest.getInstance("SHA-256");
                        try (OutputStream o = Files.newOutputStream(out)) {
                            revision.writeHead(o, digest);
                            byte[] cms = new byte[12 * 1024]; // a stand-in of the size of a B-LT CMS
                            cms[0] = (byte) 0x30;
                            System.arraycopy(digest.digest(), 0, cms, 1, 32);
                            revision.writeTail(o, cms);
                        }
                        write.stop();
                    }
                }
                long peak = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP) {
                        peak += pool.getPeakUsage().getUsed();
                    }
                }
                System.out.printf("round %d, %d MB PDF: plain copy+SHA-256 %s | PDFBox load %s | build+layout %s | "
                                + "one-pass copy+digest+patch %s | revision total %d ms | peak heap %d MB (max %d MB), "
                                + "output %d bytes%n", round, Files.size(in) / (1024 * 1024), copy, load, build, write,
                        load.millis + build.millis + write.millis, peak / (1024 * 1024),
                        Runtime.getRuntime().maxMemory() / (1024 * 1024), Files.size(out));
            }
        } finally {
            Files.deleteIfExists(out);
            TempFiles.delete(scratch);
        }
    }

    /** The time and the bytes the current thread allocated in one phase. */
    private static final class Phase {
        private final long t0 = System.nanoTime();
        private final long a0 = allocated();
        long millis;
        long bytes;

        static Phase start() {
            return new Phase();
        }

        void stop() {
            millis = (System.nanoTime() - t0) / 1_000_000;
            bytes = allocated() - a0;
        }

        private static long allocated() {
            return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                    .getThreadAllocatedBytes(Thread.currentThread().getId());
        }

        @Override
        public String toString() {
            return millis + " ms / " + (bytes < 10L << 20 ? bytes / 1024 + " KB" : bytes / (1024 * 1024) + " MB") + " alloc";
        }
    }
}
