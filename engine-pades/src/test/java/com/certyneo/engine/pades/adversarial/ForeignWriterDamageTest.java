package com.certyneo.engine.pades.adversarial;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The damage a faulty incremental writer leaves in a document, in the shapes found in files that
 * {@code @signpdf/placeholder-plain} 3.3.0 (the Node signer) produced from real producers' PDFs: a form whose
 * {@code /Fields} reads {@code [EO 0 R 30 0 R]}, a form dictionary with a stray {@code >>}. PDFBox's lenient
 * parser reads a {@code null} or a shortened array there and the engine wrote that back as the document's
 * (pypdf's strict reader then failed on the {@code null}, qpdf gave up on the object). An object the operation has
 * to write again must parse; a document where one does not is {@code INVALID_PDF}, naming it, and nothing is
 * written. Each damaged file has a control, the same update without the damage, that signs.
 */
class ForeignWriterDamageTest {

    @TempDir
    static Path home;
    @TempDir
    Path out;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    /** The form the signature's field is added to (so written again) holds a token no reader defines. */
    @Test
    void aFormWhoseFieldsDoNotParseIsRefusedNotRewritten() throws Exception {
        for (boolean marked : new boolean[] {true, false}) {
            // marked: the sandbox mark is there already, so only the signature's revision writes objects again
            String what = marked ? "marked input" : "unmarked input";
            assertRefused(withForm(marked, "<< /Fields [EO 0 R] /SigFlags 3 >>"),
                    "which this operation has to write again, does not parse (unexpected 'EO'", what);
            signs(withForm(marked, "<< /Fields [] /SigFlags 3 >>"), what);
        }
    }

    /**
     * The form {@code @signpdf} wrote over a pdf-lib file: {@code /Fields [f\n4864\n%%E 0 R 25 0 R]} (the bytes of
     * the file's end read as a field list; {@code %} starts a comment to the end of the line). PDFBox could not read the
     * object at all and resolved the catalog's {@code /AcroForm 8 0 R} to null: the engine took the document for one
     * without a form and wrote a new one, dropping every field (the earlier signature's among them) from /Fields.
     */
    @Test
    void aFormThatPdfBoxCannotReadIsRefusedNotReplaced() throws Exception {
        for (boolean marked : new boolean[] {true, false}) {
            String what = marked ? "marked input" : "unmarked input";
            assertRefused(withForm(marked, "<< /Type /AcroForm /SigFlags 3 /Fields [f\n4864\n%%E 0 R 25 0 R]\n>>"),
                    "which this operation has to write again, does not parse (unexpected 'f'", what);
        }
    }

    /** A page the sandbox mark draws on (PDFBox's incremental save writes it again) holds a stray token. */
    @Test
    void aPageThatDoesNotParseIsRefusedBeforeTheMarkIsWritten() throws Exception {
        assertRefused(withPage("/Type /Page EO"), "which this operation has to write again, does not parse (unexpected 'EO'",
                "page");
        signs(withPage("/Type /Page"), "page control");
    }

    /**
     * A page whose /MediaBox holds a fifth element (the widget dictionary {@code @signpdf} meant for /Annots): PDFBox
     * reads the first four numbers, pdf.js US Letter. In that output pdf.js found no SANDBOX text on the page. The
     * sandbox refuses to draw its mark there, and so does a visible signature box; a production signature that draws
     * nothing still signs.
     */
    @Test
    void aPageBoxThatIsNotFourNumbersIsRefusedWhereTheEngineDraws() throws Exception {
        byte[] damaged = withPage("/Type /Page /MediaBox [0 0 612 792 << /Type /Annot /Subtype /Widget >>]");
        assertRefused(damaged, "the /MediaBox of page 1 is not a rectangle of four numbers", "sandbox mark");
        byte[] cropped = withPage("/Type /Page /CropBox [0 0 300]");
        assertRefused(cropped, "the /CropBox of page 1 is not a rectangle of four numbers", "sandbox mark, crop box");
        signs(withPage("/Type /Page /MediaBox [0 0 612 792] /CropBox [0 0 300 300]"), "box control");

        com.certyneo.testvectors.TestPki pki = com.certyneo.testvectors.TestPki.create();
        PadesSignatureEngine production = PadesSignatureEngine.builder()
                .sealKey(com.certyneo.engine.spi.SigningKey.of(pki.goodSigner().key(), pki.goodSigner().chain()))
                .trustAnchor(pki.root()).build();
        Path target = out.resolve("production.pdf");
        production.sign(SignRequest.builder().document(DocumentSource.of(damaged, "in.pdf"))
                .output(DocumentTarget.of(target)).signer(Signer.parse("Foreign Damage <damage@example.com>"))
                .level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
        assertTrue(Files.size(target) > damaged.length, "production, invisible: nothing is drawn, the document signs");
        Files.delete(target);
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> production.sign(
                SignRequest.builder().document(DocumentSource.of(damaged, "in.pdf")).output(DocumentTarget.of(target))
                        .signer(Signer.parse("Foreign Damage <damage@example.com>")).level(SignatureLevel.SES)
                        .profile(PadesProfile.B_B).appearance(com.certyneo.engine.VisibleAppearance.of(1, 10, 10, 200, 50))
                        .build()));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("the /MediaBox of page 1 is not a rectangle of four numbers"), e.getMessage());
        assertFalse(Files.exists(target));
    }

    /**
     * An encrypted document whose newest trailer drops /Encrypt ({@code @signpdf/placeholder-plain} writes its
     * trailer with /Size, /Root, /Info and /Prev only): PDFBox, and so DSS, merges the trailers and reads the file as
     * encrypted, decrypting the update's clear strings into noise; qpdf, MuPDF and pdf.js read it as not encrypted
     * and the earlier objects' strings as noise. The engine signed such a file, and its output failed DSS ("the
     * password is incorrect"). It is refused now, before anything is parsed by PDFBox; the control (the same update
     * repeating /Encrypt) is an ordinary encrypted input, and signs.
     */
    @Test
    void anEncryptedDocumentWhoseNewestTrailerDropsEncryptIsRefused() throws Exception {
        byte[] encrypted = SamplePdfs.encryptedOwnerPasswordOnly();
        try (PdfFacts facts = new PdfFacts(encrypted)) {
            String encrypt = Cos.write(facts.document().getDocument().getTrailer()
                    .getItem(org.apache.pdfbox.cos.COSName.ENCRYPT));
            IncrementalUpdate dropped = IncrementalUpdate.on(facts);
            int note = dropped.allocate();
            byte[] contradictory = dropped.object(note, "<< /Note (written in clear) >>").build();
            assertRefused(contradictory, "drops the /Encrypt of the section at offset", "encryption dropped");
            // validation still reports (DSS's reading), and says at the top that other readers read another document
            com.certyneo.engine.ValidationReport report = engine.validate(DocumentSource.of(contradictory, "in.pdf"),
                    com.certyneo.engine.ValidationOptions.sandbox());
            assertTrue(report.warnings().stream().anyMatch(w -> w.startsWith("The document's revisions contradict each "
                    + "other: the ") && w.contains("drops the /Encrypt")), report.warnings()
                    .toString());
            IncrementalUpdate kept = IncrementalUpdate.on(facts).trailer("Encrypt", encrypt);
            int empty = kept.allocate();
            signs(kept.object(empty, "null").build(), "encryption kept");
        }
    }

    /** The damage is judged only where the engine writes: an unparsable object it does not touch stays as it is. */
    @Test
    void anUnparsableObjectTheOperationDoesNotWriteIsLeftAlone() throws Exception {
        try (PdfFacts facts = new PdfFacts(SamplePdfs.minimalClassicXref())) {
            IncrementalUpdate update = IncrementalUpdate.on(facts);
            int orphan = update.allocate();
            signs(update.object(orphan, "<< /Unused [EO 0 R] >>").build(), "orphan");
        }
    }

    private static byte[] withForm(boolean marked, String form) {
        try (PdfFacts facts = new PdfFacts(SamplePdfs.minimalClassicXref())) {
            IncrementalUpdate update = IncrementalUpdate.on(facts);
            int acroForm = update.allocate();
            String catalog = "<< /Type /Catalog /Pages " + facts.pagesNumber() + " 0 R /AcroForm " + acroForm + " 0 R"
                    + (marked ? " /CertyneoSandboxMark true" : "") + " >>";
            return update.object(facts.catalogNumber(), catalog).object(acroForm, form).build();
        }
    }

    private static byte[] withPage(String typeAndDamage) {
        try (PdfFacts facts = new PdfFacts(SamplePdfs.minimalClassicXref())) {
            org.apache.pdfbox.cos.COSDictionary copy = Cos.copy(facts.page(0));
            if (typeAndDamage.contains("/MediaBox")) {
                copy.removeItem(org.apache.pdfbox.cos.COSName.MEDIA_BOX);
            }
            String page = Cos.write(copy);
            assertTrue(page.contains("/Type /Page"), page);
            page = page.replace("/Type /Page", typeAndDamage);
            return IncrementalUpdate.on(facts).object(facts.pageNumber(0), page).build();
        }
    }

    private void assertRefused(byte[] pdf, String cause, String what) throws Exception {
        Path target = out.resolve("refused.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(pdf, target), what);
        assertEquals(ErrorCode.INVALID_PDF, e.code(), what + ": " + e);
        assertTrue(e.getMessage().contains(cause), what
                + ": " + e.getMessage());
        assertFalse(e.hint().isBlank(), "a fix line");
        assertFalse(Files.exists(target), what + ": nothing is written");
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), what + ": no temporary file is left");
        }
    }

    private void signs(byte[] pdf, String what) throws Exception {
        Path target = out.resolve("signed.pdf");
        sign(pdf, target);
        assertTrue(Files.size(target) > pdf.length, what);
        Files.delete(target);
    }

    private static void sign(byte[] pdf, Path target) {
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf"))
                .output(DocumentTarget.of(target)).signer(Signer.parse("Foreign Damage <damage@example.com>"))
                .level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
    }
}
