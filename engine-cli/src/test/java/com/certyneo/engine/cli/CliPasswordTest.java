package com.certyneo.engine.cli;

import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --password-env VAR} on sign and validate: an encrypted PDF is signed with its password (read from the
 * environment: the surefire configuration sets CERTYNEO_TEST_PDF_PASSWORD) and stays encrypted; validation needs the
 * password too; a wrong password, a missing one or an unset variable fail with the documented exit codes and write
 * nothing; the password never appears in any output.
 */
class CliPasswordTest {

    private static final String PASSWORD = "pdf-test-password"; // CERTYNEO_TEST_PDF_PASSWORD in engine-cli/pom.xml

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void signsAndValidatesAnEncryptedPdfWithThePasswordFromTheEnvironment() throws Exception {
        assertEquals(PASSWORD, System.getenv("CERTYNEO_TEST_PDF_PASSWORD"), "surefire sets the test password");
        Path in = dir.resolve("encrypted.pdf");
        Files.write(in, SamplePdfs.encryptedWithUserPassword(PASSWORD));
        Path out = dir.resolve("signed.pdf");
        String home = dir.resolve("home").toString();

        Result wrong = run("sign", in.toString(), "-o", out.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--password-env", "CERTYNEO_TEST_WRONG_PDF_PASSWORD");
        assertEquals(3, wrong.code(), wrong.err());
        assertTrue(wrong.err().startsWith("error: ENCRYPTED_PDF"), wrong.err());
        assertFalse(wrong.err().contains("not-the-password"), wrong.err());
        assertFalse(Files.exists(out));

        Result unset = run("sign", in.toString(), "-o", out.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--password-env", "CERTYNEO_TEST_NO_SUCH_VARIABLE");
        assertEquals(2, unset.code(), unset.err());
        assertTrue(unset.err().contains("CERTYNEO_TEST_NO_SUCH_VARIABLE is not set"), unset.err());
        assertFalse(Files.exists(out));

        Result sign = run("sign", in.toString(), "-o", out.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--password-env", "CERTYNEO_TEST_PDF_PASSWORD", "--profile", "B-T");
        assertEquals(0, sign.code(), sign.err());
        assertFalse(sign.out().contains(PASSWORD) || sign.err().contains(PASSWORD));
        try (PDDocument signed = Loader.loadPDF(Files.readAllBytes(out), PASSWORD)) {
            assertTrue(signed.isEncrypted(), "the output keeps the encryption");
            assertEquals(1, signed.getSignatureDictionaries().size());
        }

        Result validate = run("validate", out.toString(), "--sandbox", "--home", home,
                "--password-env", "CERTYNEO_TEST_PDF_PASSWORD");
        assertEquals(0, validate.code(), validate.out() + validate.err());
        assertTrue(validate.out().contains("TOTAL_PASSED"), validate.out());

        Result locked = run("validate", out.toString(), "--sandbox", "--home", home);
        assertEquals(3, locked.code(), locked.out() + locked.err());
        assertTrue(locked.err().contains("ENCRYPTED_PDF"), locked.err());
    }
}
