package com.example.embedder;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.OneTimeCertificateAuthority;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TsaClient;
import com.certyneo.testvectors.Expectation;
import com.certyneo.testvectors.ExpectedOutcomes;
import com.certyneo.testvectors.Operation;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine embedded: a sandbox engine, and a production AES engine tested with test-vectors. */
class SigningTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    @TempDir
    Path home;

    static Signer jane() {
        return Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    @Test
    void sandboxSignsAtAesAndValidates() {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        try (SignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            SigningResult result = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "contract.pdf"))
                    .output(DocumentTarget.of(signed)).signer(jane()).build());
            assertEquals(SignatureLevel.AES, result.level());
            assertEquals(PadesProfile.B_LT, result.profile());
            assertTrue(result.sandbox());
            ValidationReport report = engine.validate(DocumentSource.of(signed.toByteArray(), "signed.pdf"),
                    ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());
        }
    }

    @Test
    void productionAesEngineOnTheTestPkiMeetsTheCatalog() {
        TestPki pki = server.pki();
        TestPki.Credential ca = pki.issuingCa();
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        try (SignatureEngine engine = PadesSignatureEngine.builder()
                .oneTimeCertificateIssuer(OneTimeCertificateAuthority.builder()
                        .caKey(ca.key(), ca.chain()).revocationPointers(pki.crlUrl(), null, null).build())
                .timestampSource(TsaClient.builder().endpoint(pki.tsaUrl(1)).endpoint(pki.tsaUrl(2)).build())
                .onlineRevocation(Duration.ofSeconds(10))
                .trustAnchor(pki.root())
                .build()) {
            SigningResult result = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(PdfVector.PDF_A_2B.bytes(), "contract.pdf"))
                    .output(DocumentTarget.of(signed)).signer(jane()).build());
            assertEquals(SignatureLevel.AES, result.level());
            assertEquals(pki.intermediate(), result.certificateChain().get(1), "issued by the test PKI's issuing CA");

            Expectation expected = ExpectedOutcomes.find(PdfVector.PDF_A_2B, Operation.SIGN_B_LT).orElseThrow();
            ValidationReport report = PadesSignatureEngine.builder().build().validate(
                    DocumentSource.of(signed.toByteArray(), "signed.pdf"), ValidationOptions.trusting(pki.trustAnchors()));
            SignatureValidation signature = report.signatures().stream().filter(s -> !s.documentTimestamp())
                    .findFirst().orElseThrow();
            assertEquals(expected.outcome().name(), signature.indication().name(), report.toString());
            assertEquals(expected.format(), signature.format());
            assertTrue(signature.signerSubject().contains("Jane Doe"), signature.signerSubject());
        }
    }

    @Test
    void aRevokedSealIsRefusedAsTheCatalogSays() {
        TestPki pki = server.pki();
        TestPki.Credential revoked = pki.signer(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256);
        Expectation expected = ExpectedOutcomes.forSigner(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256, Operation.SIGN_B_LT);
        try (SignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(revoked.key(), revoked.chain()))
                .timestampSource(TsaClient.builder().endpoint(pki.tsaUrl(1)).build())
                .onlineRevocation(Duration.ofSeconds(10)).trustAnchor(pki.root()).build()) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "invoice.pdf"))
                    .output(DocumentTarget.of(OutputStream.nullOutputStream()))
                    .signer(Signer.of("ACME Seal", "seal@acme.example")).level(SignatureLevel.SES)
                    .profile(PadesProfile.B_LT).build()));
            assertEquals(expected.errorCode(), e.code().name(), e.toString());
        }
    }
}
