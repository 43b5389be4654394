package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.keys.Pkcs11Token;
import com.certyneo.engine.tsp.TsaClient;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The root README's production engine, run: the platform seal on a PKCS#11 token (SoftHSM2, as in
 * {@link Pkcs11SigningTest}; under CI=true a missing SoftHSM2 fails), one-time AES certificates from a CA key, two
 * RFC 3161 TSAs over HTTP and revocation data fetched online, all on test-vectors' served PKI. The token and the
 * engine are closed by the try-with-resources the README shows.
 */
class ReadmeProductionEngineTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    @TempDir
    Path dir;

    @Test
    void theProductionEngineSealsAndSignsAtAes() throws Exception {
        Pkcs11SigningTest.createToken();
        TestPki pki = server.pki();
        TestPki.Credential seal = pki.goodSigner();
        KeyStore token = tokenKeyStore();
        token.setKeyEntry("platform-seal", seal.key(), null, seal.chain().toArray(new Certificate[0]));
        try {
            // What the README's variables stand for: the token, the AES issuing CA, where its certificates point,
            // the TSAs and the root, here all from the served test PKI.
            Path pkcs11Library = Pkcs11SigningTest.LIBRARY;
            long slot = Pkcs11SigningTest.slot;
            char[] pin = Pkcs11SigningTest.PIN;
            PrivateKey caKey = pki.issuingCa().key();
            List<X509Certificate> caChain = pki.issuingCa().chain();
            String crlUrl = pki.crlUrl();
            String ocspUrl = null;        // the test PKI's responder knows only its own certificates (TestPki#issuingCa)
            String caIssuersUrl = null;   // the chain is in the signature
            String tsaUrl = pki.tsaUrl(1);
            String backupTsaUrl = pki.tsaUrl(2);
            X509Certificate root = pki.root();
            Path sealedInvoice = dir.resolve("invoice-sealed.pdf");
            Path signedContract = dir.resolve("contract-signed.pdf");
            SignRequest sealRequest = SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "invoice.pdf"))
                    .output(DocumentTarget.of(sealedInvoice)).signer(Signer.of("ACME Billing", "billing@acme.example"))
                    .level(SignatureLevel.SES).build();
            SignRequest signRequest = SignRequest.builder().document(DocumentSource.of(PdfVector.MULTI_PAGE.bytes(), "contract.pdf"))
                    .output(DocumentTarget.of(signedContract))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .build();

            // snippet README.md
            try (Pkcs11Token hsm = Pkcs11Token.builder().library(pkcs11Library).slot(slot).pin(pin).build();
                 SignatureEngine engine = PadesSignatureEngine.builder()
                         .sealKey(hsm.key("platform-seal"))                          // SES
                         .oneTimeCertificateIssuer(OneTimeCertificateAuthority.builder()
                                 .caKey(caKey, caChain).revocationPointers(crlUrl, ocspUrl, caIssuersUrl).build())  // AES
                         .timestampSource(TsaClient.builder().endpoint(tsaUrl).endpoint(backupTsaUrl).build())  // B-T and above
                         .onlineRevocation(Duration.ofSeconds(10))   // B-LT and B-LTA (or revocationSource(...))
                         .trustAnchor(root)
                         .build()) {
                engine.sign(sealRequest);    // SES: the platform seal, on the token
                engine.sign(signRequest);    // AES (the default level): a one-time certificate for the signer
            }   // closes the engine, then the token
            // end snippet

            // Validation is offline: a bare engine with the root alone, from the data the signatures carry.
            PadesSignatureEngine validator = PadesSignatureEngine.builder().build();
            SignatureValidation sealed = validated(validator, sealedInvoice, pki);
            assertTrue(sealed.signerSubject().contains("CN=Good Signer EC P-256"), sealed.signerSubject());
            SignatureValidation signed = validated(validator, signedContract, pki);
            assertTrue(signed.signerSubject().contains("CN=Jane Doe"), signed.signerSubject());
            assertTrue(signed.certificateChain().size() >= 2 && signed.certificateChain().get(1).contains("Certyneo Test Issuing CA"),
                    "the one-time certificate is issued by the test PKI's issuing CA: " + signed.certificateChain());
        } finally {
            token.deleteEntry("platform-seal");   // Pkcs11SigningTest expects its token to hold its own key only
        }
    }

    /** @return the one signature of a signed file, checked TOTAL_PASSED at B-LT (the default with revocation data) */
    static SignatureValidation validated(PadesSignatureEngine validator, Path signed, TestPki pki) {
        ValidationReport report = validator.validate(DocumentSource.of(signed), ValidationOptions.trusting(pki.trustAnchors()));
        assertTrue(report.allPassed(), report.toString());
        SignatureValidation v = report.signatures().stream().filter(s -> !s.documentTimestamp()).findFirst().orElseThrow();
        assertEquals(PadesProfile.B_LT, v.profile().orElseThrow(), v.toString());
        return v;
    }

    static KeyStore tokenKeyStore() throws Exception {
        Provider provider = Security.getProvider("SunPKCS11").configure(
                "--name=readme\nlibrary=" + Pkcs11SigningTest.LIBRARY + "\nslot=" + Pkcs11SigningTest.slot + "\n");
        KeyStore ks = KeyStore.getInstance("PKCS11", provider);
        ks.load(null, Pkcs11SigningTest.PIN);
        return ks;
    }
}
