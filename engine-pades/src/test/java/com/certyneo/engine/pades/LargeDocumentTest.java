package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files above the large-document threshold are signed from disk, with the same results as in memory. */
class LargeDocumentTest {

    @TempDir
    Path dir;

    @Test
    void signsFromDiskForBothCrossReferenceStylesAndValidates() throws Exception {
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root()))
                .largeDocumentThreshold(0).build(); // every file input takes the disk path
        byte[] large = PdfVector.large(3L * 1024 * 1024);
        for (byte[] input : List.of(large, SamplePdfs.minimal(), SamplePdfs.minimalClassicXref())) {
            // B-LTA: the validation data and document time-stamp revisions are appended to the stage in place
            for (PadesProfile profile : List.of(PadesProfile.B_LT, PadesProfile.B_LTA)) {
                Path in = dir.resolve("in-" + input.length + ".pdf");
                Files.write(in, input);
                Path out = dir.resolve("out-" + input.length + "-" + profile + ".pdf");
                SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                        .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).profile(profile).build());
                byte[] output = Files.readAllBytes(out);
                assertEquals(sha256(input), result.inputSha256());
                assertEquals(sha256(output), result.outputSha256());
                assertArrayEquals(input, Arrays.copyOf(output, input.length), "incremental: the input bytes are untouched");
                // A production engine signs the input as it is: no preparation revision, whatever its xref form.
                assertEquals(result.inputSha256(), result.preparedSha256());
                ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.trusting(List.of(fixture.root())));
                assertTrue(report.allPassed(), report.toString());
                assertEquals(result.outputSha256(), report.documentSha256(), "validated from disk, hashed while streaming");
                assertEquals(profile, report.signatures().get(0).profile().orElseThrow());
                assertArrayEquals(input, Files.readAllBytes(in), "the input file is untouched");
                if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
                    assertEquals(0, ExternalValidators.qpdfCheck(out).exitCode(), ExternalValidators.qpdfCheck(out).output());
                    // (poppler does not count a document time-stamp as a valid signature)
                    assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out).output()));
                }
            }
        }
    }

    @Test
    void extendsAndTimestampsFromDisk() throws Exception {
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root()))
                .largeDocumentThreshold(0).build();
        Path in = dir.resolve("in.pdf");
        Files.write(in, SamplePdfs.multiPage(2));
        Path bt = dir.resolve("bt.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(bt))
                .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_T).build());
        Path lta = dir.resolve("lta.pdf");
        var extended = engine.extend(DocumentSource.of(bt), DocumentTarget.of(lta), PadesProfile.B_LTA);
        assertEquals(1, extended.signatureCount());
        assertEquals(sha256(Files.readAllBytes(lta)), extended.outputSha256());
        // In place (the output replaces the input file): the result fingerprints the input as it was
        Path inPlace = Files.copy(bt, dir.resolve("in-place.pdf"));
        String before = sha256(Files.readAllBytes(inPlace));
        var replaced = engine.extend(DocumentSource.of(inPlace), DocumentTarget.of(inPlace), PadesProfile.B_LT);
        assertEquals(before, replaced.inputSha256());
        assertEquals(sha256(Files.readAllBytes(inPlace)), replaced.outputSha256());
        Path signedInPlace = Files.copy(in, dir.resolve("signed-in-place.pdf"));
        SigningResult inPlaceSignature = engine.sign(SignRequest.builder().document(DocumentSource.of(signedInPlace))
                .output(DocumentTarget.of(signedInPlace)).signer(Signer.of("Seal", "seal@example.com"))
                .level(SignatureLevel.SES).profile(PadesProfile.B_LTA).build());
        assertEquals(sha256(Files.readAllBytes(in)), inPlaceSignature.inputSha256());
        assertEquals(sha256(Files.readAllBytes(signedInPlace)), inPlaceSignature.outputSha256());
        Path stamped = dir.resolve("stamped.pdf");
        engine.timestamp(DocumentSource.of(lta), DocumentTarget.of(stamped));
        ValidationReport report = engine.validate(DocumentSource.of(stamped), ValidationOptions.trusting(List.of(fixture.root())));
        assertTrue(report.allPassed(), report.toString());
        assertEquals(PadesProfile.B_LTA, report.signatures().get(0).profile().orElseThrow());
        if (ExternalValidators.require("qpdf")) {
            assertEquals(0, ExternalValidators.qpdfCheck(stamped).exitCode());
        }
    }

    @Test
    void sandboxSignsFromDiskWithTheMark() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sandbox(dir.resolve("home")).largeDocumentThreshold(0).build();
        Path in = dir.resolve("in.pdf");
        Files.write(in, SamplePdfs.multiPage(3));
        Path out = dir.resolve("out.pdf");
        SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).build());
        assertTrue(result.sandbox());
        assertEquals(sha256(Files.readAllBytes(in)), result.inputSha256());
        assertEquals(sha256(Files.readAllBytes(out)), result.outputSha256());
        assertTrue(!result.preparedSha256().equals(result.inputSha256()), "the mark is a preparation revision");
        try (var left = Files.list(dir)) {
            assertEquals(List.of("home", "in.pdf", "out.pdf"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the work directory and its stages are gone; the output was moved into place");
        }
        assertTrue(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        try (var document = org.apache.pdfbox.Loader.loadPDF(out.toFile())) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
            assertEquals(6, text.split(SandboxMarker.TEXT, -1).length - 1, "two marks on each of the 3 pages");
        }
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
