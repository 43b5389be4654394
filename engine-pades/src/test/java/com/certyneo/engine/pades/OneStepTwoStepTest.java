package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.VisibleAppearance;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
                        b -> b.field("approver").appearance(BOX)));
        return Stream.of(PadesProfile.B_B, PadesProfile.B_T).flatMap(profile ->
                options.stream().map(option -> Arguments.of(profile, option)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void oneStepAndTwoStepWriteTheSameRevision(PadesProfile profile, Option option) throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(FIXTURE.sealKey())
                .timestampSource(FIXTURE.tsa()).trustAnchor(FIXTURE.root()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        byte[] input = option.name().startsWith("existing field") ? PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes()
                : SamplePdfs.minimal();
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

    private static long[] lastByteRange(byte[] pdf) {
        return OutputSelfCheckTest.lastByteRange(pdf);
    }

    static String text(byte[] pdf) {
        return new String(pdf, StandardCharsets.ISO_8859_1);
    }
}
