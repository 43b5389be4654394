package com.certyneo.engine.cli;

import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CLI contract: exit codes, outputs and messages. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    Path pdf(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void signThenValidate() throws Exception {
        Path in = pdf("in.pdf", SamplePdfs.minimal());
        Path out = dir.resolve("out.pdf");
        String home = dir.resolve("home").toString();
        Result sign = run("sign", in.toString(), "-o", out.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--reason", "Approval");
        assertEquals(0, sign.code(), sign.err());
        assertTrue(sign.out().contains("AES, PAdES B-LT"), sign.out());

        Result validate = run("validate", out.toString(), "--sandbox", "--home", home);
        assertEquals(0, validate.code(), validate.out() + validate.err());
        assertTrue(validate.out().contains("TOTAL_PASSED"));

        Result json = run("validate", out.toString(), "--sandbox", "--home", home, "--json");
        assertEquals(0, json.code());
        assertTrue(json.out().contains("\"indication\": \"TOTAL_PASSED\"") && json.out().contains("\"profile\": \"B-LT\""), json.out());

        // Without trusting the sandbox root the chain is not trusted: exit code 1.
        Result untrusted = run("validate", out.toString());
        assertEquals(1, untrusted.code(), untrusted.out());
        assertTrue(untrusted.out().contains("INDETERMINATE"));

        // Exported root + --trust: B-LT carries its revocation data, so it validates with the root alone ...
        Result export = run("pki", "export", dir.toString(), "--home", home);
        assertEquals(0, export.code(), export.err());
        Path root = dir.resolve("sandbox-root.pem");
        assertTrue(Files.readString(root, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
        Result trusted = run("validate", out.toString(), "--trust", root.toString());
        assertEquals(0, trusted.code(), trusted.out());
        // ... while B-T has none: INDETERMINATE, exit 1.
        Path bt = dir.resolve("bt.pdf");
        assertEquals(0, run("sign", in.toString(), "-o", bt.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--profile", "B-T").code());
        Result btTrusted = run("validate", bt.toString(), "--trust", root.toString());
        assertEquals(1, btTrusted.code());
        assertTrue(btTrusted.out().contains("No revocation data found"), btTrusted.out());

        // extend to B-LTA, then timestamp: both validate.
        Path lta = dir.resolve("lta.pdf");
        Result extend = run("extend", bt.toString(), "-o", lta.toString(), "--home", home);
        assertEquals(0, extend.code(), extend.err());
        assertTrue(extend.out().contains("B-LTA"));
        assertEquals(0, run("validate", lta.toString(), "--sandbox", "--home", home).code());

        if (ExternalValidators.require("pdfsig")) {
            assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out).output()));
        }
    }

    @Test
    void exitCodesForBadInputAndNoPartialOutput() throws Exception {
        String home = dir.resolve("home").toString();
        Path out = dir.resolve("out.pdf");
        Result notPdf = run("sign", pdf("x.pdf", "not a pdf".getBytes(StandardCharsets.US_ASCII)).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home);
        assertEquals(3, notPdf.code());
        assertTrue(notPdf.err().startsWith("error: INVALID_PDF"), notPdf.err());
        assertTrue(notPdf.err().contains("fix: "));
        assertFalse(Files.exists(out));

        Result encrypted = run("sign", pdf("e.pdf", SamplePdfs.encryptedWithUserPassword("pw")).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home);
        assertEquals(3, encrypted.code());
        assertTrue(encrypted.err().contains("ENCRYPTED_PDF"));
        assertFalse(Files.exists(out));

        Result noAuth = run("sign", pdf("in.pdf", SamplePdfs.minimal()).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--home", home);
        assertEquals(2, noAuth.code());
        assertTrue(noAuth.err().contains("MISSING_AUTHENTICATION"));
        assertFalse(Files.exists(out));

        Result missing = run("sign", dir.resolve("nope.pdf").toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--auth", "sms-otp", "--home", home);
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("IO_ERROR"));

        Result usage = run("sign", "--level", "XES");
        assertEquals(2, usage.code());
        Result badLevel = run("sign", pdf("in2.pdf", SamplePdfs.minimal()).toString(), "-o", out.toString(),
                "--signer", "Jane <jane@example.com>", "--level", "XES", "--home", home);
        assertEquals(2, badLevel.code());
        assertTrue(badLevel.err().contains("INVALID_REQUEST"));

        Result unsigned = run("validate", pdf("plain.pdf", SamplePdfs.minimal()).toString());
        assertEquals(1, unsigned.code());
        assertTrue(unsigned.out().contains("no signature found"));
        assertEquals(2, run().code());
    }

    @Test
    void demoSignsTwoSignersAndValidates() throws Exception {
        Path out = dir.resolve("demo");
        Result demo = run("demo", "--out", out.toString(), "--home", dir.resolve("home").toString());
        assertEquals(0, demo.code(), demo.out() + demo.err());
        assertTrue(demo.out().contains("2 signature(s)"), demo.out());
        assertTrue(Files.exists(out.resolve("contract-signed.pdf")));
        assumeTrue(ExternalValidators.require("pdfsig") & ExternalValidators.require("qpdf"));
        assertEquals(2, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(out.resolve("contract-signed.pdf")).output()));
        assertEquals(0, ExternalValidators.qpdfCheck(out.resolve("contract-signed.pdf")).exitCode());
    }
}
