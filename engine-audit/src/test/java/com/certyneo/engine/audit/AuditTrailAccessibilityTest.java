package com.certyneo.engine.audit;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.SignatureLevel;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdfparser.PDFStreamParser;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDMarkedContentReference;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureNode;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureTreeRoot;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.verapdf.pdfa.flavours.PDFAFlavour;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail as a person (and a screen reader) meets it: words, masked contacts, grouped digests, tags. */
class AuditTrailAccessibilityTest {

    private static final Instant T0 = Instant.parse("2025-06-02T08:00:00.000Z");
    private static final String ALICE_PHONE_STORED = SignerEvidence.maskPhone("+33612345678");
    private static final String BOB_EMAIL = "bob.nguyen@example.com";
    private static final String INPUT_SHA = "0123456789abcdef".repeat(4);

    private static Evidence evidence;
    private static byte[] pdf;
    private static String text;

    @BeforeAll
    static void render() throws Exception {
        evidence = Evidence.builder()
                .envelope(Envelope.of("6a1d9c0e-2b4f-4c11-8d7a-1f2e3d4c5b6a", "Service agreement", EnvelopeMode.SANDBOX,
                        Party.of("Demo Sender", "sender@example.com"), T0).completedAt(T0.plusSeconds(600)))
                .document(new DocumentEvidence("contract.pdf", 2, 13_000, "ab".repeat(32), Optional.empty(), Optional.of("cd".repeat(32))))
                .signer(new SignerEvidence("alice", "Alice Martin", "alice.martin@example.com", Optional.of(ALICE_PHONE_STORED),
                        SignatureLevel.AES, List.of(AuthenticationRecord.success(AuthenticationMethod.SMS_OTP, T0.plusSeconds(60))),
                        Optional.empty()))
                .signer(new SignerEvidence("bob", "Bob Nguyen", BOB_EMAIL, Optional.empty(), SignatureLevel.AES,
                        List.of(AuthenticationRecord.success(AuthenticationMethod.EMAIL_OTP, T0.plusSeconds(300))), Optional.empty()))
                .event(EventType.CREATED, "sender@example.com", T0, "203.0.113.5", "UA", Map.of("documents", "1"))
                .event(EventType.SENT, "system", T0.plusSeconds(1), null, null, Map.of("channel", "email"))
                .event(EventType.VIEWED, "alice", T0.plusSeconds(30), "198.51.100.7", "UA", Map.of())
                .event(EventType.OTP_SENT, "system", T0.plusSeconds(40), null, null, Map.of("channel", "sms", "to", ALICE_PHONE_STORED))
                .event(EventType.OTP_VERIFIED, "alice", T0.plusSeconds(60), "198.51.100.7", "UA", Map.of("otp_attempts", "1"))
                .event(EventType.SIGNED, "alice", T0.plusSeconds(70), "198.51.100.7", "UA",
                        Map.of("level", "AES", "profile", "B-LT", "input_sha256", INPUT_SHA))
                .event(EventType.OTP_SENT, "system", T0.plusSeconds(200), null, null, Map.of("channel", "email", "to", BOB_EMAIL))
                .event(EventType.of("csc.authorized"), "bob", T0.plusSeconds(300), "192.0.2.9", "UA", Map.of())
                .event(EventType.of("reminder_sent"), "system", T0.plusSeconds(310), null, null, Map.of())
                .event(EventType.SIGNED, "bob", T0.plusSeconds(320), "192.0.2.9", "UA", Map.of())
                .event(EventType.COMPLETED, "system", T0.plusSeconds(600), null, null, Map.of())
                .build();
        pdf = AuditTrail.builder().build().render(evidence);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(doc);
        }
    }

    private static String flat(String s) {
        return s.replace('\u00a0', ' ').replaceAll("\\s+", " ");
    }

    private static String eventLog() {
        String all = flat(text);
        int from = all.indexOf("Event log (");
        int to = all.indexOf("Hash chain", from);
        assertTrue(from >= 0 && to > from, "event log section found");
        return all.substring(from, to);
    }

    @Test
    void eventsAreLabelledInWords() {
        String log = eventLog();
        for (String label : List.of("Envelope created", "Sent for signature", "Document viewed", "OTP sent to +33 \u2022\u2022 \u2022\u2022 \u2022\u2022 78",
                "OTP verified", "Signed (AES, PAdES B-LT)", "OTP sent to b\u2022\u2022\u2022n@example.com", "CSC authorized", "Reminder sent",
                "Signed (AES)", "Envelope completed", "OTP attempts: 1")) {
            assertTrue(log.contains(label), "label '" + label + "' in: " + log);
        }
        for (String raw : List.of("otp_sent", "otp_verified", "csc.authorized", "reminder_sent", "otp_attempts")) {
            assertFalse(log.contains(raw), "raw name " + raw + " printed");
        }
        assertFalse(log.contains(ALICE_PHONE_STORED), "stored mask printed raw");
        assertFalse(log.contains(BOB_EMAIL), "OTP e-mail destination printed unmasked");
    }

    @Test
    void unknownTypesFallBackToWords() {
        assertEquals("OTP failed", HumanText.words("otp_failed"));
        assertEquals("CSC authorized", HumanText.words("csc.authorized"));
        assertEquals("Reminder sent", HumanText.words("reminder_sent"));
        assertEquals("E-mail bounced", HumanText.words("email-bounced"));
        assertEquals("Signer SHA-256 checked", HumanText.words("signer_sha256_checked"));
    }

    @Test
    void phonesAndEmailsAreMaskedForDisplayOnly() throws Exception {
        assertEquals("+33\u00a0\u2022\u2022\u00a0\u2022\u2022\u00a0\u2022\u2022\u00a078", HumanText.phone("+33******78"));
        assertEquals(HumanText.phone("+33******78"), HumanText.phone("+33 6 12 34 56 78"), "a full number is masked first");
        assertEquals("b\u2022\u2022\u2022n@example.com", HumanText.maskEmail(BOB_EMAIL));
        assertEquals("plain text", HumanText.maskForDisplay("note", "plain text"));
        assertEquals("12345678", HumanText.maskForDisplay("count", "12345678"), "a number under a non-phone key stays");
        assertEquals("2025-12-31", HumanText.maskForDisplay("valid_to", "2025-12-31"), "a date stays");
        assertEquals("2025-12-31", HumanText.maskForDisplay("to", "2025-12-31"), "a date stays, even under 'to'");
        assertEquals(HumanText.phone("+33******78"), HumanText.maskForDisplay("to", "+33 6 12 34 56 78"));
        assertEquals(HumanText.phone("06******78"), HumanText.maskForDisplay("mobile_number", "06 12 34 56 78"));
        // The signer section prints the stored mask readably.
        assertTrue(flat(text).contains("Phone (masked) +33 \u2022\u2022 \u2022\u2022 \u2022\u2022 78"), flat(text));
        // evidence.json, the machine-readable original, is embedded exactly as the evidence serialises it.
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            byte[] embedded = doc.getDocumentCatalog().getNames().getEmbeddedFiles().getNames().get(PdfaWriter.EVIDENCE_FILE)
                    .getEmbeddedFile().toByteArray();
            assertArrayEquals(evidence.toJson(), embedded);
            String json = new String(embedded, StandardCharsets.UTF_8);
            assertTrue(json.contains("\"" + ALICE_PHONE_STORED + "\"") && json.contains("\"" + BOB_EMAIL + "\"")
                    && json.contains("\"otp_sent\""), "evidence keeps its own values");
            assertEquals(evidence.chainHead(), Evidence.fromJson(embedded).chainHead());
        }
    }

    /** One line of extracted text with the fonts its glyphs were drawn with. */
    private record Line(String text, Set<String> fonts) {
    }

    private static List<Line> lines() throws IOException {
        List<Line> lines = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void writeString(String string, List<TextPosition> positions) throws IOException {
                Set<String> fonts = new TreeSet<>();
                for (TextPosition p : positions) {
                    if (!p.getUnicode().isBlank()) {
                        fonts.add(p.getFont().getName());
                    }
                }
                lines.add(new Line(string, fonts));
                super.writeString(string, positions);
            }
        };
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            stripper.getText(doc);
        }
        return lines;
    }

    @Test
    void digestsArePrintedInMonospaceGroupsAndNeverSplitInsideAGroup() throws Exception {
        List<Line> lines = lines();
        String all = flat(text);
        List<String> digests = List.of(evidence.chainHead(), "ab".repeat(32), "cd".repeat(32), INPUT_SHA, HashChain.GENESIS_HEX);
        for (String digest : digests) {
            assertTrue(all.contains(HumanText.grouped(digest)), "grouped " + digest);
            assertFalse(all.contains(digest.substring(0, 8)), "ungrouped run of " + digest);
            List<String> groups = HumanText.groups(digest);
            int seen = 0;
            for (Line line : lines) {
                String t = line.text().strip();
                if (t.matches("([0-9a-f]{4} )*[0-9a-f]{4}") && HumanText.grouped(digest).contains(t)) {
                    seen += t.split(" ").length;
                    assertTrue(line.fonts().stream().allMatch(f -> f.contains("DejaVuSansMono")), t + " in " + line.fonts());
                }
            }
            assertTrue(seen >= groups.size(), "all groups of " + digest + " on lines of whole groups (" + seen + ")");
        }
        // Footer: the chain head on one line, grouped, in the monospace font.
        String footerHead = HumanText.grouped(evidence.chainHead());
        assertTrue(lines.stream().anyMatch(l -> l.text().contains(footerHead)
                && l.fonts().stream().anyMatch(f -> f.contains("DejaVuSansMono"))), "footer head");
        // Balanced layout: in the wide value column a SHA-256 takes two lines of eight groups.
        assertEquals(List.of(String.join(" ", HumanText.groups(INPUT_SHA).subList(0, 8)),
                String.join(" ", HumanText.groups(INPUT_SHA).subList(8, 16))), PageLayout.digestLines(INPUT_SHA, 8.5f, 375).stream().map(String::strip).toList());
    }

    @Test
    void theStructureTreeHasHeadingsParagraphsAndTables() throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDDocumentCatalog catalog = doc.getDocumentCatalog();
            assertTrue(catalog.getMarkInfo() != null && catalog.getMarkInfo().isMarked(), "MarkInfo /Marked true");
            assertEquals("en", catalog.getLanguage());
            assertTrue(catalog.getViewerPreferences().displayDocTitle(), "DisplayDocTitle");
            PDStructureTreeRoot root = catalog.getStructureTreeRoot();
            assertNotNull(root, "StructTreeRoot");
            List<Object> rootKids = root.getKids();
            assertEquals(1, rootKids.size());
            PDStructureElement document = (PDStructureElement) rootKids.get(0);
            assertEquals("Document", document.getStructureType());
            List<String> types = new ArrayList<>();
            for (Object k : document.getKids()) {
                types.add(((PDStructureElement) k).getStructureType());
            }
            assertEquals("H1", types.get(0));
            assertEquals(1, types.stream().filter("H1"::equals).count());
            List<String> h2 = new ArrayList<>();
            for (Object k : document.getKids()) {
                PDStructureElement e = (PDStructureElement) k;
                if (e.getStructureType().equals("H2")) {
                    h2.add(textOf(doc, e));
                }
            }
            assertEquals(List.of("Documents", "Signers", "Event log (11 events, UTC)", "Hash chain"), h2);
            assertTrue(types.contains("P") && types.contains("H3") && types.contains("Table"), types.toString());
            assertTrue(types.stream().allMatch(Set.of("H1", "H2", "H3", "P", "Table")::contains), types.toString());
            // Tables: rows of TH/TD; the event table's first row heads its columns, then one row per event.
            int tables = 0;
            for (Object k : document.getKids()) {
                PDStructureElement table = (PDStructureElement) k;
                if (!table.getStructureType().equals("Table")) {
                    continue;
                }
                tables++;
                for (Object r : table.getKids()) {
                    PDStructureElement row = (PDStructureElement) r;
                    assertEquals("TR", row.getStructureType());
                    for (Object c : row.getKids()) {
                        assertTrue(Set.of("TH", "TD").contains(((PDStructureElement) c).getStructureType()));
                    }
                }
                PDStructureElement first = (PDStructureElement) table.getKids().get(0);
                if (textOf(doc, (PDStructureElement) first.getKids().get(0)).equals("#")) {
                    assertEquals(evidence.events().size() + 1, table.getKids().size(), "header row + one row per event");
                    for (Object c : first.getKids()) {
                        assertEquals("TH", ((PDStructureElement) c).getStructureType());
                    }
                    PDStructureElement otpRow = (PDStructureElement) table.getKids().get(4);
                    assertEquals("OTP sent to +33 \u2022\u2022 \u2022\u2022 \u2022\u2022 78",
                            flat(textOf(doc, (PDStructureElement) otpRow.getKids().get(2))).strip());
                }
            }
            assertTrue(tables >= 5, "tables: " + tables);
        }
    }

    /** The text of the marked-content sequences an element (and its descendants) refers to, in order. */
    private static String textOf(PDDocument doc, PDStructureElement element) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Object k : element.getKids()) {
            if (k instanceof PDMarkedContentReference mcr) {
                b.append(McText.of(doc, mcr.getPage()).get(mcr.getMCID()));
            } else if (k instanceof Integer mcid) {
                b.append(McText.of(doc, element.getPage()).get(mcid));
            } else if (k instanceof PDStructureElement e) {
                b.append(textOf(doc, e));
            }
        }
        return b.toString();
    }

    /** Text shown per MCID on a page (the Tj strings of the sequence, decoded by the font of the page). */
    private static final class McText {
        private static final Map<PDPage, Map<Integer, String>> CACHE = new HashMap<>();

        static Map<Integer, String> of(PDDocument doc, PDPage page) throws IOException {
            Map<Integer, String> cached = CACHE.get(page);
            if (cached != null) {
                return cached;
            }
            Map<Integer, StringBuilder> texts = new LinkedHashMap<>();
            org.apache.pdfbox.text.PDFMarkedContentExtractor extractor = new org.apache.pdfbox.text.PDFMarkedContentExtractor();
            extractor.processPage(page);
            for (org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDMarkedContent mc : extractor.getMarkedContents()) {
                collect(mc, texts);
            }
            Map<Integer, String> result = new HashMap<>();
            texts.forEach((k, v) -> result.put(k, v.toString()));
            CACHE.put(page, result);
            return result;
        }

        private static void collect(org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDMarkedContent mc,
                                    Map<Integer, StringBuilder> texts) {
            Integer mcid = mc.getMCID() >= 0 ? mc.getMCID() : null;
            for (Object o : mc.getContents()) {
                if (o instanceof TextPosition tp && mcid != null) {
                    texts.computeIfAbsent(mcid, x -> new StringBuilder()).append(tp.getUnicode());
                } else if (o instanceof org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDMarkedContent inner) {
                    collect(inner, texts);
                }
            }
        }
    }

    @Test
    void everyPaintingOperatorIsInsideMarkedContentAndEveryMcidHasItsElement() throws Exception {
        checkMarkedContent(pdf);
        // Many pages, table rows and cells continued across page breaks, repeated header rows.
        checkMarkedContent(AuditTrail.builder().build().render(SampleEvidence.build(EnvelopeMode.PRODUCTION, 320)));
    }

    private static void checkMarkedContent(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDStructureTreeRoot root = doc.getDocumentCatalog().getStructureTreeRoot();
            Map<String, Integer> seenMcrs = new HashMap<>();
            collectMcrs(root, doc, seenMcrs);
            int pageIndex = 0;
            int textShows = 0;
            int artifacts = 0;
            for (PDPage page : doc.getPages()) {
                pageIndex++;
                PDFStreamParser parser = new PDFStreamParser(page);
                List<Object> tokens = parser.parse();
                Deque<String> open = new ArrayDeque<>();
                Set<Integer> mcids = new HashSet<>();
                List<COSBase> operands = new ArrayList<>();
                COSArray parents = (COSArray) resolve(((org.apache.pdfbox.pdmodel.common.COSObjectable) root.getParentTree()
                        .getValue(page.getStructParents())).getCOSObject());
                for (Object token : tokens) {
                    if (!(token instanceof Operator op)) {
                        operands.add((COSBase) token);
                        continue;
                    }
                    switch (op.getName()) {
                        case "BMC" -> {
                            String tag = ((COSName) operands.get(0)).getName();
                            assertEquals("Artifact", tag, "BMC only for artifacts");
                            open.push(tag);
                            artifacts++;
                        }
                        case "BDC" -> {
                            String tag = ((COSName) operands.get(0)).getName();
                            COSDictionary props = (COSDictionary) operands.get(1);
                            int mcid = props.getInt(COSName.MCID);
                            assertTrue(mcid >= 0, "BDC " + tag + " has an MCID");
                            assertTrue(mcids.add(mcid), "MCID " + mcid + " unique on page " + pageIndex);
                            assertTrue(open.isEmpty(), "no nested tagged content");
                            COSDictionary parent = (COSDictionary) resolve(parents.get(mcid));
                            assertEquals(tag, parent.getNameAsString(COSName.S), "parent tree entry of MCID " + mcid);
                            assertTrue(seenMcrs.containsKey(pageIndex + ":" + mcid),
                                    "MCID " + mcid + " on page " + pageIndex + " is referenced from the structure tree");
                            open.push(tag);
                        }
                        case "EMC" -> {
                            assertFalse(open.isEmpty(), "EMC without BMC/BDC");
                            open.pop();
                        }
                        case "Tj", "TJ", "'", "\"" -> {
                            assertFalse(open.isEmpty(), "text outside marked content on page " + pageIndex);
                            textShows++;
                        }
                        case "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh" ->
                                assertFalse(open.isEmpty(), "painting outside marked content on page " + pageIndex + ": " + op.getName());
                        default -> {
                        }
                    }
                    operands.clear();
                }
                assertTrue(open.isEmpty(), "balanced marked content on page " + pageIndex);
                assertEquals(parents.size(), mcids.size(), "parent tree size = MCIDs on page " + pageIndex);
            }
            assertTrue(textShows > 100 && artifacts > 10, textShows + " text shows, " + artifacts + " artifacts");
            assertEquals(seenMcrs.size(), seenMcrs.values().stream().filter(v -> v == 1).count(), "each MCID referenced once");
        }
    }

    private static COSBase resolve(COSBase b) {
        return b instanceof COSObject o ? o.getObject() : b;
    }

    private static void collectMcrs(PDStructureNode node, PDDocument doc, Map<String, Integer> seen) {
        for (Object k : node.getKids()) {
            if (k instanceof PDStructureElement e) {
                collectMcrs(e, doc, seen);
            } else if (k instanceof PDMarkedContentReference mcr) {
                int page = doc.getPages().indexOf(mcr.getPage()) + 1;
                assertNotEquals(0, page, "MCR page is a page of the document");
                seen.merge(page + ":" + mcr.getMCID(), 1, Integer::sum);
            } else if (k instanceof Integer mcid) {
                PDStructureElement element = (PDStructureElement) node;
                assertNotNull(element.getPage(), "an element with MCID kids has /Pg");
                int page = doc.getPages().indexOf(element.getPage()) + 1;
                assertNotEquals(0, page, "/Pg is a page of the document");
                seen.merge(page + ":" + mcid, 1, Integer::sum);
            }
        }
    }

    @Test
    void veraPdfPassesTheClaimedFlavourAndNeedsTheTagsForIt() throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String xmp = new String(doc.getDocumentCatalog().getMetadata().toByteArray(), StandardCharsets.UTF_8);
            assertTrue(xmp.contains("<pdfaid:part>3</pdfaid:part>") && xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"), xmp);
        }
        assertEquals(PDFAFlavour.PDFA_3_A, Pdfa.CLAIMED);
        assertEquals(List.of(), Pdfa.failedRules(pdf, PDFAFlavour.PDFA_3_A), "veraPDF PDF/A-3a failures");
        // Negative control: without its structure tree and mark info the same file is not 3a (it stays 3b).
        byte[] untagged;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            doc.getDocumentCatalog().getCOSObject().removeItem(COSName.STRUCT_TREE_ROOT);
            doc.getDocumentCatalog().getCOSObject().removeItem(COSName.MARK_INFO);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            untagged = out.toByteArray();
        }
        assertFalse(Pdfa.failedRules(untagged, PDFAFlavour.PDFA_3_A).isEmpty(), "3a needs the tags");
        assertEquals(List.of(), Pdfa.failedRules(untagged, PDFAFlavour.PDFA_3_B), "still 3b");
    }
}
