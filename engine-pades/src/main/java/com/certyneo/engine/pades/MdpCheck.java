package com.certyneo.engine.pades;

import java.io.IOException;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.SignatureValidation;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.io.RandomAccessReadView;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDNonTerminalField;

/**
 * Enforces certification (DocMDP {@code /P}) and field locks (FieldMDP, a field's {@code /Lock}) on the revisions
 * after the signature that sets them (ISO 32000-1 §12.8.2.2 to §12.8.2.4). {@link RevisionDiff} decides what is a
 * modification for every signature; this check adds what a signature's own rules forbid among the changes
 * RevisionDiff accepts or on top of them, revision by revision:
 * <ul>
 * <li>{@code /P 1}: any new signature, new signature field, changed form value, annotation or page;</li>
 * <li>{@code /P 2}: an annotation (other than a form field's widget) added, changed or removed, or a page added or
 * removed;</li>
 * <li>{@code /P 3}: a page added or removed;</li>
 * <li>a lock: a changed value (signing included) of a field it covers.</li>
 * </ul>
 * Validation data ({@code /DSS}), document time-stamps and the document information are allowed at every level.
 * Each revision of the file is compared with the one before it (PDFBox reads each through a view of the file or
 * bytes that ends with the revision, with the operation's document password; this runs only for documents whose
 * signatures restrict changes).
 *
 * <p>What a certification permits {@link RevisionDiff} accepts on its own rules (form filling unless {@code /P 1},
 * annotations at {@code /P 3}); this check is what fails a signature whose certification or lock forbids them.
 */
final class MdpCheck {

    /** A rule broken: the sub-indication and a sentence naming the rule and the revision. */
    record Violation(String subIndication, String message) {
    }

    /** What one revision holds, as far as the rules go. */
    private record State(List<COSObjectKey> pages, Map<String, String> annotations, Map<String, String> values,
                         Set<String> signatureFields, Map<String, Boolean> signatures, Map<COSObjectKey, Long> offsets) {
    }

    /** A signature's rules, and the end of the revision it signs. */
    private record Rules(long signedEnd, String field, int permission, FieldLock lock, String lockSource) {
    }

    private MdpCheck() {
    }

    /** The /P of a signature dictionary's DocMDP transform, or 2 (its default) when not given; 0 without one. */
    static int permission(COSDictionary signature) {
        if (signature.getDictionaryObject(COSName.REFERENCE) instanceof COSArray references) {
            for (COSBase item : references) {
                if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSDictionary reference
                        && COSName.DOCMDP.equals(reference.getCOSName(FieldRules.TRANSFORM_METHOD))) {
                    return reference.getDictionaryObject(FieldRules.TRANSFORM_PARAMS) instanceof COSDictionary params
                            ? params.getInt(COSName.P, 2) : 2;
                }
            }
        }
        return 0;
    }

    private static FieldLock fieldMdp(COSDictionary signature) {
        if (signature.getDictionaryObject(COSName.REFERENCE) instanceof COSArray references) {
            for (COSBase item : references) {
                if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSDictionary reference
                        && FieldRules.FIELD_MDP.equals(reference.getCOSName(FieldRules.TRANSFORM_METHOD))
                        && reference.getDictionaryObject(FieldRules.TRANSFORM_PARAMS) instanceof COSDictionary params) {
                    return FieldRules.lockOf(params);
                }
            }
        }
        return null;
    }

    /**
     * @param pdf the whole file
     * @param revisions the file's revisions (the validation has them already)
     * @return the violations by the fully qualified name (as PDFBox reads it: decrypted in an encrypted document) of
     *         the field of the signature whose rule they break; empty when no signature restricts changes
     */
    static Map<String, List<Violation>> check(byte[] pdf, Revisions revisions) {
        return check(end -> new Prefix(new ArrayRead(pdf), end), pdf.length, revisions);
    }

    /** As {@link #check(byte[], Revisions)}, for a file read in place (never held in memory whole). */
    static Map<String, List<Violation>> check(Path file, Revisions revisions) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            return new HashMap<>(); // the structural comparison reports what it can read
        }
        return check(end -> new Prefix(new RandomAccessReadBufferedFile(file), end), length, revisions);
    }

    /** The bytes {@code [0, end)} of the document. */
    private interface Opener {
        RandomAccessRead upTo(long end) throws IOException;
    }

    private static Map<String, List<Violation>> check(Opener open, long length, Revisions revisions) {
        Map<String, List<Violation>> result = new HashMap<>();
        try (PDDocument whole = load(open.upTo(length))) {
            List<Rules> rules = rules(whole);
            if (rules.isEmpty()) {
                return result;
            }
            int count = revisions.count();
            List<State> states = new ArrayList<>();
            for (int k = 1; k <= count; k++) {
                // the last revision is the whole file when nothing follows its end: read once
                states.add(k == count && revisions.end(k) == length ? state(whole) : state(open.upTo(revisions.end(k))));
            }
            for (Rules r : rules) {
                // the signed revision ends at its %%EOF or the end-of-line marker after it
                int signed = revisions.revisionEndingAt(r.signedEnd() - 2);
                List<Violation> found = new ArrayList<>();
                for (int k = signed + 1; k <= count; k++) {
                    State before = states.get(k - 2);
                    State after = states.get(k - 1);
                    if (before == null || after == null) {
                        continue; // a revision PDFBox cannot read: RevisionDiff reports what it can
                    }
                    String where = "revision " + k + " (of " + count + ")";
                    if (r.permission() > 0) {
                        certification(r, before, after, where, found);
                    }
                    if (r.lock() != null) {
                        for (Map.Entry<String, String> e : changedValues(before, after).entrySet()) {
                            if (!e.getKey().equals(r.field()) && r.lock().covers(e.getKey())) {
                                found.add(new Violation(SignatureValidation.FIELD_LOCK_VIOLATED, where + " "
                                        + e.getValue() + " field '" + e.getKey() + "', which the field lock of the "
                                        + "signature in '" + r.field() + "' (" + r.lockSource() + " " + r.lock()
                                        + ") forbids"));
                            }
                        }
                    }
                }
                if (!found.isEmpty()) {
                    result.computeIfAbsent(r.field(), e -> new ArrayList<>()).addAll(found);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the structural comparison (RevisionDiff) still judges the document
        }
        return result;
    }

    private static void certification(Rules r, State before, State after, String where, List<Violation> found) {
        CertificationLevel level = CertificationLevel.ofPermission(r.permission());
        String rule = "the certification of the signature in '" + r.field() + "' (DocMDP P=" + r.permission() + ", "
                + level.cliName() + ")";
        List<String> changes = new ArrayList<>();
        if (!before.pages().equals(after.pages())) {
            changes.add(after.pages().size() > before.pages().size() ? "adds a page" : "adds, removes or reorders pages");
        }
        if (r.permission() <= 2) {
            // an annotation that left its place and came back identical elsewhere (a direct dictionary written as an
            // object of its own, as iText does) is the same annotation: its kind and entries say so
            List<String> gone = new ArrayList<>();
            before.annotations().forEach((key, print) -> {
                if (!after.annotations().containsKey(key)) {
                    gone.add(kindOf(key) + "#" + print);
                }
            });
            for (Map.Entry<String, String> a : after.annotations().entrySet()) {
                String old = before.annotations().get(a.getKey());
                if (old == null && !gone.remove(kindOf(a.getKey()) + "#" + a.getValue())) {
                    changes.add("adds an annotation (" + kindOf(a.getKey()) + ")");
                } else if (old != null && !old.equals(a.getValue())) {
                    changes.add("changes an annotation (" + kindOf(a.getKey()) + ")");
                }
            }
            gone.forEach(a -> changes.add("removes an annotation (" + a.replaceFirst("#.*", "") + ")"));
        }
        if (r.permission() == 1) {
            changedValues(before, after).forEach((field, what) -> changes.add(what + " field '" + field + "'"));
            for (String f : after.signatureFields()) {
                if (!before.signatureFields().contains(f) && !Boolean.TRUE.equals(after.signatures().get(f))) {
                    changes.add("adds signature field '" + f + "'");
                }
            }
        }
        for (String change : new LinkedHashSet<>(changes)) {
            found.add(new Violation(SignatureValidation.CERTIFICATION_VIOLATED, where + " " + change + ", which "
                    + rule + " forbids"));
        }
    }

    /** @return the kind and page of an annotation's key in {@link State#annotations} ("Link on page 1") */
    private static String kindOf(String key) {
        return key.replaceFirst("@.*", "");
    }

    /** Fields whose value differs, with what happened ("signs", "fills in", "changes the value of"). */
    private static Map<String, String> changedValues(State before, State after) {
        Map<String, String> changed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : after.values().entrySet()) {
            String old = before.values().get(e.getKey());
            if (!Objects.equals(old, e.getValue())) {
                Boolean timestamp = after.signatures().get(e.getKey());
                if (Boolean.TRUE.equals(timestamp)) {
                    continue; // a document time-stamp: allowed at every level
                }
                changed.put(e.getKey(), timestamp != null ? "signs" : old == null ? "fills in" : "changes the value of");
            }
        }
        return changed;
    }

    /**
     * The first bytes of a document, up to the end of one revision, as PDFBox reads a document: a reader sees only
     * the revisions up to that one (PDFBox's own view class cannot create views of itself, which its parser needs).
     */
    private static final class Prefix implements RandomAccessRead {
        private final RandomAccessRead base;
        private final long length;

        Prefix(RandomAccessRead base, long end) throws IOException {
            this.base = base;
            this.length = Math.min(end, base.length());
        }

        @Override
        public int read() throws IOException {
            return isEOF() ? -1 : base.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = length - base.getPosition();
            if (left <= 0) {
                return -1;
            }
            return base.read(b, off, (int) Math.min(len, left));
        }

        @Override
        public long getPosition() throws IOException {
            return base.getPosition();
        }

        @Override
        public void seek(long position) throws IOException {
            base.seek(Math.min(position, length));
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public boolean isClosed() {
            return base.isClosed();
        }

        @Override
        public boolean isEOF() throws IOException {
            return base.getPosition() >= length;
        }

        @Override
        public RandomAccessReadView createView(long start, long viewLength) throws IOException {
            if (start < 0 || start > length) {
                throw new IOException("A view at " + start + " lies beyond the revision's " + length + " bytes");
            }
            return base.createView(start, Math.min(viewLength, length - start));
        }

        @Override
        public void close() throws IOException {
            base.close();
        }
    }

    /** Loads a document with the operation's password; the source is closed with it, or here when it fails. */
    private static PDDocument load(RandomAccessRead source) throws IOException {
        try {
            return DocumentPasswords.load(source);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** The rules each signature of the final revision sets. */
    private static List<Rules> rules(PDDocument document) {
        List<Rules> rules = new ArrayList<>();
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        COSBase certifying = catalog.getDictionaryObject(COSName.PERMS) instanceof COSDictionary perms
                ? perms.getDictionaryObject(COSName.DOCMDP) : null;
        for (var field : document.getSignatureFields()) {
            COSDictionary fieldDict = field.getCOSObject();
            if (!(fieldDict.getDictionaryObject(COSName.V) instanceof COSDictionary signature)
                    || !(signature.getDictionaryObject(COSName.BYTERANGE) instanceof COSArray range) || range.size() != 4) {
                continue;
            }
            long end = range.getInt(2) + (long) range.getInt(3);
            int permission = permission(signature);
            if (permission == 0 && certifying == signature) {
                permission = 2;
            }
            FieldLock lock = fieldMdp(signature);
            String source = "FieldMDP";
            if (lock == null && fieldDict.getDictionaryObject(FieldRules.LOCK) instanceof COSDictionary l) {
                lock = FieldRules.lockOf(l);
                source = "/Lock";
            }
            if (permission > 0 || lock != null) {
                rules.add(new Rules(end, field.getFullyQualifiedName(), permission, lock, source));
            }
        }
        return rules;
    }

    /** The pages, annotations, form values and signatures of one revision, or {@code null} when unreadable. */
    private static State state(RandomAccessRead revision) {
        try (PDDocument document = load(revision)) {
            return state(document);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * What an annotation says, for telling a changed annotation from one written again unchanged: the SHA-256 of its
     * entries, references as object keys (what they point to is RevisionDiff's to compare), without a /Type /Annot
     * (ISO 32000-2 Table 166: optional, and that is its only value) and without a /P naming the page it is on (optional
     * too; iText adds it to the annotations it writes). An indirect annotation's offset changed whenever
     * a writer wrote it again: PDFBox (and DSS) writes every annotation of the page it adds a widget to again, with
     * /Type /Annot added where it was left out. A direct annotation's PDFBox text spelled out what its references
     * resolve to: a link's /Dest printed its page, /Annots and all, so any later signature on that page, the engine's
     * own too, "changed" the link under a P=2 certification.
     */
    private static String fingerprint(COSDictionary annotation, COSObjectKey page) {
        COSDictionary entries = annotation;
        if (page != null && annotation.getItem(COSName.P) instanceof COSObject p && page.equals(p.getKey())) {
            entries = new COSDictionary(annotation);
            entries.removeItem(COSName.P);
        }
        StringBuilder text = new StringBuilder();
        describe(entries, text, 0, true);
        return Digests.sha256Hex(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void describe(COSBase value, StringBuilder text, int depth, boolean top) {
        if (depth > 32) {
            text.append("...");
        } else if (value instanceof COSObject o) {
            text.append("R(").append(o.getKey()).append(')');
        } else if (value instanceof COSStream) {
            text.append("stream"); // a direct stream is not valid PDF: written as an object of its own
        } else if (value instanceof COSDictionary d) {
            text.append("<<");
            java.util.TreeMap<String, COSBase> sorted = new java.util.TreeMap<>();
            d.entrySet().forEach(e -> sorted.put(e.getKey().getName(), e.getValue()));
            if (top && COSName.ANNOT.equals(sorted.get("Type"))) {
                sorted.remove("Type");
            }
            sorted.forEach((k, v) -> {
                text.append('/').append(k).append(' ');
                describe(v, text, depth + 1, false);
                text.append(' ');
            });
            text.append(">>");
        } else if (value instanceof COSArray a) {
            text.append('[');
            for (COSBase item : a) {
                describe(item, text, depth + 1, false);
                text.append(' ');
            }
            text.append(']');
        } else if (value instanceof COSString str) {
            text.append('<').append(java.util.HexFormat.of().formatHex(str.getBytes())).append('>');
        } else if (value instanceof COSNumber n) {
            text.append(n instanceof org.apache.pdfbox.cos.COSInteger i ? Long.toString(i.longValue())
                    : new java.math.BigDecimal(Float.toString(n.floatValue())).stripTrailingZeros().toPlainString());
        } else {
            text.append(value); // names, booleans, null
        }
    }

    /** {@link #state(RandomAccessRead)} of a loaded revision. */
    private static State state(PDDocument document) {
        try {
            Map<COSObjectKey, Long> offsets = document.getDocument().getXrefTable();
            List<COSObjectKey> pages = new ArrayList<>();
            Map<String, String> annotations = new LinkedHashMap<>();
            int pageNumber = 0;
            for (PDPage page : document.getPages()) {
                pageNumber++;
                pages.add(page.getCOSObject().getKey());
                COSBase annotsItem = page.getCOSObject().getItem(COSName.ANNOTS);
                COSBase annotsBase = annotsItem instanceof COSObject o ? o.getObject() : annotsItem;
                if (!(annotsBase instanceof COSArray annots)) {
                    continue;
                }
                for (int i = 0; i < annots.size(); i++) {
                    COSBase item = annots.get(i);
                    COSBase value = item instanceof COSObject o ? o.getObject() : item;
                    if (!(value instanceof COSDictionary annotation)
                            || COSName.WIDGET.equals(annotation.getCOSName(COSName.SUBTYPE))) {
                        continue; // form fields' widgets change with their fields
                    }
                    String kind = String.valueOf(annotation.getNameAsString(COSName.SUBTYPE)) + " on page " + pageNumber;
                    String where = item instanceof COSObject o ? "@" + o.getKey()
                            : "@direct" + i + "@" + page.getCOSObject().getKey();
                    annotations.put(kind + where, fingerprint(annotation, page.getCOSObject().getKey()));
                }
            }
            Map<String, String> values = new LinkedHashMap<>();
            Set<String> signatureFields = new LinkedHashSet<>();
            Map<String, Boolean> signatures = new HashMap<>();
            PDAcroForm form = document.getDocumentCatalog().getAcroForm(null);
            if (form != null) {
                for (PDField field : form.getFieldTree()) {
                    if (field instanceof PDNonTerminalField) {
                        continue;
                    }
                    String name = field.getFullyQualifiedName();
                    COSBase v = field.getCOSObject().getDictionaryObject(COSName.V);
                    if (COSName.SIG.equals(field.getCOSObject().getCOSName(COSName.FT))
                            || field instanceof org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField) {
                        signatureFields.add(name);
                        if (v instanceof COSDictionary signature) {
                            signatures.put(name, COSName.DOC_TIME_STAMP.equals(signature.getCOSName(COSName.TYPE))
                                    || "ETSI.RFC3161".equals(signature.getNameAsString(COSName.SUB_FILTER)));
                            values.put(name, "signature " + field.getCOSObject().getItem(COSName.V));
                        }
                    } else if (v != null) {
                        values.put(name, v.toString());
                    }
                }
            }
            return new State(pages, annotations, values, signatureFields, signatures, offsets);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
