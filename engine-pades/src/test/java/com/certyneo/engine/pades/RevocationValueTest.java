package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.SignatureValidation.Revocation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signing certificate's revocation status as a value, and the same in words (issue 14: structured JSON). */
class RevocationValueTest {

    @TempDir
    Path dir;

    @Test
    void aSandboxSignatureCarriesItsOcspStatusAsAValue() {
        Path signed = dir.resolve("signed.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"))) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                    .output(DocumentTarget.of(signed))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP,
                            Instant.now()))
                    .level(SignatureLevel.AES).profile(PadesProfile.B_LT).build());
            ValidationReport report = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
            SignatureValidation signature = report.signatures().get(0);
            Revocation revocation = signature.revocation().orElseThrow();
            assertEquals(Revocation.Status.GOOD, revocation.status());
            assertEquals(Optional.of("OCSP"), revocation.source());
            assertTrue(revocation.producedAt().isPresent() && revocation.revokedAt().isEmpty());
            assertEquals("good (OCSP, " + revocation.producedAt().get() + ")", signature.revocationStatus());
        }
    }

    @Test
    void theWordsSayWhatTheValueSays() {
        Instant produced = Instant.parse("2026-01-02T00:00:00Z");
        Instant revoked = Instant.parse("2025-06-01T00:00:00Z");
        assertEquals("revoked since 2025-06-01T00:00:00Z (KEY_COMPROMISE) (CRL, 2026-01-02T00:00:00Z)",
                Validation.words(Optional.of(Revocation.of(Revocation.Status.REVOKED, "CRL", produced, revoked,
                        "KEY_COMPROMISE"))));
        assertEquals("unknown (OCSP, 2026-01-02T00:00:00Z)",
                Validation.words(Optional.of(Revocation.of(Revocation.Status.UNKNOWN, "OCSP", produced, null, null))));
        assertEquals("no revocation data",
                Validation.words(Optional.of(Revocation.of(Revocation.Status.NO_DATA, null, null, null, null))));
        assertEquals("trust anchor (no revocation check)",
                Validation.words(Optional.of(Revocation.of(Revocation.Status.TRUST_ANCHOR, null, null, null, null))));
        assertEquals("", Validation.words(Optional.empty()));
    }
}
