package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import eu.europa.esig.dss.pades.signature.PAdESService;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins every rule of {@link DssFailures} to the library behaviour it relies on. Each test provokes the real
 * DSS 6.2 or PDFBox 3 failure by calling the library the way the engine does (PDFBox's {@code Loader}, DSS's
 * {@code PDFDocumentValidator} through {@code engine.validate}), then asserts that the library's exception still
 * has the type or throwing frame the rule relies on, and that the engine turns it into the expected
 * {@link ErrorCode}. A library upgrade that changes one of them fails here. The signing refusals DSS used to
 * raise as messages (while visible signatures went through its {@code PAdESService}) are the engine's own
 * checks now; the same cases assert the engine's codes.
 *
 * <p>One rule cannot be provoked from the library: HotSpot's stackless fast-throw exceptions
 * ({@code OmitStackTraceInFastThrow}) appear only after thousands of identical failures in compiled code.
 * {@code BadInputTest} builds them by hand (a stack trace cannot be provoked away), and
 * {@link #pdfBoxRuntimeFailuresOnAMalformedDocumentAreInvalidPdf} pins, with a real PDFBox exception, the
 * throwing-frame rule they stand in for.
 *
 * <p>Message rules the engine had and that were dropped, because no path reaches them with DSS 6.2 and
 * PDFBox 3.0.8 (found by these tests and by reading both libraries):
 * <ul>
 *   <li>"password", "encrypted": PDFBox and DSS signal a password by type ({@code InvalidPasswordException},
 *   pinned by {@link #pdfBoxWrongPasswordIsEncrypted} and {@link #dssWrongPasswordIsEncrypted});</li>
 *   <li>"Unable to open", "xref", "trailer", "Missing root", "Header doesn't contain versioninfo": PDFBox's
 *   parser messages are on {@code IOException}s thrown from PDFBox frames, which the frame rule classifies
 *   ({@link #pdfBoxParserFailuresAreInvalidPdf}; DSS wraps them keeping the cause); "Unable to open" is in
 *   neither library;</li>
 *   <li>"is out of the page", "already used", "not valid yet", "does not exist in the document": not in DSS
 *   6.2; its "The page number … does not exist in the file" is thrown only by {@code addNewSignatureField},
 *   which the engine does not call: a box on a missing page fails in PDFBox's page tree first
 *   ({@link #aPageThatDoesNotExistIsAnInvalidRequest}, which used to come out as INVALID_PDF);</li>
 *   <li>"Fresh revocation data is missing": DSS raises it through {@code alertOnNoRevocationAfterBestSignatureTime},
 *   which only logs unless set, and the engine does not set it;</li>
 *   <li>everything DSS-specific on signing and {@code extend()} (the engine's pipeline does both now):
 *   "expired", "not yet valid", field and box messages, "Revoked/Suspended certificate(s) detected",
 *   "Revocation data is missing", {@code ProtectedDocumentException}, "not enough space".</li>
 * </ul>
 */
class DssFailuresTest {

    @TempDir
    static Path home;
    static TestPki pki;

    @BeforeAll
    static void setUp() {
        pki = TestPki.create();
    }

    // ----- PDFBox and DSS reading rules ---------------------------------------------------------------------

    @Test
    void pdfBoxWrongPasswordIsEncrypted() {
        byte[] encrypted = SamplePdfs.encryptedWithUserPassword("secret");
        IOException library = assertThrows(IOException.class, () -> Loader.loadPDF(encrypted).close());
        assertTrue(library.getClass().getName().endsWith("InvalidPasswordException"), library.toString());
        assertEquals(ErrorCode.ENCRYPTED_PDF, DssFailures.opening(library, "in.pdf").code());
        assertEquals(ErrorCode.ENCRYPTED_PDF, DssFailures.reading(library, "in.pdf").code());
        // the engine's own path: the preparation opens the document with PDFBox
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> PdfPreparation.prepare(encrypted, "in.pdf", false));
        assertEquals(ErrorCode.ENCRYPTED_PDF, e.code());
    }

    /**
     * A document encrypted for certificates (/Filter /Adobe.PubSec, as pyHanko's pubkey test files): PDFBox's
     * public-key handler throws a plain IOException ("Provided decryption material is not compatible with the
     * document - did you pass a null keyStore?"), which was INVALID_PDF quoting PDFBox.
     */
    @Test
    void pdfBoxPublicKeyEncryptionIsEncrypted() throws Exception {
        byte[] encrypted;
        try (PDDocument document = Loader.loadPDF(SamplePdfs.minimal())) {
            org.apache.pdfbox.pdmodel.encryption.PublicKeyRecipient recipient =
                    new org.apache.pdfbox.pdmodel.encryption.PublicKeyRecipient();
            recipient.setX509(pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.RSA_PSS_3072).certificate()); // RSA key transport
            recipient.setPermission(new org.apache.pdfbox.pdmodel.encryption.AccessPermission());
            org.apache.pdfbox.pdmodel.encryption.PublicKeyProtectionPolicy policy =
                    new org.apache.pdfbox.pdmodel.encryption.PublicKeyProtectionPolicy();
            policy.addRecipient(recipient);
            document.protect(policy);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            document.save(out);
            encrypted = out.toByteArray();
        }
        assertTrue(new String(encrypted, StandardCharsets.ISO_8859_1).contains("/Adobe.PubSec"));
        IOException library = assertThrows(IOException.class, () -> Loader.loadPDF(encrypted).close());
        assertEquals("org.apache.pdfbox.pdmodel.encryption.PublicKeySecurityHandler",
                library.getStackTrace()[0].getClassName(), chain(library));
        for (SignatureEngineException e : List.of(DssFailures.opening(library, "in.pdf"),
                DssFailures.reading(library, "in.pdf"),
                assertThrows(SignatureEngineException.class, () -> PdfPreparation.prepare(encrypted, "in.pdf", false)),
                assertThrows(SignatureEngineException.class, () -> PadesSignatureEngine.builder().build().validate(
                        DocumentSource.of(encrypted, "in.pdf"), ValidationOptions.trusting(List.of()))))) {
            assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
            assertTrue(e.getMessage().contains("certificates"), e.getMessage());
        }
    }

    @Test
    void dssWrongPasswordIsEncrypted() {
        PadesSignatureEngine engine = PadesSignatureEngine.builder().build();
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.validate(
                DocumentSource.of(SamplePdfs.encryptedWithUserPassword("secret"), "in.pdf"), ValidationOptions.trusting(List.of())));
        Throwable library = e.getCause();
        assertNotNull(library);
        assertTrue(anyInChain(library, t -> t.getClass().getName().endsWith("InvalidPasswordException")), chain(library));
        assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
    }

    @Test
    void pdfBoxParserFailuresAreInvalidPdf() {
        byte[] noRoot = ("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
                + "trailer\n<< /Size 2 >>\nstartxref\n47\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);
        IOException library = assertThrows(IOException.class, () -> Loader.loadPDF(noRoot).close());
        assertTrue(library.getStackTrace()[0].getClassName().startsWith("org.apache.pdfbox"), chain(library));
        assertEquals(ErrorCode.INVALID_PDF, DssFailures.reading(library, "in.pdf").code());

        PadesSignatureEngine engine = PadesSignatureEngine.builder().build();
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.validate(
                DocumentSource.of(noRoot, "in.pdf"), ValidationOptions.trusting(List.of())));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
    }

    /** A page tree whose /Kids holds integers: PDFBox throws from its own frames when the engine walks it. */
    @Test
    void pdfBoxRuntimeFailuresOnAMalformedDocumentAreInvalidPdf() throws IOException {
        byte[] hostile = HostilePdfs.build(List.of("<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [1 2 3] /Count 3 >>"));
        RuntimeException library;
        try (PDDocument document = Loader.loadPDF(hostile)) {
            library = assertThrows(RuntimeException.class, () -> document.getPage(0));
        }
        assertTrue(DssFailures.isPdfLayer(firstNonJdkFrame(library)), chain(library));
        assertEquals(ErrorCode.INVALID_PDF, DssFailures.malformed(library, "in.pdf").code());
        assertEquals(ErrorCode.INVALID_PDF, DssFailures.operation(library, "in.pdf").code());
    }

    /** A page tree nested 50,000 levels deep: PDFBox's {@code PDPageTree} recurses into it and overflows the stack. */
    @Test
    void aStackOverflowInPdfBoxIsInvalidPdf() throws Exception {
        int depth = 50_000;
        List<String> objects = new java.util.ArrayList<>();
        objects.add("<< /Type /Catalog /Pages 2 0 R >>");
        for (int i = 0; i < depth; i++) {
            int self = 2 + i;
            String parent = i == 0 ? "" : " /Parent " + (self - 1) + " 0 R";
            objects.add("<< /Type /Pages /Kids [" + (self + 1) + " 0 R] /Count 1" + parent + " >>");
        }
        objects.add("<< /Type /Page /Parent " + (depth + 1) + " 0 R /MediaBox [0 0 200 200] >>");
        byte[] deep = HostilePdfs.build(objects);
        Throwable[] caught = new Throwable[1];
        Thread thread = new Thread(null, () -> {
            try (PDDocument document = Loader.loadPDF(deep)) {
                document.getPage(0);
            } catch (Throwable e) {
                caught[0] = e;
            }
        }, "small-stack", 512 * 1024);
        thread.start();
        thread.join();
        assertInstanceOf(StackOverflowError.class, caught[0], String.valueOf(caught[0]));
        assertTrue(java.util.Arrays.stream(caught[0].getStackTrace())
                .anyMatch(f -> f.getClassName().equals("org.apache.pdfbox.pdmodel.PDPageTree")));
        assertEquals(ErrorCode.INVALID_PDF, DssFailures.overflow((StackOverflowError) caught[0], "in.pdf").code());
    }

    // ----- Signing refusals: the engine's own checks since signing left DSS -----------------------------------
    // Until visible signatures went through the engine's pipeline, DSS found these and message rules mapped
    // them; each case now asserts the engine's own answer on the same input.

    /** A production engine signing with {@code credential}, trusting the test PKI, with its revocation data. */
    private static PadesSignatureEngine engineFor(TestPki.Credential credential) {
        return PadesSignatureEngine.builder().sealKey(SigningKey.of(credential.key(), credential.chain()))
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC())).trustAnchor(pki.root())
                .revocationSource(ValidationMaterialCollectorTest.offline(pki)).build();
    }

    private static SignRequest.Builder request(byte[] pdf) {
        return SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf"))
                .output(DocumentTarget.of(new ByteArrayOutputStream())).signer(Signer.of("Seal", "seal@example.com"))
                .level(SignatureLevel.SES);
    }

    private static SignatureEngineException refusal(PadesSignatureEngine engine, SignRequest request) {
        return assertThrows(SignatureEngineException.class, () -> engine.sign(request));
    }

    private static final VisibleAppearance BOX = VisibleAppearance.of(1, 50, 50, 200, 60);

    @Test
    void expiredSigningCertificateIsASigningKeyError() {
        TestPki.Credential expired = pki.signer(TestPki.Kind.EXPIRED, TestPki.KeyType.EC_P256);
        SignatureEngineException e = refusal(engineFor(expired), request(SamplePdfs.minimal()).appearance(BOX)
                .profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, e.code(), e.toString());
    }

    @Test
    void notYetValidSigningCertificateIsASigningKeyError() {
        TestPki.Credential early = pki.signer(TestPki.Kind.NOT_YET_VALID, TestPki.KeyType.EC_P256);
        SignatureEngineException e = refusal(engineFor(early), request(SamplePdfs.minimal()).appearance(BOX)
                .profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, e.code(), e.toString());
    }

    @Test
    void aMissingFieldIsAnInvalidRequest() {
        SignatureEngineException e = refusal(engineFor(pki.goodSigner()),
                request(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes()).field("nobody").appearance(BOX)
                        .profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    }

    @Test
    void aFieldThatIsNotASignatureFieldIsAnInvalidRequest() throws IOException {
        SignatureEngineException e = refusal(engineFor(pki.goodSigner()), request(withTextField("comment"))
                .field("comment").appearance(BOX).profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertTrue(e.getMessage().contains("comment"), e.getMessage());
    }

    @Test
    void aFieldAlreadySignedIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        engineFor(good).sign(request(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes()).output(DocumentTarget.of(signed))
                .field("approver").profile(PadesProfile.B_B).build());
        SignatureEngineException e = refusal(engineFor(good), request(signed.toByteArray()).field("approver")
                .appearance(BOX).profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertTrue(e.getMessage().contains("approver"), e.getMessage());
    }

    @Test
    void aBoxOutsideThePageIsAnInvalidRequest() {
        SignatureEngineException e = refusal(engineFor(pki.goodSigner()), request(SamplePdfs.minimal())
                .appearance(VisibleAppearance.of(1, 500, 50, 400, 60)).profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
    }

    @Test
    void aBoxOverAnotherSignatureIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        engineFor(good).sign(request(SamplePdfs.minimal()).output(DocumentTarget.of(first)).profile(PadesProfile.B_B)
                .appearance(BOX).build());
        SignatureEngineException e = refusal(engineFor(good), request(first.toByteArray())
                .appearance(VisibleAppearance.of(1, 60, 60, 200, 60)).profile(PadesProfile.B_B).build());
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
    }

    @Test
    void aPageThatDoesNotExistIsAnInvalidRequest() {
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> PadesSignatureEngine.sandbox(home)
                .sign(request(SamplePdfs.multiPage(2)).level(SignatureLevel.AES).signer(Signer.parse("Jane <jane@example.com>")
                        .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                        .appearance(VisibleAppearance.of(5, 50, 50, 200, 60)).build()));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertTrue(e.getMessage().contains("2 pages"), e.getMessage());
    }

    @Test
    void aRevokedSigningCertificateAtBltIsCertificateRevoked() {
        TestPki.Credential revoked = pki.signer(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256);
        SignatureEngineException e = refusal(engineFor(revoked), request(SamplePdfs.minimal()).appearance(BOX)
                .profile(PadesProfile.B_LT).build());
        assertEquals(ErrorCode.CERTIFICATE_REVOKED, e.code(), e.toString());
    }

    @Test
    void noRevocationDataAtBltIsRevocationUnavailable() {
        TestPki.Credential good = pki.goodSigner();
        PadesSignatureEngine offline = PadesSignatureEngine.builder().sealKey(SigningKey.of(good.key(), good.chain()))
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC())).trustAnchor(pki.root())
                .revocationSource(ValidationMaterialCollectorTest.unreachable()).build();
        SignatureEngineException e = refusal(offline, request(SamplePdfs.minimal()).appearance(BOX)
                .profile(PadesProfile.B_LT).build());
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, e.code(), e.toString());
    }

    /** The engine's own errors (here: the time-stamp source's) come back as they are. */
    @Test
    void theEnginesOwnErrorsKeepTheirCode() {
        TestPki.Credential good = pki.goodSigner();
        PadesSignatureEngine failingTsa = PadesSignatureEngine.builder().sealKey(SigningKey.of(good.key(), good.chain()))
                .trustAnchor(pki.root())
                .timestampSource(new com.certyneo.engine.spi.TimestampSource() {
                    @Override
                    public byte[] timestamp(String digestAlgorithm, byte[] digest) {
                        throw new SignatureEngineException(ErrorCode.TSA_UNAVAILABLE, "the TSA is down", "retry");
                    }

                    @Override
                    public String describe() {
                        return "down";
                    }
                }).build();
        SignatureEngineException e = refusal(failingTsa, request(SamplePdfs.minimal()).appearance(BOX)
                .profile(PadesProfile.B_T).build());
        assertEquals(ErrorCode.TSA_UNAVAILABLE, e.code(), e.toString());
    }

    // ----- helpers ------------------------------------------------------------------------------------------

    private static byte[] withTextField(String name) throws IOException {
        try (PDDocument document = Loader.loadPDF(SamplePdfs.minimal())) {
            PDAcroForm form = new PDAcroForm(document);
            document.getDocumentCatalog().setAcroForm(form);
            PDTextField field = new PDTextField(form);
            field.setPartialName(name);
            PDAnnotationWidget widget = field.getWidgets().get(0);
            widget.setRectangle(new PDRectangle(300, 300, 100, 20));
            widget.setPage(document.getPage(0));
            document.getPage(0).getAnnotations().add(widget);
            form.getFields().add(field);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static String firstNonJdkFrame(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (!frame.getClassName().startsWith("java.") && !frame.getClassName().startsWith("jdk.")) {
                return frame.getClassName();
            }
        }
        return "";
    }

    private static boolean anyInChain(Throwable t, java.util.function.Predicate<Throwable> test) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (test.test(c)) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(" <- ").append(c.getClass().getName()).append(": ").append(c.getMessage())
                    .append(c.getStackTrace().length > 0 ? " @" + c.getStackTrace()[0].getClassName() : "");
        }
        return s.toString();
    }
}
