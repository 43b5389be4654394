package com.certyneo.engine.pades;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureField;
import com.certyneo.engine.SignatureFieldInfo;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSFloat;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;

/**
 * Empty signature fields for every recipient of a document, added in one incremental revision written by
 * {@link RevisionWriter} (in the cross-reference form of the section it chains to), with the SANDBOX mark on a
 * sandbox engine (recorded in the catalog, so later signers do not draw it again, see {@link SandboxMarker}).
 * Each field is a merged field and widget ({@code /FT /Sig}, {@code /F 132}: Print and Locked) in the form's
 * {@code /Fields} and its page's {@code /Annots}: invisible ({@code /Rect [0 0 0 0]}) or placed, and an optional
 * {@code /Lock}. A placed field gets no appearance until it is signed: the signer's revision then creates it, which
 * DSS's modification filter accepts as a field fill. In a document that claims PDF/A, whose every annotation with an
 * area (and, in PDF/A-1, every form field) must have an appearance, each field gets a blank one instead: the form the
 * signer's appearance will be, without content, which the signer's revision fills (DSS: an empty signature field
 * filled). A later signature into such a field only fills it, which {@link RevisionDiff} and DSS accept.
 *
 * <p>Also lists the signature fields of a document ({@link #list}).
 */
final class FieldPreparation {

    private FieldPreparation() {
    }

    /**
     * @param pdf the input
     * @param name the document name, for errors
     * @param fields the fields to add
     * @param mark whether to draw the sandbox mark (unless it is there)
     * @return the input with one revision appended
     */
    static byte[] prepare(byte[] pdf, String name, List<SignatureField> fields, boolean mark) throws IOException {
        if (fields == null || fields.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "No signature field to add to '" + name + "'",
                    "Give at least one field, for example --field buyer.");
        }
        java.util.Set<Long> atOffsetZero = PdfInputs.requireIntact(pdf, name).atOffsetZero();
        PDDocument document;
        try {
            document = Loader.loadPDF(pdf);
            document.getDocumentCatalog().getPages().getCount();
        } catch (IOException | RuntimeException e) {
            throw DssFailures.opening(e, name);
        }
        try (document) {
            if (document.isEncrypted()) {
                throw PdfInputs.encrypted(name, null);
            }
            PdfInputs.requireUnreferenced(document, atOffsetZero, name);
            requireNotCertifiedNoChanges(document, name);
            PdfInputs.requireNotDynamicXfa(document, name);
            List<Placed> placed = check(document, name, fields);
            RevisionWriter writer = RevisionWriter.of(pdf, document, name);
            try (writer) {
                if (mark && SandboxMarker.mark(document, name)) {
                    takeIncrement(writer, document);
                }
                addFields(writer, document, placed);
                RevisionWriter.Revision revision = writer.write();
                ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 16 * 1024);
                revision.writeTo(out);
                return out.toByteArray();
            }
        }
    }

    /** Fields on a document certified with no changes allowed would invalidate the certification. */
    private static void requireNotCertifiedNoChanges(PDDocument document, String name) {
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (catalog.getDictionaryObject(COSName.PERMS) instanceof COSDictionary perms
                && perms.getDictionaryObject(COSName.DOCMDP) instanceof COSDictionary certification
                && MdpCheck.permission(certification) == 1) {
            throw new SignatureEngineException(ErrorCode.DOCUMENT_LOCKED, "'" + name + "' does not accept new fields: "
                    + "it is certified with no changes allowed (DocMDP /P 1)", "Add the fields to the unsigned original, "
                    + "before it is certified.", null);
        }
    }

    /** A requested field, checked: its 0-based page and its rectangle in default user space (null: invisible). */
    private record Placed(SignatureField field, int pageIndex, PDRectangle rect) {
    }

    private static List<Placed> check(PDDocument document, String name, List<SignatureField> fields) {
        Set<String> existing = new HashSet<>();
        PDAcroForm form = document.getDocumentCatalog().getAcroForm(null);
        List<Placed> result = new ArrayList<>();
        Set<String> requested = new HashSet<>();
        int pages = document.getNumberOfPages();
        for (SignatureField field : fields) {
            if (!requested.add(field.name())) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The signature field '" + field.name()
                        + "' is given twice", "Give every recipient's field a name of its own.", null);
            }
            if (form != null) {
                for (PDField f : form.getFieldTree()) {
                    if (field.name().equals(f.getFullyQualifiedName()) || field.name().equals(f.getPartialName())
                            && f.getParent() == null) {
                        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "'" + name + "' has a field named '"
                                + field.name() + "' already" + (f instanceof PDSignatureField ? " (a signature field"
                                + (f.getCOSObject().getDictionaryObject(COSName.V) != null ? ", signed)" : ", empty)")
                                : ", and it is not a signature field (" + f.getFieldType() + ")"),
                                "Choose another name" + (f instanceof PDSignatureField
                                        ? ", or sign into the existing field with --field " + field.name() + "." : "."), null);
                    }
                }
            }
            if (field.page() < 1 || field.page() > pages) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot add signature field '" + field.name()
                        + "' to '" + name + "': page " + field.page() + " does not exist; the document has " + pages
                        + (pages == 1 ? " page" : " pages") + (pages > 0 ? " (page 1 is " + shownSize(document.getPage(0))
                        + " points as displayed)" : ""), "Choose a page from 1 to " + pages + ".", null);
            }
            PDPage page = document.getPage(field.page() - 1);
            PDRectangle rect = null;
            if (field.box().isPresent()) {
                SignatureField.Box box = field.box().get();
                PdfInputs.requireRectangularBoxes(page, field.page(), name, "the box of field '" + field.name() + "'");
                PDRectangle crop = page.getCropBox();
                int rotation = rotation(page);
                boolean sideways = rotation == 90 || rotation == 270;
                float w = sideways ? crop.getHeight() : crop.getWidth();
                float h = sideways ? crop.getWidth() : crop.getHeight();
                if (!(box.width() > 0) || !(box.height() > 0) || box.x() < 0 || box.y() < 0
                        || box.x() + box.width() > w || box.y() + box.height() > h) {
                    throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot add signature field '"
                            + field.name() + "' to '" + name + "': the box " + n(box.width()) + " x " + n(box.height())
                            + " at (" + n(box.x()) + ", " + n(box.y()) + ") is off page " + field.page() + ", which is "
                            + n(w) + " x " + n(h) + " points as displayed, measured from its top-left corner (the "
                            + "document has " + pages + (pages == 1 ? " page)" : " pages)"),
                            "Give a box with a positive width and height inside the page: x + width at most " + n(w)
                                    + ", y + height at most " + n(h) + ".", null);
                }
                rect = SignatureAppearance.toUserSpace(crop, rotation, box.x(), box.y(), box.width(), box.height());
            }
            result.add(new Placed(field, field.page() - 1, rect));
        }
        return result;
    }

    private static int rotation(PDPage page) {
        return ((page.getRotation() % 360) + 360) % 360;
    }

    private static String shownSize(PDPage page) {
        PDRectangle crop = page.getCropBox();
        boolean sideways = rotation(page) == 90 || rotation(page) == 270;
        return n(sideways ? crop.getHeight() : crop.getWidth()) + " x " + n(sideways ? crop.getWidth() : crop.getHeight());
    }

    /** A number of points as people read it: at most two decimals. */
    private static String n(float value) {
        return new java.math.BigDecimal(value).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    /**
     * Hands the objects PDFBox recorded as changed or new (the sandbox mark's page content streams, resources,
     * form XObject and font, and the catalog's mark) to the writer: changed objects of the original under their
     * numbers, new indirect ones numbered by the writer.
     */
    private static void takeIncrement(RevisionWriter writer, PDDocument document) {
        COSDictionary trailer = document.getDocument().getTrailer();
        List<COSBase> fresh = new ArrayList<>();
        for (COSBase object : trailer.toIncrement().exclude(trailer)) {
            COSObjectKey key = object.getKey();
            if (key != null && key.getNumber() < writer.originalSize()) {
                writer.update(key, object);
            } else if (key == null && !object.isDirect()) {
                fresh.add(object);
            }
        }
        fresh.forEach(o -> SignatureRevision.addNew(writer, o));
        fresh.stream().filter(o -> o.getKey() == null).forEach(writer::add);
    }

    private static void addFields(RevisionWriter writer, PDDocument document, List<Placed> placed) {
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        COSObjectKey catalogKey = catalog.getKey() != null ? catalog.getKey()
                : document.getDocument().getTrailer().getItem(COSName.ROOT) instanceof COSObject o ? o.getKey() : null;
        if (catalogKey == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "the document has no catalog object",
                    "Repair it first, for example with qpdf.", null);
        }
        // the interactive form: indirect, direct in the catalog, or new
        COSBase formItem = catalog.getItem(COSName.ACRO_FORM);
        SignatureRevision.requireFormReadable(writer, formItem);
        COSDictionary form;
        Runnable touchForm;
        if (formItem instanceof COSObject o && o.getObject() instanceof COSDictionary d) {
            form = d;
            touchForm = () -> writer.update(o.getKey(), d);
        } else if (formItem instanceof COSDictionary d) {
            form = d;
            touchForm = d.getKey() != null ? () -> writer.update(d.getKey(), d) : () -> writer.update(catalogKey, catalog);
        } else {
            // a new form is an object of its own (see SignatureRevision.addSignature: poppler)
            COSDictionary fresh = new COSDictionary();
            writer.add(fresh);
            catalog.setItem(COSName.ACRO_FORM, fresh);
            writer.update(catalogKey, catalog);
            form = fresh;
            touchForm = () -> writer.update(fresh.getKey(), fresh);
        }
        COSBase fieldsItem = form.getItem(COSName.FIELDS);
        COSArray fields;
        Runnable touchFields;
        if (fieldsItem instanceof COSObject o && o.getObject() instanceof COSArray a) {
            fields = a;
            touchFields = () -> writer.update(o.getKey(), a);
        } else if (fieldsItem instanceof COSArray a && a.getKey() == null) {
            fields = a;
            touchFields = touchForm;
        } else if (fieldsItem instanceof COSArray a) {
            fields = a;
            touchFields = () -> writer.update(a.getKey(), a);
        } else {
            fields = new COSArray();
            form.setItem(COSName.FIELDS, fields);
            touchFields = touchForm;
        }
        java.util.OptionalInt pdfa = PdfaClaim.part(document);
        for (Placed p : placed) {
            PDPage page = document.getPage(p.pageIndex());
            COSDictionary pageDict = page.getCOSObject();
            COSDictionary widget = new COSDictionary();
            widget.setItem(COSName.TYPE, COSName.ANNOT);
            widget.setItem(COSName.SUBTYPE, COSName.WIDGET);
            widget.setItem(COSName.FT, COSName.SIG);
            widget.setItem(COSName.T, new COSString(p.field().name()));
            widget.setInt(COSName.F, SignatureRevision.WIDGET_FLAGS);
            widget.setItem(COSName.P, pageDict);
            widget.setItem(COSName.RECT, SignatureRevision.rect(p.rect()));
            if (p.field().lock().isPresent()) {
                COSDictionary lock = FieldRules.lockDictionary(p.field().lock().get());
                writer.add(lock); // ISO 32000-1 Table 232: an indirect reference
                widget.setItem(FieldRules.LOCK, lock);
            }
            if (pdfa.isPresent() && (p.rect() != null || pdfa.getAsInt() == 1)) {
                // PDF/A-1 (ISO 19005-1 §6.9) wants an appearance on every form field, PDF/A-2 and later (ISO 19005-2
                // §6.3.3) on every annotation with an area: a blank one, which the signer's revision fills
                COSStream blank = p.rect() == null ? SignatureRevision.emptyAppearance(document)
                        : SignatureAppearance.blank(document, new SignatureAppearance.Placement(p.pageIndex(), p.rect(),
                                page.getRotation()));
                SignatureRevision.setNormalAppearance(writer, widget, blank);
            }
            writer.add(widget);
            fields.add(widget);
            COSBase annotsItem = pageDict.getItem(COSName.ANNOTS);
            if (annotsItem instanceof COSObject o && o.getObject() instanceof COSArray a) {
                a.add(widget);
                writer.update(o.getKey(), a);
            } else if (annotsItem instanceof COSArray a) {
                a.add(widget);
                writer.update(a.getKey() != null ? a.getKey() : pageDict.getKey(), a.getKey() != null ? a : pageDict);
            } else {
                COSArray a = new COSArray();
                a.add(widget);
                pageDict.setItem(COSName.ANNOTS, a);
                writer.update(pageDict.getKey(), pageDict);
            }
        }
        touchFields.run();
        int flags = form.getInt(COSName.SIG_FLAGS, 0);
        if ((flags & 1) == 0) {
            form.setInt(COSName.SIG_FLAGS, flags | 1);
            touchForm.run();
        }
    }

    /** @return the signature fields of a document, in the order of its form */
    static List<SignatureFieldInfo> list(byte[] pdf, String name) {
        // an encrypted document opens with the empty user password when it has one (owner password only, as most
        // permission-restricted files): its fields are listed like any other; a user password is ENCRYPTED_PDF
        try (PDDocument document = DocumentPasswords.load(pdf)) {
            List<SignatureFieldInfo> result = new ArrayList<>();
            for (PDSignatureField field : document.getSignatureFields()) {
                COSDictionary dict = field.getCOSObject();
                COSDictionary widget = SignatureRevision.placedWidget(dict);
                COSDictionary anyWidget = widget != null ? widget : field.getWidgets().isEmpty() ? null
                        : field.getWidgets().get(0).getCOSObject();
                int pageIndex = anyWidget == null ? -1 : pageOf(document, anyWidget);
                Optional<SignatureField.Box> box = Optional.empty();
                if (widget != null && pageIndex >= 0) {
                    PDRectangle rect = SignatureAppearance.rectangle(widget.getDictionaryObject(COSName.RECT));
                    box = Optional.of(shown(document.getPage(pageIndex), rect));
                }
                Optional<FieldLock> lock = dict.getDictionaryObject(FieldRules.LOCK) instanceof COSDictionary l
                        ? Optional.ofNullable(FieldRules.lockOf(l)) : Optional.empty();
                result.add(new SignatureFieldInfo(field.getFullyQualifiedName(),
                        pageIndex < 0 ? OptionalInt.empty() : OptionalInt.of(pageIndex + 1), box,
                        dict.getDictionaryObject(COSName.V) instanceof COSDictionary, lock));
            }
            return result;
        } catch (IOException e) {
            throw DssFailures.opening(e, name);
        }
    }

    /** A rectangle of default user space as displayed: from the top-left corner of the (rotated) crop box. */
    static SignatureField.Box shown(PDPage page, PDRectangle rect) {
        PDRectangle crop = page.getCropBox();
        int rotation = rotation(page);
        float[] a = shownPoint(crop, rotation, rect.getLowerLeftX(), rect.getLowerLeftY());
        float[] b = shownPoint(crop, rotation, rect.getUpperRightX(), rect.getUpperRightY());
        return new SignatureField.Box(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]),
                Math.abs(a[1] - b[1]));
    }

    private static float[] shownPoint(PDRectangle crop, int rotation, float ux, float uy) {
        float llx = crop.getLowerLeftX();
        float lly = crop.getLowerLeftY();
        float urx = crop.getUpperRightX();
        float ury = crop.getUpperRightY();
        return switch (rotation) {
            case 90 -> new float[] {uy - lly, ux - llx};
            case 180 -> new float[] {urx - ux, uy - lly};
            case 270 -> new float[] {ury - uy, urx - ux};
            default -> new float[] {ux - llx, ury - uy};
        };
    }

    /** The 0-based index of the page a widget lies on: its /P when that is a page, else the page listing it. */
    static int pageOf(PDDocument document, COSDictionary widget) {
        COSBase p = widget.getDictionaryObject(COSName.P);
        int i = 0;
        for (PDPage page : document.getPages()) {
            if (page.getCOSObject() == p) {
                return i;
            }
            i++;
        }
        i = 0;
        for (PDPage page : document.getPages()) {
            if (page.getCOSObject().getDictionaryObject(COSName.ANNOTS) instanceof COSArray annots) {
                for (COSBase item : annots) {
                    if ((item instanceof COSObject o ? o.getObject() : item) == widget) {
                        return i;
                    }
                }
            }
            i++;
        }
        return -1;
    }
}
