package com.certyneo.engine.pades.readme;

// test-vectors' README, "One line: a served PKI for the test class", verbatim (ReadmeSnippetsTest).
// snippet test-vectors/README.md
import com.certyneo.engine.*;
import com.certyneo.engine.pades.OneTimeCertificateAuthority;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.tsp.TsaClient;
import com.certyneo.testvectors.*;
import com.certyneo.testvectors.TestPki.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContractSigningTest {

    @RegisterExtension
    static TestPkiServer pki = TestPkiServer.start();          // 127.0.0.1:<random>, stopped after the class

    @Test
    void signsAtAesLtaAndValidates() {
        TestPki testPki = pki.pki();
        Credential ca = testPki.issuingCa();                   // key() + chain(): issues the one-time certificates
        byte[] pdf = PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes();
        ByteArrayOutputStream signed = new ByteArrayOutputStream();

        // A production AES engine on the test PKI: its CRL, OCSP responder and TSAs are served by the extension.
        try (SignatureEngine engine = PadesSignatureEngine.builder()
                .oneTimeCertificateIssuer(OneTimeCertificateAuthority.builder()
                        .caKey(ca.key(), ca.chain()).revocationPointers(testPki.crlUrl(), null, null).build())
                .timestampSource(TsaClient.builder().endpoint(testPki.tsaUrl(1)).build())
                .onlineRevocation(Duration.ofSeconds(10))
                .trustAnchor(testPki.root())
                .build()) {
            Signer jane = Signer.parse("Jane Doe <jane@example.com>")
                    .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
            engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "form.pdf"))
                    .output(DocumentTarget.of(signed)).signer(jane).profile(PadesProfile.B_LTA).build());

            ValidationReport report = engine.validate(DocumentSource.of(signed.toByteArray(), "signed.pdf"),
                    ValidationOptions.trusting(testPki.trustAnchors()));
            SignatureValidation signature = report.signatures().get(0);
            Expectation expected = ExpectedOutcomes.find(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS, Operation.SIGN_B_LTA).orElseThrow();
            assertEquals(expected.outcome().name(), signature.indication().name());   // TOTAL_PASSED
            assertEquals(expected.format(), signature.format());                      // PAdES-BASELINE-LTA
        }
    }
}
// end snippet
