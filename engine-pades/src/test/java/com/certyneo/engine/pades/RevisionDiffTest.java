package com.certyneo.engine.pades;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link RevisionDiff} on small hand-written files, one rule per test: the signed revision is the base file
 * (everything before {@code signedEnd}), and each test appends what a later revision would. The signed-PDF
 * versions of these cases (real producers, real signatures, three renderers as oracle) are in the adversarial
 * corpus; these pin each rule on its own so that a regression names the rule.
 */
class RevisionDiffTest {

    /** Catalog 1, page tree 2, page 3 (content 4, covering annotation 5), form 6 with no fields yet. */
    private static final Map<Integer, String> BASE = Map.of(
            1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R >>",
            2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R] >>",
            4, stream("BT /F1 12 Tf 20 100 Td (Amount due: 1000 EUR) Tj ET"),
            5, "<< /Type /Annot /Subtype /Square /Rect [10 90 190 120] /F 4 /IC [1 1 1] >>",
            6, "<< /Fields [] >>");

    @Test
    void unchangedFileHasNoModification() {
        Pdf pdf = Pdf.base(BASE);
        RevisionDiff.Outcome outcome = RevisionDiff.after(pdf.bytes(), pdf.signedEnd);
        assertEquals(List.of(), outcome.modifications());
        assertEquals(List.of(), outcome.warnings());
    }

    @Test
    void changedPageContentIsAModification() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(4, stream("BT /F1 12 Tf 20 100 Td (PAID IN FULL) Tj ET")), true);
        assertModified(pdf, "object 4");
    }

    @Test
    void anUpdateWithoutEndOfFileMarkerIsStillAnUpdate() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(4, stream("BT /F1 12 Tf 20 100 Td (PAID IN FULL) Tj ET")), false);
        assertModified(pdf, "object 4");
    }

    @Test
    void aMangledEndOfFileMarkerIsStillAnUpdate() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(4, stream("BT (PAID) Tj ET")), false);
        pdf.append("%EOF\n");
        assertModified(pdf, "object 4");
    }

    @Test
    void anObjectRedefinedWithANewGenerationIsAModification() {
        Pdf pdf = Pdf.base(BASE).updateWithGeneration(4, 1, stream("BT (PAID IN FULL) Tj ET"));
        assertModified(pdf, "(object 4) changed");
    }

    @Test
    void freeingACoveringAnnotationIsAModification() {
        Pdf pdf = Pdf.base(BASE).freeOnly(5);
        assertModified(pdf, "(object 5) was deleted");
    }

    @Test
    void hidingACoveringAnnotationIsAModification() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(5,
                "<< /Type /Annot /Subtype /Square /Rect [10 90 190 120] /F 2 /IC [1 1 1] >>"), true);
        assertModified(pdf, "object 5");
    }

    @Test
    void aPageTreeCycleIsAModification() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(2, "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"), true);
        assertModified(pdf, "object 2");
    }

    @Test
    void anEmptyInvisibleSignatureFieldMayBeAdded() {
        Pdf pdf = Pdf.base(BASE).update(emptyField(BASE.get(1), "[0 0 0 0]", ""), true);
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void anEmptySignatureFieldThatDrawsIsAModification() {
        Map<Integer, String> update = new TreeMap<>(emptyField(BASE.get(1), "[10 90 190 120]", " /AP << /N 8 0 R >>"));
        update.put(8, "<< /Type /XObject /Subtype /Form /BBox [0 0 180 30] /Length 30 >>\nstream\n"
                + "BT 5 10 Td (PAID IN FULL) Tj ET\nendstream");
        Pdf pdf = Pdf.base(BASE).update(update, true);
        assertModified(pdf, "draws on the page");
    }

    @Test
    void aPageAlsoReachedFromOpenActionStillAcceptsAnEmptyField() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        String catalog = "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /OpenAction [3 0 R /Fit] >>";
        base.put(1, catalog);
        Pdf pdf = Pdf.base(base).update(emptyField(catalog, "[0 0 0 0]", ""), true);
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void aPageAlsoReachedFromTheStructureTreeStillAcceptsAnEmptyField() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        String catalog = "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /StructTreeRoot 9 0 R >>";
        base.put(1, catalog);
        base.put(9, "<< /Type /StructTreeRoot /K << /S /P /Pg 3 0 R /K 0 >> >>");
        Pdf pdf = Pdf.base(base).update(emptyField(catalog, "[0 0 0 0]", ""), true);
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void changingThePageThroughTheStructureTreeIsStillAModification() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /StructTreeRoot 9 0 R >>");
        base.put(9, "<< /Type /StructTreeRoot /K << /S /P /Pg 3 0 R /K 0 >> >>");
        Pdf pdf = Pdf.base(base).update(Map.of(3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [] >>"), true);
        assertModified(pdf, "object 3");
    }

    @Test
    void anInformationOnlyUpdateIsAllowed() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(7, "<< /ModDate (D:20261203000000Z) >>"), true, " /Info 7 0 R");
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void removingValidationDataIsAWarningNotAModification() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /DSS 10 0 R >>");
        base.put(10, "<< /Certs [] >>");
        Pdf pdf = Pdf.base(base).update(Map.of(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R >>"), true);
        RevisionDiff.Outcome outcome = RevisionDiff.after(pdf.bytes(), pdf.signedEnd);
        assertEquals(List.of(), outcome.modifications());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains("/DSS")), outcome.warnings().toString());
    }

    /**
     * Adobe's Reader-extended documents (/Perms /UR3, as in DSS's DSS-2601 test file): the usage-rights signature's
     * reference names the catalog by /Data. Validation data added later stays validation data.
     */
    @Test
    void validationDataMayBeAddedWhenAUsageRightsReferenceNamesTheCatalog() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        String perms = " /Perms << /UR3 << /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached"
                + " /Reference [ 11 0 R ] >> >>";
        base.put(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /DSS 10 0 R" + perms + " >>");
        base.put(10, "<< /Certs [] >>");
        base.put(11, "<< /Type /SigRef /TransformMethod /UR3 /Data 1 0 R /TransformParams << /V /2.2 >> >>");
        Pdf pdf = Pdf.base(base).update(Map.of(10, "<< /Certs [12 0 R] >>", 12, stream("certificate")), true);
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
        // the catalog reached through /Data is still judged as the catalog, and the page as a page
        Pdf changed = Pdf.base(base).update(Map.of(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /DSS 10 0 R"
                + perms + " /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), true);
        assertModified(changed, "object 1");
        assertModified(Pdf.base(base).update(Map.of(4, stream("BT (PAID) Tj ET")), true), "object 4");
    }

    @Test
    void garbageAfterTheLastEndOfFileMarkerIsOnlyAWarning() {
        Pdf pdf = Pdf.base(BASE);
        pdf.append("this is not PDF syntax\n");
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
        String warning = RevisionDiff.trailingGarbage(new PdfSyntax.ArrayInput(pdf.bytes()));
        assertNotNull(warning);
        assertTrue(warning.contains("%%EOF"), warning);
        assertNull(RevisionDiff.trailingGarbage(new PdfSyntax.ArrayInput(Pdf.base(BASE).bytes())));
    }

    @Test
    void aByteRangeEndingOutsideTheFileIsAModification() {
        Pdf pdf = Pdf.base(BASE);
        assertEquals(List.of("the signature's byte range ends at offset " + (pdf.bytes().length + 10) + ", outside the file ("
                + pdf.bytes().length + " bytes)"), RevisionDiff.after(pdf.bytes(), pdf.bytes().length + 10L).modifications());
    }

    @Test
    void anUpdateThatCannotBeParsedFailsClosed() {
        Pdf pdf = Pdf.base(BASE);
        pdf.append("4 0 obj\n<< /Length 9999 >>\nstream\nBT (x) Tj\nxref\n0 1\ntrailer << /Root 1 0 R >>\nstartxref\n5\n%%EOF\n");
        assertModified(pdf, "cannot be followed");
    }

    // ------------------------------------------------------------------------------------------------

    /** Base with a text field 'amount' (widget 7, appearance 8) and a page font dictionary 9 the form shares. */
    private static Map<Integer, String> formBase() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /Outlines 10 0 R >>");
        base.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R 7 0 R] "
                + "/Resources << /Font 9 0 R >> >>");
        base.put(4, stream("BT /F1 12 Tf 20 100 Td (Amount due:) Tj /F9 12 Tf (1000 EUR) Tj ET"));
        base.put(6, "<< /Fields [7 0 R] /DR << /Font 9 0 R >> >>");
        base.put(7, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V (1000) /Rect [10 10 100 30] /P 3 0 R "
                + "/AP << /N 8 0 R >> >>");
        base.put(8, stream("/Tx BMC BT /F1 10 Tf 2 5 Td (1000) Tj ET EMC"));
        base.put(9, "<< /F1 11 0 R >>");
        base.put(10, "<< /Type /Outlines /First 12 0 R /Last 12 0 R /Count 1 >>");
        base.put(11, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        base.put(12, "<< /Title (Page 1) /Parent 10 0 R /Dest [3 0 R /Fit] >>");
        return base;
    }

    @Test
    void aFormFieldFilledInWithItsAppearanceRedrawnInPlaceIsFormFilling() {
        Pdf pdf = Pdf.base(formBase()).update(Map.of(
                7, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V (2000) /Rect [10 10 100 30] /P 3 0 R "
                        + "/AP << /N 8 0 R >> >>",
                8, stream("/Tx BMC BT /F1 10 Tf 2 5 Td (2000) Tj ET EMC"),
                9, "<< /F1 11 0 R /Helv 11 0 R /ZaDb 11 0 R >>"), true);
        RevisionDiff.Outcome outcome = RevisionDiff.after(pdf.bytes(), pdf.signedEnd);
        assertEquals(List.of(), outcome.modifications());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains("changes the value of form field 'amount'")),
                outcome.warnings().toString());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains("/Helv, /ZaDb")), outcome.warnings().toString());
        // a certification with no changes allowed makes the same update a modification
        assertFalse(RevisionDiff.after(pdf.bytes(), pdf.signedEnd, RevisionDiff.Allowed.byCertification(1))
                .modifications().isEmpty());
    }

    @Test
    void anAppearanceRedrawnWithoutANewValueIsAModification() {
        Pdf pdf = Pdf.base(formBase()).update(Map.of(8, stream("/Tx BMC BT /F1 10 Tf 2 5 Td (2000) Tj ET EMC")), true);
        assertModified(pdf, "though the value of its form field did not");
    }

    @Test
    void aResourceNameTheSignedContentUsesCannotBeAddedLater() {
        // the content draws "1000 EUR" with /F9, which did not exist when it was signed: defining it changes the page
        Pdf pdf = Pdf.base(formBase()).update(Map.of(9, "<< /F1 11 0 R /F9 11 0 R >>"), true);
        assertModified(pdf, "(object 9) changed");
    }

    @Test
    void annotationsMayChangeOnlyUnderAnAnnotateCertification() {
        Pdf pdf = Pdf.base(BASE).update(Map.of(
                3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R 8 0 R] >>",
                5, "<< /Type /Annot /Subtype /Square /Rect [10 90 190 120] /F 2 /IC [1 1 1] >>",
                8, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (note) >>"), true);
        assertModified(pdf, "object 5");
        RevisionDiff.Outcome annotate = RevisionDiff.after(pdf.bytes(), pdf.signedEnd, RevisionDiff.Allowed.byCertification(3));
        assertEquals(List.of(), annotate.modifications());
        assertTrue(annotate.warnings().stream().anyMatch(w -> w.contains("adds a Text annotation on page 1")),
                annotate.warnings().toString());
        assertTrue(annotate.warnings().stream().anyMatch(w -> w.contains("changes a Square annotation")),
                annotate.warnings().toString());
    }

    @Test
    void statingAnAnnotationsOnlyTypeIsNoChange() {
        // PDFBox writes the annotations of a page it signs on again, with /Type /Annot where it was left out
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(5, "<< /Subtype /Square /Rect [10 90 190 120] /F 4 /IC [1 1 1] >>");
        Pdf stated = Pdf.base(base).update(Map.of(5,
                "<< /Type /Annot /Subtype /Square /Rect [10 90 190 120] /F 4 /IC [1 1 1] >>"), true);
        assertEquals(List.of(), RevisionDiff.after(stated.bytes(), stated.signedEnd).modifications());
        // any other /Type, or a /Type with another change, is a change
        Pdf other = Pdf.base(base).update(Map.of(5,
                "<< /Type /Widget /Subtype /Square /Rect [10 90 190 120] /F 4 /IC [1 1 1] >>"), true);
        assertModified(other, "object 5");
        Pdf moved = Pdf.base(base).update(Map.of(5,
                "<< /Type /Annot /Subtype /Square /Rect [10 90 190 121] /F 4 /IC [1 1 1] >>"), true);
        assertModified(moved, "object 5");
    }

    @Test
    void aPdfaRgbOutputIntentMayBeAddedAsDssDoesWithAVisibleSignature() {
        String catalog = "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /OutputIntents [8 0 R] >>";
        Map<Integer, String> update = new TreeMap<>(Map.of(1, catalog,
                8, "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB) /DestOutputProfile 9 0 R >>",
                9, "<< /N 3 /Length 4 >>\nstream\nicc!\nendstream"));
        Pdf added = Pdf.base(BASE).update(update, true);
        RevisionDiff.Outcome outcome = RevisionDiff.after(added.bytes(), added.signedEnd);
        assertEquals(List.of(), outcome.modifications());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains("adds a PDF/A output intent")), outcome.warnings().toString());

        // a CMYK profile (N 4) is not what DSS adds: a modification
        update.put(9, "<< /N 4 /Length 4 >>\nstream\nicc!\nendstream");
        assertModified(Pdf.base(BASE).update(update, true), "/OutputIntents other than PDF/A");
        // and an output intent the signed revision had may not change
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(1, catalog);
        base.put(8, "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB) /DestOutputProfile 9 0 R >>");
        base.put(9, "<< /N 3 /Length 4 >>\nstream\nicc!\nendstream");
        assertModified(Pdf.base(base).update(Map.of(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /OutputIntents [10 0 R] >>",
                10, "<< /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile 9 0 R >>"), true), "changed /OutputIntents");
    }

    @Test
    void realsWrittenAgainWithFewerDecimalsAreNoChange() {
        // poppler's pdfsig writes the page it signs on again with ten decimals
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.303937007874 841.889763779528] /Contents 4 0 R /Annots [5 0 R] >>");
        Pdf shortened = Pdf.base(base).update(Map.of(3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.3039370079 841.8897637795] /Contents 4 0 R /Annots [5 0 R] >>"), true);
        assertEquals(List.of(), RevisionDiff.after(shortened.bytes(), shortened.signedEnd).modifications());
        // a hundredth of a point is a change
        assertModified(Pdf.base(base).update(Map.of(3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.31 841.889763779528] /Contents 4 0 R /Annots [5 0 R] >>"), true),
                "changed /MediaBox");
    }

    @Test
    void aDirectAnnotationWrittenAsAnObjectOfItsOwnIsNoChange() {
        // iText writes the direct annotations of a page it signs on as objects of their own
        Map<Integer, String> base = new TreeMap<>(BASE);
        String square = "<< /Type /Annot /Subtype /Square /Rect [10 90 190 120] /F 4 /IC [1 1 1] >>";
        base.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [" + square + "] >>");
        base.remove(5);
        Map<Integer, String> update = new TreeMap<>(emptyField(BASE.get(1), "[0 0 0 0]", ""));
        update.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [8 0 R 7 0 R] >>");
        update.put(8, square.replace(">>", "/P 3 0 R >>")); // and with a /P naming its page
        Pdf moved = Pdf.base(base).update(update, true);
        assertEquals(List.of(), RevisionDiff.after(moved.bytes(), moved.signedEnd).modifications());
        // a /P naming another object is another dictionary
        update.put(8, square.replace(">>", "/P 4 0 R >>"));
        assertModified(Pdf.base(base).update(update, true), "lost annotation");
        // the object says something else: the direct annotation is gone
        update.put(8, "<< /Type /Annot /Subtype /Square /Rect [10 90 190 120] /F 2 /IC [1 1 1] >>");
        assertModified(Pdf.base(base).update(update, true), "lost annotation");
    }

    @Test
    void aPageTreeRebuiltAroundTheSamePagesIsNoChange() {
        // page 3 inherits its box from node 2; iText puts a new node 8 between them when it signs on the page
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 200] /Rotate 90 >>");
        base.put(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots [5 0 R] >>");
        Map<Integer, String> update = new TreeMap<>(Map.of(
                2, "<< /Type /Pages /Kids [8 0 R] /Count 1 /MediaBox [0 0 200 200] /Rotate 90 >>",
                8, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>",
                3, "<< /Type /Page /Parent 8 0 R /Contents 4 0 R /Annots [5 0 R] >>"));
        Pdf rebuilt = Pdf.base(base).update(update, true);
        assertEquals(List.of(), RevisionDiff.after(rebuilt.bytes(), rebuilt.signedEnd).modifications());
        // the new node changes what the page inherits
        update.put(8, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R /Rotate 0 >>");
        assertModified(Pdf.base(base).update(update, true), "what they inherit");
        // the page's /Parent names a node that does not list it (readers inherit through /Parent)
        update.put(8, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>");
        update.put(9, "<< /Type /Pages /Kids [] /Count 0 /Parent 2 0 R /Rotate 0 >>");
        update.put(3, "<< /Type /Page /Parent 9 0 R /Contents 4 0 R /Annots [5 0 R] >>");
        assertModified(Pdf.base(base).update(update, true), "what they inherit");
    }

    /** BASE, tagged: structure tree 9, document element 10, paragraph 11 (marked content 0 on page 3), parent tree 12. */
    private static Map<Integer, String> taggedBase() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /StructTreeRoot 9 0 R /MarkInfo << /Marked true >> >>");
        base.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R] /StructParents 0 >>");
        base.put(9, "<< /Type /StructTreeRoot /K 10 0 R /ParentTree 12 0 R /ParentTreeNextKey 1 >>");
        base.put(10, "<< /Type /StructElem /S /Document /P 9 0 R /K [11 0 R] >>");
        base.put(11, "<< /Type /StructElem /S /P /P 10 0 R /Pg 3 0 R /K 0 /Alt (Amount due: 1000 EUR) >>");
        base.put(12, "<< /Type /ParentTree /Nums [0 13 0 R] >>");
        base.put(13, "[11 0 R]");
        return base;
    }

    /** A new signature field 7 tagged as iText tags it: element 14, the parent tree written again as 15 (16 a copy of 13). */
    private static Map<Integer, String> taggedField(String objr) {
        Map<Integer, String> update = new TreeMap<>();
        update.put(7, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Approver) /F 132 /Rect [0 0 0 0] /P 3 0 R /StructParent 1 >>");
        update.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R 7 0 R] "
                + "/StructParents 0 /Tabs /S >>");
        update.put(6, "<< /Fields [7 0 R] /SigFlags 1 >>");
        update.put(9, "<< /Type /StructTreeRoot /K 10 0 R /ParentTree 15 0 R /ParentTreeNextKey 2 /RoleMap << >> >>");
        update.put(10, "<< /Type /StructElem /S /Document /P 9 0 R /K [11 0 R 14 0 R] >>");
        update.put(14, "<< /Type /StructElem /S /Form /P 10 0 R /Pg 3 0 R /K << /Type /OBJR /Obj " + objr + " >> >>");
        update.put(15, "<< /Nums [0 16 0 R 1 14 0 R] >>");
        update.put(16, "[11 0 R]");
        return update;
    }

    @Test
    void aSignatureFieldTaggedInTheStructureTreeIsNoChange() {
        Pdf pdf = Pdf.base(taggedBase()).update(taggedField("7 0 R"), true);
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void theStructureTreeMayOnlyGrowByTheTagOfANewSignatureField() {
        // the new element tags the existing Square annotation, not the new field
        assertModified(Pdf.base(taggedBase()).update(taggedField("5 0 R"), true), "a structure element");
        // an entry of the parent tree now points elsewhere
        Map<Integer, String> moved = taggedField("7 0 R");
        moved.put(16, "[14 0 R]");
        assertModified(Pdf.base(taggedBase()).update(moved, true), "/ParentTree changed");
        // what an existing element says to a screen reader changes
        Map<Integer, String> alt = taggedField("7 0 R");
        alt.put(11, "<< /Type /StructElem /S /P /P 10 0 R /Pg 3 0 R /K 0 /Alt (Amount due: 10 EUR) >>");
        assertModified(Pdf.base(taggedBase()).update(alt, true), "(object 11) changed /Alt");
        // a role map entry appears (elements of a custom type would read as another)
        Map<Integer, String> roleMap = taggedField("7 0 R");
        roleMap.put(9, "<< /Type /StructTreeRoot /K 10 0 R /ParentTree 15 0 R /ParentTreeNextKey 2 /RoleMap << /P /Figure >> >>");
        assertModified(Pdf.base(taggedBase()).update(roleMap, true), "changed /RoleMap");
        // a tab order other than the structure's
        Map<Integer, String> tabs = taggedField("7 0 R");
        tabs.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R 7 0 R] "
                + "/StructParents 0 /Tabs /R >>");
        assertModified(Pdf.base(taggedBase()).update(tabs, true), "changed /Tabs");
    }

    // OpenPDF and iText 2 write the attributes a page inherits (ISO 32000-1 Table 30) into each page they touch.

    /** BASE with the media box and resources on the page tree, inherited by the page. */
    private static Map<Integer, String> inheritedBase() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 200] /Resources << /Font << >> >> >>");
        base.put(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots [5 0 R] >>");
        return base;
    }

    @Test
    void inheritedAttributesWrittenIntoThePageAreNoChange() {
        Pdf pdf = Pdf.base(inheritedBase()).update(Map.of(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots [5 0 R] "
                + "/MediaBox [0 0 200 200] /CropBox [0 0 200 200] /Rotate 0 /Resources << /Font << >> >> >>"), true);
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void anInheritedAttributeWrittenIntoThePageWithAnotherValueIsAModification() {
        String page = "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots [5 0 R] /Resources << /Font << >> >> ";
        assertModified(Pdf.base(inheritedBase()).update(Map.of(3, page + "/MediaBox [0 0 200 100] >>"), true),
                "changed /MediaBox");
        assertModified(Pdf.base(inheritedBase()).update(Map.of(3, page + "/Rotate 90 >>"), true), "changed /Rotate");
        assertModified(Pdf.base(inheritedBase()).update(Map.of(3, page + "/CropBox [0 0 100 100] >>"), true),
                "changed /CropBox");
    }

    /** BASE with page resources 7 (an /XObject dictionary with /X1, an empty /Font dictionary) and form XObject 8. */
    private static Map<Integer, String> resourcesBase() {
        Map<Integer, String> base = new TreeMap<>(BASE);
        base.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R] "
                + "/Resources 7 0 R >>");
        base.put(7, "<< /XObject << /X1 8 0 R >> /Font << >> >>");
        base.put(8, "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 >>\nstream\n\nendstream");
        return base;
    }

    @Test
    void aNameTheSignedContentDoesNotUseMayBeAddedOneLevelDownInPageResources() {
        // OpenPDF adds its signature appearance, /FRM, to the page's /XObject resources
        Map<Integer, String> update = new TreeMap<>();
        update.put(7, "<< /XObject << /X1 8 0 R /FRM 9 0 R >> /Font << >> >>");
        update.put(9, "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 >>\nstream\n\nendstream");
        RevisionDiff.Outcome outcome = RevisionDiff.after(Pdf.base(resourcesBase()).update(update, true).bytes(),
                Pdf.base(resourcesBase()).signedEnd);
        assertEquals(List.of(), outcome.modifications());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains("/FRM")), outcome.warnings().toString());
    }

    @Test
    void aNameTheSignedContentUsesCannotBeAddedOneLevelDownInPageResources() {
        // the signed content draws with /F1, which the signed revision does not define: defining it changes the page
        assertModified(Pdf.base(resourcesBase()).update(Map.of(7, "<< /XObject << /X1 8 0 R >> /Font << /F1 << /Type "
                + "/Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"), true), "object 7");
        // an entry that is there already, given another value one level down
        assertModified(Pdf.base(resourcesBase()).update(Map.of(7, "<< /XObject << /X1 5 0 R >> /Font << >> >>"), true),
                "object 7");
    }

    // A later writer that lists the whole document again in a section without /Prev (PoDoFo 0.9 after a revision with
    // a cross-reference stream): its table is what every reader reads, so it is compared entry by entry, and the missing
    // chain is only a warning.

    private static final String UNCHAINED = "does not chain back (/Prev)";

    @Test
    void aWholeTableWithoutPrevListingTheSameObjectsIsOnlyAWarning() {
        Pdf pdf = Pdf.base(BASE).unchained(Map.of(), Map.of(), List.of());
        RevisionDiff.Outcome outcome = RevisionDiff.after(pdf.bytes(), pdf.signedEnd);
        assertEquals(List.of(), outcome.modifications());
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.contains(UNCHAINED)), outcome.warnings().toString());
    }

    @Test
    void aWholeTableWithoutPrevMayAddAnEmptyInvisibleSignatureField() {
        Pdf pdf = Pdf.base(BASE).unchained(emptyField(BASE.get(1), "[0 0 0 0]", ""), Map.of(), List.of());
        assertEquals(List.of(), RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications());
    }

    @Test
    void aWholeTableWithoutPrevThatChangesPageContentIsAModification() {
        Pdf pdf = Pdf.base(BASE).unchained(Map.of(4, stream("BT /F1 12 Tf 20 100 Td (PAID IN FULL) Tj ET")), Map.of(),
                List.of());
        assertModified(pdf, "object 4");
    }

    @Test
    void aWholeTableWithoutPrevThatLeavesOutAnAnnotationIsAModification() {
        Pdf pdf = Pdf.base(BASE).unchained(Map.of(), Map.of(), List.of(5));
        assertModified(pdf, "(object 5) was deleted");
    }

    @Test
    void aWholeTableWithoutPrevThatPointsBackAtAnOlderSignedDefinitionIsAModification() {
        Pdf pdf = Pdf.base(BASE);
        long first = pdf.offset(4);
        pdf.update(Map.of(4, stream("BT /F1 12 Tf 20 100 Td (Amount due: 1 EUR) Tj ET")), true).signHere();
        pdf.unchained(Map.of(), Map.of(4, first), List.of()); // object 4 as it was before the signed revision changed it
        assertModified(pdf, "object 4");
    }

    private static void assertModified(Pdf pdf, String expected) {
        List<String> modifications = RevisionDiff.after(pdf.bytes(), pdf.signedEnd).modifications();
        assertTrue(modifications.stream().anyMatch(m -> m.contains(expected)),
                "expected a modification naming '" + expected + "', got " + modifications);
    }

    /** A later revision adding signature field 7 (a widget on page 3) to the form and the page. */
    private static Map<Integer, String> emptyField(String catalog, String rect, String extra) {
        Map<Integer, String> update = new TreeMap<>();
        update.put(7, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Approver) /F 4 /Rect " + rect + " /P 3 0 R"
                + extra + " >>");
        update.put(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R 7 0 R] >>");
        update.put(6, "<< /Fields [7 0 R] /SigFlags 1 >>");
        assertTrue(catalog.contains("/AcroForm 6 0 R"));
        return update;
    }

    private static String stream(String content) {
        return "<< /Length " + content.length() + " >>\nstream\n" + content + "\nendstream";
    }

    /** A classic-xref file written revision by revision. */
    private static final class Pdf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long signedEnd;
        private long lastXref;
        private int size;
        /** Where each object is defined now (its newest definition). */
        private final Map<Integer, Long> current = new TreeMap<>();

        static Pdf base(Map<Integer, String> objects) {
            Pdf pdf = new Pdf();
            pdf.append("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
            pdf.size = objects.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            pdf.section(new TreeMap<>(objects), 0, "", true, true);
            pdf.signedEnd = pdf.out.size();
            return pdf;
        }

        Pdf update(Map<Integer, String> objects, boolean endOfFile) {
            return update(objects, endOfFile, "");
        }

        Pdf update(Map<Integer, String> objects, boolean endOfFile, String trailerExtra) {
            size = Math.max(size, objects.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1);
            section(new TreeMap<>(objects), 0, trailerExtra, false, endOfFile);
            return this;
        }

        Pdf updateWithGeneration(int number, int generation, String body) {
            section(new TreeMap<>(Map.of(number, body)), generation, "", false, true);
            return this;
        }

        /** The signature covers everything written so far. */
        Pdf signHere() {
            signedEnd = out.size();
            return this;
        }

        long offset(int number) {
            return current.get(number);
        }

        /**
         * A revision whose cross-reference section lists the whole document again, with no {@code /Prev}: the new
         * {@code objects}, every other object at its current offset, or at {@code pointAt}'s, and {@code leftOut} free.
         */
        Pdf unchained(Map<Integer, String> objects, Map<Integer, Long> pointAt, List<Integer> leftOut) {
            size = Math.max(size, objects.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1);
            for (Map.Entry<Integer, String> e : new TreeMap<>(objects).entrySet()) {
                current.put(e.getKey(), (long) out.size());
                append(e.getKey() + " 0 obj\n" + e.getValue() + "\nendobj\n");
            }
            long xref = out.size();
            StringBuilder table = new StringBuilder("xref\n0 " + size + "\n0000000000 65535 f \n");
            for (int i = 1; i < size; i++) {
                Long at = leftOut.contains(i) ? null : pointAt.getOrDefault(i, current.get(i));
                table.append(at == null ? "0000000000 00001 f \n" : String.format("%010d 00000 n \n", at));
            }
            append(table.toString());
            append("trailer\n<< /Size " + size + " /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n");
            lastXref = xref;
            return this;
        }

        /** A revision whose cross-reference section only marks {@code number} free. */
        Pdf freeOnly(int number) {
            long xref = out.size();
            append("xref\n" + number + " 1\n0000000000 00001 f \n");
            append("trailer\n<< /Size " + size + " /Root 1 0 R /Prev " + lastXref + " >>\nstartxref\n" + xref + "\n%%EOF\n");
            lastXref = xref;
            return this;
        }

        private void section(TreeMap<Integer, String> objects, int generation, String trailerExtra, boolean first,
                             boolean endOfFile) {
            Map<Integer, Long> offsets = new TreeMap<>();
            for (Map.Entry<Integer, String> e : objects.entrySet()) {
                offsets.put(e.getKey(), (long) out.size());
                current.put(e.getKey(), (long) out.size());
                append(e.getKey() + " " + generation + " obj\n" + e.getValue() + "\nendobj\n");
            }
            long xref = out.size();
            StringBuilder table = new StringBuilder("xref\n");
            if (first) {
                table.append("0 ").append(size).append('\n').append("0000000000 65535 f \n");
                for (int i = 1; i < size; i++) {
                    Long at = offsets.get(i);
                    table.append(at == null ? "0000000000 00001 f \n" : String.format("%010d 00000 n \n", at));
                }
            } else {
                List<Integer> numbers = new ArrayList<>(offsets.keySet());
                for (int n : numbers) {
                    table.append(n).append(" 1\n").append(String.format("%010d %05d n \n", offsets.get(n), generation));
                }
            }
            append(table.toString());
            append("trailer\n<< /Size " + size + " /Root 1 0 R" + (first ? "" : " /Prev " + lastXref) + trailerExtra
                    + " >>\nstartxref\n" + xref + "\n" + (endOfFile ? "%%EOF\n" : ""));
            lastXref = xref;
        }

        void append(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
