package com.certyneo.engine.pades.fuzz;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact outcome expected for each input {@link PdfFuzzTest} found a problem with (the fuzz test itself
 * only checks the general contract). The inputs are the ones kept in {@code PdfFuzzTestInputs/<method>/}.
 */
class FuzzFindingsTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    /**
     * Bytes before {@code %PDF-}: readers tolerate them, DSS does not ("not a PDF"), so signing failed with
     * SIGNING_FAILED and validation with VALIDATION_ERROR. Both are INVALID_PDF now, naming the bytes.
     */
    @Test
    void leadingBytesBeforeTheHeaderAreAnInvalidPdf() throws IOException {
        byte[] found = input("sign/leading-byte-before-pdf-header.pdf");
        byte[] classic = SamplePdfs.minimalClassicXref();
        byte[] shifted = new byte[classic.length + 1];
        shifted[0] = 'X';
        System.arraycopy(classic, 0, shifted, 1, classic.length);
        for (byte[] pdf : new byte[][] {found, shifted, input("validate/leading-byte-before-pdf-header.pdf")}) {
            SignatureEngineException signing = assertThrows(SignatureEngineException.class, () -> sign(pdf));
            assertEquals(ErrorCode.INVALID_PDF, signing.code(), signing.toString());
            assertTrue(signing.getMessage().contains("1 byte before its %PDF- header"), signing.getMessage());
            SignatureEngineException validating = assertThrows(SignatureEngineException.class,
                    () -> engine.validate(DocumentSource.of(pdf, "in.pdf"), ValidationOptions.sandbox()));
            assertEquals(ErrorCode.INVALID_PDF, validating.code(), validating.toString());
        }
    }

    /**
     * A linearized file whose final {@code %%EOF} is damaged, with an earlier revision's {@code startxref 0} and
     * {@code %%EOF} within PDFBox's 2 KB tail window: the cross-reference check followed the last
     * {@code startxref}, PDFBox the one before the last {@code %%EOF} (then rebuilt the table), and the signed
     * output's new section had {@code /Prev 0}. Now refused as damaged.
     */
    @Test
    void aStartxrefThatPdfBoxDoesNotStartFromIsDamage() throws IOException {
        byte[] pdf = input("sign/linearized-eof-marker-before-last-startxref.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(pdf));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("is not the one PDFBox starts from (the one at offset 3101, naming offset 0, "
                + "before the last '%%EOF' at offset 3113)"), e.getMessage());
    }

    /**
     * Arrays nested a few dozen levels deep inside an object that the signing revision changes (here the
     * catalog, which gets the /AcroForm): signing took a fraction of a second, but validating the signed
     * output did not finish, because DSS 6.2's DefaultPdfObjectModificationsFinder compares nested arrays in
     * both directions at every level (exponential in the depth; array nesting does not count towards its
     * maximumObjectVerificationDeepness): about 1.4 s at depth 20, 4 s at 22, over the 60-s time limit from
     * about 30. The fuzzer's input ({@code PdfFuzzTestInputs/sign/}) has some 2,300 levels. Now
     * {@code BoundedModificationsFinder} leaves DSS's object comparison out for such documents (the engine's
     * own revision comparison decides anyway), and both validate in well under a second.
     */
    @Test
    void aSignedDocumentWithDeeplyNestedArraysValidates() throws IOException {
        String nested = "[".repeat(32) + "]".repeat(32);
        byte[] minimal = SeedCorpus.build(java.util.List.of("<< /Type /Catalog /Pages 2 0 R /X " + nested + " >>",
                SeedCorpus.PAGES, SeedCorpus.PAGE, SeedCorpus.CONTENT));
        for (byte[] pdf : new byte[][] {minimal, input("sign/nested-arrays-exponential-validation.pdf")}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                    .signer(Signer.parse("Fuzz Tester <fuzz@example.com>")).level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
            assertTrue(engine.validate(DocumentSource.of(out.toByteArray(), "signed.pdf"), ValidationOptions.sandbox()).allPassed());
        }
    }

    /**
     * A document whose catalog, page or form (objects a signature revision writes again) refers to an object it
     * never defines, numbered beyond its cross-reference size: readers take the reference for null, but the next
     * revision numbers its objects from that size up and could give it a meaning. The revision writer's check
     * refused it as an engine error (SIGNING_FAILED); it is INVALID_PDF now, naming the object, and nothing is written.
     */
    @Test
    void aReferenceBeyondTheCrossReferenceSizeIsAnInvalidPdf() throws IOException {
        byte[] found = input("sign/reference-beyond-size-in-rewritten-object.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(found));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("it refers to object 97 0 R, which it never defines"), e.getMessage());
    }

    /**
     * A bare {@code R} (no object number and generation before it) as a value of the page, which signing writes
     * again. PDFBox reads a reference to nothing; MuPDF null, qpdf the string (R). The engine's writer failed on it
     * (SIGNING_FAILED, found by CI's fuzzing on a signed sandbox input), and PDFBox's incremental save, which lays
     * out the sandbox mark on an unsigned input, wrote a reference to an object number it never defined. Both
     * paths refuse it now as INVALID_PDF naming the object, and nothing is written.
     */
    @Test
    void aBareReferenceInARewrittenObjectIsAnInvalidPdf() throws IOException {
        for (String path : new String[] {"sign/bare-r-in-rewritten-page-of-signed-input.pdf",
                "sign/bare-r-without-object-number.pdf"}) {
            byte[] found = input(path);
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(found), path);
            assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
            assertTrue(e.getMessage().contains("object 4 0, which this operation has to write again, holds an 'R' "
                    + "without the object number and generation"), e.getMessage());
        }
    }

    /**
     * An owner-password-only AES-256 file (/V 5, /R 6) whose crypt filter names /AESV2, the AES-128 method (CI's
     * fuzzing, from the encrypted test vector, its object stream garbled besides). The engine encrypted its revision
     * by the method (an MD5-derived object key); PDFBox, and so DSS, decrypts by the key's length (the 32-byte key as
     * it is): DSS read the new signature's /M and /T as noise and reported no claimed signing time. Refused now as
     * ENCRYPTED_PDF naming the contradiction, and nothing is written.
     */
    @Test
    void anEncryptionDictionaryThatContradictsItselfIsRefused() throws IOException {
        byte[] found = input("sign/aes-256-dictionary-with-aesv2-crypt-filter.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(found));
        assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("has an encryption dictionary that contradicts itself (/V 5 with /CFM /AESV2 "
                + "for strings)"), e.getMessage());
    }

    /**
     * The same vector with its /StrF naming a crypt filter that is not there (one byte changed in {@code /StdCF}):
     * PDFBox decrypts strings by /StdCF's method whatever /StrF names, the revision writer followed the name (no
     * encryption), so the new signature's strings were noise in DSS again. Refused as ENCRYPTED_PDF.
     */
    @Test
    void aStringFilterOtherThanStdCfIsRefused() throws IOException {
        byte[] found = input("sign/string-filter-named-other-than-stdcf.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(found));
        assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains(", not the standard /StdCF: PDF readers disagree"), e.getMessage());
    }

    /**
     * The minimal vector with its xref stream's filter turned into {@code /FzateDecode} and its catalog's header
     * into {@code 0 0 obj}: the cross-reference check left the entries of a filter it does not decode unchecked,
     * PDFBox could not read them either and rebuilt the table from a scan, which found the catalog as object 0; the
     * revision writer then refused to write object 0 (SIGNING_FAILED). A filter that is not a general-purpose one is
     * damage now: INVALID_PDF naming it, before PDFBox reads the file.
     */
    @Test
    void anXrefStreamFilterNoReaderDecodesIsAnInvalidPdf() throws IOException {
        byte[] found = input("sign/xref-stream-filter-no-reader-decodes.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> sign(found));
        assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
        assertTrue(e.getMessage().contains("has the filter /FzateDecode, which PDF readers do not decode for a "
                + "cross-reference stream"), e.getMessage());
    }

    /**
     * A mangled linearized file (its final {@code %%EOF} reads {@code %%EMF}, its sections repeated and damaged) that
     * PDFBox opens only by rebuilding its trailer from a scan of the file, which found the catalog as "0 8 obj": the
     * revision writer refused to write object 0 as an engine error (SIGNING_FAILED). Object 0 is the head of the free
     * list, never an object; a load that holds one as the catalog, or as any object to write again, is INVALID_PDF
     * now, with the repair, in the sandbox (after the mark) and in production alike.
     */
    @Test
    void aCatalogThatOnlyARepairFindsAsObjectZeroIsAnInvalidPdf() throws IOException {
        byte[] found = input("sign/catalog-found-as-object-zero-by-repair.pdf");
        com.certyneo.testvectors.TestPki pki = com.certyneo.testvectors.TestPki.create();
        com.certyneo.testvectors.TestPki.Credential seal = pki.goodSigner();
        try (PadesSignatureEngine production = PadesSignatureEngine.builder()
                .sealKey(com.certyneo.engine.spi.SigningKey.of(seal.key(), seal.chain())).trustAnchor(pki.root()).build()) {
            for (PadesSignatureEngine signing : java.util.List.of(engine, production)) { // with the mark, and without
                SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> signing.sign(SignRequest.builder()
                        .document(DocumentSource.of(found, "in.pdf")).output(DocumentTarget.of(new ByteArrayOutputStream()))
                        .signer(Signer.parse("Fuzz Tester <fuzz@example.com>")).level(SignatureLevel.SES)
                        .profile(PadesProfile.B_B).build()));
                assertEquals(ErrorCode.INVALID_PDF, e.code(), e.toString());
                assertTrue(e.getMessage().contains("is numbered 0 (object 0 is the head of the free list"), e.getMessage());
                assertTrue(e.hint().contains("qpdf"), e.hint());
            }
        }
    }

    private static void sign(byte[] pdf) {
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf"))
                .output(DocumentTarget.of(new ByteArrayOutputStream())).signer(Signer.parse("Fuzz Tester <fuzz@example.com>"))
                .level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
    }

    /**
     * A chain the cross-reference check reads and tells ({@code CrossReferenceCheck.Chain}) whose objects PDFBox's
     * strict load refuses (a damaged {@code endobj}, a page that is an array): the load from the told chain falls
     * back to PDFBox's lenient load as the load that reads the chain itself does, and reads what it reads.
     */
    @Test
    void aToldChainWhoseObjectsNeedTheLenientLoadLoadsAsBefore() throws IOException {
        assertTrue(com.certyneo.engine.pades.ChainAgreement.requireAgreement(
                input("crossReferenceCheck/told-chain-objects-need-the-lenient-load.pdf")));
    }

    /**
     * Chains the cross-reference check reads but PDFBox reads otherwise, so that the check does not tell them (each
     * was told, and found by the fuzz test's comparison of the two readings):
     * <ul>
     *   <li>a laid-out classic table in a file whose {@code %%EOF} is damaged: PDFBox's strict reading refuses it (its
     *   lenient load reads it);</li>
     *   <li>a cross-reference stream whose {@code /Info} is {@code 0 0 R}: PDFBox reads a dictionary's reference to
     *   object 0 as null;</li>
     *   <li>a trailer {@code /ID} with NULs inside a hex string: white-space to the check's parser, the end of the
     *   string to PDFBox's;</li>
     *   <li>{@code startxref193}: PDFBox reads the keyword as a token up to white-space, and finds no offset.</li>
     * </ul>
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"laid-out-table-without-eof.pdf",
            "xref-stream-info-object-zero.pdf", "trailer-id-with-nul-bytes.pdf", "startxref-without-white-space.pdf"})
    void chainsPdfBoxReadsOtherwiseAreNotTold(String file) throws IOException {
        assertFalse(com.certyneo.engine.pades.ChainAgreement.requireAgreement(input("crossReferenceCheck/" + file)));
    }

    private static byte[] input(String path) throws IOException {
        try (InputStream in = FuzzFindingsTest.class.getResourceAsStream("PdfFuzzTestInputs/" + path)) {
            if (in == null) {
                throw new IOException("missing test resource PdfFuzzTestInputs/" + path);
            }
            return in.readAllBytes();
        }
    }
}
