package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TimestampAuthority;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gives the typed error and leaves no output file, in sandbox and production mode. */
class BadInputTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine sandbox;
    static PadesSignatureEngine production;

    @BeforeAll
    static void setUp() {
        sandbox = PadesSignatureEngine.sandbox(home);
        production = ProductionFixture.create().engine();
    }

    static Stream<Arguments> badInputs() {
        byte[] pdf = SamplePdfs.minimal();
        return Stream.of(
                Arguments.of("empty", new byte[0], ErrorCode.INVALID_PDF),
                Arguments.of("not a PDF", "hello, I am a text file\n".getBytes(StandardCharsets.US_ASCII), ErrorCode.INVALID_PDF),
                Arguments.of("PNG", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0}, ErrorCode.INVALID_PDF),
                Arguments.of("truncated", SamplePdfs.truncated(pdf), ErrorCode.INVALID_PDF),
                Arguments.of("header only", "%PDF-1.7\n%%EOF\n".getBytes(StandardCharsets.US_ASCII), ErrorCode.INVALID_PDF),
                Arguments.of("encrypted (user password)", SamplePdfs.encryptedWithUserPassword("secret"), ErrorCode.ENCRYPTED_PDF),
                // owner-password-only files whose permissions allow signing are signed (EncryptedInputTest); one that
                // forbids changes is not
                Arguments.of("encrypted (owner password only, no changes allowed)", ownerOnlyReadOnly(), ErrorCode.ENCRYPTED_PDF));
    }

    /** A one-page document encrypted (AES-256) with an owner password only, whose permissions forbid every change. */
    static byte[] ownerOnlyReadOnly() {
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(SamplePdfs.minimal())) {
            org.apache.pdfbox.pdmodel.encryption.AccessPermission permissions =
                    new org.apache.pdfbox.pdmodel.encryption.AccessPermission();
            permissions.setCanModify(false);
            permissions.setCanModifyAnnotations(false);
            permissions.setCanFillInForm(false);
            permissions.setCanAssembleDocument(false);
            org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy policy =
                    new org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy("owner-secret", "", permissions);
            policy.setEncryptionKeyLength(256);
            document.protect(policy);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> hostileInputs() {
        String page = HostilePdfs.PAGE;
        return Stream.of(
                Arguments.of("100,000 nested arrays", HostilePdfs.nestedArrays(100_000)),
                Arguments.of("100,000 nested dictionaries", HostilePdfs.nestedDictionaries(100_000)),
                Arguments.of("100,000 arrays chained by references", HostilePdfs.chained(100_000, true)),
                Arguments.of("100,000 dictionaries chained by references", HostilePdfs.chained(100_000, false)),
                Arguments.of("/Count -1", HostilePdfs.withObjects(HostilePdfs.CATALOG,
                        "<< /Type /Pages /Kids [3 0 R] /Count -1 >>", page, HostilePdfs.CONTENT)),
                Arguments.of("null /Pages", HostilePdfs.withObjects("<< /Type /Catalog /Pages null >>",
                        HostilePdfs.PAGES, page, HostilePdfs.CONTENT)),
                Arguments.of("/Kids of integers", HostilePdfs.withObjects(HostilePdfs.CATALOG,
                        "<< /Type /Pages /Kids [1 2 3] /Count 3 >>", page, HostilePdfs.CONTENT)),
                Arguments.of("no /Kids", HostilePdfs.withObjects(HostilePdfs.CATALOG, "<< /Type /Pages /Count 1 >>", page,
                        HostilePdfs.CONTENT)),
                Arguments.of("a page that is an array", HostilePdfs.withObjects(HostilePdfs.CATALOG, HostilePdfs.PAGES,
                        "[1 2 3]", HostilePdfs.CONTENT)),
                Arguments.of("a null root", HostilePdfs.withObjects("null", HostilePdfs.PAGES, page, HostilePdfs.CONTENT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void hostileDocumentsAreInvalidPdfNotSigningFailures(String what, byte[] input) {
        for (PadesSignatureEngine engine : List.of(sandbox, production)) {
            SignatureLevel level = engine == sandbox ? SignatureLevel.AES : SignatureLevel.SES;
            Path out = dir.resolve("out.pdf");
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> engine.sign(request(input, out, level)));
            assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
            assertTrue(e.getMessage().startsWith("'in.pdf' is "), e.getMessage());
            assertTrue(e.getMessage().contains("malformed") || e.getMessage().contains("not a readable PDF"), e.getMessage());
            assertNoOutput(out);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void hostileDocumentsAreInvalidPdfFromDiskToo(String what, byte[] input) throws Exception {
        PadesSignatureEngine disk = PadesSignatureEngine.builder().sandbox(home).largeDocumentThreshold(0).build();
        Path in = dir.resolve("input").resolve("hostile.pdf");
        Files.createDirectories(in.getParent());
        Files.write(in, input);
        Path out = dir.resolve("out.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> disk.sign(SignRequest.builder()
                .document(DocumentSource.of(in)).output(DocumentTarget.of(out)).signer(Signer.of("Seal", "seal@example.com"))
                .level(SignatureLevel.SES).build()));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("hostile.pdf"), e.getMessage());
        assertNoOutput(out);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(TempFiles.PREFIX)).toList(),
                    "the work directory is deleted on error");
        }
    }

    @Test
    void deeplyChainedObjectsDoNotOverflowValidation() {
        byte[] input = HostilePdfs.chained(100_000, false);
        try {
            var report = sandbox.validate(DocumentSource.of(input, "in.pdf"), com.certyneo.engine.ValidationOptions.sandbox());
            assertEquals(0, report.signatures().size());
        } catch (SignatureEngineException e) {
            assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        }
    }

    @Test
    void engineBugsAreNotMistakenForMalformedDocuments() {
        NullPointerException ours = new NullPointerException("engine bug");
        ours.setStackTrace(new StackTraceElement[] {new StackTraceElement(PadesSignatureEngine.class.getName(), "sign",
                "PadesSignatureEngine.java", 1)});
        assertEquals(null, DssFailures.malformed(new RuntimeException(ours), "in.pdf"));
        NullPointerException theirs = new NullPointerException();
        theirs.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("java.util.Objects", "requireNonNull", "Objects.java", 1),
                new StackTraceElement("org.apache.pdfbox.pdmodel.PDPageTree", "get", "PDPageTree.java", 1)});
        SignatureEngineException e = DssFailures.malformed(new RuntimeException(theirs), "in.pdf");
        assertEquals(ErrorCode.INVALID_PDF, e.code());
        assertTrue(e.getMessage().contains("'in.pdf' is malformed"), e.getMessage());
        StackOverflowError overflow = new StackOverflowError();
        overflow.setStackTrace(new StackTraceElement[] {new StackTraceElement(Validation.class.getName(), "x", "V.java", 1)});
        assertEquals(null, DssFailures.overflow(overflow, "in.pdf"), "an overflow in engine code is not blamed on the input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void sandboxRefusesWithTypedErrorAndNoOutput(String what, byte[] input, ErrorCode expected) {
        assertRefused(sandbox, SignatureLevel.AES, input, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void productionRefusesWithTypedErrorAndNoOutput(String what, byte[] input, ErrorCode expected) {
        assertRefused(production, SignatureLevel.SES, input, expected);
    }

    private void assertRefused(SignatureEngine engine, SignatureLevel level, byte[] input, ErrorCode expected) {
        Path out = dir.resolve("out.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(request(input, out, level)));
        assertEquals(expected, e.code(), e.toString());
        assertFalse(e.hint().isEmpty());
        assertNoOutput(out);
    }

    @Test
    void aesWithoutAuthenticationIsRefused() {
        Path out = dir.resolve("out.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sandbox.sign(SignRequest.builder()
                .document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Jane Doe", "jane@example.com")).level(SignatureLevel.AES).build()));
        assertEquals(ErrorCode.MISSING_AUTHENTICATION, e.code());
        assertTrue(e.getMessage().contains("jane@example.com"));
        assertNoOutput(out);
    }

    @Test
    void unconfiguredLevelsAreRefused() {
        Path out = dir.resolve("out.pdf");
        assertEquals(ErrorCode.LEVEL_NOT_CONFIGURED, assertThrows(SignatureEngineException.class,
                () -> production.sign(request(SamplePdfs.minimal(), out, SignatureLevel.QES))).code());
        assertEquals(ErrorCode.LEVEL_NOT_CONFIGURED, assertThrows(SignatureEngineException.class,
                () -> production.sign(request(SamplePdfs.minimal(), out, SignatureLevel.AES))).code());
        assertEquals(ErrorCode.PROFILE_NOT_SUPPORTED, assertThrows(SignatureEngineException.class,
                () -> production.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                        .output(DocumentTarget.of(out)).signer(Signer.of("J", "j@example.com"))
                        .level(SignatureLevel.SES).profile(PadesProfile.B_LT).build())).code());
        assertNoOutput(out);
    }

    @Test
    void aCertifiedDocumentThatForbidsChangesIsRefused() {
        // Certify a document with DocMDP P=1 (no changes permitted) using DSS directly.
        ProductionFixture fixture = ProductionFixture.create();
        eu.europa.esig.dss.pades.PAdESSignatureParameters p = new eu.europa.esig.dss.pades.PAdESSignatureParameters();
        p.setSignatureLevel(eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_B);
        p.setDigestAlgorithm(eu.europa.esig.dss.enumerations.DigestAlgorithm.SHA256);
        p.setSigningCertificate(new eu.europa.esig.dss.model.x509.CertificateToken(fixture.sealKey().certificate()));
        p.setPermission(eu.europa.esig.dss.enumerations.CertificationPermission.NO_CHANGE_PERMITTED);
        eu.europa.esig.dss.pades.signature.PAdESService service = new eu.europa.esig.dss.pades.signature.PAdESService(
                new eu.europa.esig.dss.spi.validation.CommonCertificateVerifier(true));
        eu.europa.esig.dss.model.DSSDocument doc = new eu.europa.esig.dss.model.InMemoryDocument(SamplePdfs.minimal(), "c.pdf");
        byte[] tbs = service.getDataToSign(doc, p).getBytes();
        byte[] value = fixture.sealKey().sign(tbs, p.getSignatureAlgorithm().getJCEId());
        byte[] certified = eu.europa.esig.dss.spi.DSSUtils.toByteArray(service.signDocument(doc, p,
                new eu.europa.esig.dss.model.SignatureValue(p.getSignatureAlgorithm(), value)));

        assertRefused(production, SignatureLevel.SES, certified, ErrorCode.DOCUMENT_LOCKED);
    }

    @Test
    void sandboxAndProductionKeysDoNotMix() {
        SandboxPki pki = sandbox.sandboxPki().orElseThrow();
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(pki.seal().key(), pki.seal().chain())).build());
        assertEquals(ErrorCode.MODE_MISMATCH, e.code());
        SigningKey productionKey = productionEngineSealKey();
        e = assertThrows(SignatureEngineException.class,
                () -> PadesSignatureEngine.builder().sandbox(home).sealKey(productionKey).build());
        assertEquals(ErrorCode.MODE_MISMATCH, e.code());
    }

    @Test
    void productionEngineSignsWithoutSandboxMark() throws Exception {
        Path out = dir.resolve("prod.pdf");
        production.sign(request(SamplePdfs.minimal(), out, SignatureLevel.SES));
        String text;
        try (var document = org.apache.pdfbox.Loader.loadPDF(out.toFile())) {
            text = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
        }
        assertFalse(text.contains("SANDBOX"));
        var report = production.validate(DocumentSource.of(out), com.certyneo.engine.ValidationOptions.trusting(List.of()));
        assertEquals(1, report.signatures().size());
        assertFalse(report.signatures().get(0).sandbox());
        assertTrue(report.signatures().get(0).format().equals("PAdES-BASELINE-T"), report.toString());
    }

    /**
     * The error code of a malformed input does not depend on the JIT: a NullPointerException thrown by
     * PDFBox names it INVALID_PDF by its frame; once HotSpot reuses a preallocated, stackless exception
     * for it (OmitStackTraceInFastThrow; a fuzzing finding, {@code validate/encrypt-dictionary-npe-in-pdfbox.pdf},
     * changed code after some ten thousand validations), the same. The engine's own frames stay engine errors.
     */
    @Test
    void malformedInputIsInvalidPdfWithOrWithoutAStackTrace() {
        NullPointerException fromPdfBox = new NullPointerException();
        fromPdfBox.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.apache.pdfbox.pdmodel.encryption.StandardSecurityHandler", "prepare", null, 1)});
        NullPointerException fastThrown = new NullPointerException();
        fastThrown.setStackTrace(new StackTraceElement[0]);
        NullPointerException fromEngine = new NullPointerException("engine bug");
        fromEngine.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("com.certyneo.engine.pades.Validation", "validate", null, 1)});
        NullPointerException stacklessWithMessage = new NullPointerException("explicit");
        stacklessWithMessage.setStackTrace(new StackTraceElement[0]);

        assertEquals(com.certyneo.engine.ErrorCode.INVALID_PDF, DssFailures.malformed(fromPdfBox, "in.pdf").code());
        assertEquals(com.certyneo.engine.ErrorCode.INVALID_PDF,
                DssFailures.malformed(new RuntimeException(fastThrown), "in.pdf").code());
        assertTrue(DssFailures.malformed(fastThrown, "in.pdf").getMessage().contains("NullPointerException in the PDF parser"));
        assertEquals(null, DssFailures.malformed(fromEngine, "in.pdf"));
        assertEquals(null, DssFailures.malformed(stacklessWithMessage, "in.pdf"));
    }

    private static SigningKey productionEngineSealKey() {
        KeyPair keys = X509Builder.newEcKeyPair();
        Instant now = Instant.now();
        X509Certificate self = X509Builder.of(new org.bouncycastle.asn1.x500.X500Name("CN=Prod,O=Example"), keys.getPublic())
                .validity(now.minusSeconds(60), now.plusSeconds(3600)).selfSigned(keys.getPrivate());
        return SigningKey.of(keys.getPrivate(), List.of(self));
    }

    private static SignRequest request(byte[] input, Path out, SignatureLevel level) {
        return SignRequest.builder().document(DocumentSource.of(input, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).build();
    }

    private void assertNoOutput(Path out) {
        assertFalse(Files.exists(out), "no output file");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".part")).toList(),
                    "no temporary file left behind");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
