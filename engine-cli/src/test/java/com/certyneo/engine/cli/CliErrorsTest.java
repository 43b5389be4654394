package com.certyneo.engine.cli;

import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CLI's error cases, one test each: the exit code, the message in the user's terms (no Java exception or
 * method names) and the fix line naming flags and commands.
 */
class CliErrorsTest {

    @TempDir
    static Path dir;
    static String home;
    static Path unsigned;
    static Path signed;

    static final String JANE = "Jane Doe <jane@example.com>";
    /** A Java method or exception class name in a message. */
    static final Pattern JAVA = Pattern.compile("[a-z]\\w*\\((\\.\\.\\.)?\\)|\\w+(Exception|Error)\\b|\\.builder");

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        return run(false, args);
    }

    static Result run(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), terminal);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void signOnce() throws Exception {
        home = dir.resolve("home").toString();
        unsigned = Files.write(dir.resolve("unsigned.pdf"), SamplePdfs.multiPage(2));
        signed = dir.resolve("signed.pdf");
        Result sign = run("sign", unsigned.toString(), "-o", signed.toString(), "--signer", JANE, "--auth", "sms-otp",
                "--home", home);
        assertEquals(0, sign.code(), sign.err());
        assertEquals("", sign.err(), "nothing on standard error when it works (and no progress without a terminal)");
    }

    @Test
    void etsiReportIsWrittenForOneFileAndValidatesAgainstItsSchema() throws Exception {
        Path xml = dir.resolve("reports/etsi.xml");
        Result r = run("validate", signed.toString(), "--sandbox", "--home", home, "--etsi-report", xml.toString());
        assertEquals(0, r.code(), r.err());
        String etsi = Files.readString(xml);
        assertEquals(java.util.List.of(), eu.europa.esig.validationreport.ValidationReportUtils.getInstance()
                .validateAgainstXSD(new javax.xml.transform.stream.StreamSource(new java.io.StringReader(etsi))));
        assertTrue(etsi.contains("urn:etsi:019102:mainindication:total-passed"), etsi.substring(0, 300));
        try (var left = Files.list(xml.getParent())) {
            assertEquals(java.util.List.of(xml), left.toList(), "no temporary file left");
        }
        Path plain = Files.createFile(dir.resolve("reports/plain.txt")); // what the umask gives a new file
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(xml), "the report follows the umask");

        Result two = run("validate", signed.toString(), signed.toString(), "--sandbox", "--home", home,
                "--etsi-report", dir.resolve("two.xml").toString());
        assertEquals(2, two.code(), two.err());
        assertTrue(fix(two).contains("one at a time"), two.err());
        assertFalse(Files.exists(dir.resolve("two.xml")));
    }

    /** @return the fix line of an error on standard error */
    static String fix(Result r) {
        return r.err().lines().filter(l -> l.startsWith("fix: ")).map(l -> l.substring("fix: ".length())).findFirst()
                .orElseThrow(() -> new AssertionError(r.err()));
    }

    static void assertNoJava(Result r) {
        assertFalse(JAVA.matcher(r.err()).find(), "no Java names: " + r.err());
    }

    @Test
    void missingAuthenticationNamesTheAuthFlag() {
        Path out = dir.resolve("noauth.pdf");
        Result r = run("sign", unsigned.toString(), "-o", out.toString(), "--signer", JANE, "--home", home);
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: MISSING_AUTHENTICATION: "), r.err());
        assertTrue(fix(r).contains("add --auth sms-otp"), r.err());
        assertNoJava(r);
        assertFalse(Files.exists(out));
    }

    @Test
    void extendOnAnUnsignedFileNamesTheTimestampCommand() {
        Result r = run("extend", unsigned.toString(), "-o", dir.resolve("ext.pdf").toString(), "--home", home);
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: INVALID_REQUEST: 'unsigned.pdf' has no signature to extend"), r.err());
        assertTrue(fix(r).contains("'certyneo timestamp'") && fix(r).contains("'certyneo sign'"), r.err());
        assertNoJava(r);
    }

    @Test
    void anUnreachableTsaDoesNotPromiseARetryAfterTheCommandFailed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path out = dir.resolve("stamped.pdf");
        Result r = run("timestamp", signed.toString(), "-o", out.toString(), "--tsa", "http://127.0.0.1:" + port + "/tsa");
        assertEquals(4, r.code());
        assertTrue(r.err().startsWith("error: TSA_UNAVAILABLE: "), r.err());
        assertFalse(r.err().contains("retried") || r.err().contains("skipped"), r.err());
        assertTrue(fix(r).contains("--tsa"), r.err());
        assertNoJava(r);
        assertFalse(Files.exists(out));
    }

    @Test
    void aMissingFileIsSaidInWordsBeforeAnyEngineStarts() throws Exception {
        Result r = run("sign", dir.resolve("nope.pdf").toString(), "-o", dir.resolve("x.pdf").toString(),
                "--signer", JANE, "--auth", "sms-otp", "--home", home);
        assertEquals(3, r.code());
        assertEquals("error: IO_ERROR: " + dir.resolve("nope.pdf") + ": no such file", r.err().lines().findFirst().orElseThrow());
        assertNoJava(r);

        // In a fresh JVM: the check needs neither PDFBox nor DSS, nor the engine's signing code.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "sign", dir.resolve("nope.pdf").toString(), "-o", dir.resolve("x.pdf").toString(),
                "--signer", JANE, "--auth", "sms-otp", "--home", home).start();
        String loaded = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, process.exitValue(), err);
        assertTrue(err.contains("nope.pdf: no such file"), err);
        assertTrue(loaded.contains("com.certyneo.engine.cli.Inputs"), "class loading is logged");
        for (String notLoaded : List.of("org.apache.pdfbox.", "eu.europa.esig.", "com.certyneo.engine.pades.SigningPipeline")) {
            assertFalse(loaded.contains(notLoaded), notLoaded + " was loaded");
        }
    }

    @Test
    void aDirectoryIsSaidInWords() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("in.pdf"));
        Result sign = run("sign", folder.toString(), "-o", dir.resolve("x.pdf").toString(), "--signer", JANE,
                "--auth", "sms-otp", "--home", home);
        assertEquals(3, sign.code());
        assertTrue(sign.err().startsWith("error: IO_ERROR: " + folder + " is a directory"), sign.err());
        assertNoJava(sign);
        Result validate = run("validate", folder.toString());
        assertEquals(3, validate.code());
        assertTrue(validate.err().startsWith("error: IO_ERROR: " + folder + " is a directory"), validate.err());
        Result output = run("sign", unsigned.toString(), "-o", folder.toString(), "--signer", JANE, "--auth", "sms-otp",
                "--home", home);
        assertEquals(3, output.code());
        assertTrue(output.err().startsWith("error: IO_ERROR: " + folder + " is a directory"), output.err());
        assertTrue(Files.isDirectory(folder), "the directory is not replaced");
    }

    @Test
    void aVisibleBoxOnAPageThatDoesNotExistNamesThePageCount() {
        Path out = dir.resolve("visible.pdf");
        Result r = run("sign", unsigned.toString(), "-o", out.toString(), "--signer", JANE, "--auth", "sms-otp",
                "--home", home, "--visible", "5,72,100,200,60");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: INVALID_REQUEST: "), r.err());
        assertTrue(r.err().contains("no page 5 (it has 2 pages)"), r.err());
        assertTrue(fix(r).contains("from 1 to 2"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anOffPageBoxIsReportedInTheCoordinatesTheUserGave() {
        // x 500 + width 200 passes the right edge of A4 (595.3 points wide), measured as typed: from the top-left
        Result r = run("sign", unsigned.toString(), "-o", dir.resolve("off.pdf").toString(), "--signer", JANE,
                "--auth", "sms-otp", "--home", home, "--visible", "1,500,30,200,60");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the box 200 x 60 at (500, 30) is outside page 1"), r.err());
        assertTrue(fix(r).contains("x + width at most 595") && fix(r).contains("from the top-left corner"), r.err());
    }

    @Test
    void aMissingRequiredOptionPrintsOneUsageLineAndPointsToHelp() {
        Result r = run("sign", unsigned.toString(), "--signer", JANE);
        assertEquals(2, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals("error: INVALID_REQUEST: Missing required option: '--output=OUT.pdf' (or '--out-dir=DIR' for several inputs)",
                lines.get(0));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("Usage:")).count(), r.err());
        assertTrue(lines.contains("Usage: certyneo sign --signer=\"NAME <EMAIL>\" [OPTIONS] IN.pdf [MORE.pdf...]"), r.err());
        assertEquals("fix: see 'certyneo sign --help'", lines.get(lines.size() - 1));
        assertTrue(lines.size() <= 4, "not the whole help: " + r.err());
        assertFalse(r.err().contains("--online-revocation"), r.err());
    }

    @Test
    void validateOnAnUnsignedPdfSaysNoSignaturesFound() {
        Result r = run("validate", unsigned.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("RESULT: No signatures found"), r.out());
        Result json = run("validate", unsigned.toString(), "--json");
        assertEquals(1, json.code());
        assertTrue(json.out().contains("\"result\": \"NO_SIGNATURES\""), json.out());
    }

    @Test
    void aSandboxSignatureValidatedWithoutSandboxSaysToAddIt() throws Exception {
        Result r = run("validate", signed.toString());
        assertEquals(1, r.code());
        String fix = r.out().lines().filter(l -> l.startsWith("fix: ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(fix.contains("add --sandbox") && fix.contains("--trust"), fix);
        JsonNode json = new ObjectMapper().readTree(run("validate", signed.toString(), "--json").out());
        assertTrue(json.get("fix").asText().contains("--sandbox"), json.toString());
        // with --sandbox it passes and there is nothing to fix
        Result passed = run("validate", signed.toString(), "--sandbox", "--home", home);
        assertEquals(0, passed.code(), passed.out());
        assertFalse(passed.out().contains("fix:"), passed.out());
    }

    @Test
    void withJsonErrorsAreJsonOnStandardOutput() throws Exception {
        Result missing = run("validate", dir.resolve("nope.pdf").toString(), "--json");
        assertEquals(3, missing.code());
        assertEquals("", missing.err());
        JsonNode error = new ObjectMapper().readTree(missing.out()).get("error");
        assertEquals("IO_ERROR", error.get("code").asText());
        assertEquals(dir.resolve("nope.pdf") + ": no such file", error.get("message").asText());
        assertEquals("Check the path.", error.get("fix").asText());

        Result usage = run("validate", signed.toString(), "--json", "--no-such-option");
        assertEquals(2, usage.code());
        assertEquals("", usage.err());
        JsonNode usageError = new ObjectMapper().readTree(usage.out()).get("error");
        assertEquals("INVALID_REQUEST", usageError.get("code").asText());
        assertTrue(usageError.get("message").asText().contains("--no-such-option"), usage.out());
        assertTrue(usageError.get("fix").asText().contains("certyneo validate --help"), usage.out());

        Path notPdf = Files.writeString(dir.resolve("text.pdf"), "not a pdf");
        Result invalid = run("validate", notPdf.toString(), "--json");
        assertEquals(3, invalid.code());
        assertEquals("INVALID_PDF", new ObjectMapper().readTree(invalid.out()).get("error").get("code").asText());
    }

    @Test
    void jsonRevocationIsStructured() throws Exception {
        JsonNode report = new ObjectMapper().readTree(run("validate", signed.toString(), "--sandbox", "--home", home,
                "--json").out());
        JsonNode revocation = report.get("signatures").get(0).get("revocation");
        assertTrue(revocation.isObject(), report.toString());
        assertEquals("good", revocation.get("status").asText());
        assertEquals("OCSP", revocation.get("source").asText());
        java.time.Instant.parse(revocation.get("producedAt").asText());
        assertTrue(revocation.get("revokedAt").isNull() && revocation.get("reason").isNull(), revocation.toString());

        assertEquals("{\"status\": \"revoked\", \"source\": \"CRL\", \"producedAt\": \"2026-01-02T00:00:00Z\", "
                        + "\"revokedAt\": \"2025-06-01T00:00:00Z\", \"reason\": \"keyCompromise\"}",
                ReportJson.revocation("revoked since 2025-06-01T00:00:00Z (keyCompromise) (CRL, 2026-01-02T00:00:00Z)"));
        assertEquals("{\"status\": \"none\", \"source\": null, \"producedAt\": null, \"revokedAt\": null, \"reason\": null}",
                ReportJson.revocation("no revocation data"));
        assertEquals("null", ReportJson.revocation(""));
    }

    @Test
    void signaturesAreListedInRevisionOrder() throws Exception {
        Path stamped = dir.resolve("order-stamped.pdf");
        Path cosigned = dir.resolve("order-cosigned.pdf");
        assertEquals(0, run("timestamp", signed.toString(), "-o", stamped.toString(), "--home", home).code());
        assertEquals(0, run("sign", stamped.toString(), "-o", cosigned.toString(), "--signer", "John Roe <john@example.com>",
                "--auth", "email-otp", "--home", home).code());
        Result text = run("validate", cosigned.toString(), "--sandbox", "--home", home);
        assertEquals(0, text.code(), text.out());
        List<String> entries = text.out().lines().filter(l -> l.matches("  \\[\\d] .*")).toList();
        assertEquals(3, entries.size(), text.out());
        assertTrue(entries.get(0).startsWith("  [1] signature") && entries.get(1).startsWith("  [2] document time-stamp")
                && entries.get(2).startsWith("  [3] signature"), text.out());
    }

    @Test
    void signingInPlaceNeedsInPlaceAndIsAtomic() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path x = Files.write(dir.resolve("x.pdf"), SamplePdfs.minimal());
        Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rw-r-----"));
        byte[] before = Files.readAllBytes(x);
        Result refused = run("sign", x.toString(), "-o", x.toString(), "--signer", JANE, "--auth", "sms-otp", "--home", home);
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("error: INVALID_REQUEST: -o " + x + " is the input file"), refused.err());
        assertTrue(fix(refused).contains("--in-place"), refused.err());
        assertArrayEquals(before, Files.readAllBytes(x), "the input is untouched");
        // the same file by another name (a symbolic link) is the same file
        Path alias = Files.createSymbolicLink(dir.resolve("alias.pdf"), x);
        assertEquals(2, run("sign", x.toString(), "-o", alias.toString(), "--signer", JANE, "--auth", "sms-otp",
                "--home", home).code());

        Result inPlace = run("sign", x.toString(), "-o", x.toString(), "--in-place", "--signer", JANE, "--auth", "sms-otp",
                "--home", home);
        assertEquals(0, inPlace.code(), inPlace.err());
        byte[] after = Files.readAllBytes(x);
        assertArrayEquals(before, java.util.Arrays.copyOf(after, before.length), "an incremental update of the input");
        assertTrue(after.length > before.length);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(x)), "the mode is kept");
        assertEquals(0, run("validate", x.toString(), "--sandbox", "--home", home).code());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
        // extend and timestamp take --in-place too
        assertEquals(2, run("timestamp", x.toString(), "-o", x.toString(), "--home", home).code());
        assertEquals(0, run("timestamp", x.toString(), "-o", x.toString(), "--in-place", "--home", home).code());
    }

    @Test
    void outputsThroughASymbolicLinkReplaceTheFileItPointsTo() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path real = Files.createDirectories(dir.resolve("archive")).resolve("contract-signed.pdf");
        Files.writeString(real, "an older version");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-rw----"));
        Path link = Files.createSymbolicLink(dir.resolve("latest.pdf"), real);
        Result r = run("sign", unsigned.toString(), "-o", link.toString(), "--signer", JANE, "--auth", "sms-otp", "--home", home);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertTrue(new String(Files.readAllBytes(real), StandardCharsets.ISO_8859_1).startsWith("%PDF-"), "the file it points to is the signed PDF");
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        assertTrue(run("sign", "--help").out().contains("symbolic link"), "--help says so");
    }

    @Test
    void phoneNumbersMustBeE164AndAreNotEchoedInFull() {
        Result bad = run("sign", unsigned.toString(), "-o", dir.resolve("p.pdf").toString(), "--signer", JANE,
                "--auth", "sms-otp", "--home", home, "--phone", "0612345678");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error: INVALID_REQUEST: --phone 061*****78 is not an international (E.164) number"),
                bad.err());
        assertFalse(bad.err().contains("0612345678"), "the number is masked");
        assertTrue(fix(bad).contains("+33612345678"), bad.err());
        for (String wrong : List.of("+0612345678", "+33 6 12 34 56 78 90 12 34", "+33abc", "33612345678")) {
            assertEquals(2, run("sign", unsigned.toString(), "-o", dir.resolve("p.pdf").toString(), "--signer", JANE,
                    "--auth", "sms-otp", "--home", home, "--phone", wrong).code(), wrong);
        }
        Result good = run("sign", unsigned.toString(), "-o", dir.resolve("p.pdf").toString(), "--signer", JANE,
                "--auth", "sms-otp", "--home", home, "--phone", "+33 6 12-34-56.78");
        assertEquals(0, good.code(), good.err());
    }

    @Test
    void tsaAndPkiHaveHelpLikeAudit() {
        for (String group : List.of("tsa", "pki", "audit")) {
            Result help = run(group, "help");
            assertEquals(0, help.code(), group + ": " + help.err());
            assertTrue(help.out().contains("Usage: certyneo " + group), help.out());
        }
        Result serve = run("tsa", "help", "serve");
        assertEquals(0, serve.code());
        assertTrue(serve.out().contains("--port"), serve.out());
        Result export = run("pki", "help", "export");
        assertEquals(0, export.code());
        assertTrue(export.out().contains("Usage: certyneo pki export"), export.out());
    }

    @Test
    void aProductionSealWithoutWhatItNeedsNamesTheFlags() throws Exception {
        TestPki pki = TestPki.create();
        TestPki.Credential seal = pki.goodSigner();
        Path p12 = dir.resolve("seal.p12");
        ProductionSignTest.writeP12(seal, p12);
        String[] base = {"sign", unsigned.toString(), "-o", dir.resolve("seal.pdf").toString(), "--signer",
                "Operations <ops@example.com>", "--p12", p12.toString(), "--p12-password-env", "CERTYNEO_TEST_P12_PASSWORD"};
        Result aes = run(concat(base, "--auth", "sms-otp", "--profile", "B-B")); // AES, the default level
        assertEquals(4, aes.code(), aes.err());
        assertTrue(aes.err().startsWith("error: LEVEL_NOT_CONFIGURED: "), aes.err());
        assertTrue(fix(aes).contains("--level SES"), aes.err());
        assertNoJava(aes);

        Result noTsa = run(concat(base, "--level", "SES", "--profile", "B-T"));
        assertEquals(4, noTsa.code(), noTsa.err());
        assertTrue(noTsa.err().startsWith("error: TSA_UNAVAILABLE: "), noTsa.err());
        assertTrue(fix(noTsa).contains("--tsa URL") && fix(noTsa).contains("--profile B-B"), noTsa.err());
        assertNoJava(noTsa);

        Result noRevocation = run(concat(base, "--level", "SES", "--profile", "B-LT", "--tsa", "http://127.0.0.1:1/"));
        assertTrue(noRevocation.err().startsWith("error: PROFILE_NOT_SUPPORTED: "), noRevocation.err());
        assertTrue(fix(noRevocation).contains("--online-revocation"), noRevocation.err());
        assertNoJava(noRevocation);
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void progressIsShownOnlyToAPersonAtATerminal() throws Exception {
        Path again = dir.resolve("again.pdf");
        Result quiet = run(false, "demo", "--out", dir.resolve("demo-quiet").toString(), "--home", home);
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err(), "redirected: no progress");
        Result demo = run(true, "demo", "--out", dir.resolve("demo").toString(), "--home", home);
        assertEquals(0, demo.code(), demo.err());
        List<String> steps = demo.err().lines().filter(l -> l.matches("\\[\\d/6] .*")).toList();
        assertEquals(6, steps.size(), demo.err());
        assertFalse(demo.out().contains("[1/6]"), "progress is not in the report");

        Result batch = run(true, "validate", signed.toString(), unsigned.toString(), "--sandbox", "--home", home);
        assertEquals(1, batch.code(), "the highest exit code: one file has no signature");
        assertTrue(batch.err().contains("[1/2] " + signed) && batch.err().contains("[2/2] " + unsigned), batch.err());
        assertTrue(batch.out().contains("2 file(s): 1 passed, 1 not"), batch.out());

        StringWriter ticker = new StringWriter();
        try (Progress progress = Progress.ticker(new PrintWriter(ticker), true, "Signing big.pdf (312 MB)", 0)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ticker.toString().contains("Signing big.pdf (312 MB)... 0 s") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertTrue(ticker.toString().startsWith("\rSigning big.pdf (312 MB)... 0 s"), ticker.toString());
        assertTrue(ticker.toString().endsWith("\r"), "the line is cleared at the end");
        StringWriter off = new StringWriter();
        try (Progress progress = Progress.ticker(new PrintWriter(off), false, "Signing", 0)) {
            Thread.sleep(300);
        }
        assertEquals("", off.toString());
        assertFalse(Files.exists(again));
    }

    @Test
    void aBatchWithJsonIsAnArrayWithErrorsInPlace() throws Exception {
        Result r = run("validate", signed.toString(), dir.resolve("gone.pdf").toString(), "--sandbox", "--home", home, "--json");
        assertEquals(3, r.code(), r.out());
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertEquals(2, array.size(), r.out());
        assertEquals("PASSED", array.get(0).get("result").asText());
        assertEquals(dir.resolve("gone.pdf").toString(), array.get(1).get("document").asText());
        assertEquals("IO_ERROR", array.get(1).get("error").get("code").asText());
    }

    @Test
    void aTimeLimitNamesTheTimeLimitFlag() {
        Path out = dir.resolve("late.pdf");
        Result r = run("sign", unsigned.toString(), "-o", out.toString(), "--signer", JANE, "--auth", "sms-otp",
                "--home", home, "--time-limit", "0.001");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().startsWith("error: RESOURCE_LIMIT: "), r.err());
        assertTrue(fix(r).startsWith("Allow more time with --time-limit SECONDS"), r.err());
        assertNoJava(r);
        assertFalse(Files.exists(out));
    }

    @Test
    void hintsWrittenForJavaCallersNeverReachTheCommandLine() {
        // an engine hint that names Java methods, for a case the CLI has no words of its own for
        com.certyneo.engine.SignatureEngineException state = new com.certyneo.engine.SignatureEngineException(
                com.certyneo.engine.ErrorCode.STATE_MISMATCH, "The two-step state does not parse",
                "Pass the state returned by prepare() unchanged.");
        String fix = Problem.fix(state, null);
        assertFalse(JAVA.matcher(fix).find(), fix);
        assertTrue(fix.contains("--debug"), fix);
        // a hint without Java names is kept as the engine wrote it
        assertEquals("Check the path.", Problem.fix(new com.certyneo.engine.SignatureEngineException(
                com.certyneo.engine.ErrorCode.IO_ERROR, "x", "Check the path."), null));
        assertEquals("Cannot read a.pdf: a.pdf", Problem.clean("Cannot read a.pdf: java.nio.file.NoSuchFileException: a.pdf"));
    }
}
