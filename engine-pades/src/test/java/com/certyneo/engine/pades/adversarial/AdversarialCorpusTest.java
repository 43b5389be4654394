package com.certyneo.engine.pades.adversarial;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.pades.adversarial.RenderOracle.Judgement;
import com.certyneo.engine.pades.adversarial.RenderOracle.Renderer;
import com.certyneo.engine.pades.adversarial.SignedInputs.SignedInput;
import com.certyneo.engine.pades.adversarial.Variant.AttackClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The adversarial corpus (issue 10): signs a few inputs ({@link SignedInputs}), generates the attacked
 * variants ({@link AttackGenerator}), validates each with the engine and judges each with the
 * {@link RenderOracle}. Verdicts, per variant:
 * <ul>
 * <li><b>refused</b>: the attacked signature is not TOTAL_PASSED (or not found), the document is not
 * allPassed, or validation throws a {@link SignatureEngineException} (INVALID_PDF …);</li>
 * <li><b>passed-invisible</b>: validation passed and no renderer shows a difference between what was
 * signed and the attacked file;</li>
 * <li><b>passed-VISIBLE</b>: validation passed although some renderer shows a difference: the bug class.
 * The test fails listing them (for attacks, and for the "warn" oddities, which must not change what is
 * shown either);</li>
 * <li><b>crashed</b>: validation threw something other than a SignatureEngineException, against the
 * engine's contract, or did not finish in {@link #VALIDATION_TIMEOUT_SECONDS}; the test fails.</li>
 * </ul>
 * Benign updates must keep the document allPassed; the test fails otherwise. The matrix (counts by class
 * and a line per variant) goes to {@code target/adversarial-matrix.txt} and to standard output; the
 * variants to {@code target/adversarial/variants/<input>/<id>.pdf}.
 *
 * <p>Renderers: {@code pdftoppm}, {@code mutool}, {@code gs}. Under {@code CI=true} a missing one fails
 * the test; locally it is left out, and without any the test is skipped.
 */
class AdversarialCorpusTest {

    /** A validation running longer than this (a hostile file that makes the validator hang) counts as a crash. */
    static final long VALIDATION_TIMEOUT_SECONDS = 120;

    @TempDir
    static Path home;

    /** How a variant fared. */
    enum Verdict {
        REFUSED("refused"), PASSED_INVISIBLE("passed-invisible"), PASSED_VISIBLE("passed-VISIBLE"), CRASHED("CRASHED");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    /**
     * The validator's answer about a variant.
     *
     * @param passed       the attacked signature is TOTAL_PASSED and the document allPassed
     * @param crashed      validation threw something other than a SignatureEngineException
     * @param indication   the attacked signature's indication, NOT-FOUND, or the exception's error code
     * @param subIndication its sub-indication or "-"
     * @param detail       the first modification, else the first error, else why it did not pass
     * @param warnings     document-level warnings of the report
     * @param millis       how long validation took
     */
    record Outcome(boolean passed, boolean crashed, String indication, String subIndication, String detail,
                   List<String> warnings, long millis) {
    }

    /** One line of the matrix. */
    record Row(Variant variant, Outcome outcome, List<Judgement> judgements) {
        boolean visible() {
            return judgements.stream().anyMatch(Judgement::differs);
        }

        Verdict verdict() {
            if (outcome.crashed()) {
                return Verdict.CRASHED;
            }
            if (!outcome.passed()) {
                return Verdict.REFUSED;
            }
            return visible() ? Verdict.PASSED_VISIBLE : Verdict.PASSED_INVISIBLE;
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void attacksAreRefusedOrInvisibleAndBenignUpdatesKeepSignaturesValid() throws Exception {
        long start = System.nanoTime();
        List<Renderer> renderers = RenderOracle.available();
        assumeTrue(!renderers.isEmpty(), "no renderer installed (pdftoppm, mutool, gs)");
        Path work = Path.of("target", "adversarial").toAbsolutePath();
        deleteTree(work);
        List<Row> rows = new ArrayList<>();
        ExecutorService renderPool = Executors.newFixedThreadPool(2, daemon("adversarial-render"));
        ExecutorService validatePool = Executors.newFixedThreadPool(2, daemon("adversarial-validate"));
        long signedAt;
        long generatedAt;
        String renderStatistics;
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            List<SignedInput> inputs = SignedInputs.build(engine, true);
            signedAt = System.nanoTime();
            AttackGenerator generator = new AttackGenerator(engine);
            List<Variant> variants = new ArrayList<>();
            for (SignedInput input : inputs) {
                variants.addAll(generator.generate(input));
            }
            generatedAt = System.nanoTime();
            for (Variant v : variants) {
                Path file = work.resolve("variants").resolve(v.input()).resolve(v.id() + ".pdf");
                Files.createDirectories(file.getParent());
                Files.write(file, v.bytes());
            }
            RenderOracle oracle = new RenderOracle(work.resolve("render"), renderers, renderPool);
            Map<Variant, CompletableFuture<List<Judgement>>> renders = new LinkedHashMap<>();
            Map<Variant, CompletableFuture<Outcome>> validations = new LinkedHashMap<>();
            for (Variant v : variants) {
                validations.put(v, CompletableFuture.supplyAsync(() -> validate(engine, v), validatePool));
                renders.put(v, oracle.compare(v.signedRevision(), v.bytes()));
            }
            for (Variant v : variants) {
                Outcome outcome;
                try {
                    outcome = validations.get(v).get(VALIDATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    validations.get(v).cancel(true);
                    outcome = new Outcome(false, true, "HANG", "-", "validation did not finish in " + VALIDATION_TIMEOUT_SECONDS
                            + " s", List.of(), VALIDATION_TIMEOUT_SECONDS * 1000);
                }
                rows.add(new Row(v, outcome, renders.get(v).join()));
            }
            renderStatistics = oracle.statistics();
        } finally {
            renderPool.shutdownNow();
            validatePool.shutdownNow();
        }
        long end = System.nanoTime();
        long validationMillis = rows.stream().mapToLong(r -> r.outcome().millis()).sum();
        String timing = String.format(Locale.ROOT, "%.1f s (signing inputs %.1f s, generating %.1f s, validating+rendering %.1f s"
                        + " on 2+2 threads: validations %.1f s summed, %s summed)",
                (end - start) / 1e9, (signedAt - start) / 1e9, (generatedAt - signedAt) / 1e9, (end - generatedAt) / 1e9,
                validationMillis / 1e3, renderStatistics);
        String matrix = matrix(rows, renderers, timing);
        Path out = Path.of("target", "adversarial-matrix.txt");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, matrix);
        System.out.println(matrix.substring(0, matrix.indexOf("\nPer variant")) + "\n(full matrix: " + out.toAbsolutePath() + ")");

        List<String> failures = new ArrayList<>();
        for (Row row : rows) {
            Variant v = row.variant();
            if (row.verdict() == Verdict.CRASHED) {
                failures.add("validator crashed on " + v + ": " + row.outcome().detail());
            } else if (v.attackClass() == AttackClass.BENIGN && !row.outcome().passed()) {
                failures.add("benign update refused: " + v + ": " + row.outcome().indication() + " "
                        + row.outcome().subIndication() + " " + row.outcome().detail());
            } else if (v.attackClass() == AttackClass.WARN && row.outcome().passed() && row.outcome().warnings().isEmpty()) {
                failures.add("no warning for " + v + " (" + v.description() + ")");
            } else if (v.attackClass() != AttackClass.BENIGN && row.verdict() == Verdict.PASSED_VISIBLE) {
                failures.add("passed-VISIBLE: " + v + " [" + RenderOracle.differing(row.judgements()) + "] " + v.description());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " problem(s) (matrix in " + out.toAbsolutePath() + "):\n  "
                + String.join("\n  ", failures));
    }

    /** Validates a variant with the sandbox trust settings. */
    static Outcome validate(PadesSignatureEngine engine, Variant v) {
        long start = System.nanoTime();
        try {
            ValidationReport report = engine.validate(DocumentSource.of(v.bytes(), v.input() + "-" + v.id() + ".pdf"),
                    ValidationOptions.sandbox());
            Optional<SignatureValidation> attacked = report.signatures().stream()
                    .filter(s -> !s.documentTimestamp() && s.fieldName().equals(v.attackedField())).findFirst();
            boolean passed = attacked.map(SignatureValidation::passed).orElse(false) && report.allPassed();
            String detail;
            if (attacked.isEmpty()) {
                detail = "the attacked signature is not in the report (" + report.signatures().size() + " signature(s))";
            } else if (!attacked.get().modifications().isEmpty()) {
                detail = attacked.get().modifications().get(0);
            } else if (!attacked.get().errors().isEmpty()) {
                detail = "error: " + attacked.get().errors().get(0);
            } else if (!report.allPassed()) {
                detail = "not allPassed: " + report.signatures().stream().filter(s -> !s.passed())
                        .map(s -> s.fieldName() + " " + s.indication() + s.subIndication().map(x -> "/" + x).orElse("")
                                + (s.modifications().isEmpty() ? "" : " " + s.modifications().get(0)))
                        .findFirst().orElse("?");
            } else {
                detail = "";
            }
            return new Outcome(passed, false, attacked.map(s -> s.indication().name()).orElse("NOT-FOUND"),
                    attacked.flatMap(SignatureValidation::subIndication).orElse("-"), detail, allWarnings(report),
                    millisSince(start));
        } catch (SignatureEngineException e) {
            return new Outcome(false, false, "EXCEPTION " + e.code(), "-", oneLine(e.getMessage()), List.of(), millisSince(start));
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(false, true, "CRASH", "-", e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()), List.of(),
                    millisSince(start));
        }
    }

    /**
     * The document's warnings, then the warnings the validator added for each signature about what follows it
     * (the lines starting "After this signature:"), prefixed with the field name.
     */
    static List<String> allWarnings(ValidationReport report) {
        List<String> all = new ArrayList<>(report.warnings());
        for (SignatureValidation s : report.signatures()) {
            s.warnings().stream().filter(w -> w.startsWith("After this signature:"))
                    .forEach(w -> all.add(s.fieldName() + ": " + w));
        }
        return all;
    }

    /** The matrix: counts by class, then a line per variant. */
    static String matrix(List<Row> rows, List<Renderer> renderers, String timing) {
        StringBuilder m = new StringBuilder();
        m.append("Adversarial corpus: ").append(rows.size()).append(" variants; render oracle ")
                .append(renderers.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList())
                .append(" at ").append(RenderOracle.DPI).append(" dpi, first ").append(RenderOracle.MAX_PAGES)
                .append(" pages; ").append(timing).append("\n\n");
        m.append(String.format("%-22s %6s %8s %17s %15s %8s%n", "class", "tried", "refused", "passed-invisible",
                "passed-VISIBLE", "crashed"));
        Map<AttackClass, int[]> counts = new EnumMap<>(AttackClass.class);
        for (Row row : rows) {
            int[] c = counts.computeIfAbsent(row.variant().attackClass(), k -> new int[5]);
            c[0]++;
            c[1 + row.verdict().ordinal()]++;
        }
        int[] attacks = new int[5];
        counts.forEach((cls, c) -> {
            m.append(String.format("%-22s %6d %8d %17d %15d %8d%s%n", cls.label(), c[0], c[1], c[2], c[3], c[4],
                    cls == AttackClass.BENIGN ? "   (must pass: passed = " + (c[2] + c[3]) + ")"
                            : cls == AttackClass.WARN ? "   (expected to stay valid)" : ""));
            if (cls.attack()) {
                for (int i = 0; i < 5; i++) {
                    attacks[i] += c[i];
                }
            }
        });
        m.append(String.format("%-22s %6d %8d %17d %15d %8d%n", "all attacks", attacks[0], attacks[1], attacks[2], attacks[3],
                attacks[4]));
        m.append("\nPer variant: class | input/id | verdict | renderers differing | indication | sub-indication | first modification / error\n");
        rows.stream().sorted(Comparator.comparing((Row r) -> r.variant().attackClass()).thenComparing(r -> r.variant().input())
                        .thenComparing(r -> r.variant().id()))
                .forEach(r -> {
                    Variant v = r.variant();
                    String verdict = v.attackClass() == AttackClass.BENIGN ? (r.outcome().passed() ? "passed" : "FAILED (benign refused)")
                            : v.attackClass() == AttackClass.WARN ? (r.outcome().passed() ? r.verdict().label
                                    : r.verdict().label + " (expected valid)") : r.verdict().label;
                    m.append(String.format("%-20s | %-44s | %-24s | %-26s | %-14s | %-22s | %s%n", v.attackClass().label(),
                            v.name(), verdict, RenderOracle.differing(r.judgements()), r.outcome().indication(),
                            r.outcome().subIndication(), truncate(r.outcome().detail(), 160)));
                    if (v.attackClass() == AttackClass.WARN || v.attackClass() == AttackClass.BENIGN) {
                        r.outcome().warnings().forEach(w -> m.append(String.format("%-20s |   report warning: %s%n", "", truncate(w, 200))));
                    }
                });
        m.append("\nRenderer details for differing variants:\n");
        rows.stream().filter(Row::visible).forEach(r -> m.append("  ").append(r.variant().name()).append(": ")
                .append(r.judgements().stream().filter(Judgement::differs).map(Judgement::toString).toList()).append('\n'));
        m.append("\nDescriptions:\n");
        rows.stream().map(r -> r.variant().id() + ": " + r.variant().description()).distinct().sorted()
                .forEach(d -> m.append("  ").append(d).append('\n'));
        return m.toString();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String truncate(String s, int max) {
        String one = oneLine(s);
        return one.length() <= max ? one : one.substring(0, max) + "…";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Deletes this test's own output directory (target/adversarial) from an earlier run. */
    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
