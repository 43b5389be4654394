package com.certyneo.engine.pades.readme;

// test-vectors' README, "One annotation: a server shared by the whole run", verbatim (ReadmeSnippetsTest).
// snippet test-vectors/README.md
import com.certyneo.engine.*;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.*;
import com.certyneo.testvectors.TestPki.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(TestPkiExtension.class)
class RevocationTest {

    @Test
    void revokedSealIsRefusedAtLt(TestPki pki) {
        Credential revoked = pki.signer(Kind.REVOKED, KeyType.RSA_PSS_3072);
        Expectation e = ExpectedOutcomes.forSigner(Kind.REVOKED, KeyType.RSA_PSS_3072, Operation.SIGN_B_LT);
        // e.outcome() == REFUSED, e.errorCode() == "CERTIFICATE_REVOKED",
        // e.reason() == "Revoked/Suspended certificate(s) detected" (DSS 6.2's message)

        try (SignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(revoked.key(), revoked.chain()))
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC()))   // in-process, no HTTP
                .onlineRevocation(Duration.ofSeconds(10))
                .trustAnchor(pki.root())
                .build()) {
            SignatureEngineException refused = assertThrows(SignatureEngineException.class, () -> engine.sign(
                    SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "minimal.pdf"))
                            .output(DocumentTarget.of(OutputStream.nullOutputStream()))
                            .signer(Signer.of("ACME Seal", "seal@acme.example"))
                            .level(SignatureLevel.SES).profile(PadesProfile.B_LT).build()));
            assertEquals(e.errorCode(), refused.code().name());
        }
    }
}
// end snippet
