package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureField;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.testvectors.PdfVector;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBoolean;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dynamic XFA form ({@code /NeedsRendering true}) is refused for what would not be shown where it is drawn: a
 * signature (any engine), signature fields, and the sandbox's marked document time-stamp; a production document
 * time-stamp adds nothing to the pages and goes ahead, and a static form with an XFA packet is signed as usual.
 * The XFA forms are made here (no producer on the machine writes XFA): a one-page PDF whose AcroForm gets a minimal
 * XDP packet, with and without {@code /NeedsRendering}.
 */
class DynamicXfaTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine sandbox;
    static ProductionFixture production;

    @BeforeAll
    static void engines() {
        sandbox = PadesSignatureEngine.sandbox(dir.resolve("home"));
        production = ProductionFixture.create();
    }

    @AfterAll
    static void close() throws Exception {
        sandbox.close();
        production.engine().close();
    }

    /** A one-page PDF with an AcroForm holding an XDP packet; {@code needsRendering} null leaves the key out. */
    static byte[] xfaForm(Boolean needsRendering) throws Exception {
        try (PDDocument document = Loader.loadPDF(PdfVector.MINIMAL.bytes())) {
            COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
            COSStream xdp = document.getDocument().createCOSStream();
            try (OutputStream out = xdp.createOutputStream()) {
                out.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\">"
                        + "<template xmlns=\"http://www.xfa.org/schema/xfa-template/3.3/\"><subform name=\"form1\" "
                        + "layout=\"tb\"><pageSet><pageArea name=\"Page1\"><contentArea w=\"8.5in\" h=\"11in\"/>"
                        + "</pageArea></pageSet><draw name=\"text\"><value><text>Drawn from XFA</text></value></draw>"
                        + "</subform></template></xdp:xdp>").getBytes(StandardCharsets.UTF_8));
            }
            COSDictionary form = new COSDictionary();
            form.setItem(COSName.FIELDS, new COSArray());
            COSArray xfa = new COSArray();
            xfa.add(new COSString("xdp:xdp"));
            xfa.add(xdp);
            form.setItem(COSName.getPDFName("XFA"), xfa);
            catalog.setItem(COSName.ACRO_FORM, form);
            if (needsRendering != null) {
                catalog.setItem(COSName.getPDFName("NeedsRendering"), COSBoolean.getBoolean(needsRendering));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static SignRequest request(byte[] pdf, Path out, SignatureLevel level) {
        return SignRequest.builder().document(DocumentSource.of(pdf, "xfa.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Jane Doe", "jane@example.com")
                        .authenticatedBy(com.certyneo.engine.AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(PadesProfile.B_T).build();
    }

    private static void assertRefused(Path out, org.junit.jupiter.api.function.Executable operation) {
        SignatureEngineException e = assertThrows(SignatureEngineException.class, operation);
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("dynamic XFA form (/NeedsRendering true)"), e.getMessage());
        assertTrue(e.hint().contains("plain PDF"), e.hint());
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void aDynamicFormIsNotSignedNorGivenFieldsNorMarked() throws Exception {
        byte[] dynamic = xfaForm(true);
        Path out = dir.resolve("never.pdf");
        assertRefused(out, () -> sandbox.sign(request(dynamic, out, SignatureLevel.AES)));
        assertRefused(out, () -> production.engine().sign(request(dynamic, out, SignatureLevel.SES)));
        assertRefused(out, () -> sandbox.prepareFields(DocumentSource.of(dynamic, "xfa.pdf"), DocumentTarget.of(out),
                SignatureField.invisible("buyer")));
        // the sandbox marks every page before its document time-stamp: refused too
        assertRefused(out, () -> sandbox.timestamp(DocumentSource.of(dynamic, "xfa.pdf"), DocumentTarget.of(out)));
        // a production document time-stamp shows nothing on the pages
        Path stamped = dir.resolve("stamped.pdf");
        production.engine().timestamp(DocumentSource.of(dynamic, "xfa.pdf"), DocumentTarget.of(stamped));
        assertTrue(Files.size(stamped) > dynamic.length);
    }

    @Test
    void aStaticFormWithAnXfaPacketIsSigned() throws Exception {
        for (Boolean needsRendering : new Boolean[] {null, false}) {
            byte[] form = xfaForm(needsRendering);
            Path out = dir.resolve("static-" + needsRendering + ".pdf");
            sandbox.sign(request(form, out, SignatureLevel.AES));
            assertEquals(com.certyneo.engine.Indication.TOTAL_PASSED, sandbox.validate(DocumentSource.of(out),
                    ValidationOptions.sandbox()).signatures().get(0).indication());
        }
    }
}
