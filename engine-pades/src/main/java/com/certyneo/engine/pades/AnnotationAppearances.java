package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotation;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationMarkup;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;

import java.io.IOException;

/**
 * Gives markup and link annotations that have no appearance stream (squares, circles, notes, free
 * text, highlights, ink, lines, bordered links …) the appearance a renderer would construct for them, before the first
 * signature, in the engine's preparation revision.
 *
 * <p>Why: ISO 32000-2 §12.5.5 requires an /AP for these annotations, and viewers that lack one each
 * construct their own, so what such a page shows is not fixed by the bytes a signature covers. It also
 * misleads validators: DSS 6.2 renders revisions with PDFBox, which builds and stores missing
 * appearances while rendering (and moves /Rect and /RD for squares and circles), and then reports
 * "visual difference" and "annotation changes" after any signature on such a document, whoever made
 * it. With the appearances written before signing, what is signed is what every viewer shows.
 *
 * <p>Documents that are already signed are left alone: adding appearances after someone else's
 * signature would change what they signed.
 */
final class AnnotationAppearances {

    private AnnotationAppearances() {
    }

    /** What {@link #complete} did to a document. */
    enum Outcome {
        /** No annotation lacked an appearance (or the document is signed): the document is as it was loaded. */
        UNTOUCHED,
        /**
         * PDFBox was asked for appearances it could not build: nothing to save, but its attempt may have left the
         * loaded objects different from the file's.
         */
        ATTEMPTED,
        /** Appearances were added (the objects that changed are marked for the next incremental save). */
        COMPLETED
    }

    /**
     * @param document an unencrypted document
     * @return what was done: {@link Outcome#COMPLETED} when any appearance was added
     * @throws IOException when PDFBox cannot read a page or build an appearance
     */
    static Outcome complete(PDDocument document) throws IOException {
        if (signed(document)) {
            return Outcome.UNTOUCHED;
        }
        boolean changed = false;
        boolean attempted = false;
        for (PDPage page : document.getPages()) {
            COSBase annotsItem = page.getCOSObject().getItem(COSName.ANNOTS);
            COSBase annotsBase = annotsItem instanceof COSObject object ? object.getObject() : annotsItem;
            if (!(annotsBase instanceof COSArray annots)) {
                continue;
            }
            for (int i = 0; i < annots.size(); i++) {
                COSBase item = annots.get(i);
                COSBase resolved = item instanceof COSObject object ? object.getObject() : item;
                if (!(resolved instanceof COSDictionary dictionary) || !needsAppearance(dictionary)) {
                    continue;
                }
                PDAnnotation annotation = PDAnnotation.createAnnotation(dictionary);
                attempted = true;
                annotation.constructAppearances(document);
                PDAppearanceDictionary appearance = annotation.getAppearance();
                if (appearance == null || appearance.getNormalAppearance() == null) {
                    continue; // PDFBox has no handler for this kind
                }
                changed = true;
                if (item instanceof COSObject) {
                    dictionary.setNeedToBeUpdated(true); // an indirect annotation: rewrite only it
                } else if (annotsItem instanceof COSObject) {
                    annots.setNeedToBeUpdated(true); // a direct annotation in an indirect /Annots array
                } else {
                    page.getCOSObject().setNeedToBeUpdated(true); // a direct annotation in the page's own array
                }
            }
        }
        return changed ? Outcome.COMPLETED : attempted ? Outcome.ATTEMPTED : Outcome.UNTOUCHED;
    }

    private static boolean needsAppearance(COSDictionary dictionary) throws IOException {
        PDAnnotation annotation = PDAnnotation.createAnnotation(dictionary);
        if (!(annotation instanceof PDAnnotationMarkup || annotation instanceof PDAnnotationLink)
                || annotation.isHidden() || annotation.isNoView()) {
            return false;
        }
        PDAppearanceDictionary appearance = annotation.getAppearance();
        if (appearance != null && appearance.getNormalAppearance() != null) {
            return false;
        }
        PDRectangle rect = annotation.getRectangle();
        return rect != null && rect.getWidth() > 0 && rect.getHeight() > 0;
    }

    /**
     * Whether a signature field of the document has a value, without resolving the values (each would be
     * parsed with its /Contents, the largest string of a signed PDF). The walk reads the field dictionaries
     * themselves, not PDFBox's field tree (which builds every field of the form before the first is looked at: on
     * a document of 30 signatures and 30 document time-stamps, 60 objects parsed per signature), and stops at the
     * first signed field; a field's type is its own /FT, else its ancestors' on the way down, else along /Parent.
     */
    static boolean signed(PDDocument document) {
        COSDictionary form = document.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.ACRO_FORM);
        COSArray fields = form == null ? null : form.getCOSArray(COSName.FIELDS);
        return fields != null && anySigned(fields, null, 0,
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    }

    /** The depth beyond which a field tree is not walked (ISO 32000 sets none; real forms nest a few levels). */
    private static final int MAX_FIELD_DEPTH = 64;

    private static boolean anySigned(COSArray fields, COSName inheritedType, int depth, java.util.Set<COSDictionary> seen) {
        if (depth > MAX_FIELD_DEPTH) {
            return false;
        }
        for (int i = 0; i < fields.size(); i++) {
            if (!(fields.getObject(i) instanceof COSDictionary field) || !seen.add(field)) {
                continue;
            }
            COSName type = fieldType(field, inheritedType);
            if (COSName.SIG.equals(type) && field.getItem(COSName.V) != null) {
                return true;
            }
            COSArray kids = field.getCOSArray(COSName.KIDS);
            if (kids != null && anySigned(kids, type, depth + 1, seen)) {
                return true;
            }
        }
        return false;
    }

    private static COSName fieldType(COSDictionary field, COSName inherited) {
        COSName own = field.getCOSName(COSName.FT);
        if (own != null || inherited != null) {
            return own != null ? own : inherited;
        }
        return SignatureRevision.inherited(field, COSName.FT) instanceof COSName type ? type : null;
    }
}
