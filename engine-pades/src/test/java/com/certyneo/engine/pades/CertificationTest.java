package com.certyneo.engine.pades;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureField;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotation;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static com.certyneo.engine.pades.PreparedFieldsTest.signer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certification (DocMDP) and field locks (FieldMDP, /Lock): how they are written, what later revisions they allow
 * (other recipients' fields, validation data, document time-stamps) and what they forbid (a new page, a changed
 * field value, a new annotation: made here with PDFBox incremental saves), with the failing sub-indication.
 */
class CertificationTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine engine;
    static List<X509Certificate> anchors;

    @BeforeAll
    static void engine() {
        engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        anchors = List.of(engine.sandboxPki().orElseThrow().rootCertificate());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** A change made by another tool: PDFBox's incremental save. */
    interface Change {
        void apply(PDDocument document) throws Exception;
    }

    static byte[] incremental(byte[] pdf, Change change) throws Exception {
        return incremental(pdf, "", change);
    }

    /** As {@link #incremental(byte[], Change)}, for an encrypted document opened with {@code password}. */
    static byte[] incremental(byte[] pdf, String password, Change change) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf, password)) {
            change.apply(document);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            return out.toByteArray();
        }
    }

    static final Change NEW_PAGE = document -> {
        document.addPage(new PDPage(PDRectangle.A4));
        document.getPages().getCOSObject().setNeedToBeUpdated(true);
    };

    static final Change NEW_ANNOTATION = document -> {
        PDPage page = document.getPage(0);
        org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationSquare square = new org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationSquare();
        square.setRectangle(new PDRectangle(300, 300, 50, 50));
        square.constructAppearances(document);
        List<PDAnnotation> annotations = new ArrayList<>(page.getAnnotations());
        annotations.add(square);
        page.setAnnotations(annotations);
        page.getCOSObject().setNeedToBeUpdated(true);
    };

    static final Change FIELD_VALUE = document -> {
        PDTextField field = (PDTextField) document.getDocumentCatalog().getAcroForm().getField("comment");
        field.setValue("changed after signing");
        field.getCOSObject().setNeedToBeUpdated(true);
        field.getWidgets().forEach(w -> w.getCOSObject().setNeedToBeUpdated(true));
    };

    Path sign(Path in, String out, String who, String field, CertificationLevel certify, FieldLock lock,
              PadesProfile profile) {
        Path target = dir.resolve(out);
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(target))
                .signer(signer(who)).field(field).certify(certify).lockFields(lock).profile(profile).build());
        return target;
    }

    static Path write(PdfVector vector, String name) throws Exception {
        return Files.write(dir.resolve(name), vector.bytes());
    }

    static ValidationReport validate(byte[] pdf) {
        return engine.validate(DocumentSource.of(pdf, "checked.pdf"), ValidationOptions.sandbox());
    }

    static SignatureValidation in(ValidationReport report, String field) {
        return report.signatures().stream().filter(s -> field.equals(s.fieldName())).findFirst().orElseThrow();
    }

    @Test
    void aFormFillCertificationAllowsOtherRecipientsDssAndTimestampsAndFailsOnANewAnnotation() throws Exception {
        Path fields = dir.resolve("p2-fields.pdf");
        engine.prepareFields(DocumentSource.of(PdfVector.MINIMAL.bytes(), "minimal.pdf"), DocumentTarget.of(fields),
                SignatureField.invisible("author"), SignatureField.placed("client", 1, 40, 40, 200, 60));
        Path certified = sign(fields, "p2-certified.pdf", "Author", "author", CertificationLevel.FORM_FILL, null,
                PadesProfile.B_LT);
        byte[] bytes = Files.readAllBytes(certified);
        try (PDDocument document = Loader.loadPDF(bytes)) {
            COSDictionary signature = document.getSignatureDictionaries().get(0).getCOSObject();
            COSDictionary perms = (COSDictionary) document.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.PERMS);
            assertTrue(perms.getDictionaryObject(COSName.DOCMDP) == signature, "the catalog's /Perms /DocMDP names it");
            COSDictionary reference = (COSDictionary) ((COSArray) signature.getDictionaryObject(COSName.REFERENCE)).getObject(0);
            assertEquals("DocMDP", reference.getNameAsString(COSName.getPDFName("TransformMethod")));
            assertEquals(2, ((COSDictionary) reference.getDictionaryObject(COSName.getPDFName("TransformParams"))).getInt(COSName.P));
            assertFalse(reference.containsKey(COSName.getPDFName("DigestMethod")));
        }
        DssFindings.Entry raw = DssFindings.of(bytes, anchors).signatures().get(0);
        assertEquals("TOTAL_PASSED", raw.indication(), raw.toString());
        assertTrue(validate(bytes).allPassed());

        Path both = sign(certified, "p2-both.pdf", "Client", "client", null, null, PadesProfile.B_LT);
        Path stamped = dir.resolve("p2-stamped.pdf");
        engine.extend(DocumentSource.of(both), DocumentTarget.of(stamped), PadesProfile.B_LTA);
        byte[] allowed = Files.readAllBytes(stamped);
        ValidationReport report = validate(allowed);
        assertTrue(report.allPassed(), report.toString());
        report.signatures().forEach(s -> assertTrue(s.modifications().isEmpty(), s.toString()));
        if (ExternalValidators.require("pdfsig")) {
            assertEquals(2, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(stamped).output()));
        }

        byte[] annotated = incremental(allowed, NEW_ANNOTATION);
        SignatureValidation author = in(validate(annotated), "author");
        assertEquals(Indication.TOTAL_FAILED, author.indication());
        assertEquals(SignatureValidation.CERTIFICATION_VIOLATED, author.subIndication().orElseThrow());
        int last = Revisions.of(annotated).count();
        assertTrue(author.errors().stream().anyMatch(e -> e.contains("evision " + last) && e.contains("adds an annotation")
                && e.contains("DocMDP P=2")), author.errors().toString());
    }

    @Test
    void aNoChangesCertificationRefusesSignersAllowsADocumentTimestampAndFailsOnANewPage() throws Exception {
        Path certified = sign(write(PdfVector.MINIMAL, "p1.pdf"), "p1-certified.pdf", "Author",
                null, CertificationLevel.NO_CHANGES, null, PadesProfile.B_LT);
        byte[] bytes = Files.readAllBytes(certified);
        assertEquals("TOTAL_PASSED", DssFindings.of(bytes, anchors).signatures().get(0).indication());
        Path never = dir.resolve("p1-never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> sign(certified, "p1-never.pdf", "Other", null, null, null, PadesProfile.B_B));
        assertEquals(ErrorCode.DOCUMENT_LOCKED, e.code());
        assertFalse(Files.exists(never));
        SignatureEngineException fields = assertThrows(SignatureEngineException.class, () -> engine.prepareFields(
                DocumentSource.of(certified), DocumentTarget.of(never), SignatureField.invisible("late")));
        assertEquals(ErrorCode.DOCUMENT_LOCKED, fields.code());

        Path stamped = dir.resolve("p1-stamped.pdf");
        engine.timestamp(DocumentSource.of(certified), DocumentTarget.of(stamped));
        byte[] allowed = Files.readAllBytes(stamped);
        assertTrue(validate(allowed).allPassed(), validate(allowed).toString());

        byte[] paged = incremental(allowed, NEW_PAGE);
        SignatureValidation author = validate(paged).signatures().stream().filter(s -> !s.documentTimestamp())
                .findFirst().orElseThrow();
        assertEquals(SignatureValidation.CERTIFICATION_VIOLATED, author.subIndication().orElseThrow(), author.toString());
        assertTrue(author.errors().stream().anyMatch(m -> m.contains("adds a page") && m.contains("DocMDP P=1")
                && m.contains("evision " + Revisions.of(paged).count())), author.errors().toString());
    }

    @Test
    void aFieldLockFailsTheLockingSignatureWhenALockedFieldChanges() throws Exception {
        Path input = write(PdfVector.OBJECT_STREAMS, "form.pdf");
        Path locked = sign(input, "locked.pdf", "Locker", null, null, FieldLock.include("comment"), PadesProfile.B_B);
        try (PDDocument document = Loader.loadPDF(Files.readAllBytes(locked))) {
            assertTrue(document.getSignatureDictionaries().get(0).getCOSObject().toString().contains("FieldMDP"));
        }
        byte[] changed = incremental(Files.readAllBytes(locked), FIELD_VALUE);
        SignatureValidation locker = validate(changed).signatures().get(0);
        assertEquals(Indication.TOTAL_FAILED, locker.indication());
        assertEquals(SignatureValidation.FIELD_LOCK_VIOLATED, locker.subIndication().orElseThrow(), locker.toString());
        assertTrue(locker.errors().stream().anyMatch(m -> m.contains("'comment'") && m.contains("FieldMDP include:comment")
                && m.contains("evision " + Revisions.of(changed).count())), locker.errors().toString());

        // the same change under a certification that allows no change at all
        Path certified = sign(input, "p1-form.pdf", "Author", null, CertificationLevel.NO_CHANGES, null, PadesProfile.B_B);
        SignatureValidation author = validate(incremental(Files.readAllBytes(certified), FIELD_VALUE)).signatures().get(0);
        assertEquals(SignatureValidation.CERTIFICATION_VIOLATED, author.subIndication().orElseThrow(), author.toString());
        assertTrue(author.errors().stream().anyMatch(m -> m.contains("field 'comment'")), author.errors().toString());
    }

    @Test
    void onlyTheFirstSignatureMayCertify() throws Exception {
        Path once = sign(write(PdfVector.MINIMAL, "once-in.pdf"), "once.pdf", "First", null,
                null, null, PadesProfile.B_B);
        Path never = dir.resolve("certify-never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> sign(once, "certify-never.pdf", "Second", null, CertificationLevel.FORM_FILL, null, PadesProfile.B_B));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("first signature"), e.getMessage());
        assertFalse(Files.exists(never));
    }
}
