package com.certyneo.testvectors;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each PDF vector has the layout it claims, is reproducible when it says so, and passes qpdf. */
class PdfVectorTest {

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void layoutIsWhatTheVectorClaims(PdfVector vector) {
        byte[] bytes = vector.bytes();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("%PDF-1."), vector + " header");
        for (PdfLayout layout : vector.layout()) {
            switch (layout) {
                case XREF_TABLE -> assertTrue(text.contains("\nxref") || text.contains("\rxref"), vector + " has an xref table");
                case XREF_STREAM -> assertTrue(text.contains("/XRef") || text.contains("/Type /XRef"), vector + " has an xref stream");
                case OBJECT_STREAMS -> assertTrue(text.contains("/ObjStm"), vector + " has object streams");
                case HYBRID_XREF -> assertTrue(text.contains("/XRefStm"), vector + " is hybrid");
                case LINEARIZED -> assertTrue(text.substring(0, 1024).contains("/Linearized"), vector + " is linearized");
                case INCREMENTAL_UPDATES -> assertTrue(count(text, "%%EOF") >= 2, vector + " has several revisions");
                case ENCRYPTED -> assertTrue(text.contains("/Encrypt"), vector + " is encrypted");
                case SIGNED -> assertTrue(text.contains("/ByteRange"), vector + " is signed");
                case ACROFORM -> assertTrue(text.contains("/AcroForm"), vector + " has a form");
                case PDF_A_2B -> assertTrue(text.contains("/OutputIntents"), vector + " has an output intent");
                case DAMAGED -> assertFalse(text.contains("%%EOF"), vector + " is cut");
            }
        }
        if (!vector.layout().contains(PdfLayout.XREF_STREAM) && !vector.layout().contains(PdfLayout.HYBRID_XREF)) {
            assertFalse(text.contains("/XRefStm"), vector + " is not hybrid");
        }
        if (vector != PdfVector.LARGE) {
            assertTrue(bytes.length < 200 * 1024, vector + " stays small: " + bytes.length);
        }
        assertFalse(vector.description().isBlank());
        assertEquals(vector.name().toLowerCase(java.util.Locale.ROOT) + ".pdf", vector.fileName());
    }

    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void deterministicVectorsAreByteIdentical(PdfVector vector) {
        assumeTrue(vector.deterministic());
        assertArrayEquals(vector.bytes(), vector.bytes());
    }

    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void qpdfAcceptsEveryWellFormedVector(PdfVector vector) throws Exception {
        assumeTrue(ExternalValidators.require("qpdf"));
        assumeTrue(vector != PdfVector.TRUNCATED && vector != PdfVector.ENCRYPTED_USER_PASSWORD);
        Path file = Files.write(dir.resolve(vector.fileName()), vector.bytes());
        ExternalValidators.Run run = ExternalValidators.qpdfCheck(file);
        // 3 = warnings only (PDFBox's xref streams declare /Size one too high; qpdf notes it).
        assertTrue(run.exitCode() == 0 || run.exitCode() == 3, vector + ": " + run.output());
        assertFalse(run.output().contains("ERROR"), run.output());
        if (vector == PdfVector.LINEARIZED) {
            assertTrue(run.output().contains("File is linearized") || !run.output().contains("File is not linearized"), run.output());
        }
    }

    @Test
    void linearizedFileIsTheCheckedInOne() throws Exception {
        assertEquals("c37d968ada006dffb4a613db19c70d249bc7d1d0e8fc5f72edf92da98f8b0b51",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PdfVector.LINEARIZED.bytes())),
                "update pdf/README.md when the file changes");
    }

    @Test
    void formHasTwoEmptySignatureFields() throws Exception {
        try (PDDocument document = Loader.loadPDF(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes())) {
            List<PDField> fields = document.getDocumentCatalog().getAcroForm().getFields();
            assertEquals(List.of("approver", "witness"), fields.stream().map(PDField::getFullyQualifiedName).toList());
            for (PDField field : fields) {
                assertTrue(field instanceof PDSignatureField);
                assertEquals(null, ((PDSignatureField) field).getSignature(), "unsigned");
            }
        }
    }

    @Test
    void pdfAHasEmbeddedFontsXmpAndSrgbIntent() throws Exception {
        try (PDDocument document = Loader.loadPDF(PdfVector.PDF_A_2B.bytes())) {
            String xmp = new String(document.getDocumentCatalog().getMetadata().toByteArray(), StandardCharsets.UTF_8);
            assertTrue(xmp.contains("<pdfaid:part>2</pdfaid:part>") && xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
            assertEquals("GTS_PDFA1", document.getDocumentCatalog().getOutputIntents().get(0).getCOSObject()
                    .getNameAsString(org.apache.pdfbox.cos.COSName.S));
            var font = document.getPage(0).getResources().getFont(
                    document.getPage(0).getResources().getFontNames().iterator().next());
            assertTrue(font.isEmbedded());
            assertEquals(2, document.getDocument().getDocumentID().size(), "PDF/A needs a trailer /ID");
        }
    }

    @Test
    void incrementalUpdateKeepsTheOriginalBytes() throws Exception {
        byte[] updated = PdfVector.INCREMENTALLY_UPDATED.bytes();
        byte[] original = PdfFactory.signable();
        assertArrayEquals(original, java.util.Arrays.copyOf(updated, original.length));
        try (PDDocument document = Loader.loadPDF(updated)) {
            assertEquals("Second revision", document.getDocumentInformation().getTitle());
            assertEquals(1, document.getPage(0).getAnnotations().size());
        }
    }

    @Test
    void theSignedVectorsHaveNoEmptyStream() throws Exception {
        // PDFBox gives an invisible signature an empty appearance stream (/Length 0) that readers log about.
        for (byte[] bytes : List.of(PdfVector.ALREADY_SIGNED.bytes(), PdfVector.signed(PdfVector.MINIMAL.bytes(),
                TestPki.create().goodSigner(), PdfVector.ALREADY_SIGNED_TIME))) {
            try (PDDocument document = Loader.loadPDF(bytes)) {
                int streams = 0;
                for (org.apache.pdfbox.cos.COSObject object : document.getDocument().getXrefTable().keySet().stream()
                        .map(key -> document.getDocument().getObjectFromPool(key)).toList()) {
                    if (object.getObject() instanceof org.apache.pdfbox.cos.COSStream stream) {
                        streams++;
                        assertTrue(stream.getLength() > 0, "stream " + object.getKey() + " is empty: " + stream);
                    }
                }
                assertTrue(streams > 1, "the vector has streams to check");
                PDSignatureField field = document.getSignatureFields().get(0);
                org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream appearance =
                        field.getWidgets().get(0).getNormalAppearanceStream();
                assertEquals(0f, appearance.getBBox().getWidth());
                assertEquals(0f, field.getWidgets().get(0).getRectangle().getWidth());
            }
        }
    }

    @Test
    void alreadySignedVerifiesWithPdfsig() throws Exception {
        assumeTrue(ExternalValidators.require("pdfsig"));
        Path file = Files.write(dir.resolve("signed.pdf"), PdfVector.ALREADY_SIGNED.bytes());
        assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(file).output()));
    }

    @Test
    void signedWithRsaPssIsDeterministicAndVerifies() throws Exception {
        TestPki pki = TestPki.create();
        TestPki.Credential rsa = pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.RSA_PSS_3072);
        byte[] a = PdfVector.signed(PdfVector.MINIMAL.bytes(), rsa, PdfVector.ALREADY_SIGNED_TIME);
        byte[] base = PdfFactory.signable();
        assertArrayEquals(PdfVector.signed(base, rsa, PdfVector.ALREADY_SIGNED_TIME),
                PdfVector.signed(base, rsa, PdfVector.ALREADY_SIGNED_TIME));
        assumeTrue(ExternalValidators.require("pdfsig"));
        Path file = Files.write(dir.resolve("rsa.pdf"), a);
        assertEquals(1, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(file).output()));
    }

    @Test
    void encryptedAndTruncatedVectorsResistOpening() {
        assertThrows(org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException.class,
                () -> Loader.loadPDF(PdfVector.ENCRYPTED_USER_PASSWORD.bytes()).close());
        assertThrows(Exception.class, () -> {
            try (PDDocument d = Loader.loadPDF(PdfVector.ENCRYPTED_USER_PASSWORD.bytes(), PdfVector.USER_PASSWORD)) {
                assertEquals(1, d.getNumberOfPages());
            }
            try (PDDocument d = Loader.loadPDF(PdfVector.TRUNCATED.bytes())) {
                d.getPage(0);
            }
        });
    }

    @Test
    void largeIsGeneratedToSize() {
        byte[] large = PdfVector.large(1024 * 1024);
        assertTrue(large.length > 800 * 1024 && large.length < 1400 * 1024, "size " + large.length);
        assertArrayEquals(large, PdfVector.large(1024 * 1024));
        assertTrue(PdfVector.LARGE.bytes().length > 3 * 1024 * 1024);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
