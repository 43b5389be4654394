package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.filter.FilterFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The general-purpose filters besides Flate ({@link PdfSyntax#decode}: LZW, ASCIIHex, ASCII85, RunLength), which a
 * cross-reference stream may use. Before, the input check left such a section's entries unchecked and the modification
 * check could not read it: an input whose cross-reference stream is ASCII85 (pdf.js's PDFBOX-3148-2-fuzzed.pdf, whose
 * ASCII85 qpdf cannot decode) was signed, and the engine's own signature then failed its own validation as "cannot be
 * compared".
 */
class StreamFiltersTest {

    @TempDir
    static Path home;
    @TempDir
    Path dir;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    /** PDFBox's encoder, as a reference: {@link PdfSyntax} decodes what it encodes, for random and repetitive data. */
    @ParameterizedTest
    @ValueSource(strings = {"LZWDecode", "ASCIIHexDecode", "ASCII85Decode", "RunLengthDecode"})
    void decodesWhatPdfBoxEncodes(String filter) throws IOException {
        Random random = new Random(filter.hashCode());
        for (int size : new int[] {0, 1, 2, 3, 4, 5, 127, 128, 129, 300, 5000, 70_000}) {
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                // runs, zero groups (ASCII85 'z') and noise, so that every code path is taken
                data[i] = (byte) (i % 97 < 40 ? 0 : i % 97 < 70 ? 'a' : random.nextInt(256));
            }
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            FilterFactory.INSTANCE.getFilter(COSName.getPDFName(filter))
                    .encode(new ByteArrayInputStream(data), encoded, new COSDictionary(), 0);
            byte[] decoded = PdfSyntax.decode(Map.<String, Object>of("Filter", new PdfSyntax.Name(filter)), encoded.toByteArray(), 1 << 20);
            assertArrayEquals(data, decoded, filter + " of " + size + " bytes");
        }
    }

    @Test
    void dataAFilterDoesNotDefineIsMalformed() {
        assertMalformed("ASCII85Decode", "9jqo^BlbD-BleB1DJ+*+F(f,q\u007f~>", "character 0x7f");
        assertMalformed("ASCII85Decode", "s8W-\"~>", "beyond 2^32 - 1");
        assertMalformed("ASCII85Decode", "9jqo^B~>", "group of one character");
        assertMalformed("ASCII85Decode", "9jqo^~x", "not followed by '>'");
        assertMalformed("ASCIIHexDecode", "4142G3>", "character 0x47");
        assertMalformed("RunLengthDecode", "\u0005ab", "cut short");
        // the short forms of the names decode too; an odd last hexadecimal digit is followed by 0
        assertArrayEquals("A@".getBytes(StandardCharsets.US_ASCII), PdfSyntax.decode(
                Map.<String, Object>of("Filter", new PdfSyntax.Name("AHx")), "41 4>".getBytes(StandardCharsets.US_ASCII), 100));
    }

    private static void assertMalformed(String filter, String data, String expected) {
        PdfSyntax.Malformed e = assertThrows(PdfSyntax.Malformed.class, () -> PdfSyntax.decode(
                Map.<String, Object>of("Filter", new PdfSyntax.Name(filter)), data.getBytes(StandardCharsets.ISO_8859_1), 1 << 20));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** An input whose cross-reference stream is ASCII85: qpdf reads it, and so now does every check of the engine. */
    @Test
    void anAscii85CrossReferenceStreamIsSignedAndOurSignatureValidates() throws Exception {
        byte[] input = withCrossReferenceStream(false);
        Path in = dir.resolve("ascii85-xref.pdf");
        Files.write(in, input);
        assertEquals(0, ExternalValidators.qpdfCheck(in).exitCode(), ExternalValidators.qpdfCheck(in).output());

        Path out = dir.resolve("signed.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .profile(PadesProfile.B_LT).build());
        ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        SignatureValidation ours = report.signatures().stream().filter(s -> !s.documentTimestamp()).findFirst().orElseThrow();
        assertEquals(Indication.TOTAL_PASSED, ours.indication(), report.toString());
        assertTrue(ours.modifications().isEmpty(), ours.modifications().toString());
        assertEquals(0, ExternalValidators.qpdfCheck(out).exitCode(), ExternalValidators.qpdfCheck(out).output());
    }

    /** The same file with a character ASCII85 does not define in its cross-reference stream: refused, nothing written. */
    @Test
    void aCrossReferenceStreamThatDoesNotDecodeIsRefused() throws Exception {
        Path in = dir.resolve("broken-ascii85-xref.pdf");
        Files.write(in, withCrossReferenceStream(true));
        assertFalse(ExternalValidators.qpdfCheck(in).exitCode() == 0 && ExternalValidators.qpdfCheck(in).output().isBlank(),
                "qpdf finds the file damaged");
        Path out = dir.resolve("refused.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                .document(DocumentSource.of(in)).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .profile(PadesProfile.B_T).build()));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("cross-reference stream") && e.getMessage().contains("ASCII85Decode"),
                e.getMessage());
        assertFalse(Files.exists(out));
    }

    /**
     * A one-page PDF 1.5 whose only cross-reference section is a stream with {@code /Filter /ASCII85Decode}, written by
     * hand (no producer at hand writes this filter there): catalog 1, pages 2, page 3, content 4, the stream 5.
     *
     * @param damaged whether a byte of the encoded entries is replaced by one ASCII85 does not define
     */
    static byte[] withCrossReferenceStream(boolean damaged) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        long[] offsets = new long[6];
        write(file, "%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n");
        String content = "BT /F1 24 Tf 72 720 Td (ASCII85 cross-reference stream) Tj ET";
        String[] objects = {
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                        + " /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
                "<< /Length " + content.length() + " >>\nstream\n" + content + "\nendstream"};
        for (int i = 0; i < objects.length; i++) {
            offsets[i + 1] = file.size();
            write(file, (i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n");
        }
        offsets[5] = file.size();
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            entries.write(i == 0 ? 0 : 1);
            for (int shift = 24; shift >= 0; shift -= 8) {
                entries.write((int) ((i == 0 ? 0 : offsets[i]) >>> shift));
            }
            entries.write(i == 0 ? 0xff : 0);
            entries.write(i == 0 ? 0xff : 0);
        }
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        FilterFactory.INSTANCE.getFilter(COSName.ASCII85_DECODE)
                .encode(new ByteArrayInputStream(entries.toByteArray()), encoded, new COSDictionary(), 0);
        byte[] data = encoded.toByteArray();
        if (damaged) {
            data[3] = 'x'; // beyond 'u'
        }
        write(file, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /ASCII85Decode /Length " + data.length
                + " >>\nstream\n");
        file.write(data);
        write(file, "\nendstream\nendobj\nstartxref\n" + offsets[5] + "\n%%EOF\n");
        return file.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
