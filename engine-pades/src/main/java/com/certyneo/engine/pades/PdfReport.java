package com.certyneo.engine.pades;

import com.certyneo.engine.Indication;
import com.certyneo.engine.SignatureValidation;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/**
 * The PDF rendering of a {@link ReportModel}: PDF/A-2u (XMP identification, sRGB output intent, the one font
 * embedded as a subset with its Unicode mapping, so that the text can be extracted), A4, text laid out top to
 * bottom, thumbnails as images with the signature boxes drawn over them, chains as boxes.
 */
final class PdfReport {

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final String PRODUCER = "Certyneo Signing Engine (engine-pades)";
    private static final float LEFT = 50;
    private static final float RIGHT = PDRectangle.A4.getWidth() - 50;
    private static final float TOP = PDRectangle.A4.getHeight() - 50;
    private static final float BOTTOM = 60;
    private static final Color INK = new Color(0x1d, 0x23, 0x30);
    private static final Color MUTED = new Color(0x4a, 0x54, 0x66);
    private static final Color ACCENT = new Color(0x16, 0x3d, 0x6b);
    private static final Color GOOD = new Color(0x14, 0x53, 0x2d);
    private static final Color BAD = new Color(0x8a, 0x1c, 0x1c);
    private static final Color UNSURE = new Color(0x6b, 0x4a, 0x00);
    private static final Color SANDBOX = new Color(0xc7, 0x77, 0x00);
    private static final Color BOX = new Color(0xd1, 0x24, 0x2f);
    private static final Color LINE = new Color(0x87, 0x93, 0xa6);

    private final ReportModel model;
    private final PDDocument document;
    private final PDType0Font font;
    private final Map<Integer, Boolean> drawable = new HashMap<>();
    private PDPageContentStream content;
    private float y;
    private int pageNumber;

    private PdfReport(ReportModel model, PDDocument document) throws IOException {
        this.model = model;
        this.document = document;
        this.font = PDType0Font.load(document, new ByteArrayInputStream(FontBytes.BYTES), true);
    }

    /** The font file, read once (on the first PDF report). */
    private static final class FontBytes {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try (InputStream in = PdfReport.class.getResourceAsStream(FONT)) {
                if (in == null) {
                    throw new IllegalStateException("PDFBox's bundled font " + FONT + " is missing");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static byte[] render(ReportModel model) {
        try (PDDocument document = new PDDocument()) {
            PdfReport pdf = new PdfReport(model, document);
            pdf.body();
            pdf.finishPage();
            pdfa(document, "Validation report: " + model.report.documentName(), model.report.validationTime());
            ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the PDF validation report", e);
        }
    }

    private void body() throws IOException {
        newPage();
        text("Validation report", 20, ACCENT, 0);
        y -= 4;
        text(model.report.documentName(), 13, INK, 0);
        text("SHA-256 " + model.report.documentSha256(), 8.5f, MUTED, 0);
        text("Validated at " + ReportModel.time(model.report.validationTime()) + " \u00b7 "
                + model.report.signatures().size() + " signature(s) and time-stamp(s) \u00b7 "
                + model.revisions.size() + " revision(s)", 9, MUTED, 0);
        if (model.sandbox()) {
            y -= 4;
            text("SANDBOX \u2013 signatures made on the Certyneo sandbox (test PKI, test time-stamps). "
                    + "They are NOT legally binding.", 10.5f, SANDBOX, 0);
        }
        y -= 4;
        Color tone = model.report.signatures().isEmpty() ? UNSURE : model.report.allPassed() ? GOOD : BAD;
        text(model.overall(), 12, tone, 0);
        for (String w : model.report.warnings()) {
            text("Document: " + w, 9, UNSURE, 0);
        }

        heading("Timeline of revisions", 40);
        for (ReportModel.Revision r : model.revisions) {
            if (r.signature() > 0) {
                event("Revision " + r.number(), r.signature());
            } else {
                String what = switch (r.kind()) {
                    case ORIGINAL -> "Original document";
                    case VALIDATION_DATA -> "Validation data (DSS)";
                    default -> "Update";
                };
                ensure(30);
                text("Revision " + r.number() + ": " + what, 10.5f, INK, 0);
                text(r.detail(), 9, MUTED, 14);
            }
            y -= 3;
        }
        for (int n : model.unplaced) {
            event("Revision unknown", n);
        }

        if (!model.pages.isEmpty() || !model.notes.isEmpty()) {
            heading("Signed pages", model.pages.isEmpty() || model.pages.get(0).image() == null ? 20
                    : Math.min(1f, 220f / model.pages.get(0).image().getWidth()) * model.pages.get(0).image().getHeight());
            for (ReportModel.Page page : model.pages) {
                thumbnail(page);
            }
            for (String note : model.notes) {
                text(note, 9, MUTED, 0);
            }
        }

        heading("Signatures", 120);
        if (model.report.signatures().isEmpty()) {
            text("No signatures found.", 10, INK, 0);
        }
        for (int i = 0; i < model.report.signatures().size(); i++) {
            signature(i + 1, model.report.signatures().get(i));
        }
        y -= 8;
        text("Validated offline by the Certyneo Signing Engine at " + ReportModel.time(model.report.validationTime())
                + ". This report describes the validation; the signed PDF itself is the evidence.", 8.5f, MUTED, 0);
    }

    private void event(String label, int n) throws IOException {
        SignatureValidation s = model.report.signatures().get(n - 1);
        ensure(44);
        text(label + ": " + n + ". " + ReportModel.title(s) + " \u2013 " + ReportModel.verdict(s)
                + (s.sandbox() ? " \u2013 SANDBOX" : ""), 10.5f, color(s), 0);
        List<String> when = new ArrayList<>();
        if (s.documentTimestamp()) {
            s.bestSignatureTime().ifPresent(t -> when.add("Time-stamped at " + ReportModel.time(t)
                    + " (archive time-stamp: renews the long-term validity of what came before)"));
        } else {
            s.claimedSigningTime().ifPresent(t -> when.add("Signed at " + ReportModel.time(t) + " (claimed by the signer)"));
            s.timestampTimes().forEach(t -> when.add("signature time-stamp at " + ReportModel.time(t)));
        }
        text(when.isEmpty() ? "No time known" : String.join("; ", when), 9, MUTED, 14);
        List<String> where = new ArrayList<>();
        if (!s.fieldName().isEmpty()) {
            where.add("field " + s.fieldName());
        }
        if (!model.pagesText(n).isEmpty()) {
            where.add((model.visible(n) ? "box on " : "invisible, ") + model.pagesText(n));
        }
        if (!s.format().isEmpty()) {
            where.add(s.format());
        }
        if (!where.isEmpty()) {
            text(String.join(" \u00b7 ", where), 9, MUTED, 14);
        }
    }

    private void signature(int n, SignatureValidation s) throws IOException {
        ensure(120);
        y -= 6;
        text(n + ". " + ReportModel.title(s) + (s.sandbox() ? "  [SANDBOX]" : ""), 12.5f, INK, 0);
        text(ReportModel.verdict(s) + " \u2013 " + s.indication().name() + s.subIndication().map(x -> " / " + x).orElse(""),
                10.5f, color(s), 0);
        text(ReportModel.explanation(s), 9.5f, INK, 0);
        if (s.sandbox()) {
            text("Made on the Certyneo sandbox: a test certificate, not legally binding.", 9.5f, SANDBOX, 0);
        }
        y -= 2;
        row("Signed by", s.signerSubject().isEmpty() ? s.signedBy() : s.signerSubject());
        row("Field", s.fieldName());
        row("Revision", model.revisionOf(n).map(r -> r + " of " + model.revisions.size()).orElse("unknown"));
        row("Pages", model.pagesText(n).isEmpty() ? "" : model.pagesText(n) + (model.visible(n) ? "" : " (invisible)"));
        row("Format", s.format());
        if (s.claimedSigningTime().isPresent()) {
            row(s.documentTimestamp() ? "Time-stamped at" : "Claimed signing time", ReportModel.time(s.claimedSigningTime().get()));
        }
        s.bestSignatureTime().ifPresent(t -> row("Proven to exist at", ReportModel.time(t)));
        if (!s.documentTimestamp() && !s.timestampTimes().isEmpty()) {
            row("Signature time-stamps", String.join(", ", s.timestampTimes().stream().map(ReportModel::time).toList()));
        }
        row("Qualification", s.qualification());
        row("Revocation", s.revocationStatus());
        chain(s);
        changes(n, s);
        if (!s.errors().isEmpty()) {
            text("Errors", 10, BAD, 0);
            s.errors().forEach(e -> bullet(e, BAD));
        }
        if (!s.warnings().isEmpty()) {
            text("Warnings", 10, UNSURE, 0);
            s.warnings().forEach(w -> bullet(w, UNSURE));
        }
    }

    private void changes(int n, SignatureValidation s) throws IOException {
        ensure(40);
        text("What changed after this " + (s.documentTimestamp() ? "time-stamp" : "signature"), 10, MUTED, 0);
        Integer revision = model.revisionOf(n).orElse(null);
        List<String> later = new ArrayList<>();
        if (revision != null) {
            for (ReportModel.Revision r : model.revisions) {
                if (r.number() > revision) {
                    later.add("revision " + r.number() + ": " + (r.signature() > 0
                            ? ReportModel.title(model.report.signatures().get(r.signature() - 1))
                            : r.kind() == ReportModel.Kind.VALIDATION_DATA ? "validation data (DSS)" : r.detail()));
                }
            }
        }
        if (s.modifications().isEmpty()) {
            text(later.isEmpty() ? "Nothing: it covers the whole document as it is now."
                    : "No change that invalidates it; the later revisions only add what PAdES allows:", 9.5f, GOOD, 0);
        } else {
            text("Changes that later signatures and validation data do not explain:", 9.5f, BAD, 0);
            s.modifications().forEach(m -> bullet(m, BAD));
            if (!later.isEmpty()) {
                text("Later revisions:", 9.5f, INK, 0);
            }
        }
        later.forEach(l -> bullet(l, INK));
    }

    private void row(String key, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        try {
            List<String> lines = wrap(clean(value), 9, RIGHT - LEFT - 130);
            ensure(lines.size() * 12f + 2);
            draw(LEFT, y - 9, key, 9, MUTED);
            for (String line : lines) {
                draw(LEFT + 130, y - 9, line, 9, INK);
                y -= 12;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void bullet(String text, Color color) {
        try {
            List<String> lines = wrap(clean(text), 9, RIGHT - LEFT - 14);
            for (int i = 0; i < lines.size(); i++) {
                ensure(12);
                if (i == 0) {
                    draw(LEFT + 4, y - 9, "\u2022", 9, color);
                }
                draw(LEFT + 14, y - 9, lines.get(i), 9, color);
                y -= 12;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chain as boxes, the root at the top, an arrow from each issuer to what it issued. */
    private void chain(SignatureValidation s) throws IOException {
        List<String> chain = s.certificateChain();
        if (chain.isEmpty()) {
            return;
        }
        float boxHeight = 30;
        float gap = 14;
        float width = 380;
        ensure(Math.min(chain.size(), 5) * (boxHeight + gap) + 14);
        text("Certificate chain (root at the top)", 9, MUTED, 0);
        y -= 2;
        ReportModel.Tone tone = ReportModel.tone(s.revocationStatus());
        for (int row = 0; row < chain.size(); row++) {
            int index = chain.size() - 1 - row;
            String dn = chain.get(index);
            boolean signer = index == 0;
            ensure(boxHeight + gap);
            float top = y;
            float height = signer ? boxHeight + 10 : boxHeight;
            Color border = !signer ? LINE : tone == ReportModel.Tone.GOOD ? GOOD : tone == ReportModel.Tone.BAD ? BAD : SANDBOX;
            content.setStrokingColor(border);
            content.setLineWidth(signer ? 1.6f : 0.8f);
            content.addRect(LEFT + 14, top - height, width, height);
            content.stroke();
            draw(LEFT + 22, top - 12, fit(ReportModel.commonName(dn), 9.5f, width - 16), 9.5f, INK);
            String role = signer ? (s.documentTimestamp() ? "time-stamping certificate" : "signing certificate")
                    : index == chain.size() - 1 && chain.size() > 1 ? "root" : "intermediate CA";
            String second = role + ReportModel.organization(dn).map(o -> " \u00b7 " + o).orElse("");
            draw(LEFT + 22, top - 24, fit(second, 7.5f, width - 16), 7.5f, MUTED);
            if (signer) {
                draw(LEFT + 22, top - 34, fit("Revocation: " + (s.revocationStatus().isEmpty() ? "unknown" : s.revocationStatus()),
                        7.5f, width - 16), 7.5f, border);
            }
            y = top - height;
            if (row < chain.size() - 1) {
                float x = LEFT + 34;
                content.setStrokingColor(LINE);
                content.setLineWidth(1.2f);
                content.moveTo(x, y - 1);
                content.lineTo(x, y - gap + 5);
                content.stroke();
                content.setNonStrokingColor(LINE);
                content.moveTo(x - 3.5f, y - gap + 6);
                content.lineTo(x + 3.5f, y - gap + 6);
                content.lineTo(x, y - gap + 1);
                content.closePath();
                content.fill();
                draw(x + 8, y - gap + 4, "issued", 7, MUTED);
                y -= gap;
            }
        }
        y -= 8;
    }

    private void thumbnail(ReportModel.Page page) throws IOException {
        if (page.image() == null) {
            text("Page " + page.number() + " could not be drawn.", 9, MUTED, 0);
            return;
        }
        float scale = Math.min(1f, 220f / page.image().getWidth());
        float w = page.image().getWidth() * scale;
        float h = page.image().getHeight() * scale;
        List<String> captions = new ArrayList<>();
        page.boxes().forEach(b -> captions.add(b.signature() + "  " + ReportModel.title(model.report.signatures().get(b.signature() - 1))));
        page.invisible().forEach(n -> captions.add(n + "  " + ReportModel.title(model.report.signatures().get(n - 1)) + " (invisible)"));
        ensure(Math.max(h, 14 + captions.size() * 12f) + 10);
        float top = y;
        PDImageXObject image = LosslessFactory.createFromImage(document, page.image());
        content.drawImage(image, LEFT, top - h, w, h);
        content.setStrokingColor(LINE);
        content.setLineWidth(0.5f);
        content.addRect(LEFT, top - h, w, h);
        content.stroke();
        for (ReportModel.Box box : page.boxes()) {
            float bx = LEFT + (float) box.left() * w;
            float by = top - (float) (box.top() + box.height()) * h;
            content.setStrokingColor(BOX);
            content.setLineWidth(1.5f);
            content.addRect(bx, by, (float) box.width() * w, (float) box.height() * h);
            content.stroke();
            draw(bx + 1.5f, by + (float) box.height() * h - 8, String.valueOf(box.signature()), 7, BOX);
        }
        float x = LEFT + w + 16;
        draw(x, top - 11, "Page " + page.number(), 10, INK);
        float line = top - 25;
        for (String caption : captions) {
            draw(x, line, fit(caption, 9, RIGHT - x), 9, MUTED);
            line -= 12;
        }
        y = top - Math.max(h, top - line) - 10;
    }

    /** A section title, kept on the page of the first {@code next} points of the section. */
    private void heading(String title, float next) throws IOException {
        ensure(40 + next);
        y -= 12;
        text(title, 15, ACCENT, 0);
        content.setStrokingColor(LINE);
        content.setLineWidth(0.5f);
        content.moveTo(LEFT, y);
        content.lineTo(RIGHT, y);
        content.stroke();
        y -= 6;
    }

    private static Color color(SignatureValidation s) {
        return s.indication() == Indication.TOTAL_PASSED ? GOOD : s.indication() == Indication.TOTAL_FAILED ? BAD : UNSURE;
    }

    /** Draws {@code text} wrapped to the column, moving down. */
    private void text(String text, float size, Color color, float indent) {
        try {
            float leading = size * 1.3f;
            for (String line : wrap(clean(text), size, RIGHT - LEFT - indent)) {
                ensure(leading);
                draw(LEFT + indent, y - size, line, size, color);
                y -= leading;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void draw(float x, float baseline, String text, float size, Color color) throws IOException {
        content.beginText();
        content.setFont(font, size);
        content.setNonStrokingColor(color);
        content.newLineAtOffset(x, baseline);
        content.showText(clean(text));
        content.endText();
    }

    private List<String> wrap(String text, float size, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (width(candidate, size) <= width) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            // a word longer than the line (a hash, a DN without spaces) is broken where it must
            String rest = word;
            while (width(rest, size) > width && rest.length() > 1) {
                int cut = rest.length() - 1;
                while (cut > 1 && width(rest.substring(0, cut), size) > width) {
                    cut--;
                }
                lines.add(rest.substring(0, cut));
                rest = rest.substring(cut);
            }
            line.append(rest);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private String fit(String text, float size, float width) throws IOException {
        String s = clean(text);
        if (width(s, size) <= width) {
            return s;
        }
        while (s.length() > 1 && width(s + "\u2026", size) > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "\u2026";
    }

    private float width(String text, float size) throws IOException {
        return font.getStringWidth(text) / 1000f * size;
    }

    /** The text with what the font cannot draw (controls, missing glyphs) replaced by '?', line breaks by spaces. */
    private String clean(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '\n' || cp == '\r' || cp == '\t') {
                b.append(' ');
            } else if (drawable.computeIfAbsent(cp, this::canDraw)) {
                b.appendCodePoint(cp);
            } else {
                b.append('?');
            }
        });
        return b.toString();
    }

    private boolean canDraw(int cp) {
        if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
            return false;
        }
        try {
            font.encode(Character.toString(cp)); // throws when the font has no glyph for it
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private void ensure(float height) throws IOException {
        if (y - height < BOTTOM) {
            newPage();
        }
    }

    private void newPage() throws IOException {
        finishPage();
        PDPage page = new PDPage(PDRectangle.A4);
        document.addPage(page);
        pageNumber++;
        content = new PDPageContentStream(document, page);
        y = TOP;
        String footer = "Certyneo validation report \u00b7 " + model.report.documentName();
        draw(LEFT, 34, fit(footer, 7.5f, RIGHT - LEFT - 60), 7.5f, MUTED);
        String number = "Page " + pageNumber;
        draw(RIGHT - width(number, 7.5f), 34, number, 7.5f, MUTED);
        if (model.sandbox()) {
            draw(LEFT, PDRectangle.A4.getHeight() - 30, "SANDBOX \u2013 NOT LEGALLY BINDING", 8, SANDBOX);
        }
    }

    private void finishPage() throws IOException {
        if (content != null) {
            content.close();
            content = null;
        }
    }

    /** The PDF/A-2u identification: XMP metadata matching the information dictionary, and an sRGB output intent. */
    private static void pdfa(PDDocument document, String title, Instant when) throws IOException {
        Instant created = when.truncatedTo(ChronoUnit.SECONDS);
        document.setVersion(1.7f);
        PDDocumentCatalog catalog = document.getDocumentCatalog();
        catalog.setLanguage("en");
        Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(created.toEpochMilli());
        PDDocumentInformation info = document.getDocumentInformation();
        String cleanTitle = title.replaceAll("[\\p{Cntrl}\\s]+", " ");
        info.setTitle(cleanTitle);
        info.setProducer(PRODUCER);
        info.setCreator(PRODUCER);
        info.setCreationDate(calendar);
        info.setModificationDate(calendar);
        String date = DateTimeFormatter.ISO_INSTANT.format(created);
        String xmp = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                + " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                + "   <pdfaid:part>2</pdfaid:part>\n"
                + "   <pdfaid:conformance>U</pdfaid:conformance>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                + "   <dc:format>application/pdf</dc:format>\n"
                + "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + HtmlReport.esc(cleanTitle) + "</rdf:li></rdf:Alt></dc:title>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
                + "   <xmp:CreateDate>" + date + "</xmp:CreateDate>\n"
                + "   <xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n"
                + "   <xmp:CreatorTool>" + PRODUCER + "</xmp:CreatorTool>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                + "   <pdf:Producer>" + PRODUCER + "</pdf:Producer>\n"
                + "  </rdf:Description>\n"
                + " </rdf:RDF>\n"
                + "</x:xmpmeta>\n"
                + "<?xpacket end=\"w\"?>";
        PDMetadata metadata = new PDMetadata(document);
        metadata.importXMPMetadata(xmp.getBytes(StandardCharsets.UTF_8));
        catalog.setMetadata(metadata);
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        PDOutputIntent intent = new PDOutputIntent(document, new ByteArrayInputStream(icc));
        intent.setInfo("sRGB IEC61966-2.1");
        intent.setOutputCondition("sRGB IEC61966-2.1");
        intent.setOutputConditionIdentifier("sRGB IEC61966-2.1");
        intent.setRegistryName("http://www.color.org");
        catalog.addOutputIntent(intent);
    }
}
