package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentPassword;
import com.certyneo.engine.DocumentResult;
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
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.engine.pades.interop.Corpus;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.TestPki;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Encrypted inputs (qpdf-encrypted real-producer PDFs: AES-256, AES-128 and RC4-128, with a user password, and
 * owner-password-only files): signed with the password at every profile, the output keeps the input's encryption
 * (the same /Encrypt dictionary, byte for byte, referenced from the new trailer), validates TOTAL_PASSED under DSS at
 * its profile when opened with the password, and qpdf --check, pdfsig and pdftotext open it with the password. The
 * signature's /Contents is the CMS in clear (ISO 32000-1 §7.6.1). Wrong or missing passwords, and owner-only files
 * whose permissions forbid signing, are ENCRYPTED_PDF; nothing is written.
 */
class EncryptedInputTest {

    private static final String USER = "user-pw";
    private static final String OWNER = "owner-pw";

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine engine;
    static Path source;

    @BeforeAll
    static void setUp() {
        assumeTrue(ExternalValidators.require("qpdf"), "qpdf not installed");
        source = Corpus.directory().resolve("libreoffice-writer-plain.pdf");
        assumeTrue(Files.isRegularFile(source), "corpus without LibreOffice");
        engine = PadesSignatureEngine.sandbox(home);
    }

    /** An encryption scheme and the qpdf arguments that make it. */
    record Scheme(String name, int v, int r, List<String> qpdf) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Scheme AES256 = new Scheme("AES-256", 5, 6, List.of("256"));
    static final Scheme AES128 = new Scheme("AES-128", 4, 4, List.of("128", "--use-aes=y"));
    static final Scheme RC4 = new Scheme("RC4-128", 2, 3, List.of("128", "--use-aes=n"));

    static Stream<Arguments> schemesAndProfiles() {
        List<Arguments> all = new ArrayList<>();
        for (Scheme s : List.of(AES256, AES128, RC4)) {
            for (PadesProfile p : PadesProfile.values()) {
                all.add(Arguments.of(s, p));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("schemesAndProfiles")
    void signsWithTheUserPasswordAndKeepsTheEncryption(Scheme scheme, PadesProfile profile) throws Exception {
        Path in = encrypt(scheme, USER, OWNER, List.of());
        Path out = dir.resolve("signed.pdf");
        var result = engine.sign(request(in, out, profile).password(USER.toCharArray()).build());
        assertKeepsEncryption(in, out, scheme, USER);
        assertPasses(out, profile, USER);
        assertOpensInOtherReaders(out, USER);
        // the archive time-stamp's token is in clear (ISO 32000-2 7.6.2), which poppler, MuPDF and pdfium do not read
        assertEquals(profile == PadesProfile.B_LTA, result.warnings().contains(SigningPipeline.ENCRYPTED_DOCUMENT_TIMESTAMP),
                result.warnings().toString());
        if (profile == PadesProfile.B_LTA) {
            assertLastRevisionHoldsATokenInClear(out);
        }
    }

    @Test
    void visibleSignatureOnAnAes256Input() throws Exception {
        Path in = encrypt(AES256, USER, OWNER, List.of());
        Path out = dir.resolve("visible.pdf");
        engine.sign(request(in, out, PadesProfile.B_LT).password(USER.toCharArray())
                .appearance(VisibleAppearance.of(1, 50, 50, 220, 70)).build());
        assertKeepsEncryption(in, out, AES256, USER);
        assertPasses(out, PadesProfile.B_LT, USER);
        assertOpensInOtherReaders(out, USER);
    }

    @Test
    void ownerPasswordGivesTheSameResult() throws Exception {
        Path in = encrypt(AES128, USER, OWNER, List.of("--modify=none", "--annotate=n", "--form=n"));
        Path out = dir.resolve("owner.pdf");
        engine.sign(request(in, out, PadesProfile.B_T).password(OWNER.toCharArray()).build());
        assertKeepsEncryption(in, out, AES128, USER);
        assertPasses(out, PadesProfile.B_T, USER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemes")
    void ownerPasswordOnlyFilesThatAllowSigningNeedNoPassword(Scheme scheme) throws Exception {
        Path in = encrypt(scheme, "", OWNER, List.of("--print=none", "--extract=n"));
        Path out = dir.resolve("owner-only.pdf");
        engine.sign(request(in, out, PadesProfile.B_LTA).build());
        assertKeepsEncryption(in, out, scheme, "");
        ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        assertSignedAt(report, PadesProfile.B_LTA);
        assertOpensInOtherReaders(out, "");
    }

    static Stream<Scheme> schemes() {
        return Stream.of(AES256, AES128, RC4);
    }

    @Test
    void ownerPasswordOnlyFileThatForbidsChangesIsRefused() throws Exception {
        Path in = encrypt(AES256, "", OWNER, List.of("--modify=none", "--annotate=n", "--form=n"));
        Path out = dir.resolve("refused.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> engine.sign(request(in, out, PadesProfile.B_B).build()));
        assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("permissions"), e.getMessage());
        assertTrue(e.hint().contains("owner password"), e.hint());
        assertFalse(Files.exists(out));
    }

    /**
     * Encryption dictionaries that readers decrypt differently, made from consistent qpdf files by changing a few
     * bytes: a crypt filter method that contradicts /V (found by fuzzing: /V 5 with /CFM /AESV2; PDFBox decrypts by
     * its key's length, qpdf by /V, and the engine's revision encrypted by the method came out as noise in DSS, the
     * signature's /M and /T lost), a crypt filter named other than /StdCF (PDFBox only reads /StdCF, qpdf the name),
     * and /StdCF without a method (PDFBox falls back to RC4). Refused before anything is written, with and without
     * the sandbox mark's revision.
     */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("readersDisagree")
    void anEncryptionDictionaryReadersDisagreeOnIsRefused(Scheme scheme, String written, String changed,
                                                          String expected) throws Exception {
        assertEquals(written.length(), changed.length());
        Path consistent = encrypt(scheme, "", OWNER, List.of());
        String text = new String(Files.readAllBytes(consistent), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(written), written + " in " + consistent);
        Path in = dir.resolve("disagreement.pdf");
        Files.write(in, text.replace(written, changed).getBytes(StandardCharsets.ISO_8859_1));
        TestPki pki = TestPki.create();
        PadesSignatureEngine unmarked = CatalogTest.engineFor(pki, pki.goodSigner());
        for (PadesSignatureEngine signing : List.of(engine, unmarked)) { // with the sandbox mark's revision, and without
            Path out = dir.resolve("refused.pdf");
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> signing.sign(request(in, out, PadesProfile.B_B).level(SignatureLevel.SES).build()));
            assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            assertTrue(e.getMessage().contains("PDF readers disagree on how its objects are decrypted"), e.getMessage());
            assertTrue(e.hint().contains("qpdf --decrypt"), e.hint());
            assertFalse(Files.exists(out));
        }
    }

    static Stream<Arguments> readersDisagree() {
        return Stream.of(
                Arguments.of(AES256, "/CFM /AESV3", "/CFM /AESV2", "contradicts itself (/V 5 with /CFM /AESV2 for strings)"),
                Arguments.of(AES128, "/CFM /AESV2", "/CFM /AESV3", "contradicts itself (/V 4 with /CFM /AESV3 for strings)"),
                Arguments.of(AES128, "/StdCF", "/OurCF", "names the crypt filter /OurCF, not the standard /StdCF"),
                Arguments.of(AES256, "/CFM /AESV3", "/CFM /None ", "names the crypt filter /StdCF without a method"),
                Arguments.of(AES128, "/CFM /AESV2", "/CFX /AESV2",
                        "names the crypt filter /StdCF without a method"));
    }

    /**
     * Listing fields opens an owner-password-only file as signing does (with the empty user password); before, it
     * refused every encrypted file, so a caller could not find the field to sign into (DSS's
     * protected_edition_protected_signing_allowed_with_field.pdf). A file with a user password stays ENCRYPTED_PDF.
     */
    @Test
    void fieldsOfAnOwnerPasswordOnlyFileAreListed() throws Exception {
        Path ownerOnly = encrypt(AES128, "", OWNER, List.of());
        Path signed = dir.resolve("owner-only-signed.pdf");
        engine.sign(request(ownerOnly, signed, PadesProfile.B_B).build());
        List<com.certyneo.engine.SignatureFieldInfo> fields = engine.fields(DocumentSource.of(signed));
        assertEquals(1, fields.size(), fields.toString());
        assertTrue(fields.get(0).signed(), fields.toString());

        Path withUser = encrypt(AES256, USER, OWNER, List.of());
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> engine.fields(DocumentSource.of(withUser)));
        assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
    }

    @Test
    void wrongOrMissingPasswordIsEncryptedPdf() throws Exception {
        Path in = encrypt(AES256, USER, OWNER, List.of());
        Path out = dir.resolve("wrong.pdf");
        SignatureEngineException wrong = assertThrows(SignatureEngineException.class,
                () -> engine.sign(request(in, out, PadesProfile.B_B).password("nope".toCharArray()).build()));
        assertEquals(ErrorCode.ENCRYPTED_PDF, wrong.code());
        assertTrue(wrong.getMessage().contains("does not open it"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("nope"), "the password never appears in messages");
        SignatureEngineException missing = assertThrows(SignatureEngineException.class,
                () -> engine.sign(request(in, out, PadesProfile.B_B).build()));
        assertEquals(ErrorCode.ENCRYPTED_PDF, missing.code());
        assertTrue(missing.hint().contains("password"), missing.hint());
        assertFalse(Files.exists(out));

        // validation of a signed encrypted file needs the password too
        engine.sign(request(in, out, PadesProfile.B_B).password(USER.toCharArray()).build());
        SignatureEngineException validation = assertThrows(SignatureEngineException.class,
                () -> engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()));
        assertEquals(ErrorCode.ENCRYPTED_PDF, validation.code(), validation.toString());
    }

    @Test
    void twoSignersInTurnKeepTheEncryption() throws Exception {
        Path in = encrypt(AES256, USER, OWNER, List.of());
        Path first = dir.resolve("first.pdf");
        Path second = dir.resolve("second.pdf");
        engine.sign(request(in, first, PadesProfile.B_T).password(USER.toCharArray()).build());
        engine.sign(request(first, second, PadesProfile.B_LT).password(USER.toCharArray()).build());
        assertKeepsEncryption(in, second, AES256, USER);
        ValidationReport report = engine.validate(DocumentSource.of(second),
                ValidationOptions.sandbox().withPassword(USER.toCharArray()));
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(2, signatures.size(), report.toString());
        signatures.forEach(s -> assertEquals(Indication.TOTAL_PASSED, s.indication(), s.toString()));
    }

    /**
     * Two-step signing lays out the revision twice (prepare, then complete): on an AES owner-password-only file the
     * sandbox mark's revision (written by PDFBox with a generator seeded by the input) and the signature revision
     * (initialisation vectors derived from the content) come out the same both times, so the external value fits.
     */
    @Test
    void twoStepSigningOfAnOwnerOnlyAesFileIsDeterministic() throws Exception {
        Path in = encrypt(AES256, "", OWNER, List.of());
        byte[] pdf = Files.readAllBytes(in);
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        java.security.KeyPair pair = generator.generateKeyPair();
        Signer signer = SharedSandboxTest.jane();
        List<java.security.cert.X509Certificate> chain = OneTimeCertificateAuthority
                .sandbox(engine.sandboxPki().orElseThrow()).issue(signer, pair.getPublic(), java.time.Instant.now());
        com.certyneo.engine.PreparedSignature prepared = engine.prepare(com.certyneo.engine.PrepareRequest.builder()
                .document(DocumentSource.of(pdf, "owner-only.pdf")).signer(signer).profile(PadesProfile.B_LT)
                .certificateChain(chain).build());
        java.security.Signature ecdsa = java.security.Signature.getInstance(prepared.signatureAlgorithm());
        ecdsa.initSign(pair.getPrivate());
        ecdsa.update(prepared.dataToSign());
        Path out = dir.resolve("two-step.pdf");
        engine.complete(prepared.state(), ecdsa.sign(), DocumentSource.of(pdf, "owner-only.pdf"), DocumentTarget.of(out));
        assertKeepsEncryption(in, out, AES256, "");
        assertSignedAt(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()), PadesProfile.B_LT);
    }

    static Stream<Scheme> aesAndRc4() {
        return Stream.of(AES256, RC4);
    }

    /** Two-step signing with the user password: given at prepare and again at complete (the state never holds it). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("aesAndRc4")
    void twoStepSigningWithTheUserPassword(Scheme scheme) throws Exception {
        Path in = encrypt(scheme, USER, OWNER, List.of());
        byte[] pdf = Files.readAllBytes(in);
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        java.security.KeyPair pair = generator.generateKeyPair();
        Signer signer = SharedSandboxTest.jane();
        List<java.security.cert.X509Certificate> chain = OneTimeCertificateAuthority
                .sandbox(engine.sandboxPki().orElseThrow()).issue(signer, pair.getPublic(), java.time.Instant.now());
        com.certyneo.engine.PrepareRequest.Builder request = com.certyneo.engine.PrepareRequest.builder()
                .document(DocumentSource.of(pdf, "encrypted.pdf")).signer(signer).profile(PadesProfile.B_LT)
                .certificateChain(chain);

        SignatureEngineException wrong = assertThrows(SignatureEngineException.class,
                () -> engine.prepare(request.password("nope".toCharArray()).build()));
        assertEquals(ErrorCode.ENCRYPTED_PDF, wrong.code(), wrong.toString());
        SignatureEngineException missing = assertThrows(SignatureEngineException.class,
                () -> engine.prepare(request.password(null).build()));
        assertEquals(ErrorCode.ENCRYPTED_PDF, missing.code(), missing.toString());

        com.certyneo.engine.PreparedSignature prepared = engine.prepare(request.password(USER.toCharArray()).build());
        assertFalse(new String(prepared.state(), StandardCharsets.ISO_8859_1).contains(USER), "the state holds no password");
        java.security.Signature ecdsa = java.security.Signature.getInstance(prepared.signatureAlgorithm());
        ecdsa.initSign(pair.getPrivate());
        ecdsa.update(prepared.dataToSign());
        byte[] value = ecdsa.sign();
        Path out = dir.resolve("two-step.pdf");
        SignatureEngineException noPassword = assertThrows(SignatureEngineException.class, () -> engine.complete(
                prepared.state(), value, DocumentSource.of(pdf, "encrypted.pdf"), DocumentTarget.of(out)));
        assertEquals(ErrorCode.ENCRYPTED_PDF, noPassword.code(), noPassword.toString());
        assertFalse(Files.exists(out));
        engine.complete(prepared.state(), value, DocumentSource.of(pdf, "encrypted.pdf"), DocumentTarget.of(out),
                DocumentPassword.of(USER.toCharArray()));
        assertEncryptedSignedOutput(in, out, scheme, PadesProfile.B_LT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aesAndRc4")
    void extendWithTheUserPassword(Scheme scheme) throws Exception {
        Path in = encrypt(scheme, USER, OWNER, List.of());
        Path signed = dir.resolve("b-t.pdf");
        engine.sign(request(in, signed, PadesProfile.B_T).password(USER.toCharArray()).build());
        Path out = dir.resolve("extended.pdf");
        DocumentResult[] result = new DocumentResult[1];
        onlyWithThePassword(out, password -> result[0] = engine.extend(DocumentSource.of(signed), DocumentTarget.of(out),
                PadesProfile.B_LTA, password));
        assertEncryptedSignedOutput(in, out, scheme, PadesProfile.B_LTA);
        assertEquals(List.of(SigningPipeline.ENCRYPTED_DOCUMENT_TIMESTAMP), result[0].warnings());
        assertLastRevisionHoldsATokenInClear(out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aesAndRc4")
    void documentTimestampWithTheUserPassword(Scheme scheme) throws Exception {
        Path in = encrypt(scheme, USER, OWNER, List.of());
        Path out = dir.resolve("stamped.pdf");
        DocumentResult[] result = new DocumentResult[1];
        onlyWithThePassword(out, password -> result[0] = engine.timestamp(DocumentSource.of(in), DocumentTarget.of(out), password));
        assertEquals(List.of(SigningPipeline.ENCRYPTED_DOCUMENT_TIMESTAMP), result[0].warnings());
        assertLastRevisionHoldsATokenInClear(out);
        assertKeepsEncryption(in, out, scheme, USER);
        ValidationReport report = engine.validate(DocumentSource.of(out),
                ValidationOptions.sandbox().withPassword(USER.toCharArray()));
        assertEquals(1, report.signatures().size(), report.toString());
        SignatureValidation stamp = report.signatures().get(0);
        assertTrue(stamp.documentTimestamp(), stamp.toString());
        assertEquals(Indication.TOTAL_PASSED, stamp.indication(), stamp.toString());
        assertTrue(stamp.modifications().isEmpty(), stamp.toString());
        assertOpensInOtherReaders(out, USER, false);
    }

    /** A batch of encrypted documents (signAll prepares and completes each on the two-step pipeline). */
    @Test
    void aBatchOfEncryptedDocuments() throws Exception {
        Path aes = encrypt(AES256, USER, OWNER, List.of());
        Path rc4 = encrypt(RC4, USER, OWNER, List.of());
        Path outAes = dir.resolve("batch-aes.pdf");
        Path outRc4 = dir.resolve("batch-rc4.pdf");
        SignatureEngineException wrong = assertThrows(SignatureEngineException.class, () -> engine.signAll(List.of(
                request(aes, outAes, PadesProfile.B_LT).password(USER.toCharArray()).build(),
                request(rc4, outRc4, PadesProfile.B_LT).password("nope".toCharArray()).build())));
        assertEquals(ErrorCode.ENCRYPTED_PDF, wrong.code(), wrong.toString());
        assertFalse(Files.exists(outAes) || Files.exists(outRc4), "nothing of the batch is written");
        engine.signAll(List.of(request(aes, outAes, PadesProfile.B_LT).password(USER.toCharArray()).build(),
                request(rc4, outRc4, PadesProfile.B_LT).password(USER.toCharArray()).build()));
        assertKeepsEncryption(aes, outAes, AES256, USER);
        assertKeepsEncryption(rc4, outRc4, RC4, USER);
        for (Path out : List.of(outAes, outRc4)) {
            assertPasses(out, PadesProfile.B_LT, USER);
            assertOpensInOtherReaders(out, USER);
        }
    }

    /** Runs {@code operation} with a wrong, a missing ({@link #assertRefusedWithoutThePassword}) and the user password. */
    private static void onlyWithThePassword(Path out, java.util.function.Consumer<DocumentPassword> operation) {
        assertRefusedWithoutThePassword(out, operation);
        operation.accept(DocumentPassword.of(USER.toCharArray()));
    }

    /**
     * The last revision of {@code out} is a document time-stamp whose /Contents, read from the bytes as written (not
     * through a PDF library's decryption), is a time-stamp token over its /ByteRange: in clear, as ISO 32000-2 §7.6.2
     * requires for the /Contents of every signature dictionary, /Type /DocTimeStamp included.
     */
    private static void assertLastRevisionHoldsATokenInClear(Path out) throws Exception {
        byte[] pdf = Files.readAllBytes(out);
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        int type = text.lastIndexOf("/Type /DocTimeStamp");
        assertTrue(type > 0 && type > text.lastIndexOf("/Type /Sig"), "the last signature dictionary is a document time-stamp");
        long[] range = OutputSelfCheckTest.lastByteRange(pdf); // the last revision's: the time-stamp's
        int a = (int) range[0];
        int b = (int) range[1];
        int c = (int) range[2];
        int d = (int) range[3];
        assertEquals(pdf.length, c + d, "the time-stamp covers the whole file");
        String hex = text.substring(a + b + 1, c - 1); // between < and >
        byte[] contents = HexFormat.of().parseHex(hex); // the token, then the placeholder's zeros (DER reads past them)
        org.bouncycastle.tsp.TimeStampToken token =
                new org.bouncycastle.tsp.TimeStampToken(new org.bouncycastle.cms.CMSSignedData(contents));
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        sha256.update(pdf, a, b);
        sha256.update(pdf, c, d);
        assertArrayEquals(sha256.digest(), token.getTimeStampInfo().getMessageImprintDigest());
    }

    /** The output keeps the input's encryption, passes at {@code profile} and opens in the other readers. */
    private void assertEncryptedSignedOutput(Path in, Path out, Scheme scheme, PadesProfile profile) throws Exception {
        assertKeepsEncryption(in, out, scheme, USER);
        assertPasses(out, profile, USER);
        assertOpensInOtherReaders(out, USER);
    }

    /** A wrong and a missing password are ENCRYPTED_PDF, naming neither password; nothing is written. */
    private static void assertRefusedWithoutThePassword(Path out, java.util.function.Consumer<DocumentPassword> operation) {
        for (String given : Arrays.asList("nope", null)) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> operation.accept(given == null ? null : DocumentPassword.of(given.toCharArray())));
            assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
            assertTrue(e.getMessage().contains(given == null ? "no password" : "does not open it"), e.getMessage());
            assertFalse(e.getMessage().contains(USER) || e.getMessage().contains("nope"), e.getMessage());
            assertFalse(Files.exists(out));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static SignRequest.Builder request(Path in, Path out, PadesProfile profile) {
        return SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(SharedSandboxTest.jane()).profile(profile);
    }

    private Path encrypt(Scheme scheme, String user, String owner, List<String> restrictions) throws Exception {
        Path out = dir.resolve("encrypted-" + scheme.name() + (user.isEmpty() ? "-owner-only" : "") + ".pdf");
        List<String> command = new ArrayList<>(List.of("qpdf"));
        if (scheme == RC4) {
            command.add("--allow-weak-crypto"); // qpdf 11 writes RC4 only when told that it is weak
        }
        command.addAll(List.of("--encrypt", user, owner));
        command.addAll(scheme.qpdf().subList(0, 1));
        command.addAll(restrictions);
        command.addAll(scheme.qpdf().subList(1, scheme.qpdf().size()));
        command.addAll(List.of("--", source.toString(), out.toString()));
        run(command);
        return out;
    }

    /** The output's trailer refers to the input's /Encrypt dictionary, unchanged; the /Contents is the CMS in clear. */
    private static void assertKeepsEncryption(Path in, Path out, Scheme scheme, String password) throws IOException {
        byte[] input = Files.readAllBytes(in);
        byte[] output = Files.readAllBytes(out);
        assertArrayEquals(input, Arrays.copyOf(output, input.length), "the input is a prefix of the output");
        try (PDDocument before = Loader.loadPDF(input, password); PDDocument after = Loader.loadPDF(output, password)) {
            assertTrue(after.isEncrypted());
            COSBase ref = after.getDocument().getTrailer().getItem(COSName.ENCRYPT);
            COSBase original = before.getDocument().getTrailer().getItem(COSName.ENCRYPT);
            assertTrue(ref instanceof COSObject && original instanceof COSObject, "/Encrypt is an indirect reference");
            assertEquals(((COSObject) original).getKey(), ((COSObject) ref).getKey(), "the same /Encrypt object");
            COSDictionary encrypt = after.getEncryption().getCOSObject();
            assertEquals("Standard", encrypt.getNameAsString(COSName.FILTER));
            assertEquals(scheme.v(), encrypt.getInt(COSName.V));
            assertEquals(scheme.r(), encrypt.getInt(COSName.R));
            assertArrayEquals(before.getEncryption().getUserKey(), after.getEncryption().getUserKey());
            assertArrayEquals(before.getEncryption().getOwnerKey(), after.getEncryption().getOwnerKey());
            assertEquals(before.getEncryption().getPermissions(), after.getEncryption().getPermissions());
            // only one /Encrypt object in the file: the revision did not write another one
            long key = ((COSObject) ref).getKey().getNumber();
            String text = new String(output, StandardCharsets.ISO_8859_1);
            assertEquals(text.indexOf("\n" + key + " 0 obj"), text.lastIndexOf("\n" + key + " 0 obj"));
            List<PDSignature> signatures = after.getSignatureDictionaries();
            assertFalse(signatures.isEmpty());
            for (PDSignature signature : signatures) {
                byte[] cms = signature.getContents();
                assertEquals(0x30, cms[0] & 0xff, "the CMS is a DER SEQUENCE: /Contents is not encrypted");
                String hex = HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(cms, 32));
                assertTrue(text.toUpperCase(java.util.Locale.ROOT).contains(hex), "the CMS appears in clear in the file");
                int[] range = signature.getByteRange();
                assertEquals(0, range[0]);
                assertTrue(range[2] + range[3] <= output.length, "the byte range lies in the file");
                assertEquals('<', output[range[1]], "the gap is exactly the /Contents hex string");
                assertEquals('>', output[range[2] - 1]);
            }
        }
    }

    private void assertPasses(Path out, PadesProfile profile, String password) {
        ValidationReport report = engine.validate(DocumentSource.of(out),
                ValidationOptions.sandbox().withPassword(password.toCharArray()));
        assertSignedAt(report, profile);
    }

    private static void assertSignedAt(ValidationReport report, PadesProfile profile) {
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size(), report.toString());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(Optional.of(profile), v.profile(), v.toString());
        assertTrue(v.modifications().isEmpty(), v.toString());
    }

    private static void assertOpensInOtherReaders(Path out, String password) throws Exception {
        assertOpensInOtherReaders(out, password, true);
    }

    /** @param signed whether pdfsig must find a valid signature (it does not check document time-stamps) */
    private static void assertOpensInOtherReaders(Path out, String password, boolean signed) throws Exception {
        String check = run(List.of("qpdf", "--check", "--password=" + password, out.toString()));
        assertTrue(check.contains("No syntax or stream encoding errors"), check);
        if (ExternalValidators.require("pdftotext")) {
            String text = run(List.of("pdftotext", "-upw", password, out.toString(), "-"));
            assertFalse(text.isBlank(), "pdftotext extracts the text");
        }
        if (signed && ExternalValidators.require("pdfsig")) {
            String sig = run(List.of("pdfsig", "-nocert", "-upw", password, out.toString()));
            assertTrue(ExternalValidators.validSignatureCount(sig) >= 1, sig);
        }
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " timed out");
        assertEquals(0, process.exitValue(), command + ":\n" + output);
        return output;
    }
}
