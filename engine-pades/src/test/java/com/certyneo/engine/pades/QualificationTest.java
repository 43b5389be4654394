package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.TrustedListSource;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestTrustedLists;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Qualification (ETSI TS 119 615) over the deterministic test LOTL/TL of test-vectors, through DSS's TL job. */
class QualificationTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static Path qes;
    static Path aes;
    static Path ses;
    static Path aesQ;
    static SigningResult aesQResult;
    static X509Certificate qualifiedCa;
    static X509Certificate aesCa;

    @BeforeAll
    static void sign() {
        engine = PadesSignatureEngine.sandbox(home.resolve("sandbox"));
        Signer alice = Signer.parse("Alice Martin <alice@example.com>").withPhone("+33611223344");
        qes = home.resolve("qes.pdf");
        aes = home.resolve("aes.pdf");
        ses = home.resolve("ses.pdf");
        SigningResult q = engine.sign(request(alice, SignatureLevel.QES, qes));
        SigningResult a = engine.sign(request(alice, SignatureLevel.AES, aes));
        engine.sign(request(alice, SignatureLevel.SES, ses));
        aesQ = home.resolve("aes-q.pdf");
        aesQResult = engine.sign(request(alice, SignatureLevel.AES_Q, aesQ));
        qualifiedCa = q.certificateChain().get(1);
        aesCa = a.certificateChain().get(1);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static SignRequest request(Signer signer, SignatureLevel level, Path out) {
        return SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "doc.pdf"))
                .output(DocumentTarget.of(out)).signer(signer.authenticatedBy(
                        com.certyneo.engine.AuthenticationMethod.EMAIL_OTP, Instant.now()))
                .level(level).build();
    }

    private static TestTrustedLists.Builder lists() {
        return TestTrustedLists.builder().qualifiedCa("Certyneo TEST qualified CA service", qualifiedCa)
                .qualifiedCa("Certyneo TEST one-time CA service", aesCa);
    }

    private static SignatureValidation validate(Path pdf, TestTrustedLists.Published lists) {
        // the sandbox root as a plain trust anchor: the sandbox's own trusted list is not loaded, only the test lists
        ValidationOptions options = ValidationOptions.trusting(List.of(engine.sandboxPki().orElseThrow().rootCertificate()))
                .withTrustedLists(TrustedListSource.offline(lists.cacheDirectory(), lists.lotlUrl(), lists.pins()));
        List<SignatureValidation> all = engine.validate(DocumentSource.of(pdf), options).signatures().stream()
                .filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void qesIsQualifiedAesIsAdvancedOverTheTestLotl() {
        TestTrustedLists.Published lists = lists().write(home.resolve("valid"));
        SignatureValidation q = validate(qes, lists);
        assertEquals(Indication.TOTAL_PASSED, q.indication(), q.toString());
        assertEquals("QESig", q.qualification(), q.toString());
        assertEquals("QESig", q.qualificationAtValidation(), q.toString());
        assertTrue(q.trustService().orElseThrow().contains("Certyneo TEST qualified CA service"), q.toString());
        assertTrue(q.trustService().orElseThrow().contains("CA/QC, granted"), q.toString());

        // the one-time AES certificate carries no QC statement: advanced, never qualified (DSS says "Unknown":
        // the certificate states no type either)
        SignatureValidation a = validate(aes, lists);
        assertEquals(Indication.TOTAL_PASSED, a.indication(), a.toString());
        assertTrue(a.trustService().isPresent(), a.toString());
        for (String notThere : List.of("QES", "QC", "Indeterminate", "NA", "Not AdES")) {
            assertFalse(a.qualification().contains(notThere), a.toString());
        }

        SignatureValidation s = validate(ses, lists);
        assertFalse(s.qualification().startsWith("QE"), s.toString());
        assertFalse(s.qualification().contains("-QC"), s.toString());
    }

    @Test
    void readmeTrustedListsSnippet() {
        TestTrustedLists.Published published = lists().write(home.resolve("readme"));
        Path cacheDirectory = published.cacheDirectory();
        String lotlUrl = published.lotlUrl();
        Path pinKeystore = published.pinKeystore();
        char[] password = new char[0];
        Path pdf = qes;
        List<X509Certificate> roots = List.of(engine.sandboxPki().orElseThrow().rootCertificate());
        // snippet README.md
        // lotlUrl: TrustedListSource.EU_LOTL_URL in production; the pins: the Official Journal's LOTL signing certificates
        TrustedListSource lists = TrustedListSource.offline(cacheDirectory, lotlUrl,
                TrustedListSource.pinsFromKeystore(pinKeystore, password));
        ValidationReport report = engine.validate(DocumentSource.of(pdf), ValidationOptions.trusting(roots).withTrustedLists(lists));
        // end snippet
        assertEquals("QESig", report.signatures().get(0).qualification(), report.toString());
    }

    @Test
    void withoutTrustedListsQualificationIsNa() {
        SignatureValidation q = engine.validate(DocumentSource.of(qes),
                ValidationOptions.trusting(List.of(engine.sandboxPki().orElseThrow().rootCertificate())))
                .signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, q.indication(), q.toString());
        assertEquals("NA", q.qualification());
        assertEquals("NA", q.qualificationAtValidation());
        assertTrue(q.trustService().isEmpty());
    }

    @Test
    void theSandboxListQualifiesTheSandboxQesOnlyWithTheSandboxTrusted() {
        SignatureValidation q = engine.validate(DocumentSource.of(qes), ValidationOptions.sandbox()).signatures().get(0);
        assertEquals("QESig", q.qualification(), q.toString());
        assertEquals("QESig", q.qualificationAtValidation(), q.toString());
        assertTrue(q.sandbox());
        assertTrue(q.trustService().orElseThrow().contains("SANDBOX qualified CA for QES"), q.toString());
        // the sandbox AES (one-time CA) is not listed: never qualified
        SignatureValidation a = engine.validate(DocumentSource.of(aes), ValidationOptions.sandbox()).signatures().get(0);
        assertEquals("NA", a.qualification(), a.toString());
        // a production engine trusting the sandbox root never loads the sandbox list
        try (PadesSignatureEngine production = PadesSignatureEngine.builder().build()) {
            SignatureValidation p = production.validate(DocumentSource.of(qes), ValidationOptions.trusting(
                    List.of(engine.sandboxPki().orElseThrow().rootCertificate()))).signatures().get(0);
            assertEquals("NA", p.qualification(), p.toString());
        }
    }

    @Test
    void aesQIsAnAdvancedSignatureWithAQualifiedCertificateNeverQes() throws Exception {
        assertEquals(SignatureLevel.AES_Q, aesQResult.level());
        X509Certificate cert = aesQResult.signingCertificate();
        byte[] statements = cert.getExtensionValue("1.3.6.1.5.5.7.1.3");
        String der = java.util.HexFormat.of().formatHex(statements);
        assertTrue(der.contains("060604008e460101"), "QcCompliance");
        assertFalse(der.contains("060604008e460104"), "no QcSSCD");
        assertTrue(cert.getExtensionValue("2.5.29.32") != null);
        assertTrue(java.util.HexFormat.of().formatHex(cert.getExtensionValue("2.5.29.32")).contains("060704008bec400100"),
                "certificate policy QCP-n");
        // the credential is not the QES one
        X509Certificate qesCert = engine.sign(request(Signer.parse("Alice Martin <alice@example.com>")
                .withPhone("+33611223344"), SignatureLevel.QES, home.resolve("qes-again.pdf"))).signingCertificate();
        assertFalse(qesCert.getPublicKey().equals(cert.getPublicKey()));

        SignatureValidation sandbox = engine.validate(DocumentSource.of(aesQ), ValidationOptions.sandbox()).signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, sandbox.indication(), sandbox.toString());
        assertEquals("AdESig-QC", sandbox.qualification(), sandbox.toString());
        assertEquals("AdESig-QC", sandbox.qualificationAtValidation(), sandbox.toString());
        assertTrue(sandbox.trustService().orElseThrow().contains("for AES-Q"), sandbox.toString());
        assertTrue(sandbox.sandbox());
        // production validation (the sandbox root a plain anchor, no trusted list): never qualified
        SignatureValidation production = engine.validate(DocumentSource.of(aesQ), ValidationOptions.trusting(
                List.of(engine.sandboxPki().orElseThrow().rootCertificate()))).signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, production.indication(), production.toString());
        assertEquals("NA", production.qualification(), production.toString());
        // over a test list naming the CA once, as for QES: qualified certificate, no QSCD, never QES
        SignatureValidation test = validate(aesQ, lists().write(home.resolve("aesq-test")));
        assertEquals("AdESig-QC", test.qualification(), test.toString());
    }

    @Test
    void refreshedOnlineDownloadsTheListsIntoAnEmptyCache() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger downloads = new java.util.concurrent.atomic.AtomicInteger();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/lists/";
            TestTrustedLists.Published served = lists().publishedAt(base).write(home.resolve("served"));
            server.createContext("/lists/", exchange -> {
                Path file = served.cacheDirectory().resolve(TestTrustedLists.cacheFileName(
                        "http://127.0.0.1:" + server.getAddress().getPort() + exchange.getRequestURI().getPath()));
                byte[] body = Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0];
                downloads.incrementAndGet();
                exchange.sendResponseHeaders(body.length > 0 ? 200 : 404, body.length > 0 ? body.length : -1);
                try (java.io.OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            Path cache = Files.createDirectories(home.resolve("online-cache"));
            ValidationOptions options = ValidationOptions.trusting(List.of(engine.sandboxPki().orElseThrow().rootCertificate()))
                    .withTrustedLists(TrustedListSource.offline(cache, served.lotlUrl(), served.pins())
                            .refreshedOnline(java.time.Duration.ofSeconds(10), java.time.Duration.ofHours(1)));
            SignatureValidation q = engine.validate(DocumentSource.of(qes), options).signatures().stream()
                    .filter(s -> !s.documentTimestamp()).findFirst().orElseThrow();
            assertEquals("QESig", q.qualification(), q.toString());
            assertEquals(2, downloads.get(), "the LOTL and the TL it points at were downloaded");
            assertTrue(Files.isRegularFile(cache.resolve(TestTrustedLists.cacheFileName(served.lotlUrl()))), "LOTL cached");
            assertTrue(Files.isRegularFile(cache.resolve(TestTrustedLists.cacheFileName(served.tlUrl()))), "TL cached");

            // within the maximum age the cache answers: nothing is downloaded again, and offline reads the same lists
            engine.validate(DocumentSource.of(qes), options);
            assertEquals(2, downloads.get(), "fresh cached lists are not downloaded again");
            server.stop(0);
            SignatureValidation offline = validate(qes, new TestTrustedLists.Published(cache, served.lotlUrl(),
                    served.tlUrl(), served.pinKeystore(), served.lotlSigningCertificate(), served.tlSigningCertificate()));
            assertEquals("QESig", offline.qualification(), offline.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withdrawnServiceDoesNotQualify() {
        TestTrustedLists.Published lists = TestTrustedLists.builder()
                .withdrawnCa("Certyneo TEST qualified CA service", qualifiedCa, Instant.parse("2025-01-01T00:00:00Z"))
                .write(home.resolve("withdrawn"));
        SignatureValidation q = validate(qes, lists);
        assertFalse(q.qualification().startsWith("QES"), q.toString());
        assertFalse(q.qualificationAtValidation().startsWith("QES"), q.toString());
    }

    @Test
    void expiredTrustedListIsNotUsedAndNamed() {
        TestTrustedLists.Published lists = lists().variant(TestTrustedLists.Variant.TL_EXPIRED)
                .write(home.resolve("expired"));
        SignatureValidation q = validate(qes, lists);
        assertFalse(q.qualification().startsWith("QES"), q.toString());
        assertTrue(q.warnings().stream().anyMatch(w -> w.contains(TestTrustedLists.TL_URL) && w.contains("next update")),
                q.warnings().toString());
    }

    @Test
    void brokenLotlSignatureIsNotUsedAndNamed() {
        for (TestTrustedLists.Variant v : List.of(TestTrustedLists.Variant.LOTL_SIGNATURE_BROKEN,
                TestTrustedLists.Variant.LOTL_WRONGLY_SIGNED)) {
            TestTrustedLists.Published lists = lists().variant(v).write(home.resolve(v.name()));
            SignatureValidation q = validate(qes, lists);
            assertFalse(q.qualification().startsWith("QES"), v + ": " + q);
            assertTrue(q.warnings().stream().anyMatch(w -> w.contains(TestTrustedLists.LOTL_URL)
                    && w.contains("signature")), v + ": " + q.warnings());
        }
    }

    @Test
    void brokenTlSignatureIsNotUsedAndNamed() {
        TestTrustedLists.Published lists = lists().variant(TestTrustedLists.Variant.TL_SIGNATURE_BROKEN)
                .write(home.resolve("tl-broken"));
        SignatureValidation q = validate(qes, lists);
        assertFalse(q.qualification().startsWith("QES"), q.toString());
        assertTrue(q.warnings().stream().anyMatch(w -> w.contains(TestTrustedLists.TL_URL) && w.contains("signature")),
                q.warnings().toString());
    }

    @Test
    void missingCacheDirectoryIsInvalidRequest() {
        ValidationOptions options = ValidationOptions.sandbox().withTrustedLists(
                TrustedListSource.offline(home.resolve("no-such-dir"), TestTrustedLists.LOTL_URL, List.of()));
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> engine.validate(DocumentSource.of(qes), options));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("no-such-dir"));
    }
}
