package com.certyneo.engine.pades;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.interop.Corpus;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDCheckBox;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.certyneo.engine.pades.PreparedFieldsTest.signer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Form filling after a signature (ISO 32000-1 §12.8.2.2: allowed after approval signatures and under a DocMDP P=2 or
 * P=3 certification), on forms written by real producers (LibreOffice, ReportLab, pdf-lib) and filled by another
 * implementation (PDFBox's form API, incremental save): every earlier signature stays TOTAL_PASSED with a warning
 * naming the filled field, and a later signer's signature validates too. What form filling does not cover stays a
 * modification: an appearance that changes while the value stays, a read-only field, a widget that moves; a
 * certification with no changes or a lock on the field fails the signature that set it, also when the document is
 * validated from disk (the large-document path). Annotations are allowed only under a P=3 certification.
 */
class FormFillingTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine engine;
    /** Every file input takes the large-document (disk) path. */
    static PadesSignatureEngine fromDisk;

    @BeforeAll
    static void engines() {
        engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        fromDisk = PadesSignatureEngine.builder().sandbox(dir.resolve("home")).largeDocumentThreshold(0).build();
    }

    @AfterAll
    static void close() {
        engine.close();
        fromDisk.close();
    }

    static Path producerForm(String file) {
        Path path = Corpus.directory().resolve(file);
        assertTrue(Files.isRegularFile(path), "corpus/generate.sh writes " + file);
        return path;
    }

    Path sign(Path in, String out, String who, CertificationLevel certify, FieldLock lock) {
        Path target = dir.resolve(out);
        engine.sign(SignRequest.builder().document(DocumentSource.of(in)).output(DocumentTarget.of(target))
                .signer(signer(who)).level(SignatureLevel.AES).profile(PadesProfile.B_T)
                .certify(certify).lockFields(lock).build());
        return target;
    }

    /** Fills {@code text} with a new value and flips {@code checkBox}, as a form-filling application saves it. */
    static byte[] fill(byte[] pdf, String text, String checkBox) throws Exception {
        return fill(pdf, "", text, checkBox);
    }

    /** As {@link #fill(byte[], String, String)}, for an encrypted form opened with {@code password}. */
    static byte[] fill(byte[] pdf, String password, String text, String checkBox) throws Exception {
        return CertificationTest.incremental(pdf, password, document -> {
            PDAcroForm form = document.getDocumentCatalog().getAcroForm();
            PDTextField field = (PDTextField) form.getField(text);
            field.setValue("Filled after signing");
            touch(field);
            if (checkBox != null) {
                PDCheckBox box = (PDCheckBox) form.getField(checkBox);
                if (box.isChecked()) {
                    box.unCheck();
                } else {
                    box.check();
                }
                touch(box);
            }
        });
    }

    static void touch(PDField field) {
        field.getCOSObject().setNeedToBeUpdated(true);
        for (PDAnnotationWidget widget : field.getWidgets()) {
            widget.getCOSObject().setNeedToBeUpdated(true);
            if (widget.getAppearance() != null) {
                widget.getAppearance().getCOSObject().setNeedToBeUpdated(true);
                if (widget.getAppearance().getNormalAppearance().isStream()) {
                    widget.getAppearance().getNormalAppearance().getAppearanceStream().getCOSObject().setNeedToBeUpdated(true);
                }
            }
        }
    }

    static ValidationReport validate(PadesSignatureEngine with, Path pdf) {
        return with.validate(DocumentSource.of(pdf), ValidationOptions.sandbox());
    }

    /** The signature of {@code who} (each signer signs a new field, named by the engine). */
    static SignatureValidation only(ValidationReport report, String who) {
        return report.signatures().stream().filter(s -> who.equals(s.signedBy())).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "libreoffice-writer-form.pdf, FullName, Agree",
            "reportlab-outline-acroform.pdf, applicant, terms",
            "pdflib-form.pdf, customer.number, customer.paperless"})
    void aFormFilledAfterAnApprovalSignatureKeepsItValidAndSaysWhichFieldChanged(String file, String text,
                                                                                  String checkBox) throws Exception {
        Path signed = sign(producerForm(file), "approved-" + file, "Approver", null, null);
        Path filled = Files.write(dir.resolve("filled-" + file), fill(Files.readAllBytes(signed), text, checkBox));
        try (PDDocument document = Loader.loadPDF(filled.toFile())) {
            assertEquals("Filled after signing", document.getDocumentCatalog().getAcroForm().getField(text).getValueAsString());
        }
        for (PadesSignatureEngine with : List.of(engine, fromDisk)) {
            SignatureValidation approval = only(validate(with, filled), "Approver");
            assertEquals(Indication.TOTAL_PASSED, approval.indication(), approval.toString());
            assertEquals(List.of(), approval.modifications());
            assertTrue(approval.warnings().stream().anyMatch(w -> w.contains("changes the value of form field '" + text
                    + "'") && w.contains("form filling is allowed")), approval.warnings().toString());
        }
        // the next recipient signs the filled form: both signatures hold
        Path countersigned = sign(filled, "countersigned-" + file, "Second", null, null);
        ValidationReport report = validate(engine, countersigned);
        assertTrue(report.allPassed(), report.toString());
        assertEquals(List.of(), only(report, "Second").modifications());
    }

    @Test
    void anAppearanceThatChangesWithoutANewValueIsAModification() throws Exception {
        Path signed = sign(producerForm("reportlab-outline-acroform.pdf"), "appearance-only.pdf", "Approver",
                null, null);
        byte[] repainted = CertificationTest.incremental(Files.readAllBytes(signed), document -> {
            PDTextField field = (PDTextField) document.getDocumentCatalog().getAcroForm().getField("applicant");
            PDAppearanceStream appearance = field.getWidgets().get(0).getAppearance().getNormalAppearance()
                    .getAppearanceStream();
            try (OutputStream out = appearance.getCOSObject().createOutputStream()) {
                out.write("BT /Helv 10 Tf 2 4 Td (Someone Else) Tj ET".getBytes(StandardCharsets.ISO_8859_1));
            }
            appearance.getCOSObject().setNeedToBeUpdated(true);
        });
        SignatureValidation approval = only(engine.validate(DocumentSource.of(repainted, "repainted.pdf"),
                ValidationOptions.sandbox()), "Approver");
        assertEquals(Indication.TOTAL_FAILED, approval.indication());
        assertEquals(SignatureValidation.MODIFIED_AFTER_SIGNING, approval.subIndication().orElseThrow());
        assertTrue(approval.modifications().stream().anyMatch(m -> m.contains("appearance of a form field")
                && m.contains("did not")), approval.modifications().toString());
    }

    @Test
    void aReadOnlyFieldOrAMovedWidgetIsNotFormFilling() throws Exception {
        Path form = producerForm("reportlab-outline-acroform.pdf");
        Path readOnly = dir.resolve("read-only-form.pdf");
        try (PDDocument document = Loader.loadPDF(form.toFile())) {
            document.getDocumentCatalog().getAcroForm().getField("applicant").setReadOnly(true);
            document.save(readOnly.toFile());
        }
        Path signed = sign(readOnly, "read-only-signed.pdf", "Approver", null, null);
        SignatureValidation approval = only(engine.validate(DocumentSource.of(fill(Files.readAllBytes(signed),
                "applicant", null), "read-only-filled.pdf"), ValidationOptions.sandbox()), "Approver");
        assertEquals(SignatureValidation.MODIFIED_AFTER_SIGNING, approval.subIndication().orElseThrow(), approval.toString());

        Path plain = sign(form, "moved-signed.pdf", "Approver", null, null);
        byte[] moved = CertificationTest.incremental(Files.readAllBytes(plain), document -> {
            PDTextField field = (PDTextField) document.getDocumentCatalog().getAcroForm().getField("applicant");
            field.setValue("Filled after signing");
            PDAnnotationWidget widget = field.getWidgets().get(0);
            widget.setRectangle(new PDRectangle(10, 10, 300, 40));
            touch(field);
        });
        SignatureValidation movedApproval = only(engine.validate(DocumentSource.of(moved, "moved.pdf"),
                ValidationOptions.sandbox()), "Approver");
        assertEquals(SignatureValidation.MODIFIED_AFTER_SIGNING, movedApproval.subIndication().orElseThrow());
        assertTrue(movedApproval.modifications().stream().anyMatch(m -> m.contains("/Rect")),
                movedApproval.modifications().toString());
    }

    @Test
    void aFormFillCertificationAllowsFillingAndALockOrNoChangesForbidsItAlsoFromDisk() throws Exception {
        Path form = producerForm("pdflib-form.pdf");
        Path certified = sign(form, "p2-form.pdf", "Author", CertificationLevel.FORM_FILL, null);
        Path filled = Files.write(dir.resolve("p2-filled.pdf"),
                fill(Files.readAllBytes(certified), "customer.number", "customer.paperless"));
        for (PadesSignatureEngine with : List.of(engine, fromDisk)) {
            SignatureValidation author = only(validate(with, filled), "Author");
            assertEquals(Indication.TOTAL_PASSED, author.indication(), author.toString());
        }

        Path locked = sign(form, "locked-form.pdf", "Locker", null, FieldLock.include("customer.number"));
        Path lockedFilled = Files.write(dir.resolve("locked-filled.pdf"),
                fill(Files.readAllBytes(locked), "customer.number", null));
        Path noChanges = sign(form, "p1-form.pdf", "Author", CertificationLevel.NO_CHANGES, null);
        Path noChangesFilled = Files.write(dir.resolve("p1-filled.pdf"),
                fill(Files.readAllBytes(noChanges), "customer.number", null));
        for (PadesSignatureEngine with : List.of(engine, fromDisk)) {
            SignatureValidation locker = only(validate(with, lockedFilled), "Locker");
            assertEquals(SignatureValidation.FIELD_LOCK_VIOLATED, locker.subIndication().orElseThrow(), locker.toString());
            SignatureValidation author = only(validate(with, noChangesFilled), "Author");
            assertEquals(SignatureValidation.CERTIFICATION_VIOLATED, author.subIndication().orElseThrow(), author.toString());
            assertTrue(author.errors().stream().anyMatch(e -> e.contains("field 'customer.number'")
                    && e.contains("DocMDP P=1")), author.errors().toString());
        }
    }

    @Test
    void anEncryptedFormKeepsItsRulesWhenValidatedWithThePassword() throws Exception {
        assertTrue(com.certyneo.testvectors.ExternalValidators.require("qpdf"), "qpdf is installed");
        Path encrypted = dir.resolve("encrypted-form.pdf");
        FeaturePanelTest.qpdfEncrypt(producerForm("reportlab-outline-acroform.pdf"), encrypted); // AES-256
        String password = FeaturePanelTest.PASSWORD;
        Path certified = dir.resolve("encrypted-p1.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(encrypted)).output(DocumentTarget.of(certified))
                .signer(signer("Author")).level(SignatureLevel.AES).profile(PadesProfile.B_T)
                .certify(CertificationLevel.NO_CHANGES).password(password.toCharArray()).build());
        Path path = Files.write(dir.resolve("encrypted-p1-filled.pdf"),
                fill(Files.readAllBytes(certified), password, "applicant", null));
        for (PadesSignatureEngine with : List.of(engine, fromDisk)) {
            SignatureValidation author = with.validate(DocumentSource.of(path),
                    ValidationOptions.sandbox().withPassword(password.toCharArray())).signatures().get(0);
            assertEquals(SignatureValidation.CERTIFICATION_VIOLATED, author.subIndication().orElseThrow(), author.toString());
        }
    }

    @Test
    void annotationsAreAllowedOnlyUnderAnAnnotateCertification() throws Exception {
        Path form = producerForm("libreoffice-writer-form.pdf");
        Path annotate = sign(form, "p3.pdf", "Author", CertificationLevel.ANNOTATE, null);
        byte[] commented = CertificationTest.incremental(Files.readAllBytes(annotate), CertificationTest.NEW_ANNOTATION);
        SignatureValidation author = only(engine.validate(DocumentSource.of(commented, "p3-commented.pdf"),
                ValidationOptions.sandbox()), "Author");
        assertEquals(Indication.TOTAL_PASSED, author.indication(), author.toString());
        assertTrue(author.warnings().stream().anyMatch(w -> w.contains("adds a Square annotation on page 1")),
                author.warnings().toString());
        // a new page stays forbidden at P=3
        byte[] paged = CertificationTest.incremental(commented, CertificationTest.NEW_PAGE);
        SignatureValidation pagedAuthor = only(engine.validate(DocumentSource.of(paged, "p3-paged.pdf"),
                ValidationOptions.sandbox()), "Author");
        assertEquals(SignatureValidation.CERTIFICATION_VIOLATED, pagedAuthor.subIndication().orElseThrow(),
                pagedAuthor.toString());

        // the same annotation after an approval signature (no certification) is a modification
        Path approved = sign(form, "approved-annotated.pdf", "Approver", null, null);
        byte[] annotated = CertificationTest.incremental(Files.readAllBytes(approved), CertificationTest.NEW_ANNOTATION);
        SignatureValidation approval = only(engine.validate(DocumentSource.of(annotated, "annotated.pdf"),
                ValidationOptions.sandbox()), "Approver");
        assertEquals(SignatureValidation.MODIFIED_AFTER_SIGNING, approval.subIndication().orElseThrow(), approval.toString());
        assertTrue(approval.modifications().stream().anyMatch(m -> m.contains("Square")), approval.modifications().toString());
    }

    @Test
    void aCertificationClaimedByALaterSignatureDoesNotLoosenTheRules() throws Exception {
        // only the first signature certifies: a later /Reference DocMDP P=3 must not let annotations through
        Path first = sign(producerForm("libreoffice-writer-form.pdf"), "first-approval.pdf", "First", null, null);
        byte[] bytes = Files.readAllBytes(first);
        List<RevisionDiff.SignatureDictionary> dictionaries =
                RevisionDiff.signatureDictionaries(new PdfSyntax.ArrayInput(bytes));
        assertEquals(List.of(0), dictionaries.stream().map(RevisionDiff.SignatureDictionary::certification).toList());
        List<RevisionDiff.SignatureDictionary> claimed = new java.util.ArrayList<>(dictionaries);
        claimed.add(new RevisionDiff.SignatureDictionary("late", false, List.of(0L, 10L, 20L, (long) bytes.length - 20),
                true, 3, "ETSI.CAdES.detached", true));
        assertEquals(RevisionDiff.Allowed.FORM_FILL, RevisionDiff.Allowed.of(claimed));
        assertEquals(new RevisionDiff.Allowed(true, true), RevisionDiff.Allowed.byCertification(3));
        assertEquals(new RevisionDiff.Allowed(false, false), RevisionDiff.Allowed.byCertification(1));
    }
}
