package com.certyneo.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

    private static ValidationReport report(SignatureValidation... entries) {
        return new ValidationReport("x.pdf", "00", Instant.EPOCH, List.of(entries));
    }

    private static SignatureValidation validation(boolean documentTimestamp, Indication indication) {
        return new SignatureValidation("id", "f", documentTimestamp, indication, Optional.empty(), "", Optional.empty(), "", "",
                Optional.empty(), Optional.empty(), List.of(), "NA", false, List.of(), List.of(), List.of(), "", List.of());
    }
}
