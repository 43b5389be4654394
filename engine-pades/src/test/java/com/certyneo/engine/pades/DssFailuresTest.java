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
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
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
import java.security.cert.X509Certificate;
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
 * {@code PDFDocumentValidator} through {@code engine.validate}, DSS's {@code PAdESService} with the engine's own
 * parameters and certificate verifier, as the visible-signature path calls it), then asserts that the
 * library's exception still has the type, throwing frame or message text the rule relies on, and that the
 * engine turns it into the expected {@link ErrorCode}. A library upgrade that changes one of them fails here.
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
 *   <li>everything DSS-specific on {@code extend()} (it runs on the engine's pipeline now).</li>
 * </ul>
 * The "not enough space" rule used to be unreachable (PDFBox's {@code IOException} read as a damaged document);
 * it is checked first now ({@link #aSignatureLargerThanItsPlaceholderIsASizeEstimateBug}).
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

    // ----- DSS signing rules (the visible-signature path) ---------------------------------------------------

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

    /**
     * What the engine's visible-signature path does with DSS ({@code PadesSignatureEngine.signWithDss}): the
     * engine's parameters and verifier (with its scoped alerts), {@code getDataToSign}, the key, {@code signDocument}.
     *
     * @return DSS's failure
     */
    private static RuntimeException dssSigning(PadesSignatureEngine engine, SignRequest request, PadesProfile profile,
                                               SigningKey key, Instant signingTime, int contentSize) {
        PAdESSignatureParameters parameters = engine.parameters(request, profile, key, signingTime);
        if (contentSize > 0) {
            parameters.setContentSize(contentSize);
        }
        DssTimestampSource tsp = profile.needsTimestamp() ? new DssTimestampSource(engine.timestampSource()) : null;
        PAdESService service = new PAdESService(engine.verifier(new ScopedAlerts(key.certificateChain(), tsp)));
        if (tsp != null) {
            service.setTspSource(tsp);
        }
        DSSDocument document = new InMemoryDocument(request.document().readAllBytes(), "in.pdf");
        try {
            ToBeSigned toBeSigned = service.getDataToSign(document, parameters);
            byte[] value = key.sign(toBeSigned.getBytes(), parameters.getSignatureAlgorithm().getJCEId());
            service.signDocument(document, parameters, new SignatureValue(parameters.getSignatureAlgorithm(), value));
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("DSS signed");
    }

    private static RuntimeException dssSigning(TestPki.Credential credential, SignRequest request, PadesProfile profile) {
        SigningKey key = SigningKey.of(credential.key(), credential.chain());
        return dssSigning(engineFor(credential), request, profile, key, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), 0);
    }

    private static ErrorCode code(RuntimeException library, TestPki.Credential credential) {
        return DssFailures.dssSigning(library, "in.pdf", credential.chain()).code();
    }

    @Test
    void expiredSigningCertificateIsASigningKeyError() {
        TestPki.Credential expired = pki.signer(TestPki.Kind.EXPIRED, TestPki.KeyType.EC_P256);
        RuntimeException library = dssSigning(expired, request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("expired"), library.getMessage());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, code(library, expired));
    }

    @Test
    void notYetValidSigningCertificateIsASigningKeyError() {
        TestPki.Credential early = pki.signer(TestPki.Kind.NOT_YET_VALID, TestPki.KeyType.EC_P256);
        RuntimeException library = dssSigning(early, request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("not yet valid"), library.getMessage());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, code(library, early));
    }

    @Test
    void aMissingFieldIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        RuntimeException library = dssSigning(good, request(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes()).field("nobody")
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("field") && library.getMessage().contains("does not exist"),
                library.getMessage());
        assertEquals(ErrorCode.INVALID_REQUEST, code(library, good));
    }

    @Test
    void aFieldThatIsNotASignatureFieldIsAnInvalidRequest() throws IOException {
        TestPki.Credential good = pki.goodSigner();
        RuntimeException library = dssSigning(good, request(withTextField("comment")).field("comment")
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("field") && library.getMessage().contains("not a signature field"),
                library.getMessage());
        assertEquals(ErrorCode.INVALID_REQUEST, code(library, good));
    }

    @Test
    void aFieldAlreadySignedIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        engineFor(good).sign(request(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes()).output(DocumentTarget.of(signed))
                .field("approver").profile(PadesProfile.B_B).build());
        RuntimeException library = dssSigning(good, request(signed.toByteArray()).field("approver")
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("field") && library.getMessage().contains("already signed"),
                library.getMessage());
        assertEquals(ErrorCode.INVALID_REQUEST, code(library, good));
    }

    @Test
    void aBoxOutsideThePageIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        RuntimeException library = dssSigning(good, request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 500, 50, 400, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("signature field position"), library.getMessage());
        assertEquals(ErrorCode.INVALID_REQUEST, code(library, good));
    }

    @Test
    void aBoxOverAnotherSignatureIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        engineFor(good).sign(request(SamplePdfs.minimal()).output(DocumentTarget.of(first)).profile(PadesProfile.B_B)
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build());
        RuntimeException library = dssSigning(good, request(first.toByteArray())
                .appearance(new VisibleAppearance(1, 60, 60, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(library.getMessage().contains("signature field position"), library.getMessage());
        assertEquals(ErrorCode.INVALID_REQUEST, code(library, good));
    }

    @Test
    void aPageThatDoesNotExistIsAnInvalidRequest() {
        TestPki.Credential good = pki.goodSigner();
        RuntimeException library = dssSigning(good, request(SamplePdfs.multiPage(2))
                .appearance(new VisibleAppearance(5, 50, 50, 200, 60)).build(), PadesProfile.B_B);
        // DSS asks PDFBox for the page box before its own page check: PDFBox's page tree answers
        assertInstanceOf(IndexOutOfBoundsException.class, library);
        assertTrue(library.getMessage().contains("out of bounds"), library.getMessage());
        assertEquals("org.apache.pdfbox.pdmodel.PDPageTree", library.getStackTrace()[0].getClassName());
        assertEquals(ErrorCode.INVALID_REQUEST, code(library, good));
        // and through the engine: a request error, not a damaged document
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> PadesSignatureEngine.sandbox(home)
                .sign(request(SamplePdfs.multiPage(2)).level(SignatureLevel.AES).signer(Signer.parse("Jane <jane@example.com>")
                        .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                        .appearance(new VisibleAppearance(5, 50, 50, 200, 60)).build()));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
    }

    @Test
    void aRevokedSigningCertificateAtBltIsCertificateRevoked() {
        TestPki.Credential revoked = pki.signer(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256);
        RuntimeException library = dssSigning(revoked, request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_LT);
        assertTrue(library.getMessage().contains("Revoked/Suspended certificate(s) detected"), library.getMessage());
        assertEquals(ErrorCode.CERTIFICATE_REVOKED, code(library, revoked));
    }

    @Test
    void noRevocationDataAtBltIsRevocationUnavailable() {
        TestPki.Credential good = pki.goodSigner();
        SigningKey key = SigningKey.of(good.key(), good.chain());
        PadesSignatureEngine offline = PadesSignatureEngine.builder().sealKey(key)
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC())).trustAnchor(pki.root())
                .revocationSource(new com.certyneo.engine.spi.RevocationSource() {
                    @Override
                    public java.util.Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                        return java.util.Optional.empty();
                    }

                    @Override
                    public java.util.Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                        return java.util.Optional.empty();
                    }
                }).build();
        RuntimeException library = dssSigning(offline, request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_LT, key, Instant.now(), 0);
        assertTrue(library.getMessage().contains("Revocation data is missing"), library.getMessage());
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, code(library, good));
    }

    @Test
    void aCertifiedDocumentIsLocked() {
        TestPki.Credential good = pki.goodSigner();
        SigningKey key = SigningKey.of(good.key(), good.chain());
        PadesSignatureEngine engine = engineFor(good);
        PAdESSignatureParameters p = engine.parameters(request(SamplePdfs.minimal()).build(), PadesProfile.B_B, key,
                Instant.now());
        p.setPermission(eu.europa.esig.dss.enumerations.CertificationPermission.NO_CHANGE_PERMITTED);
        PAdESService service = new PAdESService(new eu.europa.esig.dss.spi.validation.CommonCertificateVerifier(true));
        DSSDocument doc = new InMemoryDocument(SamplePdfs.minimal(), "c.pdf");
        byte[] value = key.sign(service.getDataToSign(doc, p).getBytes(), p.getSignatureAlgorithm().getJCEId());
        byte[] certified = eu.europa.esig.dss.spi.DSSUtils.toByteArray(service.signDocument(doc, p,
                new SignatureValue(p.getSignatureAlgorithm(), value)));

        RuntimeException library = dssSigning(good, request(certified)
                .appearance(new VisibleAppearance(1, 50, 300, 200, 60)).build(), PadesProfile.B_B);
        assertTrue(anyInChain(library, t -> t.getClass().getName().endsWith("ProtectedDocumentException")), chain(library));
        assertEquals(ErrorCode.DOCUMENT_LOCKED, code(library, good));
    }

    @Test
    void aSignatureLargerThanItsPlaceholderIsASizeEstimateBug() {
        TestPki.Credential good = pki.goodSigner();
        SigningKey key = SigningKey.of(good.key(), good.chain());
        RuntimeException library = dssSigning(engineFor(good), request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_B, key, Instant.now(), 64);
        assertTrue(anyInChain(library, t -> String.valueOf(t.getMessage()).contains("not enough space")), chain(library));
        SignatureEngineException e = DssFailures.dssSigning(library, "in.pdf", good.chain());
        assertEquals(ErrorCode.SIGNING_FAILED, e.code());
        assertTrue(e.getMessage().contains("did not fit the space reserved"), e.getMessage());
    }

    /** The engine's own errors raised inside a DSS call (here: the time-stamp source) come back as they are. */
    @Test
    void theEnginesOwnErrorsWrappedByDssKeepTheirCode() {
        TestPki.Credential good = pki.goodSigner();
        SigningKey key = SigningKey.of(good.key(), good.chain());
        PadesSignatureEngine failingTsa = PadesSignatureEngine.builder().sealKey(key).trustAnchor(pki.root())
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
        RuntimeException library = dssSigning(failingTsa, request(SamplePdfs.minimal())
                .appearance(new VisibleAppearance(1, 50, 50, 200, 60)).build(), PadesProfile.B_T, key, Instant.now(), 0);
        assertEquals(ErrorCode.TSA_UNAVAILABLE, code(library, good));
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
