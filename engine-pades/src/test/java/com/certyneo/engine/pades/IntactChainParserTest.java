package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.CrossReferenceCheckTest.Pdf;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static com.certyneo.engine.pades.CrossReferenceCheckTest.latin1;
import static com.certyneo.engine.pades.CrossReferenceCheckTest.latin1Bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IntactChainParser}: the cross-reference chain read as written (no lenient repair), everything else as
 * PDFBox's default lenient load has it; the lenient load whenever the strict reading fails.
 */
class IntactChainParserTest {

    /** A source that counts how often it is opened (once: the chain was read as written; twice: the fallback). */
    private static final class Counting implements IntactChainParser.Source {
        final byte[] pdf;
        final AtomicInteger opens = new AtomicInteger();

        Counting(byte[] pdf) {
            this.pdf = pdf;
        }

        @Override
        public RandomAccessRead open() {
            opens.incrementAndGet();
            return new ArrayRead(pdf);
        }
    }

    @Test
    void intactDocumentsLoadAsTheLenientLoadHasThem() throws Exception {
        List<byte[]> documents = new ArrayList<>();
        documents.add(SamplePdfs.minimal());
        documents.add(SamplePdfs.multiPage(10));
        documents.add(CrossReferenceCheckTest.classic(" \n"));
        documents.add(CrossReferenceCheckTest.classic("\r\n"));
        byte[] signedTwice = signedTwice(SamplePdfs.multiPage(3)); // xref streams and incremental sections
        documents.add(signedTwice);
        for (byte[] pdf : documents) {
            assertTrue(CrossReferenceCheck.inspect(pdf).damage().isEmpty(), "a fixture with an intact chain");
            Counting source = new Counting(pdf);
            try (PDDocument strict = IntactChainParser.load(source, "");
                 PDDocument lenient = Loader.loadPDF(pdf)) {
                assertEquals(1, source.opens.get(), "read as written, without the lenient fallback");
                assertEquals(new TreeMap<>(lenient.getDocument().getXrefTable()), new TreeMap<>(strict.getDocument().getXrefTable()));
                assertEquals(lenient.getDocument().getTrailer().keySet(), strict.getDocument().getTrailer().keySet());
                assertEquals(lenient.getDocument().getStartXref(), strict.getDocument().getStartXref());
                assertEquals(lenient.getDocument().isXRefStream(), strict.getDocument().isXRefStream());
                assertEquals(lenient.getNumberOfPages(), strict.getNumberOfPages());
                assertEquals(lenient.getDocumentCatalog().getCOSObject().keySet(), strict.getDocumentCatalog().getCOSObject().keySet());
                assertEquals(lenient.getSignatureDictionaries().size(), strict.getSignatureDictionaries().size());
            }
        }
        try (PDDocument signed = Loader.loadPDF(signedTwice)) {
            assertEquals(2, signed.getSignatureDictionaries().size());
        }
    }

    /**
     * Compressed objects (in object streams, which this parser reads with PDFBox's object stream parser but its own
     * key cache) are PDFBox's objects: every object of the table resolves to what the lenient load resolves it to,
     * asked for from the first to the last and from the last to the first (the objects of a stream parsed whole
     * wait for their turn), in documents of one large and of many small object streams, signed over, and with one
     * object stream whose data cannot be inflated (its objects are null in both loads).
     */
    @Test
    void compressedObjectsAreThoseOfTheLenientLoad() throws Exception {
        byte[] manyStreams;
        try (PDDocument document = Loader.loadPDF(SamplePdfs.multiPage(60))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out, new org.apache.pdfbox.pdfwriter.compress.CompressParameters(7)); // 7 objects per stream
            manyStreams = out.toByteArray();
        }
        byte[] oneStream = SamplePdfs.multiPage(40);
        byte[] broken = manyStreams.clone();
        String text = latin1(broken);
        int objectStream = text.lastIndexOf("/ObjStm"); // the last: not the one with the catalog and the page tree
        int data = text.indexOf("stream", text.indexOf(">>", objectStream)) + "stream\r\n".length();
        for (int i = data + 4; i < data + 12; i++) {
            broken[i] = (byte) 0xAB; // inside the deflated data: inflating the stream fails
        }
        for (byte[] pdf : List.of(oneStream, manyStreams, signedTwice(manyStreams), broken)) {
            assertTrue(CrossReferenceCheck.inspect(pdf).damage().isEmpty(), "a fixture with an intact chain");
            for (boolean reversed : new boolean[] {false, true}) {
                try (PDDocument loaded = IntactChainParser.load(new Counting(pdf), "");
                     PDDocument lenient = Loader.loadPDF(pdf)) {
                    List<COSObjectKey> keys = new ArrayList<>(new TreeMap<>(lenient.getDocument().getXrefTable()).keySet());
                    if (reversed) {
                        java.util.Collections.reverse(keys);
                    }
                    int compressed = 0;
                    int nulls = 0;
                    for (COSObjectKey key : keys) {
                        Long offset = lenient.getDocument().getXrefTable().get(key);
                        compressed += offset != null && offset < 0 ? 1 : 0;
                        org.apache.pdfbox.cos.COSBase expected = lenient.getDocument().getObjectFromPool(key).getObject();
                        org.apache.pdfbox.cos.COSBase actual = loaded.getDocument().getObjectFromPool(key).getObject();
                        nulls += expected == null ? 1 : 0;
                        assertEquals(canonical(expected), canonical(actual), key + (reversed ? ", last to first" : ""));
                    }
                    assertTrue(compressed >= 30, "compressed objects: " + compressed);
                    assertEquals(pdf == broken, nulls > 0, "objects of an unreadable object stream are null: " + nulls);
                }
            }
        }
    }

    /**
     * Every test vector with an intact chain (linearized, hybrid, incrementally updated, encrypted with the empty user
     * password, ...) loads as the lenient load has it, and those three shapes are read as written.
     */
    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void everyIntactVectorLoadsAsTheLenientLoadHasIt(PdfVector vector) throws Exception {
        byte[] pdf = vector.bytes();
        if (CrossReferenceCheck.inspect(pdf).damage().isPresent()) {
            return; // the engine refuses it before any load
        }
        Counting source = new Counting(pdf);
        try {
            Loader.loadPDF(pdf).close();
        } catch (InvalidPasswordException needsAUserPassword) {
            assertThrows(InvalidPasswordException.class, () -> IntactChainParser.load(source, ""));
            assertEquals(1, source.opens.get());
            return;
        }
        try (PDDocument loaded = IntactChainParser.load(source, ""); PDDocument lenient = Loader.loadPDF(pdf)) {
            assertEquals(new TreeMap<>(lenient.getDocument().getXrefTable()), new TreeMap<>(loaded.getDocument().getXrefTable()));
            assertEquals(lenient.getDocument().getTrailer().keySet(), loaded.getDocument().getTrailer().keySet());
            assertEquals(lenient.isEncrypted(), loaded.isEncrypted());
            assertEquals(lenient.getNumberOfPages(), loaded.getNumberOfPages());
            if (vector == PdfVector.LINEARIZED || vector == PdfVector.HYBRID_XREF || vector == PdfVector.INCREMENTALLY_UPDATED) {
                assertEquals(1, source.opens.get(), vector + " is read as written");
            }
        }
    }

    /** Signs with a production engine that gives every profile (in-process TSA, offline OCSP). */
    private static final class Signing {
        private static final ProductionFixture FIXTURE = ProductionFixture.create();
        private static final PadesSignatureEngine ENGINE = PadesSignatureEngine.builder().sealKey(FIXTURE.sealKey())
                .timestampSource(FIXTURE.tsa()).trustAnchor(FIXTURE.root())
                .revocationSource(OfflineRevocation.signedBy(FIXTURE.rootKey(), FIXTURE.root())).build();

        static byte[] sign(byte[] pdf, PadesProfile profile) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ENGINE.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                    .signer(Signer.of("Ops", "ops@example.com")).level(SignatureLevel.SES).profile(profile).build());
            return out.toByteArray();
        }
    }

    /** A trailer value as text, its references by object key (comparable across loads). */
    private static String canonical(org.apache.pdfbox.cos.COSBase value) {
        if (value instanceof org.apache.pdfbox.cos.COSObject reference) {
            return "R" + reference.getKey();
        }
        if (value instanceof COSDictionary dictionary) {
            StringBuilder text = new StringBuilder("{");
            new TreeMap<>(dictionary.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> e.getKey().getName(), e -> canonical(e.getValue())))).forEach((k, v) -> text.append(k).append('=').append(v).append(' '));
            return text.append('}').toString();
        }
        if (value instanceof org.apache.pdfbox.cos.COSArray array) {
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < array.size(); i++) {
                text.append(canonical(array.get(i))).append(' ');
            }
            return text.append(']').toString();
        }
        if (value instanceof org.apache.pdfbox.cos.COSString string) {
            return "<" + string.toHexString() + ">";
        }
        return String.valueOf(value);
    }

    /** @return the top-level indirect signature fields without /Kids or /Parent whose /V is indirect: key to /V key */
    private static Map<COSObjectKey, COSObjectKey> signedFields(PDDocument document) {
        Map<COSObjectKey, COSObjectKey> signed = new java.util.HashMap<>();
        COSDictionary root = document.getDocument().getTrailer().getCOSDictionary(COSName.ROOT);
        if (root.getDictionaryObject(COSName.ACRO_FORM) instanceof COSDictionary form
                && form.getDictionaryObject(COSName.FIELDS) instanceof org.apache.pdfbox.cos.COSArray fields) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i) instanceof org.apache.pdfbox.cos.COSObject reference
                        && fields.getObject(i) instanceof COSDictionary field && COSName.SIG.equals(field.getCOSName(COSName.FT))
                        && !field.containsKey(COSName.KIDS) && !field.containsKey(COSName.PARENT)
                        && field.getItem(COSName.V) instanceof org.apache.pdfbox.cos.COSObject value) {
                    signed.put(reference.getKey(), value.getKey());
                }
            }
        }
        return signed;
    }

    /** @return the key of the catalog's indirect {@code /Pages}, or null */
    private static COSObjectKey pagesKey(PDDocument document) {
        return document.getDocument().getTrailer().getCOSDictionary(COSName.ROOT).getItem(COSName.PAGES)
                instanceof org.apache.pdfbox.cos.COSObject reference ? reference.getKey() : null;
    }

    /** The whole chain read, and the chain read from the input's load and the sections after it, are one chain. */
    private static void assertReadAfterPrefixAsWhole(byte[] input, byte[] output) throws Exception {
        IntactChainParser.Prefix prefix;
        Map<COSObjectKey, Long> inputOffsets;
        COSObjectKey inputPages;
        Map<COSObjectKey, COSObjectKey> inputSigned;
        try (PDDocument loaded = IntactChainParser.load(() -> new ArrayRead(input), "")) {
            prefix = IntactChainParser.prefix(loaded);
            if (loaded.isEncrypted() || loaded.getDocument().hasHybridXRef()) {
                assertTrue(prefix == null, "encrypted and hybrid-reference documents are read whole");
                return;
            }
            inputOffsets = Map.copyOf(loaded.getDocument().getXrefTable());
            inputPages = pagesKey(loaded);
            inputSigned = signedFields(loaded);
        }
        assertTrue(prefix != null, "a strict, unencrypted load describes its chain");
        assertEquals(input.length, prefix.length());
        try (PDDocument whole = IntactChainParser.load(() -> new ArrayRead(output), "");
             PDDocument after = IntactChainParser.load(() -> new ArrayRead(output), "", prefix)) {
            assertTrue(IntactChainParser.readAfterPrefix(after), "only the appended sections were parsed");
            // the page tree root is parsed by the load unless it is the object, at the offset, the input's load checked
            COSObjectKey pages = pagesKey(after);
            Map<COSObjectKey, Long> offsets = whole.getDocument().getXrefTable();
            Long at = pages == null ? null : inputOffsets.get(pages);
            boolean unmoved = at != null && pages.equals(inputPages) && at.equals(offsets.get(pages))
                    && (at >= 0 || java.util.Objects.equals(inputOffsets.get(new COSObjectKey(-at, 0)),
                    offsets.get(new COSObjectKey(-at, 0))));
            assertEquals(!unmoved, pages == null || ((org.apache.pdfbox.cos.COSObject) after.getDocument().getTrailer()
                    .getCOSDictionary(COSName.ROOT).getItem(COSName.PAGES)).isDereferenced(), "page tree root parsed by the load");
            // the input's top-level signed fields the output leaves where they were are known with their value, no other
            for (COSObjectKey field : signedFields(whole).keySet()) {
                Long was = inputOffsets.get(field);
                boolean same = inputSigned.containsKey(field) && was != null && was.equals(offsets.get(field))
                        && (was >= 0 || java.util.Objects.equals(inputOffsets.get(new COSObjectKey(-was, 0)),
                        offsets.get(new COSObjectKey(-was, 0))));
                assertEquals(same ? inputSigned.get(field) : null, IntactChainParser.signedFieldValue(after, field),
                        "signed field " + field);
                assertEquals(null, IntactChainParser.signedFieldValue(whole, field), "a load read whole knows no field");
            }
            assertTrue(!IntactChainParser.readAfterPrefix(whole));
            assertEquals(new TreeMap<>(whole.getDocument().getXrefTable()), new TreeMap<>(after.getDocument().getXrefTable()));
            assertEquals(canonical(whole.getDocument().getTrailer()), canonical(after.getDocument().getTrailer()));
            assertEquals(whole.getDocument().getStartXref(), after.getDocument().getStartXref());
            assertEquals(whole.getDocument().isXRefStream(), after.getDocument().isXRefStream());
            assertEquals(whole.getDocument().getHighestXRefObjectNumber(), after.getDocument().getHighestXRefObjectNumber());
            assertEquals(whole.getNumberOfPages(), after.getNumberOfPages());
            assertEquals(whole.getSignatureDictionaries().size(), after.getSignatureDictionaries().size());
            assertEquals(canonical(whole.getDocumentCatalog().getCOSObject()), canonical(after.getDocumentCatalog().getCOSObject()));
        }
    }

    /**
     * Every intact, unencrypted test vector, signed at B-LTA (a signature, validation data and a document time-stamp
     * appended) and then once more: read from the signed document's load and the sections after it, the output's
     * chain is the one read whole (offsets, merged trailer, startxref, form, highest object number).
     */
    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void aChainReadAfterAKnownPrefixIsTheChainReadWhole(PdfVector vector) throws Exception {
        byte[] pdf = vector.bytes();
        if (CrossReferenceCheck.inspect(pdf).damage().isPresent()) {
            return; // the engine refuses it before any load
        }
        byte[] once;
        try {
            once = Signing.sign(pdf, PadesProfile.B_LTA);
        } catch (com.certyneo.engine.SignatureEngineException refused) {
            return; // encrypted, certified without changes, ...: nothing is appended to it
        }
        assertReadAfterPrefixAsWhole(pdf, once);
        assertReadAfterPrefixAsWhole(once, once); // the next signer of exactly this output (SignedChains)
        assertReadAfterPrefixAsWhole(once, Signing.sign(once, PadesProfile.B_T));
    }

    @Test
    void aFileThatIsNotThePrefixAndWhatTheWriterAppendsIsReadWhole() throws Exception {
        byte[] input = SamplePdfs.multiPage(2);
        byte[] signed = Signing.sign(input, PadesProfile.B_B);
        IntactChainParser.Prefix prefix;
        try (PDDocument loaded = IntactChainParser.load(() -> new ArrayRead(input), "")) {
            prefix = IntactChainParser.prefix(loaded);
        }
        byte[] trailing = java.util.Arrays.copyOf(signed, signed.length + 2);
        trailing[signed.length] = '%';
        trailing[signed.length + 1] = '\n';
        byte[] shorter = java.util.Arrays.copyOf(input, input.length - 1);
        for (byte[] other : List.of(trailing, shorter)) {
            try (PDDocument read = IntactChainParser.load(() -> new ArrayRead(other), "", prefix);
                 PDDocument whole = IntactChainParser.load(() -> new ArrayRead(other), "")) {
                assertTrue(!IntactChainParser.readAfterPrefix(read));
                assertEquals(new TreeMap<>(whole.getDocument().getXrefTable()), new TreeMap<>(read.getDocument().getXrefTable()));
            }
        }
        // the very document the prefix describes: read from it, nothing after it
        try (PDDocument read = IntactChainParser.load(() -> new ArrayRead(input), "", prefix);
             PDDocument whole = IntactChainParser.load(() -> new ArrayRead(input), "")) {
            assertTrue(IntactChainParser.readAfterPrefix(read));
            assertEquals(new TreeMap<>(whole.getDocument().getXrefTable()), new TreeMap<>(read.getDocument().getXrefTable()));
            assertEquals(canonical(whole.getDocument().getTrailer()), canonical(read.getDocument().getTrailer()));
            assertEquals(whole.getDocument().isXRefStream(), read.getDocument().isXRefStream());
            assertEquals(whole.getDocument().getStartXref(), read.getDocument().getStartXref());
        }
    }

    @Test
    void hexStringsReadABlockAtATimeAreWhatPdfBoxReads() throws Exception {
        String digits = "0123456789abcdefABCDEF";
        StringBuilder longDigits = new StringBuilder();
        for (int i = 0; longDigits.length() < 20_000; i++) {
            longDigits.append(digits.charAt(i % digits.length()));
        }
        List<String> strings = new ArrayList<>(List.of("<48656C6C6F>", "<4 8\t6\r5\n6\fC\b6C 6F>", "<ABC>", "<A>", "<>",
                "<4142\u000043>", "<41 42 X 43 44>", "<414 X 43>", "<41%>", "<ab CD ef>", "<41 >", "< 41>"));
        // a string ending just before, at and after the end of each block of the fast reader (the blocks it reads after
        // '<' double from FIRST_BLOCK bytes up to MAX_BLOCK)
        java.util.SortedSet<Integer> lengths = new java.util.TreeSet<>(List.of(20_000));
        for (int end = 0, size = IntactChainParser.FIRST_BLOCK; end < 20_000; size = Math.min(2 * size, IntactChainParser.MAX_BLOCK)) {
            end += size;
            for (int length = end - 2; length <= end + 1; length++) {
                lengths.add(Math.min(length, 20_000));
            }
        }
        for (int length : lengths) {
            strings.add("<" + longDigits.substring(0, length) + ">");
        }
        Pdf f = new Pdf();
        f.raw("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        f.obj(1, "<< /Type /Catalog /Pages 2 0 R /Strings 4 0 R /Last <4C617374> >>");
        f.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>");
        f.obj(4, "[" + String.join(" ", strings) + " /After]"); // what follows each string is read from where it ends
        byte[] pdf = f.finish(f.table(f.rows(0, 1, 2, 3, 4), "<< /Size 5 /Root 1 0 R /ID [<0102> <0304>] >>"));
        Counting source = new Counting(pdf);
        try (PDDocument fast = IntactChainParser.load(source, ""); PDDocument pdfBox = Loader.loadPDF(pdf)) {
            assertEquals(1, source.opens.get(), "read as written");
            org.apache.pdfbox.cos.COSArray ours = (org.apache.pdfbox.cos.COSArray) fast.getDocumentCatalog().getCOSObject()
                    .getDictionaryObject(COSName.getPDFName("Strings"));
            org.apache.pdfbox.cos.COSArray theirs = (org.apache.pdfbox.cos.COSArray) pdfBox.getDocumentCatalog().getCOSObject()
                    .getDictionaryObject(COSName.getPDFName("Strings"));
            assertEquals(strings.size() + 1, theirs.size());
            assertEquals(theirs.size(), ours.size());
            for (int i = 0; i < strings.size(); i++) {
                String what = strings.get(i).length() > 40 ? strings.get(i).length() - 2 + " digits" : strings.get(i);
                assertArrayEquals(((org.apache.pdfbox.cos.COSString) theirs.getObject(i)).getBytes(),
                        ((org.apache.pdfbox.cos.COSString) ours.getObject(i)).getBytes(), what);
            }
            assertArrayEquals(new byte[] {'H', 'e', 'l', 'l', 'o'}, ((org.apache.pdfbox.cos.COSString) ours.getObject(0)).getBytes());
            assertArrayEquals(new byte[] {(byte) 0xAB, (byte) 0xC0}, ((org.apache.pdfbox.cos.COSString) ours.getObject(2)).getBytes());
            assertArrayEquals(new byte[] {'A', 'B'}, ((org.apache.pdfbox.cos.COSString) ours.getObject(6)).getBytes());
            assertArrayEquals(new byte[] {'A'}, ((org.apache.pdfbox.cos.COSString) ours.getObject(7)).getBytes());
            assertEquals(COSName.getPDFName("After"), ours.getObject(strings.size()));
            assertEquals("Last", fast.getDocumentCatalog().getCOSObject().getString(COSName.getPDFName("Last")));
            assertArrayEquals(new byte[] {3, 4}, ((org.apache.pdfbox.cos.COSString) ((org.apache.pdfbox.cos.COSArray)
                    fast.getDocument().getTrailer().getDictionaryObject(COSName.ID)).getObject(1)).getBytes());
        }
    }

    @Test
    void theChainIsReadAsWrittenNotRepaired() throws Exception {
        // object 4's entry points at object 3: the lenient load finds the mismatch and replaces the whole table with a
        // scan of the file; the chain read as written keeps the entry (what qpdf and other strict readers use)
        Pdf f = Pdf.base();
        f.obj(4, "<< /Unused true >>");
        CrossReferenceCheckTest.Rows rows = f.rows(0, 1, 2, 3).inUse(4, f.offsets.get(3), 0);
        byte[] pdf = f.finish(f.table(rows, "<< /Size 5 /Root 1 0 R >>"));
        COSObjectKey four = new COSObjectKey(4, 0);
        Counting source = new Counting(pdf);
        try (PDDocument strict = IntactChainParser.load(source, ""); PDDocument lenient = Loader.loadPDF(pdf)) {
            assertEquals(1, source.opens.get());
            assertEquals((long) f.offsets.get(3), strict.getDocument().getXrefTable().get(four));
            assertNotEquals((long) f.offsets.get(3), lenient.getDocument().getXrefTable().get(four),
                    "the lenient load replaced the table with its scan");
        }
    }

    @Test
    void whatTheStrictReadingRefusesIsLoadedLeniently() throws Exception {
        byte[] intact = SamplePdfs.multiPage(2);
        String text = latin1(intact);
        byte[] noEof = latin1Bytes(text.substring(0, text.lastIndexOf("%%EOF")));
        Counting source = new Counting(noEof);
        try (PDDocument loaded = IntactChainParser.load(source, ""); PDDocument lenient = Loader.loadPDF(noEof)) {
            assertEquals(2, source.opens.get(), "the strict reading needs %%EOF: loaded again leniently");
            assertEquals(2, loaded.getNumberOfPages());
            assertEquals(new TreeMap<>(lenient.getDocument().getXrefTable()), new TreeMap<>(loaded.getDocument().getXrefTable()));
        }
    }

    @Test
    void objectsAreParsedLenientlyAndTheCatalogGetsItsType() throws Exception {
        // a catalog without /Type and a content stream whose /Length is wrong: both as the default load has them
        Pdf f = new Pdf();
        f.raw("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        f.obj(1, "<< /Pages 2 0 R >>");
        f.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        f.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>");
        f.obj(4, "<< /Length 5 >>\nstream\n0 0 1 rg 10 10 50 50 re f\nendstream");
        byte[] pdf = f.finish(f.table(f.rows(0, 1, 2, 3, 4), "<< /Size 5 /Root 1 0 R >>"));
        Counting source = new Counting(pdf);
        try (PDDocument strict = IntactChainParser.load(source, ""); PDDocument lenient = Loader.loadPDF(pdf)) {
            assertEquals(1, source.opens.get());
            assertEquals(COSName.CATALOG, strict.getDocumentCatalog().getCOSObject().getCOSName(COSName.TYPE));
            assertArrayEquals(content(lenient), content(strict));
            assertEquals("0 0 1 rg 10 10 50 50 re f", new String(content(strict), java.nio.charset.StandardCharsets.ISO_8859_1).trim());
        }
    }

    @Test
    void encryptedDocumentsOpenWithTheirPasswordAndAWrongOneIsNotRetried() throws Exception {
        byte[] pdf;
        try (PDDocument document = Loader.loadPDF(SamplePdfs.multiPage(2))) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
            policy.setEncryptionKeyLength(256);
            document.protect(policy);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            pdf = out.toByteArray();
        }
        Counting source = new Counting(pdf);
        try (PDDocument opened = IntactChainParser.load(source, "user-secret");
             PDDocument lenient = Loader.loadPDF(pdf, "user-secret")) {
            assertTrue(opened.isEncrypted());
            assertEquals(1, source.opens.get());
            assertEquals(2, opened.getNumberOfPages());
            assertEquals(lenient.getCurrentAccessPermission().getPermissionBytes(),
                    opened.getCurrentAccessPermission().getPermissionBytes());
            assertEquals(lenient.getEncryption().getCOSObject().keySet(), opened.getEncryption().getCOSObject().keySet());
        }
        Counting wrong = new Counting(pdf);
        assertThrows(InvalidPasswordException.class, () -> IntactChainParser.load(wrong, "guess"));
        assertEquals(1, wrong.opens.get(), "a wrong password is not tried twice");
    }

    @Test
    void anEncryptionDictionaryTheStrictReadingCannotResolveIsNeverTakenAsNoEncryption() throws Exception {
        // the trailer names /Encrypt 9 0 R, which no cross-reference entry lists: the strict reading cannot resolve it,
        // so the document is loaded leniently (which then decides), never handed on as an unencrypted file
        Pdf f = Pdf.base();
        byte[] pdf = f.finish(f.table(f.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R /Encrypt 9 0 R /ID [<01><01>] >>"));
        Counting source = new Counting(pdf);
        PDDocument strictOnly = null;
        try {
            strictOnly = IntactChainParser.load(source, "");
            assertEquals(2, source.opens.get(), "loaded again leniently");
        } catch (IOException leniencyRefusedItToo) {
            assertEquals(2, source.opens.get(), "the lenient load was tried");
        } finally {
            if (strictOnly != null) {
                strictOnly.close();
            }
        }
    }

    private static byte[] content(PDDocument document) throws IOException {
        COSDictionary page = document.getPage(0).getCOSObject();
        COSStream stream = (COSStream) page.getDictionaryObject(COSName.CONTENTS);
        try (InputStream in = stream.createInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] signedTwice(byte[] pdf) {
        ProductionFixture fixture = ProductionFixture.create();
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(fixture.sealKey()).timestampSource(fixture.tsa())
                .trustAnchor(fixture.root()).revocationSource(OfflineRevocation.signedBy(fixture.rootKey(), fixture.root())).build();
        for (int i = 0; i < 2; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            production.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                    .signer(Signer.of("Example Seal", "seal@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_LT).build());
            pdf = out.toByteArray();
        }
        return pdf;
    }

    // ------------------------------------------------------------------------------------------------
    // The chain the cross-reference check read (CrossReferenceCheck.Chain), used for the load

    /**
     * Where the check tells the chain it read, the load from it is the load that reads the chain whole: the same
     * entries (object keys with their object stream index, offsets), the same merged trailer (its keys in the same
     * order), startxref, form, highest object number, pages, signatures and catalog.
     *
     * @return whether the check told the chain (and the prefix could be made of it)
     */
    static boolean assertCheckedChainIsPdfBoxs(byte[] pdf, String what) throws Exception {
        CrossReferenceCheck.Inspection inspection = CrossReferenceCheck.inspect(pdf);
        if (inspection.damage().isPresent() || inspection.resolved().isEmpty()) {
            return false;
        }
        IntactChainParser.Prefix prefix = IntactChainParser.Prefix.checked(pdf.length, inspection.resolved().get());
        if (prefix == null) {
            return false;
        }
        PDDocument loadedWhole;
        try {
            loadedWhole = IntactChainParser.load(() -> new ArrayRead(pdf), "");
        } catch (IOException | RuntimeException wholeFails) {
            // a chain PDFBox cannot load (nor its lenient load): the told chain must not load either
            try (PDDocument checked = IntactChainParser.load(() -> new ArrayRead(pdf), "", prefix)) {
                throw new AssertionError(what + ": loads from the told chain, not as PDFBox reads it (" + wholeFails + ")");
            } catch (IOException | RuntimeException checkedFails) {
                return true;
            }
        }
        try (PDDocument whole = loadedWhole;
             PDDocument checked = IntactChainParser.load(() -> new ArrayRead(pdf), "", prefix)) {
            // read from the told chain exactly when PDFBox reads the chain strictly (else both take the lenient load)
            assertEquals(IntactChainParser.prefix(whole) != null, IntactChainParser.readAfterPrefix(checked),
                    what + ": read from the told chain as strictly as PDFBox reads it");
            COSDictionary wholeTrailer = whole.getDocument().getTrailer();
            COSDictionary checkedTrailer = checked.getDocument().getTrailer();
            assertEquals(canonical(wholeTrailer), canonical(checkedTrailer), what + ": trailer");
            assertEquals(new ArrayList<>(wholeTrailer.keySet()), new ArrayList<>(checkedTrailer.keySet()), what + ": key order");
            assertEquals(whole.getDocument().getStartXref(), checked.getDocument().getStartXref(), what + ": startxref");
            assertEquals(whole.getDocument().isXRefStream(), checked.getDocument().isXRefStream(), what + ": form");
            assertEquals(whole.getDocument().getHighestXRefObjectNumber(),
                    checked.getDocument().getHighestXRefObjectNumber(), what + ": highest object number");
            assertEquals(whole.isEncrypted(), checked.isEncrypted(), what + ": encryption");
            assertEquals(whole.getNumberOfPages(), checked.getNumberOfPages(), what + ": pages");
            assertEquals(whole.getSignatureDictionaries().size(), checked.getSignatureDictionaries().size(), what);
            assertEquals(canonical(whole.getDocumentCatalog().getCOSObject()),
                    canonical(checked.getDocumentCatalog().getCOSObject()), what + ": catalog");
            // last, once both have resolved the same objects: an object the chain does not hold (a field whose entry
            // is free) is found by PDFBox's brute-force search when first resolved, and its offset then joins the
            // table; the whole load resolves the top-level fields as it loads, the checked one when they are asked for
            assertEquals(entries(whole), entries(checked), what + ": entries");
        }
        return true;
    }

    /** A load's merged table as text: each key with its object stream index, and its offset. */
    private static Map<String, Long> entries(PDDocument document) {
        Map<String, Long> entries = new TreeMap<>();
        document.getDocument().getXrefTable().forEach((key, offset) ->
                entries.put(key.getNumber() + " " + key.getGeneration() + " #" + key.getStreamIndex(), offset));
        return entries;
    }

    @ParameterizedTest
    @EnumSource(PdfVector.class)
    void theChainTheCheckTellsIsTheChainPdfBoxReads(PdfVector vector) throws Exception {
        byte[] pdf = vector.bytes();
        boolean told = assertCheckedChainIsPdfBoxs(pdf, vector.name());
        java.util.Set<com.certyneo.testvectors.PdfLayout> layout = vector.layout();
        boolean tellable = !layout.contains(com.certyneo.testvectors.PdfLayout.HYBRID_XREF)
                && !layout.contains(com.certyneo.testvectors.PdfLayout.ENCRYPTED);
        if (CrossReferenceCheck.inspect(pdf).damage().isPresent()) {
            return;
        }
        byte[] signed;
        try {
            signed = Signing.sign(pdf, PadesProfile.B_LTA);
        } catch (com.certyneo.engine.SignatureEngineException refused) {
            return;
        }
        boolean signedTold = assertCheckedChainIsPdfBoxs(signed, vector.name() + " signed");
        assertCheckedChainIsPdfBoxs(Signing.sign(signed, PadesProfile.B_T), vector.name() + " signed twice");
        if (tellable) {
            // PDFBox's and qpdf's tables and streams are laid out as the check tells them, and so are the engine's
            assertTrue(told && signedTold, vector.name() + ": the chain is told");
        }
    }

    @Test
    void aChainOfStreamsWithCompressedObjectsAndUpdatesIsTold() throws Exception {
        CrossReferenceCheckTest.Pdf f = Pdf.base();
        f.objStm(4, 5, 6);
        int first = f.xrefStream(7, f.rows(0, 1, 2, 3, 4).compressed(5, 4, 0).compressed(6, 4, 1), "/Root 1 0 R "
                + "/ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]", true);
        f.startxref(first);
        // an update that moves object 5 out of its object stream and gives object 3 a new generation
        f.obj(5, "<< /Member 5 /Moved true >>");
        int at3 = f.pos();
        f.raw("3 1 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>\nendobj\n");
        CrossReferenceCheckTest.Rows rows = f.rows(5).inUse(3, at3, 1);
        byte[] pdf = f.finish(f.xrefStream(8, rows, "/Root 1 0 R /Info 1 0 R /Prev " + first, true));
        assertTrue(assertCheckedChainIsPdfBoxs(pdf, "two stream sections"), "told");
        CrossReferenceCheckTest.Pdf plain = Pdf.base();
        plain.flate = false;
        assertTrue(assertCheckedChainIsPdfBoxs(plain.finish(plain.xrefStream(4, plain.rows(0, 1, 2, 3), "/Root 1 0 R", true)),
                "no filter"), "an unfiltered stream is told");
    }

    @Test
    void whatPdfBoxMayReadOtherwiseIsNotTold() throws Exception {
        Map<String, byte[]> untold = new java.util.LinkedHashMap<>();
        untold.put("19-byte table entries", CrossReferenceCheckTest.classic("\n"));
        untold.put("21-byte table entries", CrossReferenceCheckTest.classic(" \r\n"));
        CrossReferenceCheckTest.Pdf comment = Pdf.base();
        untold.put("a comment in a trailer", comment.finish(comment.table(comment.rows(0, 1, 2, 3),
                "<< /Size 4 % the size\n/Root 1 0 R >>")));
        CrossReferenceCheckTest.Pdf doubleSpace = Pdf.base();
        byte[] spaced = doubleSpace.finish(doubleSpace.table(doubleSpace.rows(0, 1, 2, 3), "<< /Size 4 /Root 1 0 R >>"));
        untold.put("a subsection header with two spaces", latin1Bytes(latin1(spaced).replace("xref\n0 4\n", "xref\n0  4\n")));
        untold.put("hybrid", PdfVector.HYBRID_XREF.bytes());
        untold.put("encrypted", PdfVector.ENCRYPTED_OWNER_PASSWORD_ONLY.bytes());
        CrossReferenceCheckTest.Pdf literal = Pdf.base();
        untold.put("a literal string", literal.finish(literal.xrefStream(4, literal.rows(0, 1, 2, 3),
                "/Root 1 0 R /ID [(a\\r\nb) (a\\r\nb)]", true)));
        CrossReferenceCheckTest.Pdf type3 = Pdf.base();
        CrossReferenceCheckTest.Rows withType3 = type3.rows(0, 1, 2, 3);
        withType3.put(9, new long[] {3, 1, 0}); // a type readers take as null (ISO 32000-1 Table 18), PDFBox as compressed
        untold.put("an entry of type 3", type3.finish(type3.xrefStream(4, withType3, "/Root 1 0 R", true)));
        CrossReferenceCheckTest.Pdf shortLength = Pdf.base();
        shortLength.lengthDelta = -1;
        untold.put("a /Length short of endstream", shortLength.finish(shortLength.xrefStream(4, shortLength.rows(0, 1, 2, 3),
                "/Root 1 0 R", true)));
        CrossReferenceCheckTest.Pdf hex = Pdf.base();
        hex.flate = false;
        hex.asciiHex = true;
        untold.put("ASCIIHexDecode", hex.finish(hex.xrefStream(4, hex.rows(0, 1, 2, 3), "/Root 1 0 R", true)));
        CrossReferenceCheckTest.Pdf overlapping = Pdf.base();
        CrossReferenceCheckTest.Rows twice = overlapping.rows(0, 1).inUse(2, overlapping.offsets.get(1), 0)
                .inUse(3, overlapping.offsets.get(2), 0);
        untold.put("overlapping /Index ranges", overlapping.finish(overlapping.xrefStream(4, twice,
                "/Root 1 0 R /Size 4 /Index [0 2 1 2]", false)));
        for (Map.Entry<String, byte[]> e : untold.entrySet()) {
            CrossReferenceCheck.Inspection inspection = CrossReferenceCheck.inspect(e.getValue());
            assertTrue(inspection.damage().isEmpty(), e.getKey() + " is intact: " + inspection.damage());
            assertTrue(inspection.resolved().isEmpty(), e.getKey() + " is not told");
        }
    }

    /**
     * Every file of the real-producer corpus and the engine's B-T signature of each: where the check tells the chain,
     * it is PDFBox's. The chains of unencrypted cross-reference streams alone are all told.
     */
    @Test
    void theCorpusChainsTheCheckTellsArePdfBoxs() throws Exception {
        int told = 0;
        int signedTold = 0;
        List<String> untold = new ArrayList<>();
        for (java.nio.file.Path file : com.certyneo.engine.pades.interop.Corpus.pdfs()) {
            byte[] pdf = java.nio.file.Files.readAllBytes(file);
            String name = file.getFileName().toString();
            boolean t = assertCheckedChainIsPdfBoxs(pdf, name);
            told += t ? 1 : 0;
            if (!t) {
                untold.add(name + (streamsOnly(pdf) ? " (streams alone)" : ""));
            }
            if (CrossReferenceCheck.inspect(pdf).damage().isPresent()) {
                continue;
            }
            try {
                signedTold += assertCheckedChainIsPdfBoxs(Signing.sign(pdf, PadesProfile.B_T), name + " signed") ? 1 : 0;
            } catch (com.certyneo.engine.SignatureEngineException refused) {
                // encrypted without the password, certified without changes, ...
            }
        }
        System.out.printf("corpus: %d inputs and %d signed outputs told; not told: %s%n", told, signedTold, untold);
        assertTrue(untold.stream().noneMatch(name -> name.endsWith("(streams alone)")),
                "the corpus's chains of streams alone are told: " + untold);
        assertTrue(told > 0 && signedTold >= told, "signing a told chain keeps it told");
    }

    /** Whether every cross-reference section of the file is a stream, without /Encrypt (a rough reading, for the test). */
    private static boolean streamsOnly(byte[] pdf) {
        String text = latin1(pdf);
        return text.contains("/XRef") && !text.contains("\nxref") && !text.contains("\rxref") && !text.contains("/Encrypt");
    }

    /**
     * Every producer quirk of the cross-reference check's tests that it tells is read as PDFBox reads it; tables with
     * 19- or 21-byte entries, streams it does not decode or whose /Length misses, hybrid files are not told.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("com.certyneo.engine.pades.CrossReferenceCheckTest#producerQuirks")
    void aProducerQuirkTheCheckTellsIsReadAsPdfBoxReadsIt(String what, java.util.function.Supplier<byte[]> pdf)
            throws Exception {
        boolean told = assertCheckedChainIsPdfBoxs(pdf.get(), what);
        boolean odd = what.contains("19 bytes") || what.contains("21 bytes") || what.contains("ASCIIHexDecode")
                || what.contains("misses 'endstream'") || what.contains("hybrid");
        assertEquals(!odd, told, what + (odd ? " is not told" : " is told"));
    }
}
