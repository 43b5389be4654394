package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signers sign into the fields pre-created for them (requirement R22: fields in revision 0). */
class SignatureFieldTest {

    @TempDir
    Path dir;

    @Test
    void eachSignerSignsIntoTheirPreCreatedField() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        byte[] form = PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes();
        Path first = dir.resolve("approver.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(form, "form.pdf")).output(DocumentTarget.of(first))
                .signer(Signer.parse("Alice <alice@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .field("approver").build());
        Path second = dir.resolve("both.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(first)).output(DocumentTarget.of(second))
                .signer(Signer.parse("Bob <bob@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .field("witness").build());

        ValidationReport report = engine.validate(DocumentSource.of(second), ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
        assertEquals(List.of("approver", "witness"),
                report.signatures().stream().filter(s -> !s.documentTimestamp()).map(s -> s.fieldName()).sorted().toList());
        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(second).exitCode());
            assertEquals(2, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(second).output()));
        }

        Path never = dir.resolve("never.pdf");
        for (String field : List.of("nobody", "approver")) { // missing, and already signed
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(second)).output(DocumentTarget.of(never))
                    .signer(Signer.parse("Eve <eve@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .field(field).build()));
            assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
            assertTrue(e.getMessage().contains(field), e.getMessage());
            assertFalse(Files.exists(never));
        }
    }
}
