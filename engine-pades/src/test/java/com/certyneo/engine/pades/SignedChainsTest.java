package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The next signer of exactly an output of the engine loads it from what the output's self-check read
 * ({@link SignedChains}): the same revision as an engine that parses it whole, a valid signature, and a document
 * that differs in one byte is parsed (and checked) whole.
 */
class SignedChainsTest {

    private static final Pattern BYTE_RANGE = Pattern.compile("/ByteRange\\s*\\[([0-9 ]+)\\]");

    private static PadesSignatureEngine engine(ProductionFixture fixture) {
        return PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root())
                .revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root())).build();
    }

    private static byte[] sign(PadesSignatureEngine engine, byte[] pdf, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Ops", "ops@example.com")).level(SignatureLevel.SES).profile(profile).build());
        return out.toByteArray();
    }

    private static List<String> byteRanges(byte[] pdf) {
        Matcher m = BYTE_RANGE.matcher(new String(pdf, StandardCharsets.ISO_8859_1));
        List<String> all = new ArrayList<>();
        while (m.find()) {
            all.add(m.group(1).trim().replaceAll(" +", " "));
        }
        return all;
    }

    private static void assertValid(byte[] pdf, ProductionFixture fixture, PadesProfile profile, int signatures) {
        ValidationReport report = PadesSignatureEngine.builder().build().validate(DocumentSource.of(pdf, "out.pdf"),
                ValidationOptions.trusting(List.of(fixture.root())));
        assertTrue(report.allPassed(), report.toString());
        var signed = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(signatures, signed.size(), report.toString());
        signed.forEach(s -> {
            assertEquals(Indication.TOTAL_PASSED, s.indication(), report.toString());
            assertEquals(profile, s.profile().orElseThrow(), report.toString());
        });
    }

    @ParameterizedTest
    @EnumSource(value = PadesProfile.class, names = {"B_LT", "B_LTA"})
    void theNextSignerOfAnOutputLoadsItFromItsSelfCheck(PadesProfile profile) throws Exception {
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine memo = engine(fixture);
        PadesSignatureEngine fresh = engine(fixture);
        sign(fresh, SamplePdfs.minimal(), profile); // its time-stamp room learned, as the other engine's will be
        byte[] first = sign(memo, SamplePdfs.multiPage(2), profile);
        assertEquals(0, memo.signedChains().found());

        byte[] second = sign(memo, first, profile);
        assertEquals(1, memo.signedChains().found(), "the first output was found by its SHA-256");
        byte[] third = sign(memo, second, profile);
        assertEquals(2, memo.signedChains().found(), "and so was the second");
        byte[] parsedWhole = sign(fresh, second, profile);
        assertEquals(0, fresh.signedChains().found(), "another engine parses it whole");
        // the same revisions: what comes before the new signature's /Contents offset for offset (the time-stamp room
        // each engine learned differs by the few bytes its tokens' signatures vary), the same objects
        List<String> ours = byteRanges(third);
        List<String> theirs = byteRanges(parsedWhole);
        assertEquals(theirs.size(), ours.size());
        int firstNew = byteRanges(second).size();
        assertEquals(theirs.subList(0, firstNew), ours.subList(0, firstNew));
        assertEquals(theirs.get(firstNew).split(" ")[1], ours.get(firstNew).split(" ")[1]);
        try (var a = org.apache.pdfbox.Loader.loadPDF(third); var b = org.apache.pdfbox.Loader.loadPDF(parsedWhole)) {
            assertEquals(new java.util.TreeSet<>(b.getDocument().getXrefTable().keySet()),
                    new java.util.TreeSet<>(a.getDocument().getXrefTable().keySet()));
            assertEquals(b.getSignatureFields().stream().map(f -> f.getFullyQualifiedName()).toList(),
                    a.getSignatureFields().stream().map(f -> f.getFullyQualifiedName()).toList());
        }
        assertValid(third, fixture, profile, 3);

        // one byte changed, where no signature covers it (a hex digit of the last /Contents in lower case: the same
        // signature, another file): not that output, parsed and checked whole
        byte[] changed = second.clone();
        String text = new String(changed, StandardCharsets.ISO_8859_1);
        int digit = text.lastIndexOf("/Contents <") + "/Contents <".length();
        while (!Character.isUpperCase(text.charAt(digit))) {
            digit++;
        }
        changed[digit] = (byte) Character.toLowerCase(text.charAt(digit));
        long before = memo.signedChains().found();
        byte[] other = sign(memo, changed, profile);
        assertEquals(before, memo.signedChains().found(), "a different SHA-256: nothing found");
        assertValid(other, fixture, profile, 3);
    }

    @Test
    void theSignatureDictionariesKeptForAnOutputAreWhatParsingItAgainReads() throws Exception {
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine memo = engine(fixture);
        // a certification (a /Reference), a signature, a field lock (another /Reference), each with a document
        // time-stamp (B-LTA): every kind of signature dictionary an earlier signer leaves
        byte[] pdf = SamplePdfs.minimal();
        for (int i = 0; i < 3; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf"))
                    .output(DocumentTarget.of(out)).signer(Signer.of("Ops", "ops@example.com"))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_LTA);
            if (i == 0) {
                request.certify(com.certyneo.engine.CertificationLevel.FORM_FILL);
            } else if (i == 2) {
                request.lockFields(com.certyneo.engine.FieldLock.include("Other"));
            }
            memo.sign(request.build());
            pdf = out.toByteArray();
        }
        byte[] last = pdf;
        IntactChainParser.Prefix known = memo.signedChains().get(Digests.sha256Hex(last), last.length);
        List<SigningPipeline.EarlierSignature> kept;
        List<SigningPipeline.EarlierSignature.Facts> inMemo = new ArrayList<>();
        List<SigningPipeline.EarlierSignature> parsed;
        try (var document = IntactChainParser.load(() -> new ArrayRead(last), "", known)) {
            kept = SigningPipeline.EarlierSignature.of(document, last);
            for (SigningPipeline.EarlierSignature e : kept) {
                inMemo.add(IntactChainParser.signatureRead(document, e.facts().value()));
            }
        }
        try (var document = IntactChainParser.load(() -> new ArrayRead(last), "")) {
            parsed = SigningPipeline.EarlierSignature.of(document, last);
        }
        assertEquals(6, parsed.size(), "three signatures and three document time-stamps");
        assertEquals(parsed.size(), kept.size());
        for (int i = 0; i < parsed.size(); i++) {
            SigningPipeline.EarlierSignature a = kept.get(i);
            SigningPipeline.EarlierSignature b = parsed.get(i);
            assertTrue(inMemo.get(i) != null && a.facts() == inMemo.get(i),
                    "signature " + i + ": taken from the memo, not parsed again");
            assertEquals(b.facts(), a.facts(), "signature " + i);
            assertEquals(b.type(), a.type());
            assertEquals(b.references(), a.references());
            assertEquals(b.byteRangeWellFormed(), a.byteRangeWellFormed());
            assertEquals(((PdfSyntax.Hex) b.contents()).offset(), ((PdfSyntax.Hex) a.contents()).offset());
            assertTrue(java.util.Arrays.equals(((PdfSyntax.Hex) b.contents()).decode(), ((PdfSyntax.Hex) a.contents()).decode()));
        }
        assertEquals(2, parsed.stream().filter(SigningPipeline.EarlierSignature::references).count(),
                "the certification and the lock");
        assertEquals(3, parsed.stream().filter(e -> "DocTimeStamp".equals(e.type())).count());

        // the next signer of that output signs a document whose locks and certification still hold
        assertValid(sign(memo, last, PadesProfile.B_LTA), fixture, PadesProfile.B_LTA, 4);
    }

    @Test
    void theChainsUsedLeastRecentlyAreForgottenFirst() throws Exception {
        byte[] pdf = SamplePdfs.minimal();
        IntactChainParser.Prefix chain;
        try (org.apache.pdfbox.pdmodel.PDDocument document = IntactChainParser.load(() -> new ArrayRead(pdf), "")) {
            chain = IntactChainParser.prefix(document);
        }
        SignedChains memo = new SignedChains();
        for (int i = 0; i < SignedChains.ENTRIES; i++) {
            memo.put("output-" + i, chain);
        }
        assertSame(chain, memo.get("output-0", chain.length())); // the oldest, found: used most recently now
        memo.put("next", chain); // one too many: an eighth of the memo, the chains used least recently, goes
        int kept = SignedChains.ENTRIES - SignedChains.ENTRIES / 8;
        for (int i = 1; i <= SignedChains.ENTRIES - kept + 1; i++) {
            assertNull(memo.get("output-" + i, chain.length()), "used least recently, forgotten: output-" + i);
        }
        assertSame(chain, memo.get("output-0", chain.length()));
        assertSame(chain, memo.get("next", chain.length()));
        for (int i = SignedChains.ENTRIES - kept + 2; i < SignedChains.ENTRIES; i++) {
            assertSame(chain, memo.get("output-" + i, chain.length()), "output-" + i);
        }
        assertNull(memo.get("next", chain.length() + 1), "another length: not that output");
    }
}
