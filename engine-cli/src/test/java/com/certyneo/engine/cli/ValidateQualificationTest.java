package com.certyneo.engine.cli;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestTrustedLists;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code certyneo validate --tl-cache DIR --lotl-keystore P12}: qualification over the test LOTL, text and JSON. */
class ValidateQualificationTest {

    @TempDir
    static Path dir;
    static Path home;
    static Path qes;
    static X509Certificate qualifiedCa;
    static Path root;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void signQes() {
        home = dir.resolve("home");
        qes = dir.resolve("qes.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            Signer alice = Signer.parse("Alice Martin <alice@example.com>").withPhone("+33611223344")
                    .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
            SigningResult r = engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "d.pdf"))
                    .output(DocumentTarget.of(qes)).signer(alice).level(SignatureLevel.QES).build());
            qualifiedCa = r.certificateChain().get(1);
            root = dir.resolve("sandbox-root.pem");
            engine.sandboxPki().orElseThrow().exportRoot(root);
        }
    }

    private static Result validate(TestTrustedLists.Published lists, String... more) {
        // --trust, not --sandbox: only the test lists decide
        String[] base = {"validate", qes.toString(), "--trust", root.toString(), "--home", home.toString(),
                "--tl-cache", lists.cacheDirectory().toString(), "--lotl-url", lists.lotlUrl(),
                "--lotl-keystore", lists.pinKeystore().toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return run(all);
    }

    @Test
    void qesIsQualifiedInJsonAndText() {
        TestTrustedLists.Published lists = TestTrustedLists.builder()
                .qualifiedCa("Certyneo TEST qualified CA service", qualifiedCa).write(dir.resolve("valid"));
        Result json = validate(lists, "--json");
        assertEquals(0, json.code(), json.out() + json.err());
        assertTrue(json.out().contains("\"qualification\": \"QESig\""), json.out());
        assertTrue(json.out().contains("\"qualificationAtValidation\": \"QESig\""), json.out());
        assertTrue(json.out().contains("\"trustService\": \"Certyneo TEST qualified CA service"), json.out());
        assertTrue(json.out().contains("\"sandbox\": true"), json.out());

        Result text = validate(lists);
        assertEquals(0, text.code(), text.out() + text.err());
        assertTrue(text.out().contains("qualification: QESig"), text.out());
        assertTrue(text.out().contains("trust service: Certyneo TEST qualified CA service"), text.out());
    }

    @Test
    void sandboxQesIsQualifiedAgainstTheSandboxListOnly() {
        Result json = run("validate", qes.toString(), "--sandbox", "--home", home.toString(), "--json");
        assertEquals(0, json.code(), json.out() + json.err());
        assertTrue(json.out().contains("\"qualification\": \"QESig\""), json.out());
        assertTrue(json.out().contains("\"sandbox\": true"), json.out());
        assertTrue(json.out().contains("\"trustService\": \"Certyneo SANDBOX qualified CA for QES"), json.out());
        Result text = run("validate", qes.toString(), "--sandbox", "--home", home.toString());
        assertEquals(0, text.code(), text.out() + text.err());
        assertTrue(text.out().contains("qualification: QESig"), text.out());
        assertTrue(text.out().contains("SANDBOX trusted list \u2014 not legally binding"), text.out());

        Result production = run("validate", qes.toString(), "--trust", root.toString(), "--home", home.toString(), "--json");
        assertEquals(0, production.code(), production.out() + production.err());
        assertTrue(production.out().contains("\"qualification\": \"NA\""), production.out());
    }

    @Test
    void brokenLotlIsNamedAndNothingIsQualified() {
        TestTrustedLists.Published lists = TestTrustedLists.builder()
                .qualifiedCa("Certyneo TEST qualified CA service", qualifiedCa)
                .variant(TestTrustedLists.Variant.LOTL_SIGNATURE_BROKEN).write(dir.resolve("broken"));
        Result json = validate(lists, "--json");
        assertFalse(json.out().contains("\"qualification\": \"QES"), json.out());
        assertTrue(json.out().contains(TestTrustedLists.LOTL_URL + " (EU) is not used"), json.out());
    }

    @Test
    void aesQFromTheCommandLineIsAdESigQcAgainstTheSandboxList() throws Exception {
        Path in = java.nio.file.Files.write(dir.resolve("in.pdf"), SamplePdfs.minimal());
        Path out = dir.resolve("aes-q.pdf");
        Result sign = run("sign", in.toString(), "-o", out.toString(), "--level", "AES-Q", "--signer",
                "Bob Durand <bob@example.com>", "--phone", "+33611223355", "--home", home.toString());
        assertEquals(0, sign.code(), sign.out() + sign.err());
        assertTrue(sign.out().contains("AES-Q"), sign.out());
        Result json = run("validate", out.toString(), "--sandbox", "--home", home.toString(), "--json");
        assertEquals(0, json.code(), json.out() + json.err());
        assertTrue(json.out().contains("\"qualification\": \"AdESig-QC\""), json.out());
        assertFalse(json.out().contains("QESig"), json.out());
        assertTrue(json.out().contains("for AES-Q"), json.out());
    }

    @Test
    void tlRefreshDownloadsTheListsIntoAnEmptyCache() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        try {
            String host = "http://127.0.0.1:" + server.getAddress().getPort();
            TestTrustedLists.Published served = TestTrustedLists.builder().publishedAt(host + "/tl/")
                    .qualifiedCa("Certyneo TEST qualified CA service", qualifiedCa).write(dir.resolve("served"));
            server.createContext("/tl/", exchange -> {
                java.nio.file.Path file = served.cacheDirectory().resolve(
                        TestTrustedLists.cacheFileName(host + exchange.getRequestURI().getPath()));
                byte[] body = java.nio.file.Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (java.io.OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            java.nio.file.Path cache = java.nio.file.Files.createDirectories(dir.resolve("refreshed-cache"));
            Result json = run("validate", qes.toString(), "--trust", root.toString(), "--home", home.toString(),
                    "--tl-cache", cache.toString(), "--tl-refresh", "--lotl-url", served.lotlUrl(),
                    "--lotl-keystore", served.pinKeystore().toString(), "--json");
            assertEquals(0, json.code(), json.out() + json.err());
            assertTrue(json.out().contains("\"qualification\": \"QESig\""), json.out());
            assertTrue(java.nio.file.Files.isRegularFile(cache.resolve(TestTrustedLists.cacheFileName(served.tlUrl()))));
        } finally {
            server.stop(0);
        }
        Result noCache = run("validate", qes.toString(), "--trust", root.toString(), "--home", home.toString(),
                "--tl-refresh");
        assertEquals(2, noCache.code(), noCache.out() + noCache.err());
        assertTrue(noCache.err().contains("--tl-cache"), noCache.err());
    }

    @Test
    void missingCacheDirectoryExitsTwo() {
        Result r = run("validate", qes.toString(), "--sandbox", "--home", home.toString(),
                "--tl-cache", dir.resolve("nowhere").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue((r.out() + r.err()).contains("nowhere"), r.out() + r.err());
    }
}
