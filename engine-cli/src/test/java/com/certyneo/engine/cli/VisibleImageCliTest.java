package com.certyneo.engine.cli;

import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.certyneo.engine.cli.CliErrorsTest.JANE;
import static com.certyneo.engine.cli.CliErrorsTest.fix;
import static com.certyneo.engine.cli.CliErrorsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sign --visible ... --image FILE} and {@code sign --field NAME --image FILE}: the image is drawn in the box (the
 * placed field's own); a bad image, or an image for an invisible field, is exit 2 and writes nothing.
 */
class VisibleImageCliTest {

    @TempDir
    static Path dir;
    static String home;
    static Path unsigned;

    @BeforeAll
    static void setUp() throws Exception {
        home = dir.resolve("home").toString();
        unsigned = Files.write(dir.resolve("unsigned.pdf"), SamplePdfs.multiPage(1));
    }

    @Test
    void anImageIsDrawnInTheBoxAndTheSignatureValidates() throws Exception {
        BufferedImage image = new BufferedImage(240, 80, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x10, 0x30, 0xE0));
        g.fillOval(10, 10, 220, 60);
        g.dispose();
        Path png = dir.resolve("signature.png");
        ImageIO.write(image, "png", png.toFile());
        Path out = dir.resolve("with-image.pdf");
        CliErrorsTest.Result r = run("sign", unsigned.toString(), "-o", out.toString(), "--signer", "Анна Иванова <anna@example.com>",
                "--auth", "sms-otp", "--home", home, "--visible", "1,72,100,260,80", "--image", png.toString(),
                "--reason", "Approved");
        assertEquals(0, r.code(), r.err());
        CliErrorsTest.Result validate = run("validate", out.toString(), "--sandbox", "--home", home);
        assertEquals(0, validate.code(), validate.out());
        try (PDDocument document = Loader.loadPDF(out.toFile())) {
            PDAppearanceStream appearance = document.getSignatureFields().get(0).getWidgets().get(0).getNormalAppearanceStream();
            COSName name = appearance.getResources().getXObjectNames().iterator().next();
            PDImageXObject drawn = (PDImageXObject) appearance.getResources().getXObject(name);
            assertEquals(240, drawn.getWidth());
            assertNotNull(drawn.getCOSObject().getDictionaryObject(COSName.SMASK), "the alpha channel kept");
        }
    }

    @Test
    void aPlacedFieldIsDrawnInWithTheImageAndAnInvisibleOneRefusesIt() throws Exception {
        BufferedImage image = new BufferedImage(120, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 120, 40);
        g.setColor(Color.BLUE);
        g.drawLine(5, 30, 115, 10);
        g.dispose();
        Path jpeg = dir.resolve("scribble.jpg");
        ImageIO.write(image, "jpeg", jpeg.toFile());
        Path fields = dir.resolve("fields.pdf");
        CliErrorsTest.Result add = run("fields", "add", unsigned.toString(), "-o", fields.toString(), "--field", "buyer",
                "--field", "seller,1,40,300,200,60", "--home", home);
        assertEquals(0, add.code(), add.err());

        Path never = dir.resolve("buyer-never.pdf");
        CliErrorsTest.Result invisible = run("sign", fields.toString(), "-o", never.toString(), "--signer", JANE, "--auth",
                "sms-otp", "--home", home, "--field", "buyer", "--image", jpeg.toString());
        assertEquals(2, invisible.code(), invisible.err());
        assertTrue(invisible.err().contains("'buyer' has no box on a page"), invisible.err());
        assertFalse(Files.exists(never));

        Path signed = dir.resolve("seller-signed.pdf");
        CliErrorsTest.Result r = run("sign", fields.toString(), "-o", signed.toString(), "--signer", JANE, "--auth",
                "sms-otp", "--home", home, "--field", "seller", "--image", jpeg.toString());
        assertEquals(0, r.code(), r.err());
        CliErrorsTest.Result validate = run("validate", signed.toString(), "--sandbox", "--home", home);
        assertEquals(0, validate.code(), validate.out());
        try (PDDocument document = Loader.loadPDF(signed.toFile())) {
            var seller = document.getSignatureFields().stream().filter(f -> f.getPartialName().equals("seller"))
                    .findFirst().orElseThrow().getWidgets().get(0);
            PDAppearanceStream appearance = seller.getNormalAppearanceStream();
            assertEquals(200, appearance.getBBox().getWidth(), 0.5, "drawn in the field's own box");
            COSName name = appearance.getResources().getXObjectNames().iterator().next();
            assertEquals(120, ((PDImageXObject) appearance.getResources().getXObject(name)).getWidth());
        }
    }

    @Test
    void aFileThatIsNotAnImageIsExit2AndNothingIsWritten() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("never.pdf");
        CliErrorsTest.Result r = run("sign", unsigned.toString(), "-o", out.toString(), "--signer", JANE, "--auth", "sms-otp",
                "--home", home, "--visible", "1,72,100,260,80", "--image", text.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: INVALID_REQUEST: The appearance image " + text + " is neither a PNG nor a JPEG"),
                r.err());
        assertTrue(fix(r).contains("PNG or JPEG"), r.err());
        assertFalse(Files.exists(out));

        CliErrorsTest.Result alone = run("sign", unsigned.toString(), "-o", out.toString(), "--signer", JANE, "--auth",
                "sms-otp", "--home", home, "--image", text.toString());
        assertEquals(2, alone.code(), alone.err());
        assertTrue(fix(alone).contains("--visible") && fix(alone).contains("--field"), alone.err());
        assertFalse(Files.exists(out));
    }
}
