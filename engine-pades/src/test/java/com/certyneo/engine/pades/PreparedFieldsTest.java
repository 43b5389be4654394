package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureField;
import com.certyneo.engine.SignatureFieldInfo;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.testvectors.ExternalValidators;
import com.certyneo.testvectors.PdfVector;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every recipient's field prepared up front in one revision ({@code prepareFields}), then each recipient signs
 * into theirs: later revisions only fill fields, so neither the engine, nor raw DSS, nor pdfsig reports a
 * modification for any signer.
 */
class PreparedFieldsTest {

    @TempDir
    static Path dir;
    static PadesSignatureEngine engine;
    static List<X509Certificate> anchors;

    @BeforeAll
    static void engine() {
        engine = PadesSignatureEngine.sandbox(dir.resolve("home"));
        anchors = List.of(engine.sandboxPki().orElseThrow().rootCertificate());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Signer signer(String who) {
        return Signer.parse(who + " <" + who.toLowerCase(java.util.Locale.ROOT) + "@example.com>")
                .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    /** The keyword of the cross-reference section the last startxref names: "xref" or an object header. */
    static boolean endsWithTable(byte[] pdf) {
        String tail = new String(pdf, Math.max(0, pdf.length - 64), Math.min(64, pdf.length), StandardCharsets.ISO_8859_1);
        int at = tail.lastIndexOf("startxref");
        long offset = Long.parseLong(tail.substring(at + 9).replace("%%EOF", "").strip());
        return new String(pdf, (int) offset, 4, StandardCharsets.ISO_8859_1).equals("xref");
    }

    static int contentsOfPageOne(byte[] pdf) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return document.getPage(0).getCOSObject().getDictionaryObject(COSName.CONTENTS) instanceof COSArray a ? a.size() : 1;
        }
    }

    @ParameterizedTest
    @EnumSource(value = PdfVector.class, names = {"MINIMAL", "CLASSIC_XREF", "ROTATED_PAGES"})
    void threeRecipientsSignTheirPreparedFieldsAndNothingIsReportedModified(PdfVector vector) throws Exception {
        byte[] input = vector.bytes();
        Path prepared = dir.resolve(vector + "-fields.pdf");
        var result = engine.prepareFields(DocumentSource.of(input, vector + ".pdf"), DocumentTarget.of(prepared),
                SignatureField.invisible("buyer"),
                SignatureField.placed("seller", 1, 40, 60, 180, 50),
                SignatureField.placed("witness", vector == PdfVector.ROTATED_PAGES ? 2 : 1, 40, 130, 180, 50));
        byte[] fields = Files.readAllBytes(prepared);
        assertTrue(result.sandbox());
        assertEquals(0, result.signatureCount());
        assertTrue(java.util.Arrays.equals(input, 0, input.length, fields, 0, input.length), "an incremental revision");
        assertEquals(endsWithTable(input), endsWithTable(fields), "the input's cross-reference form is kept");
        assertEquals(Revisions.of(input).count() + 1, Revisions.of(fields).count(), "one revision");
        try (PDDocument document = Loader.loadPDF(fields)) {
            assertTrue(SandboxMarker.isMarked(document), "the sandbox mark is in the fields' revision");
        }

        List<SignatureFieldInfo> listed = engine.fields(DocumentSource.of(prepared));
        assertEquals(List.of("buyer", "seller", "witness"), listed.stream().map(SignatureFieldInfo::name).toList());
        assertTrue(listed.stream().noneMatch(SignatureFieldInfo::signed));
        assertTrue(listed.get(0).box().isEmpty());
        SignatureField.Box seller = listed.get(1).box().orElseThrow();
        assertEquals(40, seller.x(), 0.01);
        assertEquals(60, seller.y(), 0.01);
        assertEquals(180, seller.width(), 0.01);
        assertEquals(50, seller.height(), 0.01);
        assertEquals(vector == PdfVector.ROTATED_PAGES ? 2 : 1, listed.get(2).page().orElseThrow());
        int contents = contentsOfPageOne(fields);

        Path current = prepared;
        int i = 0;
        for (String field : List.of("buyer", "seller", "witness")) {
            Path next = dir.resolve(vector + "-signed-" + field + ".pdf");
            SignRequest.Builder request = SignRequest.builder().document(DocumentSource.of(current))
                    .output(DocumentTarget.of(next)).signer(signer("Signer" + i++)).field(field);
            if (field.equals("seller")) {
                request.appearance(VisibleAppearance.of(1, 0, 0, 36, 18)); // drawn in the field's own box
            } // the witness's placed field gets the same text without asking; the buyer's stays invisible
            engine.sign(request.build());
            current = next;
        }
        byte[] signed = Files.readAllBytes(current);
        assertEquals(contents, contentsOfPageOne(signed), "no signer drew the SANDBOX mark again");
        assertEquals(endsWithTable(input), endsWithTable(signed));
        assertTrue(engine.fields(DocumentSource.of(current)).stream().allMatch(SignatureFieldInfo::signed));
        try (PDDocument document = Loader.loadPDF(signed)) {
            for (var field : document.getSignatureFields()) {
                var widget = field.getWidgets().get(0);
                String name = field.getFullyQualifiedName();
                if (name.equals("buyer")) {
                    assertEquals(null, widget.getAppearance(), "an invisible field stays invisible");
                    continue;
                }
                var normal = widget.getAppearance().getNormalAppearance().getAppearanceStream();
                String drawn = new String(normal.getContentStream().toByteArray(), StandardCharsets.ISO_8859_1);
                assertTrue(drawn.contains("Tj") || drawn.contains("TJ"), name + ": the text is drawn in the field's box: " + drawn);
                var rect = widget.getRectangle();
                var box = normal.getBBox(); // on a /Rotate'd page the form is drawn turned: its sides swap
                assertEquals(Math.max(rect.getWidth(), rect.getHeight()), Math.max(box.getWidth(), box.getHeight()), 0.5,
                        name + ": in its own box");
                assertEquals(Math.min(rect.getWidth(), rect.getHeight()), Math.min(box.getWidth(), box.getHeight()), 0.5,
                        name + ": in its own box");
            }
        }

        ValidationReport report = engine.validate(DocumentSource.of(current), ValidationOptions.sandbox());
        assertEquals(3, report.signatures().stream().filter(s -> !s.documentTimestamp()).count());
        for (SignatureValidation s : report.signatures()) {
            assertEquals(Indication.TOTAL_PASSED, s.indication(), s.toString());
            assertTrue(s.modifications().isEmpty(), s.toString());
        }
        for (DssFindings.Entry e : DssFindings.of(signed, anchors).entries()) {
            assertEquals("TOTAL_PASSED", e.indication(), e.toString());
            assertEquals(List.of(), e.findings(), "raw DSS reports no modification: " + e);
        }
        if (ExternalValidators.require("qpdf") & ExternalValidators.require("pdfsig")) {
            assertEquals(0, ExternalValidators.qpdfCheck(current).exitCode());
            assertEquals(3, ExternalValidators.validSignatureCount(ExternalValidators.pdfsig(current).output()),
                    ExternalValidators.pdfsig(current).output());
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0 0 1 RG 1 1 198 58 re S", ""})
    void aPlacedFieldAnotherProducerDrewKeepsItsDrawingWhenNoAppearanceIsAsked(String drawing) throws Exception {
        // a producer's "sign here" frame, or its blank form (no /Matrix, no /Filter: not the engine's frame)
        byte[] input;
        try (PDDocument document = Loader.loadPDF(PdfVector.MINIMAL.bytes())) {
            ForeignSignatureField.add(document, "approver", new org.apache.pdfbox.pdmodel.common.PDRectangle(50, 50, 200, 60),
                    drawing);
            var bytes = new java.io.ByteArrayOutputStream();
            document.save(bytes);
            input = bytes.toByteArray();
        }
        Path signed = dir.resolve("producer-field-signed.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(input, "producer-field.pdf"))
                .output(DocumentTarget.of(signed)).signer(signer("Approver")).field("approver").profile(PadesProfile.B_B).build());
        try (PDDocument document = Loader.loadPDF(Files.readAllBytes(signed))) {
            var widget = document.getSignatureFields().get(0).getWidgets().get(0);
            String drawn = new String(widget.getAppearance().getNormalAppearance().getAppearanceStream().getContentStream()
                    .toByteArray(), StandardCharsets.ISO_8859_1);
            assertEquals(drawing, drawn, "the producer's appearance is kept");
        }
        ValidationReport report = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
        assertEquals(Indication.TOTAL_PASSED, report.signatures().get(0).indication(), report.signatures().get(0).toString());
    }

    @Test
    void aFieldMayCarryALockThatListingShowsAndSigningHonours() throws Exception {
        Path prepared = dir.resolve("locked-fields.pdf");
        engine.prepareFields(DocumentSource.of(PdfVector.MINIMAL.bytes(), "minimal.pdf"), DocumentTarget.of(prepared),
                SignatureField.invisible("buyer").withLock(FieldLock.include("seller")), SignatureField.invisible("seller"));
        List<SignatureFieldInfo> listed = engine.fields(DocumentSource.of(prepared));
        assertEquals(FieldLock.include("seller"), listed.get(0).lock().orElseThrow());
        assertTrue(listed.get(1).lock().isEmpty());
        Path signed = dir.resolve("locked-signed.pdf");
        engine.sign(SignRequest.builder().document(DocumentSource.of(prepared)).output(DocumentTarget.of(signed))
                .signer(signer("Buyer")).field("buyer").profile(PadesProfile.B_B).build());
        try (PDDocument document = Loader.loadPDF(Files.readAllBytes(signed))) {
            var sig = document.getSignatureDictionaries().get(0).getCOSObject();
            assertTrue(sig.toString().contains("FieldMDP"), "the field's lock becomes the signature's FieldMDP: " + sig);
        }
        Path never = dir.resolve("locked-never.pdf");
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> engine.sign(SignRequest.builder()
                .document(DocumentSource.of(signed)).output(DocumentTarget.of(never)).signer(signer("Seller"))
                .field("seller").build()));
        assertEquals(ErrorCode.DOCUMENT_LOCKED, e.code());
        assertFalse(Files.exists(never));
    }

    @Test
    void badFieldsAreRefusedNamingTheProblemAndNothingIsWritten() {
        Path out = dir.resolve("never-fields.pdf");
        byte[] form = PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes();
        byte[] objectStreams = PdfVector.OBJECT_STREAMS.bytes();
        record Case(byte[] pdf, SignatureField field, List<String> words) {
        }
        for (Case c : List.of(
                new Case(form, SignatureField.invisible("approver"), List.of("approver", "already", "signature field")),
                new Case(objectStreams, SignatureField.invisible("comment"), List.of("comment", "not a signature field")),
                new Case(objectStreams, SignatureField.invisible("comment"), List.of("comment")),
                new Case(PdfVector.MINIMAL.bytes(), SignatureField.placed("x", 2, 10, 10, 100, 40),
                        List.of("page 2", "has 1 page", "595.28 x 841.89")),
                new Case(PdfVector.MINIMAL.bytes(), SignatureField.placed("x", 1, 500, 10, 100, 40),
                        List.of("off page 1", "595.28 x 841.89", "top-left", "has 1 page")))) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> engine.prepareFields(DocumentSource.of(c.pdf(), "in.pdf"), DocumentTarget.of(out), c.field()));
            assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
            for (String word : c.words()) {
                assertTrue(e.getMessage().contains(word), word + " in " + e.getMessage());
            }
            assertFalse(Files.exists(out));
        }
        SignatureEngineException twice = assertThrows(SignatureEngineException.class, () -> engine.prepareFields(
                DocumentSource.of(PdfVector.MINIMAL.bytes(), "in.pdf"), DocumentTarget.of(out),
                SignatureField.invisible("a"), SignatureField.invisible("a")));
        assertEquals(ErrorCode.INVALID_REQUEST, twice.code());
        assertFalse(Files.exists(out));
    }
}
