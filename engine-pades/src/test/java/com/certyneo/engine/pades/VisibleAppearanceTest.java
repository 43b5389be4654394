package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A visible signature box shows who signed, when and at which level, and stays a valid signature. */
class VisibleAppearanceTest {

    @TempDir
    Path dir;

    @Test
    void visibleBoxValidatesAndShowsTheSigner() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        Signer jane = Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
        Path out = dir.resolve("visible.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.multiPage(2), "in.pdf"))
                .output(DocumentTarget.of(out)).signer(jane).appearance(new VisibleAppearance(2, 72, 600, 240, 70)).build());
        assertTrue(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            assertEquals(1, document.getPage(1).getAnnotations().stream()
                    .filter(a -> a.getRectangle().getWidth() > 200).count(), "one visible widget on page 2");
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(2);
            stripper.setEndPage(2);
            String appearance = document.getPage(1).getAnnotations().get(0).getNormalAppearanceStream() == null ? ""
                    : new String(document.getPage(1).getAnnotations().get(0).getNormalAppearanceStream().getContentStream()
                    .toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertFalse(appearance.isEmpty(), "the widget has an appearance stream");
        }
        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(out).exitCode());
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out).output()));
        }
        assertTrue(Appearances.text(SignRequest.builder().document(DocumentSource.of(new byte[1], "x.pdf"))
                        .output(DocumentTarget.of(dir.resolve("y.pdf"))).signer(jane).build(),
                engine.sandboxPki().orElseThrow().rootCertificate(), Instant.parse("2026-01-02T03:04:05Z"),
                com.certyneo.engine.PadesProfile.B_LT, true)
                .contains("Digitally signed by Jane Doe\n2026-01-02 03:04:05 UTC\nAES \u00b7 PAdES B-LT\nSANDBOX"));

        // A second box on top of the first signature is refused, and nothing is written.
        Path never = dir.resolve("never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                .document(DocumentSource.of(out)).output(DocumentTarget.of(never)).signer(jane)
                .appearance(new VisibleAppearance(2, 80, 610, 240, 70)).build()));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
        assertFalse(Files.exists(never));
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class,
                () -> new VisibleAppearance(0, 1, 1, 100, 50)).code());
    }
}
