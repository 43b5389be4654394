package com.certyneo.engine.pades;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.Inflater;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
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

/**
 * Builds the objects of the two revisions the engine appends to a PAdES document, and hands them to a
 * {@link RevisionWriter}:
 * <ul>
 * <li>a signature (or document time-stamp) revision ({@link #addSignature}): the signature dictionary
 * with its reserved {@code /Contents} and {@code /ByteRange}, the signature field (a new merged
 * field/widget, or an existing empty signature field found by its fully qualified name), the page's
 * {@code /Annots} and the {@code /AcroForm} ({@code /SigFlags 3}, {@code /Fields}); for a visible signature
 * also the widget's appearance and the font objects it uses;</li>
 * <li>a DSS revision ({@link #addDss}): the catalog's {@code /DSS} with {@code /Certs}, {@code /OCSPs} and
 * {@code /CRLs} arrays of streams (ETSI EN 319 142-1 §5.4), merged into an existing {@code /DSS}: its
 * entries are kept, and a new item whose content is already there is not added again.</li>
 * </ul>
 * Objects change in the PDFBox document in memory, and every indirect object changed is handed to the
 * writer: a value that is direct in its container changes its container, so an {@code /Annots} array that
 * is an object of its own is written again rather than the page, an {@code /AcroForm} that is direct in
 * the catalog changes the catalog, and so on. What is indirect in the document stays indirect, and what is
 * direct stays direct.
 */
final class SignatureRevision {

    /** What the dictionary holds. */
    enum Kind {
        /** A signature: {@code /Type /Sig}, {@code /SubFilter /ETSI.CAdES.detached}. */
        SIGNATURE,
        /** A document time-stamp: {@code /Type /DocTimeStamp}, {@code /SubFilter /ETSI.RFC3161}. */
        DOCUMENT_TIMESTAMP
    }

    /** Annotation flags of the widget: Print (4) and Locked (128). */
    static final int WIDGET_FLAGS = 132;
    /** Default room for the CMS in /Contents, in bytes. */
    static final int DEFAULT_CONTENTS = 16 * 1024;

    private static final COSName ADOBE_PPKLITE = COSName.getPDFName("Adobe.PPKLite");
    private static final COSName ETSI_CADES_DETACHED = COSName.getPDFName("ETSI.CAdES.detached");
    private static final COSName ETSI_RFC3161 = COSName.getPDFName("ETSI.RFC3161");
    private static final COSName REX = COSName.getPDFName("REx");
    private static final int MAX_FIELD_DEPTH = 32;
    private static final DateTimeFormatter PDF_DATE = DateTimeFormatter.ofPattern("'D:'yyyyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SignatureRevision() {
    }

    /** The options of a signature revision; a fluent, mutable holder. */
    static final class Options {
        private final String fieldName;
        private Kind kind = Kind.SIGNATURE;
        private int contentsBytes = DEFAULT_CONTENTS;
        private Instant signingTime;
        private String signerName;
        private String reason;
        private String location;
        private String contactInfo;
        private String application;
        private String applicationVersion;
        private int page;
        private PDRectangle rectangle;
        private COSStream appearance;
        private COSArray references;
        private boolean certifies;

        /**
         * @param fieldName the fully qualified name of an existing empty signature field to sign, or the
         *                  name (without periods) of the new field to create
         */
        Options(String fieldName) {
            this.fieldName = Objects.requireNonNull(fieldName, "fieldName");
            if (fieldName.isEmpty()) {
                throw new IllegalArgumentException("the field name is empty");
            }
        }

        /** A signature (default) or a document time-stamp. */
        Options kind(Kind kind) {
            this.kind = Objects.requireNonNull(kind);
            return this;
        }

        /** The room for the CMS or time-stamp token in /Contents, in bytes (default {@value #DEFAULT_CONTENTS}). */
        Options contentsSize(int bytes) {
            this.contentsBytes = bytes;
            return this;
        }

        /** The /M signing time; none by default. */
        Options signingTime(Instant time) {
            this.signingTime = time;
            return this;
        }

        /** The /Name entry (the signer's name). */
        Options signerName(String name) {
            this.signerName = name;
            return this;
        }

        /** The /Reason entry. */
        Options reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** The /Location entry. */
        Options location(String location) {
            this.location = location;
            return this;
        }

        /** The /ContactInfo entry. */
        Options contactInfo(String contactInfo) {
            this.contactInfo = contactInfo;
            return this;
        }

        /** {@code /Prop_Build << /App << /Name /name /REx (version) >> >>}; the version may be null. */
        Options application(String name, String version) {
            this.application = name;
            this.applicationVersion = version;
            return this;
        }

        /** The page (0-based) of an invisible widget; the first page by default. */
        Options page(int pageIndex) {
            this.page = pageIndex;
            return this;
        }

        /**
         * A visible widget: on page {@code pageIndex} (0-based), at {@code rectangle} (default user space),
         * with {@code appearance} as its normal appearance (a form XObject stream; it and the streams and fonts
         * it reaches are added as new objects when they have no number yet, see {@link #addNew}). When the
         * signature goes into an existing field, the page and rectangle are not used: the field's placed widget
         * ({@link #placedWidget}) keeps its own and only receives the appearance.
         */
        Options visible(int pageIndex, PDRectangle rectangle, COSStream appearance) {
            this.page = pageIndex;
            this.rectangle = Objects.requireNonNull(rectangle, "rectangle");
            this.appearance = Objects.requireNonNull(appearance, "appearance");
            return this;
        }
    }

    /**
     * The signature's /Reference array (DocMDP, FieldMDP transforms, see {@link FieldRules}) and whether it
     * certifies the document (then the catalog's /Perms /DocMDP names it).
     */
    static void references(Options options, COSArray references, boolean certifies) {
        options.references = references;
        options.certifies = certifies;
    }

    /**
     * A value and the indirect object to write again when it changes: itself when it is indirect, else
     * the indirect object that holds it (directly or through other direct values).
     */
    private record Held(COSBase value, COSObjectKey ownerKey, COSBase owner) {
        COSDictionary dictionary() {
            return value instanceof COSDictionary d ? d : null;
        }

        COSArray array() {
            return value instanceof COSArray a ? a : null;
        }

        void touch(RevisionWriter writer) {
            writer.update(ownerKey, owner);
        }
    }

    /** The indirect object {@code raw} refers to, or {@code raw} held by {@code parent}'s owner. */
    private static Held held(COSBase raw, Held parent) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof COSObject o) {
            COSBase target = o.getObject();
            return target == null ? null : new Held(target, o.getKey(), target);
        }
        COSObjectKey key = CosWriter.referenceKey(raw);
        if (key != null) {
            return new Held(raw, key, raw);
        }
        return new Held(raw, parent.ownerKey(), parent.owner());
    }

    /** The value of {@code key} in the dictionary {@code parent} holds, with its owner; null when absent. */
    private static Held child(Held parent, COSName key) {
        COSDictionary dict = parent.dictionary();
        return dict == null ? null : held(dict.getItem(key), parent);
    }

    /** The catalog, an indirect object by its trailer's /Root reference. */
    private static Held catalog(RevisionWriter writer) {
        COSBase root = writer.document().getDocument().getTrailer().getItem(COSName.ROOT);
        Held catalog = root instanceof COSObject o ? held(o, null) : null;
        if (catalog == null || catalog.dictionary() == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "the document has no catalog dictionary",
                    "Repair it first, for example with qpdf.", null);
        }
        return catalog;
    }

    // ------------------------------------------------------------------------------------------------
    // The signature revision

    /**
     * Adds a signature (or document time-stamp) to the revision: the signature dictionary (reserved in
     * the writer), and the field, widget, page and form changes that attach it.
     *
     * @return the reserved signature, whose byte range and /Contents gap are known once
     *         {@link RevisionWriter#write()} has run
     * @throws SignatureEngineException INVALID_REQUEST when the named field exists but is not an empty
     *         signature field, when a new field name contains a period, or the page does not exist;
     *         INVALID_PDF when the document's structure cannot take the field
     */
    static SignaturePlaceholder addSignature(RevisionWriter writer, Options options) {
        PDDocument document = writer.document();
        Held catalog = catalog(writer);
        Held acroForm = child(catalog, COSName.ACRO_FORM);
        requireFormReadable(writer, catalog.dictionary().getItem(COSName.ACRO_FORM));
        if (acroForm != null && acroForm.dictionary() == null) {
            throw invalidPdf("its /AcroForm is not a dictionary");
        }
        Held existing = acroForm == null ? null : findField(acroForm, options.fieldName);

        COSDictionary signature = signatureDictionary(options);
        if (options.references != null && options.references.size() > 0) {
            signature.setItem(COSName.REFERENCE, options.references);
        }
        writer.add(signature);
        if (options.certifies) {
            Held perms = child(catalog, COSName.PERMS);
            if (perms != null && perms.dictionary() != null) {
                perms.dictionary().setItem(COSName.DOCMDP, signature); // keeps /UR3
                perms.touch(writer);
            } else {
                COSDictionary fresh = new COSDictionary();
                fresh.setItem(COSName.DOCMDP, signature);
                catalog.dictionary().setItem(COSName.PERMS, fresh);
                catalog.touch(writer);
            }
        }
        SignaturePlaceholder placeholder = writer.reserveSignature(signature, options.contentsBytes);

        if (acroForm == null) {
            // an object of its own, as most producers write it: poppler's pdfsig, signing next, adds its field to an
            // indirect form but loses it from a form written inside the catalog (the field is then only on its page,
            // and PDFBox, DSS and every reader of the form miss that signature)
            COSDictionary form = new COSDictionary();
            form.setItem(COSName.FIELDS, new COSArray());
            COSObjectKey formKey = writer.add(form);
            catalog.dictionary().setItem(COSName.ACRO_FORM, form);
            catalog.touch(writer);
            acroForm = new Held(form, formKey, form);
        }
        if (existing != null) {
            existing.dictionary().setItem(COSName.V, signature);
            existing.touch(writer);
            if (options.appearance != null) {
                appearInExisting(writer, existing, options.appearance);
            } else if (PdfaClaim.isPdfa1(document) && !existing.dictionary().containsKey(COSName.AP)
                    && (COSName.WIDGET.equals(existing.dictionary().getCOSName(COSName.SUBTYPE))
                    || existing.dictionary().containsKey(COSName.RECT))) {
                // an invisible field and widget without an appearance, which PDF/A-1 (ISO 19005-1 §6.9) wants on every
                // form field: an empty one, as a new invisible field gets (DSS: an appearance created with the fill)
                setNormalAppearance(writer, existing.dictionary(), emptyAppearance(document));
            }
        } else {
            if (options.fieldName.indexOf('.') >= 0) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "A new signature field name cannot contain "
                        + "a period: '" + options.fieldName + "'", "Name the field without periods.", null);
            }
            COSDictionary widget = widget(writer, document, options, signature);
            Held fields = child(acroForm, COSName.FIELDS);
            if (fields == null || fields.array() == null) {
                COSArray array = new COSArray();
                array.add(widget);
                acroForm.dictionary().setItem(COSName.FIELDS, array);
                acroForm.touch(writer);
            } else {
                fields.array().add(widget);
                fields.touch(writer);
            }
        }
        int flags = acroForm.dictionary().getInt(COSName.SIG_FLAGS, 0);
        if ((flags & 3) != 3) {
            acroForm.dictionary().setInt(COSName.SIG_FLAGS, flags | 3);
            acroForm.touch(writer);
        }
        return placeholder;
    }

    /** The signature or document time-stamp dictionary, without /ByteRange and /Contents. */
    private static COSDictionary signatureDictionary(Options o) {
        COSDictionary sig = new COSDictionary();
        boolean timestamp = o.kind == Kind.DOCUMENT_TIMESTAMP;
        sig.setItem(COSName.TYPE, timestamp ? COSName.DOC_TIME_STAMP : COSName.SIG);
        sig.setItem(COSName.FILTER, ADOBE_PPKLITE);
        sig.setItem(COSName.SUB_FILTER, timestamp ? ETSI_RFC3161 : ETSI_CADES_DETACHED);
        if (o.signingTime != null) {
            sig.setItem(COSName.M, new COSString(PDF_DATE.format(o.signingTime)));
        }
        text(sig, COSName.NAME, o.signerName);
        text(sig, COSName.REASON, o.reason);
        text(sig, COSName.LOCATION, o.location);
        text(sig, COSName.CONTACT_INFO, o.contactInfo);
        if (o.application != null) {
            COSDictionary app = new COSDictionary();
            app.setItem(COSName.NAME, COSName.getPDFName(o.application));
            if (o.applicationVersion != null) {
                app.setItem(REX, new COSString(o.applicationVersion));
            }
            COSDictionary build = new COSDictionary();
            build.setItem(COSName.APP, app);
            sig.setItem(COSName.PROP_BUILD, build);
        }
        return sig;
    }

    /** A text string entry: PDFDocEncoding when it can be, else UTF-16BE (PDFBox's {@link COSString#COSString(String)}). */
    private static void text(COSDictionary dict, COSName key, String value) {
        if (value != null) {
            dict.setItem(key, new COSString(value));
        }
    }

    /** The new merged field/widget, added to the writer and to its page's /Annots. */
    private static COSDictionary widget(RevisionWriter writer, PDDocument document, Options o, COSDictionary signature) {
        if (document.getNumberOfPages() < 1) {
            throw invalidPdf("its page tree has no page (/Count " + document.getNumberOfPages() + ")");
        }
        if (o.page < 0 || o.page >= document.getNumberOfPages()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The document has no page " + (o.page + 1)
                    + " (it has " + document.getNumberOfPages() + ")", "Choose a page of the document.", null);
        }
        PDPage page = document.getPage(o.page);
        COSDictionary pageDict = page.getCOSObject();
        if (pageDict.getKey() == null) {
            throw invalidPdf("page " + (o.page + 1) + " is not an indirect object");
        }
        Held pageHeld = new Held(pageDict, pageDict.getKey(), pageDict);

        COSDictionary widget = new COSDictionary();
        widget.setItem(COSName.TYPE, COSName.ANNOT);
        widget.setItem(COSName.SUBTYPE, COSName.WIDGET);
        widget.setItem(COSName.FT, COSName.SIG);
        widget.setItem(COSName.T, new COSString(o.fieldName));
        widget.setInt(COSName.F, WIDGET_FLAGS);
        widget.setItem(COSName.P, pageDict);
        widget.setItem(COSName.RECT, rect(o.rectangle));
        widget.setItem(COSName.V, signature);
        COSStream appearance = o.appearance;
        if (appearance == null && o.rectangle == null && PdfaClaim.isPdfa1(document)) {
            appearance = emptyAppearance(document); // PDF/A-1 wants an /AP on every widget, invisible ones included
        }
        if (appearance != null) {
            setNormalAppearance(writer, widget, appearance);
        }
        writer.add(widget);

        Held annots = child(pageHeld, COSName.ANNOTS);
        if (annots == null || annots.array() == null) {
            if (annots != null && !(annots.value() instanceof org.apache.pdfbox.cos.COSNull)) {
                throw invalidPdf("the /Annots of page " + (o.page + 1) + " is not an array");
            }
            COSArray array = new COSArray();
            array.add(widget);
            pageDict.setItem(COSName.ANNOTS, array);
            pageHeld.touch(writer);
        } else {
            annots.array().add(widget);
            annots.touch(writer);
        }
        return widget;
    }

    /** An empty form XObject with an empty bounding box: the normal appearance of an invisible widget. */
    static COSStream emptyAppearance(PDDocument document) {
        COSStream stream = document.getDocument().createCOSStream();
        stream.setItem(COSName.TYPE, COSName.XOBJECT);
        stream.setItem(COSName.SUBTYPE, COSName.FORM);
        COSArray bbox = new COSArray();
        for (int i = 0; i < 4; i++) {
            bbox.add(COSInteger.ZERO);
        }
        stream.setItem(COSName.BBOX, bbox);
        return stream;
    }

    /**
     * Gives the placed widget of an existing signature field ({@link #placedWidget}) its normal appearance. The
     * widget keeps its /Rect, /P and /F: filling an empty field may change its value and appearance, not where
     * it is or how it is flagged (see {@link RevisionDiff}).
     */
    private static void appearInExisting(RevisionWriter writer, Held field, COSStream appearance) {
        COSDictionary widget = placedWidget(field.dictionary());
        Held holder = widget == field.dictionary() ? field : null;
        Held kids = holder == null ? child(field, COSName.KIDS) : null;
        if (kids != null && kids.array() != null) {
            for (COSBase raw : kids.array()) {
                Held kid = held(raw, kids);
                if (kid != null && kid.value() == widget) {
                    holder = kid;
                    break;
                }
            }
        }
        if (holder == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The signature field has no box to draw the "
                    + "visible signature in", "Sign it without an appearance, or sign a new field.", null);
        }
        setNormalAppearance(writer, widget, appearance);
        holder.touch(writer);
    }

    /**
     * Gives {@code widget} an appearance dictionary with {@code appearance} as its normal appearance, and adds the
     * stream and the new objects it reaches to the revision (the caller writes the widget's holder).
     */
    static void setNormalAppearance(RevisionWriter writer, COSDictionary widget, COSStream appearance) {
        addNew(writer, appearance);
        COSDictionary ap = new COSDictionary();
        ap.setItem(COSName.N, appearance);
        widget.setItem(COSName.AP, ap);
    }

    /**
     * @return the normal appearance of {@code widget} when it is blank: its appearance dictionary holds only a normal
     *         appearance, a stream whose content decodes to nothing (as {@link FieldPreparation} gives the fields it
     *         places in a PDF/A document); else {@code null} (no appearance, or one that draws or may draw something)
     */
    static COSStream blankAppearance(COSDictionary widget) {
        if (!(widget.getDictionaryObject(COSName.AP) instanceof COSDictionary ap && ap.size() == 1
                && ap.getDictionaryObject(COSName.N) instanceof COSStream normal)) {
            return null;
        }
        try (InputStream content = normal.createInputStream()) {
            return content.read() < 0 ? normal : null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: not known to be blank, so kept
        }
    }

    /**
     * The widget of a signature field that has a box on a page: the field itself when it is a merged field and
     * widget, else its first widget kid, whose /Rect has an area; {@code null} when there is none.
     */
    static COSDictionary placedWidget(COSDictionary field) {
        List<COSDictionary> candidates = new java.util.ArrayList<>();
        if (COSName.WIDGET.equals(field.getCOSName(COSName.SUBTYPE)) || field.containsKey(COSName.RECT)) {
            candidates.add(field);
        }
        if (field.getDictionaryObject(COSName.KIDS) instanceof COSArray kids) {
            for (COSBase raw : kids) {
                if ((raw instanceof COSObject o ? o.getObject() : raw) instanceof COSDictionary kid
                        && (COSName.WIDGET.equals(kid.getCOSName(COSName.SUBTYPE)) || kid.containsKey(COSName.RECT))) {
                    candidates.add(kid);
                }
            }
        }
        for (COSDictionary widget : candidates) {
            PDRectangle rect = SignatureAppearance.rectangle(widget.getDictionaryObject(COSName.RECT));
            if (rect != null && rect.getWidth() > 0 && rect.getHeight() > 0
                    && (widget.getInt(COSName.F, 0) & (2 | 32)) == 0) {
                return widget;
            }
        }
        return null;
    }

    /**
     * Adds {@code value} and the new objects it reaches to the revision: every stream (streams are indirect
     * objects) and every font and font descriptor dictionary (indirect as ISO 32000-1 §9.6, §9.8 asks), that has
     * no object number yet, numbered in the order reached; objects of the document are left as they are.
     */
    static void addNew(RevisionWriter writer, COSBase value) {
        addNew(writer, value, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static void addNew(RevisionWriter writer, COSBase value, Set<COSBase> seen, int depth) {
        if (!(value instanceof COSDictionary || value instanceof COSArray) || value.getKey() != null
                || depth > CosWriter.MAX_DEPTH || !seen.add(value)) {
            return;
        }
        if (value instanceof COSStream || value instanceof COSDictionary d && (COSName.FONT.equals(d.getCOSName(COSName.TYPE))
                || COSName.FONT_DESC.equals(d.getCOSName(COSName.TYPE)))) {
            writer.add(value);
        }
        if (value instanceof COSDictionary d) {
            for (COSBase item : d.getValues()) {
                addNew(writer, item, seen, depth + 1);
            }
        } else {
            for (COSBase item : (COSArray) value) {
                addNew(writer, item, seen, depth + 1);
            }
        }
    }

    /**
     * Finds a field by its fully qualified name (partial names /T joined by periods, ISO 32000-1
     * §12.7.3.2) and checks that it is an empty signature field.
     *
     * @return the field, or {@code null} when there is none of that name
     */
    private static Held findField(Held acroForm, String name) {
        Held fields = child(acroForm, COSName.FIELDS);
        if (fields == null || fields.array() == null) {
            return null;
        }
        Held found = find(fields, "", name, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
        if (found == null) {
            return null;
        }
        COSDictionary field = found.dictionary();
        COSBase type = inherited(field, COSName.FT);
        if (!COSName.SIG.equals(type)) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The field '" + name + "' is not a signature "
                    + "field", "Name another field, or a new one.", null);
        }
        COSBase value = field.getDictionaryObject(COSName.V);
        if (value != null && !(value instanceof org.apache.pdfbox.cos.COSNull)) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The signature field '" + name + "' is "
                    + "already signed", "Name an empty signature field, or a new one.", null);
        }
        return found;
    }

    /**
     * Depth-first search of a /Fields or /Kids array for the field named {@code name}; {@code prefix} is
     * the fully qualified name of the array's holder ("" at the top), {@code seen} guards against cycles.
     */
    private static Held find(Held array, String prefix, String name, int depth, Set<COSBase> seen) {
        if (depth > MAX_FIELD_DEPTH) {
            return null;
        }
        for (COSBase raw : array.array()) {
            Held item = held(raw, array);
            if (item == null || item.dictionary() == null || !seen.add(item.value())) {
                continue;
            }
            COSDictionary field = item.dictionary();
            String partial = field.getDictionaryObject(COSName.T) instanceof COSString t ? t.getString() : null;
            String full = partial == null ? prefix : prefix.isEmpty() ? partial : prefix + "." + partial;
            if (partial != null && full.equals(name)) {
                return item;
            }
            Held kids = child(item, COSName.KIDS);
            if (kids != null && kids.array() != null && (partial == null || name.startsWith(full + "."))) {
                Held found = find(kids, full, name, depth + 1, seen);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** An inheritable field entry: the field's own, or its nearest ancestor's. */
    static COSBase inherited(COSDictionary field, COSName key) {
        COSDictionary d = field;
        Set<COSDictionary> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (d != null && seen.add(d)) {
            COSBase v = d.getDictionaryObject(key);
            if (v != null) {
                return v;
            }
            d = d.getDictionaryObject(COSName.PARENT) instanceof COSDictionary p ? p : null;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------
    // The DSS revision

    /**
     * Adds validation data to the catalog's /DSS (created when absent, as a new indirect object): one
     * FlateDecode stream per item, appended to /Certs, /OCSPs and /CRLs. An item whose content (decoded)
     * is already in the array, or earlier in the same list, is not added.
     *
     * <p>When every item is already there (a second signer whose responder answered with the very response the
     * document holds, from a cache or a pre-produced response), the revocation items (else the certificates) are
     * added again as new streams: DSS, and the ETSI profiles it checks, see a signature's long-term data only in a
     * /DSS revision <em>after</em> the signature, which DSS recognises by /DSS arrays whose objects changed.
     *
     * @param certificates DER-encoded certificates
     * @param ocsps DER-encoded OCSP responses (OCSPResponse)
     * @param crls DER-encoded CRLs
     * @return the number of streams added; 0 means nothing was given (nothing to write)
     */
    static int addDss(RevisionWriter writer, List<byte[]> certificates, List<byte[]> ocsps, List<byte[]> crls) {
        int added = addDss(writer, certificates, ocsps, crls, false);
        if (added == 0) {
            boolean revocation = !ocsps.isEmpty() || !crls.isEmpty();
            added = addDss(writer, revocation ? List.of() : certificates, ocsps, crls, true);
        }
        return added;
    }

    private static int addDss(RevisionWriter writer, List<byte[]> certificates, List<byte[]> ocsps, List<byte[]> crls,
                              boolean again) {
        Held catalog = catalog(writer);
        Held dss = child(catalog, COSName.DSS);
        if (dss != null && dss.dictionary() == null) {
            throw invalidPdf("its /DSS is not a dictionary");
        }
        Inflater inflater = new Inflater();
        try {
            return addDss(writer, certificates, ocsps, crls, again, catalog, dss, inflater);
        } finally {
            inflater.end();
        }
    }

    private static int addDss(RevisionWriter writer, List<byte[]> certificates, List<byte[]> ocsps, List<byte[]> crls,
                              boolean again, Held catalog, Held dss, Inflater inflater) {
        int added = 0;
        COSName[] names = {COSName.CERTS, COSName.OCSPS, COSName.CRLS};
        List<List<byte[]>> lists = List.of(certificates, ocsps, crls);
        for (int k = 0; k < names.length; k++) {
            Held array = dss == null ? null : child(dss, names[k]);
            Present present = new Present(!again && array != null && array.array() != null ? array : null, inflater);
            COSArray fresh = null;
            Set<ByteBuffer> seen = new HashSet<>();
            for (byte[] der : lists.get(k)) {
                ByteBuffer digest = ByteBuffer.wrap(Digests.sha256(der));
                if (!seen.add(digest) || present.contains(der)) {
                    continue;
                }
                if (dss == null) {
                    COSDictionary dict = new COSDictionary();
                    dict.setItem(COSName.TYPE, COSName.DSS);
                    writer.add(dict);
                    catalog.dictionary().setItem(COSName.DSS, dict);
                    catalog.touch(writer);
                    dss = new Held(dict, dict.getKey(), dict);
                }
                if (array == null || array.array() == null) {
                    COSArray a = new COSArray();
                    dss.dictionary().setItem(names[k], a);
                    dss.touch(writer);
                    array = new Held(a, dss.ownerKey(), dss.owner());
                }
                COSStream stream = stream(der);
                writer.add(stream);
                array.array().add(stream);
                fresh = array.array();
                added++;
            }
            if (fresh != null) {
                array.touch(writer);
            }
        }
        if (added > 0) {
            // The dictionary too, even when only its indirect arrays changed (/Certs 33 0 R): validators, this engine's
            // self-check among them, date the /DSS by the revision that holds its dictionary, and one written before
            // the new signature holds nothing for it (e-Szigno's LTA documents keep their arrays indirect).
            dss.touch(writer);
        }
        return added;
    }

    /**
     * The items a /DSS array holds, for the question whether one is already there: each stream's first
     * {@link #PREFIX} decoded bytes are compared first (a DER encoding's length, and for an OCSP response its
     * responder and production time, are there), and a stream is decoded whole only when they match. Every earlier
     * signature's responses stay in the array, so inflating them all for each new signature cost more with every
     * signature.
     */
    private static final class Present {
        private static final int PREFIX = 256;
        private final List<COSStream> streams = new java.util.ArrayList<>();
        private final java.util.Map<COSStream, byte[]> prefixes = new java.util.IdentityHashMap<>();
        private final Inflater inflater;

        /** @param array the array, or null: nothing is present */
        Present(Held array, Inflater inflater) {
            this.inflater = inflater;
            if (array != null) {
                for (COSBase raw : array.array()) {
                    Held item = held(raw, array);
                    if (item != null && item.value() instanceof COSStream stream) {
                        streams.add(stream);
                    }
                }
            }
        }

        /** Whether a stream of the array decodes to exactly {@code der}. */
        boolean contains(byte[] der) {
            for (COSStream stream : streams) {
                byte[] prefix = prefixes.computeIfAbsent(stream, this::prefix);
                if (prefix != null && prefix.length == Math.min(PREFIX, der.length)
                        && java.util.Arrays.equals(prefix, 0, prefix.length, der, 0, prefix.length)) {
                    byte[] content = der.length <= PREFIX && prefix.length < PREFIX ? prefix : decoded(stream, inflater);
                    if (content != null && java.util.Arrays.equals(content, der)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * The first {@link #PREFIX} decoded bytes of a plain FlateDecode stream (all of it when shorter), else the
         * whole stream decoded by {@link #decoded}, cut; null when it cannot be decoded.
         */
        private byte[] prefix(COSStream stream) {
            if (COSName.FLATE_DECODE.equals(stream.getDictionaryObject(COSName.FILTER))
                    && stream.getItem(COSName.DECODE_PARMS) == null && stream.getItem(COSName.DP) == null) {
                try (InputStream raw = stream.createRawInputStream()) {
                    inflater.reset();
                    inflater.setInput(raw.readAllBytes());
                    byte[] out = new byte[PREFIX];
                    int n = 0;
                    while (n < PREFIX && !inflater.finished() && !inflater.needsDictionary()) {
                        int got = inflater.inflate(out, n, PREFIX - n);
                        if (got == 0 && inflater.needsInput()) {
                            break; // truncated: decoded below as PDFBox would
                        }
                        n += got;
                    }
                    if (n == PREFIX || inflater.finished()) {
                        return java.util.Arrays.copyOf(out, n);
                    }
                } catch (IOException | java.util.zip.DataFormatException | RuntimeException e) {
                    // decoded below, whichever way PDFBox can
                }
            }
            byte[] whole = decoded(stream, inflater);
            return whole == null ? null : java.util.Arrays.copyOf(whole, Math.min(PREFIX, whole.length));
        }
    }

    /** A new FlateDecode stream holding {@code data}. */
    private static COSStream stream(byte[] data) {
        COSStream stream = new COSStream();
        try (OutputStream out = stream.createRawOutputStream()) {
            out.write(RevisionWriter.deflate(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stream.setItem(COSName.FILTER, COSName.FLATE_DECODE);
        return stream;
    }

    /** The largest DSS item inflated here (a larger one, if any, is left to PDFBox's filter). */
    private static final int MAX_DSS_ITEM = 256 * 1024 * 1024;

    /** The decoded content of a stream of the document, or {@code null} when it cannot be decoded. */
    static byte[] decoded(COSStream stream, Inflater inflater) {
        if (COSName.FLATE_DECODE.equals(stream.getDictionaryObject(COSName.FILTER))
                && stream.getItem(COSName.DECODE_PARMS) == null && stream.getItem(COSName.DP) == null) {
            // The DSS's own streams: inflated with one Inflater for them all (PDFBox's filter makes an Inflater and its
            // buffers for each stream, a third of the time the DSS took to read in a 30-signer document)
            try (InputStream raw = stream.createRawInputStream()) {
                return PdfSyntax.inflate(raw.readAllBytes(), MAX_DSS_ITEM, inflater);
            } catch (IOException | RuntimeException e) {
                // PDFBox's filter decides
            }
        }
        try (InputStream in = stream.createInputStream()) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The error for a document whose structure cannot take the new objects. */
    /**
     * Refuses a form the document defines but PDFBox could not read (it resolves the reference to null): treated as
     * absent, a new form would replace it and drop every field it lists, the earlier signatures' among them.
     */
    static void requireFormReadable(RevisionWriter writer, COSBase formItem) {
        if (formItem instanceof COSObject reference
                && (reference.getObject() == null || reference.getObject() instanceof org.apache.pdfbox.cos.COSNull)
                && writer.defines(reference.getKey())) {
            writer.requireParsable(reference.getKey()); // names what does not parse, when that is the cause
            throw invalidPdf("its /AcroForm, object " + reference.getKey().getNumber() + " "
                    + reference.getKey().getGeneration() + ", cannot be read");
        }
    }

    private static SignatureEngineException invalidPdf(String what) {
        return new SignatureEngineException(ErrorCode.INVALID_PDF, "The document cannot take a signature: " + what,
                "Repair it first, for example with qpdf.", null);
    }

    /** A widget's /Rect: the box, or {@code [0 0 0 0]} (an invisible signature) when there is none. */
    static COSArray rect(PDRectangle r) {
        COSArray rect = new COSArray();
        if (r == null) {
            for (int i = 0; i < 4; i++) {
                rect.add(COSInteger.ZERO);
            }
        } else {
            rect.add(new COSFloat(r.getLowerLeftX()));
            rect.add(new COSFloat(r.getLowerLeftY()));
            rect.add(new COSFloat(r.getUpperRightX()));
            rect.add(new COSFloat(r.getUpperRightY()));
        }
        return rect;
    }
}
