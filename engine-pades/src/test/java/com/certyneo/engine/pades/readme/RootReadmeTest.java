package com.certyneo.engine.pades.readme;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.pades.Sandbox;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root README's sandbox examples, run: the quick start as a program, the shared sandbox as statements. */
class RootReadmeTest {

    @TempDir
    Path dir;

    /**
     * The quick start is a whole program: run it as a user would (its own JVM, a fresh working directory holding
     * contract.pdf), then check what it wrote with an engine of our own.
     */
    @Test
    void theQuickStartRunsAsShown() throws Exception {
        Files.write(dir.resolve("contract.pdf"), SamplePdfs.minimal());
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), QuickStart.class.getName(), "contract.pdf", "contract-signed.pdf")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the quick start finishes");
        String printed = output.toString(StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), printed);
        assertTrue(printed.contains("AES B-LT, all signatures valid: true"), printed);
        assertTrue(Files.isDirectory(dir.resolve(".certyneo/sandbox")), "the sandbox is in the working directory");

        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve(".certyneo"))) {
            ValidationReport report = engine.validate(DocumentSource.of(dir.resolve("contract-signed.pdf")),
                    ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());
            SignatureValidation jane = report.signatures().stream().filter(s -> !s.documentTimestamp()).findFirst().orElseThrow();
            assertEquals(PadesProfile.B_LT, jane.profile().orElseThrow(), jane.toString());
            assertTrue(jane.signerSubject().contains("Jane Doe"), jane.signerSubject());
            assertTrue(jane.sandbox());
        }
    }

    @Test
    void enginesShareOneSandbox() throws Exception {
        Path home = dir;
        // snippet README.md
        Sandbox sandbox = Sandbox.open(home);                        // home: a directory, e.g. Path.of(".certyneo")
        PadesSignatureEngine signing = PadesSignatureEngine.builder().sandbox(sandbox).build();
        PadesSignatureEngine validating = PadesSignatureEngine.builder().sandbox(sandbox).build();
        X509Certificate root = sandbox.rootCertificate();   // to trust sandbox output in other validators
        // end snippet

        try (signing; validating) {
            Path signed = dir.resolve("signed.pdf");
            SigningResult result = signing.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                    .output(DocumentTarget.of(signed))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .build());
            assertEquals(SignatureLevel.AES, result.level());
            assertEquals(root, result.certificateChain().get(result.certificateChain().size() - 1), "the chain ends at the root");
            ValidationReport report = validating.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());
            assertEquals(List.of(root), List.of(Sandbox.open(home).rootCertificate()), "the same sandbox, reopened");
        }
    }
}
