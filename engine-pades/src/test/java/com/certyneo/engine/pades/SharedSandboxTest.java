package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox is one object given to engines: engines built on the same {@link Sandbox} share its material (loaded
 * once, each store when first needed), and a production engine has none and never touches a sandbox home.
 */
class SharedSandboxTest {

    @TempDir
    Path dir;

    static Signer jane() {
        return Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    static SignRequest request(SignatureLevel level, Signer signer, PadesProfile profile, Path out) {
        return SignRequest.builder().document(DocumentSource.of(SamplePdfs.multiPage(2), "in.pdf"))
                .output(DocumentTarget.of(out)).signer(signer).level(level).profile(profile).build();
    }

    static SignatureValidation validOne(PadesSignatureEngine engine, Path signed) {
        ValidationReport report = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size(), report.toString());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertTrue(v.sandbox());
        return v;
    }

    @Test
    void openingASandboxReadsAndWritesNothing() {
        Path home = dir.resolve("home");
        Sandbox sandbox = Sandbox.open(home);
        assertEquals(home, sandbox.home());
        assertFalse(Files.exists(home), "nothing is created before an operation needs it");
        X509Certificate root = sandbox.rootCertificate();
        assertTrue(Files.exists(home.resolve("sandbox/sandbox-pki.p12")));
        assertTrue(SandboxPki.isSandboxCertificate(root));
        assertFalse(Files.exists(home.resolve("sandbox/sandbox-qualified-ca.p12")), "the QTSP's CA only for QES");
    }

    @Test
    void enginesOnOneSandboxShareItsMaterialLoadedOnce() throws Exception {
        Path home = dir.resolve("home");
        Sandbox sandbox = Sandbox.open(home);
        Path pkiStore = home.resolve("sandbox/sandbox-pki.p12");
        Path qualifiedStore = home.resolve("sandbox/sandbox-qualified-ca.p12");
        try (PadesSignatureEngine signer = PadesSignatureEngine.builder().sandbox(sandbox).build()) {
            assertTrue(Files.exists(pkiStore), "the first engine loads (here: creates) the sandbox PKI");
            // Every further load would fail: the second engine and both engines' operations use what was loaded.
            Files.move(pkiStore, dir.resolve("moved-away.p12"));
            try (PadesSignatureEngine validator = PadesSignatureEngine.builder().sandbox(sandbox).build()) {
                assertTrue(validator.isSandbox());
                assertSame(signer.sandboxPki().orElseThrow(), validator.sandboxPki().orElseThrow());
                assertSame(sandbox, validator.mode().sandbox().orElseThrow());

                for (SignatureLevel level : List.of(SignatureLevel.SES, SignatureLevel.AES)) {
                    Path out = dir.resolve(level + ".pdf");
                    SigningResult result = signer.sign(request(level, jane(), PadesProfile.B_LT, out));
                    assertTrue(result.sandbox());
                    validOne(validator, out);
                }
                assertFalse(Files.exists(qualifiedStore), "no QES yet: the sandbox QTSP's CA is not loaded");

                // QES through the first engine's QTSP, its CA loaded once by the sandbox; the second engine's OCSP
                // responder answers for it from the same sandbox.
                Path qes = dir.resolve("qes.pdf");
                signer.sign(request(SignatureLevel.QES, Signer.parse("Alice Martin <alice@example.com>")
                        .withPhone("+33611223344"), PadesProfile.B_LT, qes));
                assertTrue(Files.exists(qualifiedStore));
                assertSame(sandbox.qualifiedCa(), sandbox.qualifiedCa());
                assertTrue(validOne(validator, qes).revocationStatus().startsWith("good (OCSP"));

                // The two-step state key comes from the shared sandbox: one engine prepares, the other completes.
                KeyPair pair = X509Builder.newEcKeyPair();
                List<X509Certificate> chain = sandbox.oneTimeIssuer().issue(jane(), pair.getPublic(), Instant.now());
                byte[] pdf = SamplePdfs.minimal();
                PreparedSignature prepared = signer.prepare(PrepareRequest.builder()
                        .document(DocumentSource.of(pdf, "two-step.pdf")).signer(jane())
                        .profile(PadesProfile.B_T).certificateChain(chain).build());
                Signature s = Signature.getInstance(prepared.signatureAlgorithm());
                s.initSign(pair.getPrivate());
                s.update(prepared.dataToSign());
                Path twoStep = dir.resolve("two-step.pdf");
                validator.complete(prepared.state(), s.sign(), DocumentSource.of(pdf, "two-step.pdf"),
                        DocumentTarget.of(twoStep));
                validOne(signer, twoStep);
            }
        }
        assertFalse(Files.exists(pkiStore), "loaded once: nothing read or recreated it after the first engine");
    }

    @Test
    void aProductionEngineNeverTouchesASandboxHome() throws Exception {
        Path home = dir.resolve("home");
        Sandbox.open(home);
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine production = fixture.engine();
        assertFalse(production.isSandbox());
        assertTrue(production.sandboxPki().isEmpty());

        Path out = dir.resolve("production.pdf");
        SigningResult result = production.sign(request(SignatureLevel.SES, jane(), PadesProfile.B_T, out));
        assertFalse(result.sandbox());
        ValidationReport report = production.validate(DocumentSource.of(out), ValidationOptions.trusting(List.of()));
        assertFalse(report.signatures().get(0).sandbox());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(SignatureEngineException.class,
                () -> production.validate(DocumentSource.of(out), ValidationOptions.sandbox())).code());
        assertEquals(ErrorCode.LEVEL_NOT_CONFIGURED, assertThrows(SignatureEngineException.class,
                () -> production.sign(request(SignatureLevel.QES, jane(), PadesProfile.B_T, dir.resolve("q.pdf")))).code());
        assertFalse(Files.exists(home), "no production operation creates or reads a sandbox home");
    }
}
