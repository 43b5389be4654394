package com.certyneo.engine.pades.fuzz;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.testvectors.SamplePdfs;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Jazzer fuzz tests of the three ways untrusted bytes enter the engine: the cross-reference check that
 * runs before PDFBox ({@code CrossReferenceCheck.damage}), {@code validate} and {@code sign}.
 *
 * <p><b>Regression mode</b> (every {@code ./mvnw verify}, surefire execution {@code fuzz-tests}): each
 * target runs once on the empty input, on every seed in {@code PdfFuzzTestInputs/} (shared by the three
 * targets: small real PDFs, hostile ones, a signed one) and on every file in
 * {@code PdfFuzzTestInputs/<method>/} (the findings of past fuzzing runs, kept as regression tests;
 * {@link FuzzFindingsTest} pins their exact outcomes).
 *
 * <p><b>Fuzzing mode</b> ({@code -Pfuzz}, see engine-pades/pom.xml and {@code .ci/run}): Jazzer mutates
 * those inputs, guided by coverage of the engine, PDFBox and DSS's PDF layer and by the PDF token
 * dictionary {@code pdf.dict}, for a bounded time; one target per JVM. A finding fails the run and leaves
 * its input as {@code engine-pades/target/fuzz/crash-<sha1>} (or {@code timeout-}, {@code slow-unit-}): move
 * it into {@code PdfFuzzTestInputs/<method>/} under a descriptive name, fix or report it, and add its
 * expected outcome to {@link FuzzFindingsTest}.
 *
 * <p>The contract checked, beyond "no hang" ({@link Timeout}, which Jazzer also applies per input while
 * fuzzing) and "bounded memory" (the fuzzing JVM has a 2 GB heap):
 * <ul>
 * <li>{@code damage(byte[])} returns normally, never falls back to "cannot be followed (SomeException)"
 * (that fallback means the bounded parser met a case it does not handle), and agrees with the file
 * variant {@code damage(Path)}; where it tells the chain it read, a load from it is PDFBox's own reading
 * ({@code ChainAgreement});</li>
 * <li>{@code validate} and {@code sign} either return or throw {@link SignatureEngineException} with a code
 * of category {@link ErrorCode.Category#INPUT} (other than {@link ErrorCode#IO_ERROR}, which names a file,
 * and none is involved here); {@code VALIDATION_ERROR} is accepted only when it does not wrap a
 * programming error (NullPointerException, ClassCastException, ...) thrown by engine code;</li>
 * <li>a signature that {@code sign} returns is an incremental update of the input, passes the
 * cross-reference check, and validates {@code TOTAL_PASSED} (always in regression mode, on a sample of
 * the successes while fuzzing); when the signed output cannot be validated at all, neither may the
 * input (with the same error code): signing must not make a validatable document unvalidatable.</li>
 * </ul>
 */
class PdfFuzzTest {

    /** Whether this JVM is fuzzing (as opposed to replaying the inputs directory). */
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();
    /** While fuzzing, every how many successful signatures are validated (always in regression mode). */
    private static final int VALIDATE_EVERY = 4;
    /** While fuzzing, every how many inputs the file variant of the cross-reference check is compared. */
    private static final int FILE_VARIANT_EVERY = 8;

    private static final AtomicLong signed = new AtomicLong();
    private static final AtomicLong checked = new AtomicLong();
    /** Outcomes per target ("sign: INVALID_PDF", "validate: returned", ...), printed after fuzzing. */
    private static final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    @AfterAll
    static void printOutcomes() {
        if (FUZZING && !outcomes.isEmpty()) {
            System.err.println("PdfFuzzTest outcomes: " + new TreeMap<>(outcomes));
        }
    }

    private static void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    @FuzzTest(maxDuration = "2m")
    @DictionaryFile(resourcePath = "pdf.dict")
    @Timeout(10)
    void crossReferenceCheck(byte[] pdf) throws Throwable {
        Optional<String> damage = Xref.damage(pdf);
        count(damage.isPresent() ? "xref: damaged" : "xref: intact");
        if (damage.isPresent() && damage.get().startsWith(Xref.FALLBACK)) {
            throw new AssertionError("the cross-reference check fell back on an unexpected exception: " + damage.get());
        }
        if (damage.isEmpty() && com.certyneo.engine.pades.ChainAgreement.requireAgreement(pdf)) {
            count("xref: told, as PDFBox reads it");
        }
        if (!FUZZING || checked.incrementAndGet() % FILE_VARIANT_EVERY == 0) {
            Path file = Files.createTempFile(Xref.DIR, "xref", ".pdf");
            try {
                Files.write(file, pdf);
                Optional<String> fromFile = Xref.damage(file);
                if (!damage.equals(fromFile)) {
                    throw new AssertionError("the file variant disagrees: " + damage + " in memory, " + fromFile + " from the file");
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    @DictionaryFile(resourcePath = "pdf.dict")
    @Timeout(90) // above the engine's own time limit per document (60 s by default), which makes it RESOURCE_LIMIT
    void validate(byte[] pdf) {
        ValidationReport report;
        try {
            report = Engine.ENGINE.validate(DocumentSource.of(pdf, "fuzz.pdf"), ValidationOptions.sandbox());
        } catch (SignatureEngineException e) {
            count("validate: " + e.code());
            requireInputError(e, true);
            return;
        }
        count("validate: returned");
        if (report.signatures().stream().anyMatch(s -> s.indication() == null)) {
            throw new AssertionError("a signature without indication: " + report);
        }
    }

    @FuzzTest(maxDuration = "2m")
    @DictionaryFile(resourcePath = "pdf.dict")
    @Timeout(200) // sign, validate the output, maybe validate the input: each within the engine's 60-s limit
    void sign(byte[] pdf) throws Throwable {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult result;
        try {
            result = Engine.ENGINE.sign(SignRequest.builder().document(DocumentSource.of(pdf, "fuzz.pdf"))
                    .output(DocumentTarget.of(out)).signer(Engine.SIGNER)
                    .level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
        } catch (SignatureEngineException e) {
            count("sign: " + e.code());
            requireInputError(e, false);
            return;
        }
        count("sign: signed");
        byte[] output = out.toByteArray();
        if (output.length <= pdf.length || !Arrays.equals(output, 0, pdf.length, pdf, 0, pdf.length)) {
            throw new AssertionError("the signed output is not an incremental update of the input ("
                    + pdf.length + " bytes in, " + output.length + " out)");
        }
        Optional<String> damage = Xref.damage(output);
        if (damage.isPresent()) {
            throw new AssertionError("the signed output is damaged: " + damage.get());
        }
        if (FUZZING && signed.incrementAndGet() % VALIDATE_EVERY != 0) {
            return;
        }
        ValidationReport report;
        try {
            report = Engine.ENGINE.validate(DocumentSource.of(output, "fuzz-signed.pdf"), ValidationOptions.sandbox());
        } catch (SignatureEngineException e) {
            if (inherited(pdf, e)) {
                count("sign: signed, input not validatable either");
                return;
            }
            throw new AssertionError("the signed output cannot be validated: " + e, e);
        }
        String subject = result.signingCertificate().getSubjectX500Principal().getName();
        List<SignatureValidation> ours = report.signatures().stream()
                .filter(s -> !s.documentTimestamp() && s.claimedSigningTime().equals(Optional.of(result.signingTime()))
                        && subject.equals(s.signerSubject()))
                .toList();
        if (ours.size() != 1 || ours.get(0).indication() != Indication.TOTAL_PASSED) {
            throw new AssertionError("the new signature does not validate TOTAL_PASSED: " + (ours.isEmpty() ? report : ours));
        }
    }

    /**
     * Whether validating the input fails the same way as validating the signed output did: then the
     * failure comes with the input (e.g. a malformed certificate in an earlier signature, which makes DSS
     * give up on the whole document), and signing did not cause it.
     */
    private static boolean inherited(byte[] input, SignatureEngineException outputFailure) {
        try {
            Engine.ENGINE.validate(DocumentSource.of(input, "fuzz.pdf"), ValidationOptions.sandbox());
            return false;
        } catch (SignatureEngineException e) {
            return e.code() == outputFailure.code();
        }
    }

    /**
     * The failures a malformed input may cause: an engine error of the input category. For validate,
     * {@code VALIDATION_ERROR} (DSS failed) is tolerated unless an engine class threw a programming error.
     */
    private static void requireInputError(SignatureEngineException e, boolean validate) {
        if (e.code().category() != ErrorCode.Category.INPUT || e.code() == ErrorCode.IO_ERROR) {
            throw new AssertionError("not an input error: " + e, e);
        }
        if (validate && e.code() == ErrorCode.VALIDATION_ERROR) {
            int guard = 0;
            for (Throwable t = e.getCause(); t != null && guard++ < 32; t = t.getCause()) {
                boolean bug = t instanceof NullPointerException || t instanceof ClassCastException
                        || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException
                        || t instanceof NegativeArraySizeException || t instanceof ArrayStoreException;
                if (bug && thrower(t).startsWith("com.certyneo.")) {
                    throw new AssertionError("engine code failed on the input: " + e, e);
                }
            }
        }
    }

    /** The class of the first frame outside the JDK: who threw (or made the JDK throw) {@code t}. */
    private static String thrower(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            String type = frame.getClassName();
            if (!(type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun."))) {
                return type;
            }
        }
        return "";
    }

    /** {@code CrossReferenceCheck.damage}, package-private in {@code com.certyneo.engine.pades}. */
    private static final class Xref {
        /** The start of the description {@code CrossReferenceCheck} gives when its parser threw. */
        static final String FALLBACK = "its cross-reference data cannot be followed (";
        static final Path DIR;
        private static final MethodHandle IN_MEMORY;
        private static final MethodHandle FROM_FILE;

        static {
            try {
                Class<?> check = Class.forName("com.certyneo.engine.pades.CrossReferenceCheck");
                Method inMemory = check.getDeclaredMethod("damage", byte[].class);
                Method fromFile = check.getDeclaredMethod("damage", Path.class);
                inMemory.setAccessible(true);
                fromFile.setAccessible(true);
                IN_MEMORY = MethodHandles.lookup().unreflect(inMemory);
                FROM_FILE = MethodHandles.lookup().unreflect(fromFile);
                DIR = Files.createTempDirectory("certyneo-fuzz-xref");
                DIR.toFile().deleteOnExit();
            } catch (ReflectiveOperationException | IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unchecked")
        static Optional<String> damage(byte[] pdf) throws Throwable {
            return (Optional<String>) IN_MEMORY.invoke(pdf);
        }

        @SuppressWarnings("unchecked")
        static Optional<String> damage(Path file) throws Throwable {
            return (Optional<String>) FROM_FILE.invoke(file);
        }
    }

    /** One sandbox engine per JVM, created (and warmed up with one sign and validate) on first use. */
    private static final class Engine {
        static final PadesSignatureEngine ENGINE;
        static final Signer SIGNER = Signer.parse("Fuzz Tester <fuzz@example.com>");

        static {
            try {
                Path home = Files.createTempDirectory("certyneo-fuzz-home");
                ENGINE = PadesSignatureEngine.sandbox(home);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(home)));
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ENGINE.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "warm-up.pdf"))
                    .output(DocumentTarget.of(out)).signer(SIGNER).level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
            if (!ENGINE.validate(DocumentSource.of(out.toByteArray(), "warm-up.pdf"), ValidationOptions.sandbox()).allPassed()) {
                throw new ExceptionInInitializerError("the warm-up signature does not validate");
            }
        }

        private static void delete(Path dir) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort, in a temporary directory
            }
        }
    }
}
