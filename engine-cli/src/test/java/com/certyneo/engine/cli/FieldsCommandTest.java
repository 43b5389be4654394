package com.certyneo.engine.cli;

import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.certyneo.engine.cli.CliErrorsTest.JAVA;
import static com.certyneo.engine.cli.CliErrorsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code certyneo fields add/list}, {@code sign --certify} and {@code sign --lock}: exit codes, what the output
 * holds (listed back, validated), and bad input in the user's terms with nothing written.
 */
class FieldsCommandTest {

    @TempDir
    static Path dir;
    static String home;
    static Path unsigned;

    @BeforeAll
    static void input() throws Exception {
        home = dir.resolve("home").toString();
        unsigned = Files.write(dir.resolve("unsigned.pdf"), SamplePdfs.multiPage(2));
    }

    static CliErrorsTest.Result sign(Path in, Path out, String who, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("sign", in.toString(), "-o", out.toString(), "--signer",
                who + " <" + who.toLowerCase(java.util.Locale.ROOT) + "@example.com>", "--auth", "sms-otp", "--home", home));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void fieldsAddedUpFrontAreListedSignedCertifiedAndLocked() {
        Path fields = dir.resolve("fields.pdf");
        CliErrorsTest.Result add = run("fields", "add", unsigned.toString(), "-o", fields.toString(), "--field", "buyer",
                "--field", "seller,2,40,60,180,50", "--lock", "seller=include:buyer", "--home", home);
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().contains("SANDBOX"), add.out());
        CliErrorsTest.Result list = run("fields", "list", fields.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().matches("(?s).*buyer\\s+1\\s+invisible\\s+empty\\s+-.*"), list.out());
        assertTrue(list.out().matches("(?s).*seller\\s+2\\s+40,60,180,50\\s+empty\\s+include:buyer.*"), list.out());

        Path first = dir.resolve("first.pdf");
        CliErrorsTest.Result certified = sign(fields, first, "Buyer", "--field", "buyer", "--certify", "form-fill");
        assertEquals(0, certified.code(), certified.err());
        Path both = dir.resolve("both.pdf");
        CliErrorsTest.Result locked = sign(first, both, "Seller", "--field", "seller", "--lock", "all",
                "--visible", "2,40,60,180,50");
        assertEquals(0, locked.code(), locked.err());
        CliErrorsTest.Result validate = run("validate", both.toString(), "--sandbox", "--home", home);
        assertEquals(0, validate.code(), validate.out() + validate.err());
        CliErrorsTest.Result listed = run("fields", "list", both.toString());
        assertTrue(listed.out().matches("(?s).*buyer\\s+1\\s+invisible\\s+signed.*"), listed.out());
        assertTrue(listed.out().matches("(?s).*seller\\s+2\\s+40,60,180,50\\s+signed\\s+include:buyer.*"), listed.out());
    }

    @Test
    void aDocumentCertifiedWithNoChangesRefusesTheNextSigner() {
        Path certified = dir.resolve("p1.pdf");
        assertEquals(0, sign(unsigned, certified, "Author", "--certify", "no-changes", "--profile", "B-B").code());
        Path never = dir.resolve("p1-never.pdf");
        CliErrorsTest.Result refused = sign(certified, never, "Other", "--profile", "B-B");
        assertEquals(Main.INPUT, refused.code(), refused.err());
        assertTrue(refused.err().contains("DocMDP /P 1"), refused.err());
        assertFalse(Files.exists(never));
    }

    @Test
    void badFieldsAndFlagsAreUsageErrorsNamingTheProblemAndNothingIsWritten() throws Exception {
        Path fields = dir.resolve("existing.pdf");
        assertEquals(0, run("fields", "add", unsigned.toString(), "-o", fields.toString(), "--field", "buyer",
                "--home", home).code());
        Path never = dir.resolve("never.pdf");
        record Case(List<String> args, List<String> words) {
        }
        for (Case c : List.of(
                new Case(List.of("fields", "add", fields.toString(), "--field", "buyer"), List.of("'buyer'", "already")),
                new Case(List.of("fields", "add", unsigned.toString(), "--field", "x,3,10,10,100,40"),
                        List.of("page 3", "has 2 pages", "595.28 x 841.89")),
                new Case(List.of("fields", "add", unsigned.toString(), "--field", "x,1,10,800,100,60"),
                        List.of("off page 1", "595.28 x 841.89", "top-left", "y + height at most 841.89")),
                new Case(List.of("fields", "add", unsigned.toString(), "--field", "x,1,10"), List.of("NAME,PAGE,X,Y,W,H")),
                new Case(List.of("fields", "add", unsigned.toString(), "--field", "a.b"), List.of("'a.b'", "period")),
                new Case(List.of("fields", "add", unsigned.toString(), "--field", "a", "--lock", "b=all"), List.of("--lock")),
                new Case(List.of("sign", unsigned.toString(), "--signer", "Jane <jane@example.com>", "--auth", "sms-otp",
                        "--certify", "sometimes"), List.of("sometimes", "no-changes, form-fill or annotate")),
                new Case(List.of("sign", unsigned.toString(), "--signer", "Jane <jane@example.com>", "--auth", "sms-otp",
                        "--lock", "some"), List.of("'some'", "include:NAME")))) {
            List<String> args = new java.util.ArrayList<>(c.args());
            args.addAll(List.of("-o", never.toString(), "--home", home));
            CliErrorsTest.Result r = run(args.toArray(String[]::new));
            assertEquals(Main.USAGE, r.code(), c + ": " + r.err());
            for (String word : c.words()) {
                assertTrue(r.err().contains(word), word + " in " + r.err());
            }
            assertFalse(JAVA.matcher(r.err()).find(), r.err());
            assertFalse(Files.exists(never), c.toString());
        }
    }
}
