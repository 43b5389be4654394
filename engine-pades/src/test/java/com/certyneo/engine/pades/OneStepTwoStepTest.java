package com.certyneo.engine.pades;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.VisibleAppearance;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-step signing is two-step signing with an in-process key: for every option, the revision the two produce
 * is the same byte for byte outside the signature's {@code /Contents} (ECDSA values differ from one signature
 * to the next, and at B-T so do the time-stamp tokens), and both validate.
 */
class OneStepTwoStepTest {

    private static final ProductionFixture FIXTURE = ProductionFixture.create();
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final VisibleAppearance BOX = VisibleAppearance.of(1, 72, 600, 240, 70);
    /** The box with a PNG (alpha channel): the two-step state carries the image to the completing step. */
    private static final VisibleAppearance BOX_WITH_IMAGE = withImage();

    private static VisibleAppearance withImage() {
        try {
            return BOX.withImage(com.certyneo.engine.AppearanceImage.of(VisibleSignatureRenderTest.signaturePng(120, 40)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An option applied to both kinds of request. */
    record Option(String name, UnaryOperator<SignRequest.Builder> one, UnaryOperator<PrepareRequest.Builder> two) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Option> options = List.of(
                new Option("no option", b -> b, b -> b),
                new Option("reason", b -> b.reason("Approved"), b -> b.reason("Approved")),
                new Option("location", b -> b.location("Paris"), b -> b.location("Paris")),
                new Option("contact", b -> b.contactInfo("+33 1 23 45 67 89"), b -> b.contactInfo("+33 1 23 45 67 89")),
                new Option("all three", b -> b.reason("Approved").location("Paris").contactInfo("ops@example.com"),
                        b -> b.reason("Approved").location("Paris").contactInfo("ops@example.com")),
                new Option("existing field", b -> b.field("approver"), b -> b.field("approver")),
                new Option("visible box", b -> b.appearance(BOX), b -> b.appearance(BOX)),
                new Option("visible box with reason", b -> b.appearance(BOX).reason("Approved"),
                        b -> b.appearance(BOX).reason("Approved")),
                new Option("visible box with image", b -> b.appearance(BOX_WITH_IMAGE), b -> b.appearance(BOX_WITH_IMAGE)),
                new Option("existing field, visible", b -> b.field("approver").appearance(BOX),
                        b -> b.field("approver").appearance(BOX)),
                new Option("certify no-changes", b -> b.certify(CertificationLevel.NO_CHANGES),
                        b -> b.certify(CertificationLevel.NO_CHANGES)),
                new Option("certify form-fill", b -> b.certify(CertificationLevel.FORM_FILL),
                        b -> b.certify(CertificationLevel.FORM_FILL)),
                new Option("certify annotate", b -> b.certify(CertificationLevel.ANNOTATE),
                        b -> b.certify(CertificationLevel.ANNOTATE)),
                new Option("lock all", b -> b.lockFields(FieldLock.all()), b -> b.lockFields(FieldLock.all())),
                new Option("lock include", b -> b.lockFields(FieldLock.include("witness")),
                        b -> b.lockFields(FieldLock.include("witness"))),
                new Option("lock exclude", b -> b.lockFields(FieldLock.exclude("witness")),
                        b -> b.lockFields(FieldLock.exclude("witness"))),
                new Option("certify form-fill, lock include", b -> b.certify(CertificationLevel.FORM_FILL)
                        .lockFields(FieldLock.include("witness")), b -> b.certify(CertificationLevel.FORM_FILL)
                        .lockFields(FieldLock.include("witness"))));
        return Stream.of(PadesProfile.B_B, PadesProfile.B_T).flatMap(profile ->
                options.stream().map(option -> Arguments.of(profile, option)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void oneStepAndTwoStepWriteTheSameRevision(PadesProfile profile, Option option) throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(FIXTURE.sealKey())
                .timestampSource(FIXTURE.tsa()).trustAnchor(FIXTURE.root()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        byte[] input = option.name().startsWith("existing field") ? PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes()
                : option.name().contains("lock") ? PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes() : SamplePdfs.minimal();
        Signer signer = Signer.parse("Jane Doe <jane@example.com>");

        ByteArrayOutputStream one = new ByteArrayOutputStream();
        engine.sign(option.one().apply(SignRequest.builder().document(DocumentSource.of(input, "in.pdf"))
                .output(DocumentTarget.of(one)).signer(signer).level(SignatureLevel.SES).profile(profile)).build());

        PreparedSignature prepared = engine.prepare(option.two().apply(PrepareRequest.builder()
                .document(DocumentSource.of(input, "in.pdf")).signer(signer).level(SignatureLevel.SES).profile(profile)
                .certificateChain(FIXTURE.sealKey().certificateChain())).build());
        byte[] value = FIXTURE.sealKey().sign(prepared.dataToSign(), prepared.signatureAlgorithm());
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        engine.complete(prepared.state(), value, DocumentSource.of(input, "in.pdf"), DocumentTarget.of(two));

        byte[] a = one.toByteArray();
        byte[] b = two.toByteArray();
        long[] rangeA = lastByteRange(a);
        long[] rangeB = lastByteRange(b);
        assertArrayEquals(rangeA, rangeB, "the same byte range");
        int gapStart = (int) rangeA[1];
        int gapEnd = (int) rangeA[2];
        assertArrayEquals(Arrays.copyOfRange(a, 0, gapStart), Arrays.copyOfRange(b, 0, gapStart), "the same bytes before /Contents");
        assertArrayEquals(Arrays.copyOfRange(a, gapEnd, (int) (rangeA[2] + rangeA[3])),
                Arrays.copyOfRange(b, gapEnd, (int) (rangeB[2] + rangeB[3])), "the same bytes after /Contents");
        assertEquals(a.length, rangeA[2] + rangeA[3], "B-B and B-T end with the signature revision");

        SignRequest oneStep = option.one().apply(SignRequest.builder().document(DocumentSource.of(input, "in.pdf"))
                .output(DocumentTarget.of(new ByteArrayOutputStream())).signer(signer)).build();
        PrepareRequest fromOneStep = PrepareRequest.from(oneStep, FIXTURE.sealKey().certificateChain()).build();
        assertEquals(oneStep.certification(), fromOneStep.certification(), "PrepareRequest.from keeps the certification");
        assertEquals(oneStep.lock(), fromOneStep.lock(), "PrepareRequest.from keeps the field lock");
        if (option.name().contains("certify") || option.name().contains("lock")) {
            for (byte[] signed : List.of(a, b)) {
                try (PDDocument document = Loader.loadPDF(signed)) {
                    String dictionary = document.getLastSignatureDictionary().getCOSObject().toString();
                    assertEquals(option.name().contains("certify"), dictionary.contains("DocMDP"), dictionary);
                    assertEquals(option.name().contains("lock"), dictionary.contains("FieldMDP"), dictionary);
                }
            }
        }

        if (option.name().contains("visible")) {
            assertEquals(java.util.Optional.of(option.name().contains("image") ? BOX_WITH_IMAGE : BOX), PrepareRequest.from(option.one().apply(SignRequest.builder()
                    .document(DocumentSource.of(input, "in.pdf")).output(DocumentTarget.of(new ByteArrayOutputStream()))
                    .signer(signer)).build(), FIXTURE.sealKey().certificateChain()).build().appearance(),
                    "PrepareRequest.from keeps the appearance");
            for (byte[] signed : List.of(a, b)) {
                try (PDDocument document = Loader.loadPDF(signed)) {
                    PDSignatureField field = document.getSignatureFields().stream()
                            .filter(f -> f.getValue() != null).findFirst().orElseThrow();
                    PDAnnotationWidget widget = field.getWidgets().stream()
                            .filter(w -> w.getNormalAppearanceStream() != null).findFirst().orElseThrow();
                    PDRectangle rect = widget.getRectangle();
                    if (option.name().startsWith("existing field")) {
                        assertEquals(new PDRectangle(72, 120, 200, 60).toString(), rect.toString(), "the field keeps its box");
                    } else {
                        assertEquals(new PDRectangle(72, PDRectangle.A4.getHeight() - 600 - 70, 240, 70).toString(), rect.toString());
                        assertEquals(132, widget.getAnnotationFlags());
                    }
                    assertEquals(new PDRectangle(rect.getWidth(), rect.getHeight()).toString(),
                            widget.getNormalAppearanceStream().getBBox().toString());
                }
            }
        }

        for (byte[] signed : List.of(a, b)) {
            var report = engine.validate(DocumentSource.of(signed, "out.pdf"), ValidationOptions.trusting(List.of(FIXTURE.root())));
            var signature = report.signatures().get(0);
            assertEquals(profile, signature.profile().orElseThrow(), report.toString());
            assertTrue(signature.modifications().isEmpty(), signature.modifications().toString());
            assertTrue(signature.errors().stream().noneMatch(e -> e.contains("signature value") || e.contains("format")),
                    signature.errors().toString());
        }
    }

    /** A certification or field lock set at step 1, and the later change it forbids. */
    record Rule(String name, CertificationLevel certify, FieldLock lock, PdfVector input, CertificationTest.Change change,
                String subIndication) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rule> rules() {
        return Stream.of(
                new Rule("certify no-changes, then a new page", CertificationLevel.NO_CHANGES, null, PdfVector.MINIMAL,
                        CertificationTest.NEW_PAGE, SignatureValidation.CERTIFICATION_VIOLATED),
                new Rule("certify form-fill, then a new annotation", CertificationLevel.FORM_FILL, null, PdfVector.MINIMAL,
                        CertificationTest.NEW_ANNOTATION, SignatureValidation.CERTIFICATION_VIOLATED),
                new Rule("certify annotate, then a new page", CertificationLevel.ANNOTATE, null, PdfVector.MINIMAL,
                        CertificationTest.NEW_PAGE, SignatureValidation.CERTIFICATION_VIOLATED),
                new Rule("lock all, then a field value", null, FieldLock.all(), PdfVector.OBJECT_STREAMS,
                        CertificationTest.FIELD_VALUE, SignatureValidation.FIELD_LOCK_VIOLATED),
                new Rule("lock include, then a field value", null, FieldLock.include("comment"), PdfVector.OBJECT_STREAMS,
                        CertificationTest.FIELD_VALUE, SignatureValidation.FIELD_LOCK_VIOLATED),
                new Rule("lock exclude, then a field value", null, FieldLock.exclude("other"), PdfVector.OBJECT_STREAMS,
                        CertificationTest.FIELD_VALUE, SignatureValidation.FIELD_LOCK_VIOLATED));
    }

    /**
     * The certification or lock of a two-step signature is the real thing: the output validates TOTAL_PASSED under
     * DSS, a P=1 certification refuses a later signature (one-step and two-step) with DOCUMENT_LOCKED, and the change
     * the rule forbids fails the signature with the rule's sub-indication.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void twoStepCertificationAndLocksAreEnforced(Rule rule, @TempDir Path home) throws Exception {
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            List<X509Certificate> anchors = List.of(engine.sandboxPki().orElseThrow().rootCertificate());
            byte[] signed = twoStep(engine, rule.input().bytes(), b -> b.certify(rule.certify()).lockFields(rule.lock()));
            try (PDDocument document = Loader.loadPDF(signed)) {
                String dictionary = document.getLastSignatureDictionary().getCOSObject().toString();
                assertEquals(rule.certify() != null, dictionary.contains("DocMDP"), dictionary);
                assertEquals(rule.lock() != null, dictionary.contains("FieldMDP"), dictionary);
            }
            DssFindings.Entry raw = DssFindings.of(signed, anchors).signatures().get(0);
            assertEquals("TOTAL_PASSED", raw.indication(), raw.toString());
            ValidationReport report = engine.validate(DocumentSource.of(signed, "signed.pdf"), ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());

            if (rule.certify() == CertificationLevel.NO_CHANGES) {
                Path never = home.resolve("never.pdf");
                SignatureEngineException one = assertThrows(SignatureEngineException.class, () -> engine.sign(
                        SignRequest.builder().document(DocumentSource.of(signed, "signed.pdf"))
                                .output(DocumentTarget.of(never)).signer(SharedSandboxTest.jane()).build()));
                assertEquals(ErrorCode.DOCUMENT_LOCKED, one.code(), one.toString());
                SignatureEngineException two = assertThrows(SignatureEngineException.class,
                        () -> twoStep(engine, signed, b -> b));
                assertEquals(ErrorCode.DOCUMENT_LOCKED, two.code(), two.toString());
                assertFalse(Files.exists(never));
            }

            byte[] changed = CertificationTest.incremental(signed, rule.change());
            SignatureValidation broken = engine.validate(DocumentSource.of(changed, "changed.pdf"),
                    ValidationOptions.sandbox()).signatures().get(0);
            assertEquals(Indication.TOTAL_FAILED, broken.indication(), broken.toString());
            assertEquals(rule.subIndication(), broken.subIndication().orElseThrow(), broken.toString());
        }
    }

    /** Signs {@code input} in two steps on a sandbox engine with an EC key outside it, at B-LT. */
    static byte[] twoStep(PadesSignatureEngine engine, byte[] input, UnaryOperator<PrepareRequest.Builder> options)
            throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        java.security.KeyPair pair = generator.generateKeyPair();
        Signer signer = SharedSandboxTest.jane();
        List<X509Certificate> chain = OneTimeCertificateAuthority.sandbox(engine.sandboxPki().orElseThrow())
                .issue(signer, pair.getPublic(), Instant.now());
        PreparedSignature prepared = engine.prepare(options.apply(PrepareRequest.builder()
                .document(DocumentSource.of(input, "in.pdf")).signer(signer).profile(PadesProfile.B_LT)
                .certificateChain(chain)).build());
        java.security.Signature ecdsa = java.security.Signature.getInstance(prepared.signatureAlgorithm());
        ecdsa.initSign(pair.getPrivate());
        ecdsa.update(prepared.dataToSign());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.complete(prepared.state(), ecdsa.sign(), DocumentSource.of(input, "in.pdf"), DocumentTarget.of(out));
        return out.toByteArray();
    }

    private static long[] lastByteRange(byte[] pdf) {
        return OutputSelfCheckTest.lastByteRange(pdf);
    }

    static String text(byte[] pdf) {
        return new String(pdf, StandardCharsets.ISO_8859_1);
    }
}
