package com.certyneo.engine.pades;

import com.certyneo.engine.Indication;
import com.certyneo.engine.SignatureValidation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The HTML rendering of a {@link ReportModel}: one self-contained UTF-8 file (styles inline, thumbnails as
 * {@code data:} PNGs, certificate chains as inline SVG), no script and no external resource. Every text that
 * comes from the document or its certificates is escaped.
 */
final class HtmlReport {

    /** The longest certificate name drawn in a chain box, in characters (the full DN is in the box's title). */
    private static final int CHAIN_TEXT = 64;

    private final ReportModel model;
    private final StringBuilder out = new StringBuilder(64 * 1024);

    private HtmlReport(ReportModel model) {
        this.model = model;
    }

    static byte[] render(ReportModel model) {
        HtmlReport html = new HtmlReport(model);
        html.document();
        return html.out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void document() {
        String name = model.report.documentName();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"Certyneo Signing Engine\">\n")
                .append("<title>Validation report: ").append(esc(name)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<main>\n");
        header();
        timeline();
        pages();
        signatures();
        out.append("</main>\n<footer><p>Validated offline by the Certyneo Signing Engine at ")
                .append(esc(ReportModel.time(model.report.validationTime())))
                .append(". This report describes the validation; the signed PDF itself is the evidence.</p></footer>\n")
                .append("</body>\n</html>\n");
    }

    private void header() {
        out.append("<header>\n<h1>Validation report</h1>\n<p class=\"doc\">").append(esc(model.report.documentName()))
                .append("</p>\n<p class=\"meta\">SHA-256 <code>").append(esc(model.report.documentSha256()))
                .append("</code><br>Validated at ").append(esc(ReportModel.time(model.report.validationTime())))
                .append(" \u00b7 ").append(model.report.signatures().size()).append(" signature(s) and time-stamp(s) \u00b7 ")
                .append(model.revisions.size()).append(" revision(s)</p>\n");
        if (model.sandbox()) {
            out.append("<p class=\"sandbox-banner\" role=\"note\"><strong>SANDBOX</strong> \u2013 signatures made on the "
                    + "Certyneo sandbox (test PKI, test time-stamps). They are NOT legally binding.</p>\n");
        }
        String tone = model.report.signatures().isEmpty() ? "unknown" : model.report.allPassed() ? "ok" : "bad";
        out.append("<p class=\"overall ").append(tone).append("\">").append(esc(model.overall())).append("</p>\n");
        for (String w : model.report.warnings()) {
            out.append("<p class=\"warning\">Document: ").append(esc(w)).append("</p>\n");
        }
        out.append("</header>\n");
    }

    private void timeline() {
        out.append("<section id=\"timeline\" aria-labelledby=\"timeline-h\">\n<h2 id=\"timeline-h\">Timeline of revisions</h2>\n")
                .append("<ol class=\"timeline\">\n");
        for (ReportModel.Revision r : model.revisions) {
            out.append("<li class=\"rev ").append(r.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .append("\"><span class=\"rev-no\">Revision ").append(r.number()).append("</span><div class=\"rev-body\">");
            if (r.signature() > 0) {
                signatureEvent(r.signature());
            } else {
                out.append("<p class=\"rev-what\"><strong>").append(switch (r.kind()) {
                    case ORIGINAL -> "Original document";
                    case VALIDATION_DATA -> "Validation data (DSS)";
                    default -> "Update";
                }).append("</strong></p><p>").append(esc(r.detail())).append("</p>");
            }
            out.append("</div></li>\n");
        }
        for (int n : model.unplaced) {
            out.append("<li class=\"rev unknown\"><span class=\"rev-no\">Revision ?</span><div class=\"rev-body\">");
            signatureEvent(n);
            out.append("<p>Its revision is unknown: the signature has no usable /ByteRange.</p></div></li>\n");
        }
        out.append("</ol>\n</section>\n");
    }

    private void signatureEvent(int n) {
        SignatureValidation s = model.report.signatures().get(n - 1);
        out.append("<p class=\"rev-what\"><a href=\"#sig-").append(n).append("\"><strong>").append(n).append(". ")
                .append(esc(ReportModel.title(s))).append("</strong></a> ");
        badges(s);
        out.append("</p><p class=\"rev-when\">");
        List<String> when = new ArrayList<>();
        if (s.documentTimestamp()) {
            s.bestSignatureTime().ifPresent(t -> when.add("Time-stamped at " + ReportModel.time(t)
                    + " (archive time-stamp: renews the long-term validity of what came before)"));
        } else {
            s.claimedSigningTime().ifPresent(t -> when.add("Signed at " + ReportModel.time(t) + " (claimed by the signer)"));
            for (Instant t : s.timestampTimes()) {
                when.add("signature time-stamp at " + ReportModel.time(t));
            }
        }
        out.append(esc(when.isEmpty() ? "No time known" : String.join("; ", when))).append("</p><p class=\"rev-where\">");
        List<String> where = new ArrayList<>();
        if (!s.fieldName().isEmpty()) {
            where.add("field " + s.fieldName());
        }
        String pages = model.pagesText(n);
        if (!pages.isEmpty()) {
            where.add((model.visible(n) ? "box on " : "invisible, ") + pages);
        }
        if (!s.format().isEmpty()) {
            where.add(s.format());
        }
        out.append(esc(String.join(" \u00b7 ", where))).append("</p>");
    }

    private void badges(SignatureValidation s) {
        String tone = s.indication() == Indication.TOTAL_PASSED ? "ok" : s.indication() == Indication.TOTAL_FAILED ? "bad" : "unknown";
        out.append("<span class=\"badge ").append(tone).append("\">").append(esc(ReportModel.verdict(s))).append("</span>");
        if (s.sandbox()) {
            out.append(" <span class=\"badge sandbox\">SANDBOX</span>");
        }
    }

    private void pages() {
        if (model.pages.isEmpty() && model.notes.isEmpty()) {
            return;
        }
        out.append("<section id=\"pages\" aria-labelledby=\"pages-h\">\n<h2 id=\"pages-h\">Signed pages</h2>\n<div class=\"pages\">\n");
        for (ReportModel.Page page : model.pages) {
            out.append("<figure class=\"page\">");
            String alt = alt(page);
            if (page.image() != null) {
                out.append("<div class=\"thumb\" style=\"width:").append(page.image().getWidth()).append("px\"><img src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(page.png())).append("\" width=\"").append(page.image().getWidth())
                        .append("\" height=\"").append(page.image().getHeight()).append("\" alt=\"").append(esc(alt)).append("\">");
                for (ReportModel.Box box : page.boxes()) {
                    out.append("<span class=\"box\" aria-hidden=\"true\" style=\"left:").append(pct(box.left())).append(";top:")
                            .append(pct(box.top())).append(";width:").append(pct(box.width())).append(";height:")
                            .append(pct(box.height())).append("\">").append(box.signature()).append("</span>");
                }
                out.append("</div>");
            } else {
                out.append("<p class=\"no-thumb\">").append(esc(alt)).append("</p>");
            }
            out.append("<figcaption>Page ").append(page.number());
            for (ReportModel.Box box : page.boxes()) {
                out.append("<br><span class=\"key\">").append(box.signature()).append("</span> ")
                        .append(esc(ReportModel.title(model.report.signatures().get(box.signature() - 1))));
            }
            for (int n : page.invisible()) {
                out.append("<br><span class=\"key dim\">").append(n).append("</span> ")
                        .append(esc(ReportModel.title(model.report.signatures().get(n - 1)))).append(" (invisible)");
            }
            out.append("</figcaption></figure>\n");
        }
        out.append("</div>\n");
        for (String note : model.notes) {
            out.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        out.append("</section>\n");
    }

    private String alt(ReportModel.Page page) {
        List<String> who = new ArrayList<>();
        page.boxes().forEach(b -> who.add(b.signature() + " (" + ReportModel.title(model.report.signatures().get(b.signature() - 1)) + ")"));
        return "Page " + page.number() + (who.isEmpty() ? ", with no visible signature box"
                : " with the box of signature " + String.join(", ", who) + " outlined");
    }

    private void signatures() {
        out.append("<section id=\"signatures\" aria-labelledby=\"signatures-h\">\n<h2 id=\"signatures-h\">Signatures</h2>\n");
        if (model.report.signatures().isEmpty()) {
            out.append("<p>No signatures found.</p>\n");
        }
        List<SignatureValidation> all = model.report.signatures();
        for (int i = 0; i < all.size(); i++) {
            signature(i + 1, all.get(i));
        }
        out.append("</section>\n");
    }

    private void signature(int n, SignatureValidation s) {
        out.append("<article class=\"signature\" id=\"sig-").append(n).append("\">\n<h3>").append(n).append(". ")
                .append(esc(ReportModel.title(s))).append(" ");
        badges(s);
        out.append("</h3>\n<p class=\"indication\"><strong>").append(esc(ReportModel.verdict(s))).append("</strong> \u2013 ")
                .append(esc(s.indication().name())).append(esc(s.subIndication().map(x -> " / " + x).orElse("")))
                .append("</p>\n<p>").append(esc(ReportModel.explanation(s))).append("</p>\n");
        if (s.sandbox()) {
            out.append("<p class=\"sandbox-note\">Made on the Certyneo sandbox: a test certificate, not legally binding.</p>\n");
        }
        out.append("<dl>\n");
        row("Signed by", s.signerSubject().isEmpty() ? s.signedBy() : s.signerSubject());
        row("Field", s.fieldName());
        row("Revision", model.revisionOf(n).map(r -> r + " of " + model.revisions.size()).orElse("unknown"));
        row("Pages", model.pagesText(n).isEmpty() ? "" : model.pagesText(n) + (model.visible(n) ? "" : " (invisible)"));
        row("Format", s.format());
        s.claimedSigningTime().ifPresent(t -> row(s.documentTimestamp() ? "Time-stamped at" : "Claimed signing time",
                ReportModel.time(t)));
        s.bestSignatureTime().ifPresent(t -> row("Proven to exist at", ReportModel.time(t)));
        if (!s.documentTimestamp() && !s.timestampTimes().isEmpty()) {
            row("Signature time-stamps", String.join(", ", s.timestampTimes().stream().map(ReportModel::time).toList()));
        }
        row("Qualification", s.qualification());
        row("Revocation", s.revocationStatus());
        out.append("</dl>\n");
        chain(n, s);
        changes(n, s);
        list("Errors", "errors", s.errors());
        list("Warnings", "warnings", s.warnings());
        out.append("</article>\n");
    }

    private void row(String key, String value) {
        if (value != null && !value.isEmpty()) {
            out.append("<dt>").append(esc(key)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
        }
    }

    private void list(String title, String cls, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        out.append("<h4>").append(esc(title)).append("</h4>\n<ul class=\"").append(cls).append("\">\n");
        items.forEach(i -> out.append("<li>").append(esc(i)).append("</li>\n"));
        out.append("</ul>\n");
    }

    /** What came after the signature: the later revisions, and the changes no later revision explains. */
    private void changes(int n, SignatureValidation s) {
        out.append("<h4>What changed after this ").append(s.documentTimestamp() ? "time-stamp" : "signature").append("</h4>\n");
        Integer revision = model.revisionOf(n).orElse(null);
        List<String> later = new ArrayList<>();
        if (revision != null) {
            for (ReportModel.Revision r : model.revisions) {
                if (r.number() > revision) {
                    later.add("revision " + r.number() + ": " + laterText(r));
                }
            }
        }
        if (s.modifications().isEmpty()) {
            out.append("<p class=\"unchanged\">").append(esc(later.isEmpty()
                    ? "Nothing: it covers the whole document as it is now."
                    : "No change that invalidates it; the later revisions only add what PAdES allows:")).append("</p>\n");
        } else {
            out.append("<p class=\"changed\">Changes that later signatures and validation data do not explain:</p>\n<ul class=\"modifications\">\n");
            s.modifications().forEach(m -> out.append("<li>").append(esc(m)).append("</li>\n"));
            out.append("</ul>\n");
            if (!later.isEmpty()) {
                out.append("<p>Later revisions:</p>\n");
            }
        }
        if (!later.isEmpty()) {
            out.append("<ul class=\"later\">\n");
            later.forEach(l -> out.append("<li>").append(esc(l)).append("</li>\n"));
            out.append("</ul>\n");
        }
    }

    private String laterText(ReportModel.Revision r) {
        if (r.signature() > 0) {
            SignatureValidation later = model.report.signatures().get(r.signature() - 1);
            return ReportModel.title(later);
        }
        return switch (r.kind()) {
            case VALIDATION_DATA -> "validation data (DSS)";
            default -> r.detail();
        };
    }

    /** The certificate chain as an inline SVG diagram: the root at the top, the signer at the bottom. */
    private void chain(int n, SignatureValidation s) {
        List<String> chain = s.certificateChain();
        if (chain.isEmpty()) {
            return;
        }
        int boxHeight = 46;
        int gap = 24;
        int width = 560;
        int count = chain.size();
        int signerExtra = 16; // the signing certificate's box has a third line: its revocation status
        int height = count * boxHeight + signerExtra + (count - 1) * gap + 2;
        ReportModel.Tone tone = ReportModel.tone(s.revocationStatus());
        String id = "chain-" + n;
        out.append("<figure class=\"chain\">\n<svg role=\"img\" aria-labelledby=\"")
                .append(id).append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n<title id=\"").append(id)
                .append("\">Certificate chain of signature ").append(n).append(": ");
        List<String> names = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            names.add(ReportModel.commonName(chain.get(i)));
        }
        out.append(esc(String.join(" issued ", names))).append("; revocation status of the signing certificate: ")
                .append(esc(s.revocationStatus().isEmpty() ? "unknown" : s.revocationStatus())).append("</title>\n");
        for (int row = 0; row < count; row++) {
            int index = count - 1 - row; // the root first
            String dn = chain.get(index);
            boolean signer = index == 0;
            int y = 1 + row * (boxHeight + gap);
            String cls = signer ? "cert signer " + tone.name().toLowerCase(Locale.ROOT) : "cert";
            out.append("<g class=\"").append(cls).append("\"><title>").append(esc(dn)).append("</title>")
                    .append("<rect x=\"1\" y=\"").append(y).append("\" width=\"").append(width - 2).append("\" height=\"")
                    .append(signer ? boxHeight + signerExtra : boxHeight).append("\" rx=\"6\"/>")
                    .append("<text x=\"12\" y=\"").append(y + 19).append("\" class=\"cn\">")
                    .append(esc(clip(ReportModel.commonName(dn)))).append("</text>");
            String role = signer ? (s.documentTimestamp() ? "time-stamping certificate" : "signing certificate")
                    : index == count - 1 && count > 1 ? "root" : "intermediate CA";
            String second = role + ReportModel.organization(dn).map(o -> " \u00b7 " + o).orElse("");
            out.append("<text x=\"12\" y=\"").append(y + 37).append("\" class=\"role\">").append(esc(clip(second)))
                    .append("</text>");
            if (signer) {
                out.append("<text x=\"12\" y=\"").append(y + 54).append("\" class=\"status\">Revocation: ")
                        .append(esc(clip(s.revocationStatus().isEmpty() ? "unknown" : s.revocationStatus()))).append("</text>");
            }
            out.append("</g>\n");
            if (row < count - 1) {
                int x = 40;
                int top = y + boxHeight;
                out.append("<path class=\"arrow\" d=\"M").append(x).append(' ').append(top + 2).append(" V").append(top + gap - 7)
                        .append("\"/><path class=\"head\" d=\"M").append(x - 5).append(' ').append(top + gap - 8).append(" L")
                        .append(x + 5).append(' ').append(top + gap - 8).append(" L").append(x).append(' ').append(top + gap - 1)
                        .append(" Z\"/><text x=\"").append(x + 12).append("\" y=\"").append(top + gap / 2 + 4)
                        .append("\" class=\"issued\">issued</text>\n");
            }
        }
        out.append("</svg>\n<figcaption>Certificate chain as the validator built it (root at the top).</figcaption>\n</figure>\n");
    }

    private static String clip(String s) {
        return s.codePointCount(0, s.length()) <= CHAIN_TEXT ? s
                : s.substring(0, s.offsetByCodePoints(0, CHAIN_TEXT - 1)) + "\u2026";
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.3f%%", fraction * 100);
    }

    /**
     * Escapes text for HTML content and quoted attribute values: markup characters become references, control
     * characters (other than tab and line breaks) and lone surrogates become U+FFFD.
     */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || (c >= 0x7f && c <= 0x9f) || c == '\uFFFE' || c == '\uFFFF') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            * { box-sizing: border-box; }
            body { margin: 0; background: #f4f5f7; color: #1d2330; font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
            main, footer { max-width: 880px; margin: 0 auto; padding: 0 20px; }
            header, section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
            h1 { font-size: 22px; margin: 0 0 4px; color: #163d6b; }
            h2 { font-size: 17px; margin: 0 0 12px; color: #163d6b; }
            h3 { font-size: 15px; margin: 0 0 6px; }
            h4 { font-size: 13px; margin: 12px 0 4px; color: #4a5466; }
            p { margin: 4px 0; }
            code { font: 12px "DejaVu Sans Mono", "Liberation Mono", monospace; word-break: break-all; }
            .doc { font-weight: bold; font-size: 15px; }
            .meta, .rev-when, .rev-where, figcaption, footer { color: #4a5466; font-size: 12.5px; }
            .overall { font-weight: bold; padding: 6px 10px; border-radius: 6px; margin-top: 10px; }
            .overall.ok { background: #e3f4e8; color: #14532d; }
            .overall.bad { background: #fde8e8; color: #8a1c1c; }
            .overall.unknown { background: #fff4dc; color: #6b4a00; }
            .sandbox-banner { background: #fff0c2; border: 2px dashed #c77700; color: #6b3b00; padding: 8px 10px; border-radius: 6px; margin-top: 10px; }
            .sandbox-note { color: #6b3b00; }
            .warning { color: #6b4a00; }
            .badge { display: inline-block; font-size: 11.5px; font-weight: bold; padding: 1px 7px; border-radius: 10px; vertical-align: 1px; }
            .badge.ok { background: #d4efdc; color: #14532d; }
            .badge.bad { background: #f9d2d2; color: #8a1c1c; }
            .badge.unknown { background: #fde9b8; color: #6b4a00; }
            .badge.sandbox { background: #c77700; color: #fff; }
            .timeline { list-style: none; margin: 0; padding: 0; border-left: 3px solid #c9d3e0; }
            .rev { position: relative; margin: 0 0 10px; padding: 0 0 0 16px; display: flex; gap: 12px; }
            .rev::before { content: ""; position: absolute; left: -8px; top: 4px; width: 13px; height: 13px; border-radius: 50%; background: #7b8799; border: 2px solid #fff; }
            .rev.signature::before { background: #1f6feb; }
            .rev.document-timestamp::before { background: #7e3fbf; }
            .rev.validation-data::before { background: #2f8f5b; }
            .rev.update::before, .rev.unknown::before { background: #c77700; }
            .rev-no { flex: 0 0 86px; font-weight: bold; color: #4a5466; font-size: 12.5px; padding-top: 1px; }
            .rev-body { flex: 1; min-width: 0; overflow-wrap: anywhere; }
            .rev-what a { color: inherit; text-decoration: none; }
            .pages { display: flex; flex-wrap: wrap; gap: 16px; }
            .page { margin: 0; }
            .thumb { position: relative; border: 1px solid #b8c0cc; box-shadow: 0 1px 3px rgba(0,0,0,.15); background: #fff; }
            .thumb img { display: block; }
            .box { position: absolute; border: 2px solid #d1242f; background: rgba(209,36,47,.08); color: #d1242f; font: bold 10px/1 "DejaVu Sans", sans-serif; padding: 1px 2px; }
            .key { display: inline-block; min-width: 16px; text-align: center; background: #d1242f; color: #fff; font-weight: bold; border-radius: 3px; font-size: 11px; }
            .key.dim { background: #7b8799; }
            .no-thumb { width: 200px; height: 120px; border: 1px dashed #b8c0cc; padding: 8px; }
            .note { color: #4a5466; font-style: italic; }
            .signature { border-top: 1px solid #dde1e7; padding-top: 12px; margin-top: 12px; overflow-wrap: anywhere; }
            .signature:first-of-type { border-top: 0; padding-top: 0; margin-top: 0; }
            dl { display: grid; grid-template-columns: 170px 1fr; gap: 2px 12px; margin: 8px 0; font-size: 13px; }
            dt { color: #4a5466; }
            dd { margin: 0; overflow-wrap: anywhere; }
            .chain { margin: 10px 0; }
            .chain svg { max-width: 100%; height: auto; }
            .cert rect { fill: #f6f8fb; stroke: #8793a6; stroke-width: 1.2; }
            .cert.signer rect { stroke-width: 2; }
            .cert.signer.good rect { fill: #eef9f1; stroke: #2f8f5b; }
            .cert.signer.bad rect { fill: #fdeeee; stroke: #c62828; }
            .cert.signer.unknown rect { fill: #fff8e6; stroke: #c77700; }
            .cert .cn { font: bold 13px "DejaVu Sans", "Liberation Sans", Arial, sans-serif; fill: #1d2330; }
            .cert .role, .issued { font: 11px "DejaVu Sans", "Liberation Sans", Arial, sans-serif; fill: #4a5466; }
            .cert .status { font: bold 11px "DejaVu Sans", "Liberation Sans", Arial, sans-serif; fill: #6b4a00; }
            .cert.signer.good .status { fill: #14532d; }
            .cert.signer.bad .status { fill: #8a1c1c; }
            .arrow { stroke: #8793a6; stroke-width: 2; fill: none; }
            .head { fill: #8793a6; }
            .changed, .modifications, .errors { color: #8a1c1c; }
            .unchanged { color: #14532d; }
            .warnings { color: #6b4a00; }
            ul { margin: 4px 0; padding-left: 20px; }
            footer { padding-bottom: 24px; }
            """;
}
