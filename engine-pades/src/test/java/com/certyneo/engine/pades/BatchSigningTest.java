package com.certyneo.engine.pades;

import com.certyneo.engine.BatchSigningException;
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
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.csc.CscClient;
import com.certyneo.engine.pades.csc.CscException;
import com.certyneo.engine.pades.csc.CscSigningProvider;
import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.engine.spi.OtpCallback;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PadesSignatureEngine#signAll}: one OTP for a signer's envelope, all or nothing, through the sandbox CSC service. */
class BatchSigningTest {

    @TempDir
    static Path home;
    static SandboxQtsp qtsp;
    static Signer claire = Signer.parse("Claire Petit <claire@example.com>").withPhone("+33655443322");
    static String credentialId;

    @BeforeAll
    static void setUp() {
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            qtsp = SandboxQtsp.start(SandboxQualifiedCa.loadOrCreate(engine.sandboxPki().orElseThrow()), Clock.systemUTC(), 1);
        }
        credentialId = qtsp.server().enrol(claire.email(), claire.name(), claire.phone().orElseThrow());
    }

    @AfterAll
    static void tearDown() {
        qtsp.close();
    }

    static CscClient client() {
        SandboxCscService server = qtsp.server();
        return CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray())
                .polling(Duration.ofMillis(20), Duration.ofSeconds(10)).build();
    }

    /** A provider whose OTP callback counts its calls and reads the outbox (or answers {@code otp}). */
    static CscSigningProvider provider(CscClient client, AtomicInteger otpCalls, String otp) {
        SandboxCscService server = qtsp.server();
        OtpCallback callback = request -> {
            otpCalls.incrementAndGet();
            return otp != null ? otp.toCharArray() : server.latestOtp(request.credentialId()).orElseThrow().toCharArray();
        };
        return CscSigningProvider.builder().client(client).otpCallback(callback).build();
    }

    static PadesSignatureEngine engine(CscSigningProvider provider) {
        return PadesSignatureEngine.builder().sandbox(home).qualifiedSigningProvider(provider).build();
    }

    static SignRequest qes(byte[] pdf, String name, Path out, PadesProfile profile) {
        return SignRequest.builder().document(DocumentSource.of(pdf, name)).output(DocumentTarget.of(out))
                .signer(claire).level(SignatureLevel.QES).profile(profile).reason("Envelope").build();
    }

    static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void fiveDocumentsWithOneOtpAtEveryProfile() throws Exception {
        Path dir = Files.createDirectories(home.resolve("envelope"));
        PadesProfile[] profiles = {PadesProfile.B_B, PadesProfile.B_T, PadesProfile.B_LT, PadesProfile.B_LTA, PadesProfile.B_LT};
        List<SignRequest> requests = new ArrayList<>();
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < profiles.length; i++) {
            byte[] pdf = i % 2 == 0 ? SamplePdfs.minimal() : SamplePdfs.multiPage(i + 1);
            inputs.add(pdf);
            requests.add(qes(pdf, "doc-" + i + ".pdf", dir.resolve("doc-" + i + "-signed.pdf"), profiles[i]));
        }
        AtomicInteger otps = new AtomicInteger();
        SandboxCscService server = qtsp.server();
        int authorize = server.calls("credentials/authorize");
        int signHash = server.calls("signatures/signHash");
        int challenges = server.calls("credentials/getChallenge");
        try (PadesSignatureEngine engine = engine(provider(client(), otps, null))) {
            List<SigningResult> results = engine.signAll(requests);
            assertEquals(1, otps.get(), "the OTP callback was invoked once for five documents");
            assertEquals(authorize + 1, server.calls("credentials/authorize"), "one authorisation");
            assertEquals(challenges + 1, server.calls("credentials/getChallenge"), "one OTP sent");
            assertEquals(signHash + 1, server.calls("signatures/signHash"), "all five hashes in one signHash call");
            assertEquals(5, results.size());
            X509Certificate credentialCertificate = server.certificateChain(credentialId).get(0);
            for (int i = 0; i < results.size(); i++) {
                SigningResult result = results.get(i);
                Path out = dir.resolve("doc-" + i + "-signed.pdf");
                assertEquals(out, result.outputFile().orElseThrow());
                assertEquals(profiles[i], result.profile());
                assertEquals(credentialCertificate, result.signingCertificate(), "the same credential signed every document");
                byte[] signed = Files.readAllBytes(out);
                assertArrayEquals(inputs.get(i), java.util.Arrays.copyOf(signed, inputs.get(i).length),
                        "an incremental update of input " + i);
                ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
                List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
                assertEquals(1, signatures.size());
                SignatureValidation v = signatures.get(0);
                assertEquals(Indication.TOTAL_PASSED, v.indication(), out + ": " + v);
                assertEquals(profiles[i], v.profile().orElseThrow(), out.toString());
                assertEquals("Claire Petit", v.signedBy());
                assertEquals(credentialCertificate.getSubjectX500Principal(),
                        new javax.security.auth.x500.X500Principal(v.signerSubject()));
            }
            assertEquals(5, files(dir).size(), "the five outputs and nothing else: " + files(dir));
        }
    }

    static SignRequest request(String name, PadesProfile profile) {
        return qes(SamplePdfs.minimal(), name, home.resolve("readme").resolve(name), profile);
    }

    @Test
    void theReadmeExample() throws Exception {
        AtomicInteger otps = new AtomicInteger();
        try (PadesSignatureEngine engine = engine(provider(client(), otps, null))) {
            // snippet README.md
            List<SigningResult> results = engine.signAll(List.of(
                    request("contract.pdf", PadesProfile.B_LTA), request("annex-1.pdf", PadesProfile.B_LT),
                    request("annex-2.pdf", PadesProfile.B_LT)));          // QES, same signer: the OTP callback runs once
            // end snippet
            assertEquals(1, otps.get());
            assertEquals(List.of(PadesProfile.B_LTA, PadesProfile.B_LT, PadesProfile.B_LT),
                    results.stream().map(SigningResult::profile).toList());
            assertEquals(3, files(home.resolve("readme")).size());
        }
    }

    @Test
    void everyLevelAndAStreamTargetInOneBatch() throws Exception {
        Path dir = home.resolve("mixed");
        Signer authenticated = claire.authenticatedBy(com.certyneo.engine.AuthenticationMethod.SMS_OTP, java.time.Instant.now());
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        List<SignRequest> requests = List.of(
                SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "aes.pdf"))
                        .output(DocumentTarget.of(dir.resolve("aes.pdf"))).signer(authenticated).level(SignatureLevel.AES)
                        .profile(PadesProfile.B_LT).build(),
                SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "ses.pdf"))
                        .output(DocumentTarget.of(stream)).signer(claire).level(SignatureLevel.SES)
                        .profile(PadesProfile.B_T).build(),
                qes(SamplePdfs.minimal(), "qes.pdf", dir.resolve("qes.pdf"), PadesProfile.B_LTA));
        AtomicInteger otps = new AtomicInteger();
        try (PadesSignatureEngine engine = engine(provider(client(), otps, null))) {
            List<SigningResult> results = engine.signAll(requests);
            assertEquals(1, otps.get());
            assertEquals(List.of(SignatureLevel.AES, SignatureLevel.SES, SignatureLevel.QES),
                    results.stream().map(SigningResult::level).toList());
            assertTrue(results.get(1).outputFile().isEmpty());
            List<DocumentSource> outputs = List.of(DocumentSource.of(dir.resolve("aes.pdf")),
                    DocumentSource.of(stream.toByteArray(), "ses.pdf"), DocumentSource.of(dir.resolve("qes.pdf")));
            for (int i = 0; i < 3; i++) {
                ValidationReport report = engine.validate(outputs.get(i), ValidationOptions.sandbox());
                SignatureValidation v = report.signatures().stream().filter(x -> !x.documentTimestamp()).findFirst().orElseThrow();
                assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
                assertEquals(results.get(i).profile(), v.profile().orElseThrow());
            }
        }
    }

    @Test
    void anInvalidDocumentSignsNothingAndIsNamed() throws Exception {
        Path dir = home.resolve("broken-envelope");
        List<SignRequest> requests = List.of(
                qes(SamplePdfs.minimal(), "first.pdf", dir.resolve("first.pdf"), PadesProfile.B_T),
                qes("this is not a PDF".getBytes(), "notes.txt", dir.resolve("notes.pdf"), PadesProfile.B_T),
                qes(SamplePdfs.minimal(), "third.pdf", dir.resolve("third.pdf"), PadesProfile.B_T));
        AtomicInteger otps = new AtomicInteger();
        int authorize = qtsp.server().calls("credentials/authorize");
        try (PadesSignatureEngine engine = engine(provider(client(), otps, null))) {
            BatchSigningException e = assertThrows(BatchSigningException.class, () -> engine.signAll(requests));
            assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
            assertEquals(1, e.index());
            assertEquals("notes.txt", e.documentName());
            assertTrue(e.getMessage().contains("document 2 ('notes.txt')"), e.getMessage());
            assertEquals(0, otps.get(), "no OTP asked for a batch that cannot be signed");
            assertEquals(authorize, qtsp.server().calls("credentials/authorize"));
            assertEquals(List.of(), files(dir), "no output at all");
        }
    }

    @Test
    void aMissingFieldSignsNothingAndIsNamed() throws Exception {
        Path dir = Files.createDirectories(home.resolve("field-envelope"));
        List<SignRequest> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SignRequest.Builder b = SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "p" + i + ".pdf"))
                    .output(DocumentTarget.of(dir.resolve("p" + i + ".pdf"))).signer(claire).level(SignatureLevel.QES)
                    .profile(PadesProfile.B_LT);
            if (i == 2) {
                b.field("NoSuchField");
            }
            requests.add(b.build());
        }
        try (PadesSignatureEngine engine = engine(provider(client(), new AtomicInteger(), null))) {
            BatchSigningException e = assertThrows(BatchSigningException.class, () -> engine.signAll(requests));
            assertEquals(2, e.index());
            assertEquals("p2.pdf", e.documentName());
            assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
            assertTrue(e.getMessage().contains("NoSuchField"), e.getMessage());
            assertEquals(List.of(), files(dir));
        }
    }

    @Test
    void aWrongOtpIsTypedAndSignsNothing() throws Exception {
        Path dir = home.resolve("wrong-otp");
        List<SignRequest> requests = List.of(
                qes(SamplePdfs.minimal(), "a.pdf", dir.resolve("a.pdf"), PadesProfile.B_B),
                qes(SamplePdfs.minimal(), "b.pdf", dir.resolve("b.pdf"), PadesProfile.B_B));
        try (PadesSignatureEngine engine = engine(provider(client(), new AtomicInteger(), "000000x"))) {
            BatchSigningException e = assertThrows(BatchSigningException.class, () -> engine.signAll(requests));
            assertEquals(ErrorCode.OTP_INVALID, e.code());
            CscException csc = assertInstanceOf(CscException.class, e.getCause());
            assertEquals("credentials/authorize", csc.call());
            assertEquals("invalid_otp", csc.error().orElseThrow());
            assertTrue(e.getMessage().contains("credentials/authorize") && e.getMessage().contains("invalid_otp"), e.getMessage());
            assertTrue(!e.getMessage().contains("000000x"), "no OTP in the message");
            assertEquals(List.of(), files(dir));
        }
    }

    @Test
    void anAsynchronousServiceIsPolled() throws Exception {
        Path dir = home.resolve("async");
        SandboxCscService server = qtsp.server();
        int polls = server.calls("signatures/signPolling");
        server.answerAsynchronously(2);
        try (PadesSignatureEngine engine = engine(provider(client(), new AtomicInteger(), null))) {
            List<SigningResult> results = engine.signAll(List.of(
                    qes(SamplePdfs.minimal(), "x.pdf", dir.resolve("x.pdf"), PadesProfile.B_T),
                    qes(SamplePdfs.multiPage(2), "y.pdf", dir.resolve("y.pdf"), PadesProfile.B_LTA)));
            assertEquals(polls + 3, server.calls("signatures/signPolling"), "two 'pending' answers, then the signatures");
            for (SigningResult r : results) {
                ValidationReport report = engine.validate(DocumentSource.of(r.outputFile().orElseThrow()), ValidationOptions.sandbox());
                SignatureValidation v = report.signatures().stream().filter(s -> !s.documentTimestamp()).findFirst().orElseThrow();
                assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
                assertEquals(r.profile(), v.profile().orElseThrow());
            }
        } finally {
            server.answerAsynchronously(-1);
        }
    }

    @Test
    void pollingIsBounded() throws Exception {
        Path dir = home.resolve("async-timeout");
        SandboxCscService server = qtsp.server();
        server.answerAsynchronously(1_000_000);
        CscClient impatient = CscClient.builder().baseUri(server.v2()).client(server.clientId(), server.clientSecret().toCharArray())
                .polling(Duration.ofMillis(10), Duration.ofMillis(300)).build();
        try (PadesSignatureEngine engine = engine(provider(impatient, new AtomicInteger(), null))) {
            long start = System.nanoTime();
            BatchSigningException e = assertThrows(BatchSigningException.class, () -> engine.signAll(List.of(
                    qes(SamplePdfs.minimal(), "slow.pdf", dir.resolve("slow.pdf"), PadesProfile.B_B))));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            assertEquals(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, e.code());
            assertEquals("signatures/signPolling", assertInstanceOf(CscException.class, e.getCause()).call());
            assertEquals(List.of(), files(dir));
        } finally {
            server.answerAsynchronously(-1);
        }
    }

    @Test
    void anExpiredAccessTokenIsRefreshed() throws Exception {
        SandboxCscService server = qtsp.server();
        try (PadesSignatureEngine engine = engine(provider(client(), new AtomicInteger(), null))) {
            engine.sign(qes(SamplePdfs.minimal(), "before.pdf", home.resolve("refresh-before.pdf"), PadesProfile.B_B));
            int refreshes = server.grants("refresh_token");
            int fresh = server.grants("client_credentials");
            server.expireTokens(); // the service refuses the cached token with 401 expired_token
            engine.sign(qes(SamplePdfs.minimal(), "after.pdf", home.resolve("refresh-after.pdf"), PadesProfile.B_B));
            assertEquals(refreshes + 1, server.grants("refresh_token"), "renewed with the refresh token");
            assertEquals(fresh, server.grants("client_credentials"), "no new client-credentials grant");

            server.expireTokens();
            server.revokeRefreshTokens(); // the refresh fails with invalid_grant: the client falls back to its grant
            engine.sign(qes(SamplePdfs.minimal(), "again.pdf", home.resolve("refresh-again.pdf"), PadesProfile.B_B));
            assertEquals(fresh + 1, server.grants("client_credentials"));
            assertTrue(Files.exists(home.resolve("refresh-again.pdf")));
        }
    }

    @Test
    void duplicateOutputsAndEmptyBatchesAreRefused() {
        try (PadesSignatureEngine engine = engine(provider(client(), new AtomicInteger(), null))) {
            Path same = home.resolve("same.pdf");
            SignatureEngineException dup = assertThrows(SignatureEngineException.class, () -> engine.signAll(List.of(
                    qes(SamplePdfs.minimal(), "1.pdf", same, PadesProfile.B_B),
                    qes(SamplePdfs.minimal(), "2.pdf", same, PadesProfile.B_B))));
            assertEquals(ErrorCode.INVALID_REQUEST, dup.code());
            assertTrue(dup.getMessage().contains("Documents 1 and 2"), dup.getMessage());
            assertEquals(ErrorCode.INVALID_REQUEST,
                    assertThrows(SignatureEngineException.class, () -> engine.signAll(List.of())).code());
        }
    }
}
