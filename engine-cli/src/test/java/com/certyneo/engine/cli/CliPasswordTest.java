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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --password-env VAR} on sign, validate, extend and timestamp: an encrypted PDF is signed with its password (read from the
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

    @Test
    void extendsAndTimestampsAnEncryptedPdfWithThePasswordFromTheEnvironment() throws Exception {
        Path in = dir.resolve("encrypted.pdf");
        byte[] encrypted = SamplePdfs.encryptedWithUserPassword(PASSWORD);
        Files.write(in, encrypted);
        String home = dir.resolve("home").toString();
        Path signed = dir.resolve("signed.pdf");
        Result sign = run("sign", in.toString(), "-o", signed.toString(), "--signer", "Jane Doe <jane@example.com>",
                "--auth", "sms-otp", "--home", home, "--password-env", "CERTYNEO_TEST_PDF_PASSWORD", "--profile", "B-T");
        assertEquals(0, sign.code(), sign.err());

        Path extended = dir.resolve("extended.pdf");
        Path stamped = dir.resolve("stamped.pdf");
        for (String[] refused : List.of(
                new String[] {"extend", signed.toString(), "-o", extended.toString(), "--home", home},
                new String[] {"extend", signed.toString(), "-o", extended.toString(), "--home", home,
                        "--password-env", "CERTYNEO_TEST_WRONG_PDF_PASSWORD"},
                new String[] {"timestamp", in.toString(), "-o", stamped.toString(), "--home", home},
                new String[] {"timestamp", in.toString(), "-o", stamped.toString(), "--home", home,
                        "--password-env", "CERTYNEO_TEST_WRONG_PDF_PASSWORD"})) {
            Result r = run(refused);
            assertEquals(3, r.code(), String.join(" ", refused) + ": " + r.err());
            assertTrue(r.err().startsWith("error: ENCRYPTED_PDF"), r.err());
            assertFalse(Files.exists(extended) || Files.exists(stamped), "nothing is written");
        }

        Result extend = run("extend", signed.toString(), "-o", extended.toString(), "--home", home,
                "--profile", "B-LTA", "--password-env", "CERTYNEO_TEST_PDF_PASSWORD");
        assertEquals(0, extend.code(), extend.err());
        Result stamp = run("timestamp", in.toString(), "-o", stamped.toString(), "--home", home,
                "--password-env", "CERTYNEO_TEST_PDF_PASSWORD");
        assertEquals(0, stamp.code(), stamp.err());
        for (Path out : List.of(extended, stamped)) {
            byte[] bytes = Files.readAllBytes(out);
            try (PDDocument document = Loader.loadPDF(bytes, PASSWORD)) {
                assertTrue(document.isEncrypted(), "the output keeps the encryption");
            }
            Result validate = run("validate", out.toString(), "--sandbox", "--home", home,
                    "--password-env", "CERTYNEO_TEST_PDF_PASSWORD");
            assertEquals(0, validate.code(), validate.out() + validate.err());
            assertTrue(validate.out().contains("TOTAL_PASSED"), validate.out());
            assertFalse(validate.out().contains(PASSWORD) || extend.out().contains(PASSWORD) || stamp.out().contains(PASSWORD));
        }
        Result validate = run("validate", extended.toString(), "--sandbox", "--home", home, "--json",
                "--password-env", "CERTYNEO_TEST_PDF_PASSWORD");
        assertTrue(validate.out().contains("B-LTA") || validate.out().contains("B_LTA"), validate.out());
    }
}
