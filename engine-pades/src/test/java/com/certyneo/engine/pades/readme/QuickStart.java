package com.certyneo.engine.pades.readme;

// The README's Java quick start, verbatim (ReadmeSnippetsTest); RootReadmeTest runs it as a program.
// snippet README.md
import com.certyneo.engine.*;
import com.certyneo.engine.pades.PadesSignatureEngine;

import java.nio.file.Path;
import java.time.Instant;

/** Signs a PDF for Jane Doe at AES on the sandbox, then validates it: {@code QuickStart contract.pdf signed.pdf}. */
public class QuickStart {
    public static void main(String[] args) {
        Path contract = Path.of(args[0]);
        Path signed = Path.of(args[1]);
        // The instant your platform checked the one-time code it had sent Jane by SMS. AES needs such evidence:
        // the engine issues a one-time certificate to an authenticated signer only.
        Instant otpVerifiedAt = Instant.now();

        // The sandbox (test PKI, TSA, OCSP responder, made on first use) lives in .certyneo/sandbox.
        try (SignatureEngine engine = PadesSignatureEngine.sandbox(Path.of(".certyneo"))) {
            Signer jane = Signer.parse("Jane Doe <jane@example.com>")
                    .authenticatedBy(AuthenticationMethod.SMS_OTP, otpVerifiedAt);
            SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(contract))
                    .output(DocumentTarget.of(signed)).signer(jane).build());   // AES, PAdES B-LT
            ValidationReport report = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
            System.out.println(result.level() + " " + result.profile() + ", all signatures valid: " + report.allPassed());
        }
    }
}
// end snippet
