package com.certyneo.engine.cli;

import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code certyneo sign --p12}: a production seal with a real TSA and online revocation, validated with --trust. */
class ProductionSignTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    @TempDir
    Path dir;

    int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void signsAsAProductionSealAndValidatesWithTheRootOnly() throws Exception {
        TestPki pki = server.pki();
        TestPki.Credential seal = pki.goodSigner();
        Path p12 = dir.resolve("seal.p12");
        writeP12(seal, p12);
        Path root = dir.resolve("root.pem");
        pki.writeRootPem(root);
        Path in = dir.resolve("in.pdf");
        Files.write(in, SamplePdfs.multiPage(2));
        Path signed = dir.resolve("signed.pdf");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "sign", in.toString(), "-o", signed.toString(), "--level", "SES",
                "--signer", "Operations <ops@example.com>", "--p12", p12.toString(),
                "--p12-password-env", "CERTYNEO_TEST_P12_PASSWORD", "--tsa", pki.tsaUrl(1), "--trust", root.toString(),
                "--online-revocation", "--home", dir.resolve("home").toString());
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("SES, PAdES B-LT"), out.toString());
        assertTrue(Files.exists(dir.resolve("home/revocation-cache.mv.db")), "online answers kept in the home's cache");
        assertFalse(out.toString().contains("SANDBOX"), "production output is not sandbox output");

        StringWriter report = new StringWriter();
        assertEquals(0, run(report, new StringWriter(), "validate", signed.toString(), "--trust", root.toString()),
                report.toString());
        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(signed).exitCode());
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(signed).output()));
        }

        // A document time-stamp from a production TSA (failover past a dead one), validated with the root.
        Path stamped = dir.resolve("stamped.pdf");
        StringWriter stampOut = new StringWriter();
        assertEquals(0, run(stampOut, new StringWriter(), "timestamp", signed.toString(), "-o", stamped.toString(),
                "--tsa", "http://127.0.0.1:1/", "--tsa", pki.tsaUrl(2)), stampOut.toString());
        StringWriter stampReport = new StringWriter();
        assertEquals(0, run(stampReport, new StringWriter(), "validate", stamped.toString(), "--trust", root.toString()),
                stampReport.toString());
        assertTrue(stampReport.toString().contains("document time-stamp"), stampReport.toString());

        // Pinned TSA: its TSU certificate's issuer as the pin passes; another TSA's TSU certificate as the pin refuses
        // the token (exit 1, TSA_RESPONSE_INVALID naming the pin check), and nothing is written.
        Path issuerPin = dir.resolve("tsa1-issuer.pem");
        Path otherPin = dir.resolve("tsa2-tsu.pem");
        Files.writeString(issuerPin, pem(pki.tsa(1).chain().get(1)));
        Files.writeString(otherPin, pem(pki.tsa(2).chain().get(0)));
        Path pinned = dir.resolve("pinned.pdf");
        StringWriter pinnedOut = new StringWriter();
        assertEquals(0, run(pinnedOut, new StringWriter(), "timestamp", signed.toString(), "-o", pinned.toString(),
                "--tsa", pki.tsaUrl(1), "--tsa-pin", issuerPin.toString()), pinnedOut.toString());
        StringWriter wrongPin = new StringWriter();
        Path refused = dir.resolve("refused.pdf");
        int refusedCode = run(new StringWriter(), wrongPin, "timestamp", signed.toString(), "-o", refused.toString(),
                "--tsa", pki.tsaUrl(1), "--tsa-pin", otherPin.toString());
        assertTrue(refusedCode != 0 && wrongPin.toString().contains("TSU certificate pin"), refusedCode + " " + wrongPin);
        assertFalse(Files.exists(refused));
        StringWriter noTsa = new StringWriter();
        assertEquals(2, run(new StringWriter(), noTsa, "timestamp", signed.toString(), "-o", refused.toString(),
                "--tsa-pin", otherPin.toString()));
        assertTrue(noTsa.toString().contains("--tsa-pin needs --tsa"), noTsa.toString());

        StringWriter noPassword = new StringWriter();
        assertEquals(2, run(new StringWriter(), noPassword, "sign", in.toString(), "-o", dir.resolve("x.pdf").toString(),
                "--level", "SES", "--signer", "Operations <ops@example.com>", "--p12", p12.toString(),
                "--p12-password-env", "CERTYNEO_NO_SUCH_VARIABLE"));
        assertTrue(noPassword.toString().contains("CERTYNEO_NO_SUCH_VARIABLE"), noPassword.toString());
        assertFalse(Files.exists(dir.resolve("x.pdf")));
    }

    static String pem(java.security.cert.X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    /** Writes {@code seal} to a PKCS#12 file under alias "seal", password "p12-test-password". */
    static void writeP12(TestPki.Credential seal, Path p12) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("seal", seal.key(), "p12-test-password".toCharArray(), seal.chain().toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(p12)) {
            store.store(out, "p12-test-password".toCharArray());
        }
    }
}
