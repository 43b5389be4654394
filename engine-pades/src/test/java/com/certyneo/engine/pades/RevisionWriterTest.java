package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.pades.RevisionWriter.Revision;
import com.certyneo.engine.pades.RevisionWriter.XrefForm;
import com.certyneo.engine.pades.interop.Corpus;
import com.certyneo.engine.pades.interop.ReaderPanel;
import com.certyneo.engine.pades.interop.XrefLinter;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.enumerations.CertificateOrigin;
import eu.europa.esig.dss.enumerations.RevocationOrigin;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.reports.Reports;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSBoolean;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSFloat;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNull;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The engine's own incremental writer ({@link RevisionWriter}, {@link CosWriter}, {@link SignatureRevision},
 * {@link SignaturePlaceholder}) on real inputs: every test vector and every PDF of the producer corpus gets
 * an invisible signature placeholder, a signature computed in one pass over the file (a test CMS built
 * here with BouncyCastle), and a DSS revision; every output must start with the input's exact bytes, keep
 * the cross-reference form of the section it chains to, pass {@link CrossReferenceCheck} and the
 * {@link ReaderPanel} (poppler pdfsig/pdfinfo/pdftotext, qpdf --check, MuPDF, pdf.js, pypdf/pikepdf, the
 * xref linter), reload in PDFBox with the field, and validate under DSS 6.2 with the signature intact.
 */
class RevisionWriterTest {

    private static final String FIELD = "CertyneoRevision";
    private static final Instant SIGNING_TIME = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    static Path home;

    private static SandboxPki pki;
    private static InProcessOcspSource ocsp;

    @BeforeAll
    static void pki() {
        pki = SandboxPki.loadOrCreate(home);
        ocsp = new InProcessOcspSource(List.of(pki.root(), pki.signerCa()), Clock.systemUTC());
    }

    /** A named input. */
    record Input(String name, byte[] bytes) {
    }

    // ------------------------------------------------------------------------------------------------
    // CosWriter

    @Test
    void cosWriterWritesEveryKindOfValue() {
        assertEquals("/A#20B#23C#2F#28#29#3C#3E#5B#5D#7B#7D#25", text(COSName.getPDFName("A B#C/()<>[]{}%")));
        assertEquals("/#C3#A9t#C3#A9", text(COSName.getPDFName("été")));
        assertEquals("(a\\(b\\)c\\\\)", text(new COSString("a(b)c\\")));
        assertEquals("<00FF0A>", text(new COSString(new byte[] {0, (byte) 0xff, 10})));
        assertEquals("<414243>", text(new COSString("ABC".getBytes(StandardCharsets.US_ASCII), true)));
        assertEquals("<A0>", text(new COSString("€"))); // PDFDocEncoding
        assertEquals("<FEFF03A9>", text(new COSString("Ω"))); // UTF-16BE
        assertEquals("-42", text(COSInteger.get(-42)));
        assertEquals("0.00001", text(new COSFloat(1.0E-5f)));
        assertEquals("595.276", text(new COSFloat(595.276f)));
        assertEquals("12345678", text(new COSFloat(1.2345678E7f)));
        assertEquals("-1.0", text(new COSFloat(-1f))); // PDFBox's own text for a float it did not parse
        assertEquals("0.0", text(new COSFloat(0f)));
        assertEquals("true", text(COSBoolean.TRUE));
        assertEquals("null", text(COSNull.NULL));

        COSDictionary indirect = new COSDictionary();
        indirect.setKey(new COSObjectKey(12, 3));
        COSDictionary dict = new COSDictionary();
        dict.setItem(COSName.TYPE, COSName.ANNOT);
        dict.setItem(COSName.P, indirect); // keyed: PDFBox wraps it, written as a reference
        COSArray array = new COSArray();
        array.add(COSInteger.get(1));
        array.add(new COSObject(null, new COSObjectKey(7, 0)));
        COSDictionary direct = new COSDictionary();
        direct.setItem(COSName.N, COSInteger.get(5));
        array.add(direct);
        dict.setItem(COSName.KIDS, array);
        assertEquals("<</Type /Annot\n/P 12 3 R\n/Kids [1 7 0 R <</N 5\n>>]\n>>", text(dict));

        // A cached small integer that PDFBox gave a key (an indirect integer it read) stays a value.
        COSInteger shared = COSInteger.get(42);
        COSObjectKey before = shared.getKey();
        try {
            shared.setKey(new COSObjectKey(99, 0));
            assertEquals("42", text(shared));
            COSArray a = new COSArray();
            a.add(shared);
            assertEquals("[42]", text(a));
        } finally {
            shared.setKey(before);
        }
    }

    @Test
    void cosWriterWritesStreamsWithTheirRawDataAndExactLength() throws IOException {
        COSStream stream = new COSStream();
        try (OutputStream out = stream.createRawOutputStream()) {
            out.write(new byte[] {'a', '\r', '\n', 0, 'b'});
        }
        stream.setItem(COSName.LENGTH, new COSObject(null, new COSObjectKey(9, 0))); // indirect in the original
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CosWriter w = new CosWriter(bytes, 1000);
        w.writeIndirect(new COSObjectKey(4, 0), stream);
        String s = bytes.toString(StandardCharsets.ISO_8859_1);
        assertEquals("4 0 obj\n<</Length 5\n>>\nstream\r\na\r\n\u0000b\r\nendstream\nendobj\n", s);
        assertEquals(1000 + s.length(), w.position());
        COSStream unkeyed = new COSStream();
        COSArray holder = new COSArray();
        holder.add(unkeyed);
        assertThrows(IllegalStateException.class, () -> CosWriter.toBytes(holder));
    }

    private static String text(COSBase value) {
        return new String(CosWriter.toBytes(value), StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------------------------------------
    // Every input: placeholder, one-pass signature, DSS revision, reader panel, DSS validation

    @Test
    void everyInputTakesASignatureAndADssRevisionInTheFormItChainsTo() throws Exception {
        List<Input> inputs = inputs();
        Path dir = Files.createDirectories(Path.of("target", "revision-writer"));
        List<String> problems = new ArrayList<>();
        List<ReaderPanel.Case> cases = new ArrayList<>();
        Map<ReaderPanel.Case, String> labels = new LinkedHashMap<>();
        List<X509Certificate> chain = pki.seal().chain();
        List<byte[]> certs = new ArrayList<>();
        for (X509Certificate c : chain) {
            certs.add(c.getEncoded());
        }
        List<byte[]> ocsps = List.of(ocspResponse(chain.get(0), chain.get(1)));
        List<byte[]> crls = List.of(crl(pki.signerCa()));
        for (Input input : inputs) {
            String base = input.name().replace(".pdf", "");
            Path in = dir.resolve(base + ".pdf");
            Files.write(in, input.bytes());
            try {
                XrefForm form = formOf(input.bytes());

                // 1. The placeholder, in memory.
                Revision placeholder = placeholder(input, new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME));
                byte[] unsigned = placeholder.toByteArray();
                checkStructure(input, unsigned, placeholder, form);
                SignaturePlaceholder reserved = placeholder.signature().orElseThrow();
                long[] range = reserved.byteRange();
                assertEquals(unsigned.length, range[2] + range[3], "the byte range covers the file");
                assertEquals('<', unsigned[(int) range[1]]);
                assertEquals('>', unsigned[(int) range[2] - 1]);

                // 2. The same revision from the file, signed in one pass (digest while writing).
                Path signed = dir.resolve(base + "+signed.pdf");
                byte[] cms = signFromFile(in, signed, input.name());
                byte[] signedBytes = Files.readAllBytes(signed);
                long[] signedRange = byteRange(signedBytes);
                assertArrayEquals(range, signedRange, "the file and memory paths lay out the same revision");
                byte[] expected = unsigned.clone();
                byte[] hex = reserved.hexDigits(cms);
                System.arraycopy(hex, 0, expected, (int) range[1] + 1, hex.length);
                assertArrayEquals(expected, signedBytes, input.name() + ": the signed file is the placeholder plus the CMS");
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(byteRangeContent(signedBytes, signedRange)),
                        messageDigestOf(cms), "the CMS signs the byte range");
                if (ExternalValidators.require("pdfsig")) {
                    ExternalValidators.Run run = ExternalValidators.pdfsig(signed);
                    assertTrue(run.output().contains("Signature Field Name: " + FIELD), run.output());
                }

                // 3. A DSS revision on the input (merging into an existing /DSS) and on the signed file.
                Path dssOnInput = dir.resolve(base + "+dss.pdf");
                Written dssRevision = dss(input.bytes(), input.name(), certs, ocsps, crls, true);
                byte[] dssBytes = dssRevision.bytes();
                Files.write(dssOnInput, dssBytes);
                checkStructure(input, dssBytes, dssRevision.revision(), form);
                checkDss(dssBytes, certs.size(), 1, 1);
                Path signedDss = dir.resolve(base + "+signed+dss.pdf");
                Written dssAfter = dss(signedBytes, input.name() + "+signed", certs, ocsps, crls, false);
                byte[] signedDssBytes = dssAfter.bytes();
                Files.write(signedDss, signedDssBytes);
                checkStructure(new Input(input.name() + "+signed", signedBytes), signedDssBytes, dssAfter.revision(), form);
                checkDss(signedDssBytes, certs.size(), 1, 1);
                // The same data again (a second signer served the same responses) is added again as new streams: the
                // revocation items only, so that DSS sees a /DSS revision after that signature.
                assertEquals(1 + 1, dssCount(signedDssBytes, certs, ocsps, crls),
                        "the same data again: its OCSP response and CRL as new streams, not its certificates");

                // 4. DSS 6.2: the new signature intact, its byte range the whole (signed) file.
                checkDssValidation(signedBytes, input.name(), false);
                checkDssValidation(signedDssBytes, input.name() + "+dss", true);

                // The reader panel on the signed file with its DSS revision (it contains the signed revision); the
                // engine's own outputs of the same corpus go through the panel in InteropGateTest.
                ReaderPanel.Case sd = new ReaderPanel.Case(in, signedDss, 1, false);
                cases.add(sd);
                labels.put(sd, input.name() + " signed+DSS");
                if (System.getProperty("certyneo.revisionWriter.fullPanel") != null) {
                    ReaderPanel.Case s = new ReaderPanel.Case(in, signed, 1, false);
                    ReaderPanel.Case d = new ReaderPanel.Case(in, dssOnInput, 0, false);
                    cases.addAll(List.of(s, d));
                    labels.put(s, input.name() + " signed");
                    labels.put(d, input.name() + " +DSS");
                }
            } catch (AssertionError | Exception e) {
                problems.add(input.name() + ": " + e);
                if (!(e instanceof AssertionError)) {
                    e.printStackTrace();
                }
            }
        }
        problems.forEach(p -> System.out.println("RevisionWriterTest problem: " + p));
        long start = System.nanoTime();
        for (Map.Entry<ReaderPanel.Case, List<ReaderPanel.Finding>> e : ReaderPanel.check(cases).entrySet()) {
            for (ReaderPanel.Finding f : e.getValue()) {
                if (!popplerAlreadyLost(e.getKey().input(), f)) {
                    problems.add(labels.get(e.getKey()) + ": " + f);
                }
            }
        }
        System.out.printf("RevisionWriterTest: %d inputs, reader panel on %d outputs in %d s (%s)%n", inputs.size(),
                cases.size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), ReaderPanel.readers());
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
    }

    /**
     * Whether a finding is poppler failing, on the output, to find an object it already could not find on
     * the input: a hybrid-reference file whose classic table marks the objects of its object streams free
     * (as HYBRID_XREF does) makes poppler, which keeps the first entry it reads for an object, miss them
     * and rebuild its table ("xref num N not found but needed"); on an updated file the rebuild also says
     * "Invalid XRef entry N". PDFBox's own incremental save gives the same; the rendering is no worse.
     */
    private static boolean popplerAlreadyLost(Path input, ReaderPanel.Finding finding) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Invalid XRef entry (\\d+)").matcher(finding.message());
        if (!finding.reader().equals(ReaderPanel.PDFTOTEXT) || !m.find()) {
            return false;
        }
        Process p = new ProcessBuilder("pdftotext", input.toString(), "-")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return err.contains("xref num " + m.group(1) + " not found but needed");
    }

    // ------------------------------------------------------------------------------------------------
    // Particular cases

    @Test
    void anExistingEmptySignatureFieldIsSignedInPlace() throws Exception {
        byte[] pdf = PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes();
        Input input = new Input("form.pdf", pdf);
        Revision r = placeholder(input, new SignatureRevision.Options("witness").signingTime(SIGNING_TIME));
        byte[] out = r.toByteArray();
        checkStructure(input, out, r, formOf(pdf));
        try (PDDocument doc = Loader.loadPDF(out)) {
            PDAcroForm form = doc.getDocumentCatalog().getAcroForm();
            assertEquals(2, form.getFields().size(), "no field added");
            PDSignatureField witness = (PDSignatureField) form.getField("witness");
            assertNotNull(witness.getSignature());
            assertEquals(3, form.getCOSObject().getInt(COSName.SIG_FLAGS));
            assertEquals(null, ((PDSignatureField) form.getField("approver")).getSignature());
        }
        // Signing it again, or a field that is not a signature field, is refused.
        SignatureEngineException again = assertThrows(SignatureEngineException.class,
                () -> placeholder(new Input("again.pdf", out), new SignatureRevision.Options("witness")));
        assertEquals(ErrorCode.INVALID_REQUEST, again.code());
        assertThrows(SignatureEngineException.class,
                () -> placeholder(input, new SignatureRevision.Options("new.field")));
    }

    @Test
    void aVisibleSignatureGetsItsWidgetAndAppearanceOnTheGivenPage() throws Exception {
        byte[] pdf = PdfVector.ROTATED_PAGES.bytes();
        Input input = new Input("rotated.pdf", pdf);
        COSStream appearance = new COSStream();
        try (OutputStream o = appearance.createRawOutputStream()) {
            o.write("0 0 1 rg 0 0 200 50 re f".getBytes(StandardCharsets.US_ASCII));
        }
        appearance.setItem(COSName.TYPE, COSName.XOBJECT);
        appearance.setItem(COSName.SUBTYPE, COSName.FORM);
        appearance.setItem(COSName.BBOX, new PDRectangle(200, 50).getCOSArray());
        Revision r = placeholder(input, new SignatureRevision.Options("Visible").signingTime(SIGNING_TIME)
                .visible(1, new PDRectangle(100, 100, 200, 50), appearance).signerName("Ünïcode Signer")
                .reason("Approval").location("Paris").contactInfo("test@example.com").application("Certyneo", "0.1.0"));
        byte[] out = r.toByteArray();
        checkStructure(input, out, r, formOf(pdf));
        try (PDDocument doc = Loader.loadPDF(out)) {
            PDSignatureField field = (PDSignatureField) doc.getDocumentCatalog().getAcroForm().getField("Visible");
            var widget = field.getWidgets().get(0);
            assertEquals(doc.getPage(1).getCOSObject(), widget.getPage().getCOSObject());
            assertTrue(doc.getPage(1).getAnnotations().stream().anyMatch(a -> a.getCOSObject() == widget.getCOSObject()));
            assertEquals(100f, widget.getRectangle().getLowerLeftX());
            assertEquals(132, widget.getCOSObject().getInt(COSName.F));
            assertNotNull(widget.getNormalAppearanceStream());
            var sig = field.getSignature();
            assertEquals("Ünïcode Signer", sig.getName());
            assertEquals("Approval", sig.getReason());
            assertEquals(SIGNING_TIME, sig.getSignDate().toInstant());
            assertEquals("ETSI.CAdES.detached", sig.getSubFilter());
            COSDictionary app = sig.getCOSObject().getCOSDictionary(COSName.PROP_BUILD).getCOSDictionary(COSName.APP);
            assertEquals(COSName.getPDFName("Certyneo"), app.getDictionaryObject(COSName.NAME));
        }
    }

    @Test
    void aDocumentTimestampPlaceholderHasItsOwnType() throws Exception {
        byte[] pdf = PdfVector.MINIMAL.bytes();
        Input input = new Input("minimal.pdf", pdf);
        Revision r = placeholder(input, new SignatureRevision.Options("DocTS")
                .kind(SignatureRevision.Kind.DOCUMENT_TIMESTAMP).contentsSize(8000));
        byte[] out = r.toByteArray();
        checkStructure(input, out, r, XrefForm.STREAM);
        try (PDDocument doc = Loader.loadPDF(out)) {
            COSDictionary sig = ((PDSignatureField) doc.getDocumentCatalog().getAcroForm().getField("DocTS"))
                    .getSignature().getCOSObject();
            assertEquals(COSName.DOC_TIME_STAMP, sig.getCOSName(COSName.TYPE));
            assertEquals(COSName.getPDFName("ETSI.RFC3161"), sig.getCOSName(COSName.SUB_FILTER));
            assertEquals(8000, ((COSString) sig.getDictionaryObject(COSName.CONTENTS)).getBytes().length);
            assertFalse(sig.containsKey(COSName.M));
        }
    }

    @Test
    void contentsThatDoNotFitAreRefusedAndAFileCanBePatchedInPlace() throws Exception {
        byte[] pdf = PdfVector.CLASSIC_XREF.bytes();
        Path in = home.resolve("patch-in.pdf");
        Files.write(in, pdf);
        Path out = home.resolve("patch-out.pdf");
        try (PDDocument doc = Loader.loadPDF(in.toFile()); RevisionWriter w = RevisionWriter.open(in, doc, "in.pdf")) {
            SignatureRevision.addSignature(w, new SignatureRevision.Options(FIELD).contentsSize(4096).signingTime(SIGNING_TIME));
            Revision r = w.write();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream o = Files.newOutputStream(out)) {
                r.writeTo(o, sha);
            }
            SignaturePlaceholder placeholder = r.signature().orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> placeholder.hexDigits(new byte[4097]));
            byte[] cms = cms(sha.digest());
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                placeholder.patchContents(ch, cms);
            }
            assertEquals(Files.size(out), r.length());
            assertArrayEquals(r.toByteArray(), Files.readAllBytes(out));
        }
        byte[] signed = Files.readAllBytes(out);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(byteRangeContent(signed, byteRange(signed))),
                messageDigestOf(extractCms(signed)));
        if (ExternalValidators.require("pdfsig")) {
            String text = ExternalValidators.pdfsig(out).output();
            assertEquals(1, ExternalValidators.validSignatureCount(text), text);
        }
        checkDssValidation(signed, "patched.pdf", false);
    }

    @Test
    void indirectAnnotsAndAcroFormAreWrittenAgainInsteadOfTheirHolders() throws Exception {
        // A first revision, written by hand: the page's /Annots and the catalog's /AcroForm are objects of their own.
        byte[] pdf = PdfVector.CLASSIC_XREF.bytes();
        byte[] first;
        long annots;
        long acroForm;
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, "a.pdf")) {
            COSArray array = new COSArray();
            annots = w.add(array).getNumber();
            doc.getPage(0).getCOSObject().setItem(COSName.ANNOTS, array);
            w.update(doc.getPage(0).getCOSObject());
            COSDictionary form = new COSDictionary();
            form.setItem(COSName.FIELDS, new COSArray());
            form.setItem(COSName.DA, new COSString("/Helv 0 Tf 0 g"));
            acroForm = w.add(form).getNumber();
            doc.getDocumentCatalog().getCOSObject().setItem(COSName.ACRO_FORM, form);
            w.update(doc.getDocumentCatalog().getCOSObject());
            first = w.write().toByteArray();
        }
        Revision r;
        try (PDDocument doc = Loader.loadPDF(first); RevisionWriter w = RevisionWriter.of(first, doc, "a.pdf")) {
            SignatureRevision.addSignature(w, new SignatureRevision.Options(FIELD));
            assertTrue(w.writes(annots) && w.writes(acroForm));
            assertFalse(w.writes(doc.getPage(0).getCOSObject().getKey().getNumber()), "the page is not written again");
            assertFalse(w.writes(doc.getDocumentCatalog().getCOSObject().getKey().getNumber()), "nor the catalog");
            r = w.write();
            byte[] out = r.toByteArray();
            checkStructure(new Input("a.pdf", first), out, r, XrefForm.TABLE);
            try (PDDocument reloaded = Loader.loadPDF(out)) {
                COSDictionary form = (COSDictionary) ((COSObject) reloaded.getDocumentCatalog().getCOSObject()
                        .getItem(COSName.ACRO_FORM)).getObject();
                assertEquals("/Helv 0 Tf 0 g", form.getString(COSName.DA), "/DA kept");
                assertEquals(1, reloaded.getPage(0).getAnnotations().size());
            }
        }
    }

    @Test
    void aDssIsMergedWhereverItsPartsAreIndirectOrDirect() throws Exception {
        List<X509Certificate> chain = pki.seal().chain();
        byte[] cert0 = chain.get(0).getEncoded();
        byte[] cert1 = chain.get(1).getEncoded();
        byte[] crl = crl(pki.signerCa());
        byte[] ocspResponse = ocspResponse(chain.get(0), chain.get(1));
        // A first revision, written by hand: /DSS direct in the catalog, its /Certs an indirect array.
        byte[] pdf = PdfVector.CLASSIC_XREF.bytes();
        byte[] first;
        long certsArray;
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, "dss.pdf")) {
            COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
            COSDictionary dss = new COSDictionary();
            COSArray certs = new COSArray();
            certsArray = w.add(certs).getNumber();
            COSStream stream = new COSStream();
            try (OutputStream o = stream.createRawOutputStream()) {
                o.write(cert0);
            }
            w.add(stream);
            certs.add(stream);
            dss.setItem(COSName.CERTS, certs);
            catalog.setItem(COSName.DSS, dss);
            w.update(catalog);
            first = w.write().toByteArray();
        }
        // The merge: cert0 is there already; cert1, the OCSP response and the CRL (given twice) are new.
        Revision r;
        byte[] merged;
        try (PDDocument doc = Loader.loadPDF(first); RevisionWriter w = RevisionWriter.of(first, doc, "dss.pdf")) {
            assertEquals(3, SignatureRevision.addDss(w, List.of(cert0, cert1), List.of(ocspResponse), List.of(crl, crl)));
            assertTrue(w.writes(certsArray), "the indirect /Certs array is written again");
            r = w.write();
            merged = r.toByteArray();
        }
        checkStructure(new Input("dss.pdf", first), merged, r, XrefForm.TABLE);
        try (PDDocument doc = Loader.loadPDF(merged)) {
            COSBase rawDss = doc.getDocumentCatalog().getCOSObject().getItem(COSName.DSS);
            assertInstanceOf(COSDictionary.class, rawDss, "the /DSS stays direct");
            COSDictionary dss = (COSDictionary) rawDss;
            COSBase rawCerts = dss.getItem(COSName.CERTS);
            assertInstanceOf(COSObject.class, rawCerts, "/Certs stays indirect");
            assertEquals(certsArray, ((COSObject) rawCerts).getObjectNumber());
            assertEquals(2, dss.getCOSArray(COSName.CERTS).size());
            assertEquals(1, dss.getCOSArray(COSName.OCSPS).size());
            assertEquals(1, dss.getCOSArray(COSName.CRLS).size());
            try (var in = ((COSStream) dss.getCOSArray(COSName.CERTS).getObject(1)).createInputStream()) {
                assertArrayEquals(cert1, in.readAllBytes());
            }
        }
        assertEquals(2, dssCount(merged, List.of(cert1, cert0), List.of(ocspResponse), List.of(crl)),
                "nothing new: the revocation items again, not the certificates");
        assertEquals(2, dssCount(merged, List.of(cert1, cert0), List.of(), List.of()),
                "nothing new and no revocation item: the certificates again");
        assertEquals(0, dssCount(merged, List.of(), List.of(), List.of()), "nothing given: nothing to write");
    }

    /**
     * Whether an item is in the /DSS already is a question of its decoded content: an item another writer deflated
     * differently is found, and a stream whose first decoded bytes are the item's but whose rest differs is not
     * taken for it (the first bytes are only compared first).
     */
    @Test
    void aDssItemIsFoundByItsContentWhateverItsCompressionAndNotByItsFirstBytesAlone() throws Exception {
        List<X509Certificate> chain = pki.seal().chain();
        byte[] cert0 = chain.get(0).getEncoded();
        byte[] cert1 = chain.get(1).getEncoded();
        assertTrue(cert1.length > 300, "a certificate longer than the first bytes compared");
        byte[] lookAlike = cert1.clone();
        lookAlike[lookAlike.length - 20] ^= 0x55; // same first bytes, another certificate
        byte[] pdf = PdfVector.CLASSIC_XREF.bytes();
        byte[] first;
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, "dss.pdf")) {
            COSDictionary dss = new COSDictionary();
            COSArray certs = new COSArray();
            for (byte[] item : List.of(lookAlike, cert0)) {
                java.util.zip.Deflater fast = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
                java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
                try (var out = new java.util.zip.DeflaterOutputStream(deflated, fast)) {
                    out.write(item);
                }
                fast.end();
                assertFalse(java.util.Arrays.equals(deflated.toByteArray(), RevisionWriter.deflate(item)),
                        "deflated otherwise than the engine deflates");
                COSStream stream = new COSStream();
                try (OutputStream o = stream.createRawOutputStream()) {
                    o.write(deflated.toByteArray());
                }
                stream.setItem(COSName.FILTER, COSName.FLATE_DECODE);
                w.add(stream);
                certs.add(stream);
            }
            dss.setItem(COSName.CERTS, certs);
            doc.getDocumentCatalog().getCOSObject().setItem(COSName.DSS, dss);
            w.update(doc.getDocumentCatalog().getCOSObject());
            first = w.write().toByteArray();
        }
        byte[] merged;
        try (PDDocument doc = Loader.loadPDF(first); RevisionWriter w = RevisionWriter.of(first, doc, "dss.pdf")) {
            assertEquals(1, SignatureRevision.addDss(w, List.of(cert0, cert1), List.of(), List.of()),
                    "cert0 is there (deflated otherwise); cert1 is not (only its look-alike is)");
            merged = w.write().toByteArray();
        }
        try (PDDocument doc = Loader.loadPDF(merged)) {
            COSArray certs = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.DSS).getCOSArray(COSName.CERTS);
            assertEquals(3, certs.size());
            try (var in = ((COSStream) certs.getObject(2)).createInputStream()) {
                assertArrayEquals(cert1, in.readAllBytes());
            }
        }
    }

    @Test
    void anEncryptedDocumentsRevisionIsEncryptedWithItsKey() throws Exception {
        byte[] pdf = PdfVector.ENCRYPTED_OWNER_PASSWORD_ONLY.bytes();
        byte[][] outputs = new byte[2][];
        for (int i = 0; i < 2; i++) {
            try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter writer = RevisionWriter.of(pdf, doc, "encrypted.pdf")) {
                org.apache.pdfbox.cos.COSDictionary info = new org.apache.pdfbox.cos.COSDictionary();
                info.setString(COSName.TITLE, "Plain title in the revision");
                org.apache.pdfbox.cos.COSStream stream = doc.getDocument().createCOSStream();
                try (java.io.OutputStream o = stream.createRawOutputStream()) {
                    o.write("BT /F1 12 Tf (stream text in the revision) Tj ET".getBytes(StandardCharsets.US_ASCII));
                }
                info.setItem(COSName.getPDFName("Stream"), stream);
                writer.add(stream);
                writer.add(info);
                doc.getDocumentCatalog().getCOSObject().setItem(COSName.getPDFName("TestInfo"), info);
                writer.update(doc.getDocumentCatalog().getCOSObject());
                outputs[i] = writer.write().toByteArray();
            }
        }
        assertArrayEquals(outputs[0], outputs[1], "the same changes give the same bytes (derived initialisation vectors)");
        String raw = new String(outputs[0], StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains("Plain title in the revision"), "strings are encrypted");
        assertFalse(raw.contains("stream text in the revision"), "streams are encrypted");
        String tail = raw.substring(pdf.length);
        assertTrue(tail.contains("/Encrypt "), "the new trailer refers to the /Encrypt dictionary");
        try (PDDocument reread = Loader.loadPDF(outputs[0])) {
            org.apache.pdfbox.cos.COSDictionary info = reread.getDocumentCatalog().getCOSObject()
                    .getCOSDictionary(COSName.getPDFName("TestInfo"));
            assertEquals("Plain title in the revision", info.getString(COSName.TITLE));
            try (java.io.InputStream in = ((org.apache.pdfbox.cos.COSStream) info.getDictionaryObject("Stream"))
                    .createRawInputStream()) {
                assertEquals("BT /F1 12 Tf (stream text in the revision) Tj ET",
                        new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void anOriginalWithoutAFinalEndOfLineGetsOne() throws Exception {
        byte[] pdf = PdfVector.CLASSIC_XREF.bytes();
        int end = pdf.length;
        while (pdf[end - 1] == '\n' || pdf[end - 1] == '\r') {
            end--;
        }
        byte[] trimmed = Arrays.copyOf(pdf, end);
        Input input = new Input("trimmed.pdf", trimmed);
        Revision r = placeholder(input, new SignatureRevision.Options(FIELD));
        byte[] out = r.toByteArray();
        assertEquals('\n', out[trimmed.length]);
        checkStructure(input, out, r, XrefForm.TABLE);
    }

    @Test
    void theSameChangesGiveTheSameBytes() throws Exception {
        byte[] pdf = PdfVector.OBJECT_STREAMS.bytes();
        Input input = new Input("objstm.pdf", pdf);
        SignatureRevision.Options options = new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME);
        assertArrayEquals(placeholder(input, options).toByteArray(), placeholder(input, options).toByteArray());
    }

    @Test
    void anUntouchedPreparationLoadWritesTheBytesOfAFreshLoad(@org.junit.jupiter.api.io.TempDir Path scratch) throws Exception {
        // The preparation hands its PDFBox load over to the signing pass when it changed nothing (in memory,
        // PdfPreparation.Prepared#take; from disk, LargeDocument#takeLoaded): a signature revision written over that
        // load must be byte for byte the one written over a fresh load of the same bytes, for every input.
        List<String> problems = new ArrayList<>();
        int inputs = 0;
        int handed = 0;
        for (Input input : inputs()) {
            inputs++;
            byte[] pdf = input.bytes();
            Path file = scratch.resolve("in-" + inputs + ".pdf");
            Files.write(file, pdf);
            for (boolean fromDisk : new boolean[] {false, true}) {
                PDDocument untouched;
                try {
                    if (fromDisk) {
                        PdfPreparation.FilePrepared prepared = PdfPreparation.prepareFile(file,
                                scratch.resolve("prepared-" + inputs + ".pdf"), input.name(), false);
                        untouched = prepared.revision() ? null : prepared.untouched();
                    } else {
                        try (PdfPreparation.Prepared prepared = PdfPreparation.prepareLoaded(pdf, input.name(), false)) {
                            untouched = prepared.bytes() == pdf ? prepared.take() : null;
                        }
                    }
                } catch (SignatureEngineException e) {
                    continue; // refused before any revision: nothing is handed over
                }
                if (untouched == null) {
                    continue; // an appearance was added or attempted: the pass loads the document again
                }
                handed++;
                SignatureRevision.Options options = new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME);
                byte[] over;
                try (PDDocument doc = untouched; RevisionWriter w = RevisionWriter.of(pdf, doc, input.name())) {
                    SignatureRevision.addSignature(w, options);
                    over = w.write().toByteArray();
                }
                byte[] fresh;
                try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, input.name())) {
                    SignatureRevision.addSignature(w, new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME));
                    fresh = w.write().toByteArray();
                }
                if (!Arrays.equals(over, fresh)) {
                    problems.add(input.name() + (fromDisk ? " (from disk)" : " (in memory)")
                            + ": the revision over the preparation's load differs from a fresh load's");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(handed >= inputs, "most inputs hand their load over (" + handed + " of " + 2 * inputs + " preparations)");
    }

    @Test
    void aFollowingRevisionHasTheBytesAWriterOverAFreshLoadWrites() throws Exception {
        // The signing pipeline writes the signature, /DSS and document time-stamp revisions on one loaded document
        // (RevisionWriter#following); each must be byte for byte what a writer over PDFBox's load of the file
        // before it writes, for every input and cross-reference form.
        List<X509Certificate> chain = pki.seal().chain();
        List<byte[]> certs = new ArrayList<>();
        for (X509Certificate c : chain) {
            certs.add(c.getEncoded());
        }
        List<byte[]> ocsps = List.of(ocspResponse(chain.get(0), chain.get(1)));
        SignatureRevision.Options timestamp = new SignatureRevision.Options("CertyneoTimestamp")
                .kind(SignatureRevision.Kind.DOCUMENT_TIMESTAMP).contentsSize(4096);
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Input input : inputs()) {
            byte[] pdf = input.bytes();
            byte[] signed;
            byte[] withDss;
            byte[] stamped;
            try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w1 = RevisionWriter.of(pdf, doc, input.name())) {
                SignatureRevision.addSignature(w1, new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME));
                Revision r1 = w1.write();
                signed = writeSigned(r1);
                try (RevisionWriter w2 = w1.following(signed)) {
                    assertEquals(r1.startxref(), w2.previousOffset());
                    assertEquals(r1.size(), w2.originalSize());
                    assertTrue(SignatureRevision.addDss(w2, certs, ocsps, List.of()) > 0);
                    withDss = w2.write().toByteArray();
                    try (RevisionWriter w3 = w2.following(withDss)) {
                        SignatureRevision.addSignature(w3, timestamp);
                        stamped = w3.write().toByteArray();
                    }
                }
            }
            byte[] freshDss;
            try (PDDocument doc = Loader.loadPDF(signed); RevisionWriter w = RevisionWriter.of(signed, doc, input.name())) {
                assertTrue(SignatureRevision.addDss(w, certs, ocsps, List.of()) > 0);
                freshDss = w.write().toByteArray();
            }
            byte[] freshStamp;
            try (PDDocument doc = Loader.loadPDF(freshDss); RevisionWriter w = RevisionWriter.of(freshDss, doc, input.name())) {
                SignatureRevision.addSignature(w, timestamp);
                freshStamp = w.write().toByteArray();
            }
            if (!Arrays.equals(withDss, freshDss)) {
                problems.add(input.name() + ": the /DSS revision differs from a fresh load's");
            } else if (!Arrays.equals(stamped, freshStamp)) {
                problems.add(input.name() + ": the document time-stamp revision differs from a fresh load's");
            }
            checked++;
        }
        assertTrue(checked >= PdfVector.values().length - 4, "inputs checked: " + checked);
        assertTrue(problems.isEmpty(), String.join("\n", problems));

        // From a file, as the large-document path does; a file that does not end with the revision is refused.
        byte[] pdf = PdfVector.OBJECT_STREAMS.bytes();
        Path first = Files.createTempFile(home, "following", ".pdf");
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w1 = RevisionWriter.of(pdf, doc, "objstm.pdf")) {
            SignatureRevision.addSignature(w1, new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME));
            byte[] signedBytes = writeSigned(w1.write());
            assertThrows(IllegalStateException.class, () -> w1.following(pdf));
            Files.write(first, signedBytes);
            try (RevisionWriter w2 = w1.following(first)) {
                assertTrue(SignatureRevision.addDss(w2, certs, ocsps, List.of()) > 0);
                byte[] fromFile = w2.write().toByteArray();
                try (PDDocument fresh = Loader.loadPDF(signedBytes);
                     RevisionWriter w = RevisionWriter.of(signedBytes, fresh, "objstm.pdf")) {
                    assertTrue(SignatureRevision.addDss(w, certs, ocsps, List.of()) > 0);
                    assertArrayEquals(w.write().toByteArray(), fromFile);
                }
            }
        }
    }

    /** The final file of a signature revision, its /Contents patched with a test CMS over its byte range. */
    private static byte[] writeSigned(Revision revision) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        revision.writeHead(out, sha);
        revision.writeTail(out, cms(sha.digest()));
        return out.toByteArray();
    }

    @Test
    void newObjectsMustBeWrittenWhenReferenced() throws Exception {
        byte[] pdf = PdfVector.MINIMAL.bytes();
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, "m.pdf")) {
            COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
            COSDictionary orphan = new COSDictionary();
            orphan.setKey(new COSObjectKey(w.originalSize() + 5, 0));
            catalog.setItem(COSName.getPDFName("Orphan"), orphan);
            w.update(catalog);
            assertThrows(IllegalStateException.class, w::write);
        }
    }

    @Test
    void aReferenceTheDocumentHoldsToANumberTheRevisionHandsOutIsRefused() throws Exception {
        // As PDFBox reads "/Resources N 0 R" for an object the file never defines, N being the number the
        // revision's second new object takes: written again, the page would take that object for its resources.
        byte[] pdf = PdfVector.MINIMAL.bytes();
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, "dangling.pdf")) {
            long taken = w.originalSize() + 1;
            COSDictionary page = doc.getPage(0).getCOSObject();
            page.setItem(COSName.RESOURCES, new COSObject(new COSObjectKey(taken, 0), null));
            w.add(new COSDictionary());
            w.add(new COSDictionary());
            w.update(page);
            SignatureEngineException e = assertThrows(SignatureEngineException.class, w::write);
            assertEquals(ErrorCode.INVALID_PDF, e.code());
            assertTrue(e.getMessage().contains("it refers to object " + taken + " 0 R, which it never defines"),
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Writing

    private static Revision placeholder(Input input, SignatureRevision.Options options) throws IOException {
        try (PDDocument doc = Loader.loadPDF(input.bytes());
             RevisionWriter w = RevisionWriter.of(input.bytes(), doc, input.name())) {
            SignatureRevision.addSignature(w, options);
            return w.write();
        }
    }

    /** Signs {@code in} into {@code out} reading the original once: digest while writing, then the CMS. */
    private static byte[] signFromFile(Path in, Path out, String name) throws Exception {
        try (PDDocument doc = Loader.loadPDF(in.toFile()); RevisionWriter w = RevisionWriter.open(in, doc, name)) {
            SignatureRevision.addSignature(w, new SignatureRevision.Options(FIELD).signingTime(SIGNING_TIME));
            Revision r = w.write();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream o = Files.newOutputStream(out)) {
                r.writeHead(o, sha);
                byte[] cms = cms(sha.digest());
                r.writeTail(o, cms);
                return cms;
            }
        }
    }

    /** A revision and the final file it gives. */
    record Written(Revision revision, byte[] bytes) {
    }

    private static Written dss(byte[] pdf, String name, List<byte[]> certs, List<byte[]> ocsps, List<byte[]> crls,
                               boolean fromFile) throws IOException {
        if (fromFile) {
            Path file = Files.createTempFile(home, "dss", ".pdf");
            Files.write(file, pdf);
            try (PDDocument doc = Loader.loadPDF(file.toFile()); RevisionWriter w = RevisionWriter.open(file, doc, name)) {
                assertTrue(SignatureRevision.addDss(w, certs, ocsps, crls) > 0);
                Revision r = w.write();
                return new Written(r, r.toByteArray()); // reads the file: before the writer closes
            }
        }
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, name)) {
            assertTrue(SignatureRevision.addDss(w, certs, ocsps, crls) > 0);
            Revision r = w.write();
            return new Written(r, r.toByteArray());
        }
    }

    private static boolean hasDss(PDDocument doc) {
        return doc.getDocumentCatalog().getCOSObject().containsKey(COSName.DSS);
    }

    /** How many streams a DSS revision of {@code pdf} with these lists would add. */
    private static int dssCount(byte[] pdf, List<byte[]> certs, List<byte[]> ocsps, List<byte[]> crls) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf); RevisionWriter w = RevisionWriter.of(pdf, doc, "again")) {
            return SignatureRevision.addDss(w, certs, ocsps, crls);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Checks

    private static void checkStructure(Input input, byte[] output, Revision r, XrefForm expected) throws IOException {
        String name = input.name();
        byte[] in = input.bytes();
        assertTrue(output.length > in.length && Arrays.equals(in, 0, in.length, output, 0, in.length),
                name + ": the output starts with the input's exact bytes");
        assertEquals(expected, r.form(), name + ": the form of the section chained to");
        assertEquals(expected, formAt(output, r.startxref()), name + ": the new section's form");
        assertEquals(r.startxref(), lastStartxref(output), name + ": startxref names the new section");
        assertEquals(Optional.empty(), CrossReferenceCheck.damage(output), name);
        // (what the linter finds in the input's own sections stays: OpenPDF lists its xref stream's number as free)
        List<String> inputLint = XrefLinter.lint(in);
        assertEquals(List.of(), XrefLinter.lint(output).stream().filter(p -> !inputLint.contains(p)).toList(), name);
        String tail = new String(output, output.length - 7, 7, StandardCharsets.US_ASCII);
        assertTrue(tail.endsWith("%%EOF\n"), name + ": ends with %%EOF: " + tail);
        try (PDDocument doc = Loader.loadPDF(output)) {
            assertEquals(r.size(), doc.getDocument().getTrailer().getLong(COSName.SIZE), name);
            COSArray id = doc.getDocument().getTrailer().getCOSArray(COSName.ID);
            assertNotNull(id, name + ": /ID");
            try (PDDocument original = Loader.loadPDF(in)) {
                COSArray oldId = original.getDocument().getTrailer().getCOSArray(COSName.ID);
                if (oldId != null) {
                    assertArrayEquals(((COSString) oldId.getObject(0)).getBytes(), ((COSString) id.getObject(0)).getBytes(),
                            name + ": the first /ID is kept");
                }
                assertEquals(original.getNumberOfPages(), doc.getNumberOfPages(), name);
            }
            if (r.signature().isPresent()) {
                PDAcroForm form = doc.getDocumentCatalog().getAcroForm();
                assertNotNull(form, name + ": /AcroForm");
                PDField field = form.getField(fieldName(doc, r));
                assertInstanceOf(PDSignatureField.class, field, name);
                COSDictionary sig = ((PDSignatureField) field).getSignature().getCOSObject();
                long[] range = r.signature().get().byteRange();
                assertArrayEquals(range, sig.getCOSArray(COSName.BYTERANGE).toCOSNumberIntegerList().stream()
                        .mapToLong(Integer::longValue).toArray(), name + ": /ByteRange");
                assertEquals(3, form.getCOSObject().getInt(COSName.SIG_FLAGS), name);
            }
        }
    }

    /** The name of the field whose /V is the revision's signature dictionary. */
    private static String fieldName(PDDocument doc, Revision r) {
        long number = r.signature().get().dictionary().getKey().getNumber();
        for (PDField f : doc.getDocumentCatalog().getAcroForm().getFieldTree()) {
            if (f instanceof PDSignatureField s && s.getCOSObject().getItem(COSName.V) instanceof COSObject o
                    && o.getObjectNumber() == number) {
                return f.getFullyQualifiedName();
            }
        }
        fail("no field has the new signature as /V");
        return null;
    }

    private static void checkDss(byte[] pdf, int certs, int ocsps, int crls) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            COSDictionary dss = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.DSS);
            assertNotNull(dss);
            assertTrue(dss.getCOSArray(COSName.CERTS).size() >= certs);
            assertTrue(dss.getCOSArray(COSName.OCSPS).size() >= ocsps);
            assertTrue(dss.getCOSArray(COSName.CRLS).size() >= crls);
            for (COSName kind : List.of(COSName.CERTS, COSName.OCSPS, COSName.CRLS)) {
                for (COSBase item : dss.getCOSArray(kind)) {
                    assertInstanceOf(COSObject.class, item, "DSS items are indirect streams");
                    assertInstanceOf(COSStream.class, ((COSObject) item).getObject());
                }
            }
        }
    }

    /** DSS 6.2 on a signed output: our signature intact, valid, its byte range the whole file it signed. */
    private static void checkDssValidation(byte[] pdf, String name, boolean dssRevision) {
        CommonTrustedCertificateSource anchors = new CommonTrustedCertificateSource();
        anchors.addCertificate(new CertificateToken(pki.rootCertificate()));
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        verifier.setTrustedCertSources(anchors);
        verifier.setOcspSource(ocsp);
        PDFDocumentValidator validator = new PDFDocumentValidator(new InMemoryDocument(pdf, "document.pdf"));
        validator.setCertificateVerifier(verifier);
        Reports reports = validator.validateDocument();
        DiagnosticData diagnostic = reports.getDiagnosticData();
        SignatureWrapper ours = diagnostic.getSignatures().stream()
                .filter(s -> s.getSignatureFieldNames().contains(FIELD)).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": DSS does not see the signature"));
        assertTrue(ours.isSignatureIntact(), name + ": intact");
        assertTrue(ours.isSignatureValid(), name + ": valid");
        assertTrue(ours.isSignatureByteRangeValid(), name + ": byte range valid");
        List<java.math.BigInteger> range = ours.getSignatureByteRange();
        long covered = range.get(2).longValue() + range.get(3).longValue();
        if (dssRevision) {
            assertTrue(covered < pdf.length, name + ": the DSS revision follows the signed revision");
            assertFalse(ours.foundCertificates().getRelatedCertificatesByOrigin(CertificateOrigin.DSS_DICTIONARY).isEmpty(),
                    name + ": DSS reads the certificates of the /DSS");
            assertFalse(ours.foundRevocations().getRelatedRevocationsByOrigin(RevocationOrigin.DSS_DICTIONARY).isEmpty(),
                    name + ": DSS reads the revocation data of the /DSS");
        } else {
            assertEquals(pdf.length, covered, name + ": the byte range covers the whole file");
        }
        String indication = String.valueOf(reports.getSimpleReport().getIndication(ours.getId()));
        assertEquals("TOTAL_PASSED", indication, name + ": " + indication + " "
                + reports.getSimpleReport().getSubIndication(ours.getId()) + " "
                + reports.getSimpleReport().getAdESValidationErrors(ours.getId()).stream()
                .map(m -> m.getValue()).toList());
    }

    // ------------------------------------------------------------------------------------------------
    // Inputs

    /** The test vectors (all but the encrypted, damaged and large ones) and the producer corpus. */
    private static List<Input> inputs() throws IOException {
        List<Input> inputs = new ArrayList<>();
        for (PdfVector v : PdfVector.values()) {
            if (v == PdfVector.ENCRYPTED_OWNER_PASSWORD_ONLY || v == PdfVector.ENCRYPTED_USER_PASSWORD
                    || v == PdfVector.TRUNCATED || v == PdfVector.LARGE) {
                continue;
            }
            inputs.add(new Input("vector-" + v.fileName(), v.bytes()));
        }
        List<Path> corpus;
        try {
            corpus = Corpus.pdfs();
        } catch (TestAbortedException e) {
            System.out.println("RevisionWriterTest: no producer corpus (" + e.getMessage() + "): test vectors only");
            corpus = List.of();
        }
        for (Path p : corpus) {
            byte[] bytes = Files.readAllBytes(p);
            if (CrossReferenceCheck.damage(bytes).isPresent() || PdfPreparation.mentionsEncrypt(bytes)) {
                continue; // refused by the engine before any revision is written
            }
            inputs.add(new Input(p.getFileName().toString(), bytes));
        }
        return inputs;
    }

    // ------------------------------------------------------------------------------------------------
    // Independent readings of the bytes

    /** The form of the section the last startxref names, read without the writer. */
    private static XrefForm formOf(byte[] pdf) {
        return formAt(pdf, lastStartxref(pdf));
    }

    private static XrefForm formAt(byte[] pdf, long offset) {
        int i = (int) offset;
        while (pdf[i] == ' ' || pdf[i] == '\n' || pdf[i] == '\r') {
            i++;
        }
        // (iText writes /Type /XRef after a long /ID)
        String head = new String(pdf, i, Math.min(2000, pdf.length - i), StandardCharsets.ISO_8859_1);
        if (head.startsWith("xref")) {
            return XrefForm.TABLE;
        }
        assertTrue(head.matches("(?s)\\d+ \\d+ obj\\s*<<.*/Type\\s*/XRef.*"), "not a section: " + head);
        return XrefForm.STREAM;
    }

    private static long lastStartxref(byte[] pdf) {
        String tail = new String(pdf, Math.max(0, pdf.length - 2048), Math.min(2048, pdf.length), StandardCharsets.ISO_8859_1);
        int at = tail.lastIndexOf("startxref");
        return Long.parseLong(tail.substring(at + 9).trim().split("\\s+")[0]);
    }

    private static long[] byteRange(byte[] pdf) {
        String tail = new String(pdf, StandardCharsets.ISO_8859_1);
        int at = tail.lastIndexOf("/ByteRange [");
        String[] parts = tail.substring(at + 12, tail.indexOf(']', at)).trim().split("\\s+");
        return Arrays.stream(parts).mapToLong(Long::parseLong).toArray();
    }

    private static byte[] byteRangeContent(byte[] pdf, long[] range) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pdf, (int) range[0], (int) range[1]);
        out.write(pdf, (int) range[2], (int) range[3]);
        return out.toByteArray();
    }

    private static byte[] extractCms(byte[] pdf) {
        long[] range = byteRange(pdf);
        String hex = new String(pdf, (int) range[1] + 1, (int) (range[2] - range[1] - 2), StandardCharsets.US_ASCII);
        return java.util.HexFormat.of().parseHex(hex);
    }

    private static byte[] messageDigestOf(byte[] cms) throws Exception {
        var signed = new org.bouncycastle.cms.CMSSignedData(cms);
        var signer = signed.getSignerInfos().getSigners().iterator().next();
        var attr = signer.getSignedAttributes().get(CMSAttributes.messageDigest);
        return ((org.bouncycastle.asn1.ASN1OctetString) attr.getAttrValues().getObjectAt(0)).getOctets();
    }

    // ------------------------------------------------------------------------------------------------
    // Test PKI material (a minimal CMS for the test only: the production one is built elsewhere)

    /**
     * A detached CMS over a precomputed digest of the byte range, by the sandbox seal: signed attributes
     * content-type, message-digest and signing-certificate-v2 (the PAdES-BASELINE-B minimum).
     */
    static byte[] cms(byte[] digest) throws Exception {
        SandboxPki.Entry signer = pki.seal();
        X509Certificate cert = signer.certificate();
        String algorithm = "EC".equals(signer.key().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        ESSCertIDv2 certId = new ESSCertIDv2(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()),
                new IssuerSerial(new GeneralNames(new GeneralName(X500Name.getInstance(cert.getIssuerX500Principal().getEncoded()))),
                        cert.getSerialNumber()));
        Hashtable<ASN1ObjectIdentifier, Attribute> attributes = new Hashtable<>();
        attributes.put(CMSAttributes.contentType, new Attribute(CMSAttributes.contentType, new DERSet(PKCSObjectIdentifiers.data)));
        attributes.put(CMSAttributes.messageDigest, new Attribute(CMSAttributes.messageDigest, new DERSet(new DEROctetString(digest))));
        attributes.put(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {certId}))));
        AttributeTable table = new AttributeTable(attributes);
        SignerInfoGenerator info = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(parameters -> table)
                .build(new JcaContentSignerBuilder(algorithm).build(signer.key()), cert);
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(info);
        generator.addCertificates(new JcaCertStore(signer.chain()));
        return generator.generate(new CMSAbsentContent(), false).getEncoded(ASN1Encoding.DER);
    }

    private static byte[] ocspResponse(X509Certificate certificate, X509Certificate issuer) throws Exception {
        var token = ocsp.getRevocationToken(new CertificateToken(certificate), new CertificateToken(issuer));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, token.getBasicOCSPResp()).getEncoded();
    }

    private static byte[] crl(SandboxPki.Entry ca) throws Exception {
        X509Certificate caCert = ca.certificate();
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
                Date.from(now.minusSeconds(60)));
        builder.setNextUpdate(Date.from(now.plusSeconds(86400)));
        String algorithm = "EC".equals(ca.key().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        var holder = builder.build(new JcaContentSignerBuilder(algorithm).build(ca.key()));
        return new JcaX509CRLConverter().getCRL(holder).getEncoded();
    }
}
