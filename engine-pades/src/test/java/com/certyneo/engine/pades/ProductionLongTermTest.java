package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.RevocationSource;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A production engine given offline revocation data signs at B-LT/B-LTA that validates with the root alone. */
class ProductionLongTermTest {

    @Test
    void offlineRevocationSourceGivesValidLongTermSignatures() {
        ProductionFixture fixture = ProductionFixture.create();
        AtomicInteger asked = new AtomicInteger();
        OfflineRevocation responder = OfflineRevocation.signedBy(fixture.rootKey(), fixture.root());
        RevocationSource offline = new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                asked.incrementAndGet();
                return responder.ocspResponse(certificate, issuer);
            }

            @Override
            public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return Optional.empty();
            }
        };
        PadesSignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(fixture.sealKey()).timestampSource(fixture.tsa()).trustAnchor(fixture.root())
                .revocationSource(offline).build();
        assertEquals(PadesProfile.B_LT, engine.defaultProfile(SignatureLevel.SES));

        for (PadesProfile profile : List.of(PadesProfile.B_LT, PadesProfile.B_LTA)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                    .output(DocumentTarget.of(out)).signer(Signer.of("Ops", "ops@example.com"))
                    .level(SignatureLevel.SES).profile(profile).build());
            assertFalse(result.sandbox());
            ValidationReport report = PadesSignatureEngine.builder().build().validate(
                    DocumentSource.of(out.toByteArray(), "lt.pdf"), ValidationOptions.trusting(List.of(fixture.root())));
            assertEquals(Indication.TOTAL_PASSED, report.signatures().get(0).indication(), report.toString());
            assertEquals(profile, report.signatures().get(0).profile().orElseThrow());
            assertTrue(report.allPassed(), report.toString());
        }
        assertTrue(asked.get() >= 2, "seal and TSA certificates were looked up");
    }

    @Test
    void revokedSignerCannotSignAtLtAndItsBtSignatureValidatesAsRevoked() {
        ProductionFixture fixture = ProductionFixture.create();
        X509Certificate seal = fixture.sealKey().certificate();
        RevocationSource offline = OfflineRevocation.signedBy(fixture.rootKey(), fixture.root())
                .revoke(seal, java.time.Instant.now().minusSeconds(3600));
        PadesSignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(fixture.sealKey()).timestampSource(fixture.tsa()).trustAnchor(fixture.root())
                .revocationSource(offline).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        com.certyneo.engine.SignatureEngineException e = org.junit.jupiter.api.Assertions.assertThrows(
                com.certyneo.engine.SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                        .document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf")).output(DocumentTarget.of(out))
                        .signer(Signer.of("Ops", "ops@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_LT).build()));
        assertEquals(com.certyneo.engine.ErrorCode.CERTIFICATE_REVOKED, e.code(), e.toString());
        assertTrue(e.getMessage().contains("CN=Example Seal"), e.getMessage());
        assertEquals(0, out.size());

        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                .output(DocumentTarget.of(out)).signer(Signer.of("Ops", "ops@example.com"))
                .level(SignatureLevel.SES).profile(PadesProfile.B_T).build());
        ValidationReport report = engine.validate(DocumentSource.of(out.toByteArray(), "revoked.pdf"),
                ValidationOptions.trusting(List.of()));
        var v = report.signatures().get(0);
        assertEquals(Indication.INDETERMINATE, v.indication(), v.toString());
        assertEquals("REVOKED_NO_POE", v.subIndication().orElseThrow(), v.toString());
        assertTrue(v.revocationStatus().startsWith("revoked since"), v.revocationStatus());
    }
}
