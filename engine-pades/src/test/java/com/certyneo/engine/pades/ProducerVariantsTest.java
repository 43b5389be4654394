package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same document rewritten by other producers' writers (qpdf object streams, linearization and
 * plain tables; cairo; Ghostscript) is signed twice (B-LT, then B-LTA) and must pass DSS, pdfsig and
 * qpdf every time. Guards against tuning the engine to PDFBox's own file layout.
 */
class ProducerVariantsTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qpdf-object-streams", "qpdf-linearized", "qpdf-linearized-object-streams",
            "qpdf-classic-table", "cairo", "ghostscript"})
    void signsTwiceAndPassesEveryChecker(String variant) throws Exception {
        Path original = dir.resolve(variant + "-original.pdf");
        Files.write(original, SamplePdfs.multiPage(3));
        Path input = dir.resolve(variant + ".pdf");
        List<String> command = switch (variant) {
            case "qpdf-object-streams" -> List.of("qpdf", "--warning-exit-0", "--object-streams=generate", original.toString(), input.toString());
            case "qpdf-linearized" -> List.of("qpdf", "--warning-exit-0", "--linearize", original.toString(), input.toString());
            case "qpdf-linearized-object-streams" -> List.of("qpdf", "--warning-exit-0", "--linearize",
                    "--object-streams=generate", original.toString(), input.toString());
            case "qpdf-classic-table" -> List.of("qpdf", "--warning-exit-0", "--object-streams=disable", original.toString(), input.toString());
            case "cairo" -> List.of("pdftocairo", "-pdf", original.toString(), input.toString());
            case "ghostscript" -> List.of("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-o", input.toString(), original.toString());
            default -> throw new IllegalArgumentException(variant);
        };
        assumeTrue(ExternalValidators.require(command.get(0)), command.get(0) + " not installed");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), log);

        Path first = dir.resolve(variant + "-1.pdf");
        Path second = dir.resolve(variant + "-2.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(input)).output(DocumentTarget.of(first))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .build());
        engine.sign(SignRequest.builder().document(DocumentSource.of(first)).output(DocumentTarget.of(second))
                .signer(Signer.parse("Bob Nguyen <bob@example.com>").authenticatedBy(AuthenticationMethod.EMAIL_OTP, Instant.now()))
                .profile(PadesProfile.B_LTA).build());

        ValidationReport report = engine.validate(DocumentSource.of(second), ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
        assertEquals(2, report.signatures().stream().filter(s -> !s.documentTimestamp()).count());
        assumeTrue(ExternalValidators.require("pdfsig") & ExternalValidators.require("qpdf"));
        ExternalValidators.Run qpdf = ExternalValidators.qpdfCheck(second);
        assertEquals(0, qpdf.exitCode(), qpdf.output());
        assertEquals(2, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(second).output()));
    }
}
