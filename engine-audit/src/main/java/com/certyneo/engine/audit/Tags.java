package com.certyneo.engine.audit;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.COSObjectable;
import org.apache.pdfbox.pdmodel.common.PDNumberTreeNode;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDMarkInfo;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDMarkedContentReference;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureTreeRoot;
import org.apache.pdfbox.pdmodel.documentinterchange.taggedpdf.PDTableAttributeObject;
import org.apache.pdfbox.pdmodel.interactive.viewerpreferences.PDViewerPreferences;
import org.apache.pdfbox.cos.COSDictionary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The logical structure of an audit trail (Tagged PDF, ISO 32000-1 §14.8): a {@code Document}
 * element holding headings, paragraphs and tables, every piece of text drawn inside a marked-content
 * sequence with an MCID that a structure element refers to, page furniture (running headers,
 * footers, rules, shading, repeated table headers) marked as artifacts, and the parent tree that
 * maps each page's MCIDs back to their elements. Screen readers read the structure in order.
 */
final class Tags {

    /** Standard structure types used. */
    static final String DOCUMENT = "Document";
    static final String H1 = "H1";
    static final String H2 = "H2";
    static final String H3 = "H3";
    static final String P = "P";
    static final String TABLE = "Table";
    static final String TR = "TR";
    static final String TH = "TH";
    static final String TD = "TD";
    /** The language of the trail's own words. */
    static final String LANGUAGE = "en";

    private final PDDocument document;
    private final PDStructureTreeRoot root = new PDStructureTreeRoot();
    private final PDStructureElement top;
    private final Map<PDPage, List<PDStructureElement>> parents = new LinkedHashMap<>();

    Tags(PDDocument document) {
        this.document = document;
        this.top = new PDStructureElement(DOCUMENT, root);
        root.appendKid(top);
    }

    /** @return the {@code Document} element */
    PDStructureElement document() {
        return top;
    }

    /** @return a new element of {@code type}, appended to {@code parent} */
    static PDStructureElement add(PDStructureElement parent, String type) {
        PDStructureElement e = new PDStructureElement(type, parent);
        parent.appendKid(e);
        return e;
    }

    /** @return a new table header cell that heads its row ({@code /Scope /Row}) or column */
    static PDStructureElement headerCell(PDStructureElement row, boolean rowHeader) {
        PDStructureElement th = add(row, TH);
        PDTableAttributeObject attributes = new PDTableAttributeObject();
        attributes.setScope(rowHeader ? PDTableAttributeObject.SCOPE_ROW : PDTableAttributeObject.SCOPE_COLUMN);
        th.addAttribute(attributes);
        return th;
    }

    /**
     * Opens a marked-content sequence on {@code page} that belongs to {@code element}; close it with
     * {@link PDPageContentStream#endMarkedContent()}.
     */
    void begin(PDPageContentStream content, PDPage page, PDStructureElement element) throws IOException {
        List<PDStructureElement> onPage = parents.computeIfAbsent(page, p -> new ArrayList<>());
        int mcid = onPage.size();
        onPage.add(element);
        PDPage own = element.getPage();
        if (own == null) {
            element.setPage(page);
            own = page;
        }
        if (own.getCOSObject() == page.getCOSObject()) {
            element.appendKid(mcid); // on the element's own page (/Pg): a bare MCID
        } else {
            PDMarkedContentReference reference = new PDMarkedContentReference(); // a cell continued on the next page
            reference.setMCID(mcid);
            reference.setPage(page);
            element.appendKid(reference);
        }
        content.beginMarkedContent(COSName.getPDFName(element.getStructureType()), mcid);
    }

    /** Opens an artifact (page furniture); close it with {@link PDPageContentStream#endMarkedContent()}. */
    static void beginArtifact(PDPageContentStream content) throws IOException {
        content.beginMarkedContent(COSName.ARTIFACT);
    }

    /** Writes the structure tree, parent tree, mark info, language and viewer preferences into the catalog. */
    void finish() {
        Map<Integer, COSObjectable> numbers = new LinkedHashMap<>();
        int key = 0;
        for (PDPage page : document.getPages()) {
            List<PDStructureElement> onPage = parents.getOrDefault(page, List.of());
            COSArray array = new COSArray();
            for (PDStructureElement e : onPage) {
                array.add(e);
            }
            page.setStructParents(key);
            numbers.put(key, array);
            key++;
        }
        PDNumberTreeNode parentTree = new PDNumberTreeNode(COSBase.class);
        parentTree.setNumbers(numbers);
        root.setParentTree(parentTree);
        root.setParentTreeNextKey(key);

        PDDocumentCatalog catalog = document.getDocumentCatalog();
        catalog.setStructureTreeRoot(root);
        PDMarkInfo markInfo = new PDMarkInfo();
        markInfo.setMarked(true);
        catalog.setMarkInfo(markInfo);
        catalog.setLanguage(LANGUAGE);
        PDViewerPreferences preferences = new PDViewerPreferences(new COSDictionary());
        preferences.setDisplayDocTitle(true);
        catalog.setViewerPreferences(preferences);
    }
}
