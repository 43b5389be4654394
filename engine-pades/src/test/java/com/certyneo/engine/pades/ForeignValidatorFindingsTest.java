package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSFloat;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third-party DSS validator must find nothing on our output that it did not find on the input:
 * documents whose annotations are direct dictionaries without appearance streams used to be reported
 * as visually modified after our signature.
 */
class ForeignValidatorFindingsTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    /** One page with text and annotations of several kinds, all direct dictionaries, none with /AP. */
    static byte[] directAnnotationsWithoutAppearances() throws Exception {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 14);
                content.newLineAtOffset(72, 760);
                content.showText("A contract with annotations that have no appearance streams");
                content.endText();
            }
            COSArray annots = new COSArray();
            annots.add(annotation("Square", 100, 600, 200, 680, "Square note"));
            annots.add(annotation("Circle", 250, 600, 350, 680, "Circle note"));
            annots.add(annotation("Text", 400, 600, 420, 620, "Sticky note"));
            annots.add(annotation("FreeText", 100, 500, 300, 540, "Free text"));
            COSDictionary highlight = annotation("Highlight", 72, 755, 400, 775, "Highlighted");
            highlight.setItem(COSName.getPDFName("QuadPoints"), floats(72, 775, 400, 775, 72, 755, 400, 755));
            annots.add(highlight);
            COSDictionary link = annotation("Link", 72, 400, 200, 420, null);
            link.setItem(COSName.BORDER, floats(0, 0, 2));
            annots.add(link);
            page.getCOSObject().setItem(COSName.ANNOTS, annots);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static COSDictionary annotation(String subtype, float x1, float y1, float x2, float y2, String contents) {
        COSDictionary annotation = new COSDictionary();
        annotation.setDirect(true);
        annotation.setItem(COSName.TYPE, COSName.ANNOT);
        annotation.setItem(COSName.SUBTYPE, COSName.getPDFName(subtype));
        annotation.setItem(COSName.RECT, floats(x1, y1, x2, y2));
        annotation.setItem(COSName.C, floats(1, 0, 0));
        annotation.setInt(COSName.F, 4);
        if (contents != null) {
            annotation.setString(COSName.CONTENTS, contents);
        }
        if ("FreeText".equals(subtype)) {
            annotation.setString(COSName.DA, "/Helv 12 Tf 0 0 1 rg");
        }
        return annotation;
    }

    private static COSArray floats(float... values) {
        COSArray array = new COSArray();
        for (float value : values) {
            array.add(new COSFloat(value));
        }
        array.setDirect(true);
        return array;
    }

    @ParameterizedTest
    @EnumSource(value = PadesProfile.class, names = {"B_T", "B_LT", "B_LTA"})
    void dssFindsNothingAfterOurSignatureOnDirectAnnotationsWithoutAppearances(PadesProfile profile) throws Exception {
        byte[] input = directAnnotationsWithoutAppearances();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(input, "annotated.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(SignatureLevel.AES).profile(profile).build());
        DssFindings findings = DssFindings.of(out.toByteArray(), List.of(engine.sandboxPki().orElseThrow().rootCertificate()));
        assertEquals(1, findings.signatures().size(), findings.toString());
        for (DssFindings.Entry entry : findings.entries()) {
            assertTrue(entry.findings().isEmpty(), "DSS reports " + entry.findings() + " for " + entry);
        }
        // Raw DSS has revocation data only from the document itself: from B-LT on.
        if (profile != PadesProfile.B_T) {
            assertEquals("TOTAL_PASSED", findings.signatures().get(0).indication(), findings.toString());
        }
        assertTrue(engine.validate(DocumentSource.of(out.toByteArray(), "signed.pdf"), ValidationOptions.sandbox()).allPassed());
    }
}
