package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.ResourceLimits;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The time and memory budget of one operation (issue 10): exceeding it is RESOURCE_LIMIT, never a hang, and
 * nothing is written; the documents that used to hang or exhaust the heap are refused up front or validated
 * within the budget. Outcomes are asserted, never elapsed times.
 */
class ResourceLimitsTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine sandbox;

    @BeforeAll
    static void setUp() {
        sandbox = PadesSignatureEngine.sandbox(home);
    }

    // ---------------------------------------------------------------------------------------------------
    // Malformed /ToUnicode character maps (issue 10, #6)

    static final String CMAP_HEAD = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            + "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            + "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";
    static final String CMAP_TAIL = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

    static Stream<Arguments> malformedCharacterMaps() {
        StringBuilder twoByteRanges = new StringBuilder(CMAP_HEAD).append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        StringBuilder fourByteRanges = new StringBuilder(CMAP_HEAD)
                .append("1 begincodespacerange\n<00000000> <FFFFFFFF>\nendcodespacerange\n");
        for (int block = 0; block < 100; block++) {
            twoByteRanges.append("100 beginbfrange\n");
            fourByteRanges.append("100 beginbfrange\n");
            for (int i = 0; i < 100; i++) {
                twoByteRanges.append("<0000> <FFFF> <0041>\n");
                int high = block * 100 + i;
                fourByteRanges.append(String.format("<%04X0000> <%04XFFFF> <0041>\n", high, high));
            }
            twoByteRanges.append("endbfrange\n");
            fourByteRanges.append("endbfrange\n");
        }
        return Stream.of(
                // The document of #6: a number at the very end of the map. PDFBox 3.0.4's CMapParser.readNumber
                // stepped back over it forever (100 % CPU, 1.6 GB+); fixed in 3.0.5+, this guards the upgrade.
                Arguments.of("a number at the end of the map (PDFBox 3.0.4 looped forever)",
                        CMAP_HEAD + "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n1", 0L),
                // 10,000 ranges of 65,536 two-byte codes: 655 million mappings, 40 s of CPU at validation.
                Arguments.of("10,000 full two-byte bfranges", twoByteRanges.append(CMAP_TAIL).toString(), 655_360_000L),
                // The same over four-byte codes: 655 million distinct mappings, over 6 GB of heap within a minute.
                Arguments.of("10,000 four-byte bfranges of 65,536 codes", fourByteRanges.append(CMAP_TAIL).toString(),
                        655_360_000L),
                Arguments.of("a bfrange <0000> <FFFFFFFF>", CMAP_HEAD + "1 begincodespacerange\n<0000> <FFFF>\n"
                        + "endcodespacerange\n1 beginbfrange\n<0000> <FFFFFFFF> <0000>\nendbfrange\n" + CMAP_TAIL, 0L),
                Arguments.of("200,000 nested arrays", CMAP_HEAD + "1 beginbfrange\n<00> <FF> " + "[".repeat(200_000), 0L),
                Arguments.of("200,000 nested dictionaries", CMAP_HEAD + "<<".repeat(200_000), 0L),
                Arguments.of("an unterminated hex string", CMAP_HEAD + "1 begincodespacerange\n<00> <FF>\n"
                        + "endcodespacerange\n1 beginbfchar\n<41> <0041", 1L));
    }

    /**
     * A signed document whose font has a malformed character map validates within the default budget: its
     * signature passes. Then its page is rotated in a later revision, so that validation also renders and
     * compares the pages (DSS's rendered comparison runs only when the structural comparison finds a change):
     * still within the budget, and the change fails the signature.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCharacterMaps")
    void aMalformedCharacterMapValidatesWithinTheBudget(String what, String cmap, long declared) throws IOException {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        sandbox.sign(aes(DocumentSource.of(withToUnicode(cmap), "cmap.pdf"), DocumentTarget.of(signed)));
        ValidationReport report = sandbox.validate(DocumentSource.of(signed.toByteArray(), "cmap.pdf"),
                ValidationOptions.sandbox());
        assertEquals(1, report.signatures().size(), report.toString());
        assertEquals(Indication.TOTAL_PASSED, report.signatures().get(0).indication(), report.toString());

        ByteArrayOutputStream rotated = new ByteArrayOutputStream(); // the signed bytes, then one more revision
        try (PDDocument document = org.apache.pdfbox.Loader.loadPDF(signed.toByteArray())) {
            PDPage page = document.getPage(0);
            page.setRotation(90);
            page.getCOSObject().setNeedToBeUpdated(true);
            document.saveIncremental(rotated);
        }
        ValidationReport changed = sandbox.validate(DocumentSource.of(rotated.toByteArray(), "cmap.pdf"),
                ValidationOptions.sandbox());
        assertEquals(Indication.TOTAL_FAILED, changed.signatures().get(0).indication(), changed.toString());
        assertEquals(java.util.Optional.of(com.certyneo.engine.SignatureValidation.MODIFIED_AFTER_SIGNING),
                changed.signatures().get(0).subIndication(), changed.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCharacterMaps")
    void characterMapMappingsAreCountedAsPdfBoxWouldCreateThem(String what, String cmap, long declared) {
        assertEquals(declared, RenderingGuard.CharacterMaps.mappings(cmap.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void ordinaryCharacterMapsAreCounted() {
        String cmap = CMAP_HEAD + "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                + "2 beginbfchar\n<0003> <0020>\n<0024> /A\nendbfchar\n"
                + "2 beginbfrange\n<0010> <001F> <0030>\n<0040> <0042> [<0041> <0042> <0043>]\nendbfrange\n"
                + "% a comment: 1 beginbfrange <0000> <FFFF> <0000> endbfrange\n" + CMAP_TAIL;
        assertEquals(2 + 16 + 3, RenderingGuard.CharacterMaps.mappings(cmap.getBytes(StandardCharsets.ISO_8859_1)));
    }

    // ---------------------------------------------------------------------------------------------------
    // Object count (issue 10, #10)

    /** 10^6 tiny objects (57 MB): signing took 105 s and 4.2 GB, validation 115 s and 3.2 GB; now refused up front. */
    @Test
    void aMillionObjectsAreRefusedBeforeLoadingFromDisk() throws IOException {
        Path in = dir.resolve("input").resolve("million.pdf");
        Files.createDirectories(in.getParent());
        writeManyObjects(in, 1_000_000);
        PadesSignatureEngine disk = PadesSignatureEngine.builder().sandbox(home).temporaryDirectory(dir.resolve("work"))
                .build();
        Path out = dir.resolve("out").resolve("signed.pdf");
        Files.createDirectories(out.getParent());
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> disk.sign(aes(DocumentSource.of(in), DocumentTarget.of(out))));
        assertObjectLimit(e, "million.pdf", "1,001,00", "500,000");
        assertNothingLeft(out);
        SignatureEngineException v = assertThrows(SignatureEngineException.class,
                () -> disk.validate(DocumentSource.of(in), ValidationOptions.sandbox()));
        assertObjectLimit(v, "million.pdf", "1,001,00", "500,000");
    }

    @Test
    void theObjectLimitAppliesToEveryPathAndIsConfigurable() throws IOException {
        Path in = dir.resolve("input").resolve("objects.pdf");
        Files.createDirectories(in.getParent());
        writeManyObjects(in, 2_000);
        byte[] bytes = Files.readAllBytes(in);
        ResourceLimits tight = ResourceLimits.defaults().withMaxObjects(1_000);
        PadesSignatureEngine memory = PadesSignatureEngine.builder().sandbox(home).limits(tight).build();
        PadesSignatureEngine disk = PadesSignatureEngine.builder().sandbox(home).limits(tight).largeDocumentThreshold(0)
                .temporaryDirectory(dir.resolve("work")).build();
        Path out = dir.resolve("out").resolve("signed.pdf");
        Files.createDirectories(out.getParent());
        for (PadesSignatureEngine engine : List.of(memory, disk)) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> engine.sign(aes(DocumentSource.of(in), DocumentTarget.of(out))));
            assertObjectLimit(e, "objects.pdf", "2,00", "1,000");
            assertNothingLeft(out);
            SignatureEngineException v = assertThrows(SignatureEngineException.class,
                    () -> engine.validate(DocumentSource.of(bytes, "objects.pdf"), ValidationOptions.sandbox()));
            assertObjectLimit(v, "objects.pdf", "2,00", "1,000");
            assertEquals(ErrorCode.RESOURCE_LIMIT, assertThrows(SignatureEngineException.class,
                    () -> engine.prepare(com.certyneo.engine.PrepareRequest.builder()
                            .document(DocumentSource.of(bytes, "objects.pdf"))
                            .signer(Signer.of("Seal", "seal@example.com")).level(com.certyneo.engine.SignatureLevel.SES)
                            .certificateChain(sandbox.sandboxPki().orElseThrow().seal().chain()).build())).code());
        }
        // A damaged cross-reference chain (PDFBox would rebuild it by scanning): the objects are counted by scanning too.
        byte[] damaged = bytes.clone();
        int startxref = new String(damaged, StandardCharsets.ISO_8859_1).lastIndexOf("startxref") + "startxref\n".length();
        damaged[startxref] = '9'; // the offset of the last section now points nowhere
        assertObjectLimit(assertThrows(SignatureEngineException.class, () -> memory.validate(
                DocumentSource.of(damaged, "objects.pdf"), ValidationOptions.sandbox())), "objects.pdf", "2,00", "1,000");
        // Raised, the same document signs.
        PadesSignatureEngine raised = PadesSignatureEngine.builder().sandbox(home)
                .limits(tight.withMaxObjects(10_000)).build();
        raised.sign(aes(DocumentSource.of(in), DocumentTarget.of(out)));
        assertTrue(Files.size(out) > bytes.length);
    }

    @Test
    void objectHeadersAreCountedByScanning() throws IOException {
        byte[] pdf = ("%PDF-1.7\n1 0 obj\n<< >>\nendobj\n2 0 obj<</A 1>>endobj\n3 0 obj\n[]endobj 10 0 obj\n"
                + "(endobj obj ) endobj\n4 0 obj").getBytes(StandardCharsets.ISO_8859_1);
        // "obj" inside a string is counted too: the scan is a bound for damaged files, not a parser.
        assertEquals(6, PdfInputs.objectHeaders(new java.io.ByteArrayInputStream(pdf)));
    }

    // ---------------------------------------------------------------------------------------------------
    // Time

    /** A time limit far below what the document needs: RESOURCE_LIMIT, no output, no temporary file. */
    @Test
    void aTinyTimeLimitStopsSigningAndValidatingLeavingNothing() throws IOException {
        Path in = dir.resolve("input").resolve("large.pdf");
        Files.createDirectories(in.getParent());
        // 100,000 objects: a warm engine signs them in about a second on the project's machine, far more than the
        // limits below (with 40,000 objects and a 200 ms limit, a warm worker thread once finished in time)
        writeManyObjects(in, 100_000);
        ByteArrayOutputStream signed = new ByteArrayOutputStream(); // B-LT: validation compares the revisions' objects
        sandbox.sign(aes(DocumentSource.of(in), DocumentTarget.of(signed)));
        byte[] bytes = signed.toByteArray();
        Path work = dir.resolve("work");
        Path outDir = dir.resolve("out");
        Files.createDirectories(outDir);
        Path out = outDir.resolve("signed.pdf");
        for (Duration limit : List.of(Duration.ofMillis(1), Duration.ofMillis(50))) {
            ResourceLimits tiny = ResourceLimits.defaults().withTimePerDocument(limit);
            PadesSignatureEngine memory = PadesSignatureEngine.builder().sandbox(home).limits(tiny).build();
            PadesSignatureEngine disk = PadesSignatureEngine.builder().sandbox(home).limits(tiny).largeDocumentThreshold(0)
                    .temporaryDirectory(work).build();
            PadesSignatureEngine memoryHere = PadesSignatureEngine.builder().sandbox(home).limits(tiny).onCallerThread(true).build();
            PadesSignatureEngine diskHere = PadesSignatureEngine.builder().sandbox(home).limits(tiny).largeDocumentThreshold(0)
                    .temporaryDirectory(work).onCallerThread(true).build();
            for (PadesSignatureEngine engine : List.of(memory, disk, memoryHere, diskHere)) {
                SignatureEngineException e = assertThrows(SignatureEngineException.class,
                        () -> engine.sign(aes(DocumentSource.of(in), DocumentTarget.of(out))));
                assertTimeLimit(e, "large.pdf", Budget.describe(limit));
                assertNothingLeft(out);
                assertNoWorkDirectory(work);
                SignatureEngineException v = assertThrows(SignatureEngineException.class,
                        () -> engine.validate(DocumentSource.of(bytes, "large.pdf"), ValidationOptions.sandbox()));
                assertTimeLimit(v, "large.pdf", Budget.describe(limit));
                assertFalse(Thread.interrupted(), "no interrupt of the deadline is left on the caller's thread");
            }
        }
    }

    /** On a worker thread and on the caller's ({@link PadesSignatureEngine.Builder#onCallerThread}). */
    @ParameterizedTest(name = "on the caller''s thread: {0}")
    @ValueSource(booleans = {false, true})
    void workThatChecksItsBudgetStopsAtTheDeadline(boolean onCallerThread) {
        AtomicBoolean stopped = new AtomicBoolean();
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> Budget.run("loop.pdf",
                ResourceLimits.defaults().withTimePerDocument(Duration.ofMillis(50)), onCallerThread, () -> {
                    try {
                        while (true) {
                            Budget.check();
                            Thread.onSpinWait();
                        }
                    } finally {
                        stopped.set(true);
                    }
                }));
        assertTimeLimit(e, "loop.pdf", "50 ms");
        assertTrue(stopped.get(), "the work stopped at its check point, before the caller was answered");
        assertFalse(Thread.interrupted(), "the deadline's interrupt is not left to the caller");
    }

    @Test
    void workThatIgnoresItsBudgetDoesNotHangTheCaller() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> Budget.run("stuck.pdf",
                ResourceLimits.defaults().withTimePerDocument(Duration.ofMillis(50)), () -> {
                    while (true) {
                        try {
                            release.await(); // deaf to interrupts, as a loop inside a library would be
                            return "late";
                        } catch (InterruptedException ignored) {
                            // keep waiting
                        }
                    }
                }));
        assertTimeLimit(e, "stuck.pdf", "50 ms");
        release.countDown();
    }

    @Test
    void expiredWorkCannotWriteAndCommittedWorkCompletes() {
        AtomicReference<Throwable> commitFailure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        assertThrows(SignatureEngineException.class, () -> Budget.run("late.pdf",
                ResourceLimits.defaults().withTimePerDocument(Duration.ofMillis(20)), () -> {
                    try {
                        sleepUninterruptibly(Duration.ofMillis(300)); // past the deadline, then try to write
                        Budget.commit();
                        return "written";
                    } catch (RuntimeException failure) {
                        commitFailure.set(failure);
                        throw failure;
                    } finally {
                        done.countDown();
                    }
                }));
        awaitUninterruptibly(done);
        assertTrue(commitFailure.get() instanceof SignatureEngineException s && s.code() == ErrorCode.RESOURCE_LIMIT,
                String.valueOf(commitFailure.get()));
        // Committed before the deadline: the output is completed and the caller gets the result. (The deadline
        // leaves the worker a second to start and commit: on a loaded CI machine 20 ms were not always enough.)
        assertEquals("written", Budget.run("writing.pdf", ResourceLimits.defaults().withTimePerDocument(Duration.ofSeconds(1)),
                () -> {
                    Budget.commit();
                    sleepUninterruptibly(Duration.ofMillis(1500));
                    Budget.check(); // no effect once committed
                    return "written";
                }));
    }

    @Test
    void aWorkerThreadServesTheNextOperationWithoutTheLastOnesInterruptLimitsOrLogContext() {
        AtomicReference<Thread> expiredOn = new AtomicReference<>();
        CountDownLatch unwound = new CountDownLatch(1);
        org.slf4j.MDC.put("envelope", "env-1");
        try {
            assertThrows(SignatureEngineException.class, () -> Budget.run("expired.pdf",
                    ResourceLimits.defaults().withTimePerDocument(Duration.ofMillis(30)).withMaxObjects(7), () -> {
                        expiredOn.set(Thread.currentThread());
                        try {
                            sleepUninterruptibly(Duration.ofMillis(200)); // the interrupt arrives meanwhile
                            return "late";
                        } finally {
                            unwound.countDown();
                        }
                    }));
        } finally {
            org.slf4j.MDC.remove("envelope");
        }
        awaitUninterruptibly(unwound);
        // The expired operation's thread is idle again: the next operations may run on it, and none of them sees
        // its interrupt, its limits or its log context.
        Set<Thread> used = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String seen = Budget.run("next.pdf", ResourceLimits.defaults(), () -> {
                used.add(Thread.currentThread());
                return Thread.currentThread().isInterrupted() + " " + Budget.limits().maxObjects() + " "
                        + org.slf4j.MDC.get("envelope") + " " + Thread.currentThread().isDaemon();
            });
            assertEquals("false " + ResourceLimits.defaults().maxObjects() + " null true", seen);
        }
        assertTrue(used.size() < 20, "worker threads are reused: " + used.size() + " threads for 20 operations");
        // nor the inheritable thread-locals of whichever caller made the thread
        InheritableThreadLocal<String> callerContext = new InheritableThreadLocal<>();
        callerContext.set("caller-1");
        try {
            assertNull(Budget.run("x.pdf", ResourceLimits.defaults(), callerContext::get));
        } finally {
            callerContext.remove();
        }
    }

    @Test
    void aCallersNextOperationRunsOnTheThreadThatHasJustFinishedItsLast() throws Exception {
        // The worker is idle again before its caller hears the outcome, so the caller's next operation is handed to
        // that same thread, still running, rather than to another one the scheduler must wake (two callers on two
        // cores then sign twice as fast as one, not 1.35 times).
        for (int caller = 0; caller < 2; caller++) {
            List<Thread> used = new ArrayList<>();
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    used.add(Budget.run("next.pdf", ResourceLimits.defaults(), Thread::currentThread));
                }
            });
            thread.start();
            thread.join();
            assertEquals(50, used.size());
            assertEquals(Set.of(used.get(0)), new HashSet<>(used), "one worker thread for one caller's operations in turn");
            assertTrue(used.get(0).getName().startsWith("certyneo-worker-") && used.get(0).isDaemon());
        }
        assertTrue(Budget.Worker.idle() >= 1);
    }

    @Test
    void idleWorkerThreadsEndAndTheNextOperationGetsAnotherOne() throws Exception {
        long minute = Budget.Worker.keepAliveNanos;
        Budget.Worker.keepAliveNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
        try {
            Thread first = Budget.run("one.pdf", ResourceLimits.defaults(), Thread::currentThread);
            first.join(5_000); // idle for the shortened keep-alive, it ends
            assertTrue(!first.isAlive(), "an idle worker thread ends after its keep-alive");
            Thread second = Budget.run("two.pdf", ResourceLimits.defaults(), Thread::currentThread);
            assertTrue(second != first && second.getName().startsWith("certyneo-worker-"));
            // and many idle ends racing with new operations never leave an operation without a thread
            for (int i = 0; i < 200; i++) {
                assertEquals("done", Budget.run("race.pdf", ResourceLimits.defaults(), () -> "done"));
                if (i % 20 == 0) {
                    Thread.sleep(100);
                }
            }
        } finally {
            Budget.Worker.keepAliveNanos = minute;
        }
    }

    @Test
    void failuresOfTheWorkReachTheCallerAsTheyAre() {
        SignatureEngineException invalid = new SignatureEngineException(ErrorCode.INVALID_PDF, "bad", "fix");
        assertTrue(invalid == assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), () -> {
                    throw invalid;
                })));
        SignatureEngineException heap = assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), () -> {
                    throw new OutOfMemoryError("Java heap space");
                }));
        assertEquals(ErrorCode.RESOURCE_LIMIT, heap.code());
        assertTrue(heap.getMessage().contains("'x.pdf'") && heap.getMessage().contains("heap"), heap.getMessage());
        assertEquals(ResourceLimits.defaults(), Budget.limits(), "no budget on the test thread: the defaults");
        assertEquals(2_000L, (long) Budget.run("x.pdf", ResourceLimits.defaults().withMaxObjects(2_000),
                () -> Budget.limits().maxObjects()), "the work sees its own limits");
    }

    @Test
    void anInterruptedCallerCancelsTheWork() {
        Thread.currentThread().interrupt();
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), () -> {
                    sleepUninterruptibly(Duration.ofMillis(100));
                    return "late";
                }));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(ErrorCode.RESOURCE_LIMIT, e.code());
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    }

    // On the caller's thread (PadesSignatureEngine.Builder#onCallerThread)

    @Test
    void onTheCallersThreadTheWorkRunsThereWithItsLimitsAndLeavesNothingBehind() {
        Thread caller = Thread.currentThread();
        assertEquals(caller + " 7", Budget.run("x.pdf", ResourceLimits.defaults().withMaxObjects(7), true,
                () -> Thread.currentThread() + " " + Budget.limits().maxObjects()));
        assertEquals(ResourceLimits.defaults(), Budget.limits(), "the budget ends with the work");
        // an operation inside an operation (the audit trail seals through the engine): the outer budget comes back
        assertEquals("3 5 3", Budget.run("outer.pdf", ResourceLimits.defaults().withMaxObjects(3), true,
                () -> Budget.limits().maxObjects() + " " + Budget.run("inner.pdf", ResourceLimits.defaults().withMaxObjects(5),
                        true, () -> Budget.limits().maxObjects()) + " " + Budget.limits().maxObjects()));
        SignatureEngineException invalid = new SignatureEngineException(ErrorCode.INVALID_PDF, "bad", "fix");
        assertTrue(invalid == assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), true, () -> {
                    throw invalid;
                })));
    }

    /** A blocking wait with no check point (a slow time-stamp authority, say) ends at the deadline: interrupted. */
    @Test
    void onTheCallersThreadABlockingWaitIsInterruptedAtTheDeadline() {
        long start = System.nanoTime();
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> Budget.run("slow.pdf",
                ResourceLimits.defaults().withTimePerDocument(Duration.ofMillis(100)), true, () -> {
                    try {
                        Thread.sleep(10_000);
                        return "late";
                    } catch (InterruptedException interrupted) {
                        throw new IllegalStateException("the time-stamp request was interrupted", interrupted);
                    }
                }));
        assertTimeLimit(e, "slow.pdf", "100 ms");
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "answered at the deadline, not after the wait");
        assertFalse(Thread.interrupted(), "the deadline's interrupt is not left to the caller");
        // and work committed before the deadline completes past it, uninterrupted
        assertEquals("written", Budget.run("writing.pdf", ResourceLimits.defaults().withTimePerDocument(Duration.ofMillis(300)),
                true, () -> {
                    Budget.commit();
                    try {
                        Thread.sleep(600);
                    } catch (InterruptedException interrupted) {
                        return "interrupted while writing";
                    }
                    Budget.check(); // no effect once committed
                    return "written";
                }));
    }

    @Test
    void onTheCallersThreadTheCallersInterruptCancelsTheWorkAndIsKept() {
        Thread.currentThread().interrupt();
        AtomicBoolean ran = new AtomicBoolean();
        SignatureEngineException before = assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), true, () -> {
                    ran.set(true);
                    return "ran";
                }));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertFalse(ran.get(), "an interrupted caller's work does not start");
        assertEquals(ErrorCode.RESOURCE_LIMIT, before.code());
        assertTrue(before.getMessage().contains("interrupted"), before.getMessage());
        // interrupted while it runs (the caller's framework cancels the request): a check point stops it
        SignatureEngineException during = assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), true, () -> {
                    Thread.currentThread().interrupt();
                    Budget.check();
                    return "not stopped";
                }));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(ErrorCode.RESOURCE_LIMIT, during.code());
        assertTrue(during.getMessage().contains("interrupted"), during.getMessage());
        // or a blocking wait that it ends
        SignatureEngineException waiting = assertThrows(SignatureEngineException.class,
                () -> Budget.run("x.pdf", ResourceLimits.defaults(), true, () -> {
                    Thread.currentThread().interrupt();
                    try {
                        Thread.sleep(10_000);
                        return "slept";
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt(); // as well-behaved library code restores it
                        throw new IllegalStateException("interrupted", interrupted);
                    }
                }));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertTrue(waiting.getMessage().contains("cancelled"), waiting.getMessage());
    }

    /** An engine on the caller's thread signs as one with workers does, and its output validates. */
    @Test
    void anEngineOnTheCallersThreadSignsAndValidates() {
        PadesSignatureEngine here = PadesSignatureEngine.builder().sandbox(home).onCallerThread(true).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        here.sign(aes(DocumentSource.of(SamplePdfs.multiPage(1), "one.pdf"), DocumentTarget.of(out)));
        ValidationReport report = here.validate(DocumentSource.of(out.toByteArray(), "one.pdf"), ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    // ---------------------------------------------------------------------------------------------------
    // Configuration

    @Test
    void limitsHaveServerDefaultsAndRefuseNonsense() {
        ResourceLimits defaults = ResourceLimits.defaults();
        assertEquals(Duration.ofSeconds(60), defaults.timePerDocument());
        assertEquals(500_000, defaults.maxObjects());
        assertEquals(10, defaults.maxRenderedPages());
        ResourceLimits custom = defaults.withTimePerDocument(Duration.ofSeconds(5)).withMaxObjects(7).withMaxRenderedPages(0);
        assertEquals(new ResourceLimits(Duration.ofSeconds(5), 7, 0), custom);
        for (Runnable bad : List.<Runnable>of(() -> defaults.withTimePerDocument(Duration.ZERO),
                () -> defaults.withTimePerDocument(Duration.ofSeconds(-1)), () -> defaults.withMaxObjects(0),
                () -> defaults.withMaxRenderedPages(-1), () -> new ResourceLimits(null, 1, 1))) {
            assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class, bad::run).code());
        }
        assertThrows(NullPointerException.class, () -> PadesSignatureEngine.builder().limits(null));
        assertEquals(ErrorCode.Category.INPUT, ErrorCode.RESOURCE_LIMIT.category(), "the CLI's exit code 3");
    }

    /** Rendering off (maxRenderedPages 0): validation still passes, without the rendered-page comparison. */
    @Test
    void renderingCanBeTurnedOff() {
        PadesSignatureEngine noRendering = PadesSignatureEngine.builder().sandbox(home)
                .limits(ResourceLimits.defaults().withMaxRenderedPages(0)).build();
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        noRendering.sign(aes(DocumentSource.of(SamplePdfs.multiPage(2), "two.pdf"), DocumentTarget.of(signed)));
        ValidationReport report = noRendering.validate(DocumentSource.of(signed.toByteArray(), "two.pdf"),
                ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
    }

    @Test
    void hugePagesAndImagesAreNotRendered() throws IOException {
        try (PDDocument document = new PDDocument()) {
            document.addPage(new PDPage(new org.apache.pdfbox.pdmodel.common.PDRectangle(14_400, 14_400)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            try (eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader reader = new eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader(
                    new eu.europa.esig.dss.model.InMemoryDocument(out.toByteArray()))) {
                assertTrue(RenderingGuard.refusal(reader, 1).orElse("").contains("14400 x 14400 points"));
            }
        }
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            COSStream image = document.getDocument().createCOSStream();
            image.setItem(COSName.TYPE, COSName.XOBJECT);
            image.setItem(COSName.SUBTYPE, COSName.IMAGE);
            image.setInt(COSName.WIDTH, 100_000);
            image.setInt(COSName.HEIGHT, 100_000);
            COSDictionary xobjects = new COSDictionary();
            xobjects.setItem(COSName.getPDFName("Im1"), image);
            PDResources resources = new PDResources();
            resources.getCOSObject().setItem(COSName.XOBJECT, xobjects);
            page.setResources(resources);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            try (eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader reader = new eu.europa.esig.dss.pdf.pdfbox.PdfBoxDocumentReader(
                    new eu.europa.esig.dss.model.InMemoryDocument(out.toByteArray()))) {
                assertTrue(RenderingGuard.refusal(reader, 1).orElse("").contains("100000 x 100000 pixels"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers

    private static SignRequest aes(DocumentSource document, DocumentTarget output) {
        return SignRequest.builder().document(document).output(output)
                .signer(Signer.of("Jane Doe", "jane@example.com").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .build();
    }

    private static void assertObjectLimit(SignatureEngineException e, String name, String count, String limit) {
        assertEquals(ErrorCode.RESOURCE_LIMIT, e.code(), e.toString());
        assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains(count + "")
                && e.getMessage().contains("limit of " + limit + " objects"), e.getMessage());
        assertTrue(e.hint().contains("withMaxObjects"), e.hint());
    }

    private static void assertTimeLimit(SignatureEngineException e, String name, String limit) {
        assertEquals(ErrorCode.RESOURCE_LIMIT, e.code(), e.toString());
        assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("time limit of " + limit),
                e.getMessage());
        assertTrue(e.hint().contains("withTimePerDocument") && e.hint().contains("--time-limit"), e.hint());
    }

    /** Neither the output nor a temporary sibling of it exists. */
    private static void assertNothingLeft(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " exists");
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(), files.toList(), "no temporary output file");
        }
    }

    private static void assertNoWorkDirectory(Path work) throws IOException {
        if (Files.exists(work)) {
            try (Stream<Path> files = Files.list(work)) {
                assertEquals(List.of(), files.toList(), "the work directory is deleted");
            }
        }
        assertTrue(TempFiles.live().stream().noneMatch(p -> p.startsWith(work)), "no work directory is registered");
    }

    /** A one-page PDF whose font (Helvetica) carries {@code cmap} as its /ToUnicode map. */
    static byte[] withToUnicode(String cmap) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            COSDictionary font = new COSDictionary();
            font.setItem(COSName.TYPE, COSName.FONT);
            font.setItem(COSName.SUBTYPE, COSName.TYPE1);
            font.setItem(COSName.BASE_FONT, COSName.getPDFName("Helvetica"));
            COSStream toUnicode = document.getDocument().createCOSStream();
            try (OutputStream out = toUnicode.createOutputStream(COSName.FLATE_DECODE)) {
                out.write(cmap.getBytes(StandardCharsets.ISO_8859_1));
            }
            font.setItem(COSName.TO_UNICODE, toUnicode);
            COSDictionary fonts = new COSDictionary();
            fonts.setItem(COSName.getPDFName("F1"), font);
            PDResources resources = new PDResources();
            resources.getCOSObject().setItem(COSName.FONT, fonts);
            page.setResources(resources);
            PDStream content = new PDStream(document);
            try (OutputStream out = content.createOutputStream()) {
                out.write("BT /F1 24 Tf 72 700 Td (Hello) Tj ET".getBytes(StandardCharsets.US_ASCII));
            }
            page.setContents(content);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    /**
     * A one-page PDF with {@code count} more tiny objects (one-entry dictionaries) hung off the catalog
     * through arrays of 1,000 references; a classic cross-reference table. Written streaming.
     */
    static void writeManyObjects(Path file, int count) throws IOException {
        int groups = (count + 999) / 1000;
        int first = 5 + groups;
        int size = first + count;
        long[] offsets = new long[size];
        try (CountingStream out = new CountingStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
            offsets[1] = out.count;
            out.write("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X 5 0 R >>\nendobj\n");
            offsets[2] = out.count;
            out.write("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
            offsets[3] = out.count;
            out.write("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n");
            offsets[4] = out.count;
            out.write("4 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n");
            for (int g = 0; g < groups; g++) {
                StringBuilder array = new StringBuilder("[");
                if (g == 0) {
                    for (int k = 1; k < groups; k++) {
                        array.append(5 + k).append(" 0 R ");
                    }
                }
                for (int i = g * 1000; i < Math.min(count, (g + 1) * 1000); i++) {
                    array.append(first + i).append(" 0 R ");
                }
                offsets[5 + g] = out.count;
                out.write((5 + g) + " 0 obj\n" + array.append(']') + "\nendobj\n");
            }
            for (int i = 0; i < count; i++) {
                offsets[first + i] = out.count;
                out.write((first + i) + " 0 obj\n<< /N " + i + " >>\nendobj\n");
            }
            long xref = out.count;
            out.write("xref\n0 " + size + "\n0000000000 65535 f \n");
            StringBuilder table = new StringBuilder();
            for (int i = 1; i < size; i++) {
                table.append(String.format("%010d 00000 n \n", offsets[i]));
                if (table.length() > 1 << 16) {
                    out.write(table.toString());
                    table.setLength(0);
                }
            }
            out.write(table.toString());
            out.write("trailer\n<< /Size " + size + " /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n");
        }
    }

    private static final class CountingStream implements AutoCloseable {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        void write(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            out.write(bytes);
            count += bytes.length;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static void sleepUninterruptibly(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        boolean interrupted = false;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // keep waiting
            }
        }
    }
}
