package com.certyneo.engine.pades.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A panel of independent PDF readers, run on a signed OUTPUT and compared with its INPUT, so that a
 * test can assert that what we write opens cleanly everywhere:
 * <ol>
 * <li>{@code pdfsig} (poppler, NSS): the output lists the input's signatures plus exactly the new ones
 * (and any new document time-stamps); the new signatures are "Signature is Valid" (certificate trust is
 * not checked: {@code -nocert}), new document time-stamps are valid or, as poppler 22.12 cannot verify
 * RFC 3161 time-stamps, "not yet verified"; the old ones keep the validation text they had on the input;
 * empty signature fields ("not signed") are not signatures, and each one of the input is still listed, empty
 * or signed now; in an encrypted output, as many "cannot parse" lines as it has document time-stamps whose token is
 * in clear are poppler's reading, not findings ({@link #clearTimestampsOfEncrypted});</li>
 * <li>{@code pdftotext} and {@code pdfinfo} (poppler): work, agree on the page count, and, for sandbox
 * output, extract "SANDBOX" from every page;</li>
 * <li>{@code qpdf --check}: exit 0 (or the input's own non-error exit) and no line the input did not
 * have;</li>
 * <li>MuPDF {@code mutool info} and {@code mutool draw} (rendering every page at 36 dpi): succeed, no
 * error or warning the input did not produce (but the AES warnings about those time-stamp tokens, as many), the same
 * page count as pdfinfo;</li>
 * <li>MuPDF {@code mutool sign -v} (its own CMS check, on OpenSSL): every signature it verified on the input still
 * verifies (its "edits since signing" is still valid: MuPDF only compares the byte range's end with the file's), every
 * other verdict of the input is kept, empty fields stay empty or verify now, every new signature verifies; MuPDF
 * calls a {@code /Type /DocTimeStamp} "not signed", as it does an empty field, so new entries saying that are exactly the
 * new document time-stamps and new empty signature fields;</li>
 * <li>pdf.js ({@code corpus/panel/pdfjs-check.mjs}, one node process per batch): loads, same page count
 * as the input, at least the input's signature fields plus the new ones that did not fill an empty field of
 * the input, no new warning;</li>
 * <li>PDFium, Chrome's PDF engine ({@code corpus/panel/pdfium-check.mjs}: @hyzyla/pdfium, PDFium as WebAssembly, one
 * node process per batch): loads, does not rebuild a cross-reference table it did not rebuild for the input
 * ({@code FPDF_DocumentHasValidCrossReferenceTable}), the same page count and header version as the input, renders
 * every page, one more revision at least when it has a new signature ({@code FPDF_GetTrailerEnds}); lists every signature of the input with the
 * same {@code /Contents} and every new one (signatures and document time-stamps) with a well-formed /ByteRange whose gap
 * is exactly its /Contents, and an ETSI sub-filter (PDFium decrypts the token of a document time-stamp in an encrypted
 * file, as MuPDF does: as many of those as {@link #clearTimestampsOfEncrypted} counts are not held to the gap);</li>
 * <li>pypdf in strict mode and pikepdf ({@code corpus/panel/pypdf-check.py}, one Debian
 * {@code /usr/bin/python3} process per batch): no exception or problem the input did not have, same
 * page count, enough /Sig fields;</li>
 * <li>iText 9 ({@link ITextCheck}: {@code PdfReader} at conservative strictness, {@code SignatureUtil}; AGPL, a
 * test-scope dependency only): opens the output if it opened the input, without rebuilding a cross-reference table
 * it did not rebuild for the input; every signature that verified on the input
 * ({@code verifySignatureIntegrityAndAuthenticity}) is still listed and verifies, at least the new signatures are
 * listed more and every new one (document time-stamps included) verifies;</li>
 * <li>PoDoFo 0.9 ({@code podofopdfinfo}, C++, no cross-reference reconstruction): opens the output if it opened the
 * input, no new error line, the same version, page count, media boxes and rotations, every annotation of the input
 * on its page, neither hidden nor unprinted now;</li>
 * <li>{@link XrefLinter}: no finding on the output that it does not also make on the input (a producer's own
 * sections, which the output keeps byte for byte: OpenPDF lists its cross-reference stream's own number as free).</li>
 * </ol>
 * An encrypted pair ({@link Case#password()}) is opened with its user password by every reader.
 * A reader whose tool is missing is skipped (and logged), except under {@code CI=true}, where that is
 * an {@link AssertionError}. Every process runs with a timeout and is killed, with its children, when
 * it overruns; per-file tools run on two threads, pdf.js and pypdf once per batch (inputs included).
 */
public final class ReaderPanel {

    /** Something one reader did not like about an output. */
    public record Finding(String reader, String message) {
        @Override
        public String toString() {
            return reader + ": " + message;
        }
    }

    /**
     * One input/output pair.
     *
     * @param newSignatures how many signatures the output should have more than the input, not counting
     *                      document time-stamps (B-LTA's archive time-stamp, or the one DSS adds to raise
     *                      earlier signatures without a time-stamp to B-T): those may be added freely, and
     *                      pdf.js and pypdf, which count signature fields, expect at least this many more
     * @param sandbox       expect the text "SANDBOX" on every page of the output
     * @param password      the user password both the input and the output open with (an encrypted pair), or
     *                      {@code null}: every reader is given it (pdfsig, pdfinfo, pdftotext {@code -upw}, qpdf
     *                      {@code --password}, mutool {@code -p}, pdf.js, pypdf and pikepdf through
     *                      {@code $PANEL_PASSWORDS})
     */
    public record Case(Path input, Path output, int newSignatures, boolean sandbox, String password) {
        /** An unencrypted pair. */
        public Case(Path input, Path output, int newSignatures, boolean sandbox) {
            this(input, output, newSignatures, sandbox, null);
        }
    }

    /** How long a reader took in the last {@link #check(List)}: runs, total and slowest milliseconds. */
    public record Timing(int runs, long totalMillis, long maxMillis) {
        public long meanMillis() {
            return runs == 0 ? 0 : totalMillis / runs;
        }
    }

    public static final String PDFSIG = "pdfsig";
    public static final String PDFTOTEXT = "pdftotext";
    public static final String QPDF = "qpdf";
    public static final String MUTOOL = "mutool";
    /** MuPDF's signature check, run and reported with {@link #MUTOOL} (the same tool). */
    static final String MUTOOL_SIGN = "mutool sign";
    public static final String PDFJS = "pdf.js";
    public static final String PDFIUM = "pdfium";
    public static final String PYPDF = "pypdf";
    public static final String PIKEPDF = "pikepdf";
    public static final String ITEXT = "iText";
    public static final String PODOFO = "PoDoFo";
    public static final String LINTER = "XrefLinter";

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String PYTHON = "/usr/bin/python3";
    private static final int THREADS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static volatile Map<String, Timing> lastTimings = Map.of();
    private static volatile Availability availability;

    private ReaderPanel() {
    }

    // ------------------------------------------------------------------------------------------------
    // Public API

    /**
     * @return the names of the readers that are available and used, in panel order
     * @throws AssertionError under {@code CI=true} when a reader's tool is missing
     */
    public static List<String> readers() {
        return availability().readers();
    }

    /** @return per reader, the time it took in the last {@link #check(List)} */
    public static Map<String, Timing> lastTimings() {
        return lastTimings;
    }

    /**
     * Runs every available reader on every output and its input.
     *
     * @return for each case, in order, its findings; an empty list means the output passes every reader
     * @throws AssertionError under {@code CI=true} when a reader's tool is missing
     */
    public static Map<Case, List<Finding>> check(List<Case> cases) {
        Availability av = availability();
        Set<Path> all = new LinkedHashSet<>();
        Set<Path> outputs = new LinkedHashSet<>();
        Map<Path, String> passwords = new HashMap<>();
        for (Case c : cases) {
            all.add(c.input().toAbsolutePath().normalize());
            all.add(c.output().toAbsolutePath().normalize());
            outputs.add(c.output().toAbsolutePath().normalize());
            if (c.password() != null) {
                passwords.put(c.input().toAbsolutePath().normalize(), c.password());
                passwords.put(c.output().toAbsolutePath().normalize(), c.password());
            }
        }
        Map<String, String> passwordEnv = passwordEnv(passwords);
        Results r = new Results();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread t = new Thread(runnable, "reader-panel");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> jobs = new ArrayList<>();
        try {
            List<Path> batch = new ArrayList<>(all);
            if (av.has(PDFJS)) {
                Map<String, String> env = new HashMap<>(pdfjsEnv(av));
                env.putAll(passwordEnv);
                jobs.add(pool.submit(() -> r.pdfjs.putAll(batch(PDFJS, r, batch, pdfjsCommand(av, batch), env))));
            }
            if (av.has(PYPDF)) {
                jobs.add(pool.submit(() -> r.pypdf.putAll(batch(PYPDF, r, batch, pypdfCommand(av, batch), passwordEnv))));
            }
            if (av.has(PDFIUM)) {
                List<String> command = new ArrayList<>(List.of("node", av.root.resolve("corpus/panel/pdfium-check.mjs").toString()));
                batch.forEach(p -> command.add(p.toString()));
                jobs.add(pool.submit(() -> r.pdfium.putAll(batch(PDFIUM, r, batch, command, passwordEnv))));
            }
            for (Path p : all) {
                String password = passwords.get(p);
                List<String> upw = password == null ? List.of() : List.of("-upw", password);
                if (av.has(PDFSIG)) {
                    jobs.add(pool.submit(() -> r.put(PDFSIG, p, run(PDFSIG, r, p, with(upw, "pdfsig", "-nocert", p.toString())))));
                }
                if (av.has(PDFTOTEXT) || av.has(MUTOOL)) {
                    jobs.add(pool.submit(() -> r.put("pdfinfo", p, run("pdfinfo", r, p, with(upw, "pdfinfo", p.toString())))));
                }
                if (av.has(PDFTOTEXT)) {
                    jobs.add(pool.submit(() -> r.put(PDFTOTEXT, p,
                            run(PDFTOTEXT, r, p, with(upw, "pdftotext", "-enc", "UTF-8", p.toString(), "-")))));
                }
                if (av.has(QPDF)) {
                    List<String> qpw = password == null ? List.of() : List.of("--password=" + password);
                    jobs.add(pool.submit(() -> r.put(QPDF, p, run(QPDF, r, p, with(qpw, "qpdf", "--check", p.toString())))));
                }
                if (av.has(MUTOOL)) {
                    List<String> mpw = password == null ? List.of() : List.of("-p", password);
                    jobs.add(pool.submit(() -> r.put("mutool info", p,
                            run("mutool info", r, p, with(mpw, "mutool", "info", p.toString())))));
                    jobs.add(pool.submit(() -> r.put("mutool draw", p,
                            run("mutool draw", r, p, with(mpw, "mutool", "draw", "-r", "36", p.toString())))));
                    jobs.add(pool.submit(() -> r.put(MUTOOL_SIGN, p,
                            run(MUTOOL_SIGN, r, p, with(mpw, "mutool", "sign", "-v", p.toString())))));
                }
                if (av.has(ITEXT)) {
                    jobs.add(pool.submit(() -> r.itext.put(p, timed(ITEXT, r, () -> itextSafely(p, password)))));
                }
                if (av.has(PODOFO)) {
                    jobs.add(pool.submit(() -> r.put(PODOFO, p, run(PODOFO, r, p, "podofopdfinfo", p.toString()))));
                }
                jobs.add(pool.submit(() -> r.lint.put(p, timed(LINTER, r, () -> lintSafely(p)))));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the reader panel", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the reader panel failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        lastTimings = Collections.unmodifiableMap(new LinkedHashMap<>(r.timings));

        Map<Case, List<Finding>> findings = new LinkedHashMap<>();
        for (Case c : cases) {
            Path in = c.input().toAbsolutePath().normalize();
            Path out = c.output().toAbsolutePath().normalize();
            List<Finding> f = new ArrayList<>();
            int clearTimestamps = av.has(PDFSIG) || av.has(MUTOOL) ? clearTimestampsOfEncrypted(c, f) : 0;
            if (av.has(PDFSIG)) {
                pdfsig(c, r.get(PDFSIG, in), r.get(PDFSIG, out), clearTimestamps, f);
            }
            if (av.has(PDFTOTEXT)) {
                poppler(c, in, out, r, f);
            }
            if (av.has(QPDF)) {
                qpdf(in, out, r.get(QPDF, in), r.get(QPDF, out), f);
            }
            // what PDFBox counts in both files, for MuPDF's and PDFium's listings (null when it cannot read one)
            SignatureCounts inCounts = av.has(MUTOOL) || av.has(PDFIUM) ? signatureCounts(c.input(), c.password(), f) : null;
            SignatureCounts outCounts = av.has(MUTOOL) || av.has(PDFIUM) ? signatureCounts(c.output(), c.password(), f) : null;
            if (av.has(MUTOOL)) {
                mutool(in, out, r, clearTimestamps, f);
                mutoolSign(c, r.get(MUTOOL_SIGN, in), r.get(MUTOOL_SIGN, out), clearTimestamps, inCounts, outCounts, f);
            }
            int filled = av.has(PDFJS) || av.has(PYPDF) ? filledFields(c) : 0;
            if (av.has(PDFJS)) {
                pdfjs(c, filled, r.pdfjs.get(in), r.pdfjs.get(out), f);
            }
            if (av.has(PYPDF)) {
                pypdf(c, filled, r.pypdf.get(in), r.pypdf.get(out), f);
            }
            if (av.has(PDFIUM)) {
                pdfium(c, clearTimestamps, newDocumentTimestamps(inCounts, outCounts), r.pdfium.get(in), r.pdfium.get(out), f);
            }
            if (av.has(ITEXT)) {
                itext(c, r.itext.get(in), r.itext.get(out), f);
            }
            if (av.has(PODOFO)) {
                podofo(in, out, r.get(PODOFO, in), r.get(PODOFO, out), f);
            }
            // what the linter finds in the input's own sections (a producer's) the output keeps byte for byte
            List<String> inputLint = r.lint.getOrDefault(in, List.of());
            for (String problem : r.lint.getOrDefault(out, List.of())) {
                if (!inputLint.contains(problem)) {
                    f.add(new Finding(LINTER, problem));
                }
            }
            findings.put(c, List.copyOf(f));
        }
        return findings;
    }

    // ------------------------------------------------------------------------------------------------
    // pdfsig

    /** What pdfsig says of a signature field that has no signature yet (a prepared, empty field). */
    static final String NOT_SIGNED = "The signature form field is not signed.";

    /** One signature as pdfsig lists it; {@code validation} is {@link #NOT_SIGNED} for an empty signature field. */
    record PdfsigSignature(String field, String type, String validation) {
        boolean signed() {
            return !validation.equals(NOT_SIGNED);
        }

        /**
         * A document time-stamp (SubFilter ETSI.RFC3161): poppler before 23.x lists it with type
         * "unknown" and cannot verify it ("Signature has not yet been verified").
         */
        boolean documentTimestamp() {
            return type.equals("ETSI.RFC3161") || type.equals("unknown");
        }
    }

    /** What pdfsig says of a document time-stamp whose token it decrypted into noise (see {@link #clearTimestampsOfEncrypted}). */
    static final String PDFSIG_UNPARSABLE = "Internal Error (0): Input couldn't be parsed as a CMS signature";
    /** What MuPDF says of the same token, AES-decrypted (RC4 turns it into noise without a word). */
    static final List<String> MUTOOL_UNDECRYPTABLE = List.of("warning: invalid string length for aes encryption",
            "warning: aes padding out of range");

    /**
     * The document time-stamps of an encrypted output whose {@code /Contents} is a time-stamp token in clear. ISO 32000-2
     * §7.6.2 exempts the {@code /Contents} of every signature dictionary from encryption, {@code /Type /DocTimeStamp}
     * included (Table 255), and PDFBox (so DSS) and iText read it so; poppler and MuPDF (and pdfium, by its source) exempt
     * only {@code /Type /Sig} dictionaries and decrypt such a token into noise: pdfsig cannot parse it
     * ({@link #PDFSIG_UNPARSABLE}) and MuPDF warns ({@link #MUTOOL_UNDECRYPTABLE}). That many of those lines are the
     * readers' reading, not the output's defect; any more are findings. A document time-stamp of an encrypted output
     * whose token is not in clear is a finding itself.
     *
     * @return how many such time-stamps the output has (0 for an unencrypted output)
     */
    static int clearTimestampsOfEncrypted(Case c, List<Finding> f) {
        try (org.apache.pdfbox.pdmodel.PDDocument document = load(c.output(), c.password())) {
            if (!document.isEncrypted()) {
                return 0;
            }
            int clear = 0;
            for (var signature : document.getSignatureDictionaries()) {
                if (!org.apache.pdfbox.cos.COSName.DOC_TIME_STAMP.equals(signature.getCOSObject().getCOSName(
                        org.apache.pdfbox.cos.COSName.TYPE))) {
                    continue;
                }
                try {
                    new org.bouncycastle.tsp.TimeStampToken(new org.bouncycastle.cms.CMSSignedData(signature.getContents()));
                    clear++;
                } catch (Exception e) {
                    f.add(new Finding("PDFBox", "the /Contents of document time-stamp '" + signature.getName()
                            + "' in the encrypted output is not a time-stamp token in clear: " + e.getMessage()));
                }
            }
            return clear;
        } catch (IOException e) {
            f.add(new Finding("PDFBox", "cannot open the output to count its document time-stamps: " + e.getMessage()));
            return 0;
        }
    }

    /**
     * MuPDF's line for a message printed again straight after itself: {@code fz_warn} prints the first and then, for a
     * run of the same message, this line with the run's whole length (so "repeated 2 times" is one more copy).
     */
    private static final Pattern MUTOOL_REPEATED = Pattern.compile("warning: \\.\\.\\. repeated (\\d+) times\\.\\.\\.");

    /**
     * {@code text} without its first {@code max} lines equal to one of {@code lines} (trimmed). A MuPDF repeat line
     * ({@link #MUTOOL_REPEATED}) right after a dropped line counts as the copies it stands for: dropped while they fit
     * within {@code max}, else kept (a finding).
     */
    static String withoutLines(String text, List<String> lines, int max) {
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        boolean afterDropped = false;
        for (String line : text.split("\n", -1)) {
            Matcher repeated = MUTOOL_REPEATED.matcher(line.trim());
            if (afterDropped && repeated.matches()) {
                int more = Integer.parseInt(repeated.group(1)) - 1;
                if (dropped + more <= max) {
                    dropped += more;
                    continue;
                }
            }
            afterDropped = dropped < max && lines.contains(line.trim());
            if (afterDropped) {
                dropped++;
            } else {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /**
     * @param clearTimestamps document time-stamps of an encrypted output that pdfsig decrypts into noise
     *                        ({@link #clearTimestampsOfEncrypted}): as many {@link #PDFSIG_UNPARSABLE} lines are not findings
     */
    private static void pdfsig(Case c, Run in, Run out, int clearTimestamps, List<Finding> f) {
        List<PdfsigSignature> before = pdfsigSignatures(in);
        List<PdfsigSignature> after = pdfsigSignatures(out);
        if (after == null) {
            f.add(new Finding(PDFSIG, "failed: " + out.describe()));
            return;
        }
        if (before == null) {
            before = List.of();
            f.add(new Finding(PDFSIG, "cannot read the input, so old signatures are not compared: " + in.describe()));
        }
        // Empty signature fields (prepared for later signers): each one of the input is still there, empty or signed
        // now (a new signature); empty ones of the output are not signatures.
        for (PdfsigSignature empty : before.stream().filter(s -> !s.signed()).toList()) {
            if (after.stream().noneMatch(s -> s.field().equals(empty.field()))) {
                f.add(new Finding(PDFSIG, "the input's empty signature field '" + empty.field() + "' is not listed any more"));
            }
        }
        before = before.stream().filter(PdfsigSignature::signed).toList();
        after = after.stream().filter(PdfsigSignature::signed).toList();
        // Old signatures are found by field name when names are unique, else by position.
        boolean byName = unique(before) && unique(after);
        List<PdfsigSignature> fresh = new ArrayList<>(after);
        for (int i = 0; i < before.size(); i++) {
            PdfsigSignature old = before.get(i);
            PdfsigSignature now = null;
            if (byName) {
                now = after.stream().filter(s -> s.field().equals(old.field())).findFirst().orElse(null);
            } else if (i < after.size()) {
                now = after.get(i);
            }
            if (now == null) {
                f.add(new Finding(PDFSIG, "signature field '" + old.field() + "' of the input is not listed any more"));
                continue;
            }
            fresh.remove(now);
            if (!old.validation().equals(now.validation())) {
                f.add(new Finding(PDFSIG, "signature '" + old.field() + "' was '" + old.validation()
                        + "' in the input, is now '" + now.validation() + "'"));
            }
        }
        // New entries: exactly newSignatures signatures, plus any number of document time-stamps.
        List<PdfsigSignature> freshSignatures = fresh.stream().filter(s -> !s.documentTimestamp()).toList();
        if (freshSignatures.size() != c.newSignatures() || after.size() - fresh.size() != before.size()) {
            f.add(new Finding(PDFSIG, "lists " + after.size() + " entries: " + (after.size() - fresh.size())
                    + " of the input's " + before.size() + ", " + freshSignatures.size() + " new signatures (expected "
                    + c.newSignatures() + ") and " + (fresh.size() - freshSignatures.size()) + " new document time-stamps"));
        }
        boolean timestamps = false;
        for (PdfsigSignature s : fresh) {
            boolean unverifiableTimestamp = s.documentTimestamp() && s.validation().startsWith("Signature has not yet been verified");
            timestamps |= unverifiableTimestamp;
            if (!s.validation().startsWith("Signature is Valid") && !unverifiableTimestamp) {
                f.add(new Finding(PDFSIG, "new signature '" + s.field() + "' (" + s.type() + "): '" + s.validation() + "'"));
            }
        }
        String err = withoutLines(out.err(), List.of(PDFSIG_UNPARSABLE), clearTimestamps);
        if (timestamps) {
            // What poppler says about the document time-stamps it cannot verify.
            err = err.replaceAll("(?m)^Unimplemented Feature.*Unable to validate this type of signature.*$", "");
        }
        newLines(PDFSIG, "stderr: ", in.err(), err, in.file(), out.file(), f);
    }

    private static boolean unique(List<PdfsigSignature> sigs) {
        return sigs.stream().map(PdfsigSignature::field).distinct().count() == sigs.size();
    }

    /** @return the signatures listed, or null when pdfsig failed */
    static List<PdfsigSignature> pdfsigSignatures(Run run) {
        if (run == null || run.failure() != null) {
            return null;
        }
        if (run.exit() != 0) {
            return run.exit() == 2 && run.out().contains("does not contain any signatures") ? List.of() : null;
        }
        List<PdfsigSignature> sigs = new ArrayList<>();
        String field = null;
        String type = "";
        String validation = null;
        for (String line : (run.out() + "\nSignature #end").split("\n")) {
            if (line.startsWith("Signature #")) {
                if (field != null) {
                    sigs.add(new PdfsigSignature(field, type, validation == null ? "(no validation line)" : validation));
                }
                field = line.substring("Signature #".length()).replace(":", "").trim();
                type = "";
                validation = null;
            } else if (field != null && line.contains("- Signature Field Name:")) {
                field = after(line, "- Signature Field Name:");
            } else if (field != null && line.contains("- Signature Type:")) {
                type = after(line, "- Signature Type:");
            } else if (field != null && line.contains("- Signature Validation:")) {
                validation = after(line, "- Signature Validation:");
            } else if (field != null && line.trim().equals(NOT_SIGNED)) {
                validation = NOT_SIGNED;
            }
        }
        return sigs;
    }

    // ------------------------------------------------------------------------------------------------
    // poppler: pdftotext and pdfinfo

    private static final Pattern PAGES = Pattern.compile("(?m)^Pages:\\s+(\\d+)");

    private static void poppler(Case c, Path inPath, Path outPath, Results r, List<Finding> f) {
        Run infoIn = r.get("pdfinfo", inPath);
        Run infoOut = r.get("pdfinfo", outPath);
        Integer pagesIn = pages(infoIn);
        Integer pagesOut = pages(infoOut);
        if (pagesOut == null) {
            f.add(new Finding(PDFTOTEXT, "pdfinfo failed: " + infoOut.describe()));
        } else if (pagesIn != null && !pagesIn.equals(pagesOut)) {
            f.add(new Finding(PDFTOTEXT, "pdfinfo: " + pagesOut + " pages, the input has " + pagesIn));
        }
        Run in = r.get(PDFTOTEXT, inPath);
        Run out = r.get(PDFTOTEXT, outPath);
        if (!out.ok()) {
            f.add(new Finding(PDFTOTEXT, "failed: " + out.describe()));
            return;
        }
        // pdftotext ends every page with a form feed.
        String[] pageTexts = out.out().split("\f", -1);
        int textPages = pageTexts.length - 1;
        if (pagesOut != null && textPages != pagesOut) {
            f.add(new Finding(PDFTOTEXT, "extracted " + textPages + " pages, pdfinfo says " + pagesOut));
        }
        if (c.sandbox()) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < textPages; i++) {
                if (!squeeze(pageTexts[i]).contains("SANDBOX")) {
                    missing.add(i + 1);
                }
            }
            if (textPages == 0 || !missing.isEmpty()) {
                f.add(new Finding(PDFTOTEXT, "no SANDBOX text on page(s) " + (textPages == 0 ? "(no page)" : missing)));
            }
        }
        newLines(PDFTOTEXT, "stderr: ", in.err(), out.err(), inPath, outPath, f);
        newLines(PDFTOTEXT, "pdfinfo stderr: ", infoIn.err(), infoOut.err(), inPath, outPath, f);
    }

    private static Integer pages(Run info) {
        if (info == null || !info.ok()) {
            return null;
        }
        Matcher m = PAGES.matcher(info.out());
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    // ------------------------------------------------------------------------------------------------
    // qpdf --check

    /** Informational lines of qpdf --check, which change legitimately (linearization, encryption details). */
    private static final Pattern QPDF_INFO = Pattern.compile("^(checking |PDF Version|File is |R = |P = |User password|"
            + "Supplied password|extract for|print |modify |No syntax or stream encoding errors|errors that qpdf cannot"
            + "|stream encryption method|string encryption method|file encryption method|Checking linearization|"
            + "encryption dictionary|\\s*$).*");

    private static void qpdf(Path inPath, Path outPath, Run in, Run out, List<Finding> f) {
        if (out.failure() != null || out.timedOut()) {
            f.add(new Finding(QPDF, "failed: " + out.describe()));
            return;
        }
        if (out.exit() != 0 && (out.exit() != in.exit() || out.exit() == 2)) {
            f.add(new Finding(QPDF, "--check exit " + out.exit() + " (input: " + in.exit() + "): "
                    + firstLines(out.out() + out.err(), 5)));
        }
        String inAll = in.out() + "\n" + in.err();
        String outAll = out.out() + "\n" + out.err();
        Set<String> seen = normalisedLines(inAll, inPath);
        for (String line : outAll.split("\n")) {
            String n = normalise(line, outPath);
            if (!QPDF_INFO.matcher(line).matches() && !seen.contains(n)) {
                f.add(new Finding(QPDF, "new: " + line.replace(outPath.toString(), "OUTPUT").trim()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // PoDoFo

    /**
     * What {@code podofopdfinfo} reports of a file: its version, page count, and each page's media box, rotation and
     * annotation blocks (subtype number, contents, title, flags, rectangle), in page order.
     */
    record PodofoInfo(String version, String pages, List<String> boxes, List<List<String>> annotations) {
        private static final Pattern VERSION = Pattern.compile("(?m)^\\s*PDF Version: (.*)$");
        private static final Pattern PAGE_COUNT = Pattern.compile("(?m)^\\s*Page Count: (.*)$");

        /** Annotation flags Hidden, NoView (ISO 32000-1 §12.5.3), and Print. */
        static final long HIDING = 2 | 32;
        static final long PRINT = 4;

        /**
         * Whether two annotation blocks are the same annotation: subtype, contents and title. The flags are compared on
         * their own, and the rectangle is not: before the first signature the engine gives an annotation without an
         * appearance the one a viewer would draw ({@code AnnotationAppearances}: a note gets its 18 pt icon, NoZoom and
         * NoRotate, as ISO 32000-1 §12.5.6.4 says a viewer shows it anyway).
         */
        static boolean same(String a, String b) {
            return field(a, "Type").equals(field(b, "Type")) && field(a, "Contents").equals(field(b, "Contents"))
                    && field(a, "Title").equals(field(b, "Title"));
        }

        static long flags(String block) {
            try {
                return Long.parseLong(field(block, "Flags"));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        private static String field(String block, String name) {
            for (String part : block.split("; ")) {
                if (part.startsWith(name + ":")) {
                    return part.substring(name.length() + 1).strip();
                }
            }
            return "";
        }

        static PodofoInfo of(String out) {
            Matcher v = VERSION.matcher(out);
            Matcher n = PAGE_COUNT.matcher(out);
            List<String> boxes = new ArrayList<>();
            List<List<String>> annotations = new ArrayList<>();
            StringBuilder annotation = null;
            int pageInfo = out.indexOf("\nPage Info\n");
            for (String raw : (pageInfo < 0 ? "" : out.substring(pageInfo)).split("\n")) {
                String line = raw.strip();
                if (line.matches("Page \\d+:")) {
                    annotation = null;
                    boxes.add("");
                    annotations.add(new ArrayList<>());
                } else if (boxes.isEmpty()) {
                    continue;
                } else if (line.startsWith("MediaBox:") || line.startsWith("Rotation:")) {
                    int last = boxes.size() - 1;
                    boxes.set(last, (boxes.get(last) + " " + line).strip());
                } else if (line.matches("Annotation \\d+")) {
                    annotation = new StringBuilder();
                    annotations.get(annotations.size() - 1).add("");
                } else if (annotation != null && !line.isEmpty() && !line.startsWith("Outlines")) {
                    List<String> page = annotations.get(annotations.size() - 1);
                    annotation.append(annotation.length() == 0 ? "" : "; ").append(line);
                    page.set(page.size() - 1, annotation.toString());
                } else if (line.startsWith("Outlines") || line.startsWith("Names")) {
                    break;
                }
            }
            return new PodofoInfo(v.find() ? v.group(1).strip() : "?", n.find() ? n.group(1).strip() : "?", boxes,
                    annotations);
        }
    }

    /**
     * PoDoFo 0.9 ({@code podofopdfinfo}: C++, a parser of its own that does not rebuild a cross-reference table, so
     * an object offset that misses its object fails the load): an output of an input it opens must open, with no
     * error line the input did not give, the same version, page count, media boxes and rotations, and every
     * annotation of the input on the same page (subtype, contents, title), neither hidden nor unprinted now; new
     * annotations are allowed. An input it cannot open (a password it cannot be given, a producer's own damage) is not compared.
     */
    private static void podofo(Path inPath, Path outPath, Run in, Run out, List<Finding> f) {
        if (!in.ok()) {
            return;
        }
        if (!out.ok()) {
            f.add(new Finding(PODOFO, "cannot open the output, which it opened the input: " + out.describe()));
            return;
        }
        newLines(PODOFO, "new: ", in.err(), out.err(), inPath, outPath, f);
        PodofoInfo a = PodofoInfo.of(in.out());
        PodofoInfo b = PodofoInfo.of(out.out());
        if (!a.version().equals(b.version()) || !a.pages().equals(b.pages())) {
            f.add(new Finding(PODOFO, "version " + a.version() + " and " + a.pages() + " pages became " + b.version()
                    + " and " + b.pages()));
            return;
        }
        for (int page = 0; page < Math.min(a.boxes().size(), b.boxes().size()); page++) {
            if (!a.boxes().get(page).equals(b.boxes().get(page))) {
                f.add(new Finding(PODOFO, "page " + (page + 1) + ": " + a.boxes().get(page) + " became "
                        + b.boxes().get(page)));
            }
            List<String> left = new ArrayList<>(b.annotations().get(page));
            for (String annotation : a.annotations().get(page)) {
                String kept = left.stream().filter(o -> PodofoInfo.same(annotation, o)).findFirst().orElse(null);
                if (kept == null) {
                    f.add(new Finding(PODOFO, "page " + (page + 1) + ": annotation [" + annotation
                            + "] of the input is not in the output"));
                    continue;
                }
                left.remove(kept);
                long was = PodofoInfo.flags(annotation);
                long is = PodofoInfo.flags(kept);
                if ((is & ~was & PodofoInfo.HIDING) != 0 || (was & ~is & PodofoInfo.PRINT) != 0) {
                    f.add(new Finding(PODOFO, "page " + (page + 1) + ": annotation [" + annotation + "] has flags " + is
                            + " in the output (hidden, or no longer printed)"));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // MuPDF

    /**
     * @param clearTimestamps document time-stamps of an encrypted output that MuPDF decrypts into noise
     *                        ({@link #clearTimestampsOfEncrypted}): as many {@link #MUTOOL_UNDECRYPTABLE} lines per run are
     *                        not findings
     */
    private static void mutool(Path inPath, Path outPath, Results r, int clearTimestamps, List<Finding> f) {
        Run infoIn = r.get("mutool info", inPath);
        Run infoOut = r.get("mutool info", outPath);
        Run drawIn = r.get("mutool draw", inPath);
        Run drawOut = r.get("mutool draw", outPath);
        if (!infoOut.ok()) {
            f.add(new Finding(MUTOOL, "info failed: " + infoOut.describe()));
        }
        if (!drawOut.ok()) {
            f.add(new Finding(MUTOOL, "draw failed: " + drawOut.describe()));
        }
        Integer mupdfPages = pages(infoOut);
        Integer popplerPages = pages(r.get("pdfinfo", outPath));
        Integer referencePages = popplerPages != null ? popplerPages : pages(infoIn);
        if (infoOut.ok() && mupdfPages == null) {
            f.add(new Finding(MUTOOL, "info printed no page count"));
        } else if (mupdfPages != null && referencePages != null && !mupdfPages.equals(referencePages)) {
            f.add(new Finding(MUTOOL, "info: " + mupdfPages + " pages, "
                    + (popplerPages != null ? "pdfinfo says " : "the input has ") + referencePages));
        }
        Set<String> seen = normalisedLines(infoIn.err() + "\n" + infoIn.out() + "\n" + drawIn.err(), inPath);
        for (Run run : List.of(infoOut, drawOut)) {
            String text = withoutLines(run.err(), MUTOOL_UNDECRYPTABLE, clearTimestamps) + "\n" + (run == infoOut ? run.out() : "");
            for (String line : text.split("\n")) {
                String lower = line.trim().toLowerCase(java.util.Locale.ROOT);
                if ((lower.startsWith("error") || lower.startsWith("warning")) && !seen.contains(normalise(line, outPath))) {
                    f.add(new Finding(MUTOOL, (run == infoOut ? "info: " : "draw: ") + line.trim()));
                }
            }
        }
    }

    /** MuPDF's verdicts on a signature that verifies: unchanged since, or followed by later revisions. */
    static final List<String> MUTOOL_VALID = List.of("The document is unchanged since signing.",
            "The signature is valid but there have been edits since signing.");
    /** MuPDF's verdict on an empty signature field, and on a document time-stamp (not /Type /Sig). */
    static final String MUTOOL_NOT_SIGNED = "Signature is not signed.";

    /**
     * One entry of {@code mutool sign -v}.
     *
     * @param object  the object number of the signature field
     * @param verdict "valid" for {@link #MUTOOL_VALID}, else the line that says what MuPDF found (its digest error
     *                first, the "not signed" line, or the last line)
     */
    record MupdfSignature(int object, String verdict) {
        boolean valid() {
            return verdict.equals("valid");
        }

        boolean unsigned() {
            return verdict.equals(MUTOOL_NOT_SIGNED);
        }
    }

    private static final Pattern MUTOOL_ENTRY = Pattern.compile("^Verifying signature (\\d+):\\s*$");

    /** @return the entries {@code mutool sign -v} listed, in order, or null when it failed */
    static List<MupdfSignature> mupdfSignatures(Run run) {
        if (run == null || !run.ok()) {
            return null;
        }
        List<MupdfSignature> entries = new ArrayList<>();
        Integer object = null;
        List<String> lines = new ArrayList<>();
        for (String line : (run.out() + "\nVerifying signature 0:").split("\n")) {
            Matcher entry = MUTOOL_ENTRY.matcher(line.trim());
            if (entry.matches()) {
                if (object != null) {
                    entries.add(new MupdfSignature(object, mupdfVerdict(lines)));
                }
                object = Integer.parseInt(entry.group(1));
                lines.clear();
            } else if (object != null && !line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return entries;
    }

    private static String mupdfVerdict(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("Digest error")) {
                return line;
            }
        }
        for (String line : lines) {
            if (MUTOOL_VALID.contains(line)) {
                return "valid";
            }
            if (line.equals(MUTOOL_NOT_SIGNED)) {
                return line;
            }
        }
        return lines.isEmpty() ? "(nothing)" : lines.get(lines.size() - 1);
    }

    /**
     * @param clearTimestamps document time-stamps of an encrypted output that MuPDF decrypts into noise
     *                        ({@link #clearTimestampsOfEncrypted}): as many {@link #MUTOOL_UNDECRYPTABLE} lines are
     *                        not findings
     */
    private static void mutoolSign(Case c, Run in, Run out, int clearTimestamps, SignatureCounts in0, SignatureCounts out0,
                                   List<Finding> f) {
        List<MupdfSignature> before = mupdfSignatures(in);
        List<MupdfSignature> after = mupdfSignatures(out);
        if (after == null) {
            f.add(new Finding(MUTOOL, "sign -v failed: " + out.describe()));
            return;
        }
        if (before == null) {
            before = List.of();
            f.add(new Finding(MUTOOL, "sign -v cannot read the input, so old signatures are not compared: " + in.describe()));
        }
        Map<Integer, MupdfSignature> now = new LinkedHashMap<>();
        after.forEach(s -> now.put(s.object(), s));
        int filled = 0;
        for (MupdfSignature old : before) {
            MupdfSignature kept = now.remove(old.object());
            if (kept == null) {
                f.add(new Finding(MUTOOL, "sign -v: signature field " + old.object() + " of the input is not listed any more"));
            } else if (old.unsigned() && kept.valid()) {
                filled++; // an empty field, signed now
            } else if (!old.verdict().equals(kept.verdict())) {
                f.add(new Finding(MUTOOL, "sign -v: signature field " + old.object() + " was '" + old.verdict()
                        + "' in the input, is now '" + kept.verdict() + "'"));
            }
        }
        long freshValid = now.values().stream().filter(MupdfSignature::valid).count();
        long freshUnsigned = now.values().stream().filter(MupdfSignature::unsigned).count();
        for (MupdfSignature s : now.values()) {
            if (!s.valid() && !s.unsigned()) {
                f.add(new Finding(MUTOOL, "sign -v: new signature field " + s.object() + ": '" + s.verdict() + "'"));
            }
        }
        int timestamps = newDocumentTimestamps(in0, out0);
        // new empty fields (prepared for later signers) are 'not signed' too: those of the output, less the input's
        // that are still empty
        int emptyFields = in0 == null || out0 == null ? -1 : out0.emptyFields() - (in0.emptyFields() - filled);
        if (freshValid + filled != c.newSignatures()
                || timestamps >= 0 && emptyFields >= 0 && freshUnsigned != timestamps + emptyFields) {
            f.add(new Finding(MUTOOL, "sign -v: " + (freshValid + filled) + " new signatures verify (expected "
                    + c.newSignatures() + "), " + freshUnsigned + " new entries are 'not signed' (" + timestamps
                    + " new document time-stamps, " + emptyFields + " new empty signature fields)"));
        }
        newLines(MUTOOL, "sign -v: ", in.err(), withoutLines(out.err(), MUTOOL_UNDECRYPTABLE, clearTimestamps),
                in.file(), out.file(), f);
    }

    /** @return how many more /Type /DocTimeStamp dictionaries the output has than the input, or -1 when unknown */
    private static int newDocumentTimestamps(SignatureCounts in, SignatureCounts out) {
        return in == null || out == null ? -1 : out.documentTimestamps() - in.documentTimestamps();
    }

    /**
     * What PDFBox counts in a file.
     *
     * @param documentTimestamps its /Type /DocTimeStamp dictionaries
     * @param emptyFields        its signature fields without a value
     */
    record SignatureCounts(int documentTimestamps, int emptyFields) {
    }

    /** @return what PDFBox counts in {@code file}, or null (and a finding) when it cannot read it */
    private static SignatureCounts signatureCounts(Path file, String password, List<Finding> f) {
        try (org.apache.pdfbox.pdmodel.PDDocument document = load(file, password)) {
            int timestamps = 0;
            for (var signature : document.getSignatureDictionaries()) {
                timestamps += org.apache.pdfbox.cos.COSName.DOC_TIME_STAMP.equals(
                        signature.getCOSObject().getCOSName(org.apache.pdfbox.cos.COSName.TYPE)) ? 1 : 0;
            }
            int empty = 0;
            for (var field : document.getSignatureFields()) {
                empty += field.getCOSObject().getDictionaryObject(org.apache.pdfbox.cos.COSName.V) == null ? 1 : 0;
            }
            return new SignatureCounts(timestamps, empty);
        } catch (IOException | RuntimeException e) {
            f.add(new Finding("PDFBox", "cannot count the signatures of " + file.getFileName() + ": " + e.getMessage()));
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // PDFium

    /** The sub-filters of what the engine adds (ETSI EN 319 142-1): CAdES signatures and document time-stamps. */
    private static final Set<String> ETSI_SUB_FILTERS = Set.of("ETSI.CAdES.detached", "ETSI.RFC3161");

    /**
     * @param clearTimestamps document time-stamps of an encrypted output whose token PDFium decrypts
     *                        ({@link #clearTimestampsOfEncrypted}): that many new ETSI.RFC3161 entries are not held to
     *                        the /ByteRange gap
     * @param timestamps      how many more document time-stamps the output has than the input (PDFBox), or -1
     */
    static void pdfium(Case c, int clearTimestamps, int timestamps, JsonNode in, JsonNode out, List<Finding> f) {
        if (!loaded(PDFIUM, out, f)) {
            return;
        }
        boolean inOk = in != null && in.path("ok").asBoolean();
        int pages = out.path("numPages").asInt();
        if (out.path("rendered").asInt() != pages) {
            f.add(new Finding(PDFIUM, "rendered " + out.path("rendered").asInt() + " of " + pages + " pages"));
        }
        if (inOk) {
            if (in.path("validXref").asBoolean() && !out.path("validXref").asBoolean()) {
                f.add(new Finding(PDFIUM, "rebuilt the cross-reference table (FPDF_DocumentHasValidCrossReferenceTable), "
                        + "which it read as written in the input"));
            }
            if (pages != in.path("numPages").asInt()) {
                f.add(new Finding(PDFIUM, pages + " pages, the input has " + in.path("numPages").asInt()));
            }
            if (out.path("version").asInt() != in.path("version").asInt()) {
                f.add(new Finding(PDFIUM, "header version " + out.path("version") + ", the input's is " + in.path("version")));
            }
            int more = out.path("revisions").asInt() - in.path("revisions").asInt();
            if (more < 0 || more == 0 && c.newSignatures() > 0) {
                f.add(new Finding(PDFIUM, out.path("revisions").asInt() + " revisions, the input has "
                        + in.path("revisions").asInt()));
            }
        }
        List<JsonNode> freshNodes = new ArrayList<>();
        // PDFium lists empty signature fields too (no /V: no contents, no byte range); they are not signatures
        out.path("signatures").forEach(s -> {
            if (s.path("contentsLength").asLong() > 0) {
                freshNodes.add(s);
            }
        });
        if (inOk) {
            for (JsonNode old : in.path("signatures")) {
                if (old.path("contentsLength").asLong() == 0) {
                    continue;
                }
                int at = -1;
                for (int i = 0; i < freshNodes.size() && at < 0; i++) {
                    at = freshNodes.get(i).path("contentsSha256").asText().equals(old.path("contentsSha256").asText()) ? i : -1;
                }
                if (at < 0) {
                    f.add(new Finding(PDFIUM, "the input's " + old.path("subFilter").asText() + " signature with /ByteRange "
                            + old.path("byteRange") + " is not listed with the same /Contents any more"));
                } else {
                    freshNodes.remove(at);
                }
            }
        }
        long size;
        try {
            size = Files.size(c.output());
        } catch (IOException e) {
            f.add(new Finding(PDFIUM, "cannot read the output's size: " + e.getMessage()));
            return;
        }
        if (inOk && timestamps >= 0 && freshNodes.size() != c.newSignatures() + timestamps) {
            f.add(new Finding(PDFIUM, "lists " + freshNodes.size() + " new signatures, expected " + c.newSignatures()
                    + " and " + timestamps + " document time-stamps"));
        }
        int undecrypted = 0;
        for (JsonNode s : freshNodes) {
            String subFilter = s.path("subFilter").asText();
            List<Long> range = new ArrayList<>();
            s.path("byteRange").forEach(n -> range.add(n.asLong()));
            if (!ETSI_SUB_FILTERS.contains(subFilter)) {
                f.add(new Finding(PDFIUM, "new signature with sub-filter '" + subFilter + "'"));
            }
            if (range.size() != 4 || range.get(0) != 0 || range.get(1) >= range.get(2) || range.get(2) + range.get(3) > size) {
                f.add(new Finding(PDFIUM, "new " + subFilter + " signature: /ByteRange " + range + " in a file of " + size
                        + " bytes"));
            } else if (range.get(2) - range.get(1) != 2 * s.path("contentsLength").asLong() + 2
                    && !(subFilter.equals("ETSI.RFC3161") && undecrypted++ < clearTimestamps)) {
                f.add(new Finding(PDFIUM, "new " + subFilter + " signature: its /ByteRange gap of " + (range.get(2)
                        - range.get(1)) + " bytes is not its /Contents of " + s.path("contentsLength").asLong() + " bytes"));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // pdf.js

    private static List<String> pdfjsCommand(Availability av, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("node", av.root.resolve("corpus/panel/pdfjs-check.mjs").toString()));
        files.forEach(p -> cmd.add(p.toString()));
        return cmd;
    }

    private static Map<String, String> pdfjsEnv(Availability av) {
        return av.pdfjsDist == null ? Map.of() : Map.of("PDFJS_DIST", av.pdfjsDist.toString());
    }

    /**
     * How many of the new signatures went into signature fields the input already had, empty (PDFBox reads both
     * files): pdf.js and pypdf count signature fields, which signing a prepared field does not add to. 0 when PDFBox
     * cannot read one of them (the readers then report what they find).
     */
    static int filledFields(Case c) {
        try (org.apache.pdfbox.pdmodel.PDDocument in = load(c.input(), c.password());
             org.apache.pdfbox.pdmodel.PDDocument out = load(c.output(), c.password())) {
            Set<String> empty = new HashSet<>();
            for (org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField field : in.getSignatureFields()) {
                if (field.getCOSObject().getDictionaryObject(org.apache.pdfbox.cos.COSName.V) == null) {
                    empty.add(field.getFullyQualifiedName());
                }
            }
            int filled = 0;
            for (org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField field : out.getSignatureFields()) {
                if (empty.contains(field.getFullyQualifiedName())
                        && field.getCOSObject().getDictionaryObject(org.apache.pdfbox.cos.COSName.V) != null) {
                    filled++;
                }
            }
            return Math.min(filled, c.newSignatures());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static org.apache.pdfbox.pdmodel.PDDocument load(Path file, String password) throws IOException {
        return password == null ? org.apache.pdfbox.Loader.loadPDF(file.toFile())
                : org.apache.pdfbox.Loader.loadPDF(file.toFile(), password);
    }

    /** @return whether a batch reader's result for the output says it loaded; else a finding says why not */
    private static boolean loaded(String reader, JsonNode out, List<Finding> f) {
        if (out == null) {
            f.add(new Finding(reader, "no result for the output (the batch failed or timed out)"));
            return false;
        }
        if (!out.path("ok").asBoolean()) {
            f.add(new Finding(reader, "load failed: " + out.path("error").asText()));
            return false;
        }
        return true;
    }

    private static void pdfjs(Case c, int filled, JsonNode in, JsonNode out, List<Finding> f) {
        if (!loaded(PDFJS, out, f)) {
            return;
        }
        boolean inOk = in != null && in.path("ok").asBoolean();
        int pages = out.path("numPages").asInt();
        if (inOk && in.path("numPages").asInt() != pages) {
            f.add(new Finding(PDFJS, pages + " pages, the input has " + in.path("numPages").asInt()));
        }
        int sigs = Math.max(out.path("sigAnnotations").asInt(), out.path("sigFields").asInt());
        int sigsIn = inOk ? Math.max(in.path("sigAnnotations").asInt(), in.path("sigFields").asInt()) : 0;
        if (sigs < sigsIn + c.newSignatures() - filled) {
            f.add(new Finding(PDFJS, sigs + " signature fields (widgets " + out.path("sigAnnotations").asInt()
                    + ", fields " + out.path("sigFields").asInt() + "), expected at least "
                    + (sigsIn + c.newSignatures() - filled)));
        }
        if (c.sandbox()) {
            List<Integer> missing = missingPages(out.path("sandboxPages"), pages);
            if (pages == 0 || !missing.isEmpty()) {
                f.add(new Finding(PDFJS, "no SANDBOX text on page(s) " + missing));
            }
        }
        Set<String> seen = new HashSet<>();
        if (in != null) {
            in.path("messages").forEach(m -> seen.add(normalise(m.asText(), null)));
        }
        out.path("messages").forEach(m -> {
            if (!seen.contains(normalise(m.asText(), null))) {
                f.add(new Finding(PDFJS, "new message: " + m.asText()));
            }
        });
    }

    // ------------------------------------------------------------------------------------------------
    // pypdf and pikepdf

    private static List<String> pypdfCommand(Availability av, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, av.root.resolve("corpus/panel/pypdf-check.py").toString()));
        files.forEach(p -> cmd.add(p.toString()));
        return cmd;
    }

    private static void pypdf(Case c, int filled, JsonNode in, JsonNode out, List<Finding> f) {
        if (out == null) {
            f.add(new Finding(PYPDF, "no result for the output (the batch failed or timed out)"));
            return;
        }
        String inFile = in == null ? null : in.path("file").asText();
        String outFile = out.path("file").asText();
        // pypdf, strict
        JsonNode po = out.path("pypdf");
        JsonNode pi = in == null ? JSON.createObjectNode() : in.path("pypdf");
        if (!po.path("ok").asBoolean()) {
            String err = po.path("error").asText();
            // with the password given, an encrypted output must open (an input failing alike excuses nothing)
            if (c.password() != null || !normalise(err, outFile).equals(normalise(pi.path("error").asText(), inFile))) {
                f.add(new Finding(PYPDF, "strict read failed: " + err));
            }
        } else {
            if (pi.path("ok").asBoolean() && pi.path("pages").asInt() != po.path("pages").asInt()) {
                f.add(new Finding(PYPDF, po.path("pages").asInt() + " pages, the input has " + pi.path("pages").asInt()));
            }
            int expected = (pi.path("ok").asBoolean() ? pi.path("sigFields").asInt() : 0) + c.newSignatures() - filled;
            if (po.path("sigFields").asInt() < expected) {
                f.add(new Finding(PYPDF, po.path("sigFields").asInt() + " /Sig fields, expected at least " + expected));
            }
            if (c.sandbox()) {
                List<Integer> missing = missingPages(po.path("sandboxPages"), po.path("pages").asInt());
                if (po.path("pages").asInt() == 0 || !missing.isEmpty()) {
                    f.add(new Finding(PYPDF, "no SANDBOX text on page(s) " + missing));
                }
            }
        }
        Set<String> seen = new HashSet<>();
        pi.path("messages").forEach(m -> seen.add(normalise(m.asText(), inFile)));
        po.path("messages").forEach(m -> {
            if (!seen.contains(normalise(m.asText(), outFile))) {
                f.add(new Finding(PYPDF, "new message: " + m.asText()));
            }
        });
        // pikepdf
        JsonNode ko = out.path("pikepdf");
        JsonNode ki = in == null ? JSON.createObjectNode() : in.path("pikepdf");
        if (!ko.path("ok").asBoolean()) {
            String err = ko.path("error").asText();
            if (c.password() != null || !normalise(err, outFile).equals(normalise(ki.path("error").asText(), inFile))) {
                f.add(new Finding(PIKEPDF, "open failed: " + err));
            }
            return;
        }
        Set<String> seenK = new HashSet<>();
        for (String key : List.of("problems", "warnings")) {
            ki.path(key).forEach(m -> seenK.add(normalise(m.asText(), inFile)));
        }
        for (String key : List.of("problems", "warnings")) {
            ko.path(key).forEach(m -> {
                if (!seenK.contains(normalise(m.asText(), outFile))) {
                    f.add(new Finding(PIKEPDF, "new " + key.substring(0, key.length() - 1) + ": " + m.asText()));
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------------
    // iText

    private static void itext(Case c, Object in, Object out, List<Finding> f) {
        if (out == null) {
            f.add(new Finding(ITEXT, "no result for the output"));
            return;
        }
        if (out instanceof String error) {
            boolean sameAsInput = in instanceof String inError && normalise(inError, c.input().toAbsolutePath().normalize())
                    .equals(normalise(error, c.output().toAbsolutePath().normalize()));
            if (!sameAsInput || c.password() != null) {
                f.add(new Finding(ITEXT, "open failed: " + error));
            }
            return;
        }
        ITextCheck o = (ITextCheck) out;
        ITextCheck i = in instanceof ITextCheck check ? check : null;
        if (o.rebuiltXref() && (i == null || !i.rebuiltXref())) {
            f.add(new Finding(ITEXT, "rebuilt the cross-reference table to open the output"));
        }
        Map<String, Boolean> before = i == null ? Map.of() : i.signatures();
        before.forEach((name, verified) -> {
            Boolean now = o.signatures().get(name);
            if (now == null) {
                f.add(new Finding(ITEXT, "signature '" + name + "' of the input is not listed any more"));
            } else if (verified && !now) {
                f.add(new Finding(ITEXT, "signature '" + name + "' verified on the input, not on the output"));
            }
        });
        List<String> fresh = o.signatures().keySet().stream().filter(n -> !before.containsKey(n)).toList();
        if (fresh.size() < c.newSignatures()) {
            f.add(new Finding(ITEXT, "lists " + fresh.size() + " new signatures " + fresh + ", expected at least "
                    + c.newSignatures()));
        }
        for (String name : fresh) {
            if (!o.signatures().get(name)) {
                f.add(new Finding(ITEXT, "new signature '" + name + "' does not verify"));
            }
        }
    }

    private static List<Integer> missingPages(JsonNode pagesWithText, int pages) {
        Set<Integer> have = new HashSet<>();
        pagesWithText.forEach(n -> have.add(n.asInt()));
        List<Integer> missing = new ArrayList<>();
        for (int p = 1; p <= pages; p++) {
            if (!have.contains(p)) {
                missing.add(p);
            }
        }
        return missing;
    }

    // ------------------------------------------------------------------------------------------------
    // Running things

    /** The outcome of one process. {@code failure} is set when it could not be started. */
    record Run(Path file, int exit, String out, String err, boolean timedOut, String failure, long millis) {
        boolean ok() {
            return failure == null && !timedOut && exit == 0;
        }

        String describe() {
            if (failure != null) {
                return failure;
            }
            if (timedOut) {
                return "timed out after " + TIMEOUT.toSeconds() + " s";
            }
            return "exit " + exit + ": " + firstLines(err.isBlank() ? out : err, 3);
        }
    }

    /** Everything the panel collected, filled concurrently. */
    private static final class Results {
        final Map<String, Map<Path, Run>> runs = new ConcurrentHashMap<>();
        final Map<Path, JsonNode> pdfjs = new ConcurrentHashMap<>();
        final Map<Path, JsonNode> pypdf = new ConcurrentHashMap<>();
        final Map<Path, JsonNode> pdfium = new ConcurrentHashMap<>();
        final Map<Path, List<String>> lint = new ConcurrentHashMap<>();
        /** An {@link ITextCheck}, or the message of what stopped iText from opening the file. */
        final Map<Path, Object> itext = new ConcurrentHashMap<>();
        final Map<String, Timing> timings = Collections.synchronizedMap(new TreeMap<>());

        void put(String tool, Path file, Run run) {
            runs.computeIfAbsent(tool, k -> new ConcurrentHashMap<>()).put(file, run);
        }

        Run get(String tool, Path file) {
            Run run = runs.getOrDefault(tool, Map.of()).get(file);
            return run != null ? run : new Run(file, -1, "", "", false, tool + " was not run", 0);
        }

        void time(String reader, long millis) {
            timings.merge(reader, new Timing(1, millis, millis),
                    (a, b) -> new Timing(a.runs() + b.runs(), a.totalMillis() + b.totalMillis(),
                            Math.max(a.maxMillis(), b.maxMillis())));
        }
    }

    /**
     * {@code command}'s tool and sub-command words, then {@code options}, then the rest: {@code with(["-upw", "x"],
     * "mutool", "info", file)} is {@code mutool info -upw x file} (the password options go before the file).
     */
    private static String[] with(List<String> options, String... command) {
        int tool = command[0].equals("mutool") ? 2 : 1;
        List<String> all = new ArrayList<>(List.of(command).subList(0, tool));
        all.addAll(options);
        all.addAll(List.of(command).subList(tool, command.length));
        return all.toArray(String[]::new);
    }

    /** {@code PANEL_PASSWORDS}: a JSON object from file path to user password, for the pdf.js and pypdf scripts. */
    private static Map<String, String> passwordEnv(Map<Path, String> passwords) {
        if (passwords.isEmpty()) {
            return Map.of();
        }
        Map<String, String> byName = new TreeMap<>();
        passwords.forEach((p, pw) -> byName.put(p.toString(), pw));
        try {
            return Map.of("PANEL_PASSWORDS", JSON.writeValueAsString(byName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Run run(String timingLabel, Results r, Path file, String... command) {
        Run run = exec(List.of(command), Map.of(), TIMEOUT, file);
        r.time(timingLabel, run.millis());
        return run;
    }

    private static <T> T timed(String reader, Results r, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            r.time(reader, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static Object itextSafely(Path p, String password) {
        try {
            return ITextCheck.of(Files.readAllBytes(p), password);
        } catch (IOException | RuntimeException e) {
            return e.getCause() != null && e instanceof UncheckedIOException ? String.valueOf(e.getCause()) : e.toString();
        }
    }

    private static List<String> lintSafely(Path p) {
        try {
            return XrefLinter.lint(p);
        } catch (RuntimeException e) {
            return List.of("the linter itself failed: " + e);
        }
    }

    /** Runs a batch script that prints one JSON line per file ({@code "file"} key). */
    private static Map<Path, JsonNode> batch(String reader, Results r, List<Path> files, List<String> command,
            Map<String, String> env) {
        Duration timeout = TIMEOUT.multipliedBy(files.size() + 1L);
        Run run = exec(command, env, timeout, null);
        Map<Path, JsonNode> results = new HashMap<>();
        for (String line : run.out().split("\n")) {
            if (line.isBlank() || !line.startsWith("{")) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                results.put(Path.of(node.path("file").asText()), node);
            } catch (IOException e) {
                System.err.println("ReaderPanel: " + reader + " printed a line that is not JSON: " + line);
            }
        }
        if (!run.ok() || results.size() < files.size()) {
            System.err.println("ReaderPanel: " + reader + " batch: " + results.size() + " of " + files.size()
                    + " results, " + run.describe());
        }
        for (int i = 0; i < files.size(); i++) {
            r.time(reader, run.millis() / Math.max(1, files.size()));
        }
        return results;
    }

    /**
     * Runs a command with stdout and stderr going to temporary files (no pipe can fill up), kills it
     * and its descendants when it overruns, and always reaps it.
     */
    static Run exec(List<String> command, Map<String, String> env, Duration timeout, Path file) {
        long start = System.nanoTime();
        Path outFile = null;
        Path errFile = null;
        Process process = null;
        try {
            outFile = Files.createTempFile("reader-panel", ".out");
            errFile = Files.createTempFile("reader-panel", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(outFile.toFile())
                    .redirectError(errFile.toFile());
            pb.environment().putAll(env);
            try {
                process = pb.start();
            } catch (IOException e) {
                return new Run(file, -1, "", "", false, "cannot start " + command.get(0) + ": " + e.getMessage(),
                        millisSince(start));
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                kill(process);
            }
            return new Run(file, finished ? process.exitValue() : -1, read(outFile), read(errFile), !finished, null,
                    millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(file, -1, "", "", false, "interrupted", millisSince(start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
            deleteQuietly(outFile);
            deleteQuietly(errFile);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    // ------------------------------------------------------------------------------------------------
    // Availability of the tools

    private static final class Availability {
        final Path root;
        final Path pdfjsDist;
        final List<String> readers = new ArrayList<>();

        Availability(Path root, Path pdfjsDist) {
            this.root = root;
            this.pdfjsDist = pdfjsDist;
        }

        boolean has(String reader) {
            return readers.contains(reader);
        }

        List<String> readers() {
            return List.copyOf(readers);
        }
    }

    private static Availability availability() {
        Availability av = availability;
        if (av == null) {
            synchronized (ReaderPanel.class) {
                av = availability;
                if (av == null) {
                    av = probe();
                    availability = av;
                }
            }
        }
        return av;
    }

    private static Availability probe() {
        Path root = projectRoot();
        Path dist = pdfjsDist(root);
        Availability av = new Availability(root, dist);
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        Map<String, String> missing = new LinkedHashMap<>();
        require(av, missing, PDFSIG, onPath("pdfsig") ? null : "pdfsig (apt-get install poppler-utils)");
        require(av, missing, PDFTOTEXT, onPath("pdftotext") && onPath("pdfinfo") ? null
                : "pdftotext/pdfinfo (apt-get install poppler-utils)");
        require(av, missing, QPDF, onPath("qpdf") ? null : "qpdf (apt-get install qpdf)");
        require(av, missing, MUTOOL, onPath("mutool") ? null : "mutool (apt-get install mupdf-tools)");
        String pdfjsProblem = !onPath("node") ? "node (apt-get install nodejs)"
                : root == null ? "corpus/panel/pdfjs-check.mjs (project root not found from " + System.getProperty("user.dir") + ")"
                : dist == null ? "pdfjs-dist (npm ci --prefix corpus, or set PDFJS_DIST)" : null;
        require(av, missing, PDFJS, pdfjsProblem);
        String pyProblem = !Files.isExecutable(Path.of(PYTHON)) ? PYTHON + " (apt-get install python3)"
                : root == null ? "corpus/panel/pypdf-check.py (project root not found)"
                : !pythonHasModules() ? "pypdf/pikepdf for " + PYTHON + " (apt-get install python3-pypdf python3-pikepdf)"
                : null;
        require(av, missing, PDFIUM, !onPath("node") ? "node (apt-get install nodejs)"
                : root == null ? "corpus/panel/pdfium-check.mjs (project root not found)"
                : !Files.isRegularFile(root.resolve("corpus/node_modules/@hyzyla/pdfium/package.json"))
                ? "@hyzyla/pdfium (npm ci --prefix corpus)" : null);
        require(av, missing, PYPDF, pyProblem);
        require(av, missing, PIKEPDF, pyProblem);
        require(av, missing, ITEXT, itextPresent() ? null : "iText 9 kernel + sign on the test class path (engine-pades pom)");
        require(av, missing, PODOFO, onPath("podofopdfinfo") ? null : "podofopdfinfo (apt-get install libpodofo-utils)");
        av.readers.add(LINTER);
        if (!missing.isEmpty()) {
            if (ci) {
                throw new AssertionError("ReaderPanel: under CI=true every reader is required; missing: " + missing);
            }
            missing.forEach((reader, tool) -> System.err.println("ReaderPanel: skipping reader " + reader + ": " + tool
                    + " is not available"));
        }
        return av;
    }

    private static void require(Availability av, Map<String, String> missing, String reader, String problem) {
        if (problem == null) {
            av.readers.add(reader);
        } else {
            missing.put(reader, problem);
        }
    }

    /** @return the directory holding {@code corpus/panel}, searched upwards from the working directory, or null */
    public static Path projectRoot() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("corpus/panel/pdfjs-check.mjs"))) {
                return p;
            }
        }
        return null;
    }

    private static Path pdfjsDist(Path root) {
        String env = System.getenv("PDFJS_DIST");
        if (env != null && Files.isRegularFile(Path.of(env, "legacy/build/pdf.mjs"))) {
            return Path.of(env);
        }
        if (root != null && Files.isRegularFile(root.resolve("corpus/node_modules/pdfjs-dist/legacy/build/pdf.mjs"))) {
            return root.resolve("corpus/node_modules/pdfjs-dist");
        }
        return null;
    }

    private static boolean itextPresent() {
        try {
            Class.forName("com.itextpdf.signatures.SignatureUtil");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean pythonHasModules() {
        Run run = exec(List.of(PYTHON, "-c", "import pypdf, pikepdf"), Map.of(), Duration.ofSeconds(30), null);
        return run.ok();
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------
    // Text helpers

    /** Lines not seen on the input, after {@link #normalise}. */
    private static void newLines(String reader, String prefix, String in, String out, Path inFile, Path outFile,
            List<Finding> f) {
        Set<String> seen = normalisedLines(in, inFile);
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !seen.contains(normalise(line, outFile))) {
                f.add(new Finding(reader, prefix + line.replace(outFile.toString(), "OUTPUT").trim()));
            }
        }
    }

    private static Set<String> normalisedLines(String text, Path file) {
        Set<String> set = new HashSet<>();
        for (String line : text.split("\n")) {
            set.add(normalise(line, file));
        }
        return set;
    }

    /** Drops the file name and every number (object numbers, offsets, counts), so lines compare across files. */
    static String normalise(String line, Object file) {
        String s = line;
        if (file != null && !file.toString().isEmpty()) {
            s = s.replace(file.toString(), "FILE");
        }
        // "Syntax Error (1237): x" and "Syntax Error: x" are the same complaint at another offset.
        return s.replaceAll("\\d+", "#").replaceAll("\\s*\\(#\\)", "").replaceAll("\\s+", " ").trim();
    }

    private static String squeeze(String text) {
        return text.replaceAll("\\s+", "").toUpperCase(java.util.Locale.ROOT);
    }

    private static String after(String line, String marker) {
        return line.substring(line.indexOf(marker) + marker.length()).trim();
    }

    static String firstLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join(" | ", java.util.Arrays.asList(lines).subList(0, Math.min(n, lines.length)));
    }
}
