package com.certyneo.engine;

import com.certyneo.engine.spi.OtpCallback;
import com.certyneo.engine.spi.QualifiedCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API's value types: parsing, validation, defensive copies, atomic writes, report semantics. */
class CoreTypesTest {

    @TempDir
    Path dir;

    @Test
    void signersParseAndRefuseNonsense() {
        Signer jane = Signer.parse("\"Jane Doe\" <jane@example.com>");
        assertEquals("Jane Doe", jane.name());
        assertEquals("jane@example.com", jane.email());
        assertFalse(jane.isAuthenticated());
        assertTrue(jane.authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()).isAuthenticated());
        for (String bad : new String[] {"jane@example.com", "Jane <not-an-address>", "<jane@example.com>", ""}) {
            assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class, () -> Signer.parse(bad)).code(), bad);
        }
    }

    @Test
    void levelsAndProfilesParseTheirCommonSpellings() {
        assertEquals(SignatureLevel.QES, SignatureLevel.parse(" qes "));
        for (String spelling : List.of("B-LTA", "b_lta", "LTA", "PAdES-BASELINE-LTA")) {
            assertEquals(PadesProfile.B_LTA, PadesProfile.parse(spelling), spelling);
        }
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class, () -> PadesProfile.parse("B-X")).code());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class, () -> SignatureLevel.parse("XES")).code());
        assertTrue(PadesProfile.B_LT.needsRevocationData() && PadesProfile.B_T.needsTimestamp() && !PadesProfile.B_B.needsTimestamp());
    }

    @Test
    void requestsRefuseMissingPartsWithTypedErrors() {
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> SignRequest.builder()
                .output(DocumentTarget.of(dir.resolve("o.pdf"))).signer(Signer.of("J", "j@example.com")).build());
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("document"));
        SignRequest request = SignRequest.builder().document(DocumentSource.of(new byte[] {1}, "a.pdf"))
                .output(DocumentTarget.of(dir.resolve("o.pdf"))).signer(Signer.of("J", "j@example.com")).reason("  ").build();
        assertEquals(SignatureLevel.AES, request.level(), "AES is the default level");
        assertEquals(Optional.empty(), request.reason(), "blank text is no text");
    }

    @Test
    void byteSourcesAreCopiedInAndOut() {
        byte[] bytes = {1, 2, 3};
        DocumentSource source = DocumentSource.of(bytes, "x.pdf");
        bytes[0] = 9;
        byte[] read = source.readAllBytes();
        assertArrayEquals(new byte[] {1, 2, 3}, read);
        read[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, source.readAllBytes());
    }

    @Test
    void fileTargetsAreAllOrNothing() throws IOException {
        Path target = dir.resolve("out.pdf");
        DocumentTarget.of(target).write(out -> out.write(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(target));
        assertThrows(IllegalStateException.class, () -> DocumentTarget.of(target).write(out -> {
            out.write(new byte[] {7, 7, 7});
            throw new IllegalStateException("failed half-way");
        }));
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(target), "a failed write leaves the old file");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void reportPassesOnSignaturesAndToleratesAnIndeterminateNewestArchiveTimestamp() {
        SignatureValidation ok = validation(false, Indication.TOTAL_PASSED);
        SignatureValidation tsPending = validation(true, Indication.INDETERMINATE);
        SignatureValidation tsBroken = validation(true, Indication.TOTAL_FAILED);
        SignatureValidation bad = validation(false, Indication.INDETERMINATE);
        assertTrue(report(ok).allPassed());
        assertTrue(report(ok, tsPending).allPassed());
        assertFalse(report(ok, tsBroken).allPassed());
        assertFalse(report(ok, bad).allPassed());
        assertFalse(report().allPassed(), "no signature at all is not a pass");
        assertFalse(report(tsPending).allPassed(), "a lone document time-stamp must pass itself");
    }

    /** A self-signed EC certificate ("CN=Builder Test"), enough for the types that carry a chain. */
    private static final String CERTIFICATE = "MIIBRzCB7qADAgECAgkA4bdB3LO8cD0wCgYIKoZIzj0EAwIwFzEVMBMGA1UEAxMMQnVpbGRlciBUZXN0MCAXDTI2MTIwMzEwMjEz" +
            "N1oYDzIxMjYxMTA5MTAyMTM3WjAXMRUwEwYDVQQDEwxCdWlsZGVyIFRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATVBUV0" +
            "gpOLoeoBLwBG80HfsWvL5KOdtYk/Qyzks0Q1gLDIuc3mTgkrJdCXWwH/5KFqBynnX0J89iK9D1WSJLdPoyEwHzAdBgNVHQ4EFgQU" +
            "KGg5I+ZU9SrSKKfby5yGEdRXMPUwCgYIKoZIzj0EAwIDSAAwRQIgCjlsYnPnRfB46oMZHhq/mD+v0hYJRqQakeSFCIlJh5ECIQD8" +
            "rU8W58d8gDaDPXY9nTvSNHulTj1nWFSYHtnxPE7vbA==";

    @Test
    void buildersAndFactoriesFillEveryComponentInPlaceOfTheCanonicalConstructors() throws Exception {
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(CERTIFICATE)));
        Instant t1 = Instant.parse("2026-01-01T10:00:00Z");
        Instant t2 = t1.plusSeconds(1);
        Path out = dir.resolve("out.pdf");

        SigningResult signed = SigningResult.builder().level(SignatureLevel.QES).profile(PadesProfile.B_LTA)
                .certificateChain(List.of(cert)).signingTime(t1).timestampTime(t2).inputSha256("in").preparedSha256("prep")
                .outputSha256("out").outputFile(out).sandbox(true).warnings(List.of("w")).build();
        assertEquals(new SigningResult(SignatureLevel.QES, PadesProfile.B_LTA, List.of(cert), t1, Optional.of(t2), "in", "prep",
                "out", Optional.of(out), true, List.of("w")), signed);
        assertEquals(signed, signed.toBuilder().build());
        SigningResult moved = signed.toBuilder().outputFile(null).build();
        assertEquals(Optional.empty(), moved.outputFile());
        assertEquals(List.of("w"), moved.warnings(), "a copy keeps what it does not change");
        assertThrows(NullPointerException.class, () -> SigningResult.builder().level(SignatureLevel.AES).build());

        assertEquals(new DocumentResult(Optional.of(PadesProfile.B_LT), 3, Optional.of(t1), "in", "out", Optional.of(out), true,
                List.of("w")), DocumentResult.builder().profile(PadesProfile.B_LT).signatureCount(3).timestampTime(t1)
                .inputSha256("in").outputSha256("out").outputFile(out).sandbox(true).warnings(List.of("w")).build());
        DocumentResult bare = DocumentResult.builder().inputSha256("in").outputSha256("out").build();
        assertEquals(Optional.empty(), bare.profile());
        assertEquals(List.of(), bare.warnings());

        assertEquals(new PreparedSignature(new byte[] {1}, new byte[] {2}, "SHA-256", "SHA256withECDSA", List.of(cert),
                new byte[] {3}), PreparedSignature.builder().dataToSign(new byte[] {1}).digest(new byte[] {2})
                .digestAlgorithm("SHA-256").signatureAlgorithm("SHA256withECDSA").certificateChain(List.of(cert))
                .state(new byte[] {3}).build());

        SignatureValidation full = new SignatureValidation("id", "f", true, Indication.TOTAL_FAILED, Optional.of("sub"), "fmt",
                Optional.of(PadesProfile.B_T), "by", "subject", Optional.of(t1), Optional.of(t2), List.of(t2), "QESig", true,
                List.of("e"), List.of("w"), List.of("chain"), "good", List.of("m"));
        assertEquals(full, SignatureValidation.builder().id("id").fieldName("f").documentTimestamp(true)
                .indication(Indication.TOTAL_FAILED).subIndication("sub").format("fmt").profile(PadesProfile.B_T).signedBy("by")
                .signerSubject("subject").claimedSigningTime(t1).bestSignatureTime(t2).timestampTimes(List.of(t2))
                .qualification("QESig").sandbox(true).errors(List.of("e")).warnings(List.of("w"))
                .certificateChain(List.of("chain")).revocationStatus("good").modifications(List.of("m")).build());
        SignatureValidation minimal = SignatureValidation.builder().id("id").indication(Indication.TOTAL_PASSED).build();
        assertEquals("NA", minimal.qualification());
        assertEquals(List.of(), minimal.errors());

        assertEquals(new ValidationReport("x.pdf", "00", t1, List.of(full), List.of("w")), ValidationReport.builder()
                .documentName("x.pdf").documentSha256("00").validationTime(t1).signatures(List.of(full)).warnings(List.of("w"))
                .build());

        assertEquals(new VisibleAppearance(2, 10, 20, 200, 60, java.util.Optional.empty()), VisibleAppearance.of(2, 10, 20, 200, 60));
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class,
                () -> VisibleAppearance.of(0, 10, 20, 200, 60)).code());
        assertEquals(ValidationOptions.sandbox(), ValidationOptions.trusting(List.of()).withSandbox(true));
        assertEquals(new ValidationOptions(List.of(cert), false, Optional.empty()),
                ValidationOptions.sandbox().alsoTrusting(cert).withSandbox(false));
        assertEquals(new AuthenticationEvidence(AuthenticationMethod.ID_DOCUMENT, t1, "check-7"),
                AuthenticationEvidence.of(AuthenticationMethod.ID_DOCUMENT, t1, "check-7"));
        assertEquals(new QualifiedCredential("cred", List.of(cert)), QualifiedCredential.of("cred", List.of(cert)));
        Signer jane = Signer.of("Jane", "jane@example.com");
        assertEquals(new OtpCallback.Request(jane, "cred", "SMS code"), OtpCallback.Request.of(jane, "cred", "SMS code"));
    }

    private static ValidationReport report(SignatureValidation... entries) {
        return ValidationReport.builder().documentName("x.pdf").documentSha256("00").validationTime(Instant.EPOCH)
                .signatures(List.of(entries)).build();
    }

    private static SignatureValidation validation(boolean documentTimestamp, Indication indication) {
        return SignatureValidation.builder().id("id").fieldName("f").documentTimestamp(documentTimestamp).indication(indication)
                .build();
    }

    @Test
    void aesQParsesFromItsLabel() {
        assertEquals(SignatureLevel.AES_Q, SignatureLevel.parse("AES-Q"));
        assertEquals(SignatureLevel.AES_Q, SignatureLevel.parse("aes_q"));
        assertEquals("AES-Q", SignatureLevel.AES_Q.label());
        SignatureEngineException e = org.junit.jupiter.api.Assertions.assertThrows(SignatureEngineException.class,
                () -> SignatureLevel.parse("AESQ2"));
        assertTrue(e.getMessage().contains("AESQ2"));
    }

    @Test
    void trustedListSourceRefusesBadRefreshSettingsAndKeepsValues() {
        java.nio.file.Path dir = java.nio.file.Path.of("tl-cache");
        TrustedListSource offline = TrustedListSource.offline(dir, TrustedListSource.EU_LOTL_URL, List.of());
        assertFalse(offline.online());
        TrustedListSource online = offline.refreshedOnline(java.time.Duration.ofSeconds(5), java.time.Duration.ofHours(1));
        assertTrue(online.online());
        assertEquals(java.time.Duration.ofSeconds(5), online.timeout());
        SignatureEngineException e = org.junit.jupiter.api.Assertions.assertThrows(SignatureEngineException.class,
                () -> offline.refreshedOnline(java.time.Duration.ZERO, java.time.Duration.ofHours(1)));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        ValidationOptions options = ValidationOptions.sandbox().withTrustedLists(offline).at(java.time.Instant.EPOCH);
        assertEquals(offline, options.trustedLists().orElseThrow());
        assertTrue(options.trustSandbox());
    }

    @Test
    void signatureValidationToBuilderKeepsEveryValue() {
        SignatureValidation v = SignatureValidation.builder().id("S1").indication(Indication.TOTAL_PASSED)
                .qualification("QESig").qualificationAtValidation("AdESig-QC").trustService("svc").build();
        assertEquals(v, v.toBuilder().build());
        assertEquals("AdESig-QC", v.qualificationAtValidation());
        assertEquals("svc", v.trustService().orElseThrow());
    }
}
