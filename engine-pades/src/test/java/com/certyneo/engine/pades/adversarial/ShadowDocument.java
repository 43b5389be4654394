package com.certyneo.engine.pades.adversarial;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSFloat;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdfwriter.compress.CompressParameters;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A "shadow document" (Mainka et al., NDSS 2021) prepared before signing, so that the shadow attacks
 * have something to work on once it is signed. Built with PDFBox (classic cross-reference table, no
 * object streams), then one hand-written incremental update:
 * <ul>
 * <li>page 1 shows an invoice whose line "Amount due: 9,999.00 EUR" is covered by an opaque Square
 * annotation ({@code /NM (shadow-cover)}) whose appearance reads "Amount due: 1,000.00 EUR";</li>
 * <li>a hidden FreeText annotation ({@code /F 2}, {@code /NM (shadow-hidden)}) reading "PAID IN FULL";</li>
 * <li>page 1 draws form XObject {@code /Xg} ("Terms: payment within 30 days"); its resources also hold
 * an unused {@code /Xe} ("Terms: the buyer waives every claim"), an unused appearance {@code /Xa}
 * ("Amount due: 0.00 EUR") and an unused font {@code /FAlt} (ZapfDingbats) next to the text font
 * {@code /FBody};</li>
 * <li>page 2's content stream (object {@link #rewindObject}) first says "the buyer waives every claim
 * and pays twice"; revision 1 redefines it as "standard terms apply", so the evil text stays in the
 * signed bytes at {@link #rewindOffset};</li>
 * <li>the catalog's {@code /CertyneoShadowRoot} points at an unused second catalog whose single page
 * reads "PAID IN FULL - nothing is due".</li>
 * </ul>
 *
 * @param bytes         the two-revision document, ready to sign
 * @param rewindObject  the object number of page 2's content stream
 * @param rewindOffset  where its evil revision-0 definition starts
 * @param aliasOffset   where the unused /Xe form XObject's definition starts (another object number)
 */
record ShadowDocument(byte[] bytes, int rewindObject, long rewindOffset, long aliasOffset) {

    static final String COVER = "shadow-cover";
    static final String HIDDEN = "shadow-hidden";
    static final COSName SHADOW_ROOT = COSName.getPDFName("CertyneoShadowRoot");
    static final COSName BODY_FONT = COSName.getPDFName("FBody");
    static final COSName ALT_FONT = COSName.getPDFName("FAlt");
    static final COSName GOOD_FORM = COSName.getPDFName("Xg");
    static final COSName EVIL_FORM = COSName.getPDFName("Xe");
    static final COSName EVIL_APPEARANCE = COSName.getPDFName("Xa");

    /** @return a freshly built shadow document */
    static ShadowDocument build() {
        byte[] revision0;
        try (PDDocument document = new PDDocument()) {
            PDType1Font helvetica = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font dingbats = new PDType1Font(Standard14Fonts.FontName.ZAPF_DINGBATS);

            PDPage one = new PDPage(PDRectangle.A4);
            document.addPage(one);
            PDResources resources = new PDResources();
            resources.put(BODY_FONT, helvetica);
            resources.put(ALT_FONT, dingbats);
            resources.put(GOOD_FORM, form(document, helvetica, 420, 20, "0 0 0 rg BT /FBody 12 Tf 0 6 Td (Terms: payment within 30 days of delivery.) Tj ET"));
            resources.put(EVIL_FORM, form(document, helvetica, 420, 20, "0 0 0 rg BT /FBody 12 Tf 0 6 Td (Terms: the buyer waives every claim.) Tj ET"));
            resources.put(EVIL_APPEARANCE, form(document, helvetica, 294, 32, cover("Amount due: 0.00 EUR")));
            resources.getCOSObject().setDirect(true);
            one.setResources(resources);
            content(document, one, """
                    BT /FBody 22 Tf 72 760 Td (INVOICE 2024-117) Tj ET
                    BT /FBody 12 Tf 72 730 Td (Supplier: Example Supplies Ltd.  Customer: Jane Doe) Tj ET
                    BT /FBody 16 Tf 72 680 Td (Amount due: 9,999.00 EUR) Tj ET
                    q 1 0 0 1 72 600 cm /Xg Do Q
                    BT /FBody 12 Tf 72 560 Td (Signed for approval.) Tj ET
                    """);
            COSArray annotations = new COSArray();
            annotations.add(annotation("Square", COVER, 4, new float[] {66, 670, 360, 702},
                    form(document, helvetica, 294, 32, cover("Amount due: 1,000.00 EUR"))));
            annotations.add(annotation("FreeText", HIDDEN, 2, new float[] {300, 420, 560, 470},
                    form(document, helvetica, 260, 50, "1 0 0 rg BT /FBody 28 Tf 4 14 Td (PAID IN FULL) Tj ET")));
            one.getCOSObject().setItem(COSName.ANNOTS, annotations);

            PDPage two = new PDPage(PDRectangle.A4);
            document.addPage(two);
            PDResources resources2 = new PDResources();
            resources2.put(BODY_FONT, helvetica);
            resources2.getCOSObject().setDirect(true);
            two.setResources(resources2);
            content(document, two, "BT /FBody 14 Tf 72 760 Td (Conditions: the buyer waives every claim and pays twice.) Tj ET\n");

            COSDictionary shadowCatalog = new COSDictionary();
            shadowCatalog.setName(COSName.TYPE, "Catalog");
            COSDictionary shadowPages = new COSDictionary();
            shadowPages.setName(COSName.TYPE, "Pages");
            PDPage shadowPage = new PDPage(PDRectangle.A4);
            PDResources resources3 = new PDResources();
            resources3.put(BODY_FONT, helvetica);
            resources3.getCOSObject().setDirect(true);
            shadowPage.setResources(resources3);
            content(document, shadowPage, "1 0 0 rg BT /FBody 28 Tf 72 700 Td (PAID IN FULL - nothing is due) Tj ET\n");
            shadowPage.getCOSObject().setItem(COSName.PARENT, shadowPages);
            COSArray kids = new COSArray();
            kids.add(shadowPage.getCOSObject());
            shadowPages.setItem(COSName.KIDS, kids);
            shadowPages.setInt(COSName.COUNT, 1);
            shadowCatalog.setItem(COSName.PAGES, shadowPages);
            document.getDocumentCatalog().getCOSObject().setItem(SHADOW_ROOT, shadowCatalog);
            document.getDocumentInformation().setProducer("Certyneo adversarial corpus (PDFBox, shadow document)");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out, CompressParameters.NO_COMPRESSION);
            revision0 = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (PdfFacts facts = new PdfFacts(revision0)) {
            int contentTwo = facts.mainContentNumber(1);
            long evilOffset = facts.definitions(contentTwo, 0).get(0);
            long evilForm = facts.definitions((int) Cos.number(
                    Cos.copyOfDictionary(Cos.copyOfDictionary(facts.page(0).getItem(COSName.RESOURCES)).getItem(COSName.XOBJECT))
                            .getItem(EVIL_FORM)), 0).get(0);
            byte[] revision1 = IncrementalUpdate.on(facts)
                    .stream(contentTwo, "", "BT /FBody 14 Tf 72 760 Td (Conditions: standard terms apply.) Tj ET\n")
                    .build();
            return new ShadowDocument(revision1, contentTwo, evilOffset, evilForm);
        }
    }

    /** The appearance of the covering annotation: an opaque white box with a line of text. */
    private static String cover(String text) {
        return "1 1 1 rg 0 0 294 32 re f 0 0 0 rg BT /FBody 16 Tf 6 10 Td " + Cos.literal(text) + " Tj ET";
    }

    private static PDFormXObject form(PDDocument document, PDType1Font font, float width, float height, String content)
            throws IOException {
        PDFormXObject form = new PDFormXObject(document);
        form.setBBox(new PDRectangle(width, height));
        PDResources resources = new PDResources();
        resources.put(BODY_FONT, font);
        resources.getCOSObject().setDirect(true);
        form.setResources(resources);
        try (OutputStream out = form.getContentStream().createOutputStream()) {
            out.write(Cos.latin1(content));
        }
        return form;
    }

    private static void content(PDDocument document, PDPage page, String content) throws IOException {
        PDStream stream = new PDStream(document);
        try (OutputStream out = stream.createOutputStream()) {
            out.write(Cos.latin1(content));
        }
        page.setContents(stream);
    }

    private static COSDictionary annotation(String subtype, String name, int flags, float[] rect, PDFormXObject appearance) {
        COSDictionary a = new COSDictionary();
        a.setName(COSName.TYPE, "Annot");
        a.setName(COSName.SUBTYPE, subtype);
        a.setString(COSName.NM, name);
        a.setInt(COSName.F, flags);
        COSArray r = new COSArray();
        for (float f : rect) {
            r.add(new COSFloat(f));
        }
        a.setItem(COSName.RECT, r);
        COSDictionary border = new COSDictionary();
        border.setItem(COSName.W, COSInteger.ZERO);
        border.setDirect(true);
        a.setItem(COSName.BS, border);
        if ("FreeText".equals(subtype)) {
            a.setString(COSName.DA, "/Helv 28 Tf 1 0 0 rg");
            a.setString(COSName.CONTENTS, "PAID IN FULL");
        }
        COSDictionary ap = new COSDictionary();
        COSStream normal = appearance.getCOSObject();
        ap.setItem(COSName.N, normal);
        ap.setDirect(true);
        a.setItem(COSName.AP, ap);
        return a;
    }
}
