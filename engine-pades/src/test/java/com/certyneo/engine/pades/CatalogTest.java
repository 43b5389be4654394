package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.RevocationSource;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.Expectation;
import com.certyneo.testvectors.ExpectedOutcomes;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.Operation;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;


import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine against the test-vectors catalog: every (vector, operation) of the catalog produces its
 * expected outcome when done by a production engine on the deterministic test PKI. The catalog was
 * established against raw DSS 6.2; where the engine is stricter the catalog says so (engineRule).
 */
class CatalogTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    @TempDir
    Path dir;

    static Stream<Expectation> catalog() {
        return ExpectedOutcomes.all().stream();
    }

    /** Offline revocation data from the PKI itself: OCSP for intermediate-issued certificates, CRLs otherwise. */
    static RevocationSource offlineRevocation(TestPki pki) {
        return new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                if (!issuer.equals(pki.intermediate())) {
                    return Optional.empty();
                }
                return Optional.of(pki.ocspResponse(certificate, Instant.now()));
            }

            @Override
            public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return Optional.of(pki.crl(issuer, Instant.now()));
            }
        };
    }

    static PadesSignatureEngine engineFor(TestPki pki, TestPki.Credential signer) {
        return PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(signer.key(), signer.chain()))
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC()))
                .trustAnchor(pki.root())
                .revocationSource(offlineRevocation(pki))
                .build();
    }

    static PadesProfile profile(Operation operation) {
        return switch (operation) {
            case SIGN_B_B -> PadesProfile.B_B;
            case SIGN_B_T -> PadesProfile.B_T;
            case SIGN_B_LT -> PadesProfile.B_LT;
            case SIGN_B_LTA -> PadesProfile.B_LTA;
            default -> throw new IllegalArgumentException(operation.name());
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalog")
    void engineMeetsTheCatalog(Expectation expected) throws Exception {
        TestPki pki = server.pki();
        boolean signerVector = expected.vector().startsWith("SIGNER_");
        TestPki.Credential signer = signerVector ? signerOf(pki, expected.vector()) : pki.goodSigner();
        byte[] input = signerVector ? PdfVector.MINIMAL.bytes() : PdfVector.valueOf(expected.vector()).bytes(pki);
        PadesSignatureEngine engine = engineFor(pki, signer);

        byte[] subject;
        if (expected.operation() == Operation.VALIDATE) {
            subject = signerVector ? PdfVector.signed(PdfVector.MINIMAL.bytes(), signer,
                    ExpectedOutcomes.claimedSigningTime(kindOf(expected.vector()))) : input;
        } else {
            Path out = dir.resolve("out.pdf");
            SignRequest request = SignRequest.builder().document(DocumentSource.of(input, expected.vector() + ".pdf"))
                    .output(DocumentTarget.of(out)).signer(Signer.of("Catalog Seal", "seal@example.com"))
                    .level(SignatureLevel.SES).profile(profile(expected.operation())).build();
            if (expected.refused()) {
                SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(request));
                assertEquals(expected.errorCode(), e.code().name(), e.toString());
                assertTrue(Files.notExists(out), "no output on refusal");
                return;
            }
            engine.sign(request);
            subject = Files.readAllBytes(out);
        }

        ValidationReport report = engine.validate(DocumentSource.of(subject, "subject.pdf"),
                ValidationOptions.trusting(pki.trustAnchors()));
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertTrue(!signatures.isEmpty(), report.toString());
        SignatureValidation last = signatures.get(signatures.size() - 1);
        assertEquals(expected.outcome().name(), last.indication().name(), last.toString());
        assertEquals(expected.subIndication(), last.subIndication().orElse(null), last.toString());
        assertEquals(expected.format(), last.format(), last.toString());
        if (expected.outcome() == com.certyneo.testvectors.Outcome.TOTAL_PASSED) {
            assertTrue(report.allPassed(), "every signature and time-stamp passes: " + report);
        }
    }

    @Test
    void onlineRevocationFromTheCertificatesUrlsGivesBltThatValidatesOffline() throws Exception {
        TestPki pki = server.pki();
        TestPki.Credential signer = pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.RSA_PSS_3072);
        PadesSignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(signer.key(), signer.chain()))
                .timestampSource(pki.tsa(2).authority(Clock.systemUTC()))
                .trustAnchor(pki.root())
                .onlineRevocation(Duration.ofSeconds(5))
                .build();
        assertEquals(PadesProfile.B_LT, engine.defaultProfile(SignatureLevel.SES));
        Path out = dir.resolve("online-lt.pdf");
        long before = server.requestCount("ocsp") + server.requestCount("crl");
        engine.sign(SignRequest.builder().document(DocumentSource.of(PdfVector.MULTI_PAGE.bytes(), "m.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).build());
        assertTrue(server.requestCount("ocsp") + server.requestCount("crl") > before, "revocation data was fetched online");

        // Validation is offline: a bare engine with the root as its only input.
        ValidationReport report = PadesSignatureEngine.builder().build()
                .validate(DocumentSource.of(out), ValidationOptions.trusting(pki.trustAnchors()));
        assertTrue(report.allPassed(), report.toString());
        assertEquals(PadesProfile.B_LT, report.signatures().get(0).profile().orElseThrow());
        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(out).exitCode());
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out).output()));
        }

        // A key configured with its own certificate only: the issuing CA is found online (caIssuers) or in
        // the time-stamp token, and the B-LT result still validates offline with the root alone.
        TestPki.Credential good = pki.goodSigner();
        Path leafOnly = dir.resolve("leaf-only.pdf");
        PadesSignatureEngine.builder().sealKey(SigningKey.of(good.key(), List.of(good.certificate())))
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC())).trustAnchor(pki.root())
                .onlineRevocation(Duration.ofSeconds(5)).build()
                .sign(SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf"))
                        .output(DocumentTarget.of(leafOnly)).signer(Signer.of("Seal", "seal@example.com"))
                        .level(SignatureLevel.SES).build());
        ValidationReport leafReport = PadesSignatureEngine.builder().build()
                .validate(DocumentSource.of(leafOnly), ValidationOptions.trusting(pki.trustAnchors()));
        assertTrue(leafReport.allPassed(), leafReport.toString());

        TestPki.Credential revoked = pki.signer(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256);
        PadesSignatureEngine revokedEngine = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(revoked.key(), revoked.chain())).timestampSource(pki.tsa(1).authority(Clock.systemUTC()))
                .trustAnchor(pki.root()).onlineRevocation(Duration.ofSeconds(5)).build();
        Path never = dir.resolve("never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> revokedEngine.sign(SignRequest.builder()
                .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf")).output(DocumentTarget.of(never))
                .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).build()));
        assertEquals("CERTIFICATE_REVOKED", e.code().name());
        assertTrue(e.getMessage().contains(revoked.certificate().getSubjectX500Principal().getName()), e.getMessage());
        assertTrue(Files.notExists(never));
    }

    static TestPki.Credential signerOf(TestPki pki, String vector) {
        return pki.signer(kindOf(vector), typeOf(vector));
    }

    static TestPki.Kind kindOf(String vector) {
        return Arrays.stream(TestPki.Kind.values()).filter(k -> vector.startsWith("SIGNER_" + k.name() + "_"))
                .findFirst().orElseThrow();
    }

    static TestPki.KeyType typeOf(String vector) {
        return Arrays.stream(TestPki.KeyType.values()).filter(t -> vector.endsWith("_" + t.name())).findFirst().orElseThrow();
    }

}
