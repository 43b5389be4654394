package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TsaClient;
import com.certyneo.engine.tsp.TsaHttpServer;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine time-stamps through the strict RFC 3161 client: over HTTP, with failover, and never without a token. */
class TsaClientSigningTest {

    @RegisterExtension
    static TestPkiServer pkiServer = TestPkiServer.start();

    @TempDir
    Path dir;

    @Test
    void signsBtAndLtaThroughTheHttpClientWithFailover() throws Exception {
        TestPki pki = pkiServer.pki();
        try (TsaHttpServer tsa = TsaHttpServer.start(pki.tsa(1).authority(Clock.systemUTC()), 0)) {
            TsaClient client = TsaClient.builder()
                    .endpoint("http://127.0.0.1:1/")                       // refused: failover to the next one
                    .endpoint(tsa.uri().toString())
                    .trustAnchors(pki.trustAnchors())
                    .retries(0)
                    .build();
            TestPki.Credential signer = pki.goodSigner();
            PadesSignatureEngine engine = PadesSignatureEngine.builder()
                    .sealKey(SigningKey.of(signer.key(), signer.chain())).timestampSource(client)
                    .trustAnchor(pki.root()).revocationSource(CatalogTest.offlineRevocation(pki)).build();
            for (PadesProfile profile : new PadesProfile[] {PadesProfile.B_T, PadesProfile.B_LTA}) {
                Path out = dir.resolve(profile + ".pdf");
                SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf"))
                        .output(DocumentTarget.of(out)).signer(Signer.of("Seal", "seal@example.com"))
                        .level(SignatureLevel.SES).profile(profile).build());
                assertTrue(result.timestampTime().isPresent());
                ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.trusting(pki.trustAnchors()));
                assertTrue(report.allPassed(), report.toString());
                assertEquals(profile, report.signatures().get(0).profile().orElseThrow());
            }
        }
    }

    @Test
    void whenEveryTsaFailsSigningFailsAndNothingIsWritten() {
        TestPki pki = pkiServer.pki();
        TsaClient client = TsaClient.builder().endpoint("http://127.0.0.1:1/").endpoint("http://127.0.0.1:2/")
                .retries(0).build();
        TestPki.Credential signer = pki.goodSigner();
        PadesSignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(signer.key(), signer.chain())).timestampSource(client).trustAnchor(pki.root()).build();
        Path out = dir.resolve("never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_T).build()));
        assertEquals(ErrorCode.TSA_UNAVAILABLE, e.code(), e.toString());
        assertTrue(e.getMessage().contains("127.0.0.1:1") && e.getMessage().contains("127.0.0.1:2"), e.getMessage());
        assertTrue(Files.notExists(out));
    }

}
