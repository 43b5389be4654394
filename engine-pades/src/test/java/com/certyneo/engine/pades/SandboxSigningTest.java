package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every level and profile the sandbox offers signs, validates under DSS, and passes pdfsig and qpdf. */
class SandboxSigningTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    static Signer jane() {
        return Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    static Stream<Arguments> levelsAndProfiles() {
        return Stream.of(SignatureLevel.SES, SignatureLevel.AES)
                .flatMap(level -> Stream.of(PadesProfile.values()).map(p -> Arguments.of(level, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("levelsAndProfiles")
    void signsValidatesAndPassesIndependentCheckers(SignatureLevel level, PadesProfile profile) throws Exception {
        byte[] input = SamplePdfs.multiPage(2);
        Path out = home.resolve(level + "-" + profile + ".pdf");
        SigningResult result = engine.sign(SignRequest.builder()
                .document(DocumentSource.of(input, "in.pdf"))
                .output(DocumentTarget.of(out))
                .signer(jane()).level(level).profile(profile).reason("Approval")
                .build());
        byte[] output = Files.readAllBytes(out);

        assertEquals(level, result.level());
        assertEquals(profile, result.profile());
        assertTrue(result.sandbox());
        assertEquals(sha256(input), result.inputSha256());
        assertEquals(sha256(output), result.outputSha256());
        assertEquals(profile.needsTimestamp(), result.timestampTime().isPresent());
        // Incremental: the original bytes are untouched at the start of the output.
        assertArrayEquals(input, java.util.Arrays.copyOf(output, input.length));
        if (level == SignatureLevel.AES) {
            assertTrue(result.signingCertificate().getSubjectX500Principal().getName().contains("CN=Jane Doe"));
            assertTrue(result.signingCertificate().getKeyUsage()[1], "nonRepudiation");
        }

        ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(profile, v.profile().orElseThrow());
        assertTrue(v.sandbox());
        assertEquals("NA", v.qualification());
        assertEquals(level == SignatureLevel.AES ? 3 : 2, v.certificateChain().size(), v.certificateChain().toString());
        assertTrue(v.certificateChain().get(v.certificateChain().size() - 1).contains("SANDBOX Root CA"));
        assertTrue(v.revocationStatus().startsWith("good (OCSP"), v.revocationStatus());

        assumeTrue(ExternalValidators.require("pdfsig") & ExternalValidators.require("qpdf"), "pdfsig/qpdf not installed");
        ExternalValidators.Run qpdf = ExternalValidators.qpdfCheck(out);
        assertEquals(0, qpdf.exitCode(), qpdf.output());
        ExternalValidators.Run pdfsig = ExternalValidators.pdfsig(out);
        assertEquals(1, ExternalValidators.validSignatureCount(pdfsig.output()), pdfsig.output());
    }

    @Test
    void withOnlyTheRootAsTrustAnchorBAndTAreIndeterminateForMissingRevocationDataOnly() {
        for (PadesProfile profile : List.of(PadesProfile.B_B, PadesProfile.B_T)) {
            ByteOut out = new ByteOut();
            engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                    .output(DocumentTarget.of(out)).signer(jane()).profile(profile).build());
            ValidationReport report = PadesSignatureEngine.builder().build().validate(
                    DocumentSource.of(out.toByteArray(), "signed.pdf"),
                    ValidationOptions.trusting(List.of(engine.sandboxPki().orElseThrow().rootCertificate())));
            SignatureValidation v = report.signatures().get(0);
            assertEquals(Indication.INDETERMINATE, v.indication(), v.toString());
            assertTrue(v.errors().stream().anyMatch(e -> e.contains("No revocation data found")), v.errors().toString());
            assertTrue(v.errors().stream().allMatch(e -> e.contains("revocation") || e.contains("certificate validation is not conclusive")),
                    "nothing but missing revocation data: " + v.errors());
        }
    }

    @Test
    void secondSignerKeepsTheFirstSignatureValidAndTheMarkIsNotRepeated() throws Exception {
        ByteOut first = new ByteOut();
        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                .output(DocumentTarget.of(first)).signer(jane()).build());
        ByteOut second = new ByteOut();
        engine.sign(SignRequest.builder().document(DocumentSource.of(first.toByteArray(), "in.pdf"))
                .output(DocumentTarget.of(second))
                .signer(Signer.parse("Bob <bob@example.com>").authenticatedBy(AuthenticationMethod.EMAIL_OTP, Instant.now()))
                .build());
        ValidationReport report = engine.validate(DocumentSource.of(second.toByteArray(), "two.pdf"), ValidationOptions.sandbox());
        assertEquals(2, report.signatures().size());
        assertTrue(report.allPassed(), report.toString());
        try (PDDocument document = Loader.loadPDF(second.toByteArray())) {
            String text = new PDFTextStripper().getText(document);
            assertEquals(2, text.split(java.util.regex.Pattern.quote(SandboxMarker.TEXT), -1).length - 1,
                    "one mark at the top and one at the bottom of the single page, not more");
        }
    }

    @Test
    void everyPageCarriesTheExtractableSandboxMarkIncludingRotatedPages() throws Exception {
        for (byte[] input : List.of(SamplePdfs.multiPage(5), SamplePdfs.rotatedPages())) {
            ByteOut out = new ByteOut();
            engine.sign(SignRequest.builder().document(DocumentSource.of(input, "in.pdf"))
                    .output(DocumentTarget.of(out)).signer(jane()).level(SignatureLevel.SES).build());
            try (PDDocument document = Loader.loadPDF(out.toByteArray())) {
                PDFTextStripper stripper = new PDFTextStripper();
                for (int page = 1; page <= document.getNumberOfPages(); page++) {
                    stripper.setStartPage(page);
                    stripper.setEndPage(page);
                    assertTrue(stripper.getText(document).contains(SandboxMarker.TEXT), "page " + page);
                }
            }
            assertTrue(engine.validate(DocumentSource.of(out.toByteArray(), "m.pdf"), ValidationOptions.sandbox()).allPassed());
        }
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** A ByteArrayOutputStream with a short name. */
    static final class ByteOut extends java.io.ByteArrayOutputStream {
    }

    @Test
    void theReportListsSignaturesAndDocumentTimeStampsInRevisionOrder() throws Exception {
        // signature, document time-stamp, signature: DSS reports the two signatures first, then the time-stamp
        Path first = home.resolve("order-1.pdf");
        Path stamped = home.resolve("order-2.pdf");
        Path second = home.resolve("order-3.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                .output(DocumentTarget.of(first)).signer(jane()).level(SignatureLevel.AES).profile(PadesProfile.B_T).build());
        engine.timestamp(DocumentSource.of(first), DocumentTarget.of(stamped));
        engine.sign(SignRequest.builder().document(DocumentSource.of(stamped)).output(DocumentTarget.of(second))
                .signer(Signer.parse("John Roe <john@example.com>").authenticatedBy(AuthenticationMethod.EMAIL_OTP, Instant.now()))
                .level(SignatureLevel.AES).profile(PadesProfile.B_T).build());
        ValidationReport report = engine.validate(DocumentSource.of(second), ValidationOptions.sandbox());
        List<SignatureValidation> entries = report.signatures();
        assertEquals(3, entries.size(), report.toString());
        assertEquals(List.of(false, true, false), entries.stream().map(SignatureValidation::documentTimestamp).toList());
        assertEquals("Jane Doe", entries.get(0).signedBy());
        assertEquals("John Roe", entries.get(2).signedBy());
    }
}
