package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TimestampAuthority;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import com.sun.management.GarbageCollectionNotificationInfo;
import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.pdf.PdfMemoryUsageSetting;
import eu.europa.esig.dss.pdf.pdfbox.PdfBoxNativeObjectFactory;
import eu.europa.esig.dss.signature.resources.TempFileResourcesHandlerBuilder;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.reports.Reports;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark harness of issue 11: the engine against raw DSS 6.2 and against a floor, in one run, one
 * table per target of the issue, each row PASS/FAIL against its target. Not a test (surefire never runs
 * it): {@code bench/pipeline.sh [quick|full] [sections]}.
 *
 * <p>The floor of a signature is what no PAdES signer can avoid: SHA-256 of the input, one ECDSA P-256
 * signature with the same key, one time-stamp token from the same in-process TSA for the profiles that
 * need one, and one copy of the input to the output. Raw DSS is the {@link PAdESService} code an
 * integrator would write with the same key, TSA and offline OCSP responder (for files of 32 MiB or more:
 * DSS's PDFBox native factory with temporary files; the engine works from disk from 8 MiB). Times are wall-clock medians of
 * interleaved runs (floor, raw, engine, floor, raw, engine, ...), with the half inter-quartile range in
 * percent of the median as the noise figure; the load average is printed with each table because other
 * processes share the machine.
 *
 * <p>Sections (comma-separated second argument, default all): {@code size} (B-B/B-T by document size,
 * plus allocation per signature at 20 MB), {@code seq} (1st/10th/20th/30th sequential signature),
 * {@code validate} (1 and 30 signers), {@code threads} (1 vs 2 threads on one engine), {@code aes}
 * (sandbox AES vs production SES at B-LT), {@code heap} (child JVMs with -Xmx256m).
 */
public final class PipelineBenchmark {

    private static final Path BENCH = Path.of("target", "bench");
    private static final long MB = 1024L * 1024;
    /** Runs per block of {@link #timedWarmUp}. */
    private static final int WARM_BLOCK = 25;
    private static final long LARGE_THRESHOLD = 32 * MB; // raw DSS: where an integrator would switch to temporary files

    /** Iteration counts of one mode. */
    private record Mode(String name, boolean full, int globalWarmup, int smallWarmup, int smallRuns, int largeWarmup,
                        int largeRuns, int hugeRuns, int checkpointRuns, int validateOneWarmup, int validateOneRuns,
                        int validateManyRuns, int threadMillis, int threadTrials, int aesWarmup, int aesRuns,
                        double warmSeconds) {
        static Mode of(String name) {
            return switch (name) {
                case "quick" -> new Mode("quick", false, 20, 10, 40, 5, 7, 0, 7, 5, 15, 3, 1500, 3, 10, 30, 5);
                case "full" -> new Mode("full", true, 60, 100, 250, 2, 9, 5, 9, 20, 50, 3, 4000, 5, 60, 200, 12);
                default -> throw new IllegalArgumentException("mode must be quick or full, not " + name);
            };
        }

        /** @return unmeasured rounds before the memo-less #1/#30 rows */
        int coldWarmup() {
            return full ? 20 : 10;
        }

        /** @return measured rounds of the memo-less #1/#30 rows (each round signs #1, #30 and the floor's two once) */
        int coldRuns() {
            return full ? 300 : 100;
        }
    }

    @FunctionalInterface
    private interface Op {
        Object run() throws Exception;
    }

    private final Mode mode;
    private final ProductionFixture fixture;
    private final OfflineRevocation revocation;
    private final PadesSignatureEngine production;
    /** {@link #production} with {@code onCallerThread(true)}: no hand-off to a worker thread. */
    private final PadesSignatureEngine productionHere;
    private final PadesSignatureEngine sandbox;
    private final PadesSignatureEngine verifier;
    private final AllocationCounter allocations = new AllocationCounter();
    /** The 30-signature documents of section seq, by "production"/"sandbox" + profile name, for section validate. */
    private final Map<String, byte[]> chains = new java.util.HashMap<>();

    private PipelineBenchmark(Mode mode) {
        this.mode = mode;
        this.fixture = ProductionFixture.create();
        this.revocation = OfflineRevocation.signedBy(fixture.rootKey(), fixture.root());
        this.production = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(revocation).build();
        this.productionHere = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(revocation).onCallerThread(true).build();
        this.sandbox = PadesSignatureEngine.sandbox(BENCH.resolve("sandbox-home"));
        this.verifier = PadesSignatureEngine.builder().build(); // a pure validator: trust anchors come with each call
    }

    /**
     * @param args {@code quick|full [sections]}, or the child-process forms {@code generate FILE MB} and
     *             {@code heap-child path|stream FILE OUTPUT}
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length > 0 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Long.parseLong(args[2]));
            return;
        }
        if (args.length > 0 && args[0].equals("heap-child")) {
            heapChild(args[1], Path.of(args[2]), Path.of(args[3]));
            return;
        }
        Mode mode = Mode.of(args.length > 0 ? args[0] : "quick");
        Set<String> sections = Set.of((args.length > 1 ? args[1] : "size,seq,validate,threads,aes,heap").split(","));
        Files.createDirectories(BENCH.resolve("out"));
        long start = System.nanoTime();
        header(mode, sections);
        PipelineBenchmark bench = new PipelineBenchmark(mode);
        Map<String, Path> inputs = bench.inputs();
        bench.warmUp();
        if (sections.contains("size")) {
            bench.sizes(inputs);
        }
        if (sections.contains("seq")) {
            bench.sequential();
        }
        if (sections.contains("validate")) {
            bench.validation();
        }
        if (sections.contains("threads")) {
            bench.threads();
        }
        if (sections.contains("aes")) {
            bench.aesVersusSes();
        }
        if (sections.contains("heap")) {
            bench.heap(inputs);
        }
        System.out.printf("%nJava part done in %.1f s; load average now %s%n", (System.nanoTime() - start) / 1e9, loadAverage());
        bench.sandbox.close();
        System.exit(0); // the engine's daemon threads and the in-process services need no orderly stop
    }

    // ------------------------------------------------------------------------------------------ inputs

    private static void header(Mode mode, Set<String> sections) {
        Runtime rt = Runtime.getRuntime();
        System.out.println("=== Certyneo pipeline benchmark (issue 11) ===");
        System.out.printf("date      %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
        System.out.printf("mode      %s, sections %s%n", mode.name(), String.join(",", new java.util.TreeSet<>(sections)));
        System.out.printf("JDK       %s (%s), %s%n", Runtime.version(), System.getProperty("java.vm.name"),
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX")).toList());
        System.out.printf("machine   %d cores, %s %s, max heap %d MB, GC %s%n", rt.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), rt.maxMemory() / MB,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
        System.out.printf("code      %s; DSS %s, PDFBox %s%n", System.getProperty("bench.commit", "commit unknown"),
                version(PAdESService.class), version(org.apache.pdfbox.Loader.class));
        System.out.printf("load avg  %s (other processes share these cores: read medians with the noise column)%n",
                loadAverage());
        System.out.println("times     wall-clock ms, median of interleaved runs, '±' = half the inter-quartile range in % of the median");
    }

    private static String version(Class<?> type) {
        String v = type.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        String location = String.valueOf(type.getProtectionDomain().getCodeSource().getLocation());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d[^/]*)\\.jar").matcher(location);
        return m.find() ? m.group(1) : "?";
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** The deterministic input files, generated once into target/bench (large ones in a child JVM with a big heap). */
    private Map<String, Path> inputs() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("1 page", small(BENCH.resolve("pages-1.pdf"), 1));
        files.put("10 pages", small(BENCH.resolve("pages-10.pdf"), 10));
        files.put(OBJECT_HEAVY, small(BENCH.resolve("pages-1000.pdf"), 1000));
        files.put("20 MB", large(20));
        if (mode.full()) {
            files.put("150 MB", large(150));
            files.put("500 MB", large(500));
        }
        return files;
    }

    /**
     * A document whose cost is its objects, not its bytes (no target: the issue's sizes are 1 and 10 pages, 20 and
     * 150 MB): 1,000 pages of PDFBox's writing, 5,025 objects, 4,002 of them in 21 object streams. The engine parses
     * every object (its depth check walks them all), so its time grows with the objects where the floor's grows
     * with the bytes.
     */
    private static final String OBJECT_HEAVY = "1,000 pages";

    private static Path small(Path file, int pages) throws IOException {
        if (!Files.exists(file)) {
            Files.write(file, SamplePdfs.multiPage(pages));
        }
        return file;
    }

    private static Path large(long megabytes) throws Exception {
        Path file = BENCH.resolve("large-" + megabytes + "mb.pdf");
        if (!Files.exists(file)) {
            System.out.printf("generating %s (PdfVector.large, child JVM -Xmx6g) ...%n", file);
            Process p = new ProcessBuilder(javaCommand("-Xmx6g", "generate", file.toString(), Long.toString(megabytes)))
                    .inheritIO().start();
            if (p.waitFor() != 0 || !Files.exists(file)) {
                throw new IllegalStateException("could not generate " + file);
            }
        }
        return file;
    }

    private static void generate(Path file, long megabytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Files.write(tmp, PdfVector.large(megabytes * MB));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<String> javaCommand(String heap, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"), PipelineBenchmark.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** JIT warm-up of every code path on the 1-page file before any table: sign at each profile, validate. */
    private void warmUp() throws Exception {
        long t0 = System.nanoTime();
        byte[] pdf = Files.readAllBytes(BENCH.resolve("pages-1.pdf"));
        byte[] signed = null;
        for (int i = 0; i < mode.globalWarmup(); i++) {
            for (PadesProfile profile : PadesProfile.values()) {
                floor(pdf, profile);
                raw(pdf, profile);
                signed = engine(production, pdf, profile, SignatureLevel.SES, seal()).toByteArray();
                engine(sandbox, pdf, profile, SignatureLevel.AES, person(i)).toByteArray();
            }
            verifier.validate(DocumentSource.of(signed, "warm.pdf"), ValidationOptions.trusting(List.of(fixture.root())));
            rawValidate(signed, fixture.root());
        }
        System.out.printf("warm-up   %d rounds of floor/raw/engine/sandbox at B-B..B-LTA + validation, %.1f s%n",
                mode.globalWarmup(), (System.nanoTime() - t0) / 1e9);
        // A few hundred signatures leave much of the engine's code interpreted or at C1 (a 1-page signature took
        // 2-3x its steady time after them), while the floor's few methods are compiled at once: measured then,
        // the engine/floor ratio says more about the JIT than about the engine. Every implementation first runs
        // alone for a fixed time, as in JMH's warm-up iterations; the 'steady' line says where each one ended.
        List<String> steady = new ArrayList<>();
        for (PadesProfile profile : List.of(PadesProfile.B_T, PadesProfile.B_LTA)) {
            steady.add(timedWarmUp("floor " + profile, () -> floor(pdf, profile)));
            steady.add(timedWarmUp("raw " + profile, () -> raw(pdf, profile)));
            steady.add(timedWarmUp("engine " + profile, () -> engine(production, pdf, profile, SignatureLevel.SES, seal())));
        }
        int[] n = {0};
        steady.add(timedWarmUp("sandbox B-LT", () -> engine(sandbox, pdf, PadesProfile.B_LT, SignatureLevel.AES, person(++n[0]))));
        System.out.printf("steady    %s%n", String.join("; ", steady));
    }

    /**
     * Runs {@code op} for {@link Mode#warmSeconds} (JMH-style time-boxed warm-up: a convergence test stopped too
     * early, on the plateaus between compilations) in blocks of {@link #WARM_BLOCK}, and says whether the medians
     * of the last three blocks lie within 5 % of their mean.
     *
     * @return what it took, for the report: runs, seconds, the last block's median and whether it settled
     */
    private String timedWarmUp(String label, Op op) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (mode.warmSeconds() * 1e9);
        List<Double> medians = new ArrayList<>();
        int runs = 0;
        while (System.nanoTime() < end || medians.size() < 3) {
            long[] block = new long[WARM_BLOCK];
            for (int i = 0; i < WARM_BLOCK; i++) {
                long t = System.nanoTime();
                op.run();
                block[i] = System.nanoTime() - t;
            }
            runs += WARM_BLOCK;
            medians.add(Stats.of(block).median);
        }
        int k = medians.size();
        double mean = (medians.get(k - 1) + medians.get(k - 2) + medians.get(k - 3)) / 3;
        boolean settled = medians.subList(k - 3, k).stream().allMatch(m -> Math.abs(m - mean) <= 0.05 * mean);
        return String.format(Locale.ROOT, "%s %d runs %.1f s -> %.2f ms%s", label, runs, (System.nanoTime() - start) / 1e9,
                medians.get(k - 1), settled ? "" : " (not settled)");
    }

    // ------------------------------------------------------------------------------------------ the three signers

    private static Signer seal() {
        return Signer.of("Bench Seal", "seal@example.com");
    }

    private static Signer person(int n) {
        return Signer.of("Bench Signer " + n, "signer" + n + "@example.com").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    /** SHA-256 of the bytes, one signature with the seal key, one token for T-based profiles, one copy. */
    private ByteArrayOutputStream floor(byte[] pdf, PadesProfile profile) throws IOException {
        return floor(pdf, profile, false);
    }

    /**
     * {@link #floor(byte[], PadesProfile)}, then the verifications of what it made that a signer checking its output
     * cannot skip: the signature value, and the token's signature (see the size table's note).
     */
    private ByteArrayOutputStream verifiedFloor(byte[] pdf, PadesProfile profile) throws IOException {
        return floor(pdf, profile, true);
    }

    private ByteArrayOutputStream floor(byte[] pdf, PadesProfile profile, boolean verify) throws IOException {
        byte[] hash = sha256(pdf);
        byte[] signature = fixture.sealKey().sign(hash, "SHA256withECDSA");
        if (verify && !LightweightEcdsa.verifies("SHA256withECDSA", fixture.sealKey().certificate().getPublicKey(), hash,
                signature)) {
            throw new IllegalStateException("the floor's signature does not verify");
        }
        byte[] token = profile == PadesProfile.B_B ? new byte[0] : fixture.tsa().timestamp("SHA-256", sha256(signature));
        if (verify && token.length > 0) {
            try {
                org.bouncycastle.tsp.TimeStampToken parsed =
                        new org.bouncycastle.tsp.TimeStampToken(new org.bouncycastle.cms.CMSSignedData(token));
                @SuppressWarnings("unchecked")
                java.util.Collection<org.bouncycastle.cert.X509CertificateHolder> tsu =
                        parsed.getCertificates().getMatches(parsed.getSID());
                parsed.validate(LightweightEcdsa.signerInfoVerifier(tsu.iterator().next()));
            } catch (org.bouncycastle.cms.CMSException | org.bouncycastle.tsp.TSPException e) {
                throw new IllegalStateException("the floor's token does not verify", e);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 16_384);
        out.write(pdf);
        out.write(signature);
        out.write(token);
        return out;
    }

    /** The file form of {@link #floor(byte[], PadesProfile)}: one streaming pass that hashes and copies. */
    private long floor(Path in, Path outFile, PadesProfile profile) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream input = Files.newInputStream(in); OutputStream out = Files.newOutputStream(outFile)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = input.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            byte[] signature = fixture.sealKey().sign(digest.digest(), "SHA256withECDSA");
            out.write(signature);
            if (profile != PadesProfile.B_B) {
                out.write(fixture.tsa().timestamp("SHA-256", sha256(signature)));
            }
        }
        return Files.size(outFile);
    }

    private static ByteArrayOutputStream engine(PadesSignatureEngine engine, byte[] pdf, PadesProfile profile,
                                                SignatureLevel level, Signer signer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 64_000);
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "bench.pdf")).output(DocumentTarget.of(out))
                .signer(signer).level(level).profile(profile).build());
        return out;
    }

    private static void engine(PadesSignatureEngine engine, Path in, Path out, PadesProfile profile) {
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(seal()).level(SignatureLevel.SES).profile(profile).build());
    }

    /** What an integrator would write against DSS directly, in memory (see SigningBenchmark). */
    private ByteArrayOutputStream raw(byte[] pdf, PadesProfile profile) throws IOException {
        DSSDocument signed = rawSign(new InMemoryDocument(pdf, "bench.pdf"), profile, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 64_000);
        signed.writeTo(out);
        return out;
    }

    /** Raw DSS from a file to a file; from 32 MiB up with the PDFBox native factory and temporary files. */
    private Path raw(Path in, Path out, PadesProfile profile) throws IOException {
        Path work = BENCH.resolve("work-raw");
        Files.createDirectories(work);
        try {
            PdfBoxNativeObjectFactory factory = null;
            if (Files.size(in) >= LARGE_THRESHOLD) {
                factory = new PdfBoxNativeObjectFactory();
                factory.setPdfMemoryUsageSetting(PdfMemoryUsageSetting.mixed(16 * MB));
                TempFileResourcesHandlerBuilder temporary = new TempFileResourcesHandlerBuilder();
                temporary.setTempFileDirectory(work.toFile());
                factory.setResourcesHandlerBuilder(temporary);
            }
            DSSDocument signed = rawSign(new FileDocument(in.toFile()), profile, factory);
            try (OutputStream o = Files.newOutputStream(out)) {
                signed.writeTo(o);
            }
            return out;
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private DSSDocument rawSign(DSSDocument document, PadesProfile profile, PdfBoxNativeObjectFactory factory) {
        SigningKey key = fixture.sealKey();
        List<X509Certificate> chain = key.certificateChain();
        PAdESSignatureParameters p = SigningBenchmark.rawParameters(profile, chain);
        CommonCertificateVerifier verifier = SigningBenchmark.rawVerifier(fixture.root());
        verifier.setOcspSource(revocation.responder());
        PAdESService service = new PAdESService(verifier);
        service.setTspSource(new RawTsp(fixture.tsa()));
        if (factory != null) {
            service.setPdfObjFactory(factory);
        }
        ToBeSigned tbs = service.getDataToSign(document, p);
        byte[] value = key.sign(tbs.getBytes(), p.getSignatureAlgorithm().getJCEId());
        return service.signDocument(document, p, new SignatureValue(p.getSignatureAlgorithm(), value));
    }

    /** The integrator's TSPSource over the same in-process TSA (self-contained: no engine class in the raw DSS path). */
    private static final class RawTsp implements eu.europa.esig.dss.spi.x509.tsp.TSPSource {
        private static final long serialVersionUID = 1L;
        private final transient TimestampAuthority tsa;

        RawTsp(TimestampAuthority tsa) {
            this.tsa = tsa;
        }

        @Override
        public eu.europa.esig.dss.model.TimestampBinary getTimeStampResponse(DigestAlgorithm algorithm, byte[] digest) {
            return new eu.europa.esig.dss.model.TimestampBinary(tsa.timestamp(algorithm.getJavaName(), digest));
        }
    }

    // ------------------------------------------------------------------------------------------ target 1: size

    private void sizes(Map<String, Path> inputs) throws Exception {
        Table table = new Table("B-B and B-T by document size: engine <= 2x floor (production SES, EC P-256, in-process TSA)",
                "case", "floor", "raw DSS 6.2", "engine", "engine/floor", "raw/floor", "target", "result",
                "floor+verify", "engine/that");
        Path out = BENCH.resolve("out");
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            if (input.getKey().equals("500 MB")) {
                continue; // the heap section's case
            }
            Path file = input.getValue();
            long size = Files.size(file);
            boolean inMemory = size < 16 * MB;
            for (PadesProfile profile : List.of(PadesProfile.B_B, PadesProfile.B_T)) {
                Stats[] s;
                Stats verifying = null;
                if (inMemory) {
                    byte[] pdf = Files.readAllBytes(file);
                    s = measureRawApart(mode.smallWarmup(), mode.smallRuns(), () -> floor(pdf, profile), () -> raw(pdf, profile),
                            () -> engine(production, pdf, profile, SignatureLevel.SES, seal()));
                    // apart, as raw DSS: a third operation interleaved with the floor and the engine slowed the engine
                    verifying = measure(mode.smallWarmup(), mode.smallRuns(), () -> verifiedFloor(pdf, profile))[0];
                    System.gc();
                } else {
                    boolean huge = size >= 100 * MB;
                    s = measureRawApart(huge ? 1 : mode.largeWarmup(), huge ? mode.hugeRuns() : mode.largeRuns(),
                            () -> floor(file, out.resolve("floor.pdf"), profile), () -> raw(file, out.resolve("raw.pdf"), profile),
                            () -> {
                                engine(production, file, out.resolve("engine.pdf"), profile);
                                return null;
                            });
                    requireSigned(out.resolve("raw.pdf"), size);
                    requireSigned(out.resolve("engine.pdf"), size);
                }
                double ratio = s[2].median / s[0].median;
                boolean target = !input.getKey().equals(OBJECT_HEAVY);
                table.row(String.format("%s (%s, %s) %s", input.getKey(), kb(size), inMemory ? "bytes" : "Path->Path", profile),
                        s[0].cell(), s[1].cell(), s[2].cell(), x(ratio), x(s[1].median / s[0].median),
                        target ? "<= 2.0x" : "(no target)", target ? verdict(ratio <= 2.0) : "-",
                        verifying == null ? "-" : verifying.cell(), verifying == null ? "-" : x(s[2].median / verifying.median));
            }
        }
        table.note("floor = SHA-256 of the input + 1 ECDSA signature + (B-T) 1 TSA token + 1 copy to the output; "
                + "1/10/1,000 pages: SamplePdfs.multiPage, byte[] -> OutputStream (1,000 pages: 5,025 objects, 4,002 in 21 object streams; the engine parses every object, the floor none); large: PdfVector.large, file -> file; "
                + "floor and engine interleaved, raw DSS in a block of its own after them (a full GC, untimed, before each "
                + "block): interleaved, the young collections of raw DSS's garbage (megabytes per one-page signature) "
                + "landed in the engine's runs");
        table.note("floor+verify (information, no verdict; documents in memory) = the floor, then what a signer that checks "
                + "its output before handing it over verifies at least, as the engine's self-check does: the signature "
                + "value with the signing key's public key, and (B-T) the token's signature with its TSU certificate "
                + "(BouncyCastle's lightweight ECDSA, keys decoded once, as on the engine's signing path), in a block of "
                + "its own after raw DSS's. engine/that is the engine against a floor with those guarantees.");
        table.print();
        if (inputs.containsKey("20 MB")) {
            allocation(inputs.get("20 MB"));
        }
    }

    private static void requireSigned(Path file, long inputSize) throws IOException {
        if (Files.size(file) <= inputSize) {
            throw new IllegalStateException(file + " is not larger than its input");
        }
    }

    /** Heap allocated per B-T signature of the 20 MB file (all threads: the engine works on a worker thread). */
    private void allocation(Path file) throws Exception {
        Path out = BENCH.resolve("out");
        PadesProfile profile = PadesProfile.B_T;
        Op[] ops = {() -> floor(file, out.resolve("floor.pdf"), profile), () -> raw(file, out.resolve("raw.pdf"), profile),
                () -> {
                    engine(production, file, out.resolve("engine.pdf"), profile);
                    return null;
                }};
        long[][] samples = new long[3][3];
        long[] rawThread = new long[3];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < ops.length; c++) {
                long t0 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                samples[c][i] = allocations.allocatedBy(ops[c]);
                if (c == 1) {
                    rawThread[i] = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - t0;
                }
            }
        }
        long[] medians = new long[3];
        for (int c = 0; c < 3; c++) {
            Arrays.sort(samples[c]);
            medians[c] = samples[c][1];
        }
        Arrays.sort(rawThread);
        Table table = new Table("Heap allocated per signature, 20 MB file, B-T (median of 3)",
                "case", "floor", "raw DSS 6.2", "engine", "engine/floor", "engine/input", "target", "result");
        long size = Files.size(file);
        table.row("20 MB B-T allocation", mb(medians[0]), mb(medians[1]), mb(medians[2]),
                x((double) medians[2] / Math.max(1, medians[0])), x((double) medians[2] / size), "(no target)", "-");
        table.note("whole-heap accounting (heap used after - before + bytes freed by every GC in between), because the "
                + "engine signs on a worker thread of its own, out of the caller's ThreadMXBean counter; cross-check: "
                + "ThreadMXBean.getThreadAllocatedBytes says raw DSS (same thread) allocated " + mb(rawThread[1]));
        table.print();
    }

    // ------------------------------------------------------------------------------------------ target 2: sequential signers

    private static final int[] CHECKPOINTS = {1, 10, 20, 30};

    /** One chain: a document signed again and again by one implementation. */
    private interface Chain {
        byte[] sign(byte[] pdf, int n) throws Exception;
    }

    private void sequential() throws Exception {
        byte[] start = Files.readAllBytes(BENCH.resolve("pages-1.pdf"));
        Table table = new Table("Sequential signatures on one document: the 30th <= 1.5x the 1st (1-page start)",
                "case", "floor", "raw DSS 6.2", "engine", "engine thread cpu", "cpu/1st", "doc before", "engine/1st", "target", "result");
        for (PadesProfile profile : List.of(PadesProfile.B_T, PadesProfile.B_LT, PadesProfile.B_LTA)) {
            // quick mode: no raw DSS chains, production SES at B-T and B-LTA, sandbox AES at B-T and B-LT (the
            // issue's headline chains); full mode: everything
            boolean withRaw = mode.full();
            boolean withProduction = mode.full() || profile != PadesProfile.B_LT;
            boolean withSandbox = mode.full() || profile != PadesProfile.B_LTA;
            Chain floor = (pdf, n) -> floor(pdf, profile).toByteArray();
            Chain raw = withRaw ? (pdf, n) -> raw(pdf, profile).toByteArray() : null;
            Chain prod = withProduction ? (pdf, n) -> engine(production, pdf, profile, SignatureLevel.SES, seal()).toByteArray() : null;
            Chain aes = withSandbox ? (pdf, n) -> engine(sandbox, pdf, profile, SignatureLevel.AES, person(n)).toByteArray() : null;
            Chain[] chains = {floor, raw, prod, aes};
            // warm-up of this profile's multi-signature code paths: a short unmeasured chain per implementation, then
            // its last document signed again for a fixed time (the code that walks earlier signatures runs compiled)
            List<String> steady = new ArrayList<>();
            String[] names = {"floor", "raw", "production", "sandbox"};
            int warmChain = mode.full() ? 8 : 5;
            for (int k = 0; k < chains.length; k++) {
                Chain chain = chains[k];
                if (chain == null) {
                    continue;
                }
                byte[] doc = start;
                for (int n = 1; n <= warmChain; n++) {
                    doc = chain.sign(doc, n);
                }
                byte[] warm = doc;
                steady.add(timedWarmUp(names[k] + " #" + (warmChain + 1), () -> chain.sign(warm, warmChain + 1)));
                if (k == 2) { // and the signer whose document is not in the memo: its whole-chain parsing compiled too
                    steady.add(timedWarmUp("production, not in the memo, #" + (warmChain + 1), () -> {
                        production.signedChains().clear();
                        return chain.sign(warm, warmChain + 1);
                    }));
                }
            }
            System.out.printf("steady    %s: %s%n", profile, String.join("; ", steady));
            byte[][] docs = {start, start, start, start};
            Map<Integer, Stats[]> wall = new LinkedHashMap<>();
            Map<Integer, Stats[]> cpu = new LinkedHashMap<>();
            byte[][] coldInput = new byte[chains.length][]; // each engine's input of its #30, signed again below memo-less
            Map<Integer, long[]> sizes = new LinkedHashMap<>();
            // The floor and the engines sign position by position, interleaved run by run. Raw DSS's chain signs in a
            // pass of its own after theirs, with a full GC after each of its positions, untimed: its 30th signatures
            // allocate gigabytes, and interleaved with the engines (even in a block of its own at each position) they
            // slowed everything measured beside them, the floor too (production B-T #30/#1 1.93x with it, 1.36x
            // without, the floor's 1.5x and 1.3x).
            int[][] passes = {{0, 2, 3}, {1}};
            for (int[] pass : passes) {
                boolean rawPass = pass[0] == 1;
                if (rawPass && chains[1] == null) {
                    continue;
                }
                for (int n = 1; n <= 30; n++) {
                    int position = n;
                    boolean checkpoint = Arrays.stream(CHECKPOINTS).anyMatch(c -> c == position);
                    int runs = !checkpoint ? 1 : n == 1 ? 5 * mode.checkpointRuns() : mode.checkpointRuns(); // #1 is cheap: more runs
                    long[][] w = new long[chains.length][runs];
                    long[][] c = new long[chains.length][runs];
                    byte[][] next = new byte[chains.length][];
                    if (checkpoint) {
                        long[] size = sizes.computeIfAbsent(n, x -> new long[chains.length]);
                        for (int k : pass) {
                            size[k] = docs[k] == null ? 0 : docs[k].length;
                        }
                    }
                    for (int r = 0; r < runs; r++) {
                        for (int k : pass) {
                            if (chains[k] == null) {
                                continue;
                            }
                            // the floor signs the engine's document of this position (the production chain's, else the
                            // sandbox's): its growth is what hashing and copying a longer document must cost any signer
                            byte[] doc = k == 0 ? (docs[2] != null ? docs[2] : docs[3]) : docs[k];
                            long cpu0 = signingThreadsCpu();
                            long t0 = System.nanoTime();
                            next[k] = chains[k].sign(doc, n);
                            w[k][r] = System.nanoTime() - t0;
                            c[k][r] = signingThreadsCpu() - cpu0;
                        }
                    }
                    if (!rawPass && n == 30) {
                        coldInput[2] = docs[2];
                        coldInput[3] = docs[3];
                    }
                    if (rawPass) {
                        System.gc(); // after raw DSS's signature at every position: nothing of it is collected later
                    }
                    for (int k : pass) {
                        docs[k] = next[k] != null ? next[k] : docs[k];
                    }
                    if (checkpoint) {
                        Stats[] ws = wall.computeIfAbsent(n, x -> new Stats[chains.length]);
                        Stats[] cs = cpu.computeIfAbsent(n, x -> new Stats[chains.length]);
                        for (int k : pass) {
                            ws[k] = Stats.of(w[k]);
                            cs[k] = Stats.of(c[k]);
                        }
                    }
                }
            }
            // #1 and #30 again, after the chain, in turn run by run with the floor at both positions, so that a noisy
            // stretch of the machine lands on all four (measured minutes apart in the chain above, the ratio of one
            // build moved from 1.41x to 2.27x across runs): first as in the envelope, the input of #30 in the engine's
            // memo of the chains it signed (it signed it last in the chain); then as a signer whose document the
            // engine did not just sign (another node, or hours later: SignedChains emptied first), its chain parsed whole.
            Map<Integer, Stats[]> inTurn = new java.util.HashMap<>(); // by engine: its #1, its #30, floor #1, floor #30
            Map<Integer, Stats[]> cold = new java.util.HashMap<>(); // the same, memo-less
            Map<Integer, long[]> found = new java.util.HashMap<>(); // by engine: #30 runs its memo held the input of, of all
            for (int engineIndex : new int[] {2, 3}) {
                Chain chain = chains[engineIndex];
                if (chain == null) {
                    continue;
                }
                PadesSignatureEngine engine = engineIndex == 2 ? production : sandbox;
                byte[] input30 = coldInput[engineIndex];
                long[] hits = {0};
                Op[] memoOps = {
                        () -> chain.sign(start, 1),
                        () -> {
                            long before = engine.signedChains().found();
                            byte[] signed = chain.sign(input30, 30);
                            hits[0] += engine.signedChains().found() - before;
                            return signed;
                        },
                        () -> chains[0].sign(start, 1),
                        () -> chains[0].sign(input30, 30)};
                inTurn.put(engineIndex, measure(mode.coldWarmup(), mode.coldRuns(), memoOps));
                found.put(engineIndex, new long[] {hits[0], mode.coldWarmup() + mode.coldRuns()});
                Op[] coldOps = {
                        () -> { engine.signedChains().clear(); return chain.sign(start, 1); },
                        () -> { engine.signedChains().clear(); return chain.sign(input30, 30); },
                        () -> chains[0].sign(start, 1),
                        () -> chains[0].sign(input30, 30)};
                cold.put(engineIndex, measure(mode.coldWarmup(), mode.coldRuns(), coldOps));
            }
            for (int k = 1; k < chains.length; k++) {
                if (chains[k] != null) {
                    Files.write(BENCH.resolve("out").resolve("seq30-" + names[k] + "-" + profile.name() + ".pdf"), docs[k]);
                    this.chains.put(names[k] + profile.name(), docs[k]);
                }
            }
            for (int engineIndex : new int[] {2, 3}) {
                if (chains[engineIndex] == null) {
                    continue;
                }
                String who = engineIndex == 2 ? "production SES" : "sandbox AES";
                double first = wall.get(1)[engineIndex].median;
                double firstCpu = cpu.get(1)[engineIndex].median;
                for (int n : CHECKPOINTS) {
                    Stats[] s = wall.get(n);
                    table.row(String.format("%s %s #%d", who, profile, n),
                            s[0].cell(), engineIndex == 2 && withRaw ? s[1].cell() : "-", s[engineIndex].cell(),
                            cpu.get(n)[engineIndex].cell(), x(cpu.get(n)[engineIndex].median / firstCpu),
                            kb(sizes.get(n)[engineIndex]), x(s[engineIndex].median / first), "", "");
                }
                Stats[] t = inTurn.get(engineIndex);
                double ratio = t[1].median / t[0].median;
                long[] hits = found.get(engineIndex);
                table.row(String.format("  %s %s #1 / #30 in turn, input in the memo (%d of %d)", who, profile, hits[0], hits[1]),
                        t[2].cell() + " / " + t[3].cell(), "", t[0].cell() + " / " + t[1].cell(), "", "", "",
                        x(ratio), "<= 1.5x", verdict(ratio <= 1.5) + " (floor " + x(t[3].median / t[2].median) + ")");
                Stats[] c = cold.get(engineIndex);
                double coldRatio = c[1].median / c[0].median;
                table.row(String.format("  %s %s #1 / #30 in turn, input not in the memo", who, profile),
                        c[2].cell() + " / " + c[3].cell(), "", c[0].cell() + " / " + c[1].cell(), "", "", "",
                        x(coldRatio), "<= 1.5x", verdict(coldRatio <= 1.5) + " (floor " + x(c[3].median / c[2].median) + ")");
                if (engineIndex == 2 && withRaw) {
                    double rawRatio = wall.get(30)[1].median / wall.get(1)[1].median;
                    table.row("  (raw DSS 6.2 " + profile + " #30/#1)", "", "", "", "", "", kb(sizes.get(30)[1]), x(rawRatio), "", "");
                }
            }
            table.separator();
        }
        table.note("each checkpoint re-signs the same (n-1)-signature document " + mode.checkpointRuns()
                + "x (#1: " + 5 * mode.checkpointRuns() + "x) per implementation, floor and engines interleaved; other positions once; the floor "
                + "signs the production chain's document of each position (the sandbox's where there is none), so that its growth "
                + "is what hashing and copying the longer document costs any signer; an unmeasured "
                + (mode.full() ? 8 : 5) + "-signature chain per implementation, then its last document signed again for a "
                + "fixed time (the 'steady' line above), warms each profile up first. 'engine thread cpu' = "
                + "median CPU ms of the threads that sign (the caller's and the engine's workers, ns clocks; GC and JIT threads "
                + "excluded), and cpu/1st its ratio: what the engine itself computes, hardly moved by other processes taking "
                + "the cores, unlike wall time (the verdict stays on wall time). Raw DSS = production key, same TSA and OCSP" + (mode.full() ? "; its chain signs in a pass of "
                + "its own after the floor's and the engines', with a full GC after each position, untimed (beside the engines, even "
                + "in a block of its own at each position, its signatures slowed the floor and the engines: B-T #30/#1 1.93x, "
                + "1.36x without)" : " (full mode only)")
                + (mode.full() ? "" : "; quick mode runs production SES at B-T/B-LTA and sandbox AES at B-T/B-LT only")
                + ". Verdicts: after the chain, the engine's #1 and #30 signatures (the same inputs) and the floor's at both positions "
                + "are signed in turn, " + mode.coldRuns() + " rounds after " + mode.coldWarmup() + " unmeasured (floor column: the "
                + "floor's #1 / #30, its ratio beside the verdict): 'input in the memo' is the envelope signed in one go (the engine "
                + "signed #30's input last; the count says how often its memo of signed chains held it), 'not in the memo' a "
                + "signer whose document the engine did not just sign (SignedChains emptied before each signature: another node, "
                + "or hours later). The chain's own checkpoints (engine/1st) were measured minutes apart and are no verdict. "
                + "Final documents: target/bench/out/seq30-*.pdf");
        table.print();
    }

    // ------------------------------------------------------------------------------------------ target 3: validation

    private void validation() throws Exception {
        Path out = BENCH.resolve("out");
        byte[] page = Files.readAllBytes(BENCH.resolve("pages-1.pdf"));
        X509Certificate root = fixture.root();
        X509Certificate sandboxRoot = sandbox.sandboxPki().orElseThrow().rootCertificate();
        Map<String, Object[]> cases = new LinkedHashMap<>(); // name -> {bytes, root, sandbox?}
        cases.put("1 signature B-T (production SES)", new Object[] {
                engine(production, page, PadesProfile.B_T, SignatureLevel.SES, seal()).toByteArray(), root, false});
        cases.put("1 signature B-LTA (production SES)", new Object[] {
                engine(production, page, PadesProfile.B_LTA, SignatureLevel.SES, seal()).toByteArray(), root, false});
        cases.put("1 signature B-LTA (sandbox AES)", new Object[] {
                engine(sandbox, page, PadesProfile.B_LTA, SignatureLevel.AES, person(1)).toByteArray(), sandboxRoot, true});
        // the production root is new in every run: the 30-signer files are those of this run's section seq, or made now
        byte[] prod30 = chains.computeIfAbsent("production" + PadesProfile.B_LTA.name(), k -> chain(production, page, SignatureLevel.SES));
        cases.put("30 signers B-LTA (production SES)", new Object[] {prod30, root, false});
        if (mode.full()) {
            byte[] aes30 = chains.computeIfAbsent("sandbox" + PadesProfile.B_LTA.name(), k -> chain(sandbox, page, SignatureLevel.AES));
            cases.put("30 signers B-LTA (sandbox AES)", new Object[] {aes30, sandboxRoot, true});
        }

        Table table = new Table("Validation time: 30 signers B-LTA <= 3 s; 1 signature <= its time today",
                "case", "floor", "raw DSS 6.2", "engine", "engine cpu", "engine/floor", "raw/floor", "target", "result", "check");
        PublicKey key = fixture.sealKey().certificate().getPublicKey();
        byte[] sample = fixture.sealKey().sign(new byte[32], "SHA256withECDSA");
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            byte[] pdf = (byte[]) c.getValue()[0];
            X509Certificate trust = (X509Certificate) c.getValue()[1];
            boolean isSandbox = (Boolean) c.getValue()[2];
            boolean many = c.getKey().startsWith("30");
            String[] sanity = new String[2];
            Op engineOp = () -> {
                ValidationReport report = isSandbox ? sandbox.validate(DocumentSource.of(pdf, "bench.pdf"), ValidationOptions.sandbox())
                        : verifier.validate(DocumentSource.of(pdf, "bench.pdf"), ValidationOptions.trusting(List.of(trust)));
                sanity[0] = report.signatures().size() + " entries, allPassed=" + report.allPassed();
                return report;
            };
            Op rawOp = () -> {
                SimpleReport simple = rawValidate(pdf, trust).getSimpleReport();
                sanity[1] = simple.getSignaturesCount() + " sigs " + simple.getValidSignaturesCount() + " valid";
                return simple;
            };
            Op floorOp = () -> floorValidate(pdf, key, sample);
            Stats[] s;
            Stats engineCpu;
            if (many) {
                int runs = mode.validateManyRuns();
                long[][] w = new long[3][runs];
                long[] cpu = new long[runs];
                for (int r = 0; r < runs; r++) {
                    Op[] ops = {floorOp, rawOp, engineOp};
                    for (int k = 0; k < 3; k++) {
                        if (k == 1 && !mode.full()) {
                            continue; // quick mode: no raw DSS on 30-signer files (it takes about as long as the engine)
                        }
                        long cpu0 = processCpu();
                        long t0 = System.nanoTime();
                        ops[k].run();
                        w[k][r] = System.nanoTime() - t0;
                        if (k == 2) {
                            cpu[r] = processCpu() - cpu0;
                        }
                    }
                }
                s = Arrays.stream(w).map(Stats::of).toArray(Stats[]::new);
                engineCpu = Stats.of(cpu);
            } else {
                s = measure(mode.validateOneWarmup(), mode.validateOneRuns(), floorOp, rawOp, engineOp);
                long cpu0 = processCpu();
                engineOp.run();
                engineCpu = Stats.of(new long[] {processCpu() - cpu0});
            }
            double ratio = s[2].median / s[0].median;
            boolean rawSkipped = many && !mode.full();
            table.row(c.getKey() + " " + kb(pdf.length), s[0].cell(), rawSkipped ? "(full mode)" : s[1].cell(), s[2].cell(),
                    String.format(Locale.ROOT, "%.0f", engineCpu.median), x(ratio), rawSkipped ? "-" : x(s[1].median / s[0].median),
                    many ? "<= 3000 ms" : "<= today", many ? verdict(s[2].median <= 3000) : "baseline",
                    "engine: " + sanity[0] + (rawSkipped ? "" : "; raw: " + sanity[1]));
        }
        table.note("floor = for each /ByteRange: SHA-256 of the covered bytes + 1 ECDSA P-256 verification. Raw DSS = "
                + "PDFDocumentValidator with the same trust anchor and no revocation source (the engine adds the sandbox "
                + "OCSP for sandbox files). 30-signer files = the B-LTA chains of section seq (30 signatures + 30 document "
                + "time-stamps), " + mode.validateManyRuns() + " run(s) each, floor/raw/engine in turn"
                + (mode.full() ? "" : "; the sandbox AES 30-signer file and raw DSS on 30 signers in full mode only")
                + "; 'engine cpu' = process CPU ms. B-T without revocation data is INDETERMINATE by design (allPassed=false)");
        table.print();
    }

    private static byte[] chain(PadesSignatureEngine engine, byte[] pdf, SignatureLevel level) {
        for (int n = 1; n <= 30; n++) {
            pdf = engine(engine, pdf, PadesProfile.B_LTA, level, level == SignatureLevel.SES ? seal() : person(n)).toByteArray();
        }
        return pdf;
    }

    private static Reports rawValidate(byte[] pdf, X509Certificate root) {
        CommonCertificateVerifier v = new CommonCertificateVerifier(true);
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        trusted.addCertificate(new CertificateToken(root));
        v.setTrustedCertSources(trusted);
        PDFDocumentValidator validator = new PDFDocumentValidator(new InMemoryDocument(pdf, "bench.pdf"));
        validator.setCertificateVerifier(v);
        return validator.validateDocument();
    }

    private static final byte[] BYTE_RANGE = "/ByteRange".getBytes(StandardCharsets.ISO_8859_1);

    private static int floorValidate(byte[] pdf, PublicKey key, byte[] sample) throws Exception {
        int found = 0;
        for (int i = indexOf(pdf, BYTE_RANGE, 0); i >= 0; i = indexOf(pdf, BYTE_RANGE, i + 1)) {
            long[] range = new long[4];
            int p = i + BYTE_RANGE.length;
            for (int k = 0; k < 4; k++) {
                while (p < pdf.length && (pdf[p] < '0' || pdf[p] > '9')) {
                    p++;
                }
                long v = 0;
                while (p < pdf.length && pdf[p] >= '0' && pdf[p] <= '9') {
                    v = v * 10 + (pdf[p++] - '0');
                }
                range[k] = v;
            }
            if (range[0] + range[1] > pdf.length || range[2] + range[3] > pdf.length) {
                continue;
            }
            MessageDigest d = sha256();
            d.update(pdf, (int) range[0], (int) range[1]);
            d.update(pdf, (int) range[2], (int) range[3]);
            d.digest();
            java.security.Signature verify = java.security.Signature.getInstance("SHA256withECDSA");
            verify.initVerify(key);
            verify.update(new byte[32]);
            if (verify.verify(sample)) {
                found++;
            }
        }
        return found;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------ target 4: threads

    private void threads() throws Exception {
        byte[] pdf = Files.readAllBytes(BENCH.resolve("pages-1.pdf"));
        PadesProfile profile = PadesProfile.B_T;
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("floor", () -> floor(pdf, profile));
        ops.put("raw DSS 6.2", () -> raw(pdf, profile));
        ops.put("engine", () -> engine(production, pdf, profile, SignatureLevel.SES, seal()));
        ops.put("engine, caller thread", () -> engine(productionHere, pdf, profile, SignatureLevel.SES, seal()));
        int millis = mode.threadMillis();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (Op op : ops.values()) { // warm-up of one and of two threads at a time (the JIT sees both)
            throughput(pool, op, 1, millis / 2);
            throughput(pool, op, 2, millis / 2);
        }
        Map<String, double[][]> results = new LinkedHashMap<>(); // name -> [trial][threads-1] = signatures/s
        try {
            for (String name : ops.keySet()) {
                results.put(name, new double[mode.threadTrials()][2]);
            }
            for (int t = 0; t < mode.threadTrials(); t++) {
                for (Map.Entry<String, Op> op : ops.entrySet()) {
                    for (int threads = 1; threads <= 2; threads++) {
                        results.get(op.getKey())[t][threads - 1] = throughput(pool, op.getValue(), threads, millis);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Table table = new Table("Throughput, 1-page B-T, one engine: 2 threads >= 1.8x 1 thread (signatures/s)",
                "case", "1 thread", "2 threads", "2T/1T", "target", "result");
        for (Map.Entry<String, double[][]> r : results.entrySet()) {
            double[][] trials = r.getValue();
            double[] ratios = Arrays.stream(trials).mapToDouble(a -> a[1] / a[0]).sorted().toArray();
            double one = median(Arrays.stream(trials).mapToDouble(a -> a[0]).toArray());
            double two = median(Arrays.stream(trials).mapToDouble(a -> a[1]).toArray());
            double ratio = ratios[ratios.length / 2];
            boolean isEngine = r.getKey().startsWith("engine");
            table.row(r.getKey(), String.format(Locale.ROOT, "%.1f", one), String.format(Locale.ROOT, "%.1f", two),
                    x(ratio) + " (" + Arrays.stream(ratios).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
                            .reduce((a, b) -> a + " " + b).orElse("") + ")",
                    isEngine ? ">= 1.8x" : "(context)", isEngine ? verdict(ratio >= 1.8) : "-");
        }
        table.note(mode.threadTrials() + " trials of " + millis + " ms per thread count (each thread signs until the time is up; "
                + "signatures/s = all threads' signatures over the time until the last one finished), after a warm-up of "
                + "one and two threads per case; 1T and 2T alternated; ratio = median of per-trial ratios. Floor and raw DSS show what this "
                + "machine gives a second thread right now (other processes share the 2 cores); all share one in-process TSA. 'engine' "
                + "= the default (each operation on an engine worker thread, answered at the deadline whatever the work does), "
                + "'engine, caller thread' = the same engine configuration with onCallerThread(true) (no hand-off)");
        table.print();
    }

    /** Signatures per second of {@code threads} threads each running {@code op} until {@code millis} have passed. */
    private static double throughput(ExecutorService pool, Op op, int threads, int millis) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                go.await();
                int done = 0;
                while (System.nanoTime() - deadline[0] < 0) {
                    op.run();
                    done++;
                }
                return done;
            }));
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + millis * 1_000_000L;
        go.countDown(); // publishes deadline[0] to the threads (happens-before through the latch)
        int total = 0;
        for (Future<Integer> f : futures) {
            total += f.get();
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }

    // ------------------------------------------------------------------------------------------ target 5: AES vs SES

    private void aesVersusSes() throws Exception {
        byte[] pdf = Files.readAllBytes(BENCH.resolve("pages-1.pdf"));
        PadesProfile profile = PadesProfile.B_LT;
        int[] n = {0};
        Stats[] s = measure(mode.aesWarmup(), mode.aesRuns(), () -> floor(pdf, profile), () -> raw(pdf, profile),
                () -> engine(production, pdf, profile, SignatureLevel.SES, seal()),
                () -> engine(sandbox, pdf, profile, SignatureLevel.AES, person(++n[0])));
        Table table = new Table("Sandbox AES B-LT <= 1.5x production SES B-LT (1 page)",
                "case", "floor", "raw DSS 6.2 (SES)", "production SES", "sandbox AES", "AES/SES", "target", "result");
        double ratio = s[3].median / s[2].median;
        table.row("1 page B-LT", s[0].cell(), s[1].cell(), s[2].cell(), s[3].cell(), x(ratio), "<= 1.5x", verdict(ratio <= 1.5));
        table.note("sandbox AES = fresh EC key + one-time certificate + sandbox mark + in-process OCSP; production SES = "
                + "ProductionFixture seal with offline OCSP (OfflineRevocation). " + mode.aesRuns() + " interleaved runs");
        table.print();
    }

    // ------------------------------------------------------------------------------------------ target 6: heap

    private void heap(Map<String, Path> inputs) throws Exception {
        List<String> sizes = mode.full() ? List.of("150 MB", "500 MB") : List.of("20 MB");
        Table table = new Table("B-LTA from a Path and from an InputStream in -Xmx256m (child JVMs): succeeds, peak heap independent of size",
                "case", "outcome", "time", "peak heap", "peak RSS", "target", "result");
        Map<String, String> peaks = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (String size : sizes) {
            Path file = inputs.get(size);
            for (String how : List.of("path", "stream")) {
                Path out = BENCH.resolve("out").resolve("heap-" + how + ".pdf");
                Files.deleteIfExists(out);
                List<String> command = javaCommand("-Xmx256m", "heap-child", how, file.toString(), out.toString());
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean finished = p.waitFor(15, TimeUnit.MINUTES);
                Map<String, String> result = new LinkedHashMap<>();
                for (String line : text.split("\n")) {
                    if (line.startsWith("RESULT ")) {
                        for (String kv : line.substring(7).split("\t")) {
                            int eq = kv.indexOf('=');
                            result.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                }
                boolean ok = finished && "true".equals(result.get("ok"));
                String error = ok ? "" : !finished ? "timeout" : result.getOrDefault("error",
                        "exit " + p.exitValue() + ": " + lastLine(text));
                String outcome = ok ? "signed" : error.startsWith("OutOfMemoryError") ? "OutOfMemoryError"
                        : error.startsWith("RESOURCE_LIMIT") && error.contains("heap") ? "RESOURCE_LIMIT (out of heap)"
                        : error.length() > 40 ? error.substring(0, 40) + "..." : error;
                String name = size + " (" + mb(Files.size(file)) + ") from " + (how.equals("path") ? "Path" : "InputStream");
                if (!ok) {
                    failures.add(name + ": " + error + (result.containsKey("trace") ? "; at " + result.get("trace") : ""));
                }
                peaks.put(size + " " + how, result.getOrDefault("heapPeakMB", "?"));
                table.row(name, outcome, result.getOrDefault("ms", "-") + " ms", result.getOrDefault("heapPeakMB", "?") + " MB",
                        result.getOrDefault("vmHwmMB", "?") + " MB", "succeeds", verdict(ok));
            }
        }
        table.note("child: production engine (ProductionFixture + offline OCSP), B-LTA, default largeDocumentThreshold (8 MiB); "
                + "stream = DocumentSource.of(InputStream, name) (spills to a temporary file beyond DocumentSource.SPILL_THRESHOLD). Peak heap = highest "
                + "heap use seen before any GC or at the end (GC notifications); peak RSS = VmHWM of the child. Peak heap by case (MB): " + peaks);
        failures.forEach(table::note);
        table.print();
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1];
        return last.length() > 120 ? last.substring(0, 120) : last;
    }

    /** The child JVM of {@link #heap}: signs FILE at B-LTA from a Path or an InputStream and prints one RESULT line. */
    private static void heapChild(String how, Path file, Path out) {
        long start = System.nanoTime();
        String error = null;
        Throwable failure = null;
        try {
            ProductionFixture fixture = ProductionFixture.create();
            PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                    .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root()))
                    .build();
            PeakHeap.install();
            start = System.nanoTime();
            DocumentSource source;
            if (how.equals("path")) {
                source = DocumentSource.of(file);
            } else {
                try (InputStream in = Files.newInputStream(file)) {
                    source = DocumentSource.of(in, file.getFileName().toString());
                }
            }
            engine.sign(SignRequest.builder().document(source).output(DocumentTarget.of(out)).signer(seal())
                    .level(SignatureLevel.SES).profile(PadesProfile.B_LTA).build());
        } catch (OutOfMemoryError e) {
            error = "OutOfMemoryError (" + e.getMessage() + ")";
            failure = e;
        } catch (SignatureEngineException e) {
            error = e.code() + ": " + e.getMessage();
            failure = e;
        } catch (Exception e) {
            error = e.toString();
            failure = e;
        }
        String trace = null;
        if (failure != null) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            trace = Arrays.stream(root.getStackTrace()).limit(8)
                    .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName()
                            + ":" + f.getLineNumber())
                    .reduce((a, b) -> a + " < " + b).orElse("");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        long peak = PeakHeap.peak();
        String hwm = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.toString(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        String oneLine = error == null ? null : error.replace('\n', ' ').replace('\t', ' ');
        System.out.println("RESULT ok=" + (error == null) + "\tms=" + ms + "\theapPeakMB=" + peak / MB + "\tvmHwmMB=" + hwm
                + (error == null ? "" : "\terror=" + (oneLine.length() > 160 ? oneLine.substring(0, 160) + "..." : oneLine))
                + (trace == null ? "" : "\ttrace=" + trace));
        System.out.flush();
        System.exit(0);
    }

    /**
     * The true peak of heap used: heap use only falls at a collection, so its maxima are just before GCs
     * (from the GC notifications) or now. (The sum of the pools' own peaks overstates it: they peak at different times.)
     */
    private static final class PeakHeap {
        private static final AtomicLong PEAK = new AtomicLong();
        private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());

        static void install() {
            System.gc();
            PEAK.set(AllocationCounter.heapUsed());
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                    if (n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        long before = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo()
                                .getMemoryUsageBeforeGc().entrySet().stream().filter(e -> HEAP_POOLS.contains(e.getKey()))
                                .mapToLong(e -> e.getValue().getUsed()).sum();
                        PEAK.accumulateAndGet(before, Math::max);
                    }
                }, null, null);
            }
        }

        static long peak() {
            try {
                Thread.sleep(200); // let the last notifications arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Math.max(PEAK.get(), AllocationCounter.heapUsed());
        }
    }

    // ------------------------------------------------------------------------------------------ measurement

    /**
     * {@link #measure} of {@code floor} and {@code engine} interleaved, then of {@code raw} on its own, with an untimed
     * full GC before each block, so that neither pays for collecting the other's garbage.
     *
     * @return the stats of floor, raw and engine, in that order
     */
    private static Stats[] measureRawApart(int warmup, int iterations, Op floor, Op raw, Op engine) throws Exception {
        System.gc();
        Stats[] ours = measure(warmup, iterations, floor, engine);
        System.gc();
        Stats[] theirs = measure(warmup, iterations, raw);
        System.gc();
        return new Stats[] {ours[0], theirs[0], ours[1]};
    }

    private static Stats[] measure(int warmup, int iterations, Op... ops) throws Exception {
        for (int i = 0; i < warmup; i++) {
            for (Op op : ops) {
                op.run();
            }
        }
        long[][] samples = new long[ops.length][iterations];
        for (int i = 0; i < iterations; i++) {
            for (int c = 0; c < ops.length; c++) {
                long start = System.nanoTime();
                ops[c].run();
                samples[c][i] = System.nanoTime() - start;
            }
        }
        return Arrays.stream(samples).map(Stats::of).toArray(Stats[]::new);
    }

    /** Median and quartiles in ms. */
    private record Stats(double median, double q1, double q3, int n) {
        static Stats of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return new Stats(quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), s.length);
        }

        private static double quantile(long[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = (int) Math.ceil(pos);
            return (sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)) / 1e6;
        }

        String cell() {
            String value = median >= 100 ? String.format(Locale.ROOT, "%.0f", median)
                    : median >= 10 ? String.format(Locale.ROOT, "%.1f", median) : String.format(Locale.ROOT, "%.2f", median);
            if (n < 3) {
                return value;
            }
            return value + String.format(Locale.ROOT, " ±%.0f%%", 50 * (q3 - q1) / median);
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * CPU nanoseconds used so far by the calling thread and the engine's worker threads ({@code certyneo-worker-*},
     * where the engine does a document's work): per-thread clocks, so that other processes on the cores and the
     * JVM's GC and JIT threads do not count.
     */
    private static long signingThreadsCpu() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        long total = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < count; i++) {
            if (threads[i] != Thread.currentThread() && threads[i].getName().startsWith("certyneo-worker-")) {
                long t = THREADS.getThreadCpuTime(threads[i].getId());
                total += Math.max(0, t);
            }
        }
        return total;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Bytes allocated by all threads while an operation runs: heap used after minus before, plus what every
     * garbage collection in between freed (from the GC notifications). Accurate to a G1 region or a TLAB per
     * thread (a few MB); meant for operations allocating tens of MB or more, with nothing else running.
     */
    private static final class AllocationCounter implements NotificationListener {
        private final AtomicLong freed = new AtomicLong();
        private final AtomicLong notified = new AtomicLong();
        private final Set<String> heapPools;

        AllocationCounter() {
            heapPools = new java.util.HashSet<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener(this, null, null);
            }
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long before = used(info.getGcInfo().getMemoryUsageBeforeGc());
            long after = used(info.getGcInfo().getMemoryUsageAfterGc());
            freed.addAndGet(before - after);
            notified.incrementAndGet();
        }

        private long used(Map<String, MemoryUsage> usage) {
            long sum = 0;
            for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    sum += e.getValue().getUsed();
                }
            }
            return sum;
        }

        private static long collections() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        }

        private static long heapUsed() {
            long sum = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    sum += pool.getUsage().getUsed();
                }
            }
            return sum;
        }

        private void settle() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (notified.get() < collections() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        long allocatedBy(Op op) throws Exception {
            settle();
            long freed0 = freed.get();
            long used0 = heapUsed();
            op.run();
            long used1 = heapUsed();
            settle();
            return used1 - used0 + freed.get() - freed0;
        }
    }

    // ------------------------------------------------------------------------------------------ formatting

    private static final class Table {
        private final String title;
        private final String[] headers;
        private final List<String[]> rows = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Table(String title, String... headers) {
            this.title = title;
            this.headers = headers;
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void separator() {
            rows.add(null);
        }

        void note(String note) {
            notes.add(note);
        }

        void print() {
            int[] widths = new int[headers.length];
            for (int i = 0; i < headers.length; i++) {
                widths[i] = headers[i].length();
            }
            for (String[] row : rows) {
                if (row != null) {
                    for (int i = 0; i < row.length; i++) {
                        widths[i] = Math.max(widths[i], row[i].length());
                    }
                }
            }
            StringBuilder b = new StringBuilder();
            b.append(System.lineSeparator()).append("## ").append(title).append("   [load avg ").append(loadAverage()).append(']')
                    .append(System.lineSeparator());
            line(b, headers, widths, headers);
            StringBuilder rule = new StringBuilder();
            for (int w : widths) {
                rule.append("-".repeat(w)).append("  ");
            }
            b.append(rule.toString().stripTrailing()).append(System.lineSeparator());
            for (int r = 0; r < rows.size(); r++) {
                if (rows.get(r) == null) {
                    if (r < rows.size() - 1) {
                        b.append(System.lineSeparator());
                    }
                } else {
                    line(b, rows.get(r), widths, headers);
                }
            }
            for (String note : notes) {
                b.append("  note: ").append(note).append(System.lineSeparator());
            }
            System.out.print(b);
            System.out.flush();
        }

        private static void line(StringBuilder b, String[] cells, int[] widths, String[] headers) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                String cell = cells[i];
                boolean left = i == 0 || headers[i].equals("check");
                l.append(left ? pad(cell, widths[i]) : padLeft(cell, widths[i])).append("  ");
            }
            b.append(l.toString().stripTrailing()).append(System.lineSeparator());
        }

        private static String pad(String s, int w) {
            return s + " ".repeat(w - s.length());
        }

        private static String padLeft(String s, int w) {
            return " ".repeat(w - s.length()) + s;
        }
    }

    private static String verdict(boolean pass) {
        return pass ? "PASS" : "FAIL";
    }

    private static String x(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (double) MB);
    }

    private static String kb(long bytes) {
        return bytes >= 10 * MB ? mb(bytes) : String.format(Locale.ROOT, "%d KB", (bytes + 512) / 1024);
    }

    private static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
