package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.SamplePdfs;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.util.CollectionStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine checks its own output before writing it (issue 10): every output the sandbox produces
 * passes the check, outputs broken in specific ways fail it with the check named, and a failure during
 * a real operation writes nothing.
 */
class OutputSelfCheckTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine engine;
    static SandboxPki pki;
    static List<X509Certificate> anchors;
    static final byte[] INPUT = SamplePdfs.minimal();

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        pki = engine.sandboxPki().orElseThrow();
        anchors = List.of(pki.rootCertificate());
    }

    static Signer jane() {
        return Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    static X509Certificate seal() {
        return pki.seal().chain().get(0);
    }

    /** Signs {@link #INPUT} in memory; the engine has already run the self-check on what it returns. */
    static byte[] sign(PadesSignatureEngine engine, SignatureLevel level, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(INPUT, "in.pdf")).output(DocumentTarget.of(out))
                .signer(jane()).level(level).profile(profile).build());
        return out.toByteArray();
    }

    /** Runs the check on the bytes and on a file holding them (the streaming path); both must agree. */
    static void check(OutputSelfCheck check, byte[] pdf, long inputLength) throws Exception {
        check.verify(pdf, inputLength, "out.pdf");
        Path file = Files.createTempFile(dir, "checked-", ".pdf");
        Files.write(file, pdf);
        check.verify(file, inputLength, "out.pdf");
    }

    /** The check fails, on bytes and on a file, as SIGNING_FAILED naming {@code checkName}. */
    static SignatureEngineException assertFails(String checkName, OutputSelfCheck check, byte[] pdf, long inputLength)
            throws Exception {
        SignatureEngineException inMemory = assertThrows(SignatureEngineException.class,
                () -> check.verify(pdf, inputLength, "out.pdf"));
        Path file = Files.createTempFile(dir, "broken-", ".pdf");
        Files.write(file, pdf);
        SignatureEngineException onDisk = assertThrows(SignatureEngineException.class,
                () -> check.verify(file, inputLength, "out.pdf"));
        for (SignatureEngineException e : List.of(inMemory, onDisk)) {
            assertEquals(ErrorCode.SIGNING_FAILED, e.code(), e.toString());
            assertTrue(e.getMessage().startsWith("Self-check of the output for 'out.pdf' failed (" + checkName + "): "),
                    e.getMessage());
            assertFalse(e.hint().isBlank());
        }
        assertEquals(inMemory.getMessage(), onDisk.getMessage());
        return inMemory;
    }

    static Stream<Arguments> levelsAndProfiles() {
        return Stream.of(SignatureLevel.SES, SignatureLevel.AES)
                .flatMap(level -> Stream.of(PadesProfile.values()).map(p -> Arguments.of(level, p)));
    }

    // ----- what the sandbox produces passes --------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("levelsAndProfiles")
    void everySandboxLevelAndProfilePasses(SignatureLevel level, PadesProfile profile) throws Exception {
        Path out = dir.resolve("signed-" + level + "-" + profile + ".pdf");
        SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(INPUT, "in.pdf"))
                .output(DocumentTarget.of(out)).signer(jane()).level(level).profile(profile).build());
        check(OutputSelfCheck.signature(profile, result.signingCertificate(), anchors), Files.readAllBytes(out), INPUT.length);
    }

    @ParameterizedTest
    @EnumSource(PadesProfile.class)
    void twoStepCompletionPasses(PadesProfile profile) throws Exception {
        KeyPair pair = X509Builder.newEcKeyPair();
        List<X509Certificate> chain = OneTimeCertificateAuthority.sandbox(pki).issue(jane(), pair.getPublic(), Instant.now());
        PreparedSignature prepared = engine.prepare(PrepareRequest.builder().document(DocumentSource.of(INPUT, "in.pdf"))
                .signer(jane()).profile(profile).certificateChain(chain).build());
        Signature signature = Signature.getInstance(prepared.signatureAlgorithm());
        signature.initSign(pair.getPrivate());
        signature.update(prepared.dataToSign());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.complete(prepared.state(), signature.sign(), DocumentSource.of(INPUT, "in.pdf"), DocumentTarget.of(out));
        check(OutputSelfCheck.signature(profile, chain.get(0), anchors), out.toByteArray(), INPUT.length);
    }

    @Test
    void extensionsAndDocumentTimestampsPass() throws Exception {
        byte[] bb = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        for (PadesProfile profile : List.of(PadesProfile.B_T, PadesProfile.B_LT, PadesProfile.B_LTA)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine.extend(DocumentSource.of(bb, "bb.pdf"), DocumentTarget.of(out), profile);
            check(OutputSelfCheck.extension(profile, anchors), out.toByteArray(), bb.length);
        }
        byte[] lta = sign(engine, SignatureLevel.AES, PadesProfile.B_LTA);
        ByteArrayOutputStream renewed = new ByteArrayOutputStream();
        engine.extend(DocumentSource.of(lta, "lta.pdf"), DocumentTarget.of(renewed), PadesProfile.B_LTA);
        check(OutputSelfCheck.extension(PadesProfile.B_LTA, anchors), renewed.toByteArray(), lta.length);

        ByteArrayOutputStream stamped = new ByteArrayOutputStream();
        engine.timestamp(DocumentSource.of(INPUT, "in.pdf"), DocumentTarget.of(stamped));
        check(OutputSelfCheck.documentTimestamp(), stamped.toByteArray(), INPUT.length);
    }

    @Test
    void coSignaturesPass() throws Exception {
        byte[] first = sign(engine, SignatureLevel.SES, PadesProfile.B_LT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult second = engine.sign(SignRequest.builder().document(DocumentSource.of(first, "first.pdf"))
                .output(DocumentTarget.of(out)).signer(jane()).level(SignatureLevel.AES).profile(PadesProfile.B_LTA).build());
        check(OutputSelfCheck.signature(PadesProfile.B_LTA, second.signingCertificate(), anchors), out.toByteArray(),
                first.length);
        // The first signature is not what the second operation added: it must not be taken for it.
        assertFails("new signature", OutputSelfCheck.signature(PadesProfile.B_LT, seal(), anchors), first, first.length - 1);
    }

    @Test
    void theLargeFilePathChecksFromDisk() throws Exception {
        PadesSignatureEngine large = PadesSignatureEngine.builder().sandbox(dir.resolve("home")).largeDocumentThreshold(0).build();
        Path in = dir.resolve("large-in.pdf");
        Files.write(in, SamplePdfs.multiPage(3));
        Path out = dir.resolve("large-lta.pdf");
        SigningResult result = large.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(jane()).level(SignatureLevel.AES).profile(PadesProfile.B_LTA).build());
        check(OutputSelfCheck.signature(PadesProfile.B_LTA, result.signingCertificate(), anchors), Files.readAllBytes(out),
                Files.size(in));
        Path extended = dir.resolve("large-extended.pdf");
        large.extend(DocumentSource.of(out), DocumentTarget.of(extended), PadesProfile.B_LTA);
        Path stamped = dir.resolve("large-stamped.pdf");
        large.timestamp(DocumentSource.of(extended), DocumentTarget.of(stamped));
        check(OutputSelfCheck.documentTimestamp(), Files.readAllBytes(stamped), Files.size(extended));
    }

    // ----- broken outputs fail, naming the check ----------------------------------------------------

    @Test
    void aByteChangedInsideTheSignedRangeFailsTheMessageDigest() throws Exception {
        byte[] signed = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        byte[] flipped = signed.clone();
        assertEquals('%', flipped[9], "the binary comment of the header: changing it keeps the PDF readable");
        flipped[10] ^= 1;
        SignatureEngineException e = assertFails("message digest", OutputSelfCheck.signature(PadesProfile.B_B, seal(),
                anchors), flipped, INPUT.length);
        assertTrue(e.getMessage().contains("is not the digest of its /ByteRange"), e.getMessage());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.timestamp(DocumentSource.of(INPUT, "in.pdf"), DocumentTarget.of(out));
        byte[] stamped = out.toByteArray();
        stamped[10] ^= 1;
        e = assertFails("document time-stamp", OutputSelfCheck.documentTimestamp(), stamped, INPUT.length);
        assertTrue(e.getMessage().contains("message imprint"), e.getMessage());
    }

    /**
     * The variant that also fingerprints: the SHA-256 of the output and of the prefixes asked for are those of the
     * bytes (taken from the check's own pass), for a signature, a B-LTA signature (several ranges) and a document
     * time-stamp; an output that does not begin with its input byte for byte fails, even when every byte range
     * still verifies.
     */
    @Test
    void theFingerprintsAreThoseOfTheBytesAndTheOutputMustBeginWithItsInput() throws Exception {
        for (PadesProfile profile : List.of(PadesProfile.B_B, PadesProfile.B_LTA)) {
            byte[] signed = sign(engine, SignatureLevel.SES, profile);
            OutputSelfCheck.Fingerprints f = OutputSelfCheck.signature(profile, seal(), anchors)
                    .verify(signed, INPUT, "in.pdf", 100, INPUT.length);
            assertEquals(Digests.sha256Hex(signed), f.output(), profile.toString());
            assertEquals(Digests.sha256Hex(INPUT), f.prefix(INPUT.length));
            assertEquals(Digests.sha256Hex(java.util.Arrays.copyOf(INPUT, 100)), f.prefix(100));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.timestamp(DocumentSource.of(INPUT, "in.pdf"), DocumentTarget.of(out));
        byte[] stamped = out.toByteArray();
        OutputSelfCheck.Fingerprints f = OutputSelfCheck.documentTimestamp().verify(stamped, INPUT, "in.pdf", INPUT.length);
        assertEquals(Digests.sha256Hex(stamped), f.output());
        assertEquals(Digests.sha256Hex(INPUT), f.prefix(INPUT.length));

        // The engine reports those fingerprints: production (nothing prepared) and sandbox (a mark revision)
        ProductionFixture production = ProductionFixture.create();
        for (PadesSignatureEngine signer : List.of(production.engine(), engine)) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            com.certyneo.engine.SigningResult result = signer.sign(SignRequest.builder()
                    .document(DocumentSource.of(INPUT, "in.pdf")).output(DocumentTarget.of(o))
                    .signer(jane()).level(SignatureLevel.SES).profile(PadesProfile.B_T).build());
            assertEquals(Digests.sha256Hex(INPUT), result.inputSha256());
            assertEquals(Digests.sha256Hex(o.toByteArray()), result.outputSha256());
            assertEquals(signer == engine, !result.inputSha256().equals(result.preparedSha256()), "prepared = marked");
        }

        // An input that differs from the output's first bytes where no byte range looks (the output is intact)
        byte[] signed = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        byte[] otherInput = INPUT.clone();
        otherInput[10] ^= 1;
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> OutputSelfCheck
                .signature(PadesProfile.B_B, seal(), anchors).verify(signed, otherInput, "in.pdf", otherInput.length));
        assertEquals(ErrorCode.SIGNING_FAILED, e.code());
        assertTrue(e.getMessage().contains("does not begin with its input: byte 10 differs"), e.getMessage());
    }

    @Test
    void aCmsWithoutCertificatesFails() throws Exception {
        byte[] signed = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        long[] range = lastByteRange(signed);
        int a = (int) range[1];
        int b = (int) range[2];
        String hex = new String(signed, a + 1, b - a - 2, StandardCharsets.ISO_8859_1);
        CMSSignedData cms = new CMSSignedData(HexFormat.of().parseHex(hex));
        assertFalse(cms.getCertificates().getMatches(null).isEmpty());
        CMSSignedData bare = CMSSignedData.replaceCertificatesAndCRLs(cms, new CollectionStore<>(List.of()), null, null);
        assertTrue(bare.getCertificates().getMatches(null).isEmpty());
        String bareHex = HexFormat.of().formatHex(bare.getEncoded());
        byte[] broken = signed.clone();
        byte[] padded = (bareHex + "0".repeat(hex.length() - bareHex.length())).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(padded, 0, broken, a + 1, padded.length);
        SignatureEngineException e = assertFails("signing certificate", OutputSelfCheck.signature(PadesProfile.B_B, seal(),
                anchors), broken, INPUT.length);
        assertTrue(e.getMessage().contains("carries 0 certificate(s)"), e.getMessage());
    }

    /**
     * The signing step verified the value already ({@link SignatureValues.Verified}): the self-check takes that for
     * exactly those bytes and verifies anything else in full. A value changed in the output fails although a value
     * was verified before, and a memo of other signed attributes does not stand in for the output's.
     */
    @Test
    void aValueVerifiedWhileSigningCountsOnlyForExactlyThoseBytes() throws Exception {
        byte[] signed = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        long[] range = lastByteRange(signed);
        int a = (int) range[1];
        String hex = new String(signed, a + 1, (int) range[2] - a - 2, StandardCharsets.ISO_8859_1);
        var signer = new CMSSignedData(HexFormat.of().parseHex(hex)).getSignerInfos().getSigners().iterator().next();
        byte[] value = signer.getSignature();
        byte[] attributes = signer.getEncodedSignedAttributes();
        OutputSelfCheck plain = OutputSelfCheck.signature(PadesProfile.B_B, seal(), anchors);
        OutputSelfCheck knowing = plain.knowing(java.util.Optional.of(new SignatureValues.Verified(seal(), attributes, value)));
        check(knowing, signed, INPUT.length);

        // The last byte of s changed (the DER stays well-formed): the memo of the original value does not cover it.
        String valueHex = HexFormat.of().formatHex(value);
        int at = hex.toLowerCase(java.util.Locale.ROOT).indexOf(valueHex);
        assertTrue(at > 0, "the signature value is in /Contents");
        int last = a + 1 + at + valueHex.length() - 1;
        byte[] broken = signed.clone();
        broken[last] = (byte) (broken[last] == '0' ? '1' : '0');
        assertFails("signature value", knowing, broken, INPUT.length);
        assertFails("signature value", plain, broken, INPUT.length);

        // A memo of other signed attributes (one byte differs) is not taken either: the output is verified, and passes.
        byte[] otherAttributes = attributes.clone();
        otherAttributes[otherAttributes.length - 1] ^= 1;
        check(plain.knowing(java.util.Optional.of(new SignatureValues.Verified(seal(), otherAttributes, value))), signed,
                INPUT.length);
        SignatureValues.Verified memo = new SignatureValues.Verified(seal(), otherAttributes, value);
        assertFalse(memo.covers(seal().getEncoded(), attributes, value));
        assertTrue(new SignatureValues.Verified(seal(), attributes, value).covers(seal().getEncoded(), attributes, value));
        assertFalse(new SignatureValues.Verified(pki.tsa().chain().get(0), attributes, value)
                .covers(seal().getEncoded(), attributes, value));
    }

    /**
     * The SHA-256 states of the output's first bytes that the signing pass took ({@link PrefixDigests}) stand for those
     * bytes: with the true state the check passes and gives the right fingerprints without hashing the prefix again;
     * with the state of other bytes of the same length it fails the byte-range digest, in memory and on disk, and the
     * document time-stamp of a B-LTA output likewise.
     */
    @Test
    void aKnownPrefixStandsForExactlyTheBytesItWasTakenFrom() throws Exception {
        for (PadesProfile profile : List.of(PadesProfile.B_T, PadesProfile.B_LTA)) {
            byte[] signed = sign(engine, SignatureLevel.SES, profile);
            int n = INPUT.length;
            assertArrayEquals(INPUT, Arrays.copyOf(signed, n));
            OutputSelfCheck plain = OutputSelfCheck.signature(profile, seal(), anchors);
            OutputSelfCheck knowing = plain.knowing(java.util.Optional.empty(), prefixOf(signed, n));
            check(knowing, signed, n);
            Path file = Files.write(Files.createTempFile(dir, "known-", ".pdf"), signed);
            for (OutputSelfCheck.Fingerprints f : List.of(knowing.verify(file, n, "out.pdf", n),
                    knowing.verify(signed, INPUT, "out.pdf", n), plain.verify(file, n, "out.pdf", n))) {
                assertEquals(Digests.sha256Hex(INPUT), f.prefix(n));
                assertEquals(Digests.sha256Hex(signed), f.output());
            }

            byte[] other = signed.clone();
            other[n / 2] ^= 1; // the same length, one bit apart: its state is not the output's
            OutputSelfCheck lied = plain.knowing(java.util.Optional.empty(), prefixOf(other, n));
            SignatureEngineException e = assertFails("message digest", lied, signed, n);
            assertTrue(e.getMessage().contains("is not the digest of"), e.getMessage());
        }
    }

    /** The state of a SHA-256 fed {@code bytes[0, n)}, as the signing pass takes it. */
    private static PrefixDigests prefixOf(byte[] bytes, int n) {
        java.security.MessageDigest digest = Digests.sha256();
        PrefixDigests.Taking taking = new PrefixDigests.Taking(digest);
        digest.update(bytes, 0, n);
        taking.take(n);
        return taking.result();
    }

    @Test
    void aWrongByteRangeFails() throws Exception {
        byte[] signed = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        OutputSelfCheck check = OutputSelfCheck.signature(PadesProfile.B_B, seal(), anchors);
        long[] range = lastByteRange(signed);
        // The signed range stops one byte short of the end of the file.
        SignatureEngineException e = assertFails("byte range", check, withByteRange(signed, range[1], range[2], range[3] - 1),
                INPUT.length);
        assertTrue(e.getMessage().contains("must end the file"), e.getMessage());
        // The gap is shifted by one byte: it no longer holds <hex>.
        e = assertFails("byte range", check, withByteRange(signed, range[1] + 1, range[2], range[3]), INPUT.length);
        assertTrue(e.getMessage().contains("not a hexadecimal string"), e.getMessage());
        // a > b.
        e = assertFails("byte range", check, withByteRange(signed, range[2], range[1], range[3]), INPUT.length);
        assertTrue(e.getMessage().contains("does not have 0 < a < b"), e.getMessage());
    }

    @Test
    void aProfileClaimTheOutputDoesNotHaveFails() throws Exception {
        X509Certificate seal = seal();
        byte[] bb = sign(engine, SignatureLevel.SES, PadesProfile.B_B);
        assertFails("signature time-stamp", OutputSelfCheck.signature(PadesProfile.B_T, seal, anchors), bb, INPUT.length);
        byte[] bt = sign(engine, SignatureLevel.SES, PadesProfile.B_T);
        assertFails("DSS", OutputSelfCheck.signature(PadesProfile.B_LT, seal, anchors), bt, INPUT.length);
        byte[] blt = sign(engine, SignatureLevel.SES, PadesProfile.B_LT);
        SignatureEngineException e = assertFails("document time-stamp",
                OutputSelfCheck.signature(PadesProfile.B_LTA, seal, anchors), blt, INPUT.length);
        assertTrue(e.getMessage().contains("profile B-LTA needs a new document time-stamp"), e.getMessage());
        assertFails("byte range", OutputSelfCheck.signature(PadesProfile.B_B, seal, anchors), blt, INPUT.length);
        long[] signatureRange = lastByteRange(blt);
        assertFails("document time-stamp", OutputSelfCheck.extension(PadesProfile.B_LTA, anchors), blt,
                signatureRange[2] + signatureRange[3]);
        assertFails("new signature", OutputSelfCheck.documentTimestamp(), bb, INPUT.length);
        assertFails("new revision", OutputSelfCheck.signature(PadesProfile.B_B, seal, anchors), INPUT, INPUT.length);
        e = assertFails("signing certificate", OutputSelfCheck.signature(PadesProfile.B_B, pki.tsa().chain().get(0), anchors),
                bb, INPUT.length);
        assertTrue(e.getMessage().contains("instead of the requested CN=Certyneo SANDBOX TSA"), e.getMessage());
    }

    // ----- a failure during a real operation writes nothing -----------------------------------------

    /**
     * A seal key whose private key is not the one of its certificate (a key store or PKCS#11 slot mix-up):
     * the engine's pipeline checks the value against the certificate before embedding it
     * (INVALID_SIGNATURE_VALUE); on the DSS path that remains for large files, nothing before the self-check
     * notices it (DSS embeds whatever value the key returns). Either way nothing is written.
     */
    static PadesSignatureEngine mismatchedSealEngine(long largeDocumentThreshold) {
        SigningKey wrong = SigningKey.of(X509Builder.newEcKeyPair().getPrivate(), pki.seal().chain());
        return PadesSignatureEngine.builder().sandbox(dir.resolve("home")).sealKey(wrong)
                .largeDocumentThreshold(largeDocumentThreshold).build();
    }

    @Test
    void aKeyThatIsNotTheCertificatesWritesNothing() throws Exception {
        PadesProfile profile = PadesProfile.B_B; // from B-T on, DSS's augmentation already refuses such a signature
        PadesSignatureEngine broken = mismatchedSealEngine(Long.MAX_VALUE);
        Path outDir = Files.createDirectories(dir.resolve("no-output-" + profile));
        Path out = outDir.resolve("signed.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> broken.sign(SignRequest.builder()
                .document(DocumentSource.of(INPUT, "in.pdf")).output(DocumentTarget.of(out)).signer(jane())
                .level(SignatureLevel.SES).profile(profile).build()));
        assertEquals(ErrorCode.INVALID_SIGNATURE_VALUE, e.code(), e.toString());
        assertTrue(e.getMessage().contains("does not verify with the certificate's public key"), e.getMessage());
        assertTrue(e.getMessage().contains("Certyneo SANDBOX Platform Seal"), e.getMessage());
        assertEquals(List.of(), list(outDir), "no output, no partial file");

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        assertThrows(SignatureEngineException.class, () -> broken.sign(SignRequest.builder()
                .document(DocumentSource.of(INPUT, "in.pdf")).output(DocumentTarget.of(stream)).signer(jane())
                .level(SignatureLevel.SES).profile(profile).build()));
        assertEquals(0, stream.size(), "nothing reaches a stream target either");
    }

    @Test
    void theLargeFilePathWritesNothingEither() throws Exception {
        PadesSignatureEngine broken = mismatchedSealEngine(0);
        Path outDir = Files.createDirectories(dir.resolve("no-large-output"));
        Path in = dir.resolve("large-broken-in.pdf");
        byte[] input = SamplePdfs.multiPage(2);
        Files.write(in, input);
        Path out = outDir.resolve("signed.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> broken.sign(SignRequest.builder()
                .document(DocumentSource.of(in)).output(DocumentTarget.of(out)).signer(jane())
                .level(SignatureLevel.SES).profile(PadesProfile.B_B).build()));
        assertEquals(ErrorCode.INVALID_SIGNATURE_VALUE, e.code(), e.toString());
        assertTrue(e.getMessage().contains("does not verify with the certificate's public key"), e.getMessage());
        assertEquals(List.of(), list(outDir), "no output, no partial file, no work directory (it is next to the output)");
        assertArrayEquals(input, Files.readAllBytes(in), "the input is untouched");
    }

    // ----- helpers ----------------------------------------------------------------------------------

    static List<Path> list(Path directory) throws Exception {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        }
    }

    private static final Pattern BYTE_RANGE = Pattern.compile("/ByteRange ?\\[\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*\\]");

    static long[] lastByteRange(byte[] pdf) {
        Matcher m = BYTE_RANGE.matcher(new String(pdf, StandardCharsets.ISO_8859_1));
        long[] last = null;
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4))};
        }
        return last;
    }

    /** Rewrites the last /ByteRange in place, keeping the file's length and every offset. */
    static byte[] withByteRange(byte[] pdf, long a, long b, long c) {
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        Matcher m = BYTE_RANGE.matcher(text);
        int start = -1;
        int end = -1;
        while (m.find()) {
            start = m.start();
            end = m.end();
        }
        String replacement = "/ByteRange [0 " + a + " " + b + " " + c + "]";
        int width = end - start;
        assertTrue(replacement.length() <= width, replacement);
        replacement = replacement.substring(0, replacement.length() - 1) + " ".repeat(width - replacement.length()) + "]";
        byte[] result = pdf.clone();
        System.arraycopy(replacement.getBytes(StandardCharsets.ISO_8859_1), 0, result, start, width);
        return result;
    }
}
