package com.certyneo.engine.audit;

import com.certyneo.engine.audit.FontSet.Style;
import com.certyneo.engine.audit.PageLayout.Column;
import com.certyneo.engine.audit.PageLayout.Para;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPageContentStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays out the human-readable pages of an audit trail and assembles the tagged PDF/A-3a file: events
 * in words, phone numbers and e-mail addresses masked, digests in monospace groups of four.
 */
final class AuditTrailRenderer {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final float BODY = 8.5f;
    private static final float SMALL = 7.2f;

    private AuditTrailRenderer() {
    }

    static String utc(Instant t) {
        return UTC.format(t);
    }

    /**
     * @param evidence what to render
     * @param now the generation time printed and stored in the metadata
     * @return the PDF/A-3a bytes, not sealed
     */
    static byte[] render(Evidence evidence, Instant now) throws IOException {
        byte[] json = evidence.toJson();
        String head = evidence.chainHead();
        String jsonSha256 = Digests.sha256Hex(json);
        boolean sandbox = evidence.envelope().sandbox();
        try (PDDocument document = new PDDocument()) {
            FontSet fonts = new FontSet(document);
            PageLayout layout = new PageLayout(document, fonts, sandbox ? 764 : 776);

            summary(layout, evidence, head, jsonSha256, now);
            documents(layout, evidence);
            signers(layout, evidence);
            events(layout, evidence);
            chain(layout, evidence, head);

            layout.finish((l, c, page, pages) -> decorate(l, c, evidence, head, now, page, pages));
            PdfaWriter.apply(document, evidence, head, json, now);
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            document.save(out);
            return out.toByteArray();
        }
    }

    private static void decorate(PageLayout l, PDPageContentStream c, Evidence evidence, String head, Instant now,
                                 int page, int pages) throws IOException {
        float top = PageLayout.A4.getHeight();
        l.text(c, PageLayout.LEFT, top - 40, "Certyneo audit trail \u00b7 envelope " + evidence.envelope().id(), Style.REGULAR, 7.5f,
                PageLayout.MUTED);
        l.textRight(c, PageLayout.RIGHT, top - 40, "Generated " + utc(now), Style.REGULAR, 7.5f, PageLayout.MUTED);
        PageLayout.rule(c, PageLayout.LEFT, PageLayout.RIGHT, top - 45, PageLayout.RULE, 0.5f);
        if (evidence.envelope().sandbox()) {
            l.text(c, PageLayout.LEFT, top - 57, "SANDBOX \u2013 test evidence from the Certyneo sandbox (test PKI, test TSA). "
                    + "NOT LEGALLY BINDING.", Style.BOLD, 7.5f, PageLayout.RED);
        }
        PageLayout.rule(c, PageLayout.LEFT, PageLayout.RIGHT, 44, PageLayout.RULE, 0.5f);
        l.text(c, PageLayout.LEFT, 34, "Chain head ", Style.REGULAR, 7, PageLayout.MUTED);
        l.text(c, PageLayout.LEFT + FontSet.width("Chain head ", Style.REGULAR, 7), 34, HumanText.grouped(head), Style.MONO, 7,
                PageLayout.MUTED);
        l.textRight(c, PageLayout.RIGHT, 34, "Page " + page + " of " + pages, Style.REGULAR, 7.5f, PageLayout.MUTED);
    }

    private static void summary(PageLayout layout, Evidence evidence, String head, String jsonSha256, Instant now)
            throws IOException {
        Envelope env = evidence.envelope();
        layout.title("Audit trail");
        layout.paragraph(env.title(), Style.BOLD, 12, PageLayout.INK);
        layout.space(4);
        if (env.sandbox()) {
            layout.paragraph("SANDBOX \u2013 NOT LEGALLY BINDING. This envelope ran on the Certyneo sandbox: signatures, seal "
                    + "and time-stamps come from a test PKI and a test time-stamp authority. Use it for integration tests only.",
                    Style.BOLD, BODY, PageLayout.RED);
            layout.space(4);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Envelope ID", env.id(), "mono"});
        rows.add(new String[] {"Status", status(evidence)});
        rows.add(new String[] {"Mode", env.mode().name()});
        rows.add(new String[] {"Sender", env.sender().name() + " <" + env.sender().email() + ">"
                + env.sender().organization().map(o -> ", " + o).orElse("")});
        rows.add(new String[] {"Created", utc(env.createdAt())});
        rows.add(new String[] {"Completed", env.completedAt().map(AuditTrailRenderer::utc).orElse("not completed")});
        rows.add(new String[] {"Documents", String.valueOf(evidence.documents().size())});
        rows.add(new String[] {"Signers", String.valueOf(evidence.signers().size())});
        rows.add(new String[] {"Events", String.valueOf(evidence.events().size())});
        rows.add(new String[] {"Chain head", head, "digest"});
        rows.add(new String[] {"evidence.json SHA-256", jsonSha256, "digest"});
        rows.add(new String[] {"Generated", utc(now)});
        layout.keyValues(rows, 118, BODY);
        layout.space(6);
        layout.paragraph("This document is the evidence of the envelope above. Its attachment evidence.json is the "
                + "machine-readable original: every event is hash-chained (SHA-256 over RFC 8785 canonical JSON), and the "
                + "chain head printed here closes the chain. The file is PDF/A-3a (tagged) and is sealed with the platform's electronic "
                + "seal (PAdES) with a trusted time-stamp. Check it offline with: certyneo audit verify <this file> "
                + "--document <signed document>.", Style.REGULAR, BODY, PageLayout.MUTED);
    }

    private static String status(Evidence evidence) {
        Set<String> types = new LinkedHashSet<>();
        evidence.events().forEach(e -> types.add(e.type().name()));
        if (types.contains(EventType.DECLINED.name())) {
            return "Declined";
        }
        if (types.contains(EventType.EXPIRED.name())) {
            return "Expired";
        }
        return evidence.envelope().completedAt().isPresent() || types.contains(EventType.COMPLETED.name())
                ? "Completed" : "In progress";
    }

    private static void documents(PageLayout layout, Evidence evidence) throws IOException {
        layout.heading("Documents");
        int n = 1;
        for (DocumentEvidence d : evidence.documents()) {
            if (n > 1) {
                layout.space(6);
            }
            layout.ensure(70);
            layout.subheading(n++ + ". " + d.name(), 9.5f);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"Pages", String.valueOf(d.pages())});
            rows.add(new String[] {"Size", String.format("%,d bytes", d.size())});
            rows.add(new String[] {"SHA-256 original", d.originalSha256(), "digest"});
            rows.add(new String[] {"SHA-256 prepared", d.preparedSha256().orElse("not recorded"), d.preparedSha256().isPresent() ? "digest" : ""});
            rows.add(new String[] {"SHA-256 signed", d.signedSha256().orElse("not signed yet"), d.signedSha256().isPresent() ? "digest" : ""});
            layout.keyValues(rows, 118, BODY);
        }
    }

    private static void signers(PageLayout layout, Evidence evidence) throws IOException {
        layout.heading("Signers");
        if (evidence.signers().isEmpty()) {
            layout.paragraph("No signer.", Style.REGULAR, BODY, PageLayout.MUTED);
        }
        int n = 1;
        for (SignerEvidence s : evidence.signers()) {
            if (n > 1) {
                layout.space(8);
            }
            layout.ensure(90);
            layout.subheading(n++ + ". " + s.name(), 9.5f);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"Signer ID", s.id(), "mono"});
            rows.add(new String[] {"E-mail", s.email()});
            rows.add(new String[] {"Phone (masked)", s.maskedPhone().map(HumanText::phone).orElse("none")});
            rows.add(new String[] {"Requested level", s.level().label()});
            for (AuditEvent e : evidence.events()) {
                if (e.actor().equals(s.id()) && (e.type().equals(EventType.SIGNED) || e.type().equals(EventType.DECLINED))) {
                    rows.add(new String[] {e.type().equals(EventType.SIGNED) ? "Signed" : "Declined", utc(e.at()) + "  (event #" + e.sequence() + ")"});
                }
            }
            Set<String> clients = new LinkedHashSet<>();
            for (AuditEvent e : evidence.events()) {
                if ((e.actor().equals(s.id()) || e.actor().equalsIgnoreCase(s.email())) && (e.ip().isPresent() || e.userAgent().isPresent())) {
                    clients.add(e.ip().orElse("IP not recorded") + e.userAgent().map(ua -> " \u2014 " + ua).orElse(""));
                }
            }
            rows.add(new String[] {"IP and user agent", clients.isEmpty() ? "not recorded" : String.join("\n", clients)});
            s.certificate().ifPresent(cert -> {
                rows.add(new String[] {"Certificate serial", cert.serialNumber(), "mono"});
                rows.add(new String[] {"Certificate SHA-256", cert.sha256(), "digest"});
                rows.add(new String[] {"Certificate subject", cert.subject()});
                rows.add(new String[] {"Certificate issuer", cert.issuer()});
                rows.add(new String[] {"Certificate validity", utc(cert.notBefore()) + " to " + utc(cert.notAfter())});
            });
            layout.keyValues(rows, 118, BODY);
            if (!s.authentications().isEmpty()) {
                layout.space(3);
                List<List<List<Para>>> auth = new ArrayList<>();
                for (AuthenticationRecord a : s.authentications()) {
                    auth.add(List.of(List.of(Para.of(method(a))),
                            List.of(new Para(a.result().name(), Style.BOLD,
                                    a.result() == AuthenticationResult.SUCCESS ? PageLayout.GREEN : PageLayout.RED)),
                            List.of(Para.of(utc(a.at()))),
                            List.of(Para.muted(a.provider().map(p -> p + (a.reference().isPresent() ? " \u00b7 " : "")).orElse("")
                                    + a.reference().orElse(a.provider().isPresent() ? "" : "\u2014")))));
                }
                layout.table(List.of(new Column("Authentication", 118), new Column("Result", 60), new Column("Time (UTC)", 110),
                        new Column("Provider \u00b7 reference", PageLayout.WIDTH - 288)), auth, true, false, BODY, false);
            }
        }
    }

    private static String method(AuthenticationRecord a) {
        return switch (a.method()) {
            case SMS_OTP -> "SMS one-time password";
            case EMAIL_OTP -> "E-mail one-time password";
            case ID_DOCUMENT -> "Identity document";
            case VIDEO_KYC -> "Video identification";
        };
    }

    private static void events(PageLayout layout, Evidence evidence) throws IOException {
        layout.heading("Event log (" + evidence.events().size() + " events, UTC)");
        List<ChainLink> links = evidence.chain();
        List<List<List<Para>>> rows = new ArrayList<>(evidence.events().size());
        for (int i = 0; i < evidence.events().size(); i++) {
            AuditEvent e = evidence.events().get(i);
            List<Para> client = new ArrayList<>();
            e.ip().ifPresent(ip -> client.add(Para.mono(ip)));
            e.userAgent().ifPresent(ua -> client.add(Para.muted(ua)));
            if (client.isEmpty()) {
                client.add(Para.muted("\u2014"));
            }
            List<Para> details = new ArrayList<>();
            for (Map.Entry<String, String> d : e.details().entrySet()) {
                String key = HumanText.words(d.getKey());
                if (HumanText.isDigest(d.getKey(), d.getValue())) {
                    details.add(Para.of(key + ":"));
                    details.add(Para.digest(d.getValue()));
                } else {
                    details.add(Para.of(key + ": " + HumanText.maskForDisplay(d.getKey(), d.getValue())));
                }
            }
            details.add(new Para("Hash " + HumanText.grouped(links.get(i).hash().substring(0, 16)) + "\u2026", Style.MONO,
                    PageLayout.MUTED));
            String actor = e.actor() + evidence.signer(e.actor()).map(s -> "\n(" + s.name() + ")").orElse("");
            rows.add(List.of(List.of(Para.mono(String.valueOf(e.sequence()))), List.of(Para.of(utc(e.at()))),
                    List.of(Para.bold(HumanText.label(e, evidence))), List.of(Para.of(actor)), client, details));
        }
        float w = PageLayout.WIDTH;
        layout.table(List.of(new Column("#", 22), new Column("Time (UTC)", 62), new Column("Event", 100),
                new Column("Actor", 76), new Column("IP \u00b7 user agent", 104), new Column("Details \u00b7 chain", w - 364)),
                rows, true, true, SMALL, false);
    }

    private static void chain(PageLayout layout, Evidence evidence, String head) throws IOException {
        layout.heading("Hash chain");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Algorithm", "hash_i = SHA-256( JCS(event_i) \u2016 hash_(i-1) ), JCS = RFC 8785 canonical JSON of the "
                + "event as in evidence.json without its prev_hash and hash members; hash_(i-1) as 32 raw bytes"});
        rows.add(new String[] {"hash_0 (genesis)", HashChain.GENESIS_HEX, "digest"});
        rows.add(new String[] {"Events chained", String.valueOf(evidence.events().size())});
        rows.add(new String[] {"Chain head", head, "digest"});
        layout.keyValues(rows, 118, BODY);
        layout.space(6);
        layout.paragraph("The chain head is also stored in this file's XMP metadata (certyneo:chainHead) and document "
                + "information dictionary (/" + PdfaWriter.INFO_CHAIN_HEAD + "). Changing, removing, inserting or reordering "
                + "any event changes the head; changing anything in this file breaks its seal.", Style.REGULAR, BODY, PageLayout.MUTED);
    }
}
