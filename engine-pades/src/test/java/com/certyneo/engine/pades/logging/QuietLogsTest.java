package com.certyneo.engine.pades.logging;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an embedder's logging backend receives from normal operations: nothing above DEBUG that is not a real
 * problem. No WARN or ERROR from any logger (the engine, DSS, PDFBox), and no INFO from the engine's own loggers
 * (DSS's own INFO chatter, such as "OCSP status is good", is DSS's to configure; the README says how).
 *
 * <p>Runs in the surefire execution {@code quiet-logs}, whose JVM binds {@link CapturingLogProvider} as the SLF4J
 * backend; elsewhere (slf4j-simple) it is skipped.
 */
@EnabledIfSystemProperty(named = "slf4j.provider", matches = ".*CapturingLogProvider")
class QuietLogsTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    @TempDir
    Path dir;

    @BeforeEach
    void bound() {
        assertInstanceOf(CapturingLogProvider.Factory.class, LoggerFactory.getILoggerFactory(),
                "the capturing backend is the one SLF4J bound");
        CapturingLogProvider.clear();
    }

    @Test
    void aSandboxAesSignatureAndTwoValidationsLogNothingAboveDebug() {
        Path out = dir.resolve("signed.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"))) {
            SigningResult signed = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "contract.pdf"))
                    .output(DocumentTarget.of(out))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").withPhone("+33612345678")
                            .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .level(SignatureLevel.AES).build());
            assertEquals(PadesProfile.B_LT, signed.profile());
            ValidationReport sandbox = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
            ValidationReport trusted;
            try (PadesSignatureEngine bare = PadesSignatureEngine.builder().build()) {
                trusted = bare.validate(DocumentSource.of(out),
                        ValidationOptions.trusting(List.of(engine.sandboxPki().orElseThrow().rootCertificate())));
            }
            assertTrue(sandbox.allPassed(), sandbox.toString());
            assertTrue(trusted.allPassed(), trusted.toString());
        }
        assertQuiet();
        assertTrue(CapturingLogProvider.events().stream().anyMatch(e -> e.logger().startsWith("com.certyneo")
                || e.logger().startsWith("eu.europa.esig")), "the backend did receive the operations' DEBUG events");
        assertFalse(CapturingLogProvider.events().stream().anyMatch(e -> e.message().contains("+33612345678")),
                "no phone number in the logs");
    }

    @Test
    void anUnsignedSignatureFieldIsNoWarning() {
        // An envelope half-way: the first recipient signed their field, the second recipient's field waits.
        Path out = dir.resolve("half-signed.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"))) {
            engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(PdfVector.FORM_EMPTY_SIGNATURE_FIELDS.bytes(), "form.pdf"))
                    .output(DocumentTarget.of(out)).field("approver")
                    .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES)
                    .profile(PadesProfile.B_LTA).build());
            ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());
            assertEquals(2, report.signatures().size(), "the signature and its document time-stamp");
        }
        assertQuiet();
    }

    @Test
    void preparedFieldsACertificationAndALockAreNoWarning() {
        // An envelope: fields up front (one of them locking the other), the first recipient certifies, the second locks.
        Path fields = dir.resolve("fields.pdf");
        Path first = dir.resolve("first.pdf");
        Path both = dir.resolve("both.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"))) {
            engine.prepareFields(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf"), DocumentTarget.of(fields),
                    com.certyneo.engine.SignatureField.invisible("a"),
                    com.certyneo.engine.SignatureField.placed("b", 1, 40, 40, 200, 60)
                            .withLock(com.certyneo.engine.FieldLock.include("a")));
            engine.sign(SignRequest.builder().document(DocumentSource.of(fields)).output(DocumentTarget.of(first))
                    .field("a").certify(com.certyneo.engine.CertificationLevel.FORM_FILL)
                    .signer(Signer.parse("A <a@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .build());
            engine.sign(SignRequest.builder().document(DocumentSource.of(first)).output(DocumentTarget.of(both))
                    .field("b").lockFields(com.certyneo.engine.FieldLock.all())
                    .signer(Signer.parse("B <b@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .build());
            ValidationReport report = engine.validate(DocumentSource.of(both), ValidationOptions.sandbox());
            assertTrue(report.allPassed(), report.toString());
        }
        assertQuiet();
    }

    @Test
    void aVisibleSignatureWithAnImageAndNamesInEveryScriptLogsNothing() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(60, 20, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        image.setRGB(10, 10, 0xFF1030E0);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        Path out = dir.resolve("visible.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"))) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf"))
                    .output(DocumentTarget.of(out))
                    .signer(Signer.of("Zoë Αλέξανδρος Анна محمد 山田", "zoe@example.com"))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_T)
                    .appearance(com.certyneo.engine.VisibleAppearance.of(1, 72, 100, 300, 90)
                            .withImage(com.certyneo.engine.AppearanceImage.of(png.toByteArray())))
                    .build());
            assertTrue(engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()).allPassed());
        }
        assertQuiet();
    }

    @Test
    void aCaCoveredByItsIssuersCrlOnlyIsNoWarning() {
        // The test PKI's issuing CA names a CRL and no OCSP responder: online revocation asks the CRL, and that is
        // normal, not "OCSP source OnlineOCSPSource failed ...: No OCSP location found".
        TestPki pki = server.pki();
        TestPki.Credential signer = pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.EC_P256);
        Path out = dir.resolve("online-lt.pdf");
        long crls = server.requestCount("crl");
        try (PadesSignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(signer.key(), signer.chain()))
                .timestampSource(pki.tsa(1).authority(Clock.systemUTC()))
                .trustAnchor(pki.root())
                .onlineRevocation(Duration.ofSeconds(5))
                .build()) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf"))
                    .output(DocumentTarget.of(out)).signer(Signer.of("Seal", "seal@example.com"))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_LT).build());
        }
        assertTrue(server.requestCount("crl") > crls, "the CA's revocation status came from its issuer's CRL");
        try (PadesSignatureEngine bare = PadesSignatureEngine.builder().build()) {
            ValidationReport report = bare.validate(DocumentSource.of(out), ValidationOptions.trusting(pki.trustAnchors()));
            assertTrue(report.allPassed(), report.toString());
        }
        assertQuiet();
    }

    @Test
    void qualificationOverValidTrustedListsIsNoWarning() {
        // DSS's TL validation job (LOTL, TL, their XAdES signatures, synchronisation) on well-formed lists
        Path out = dir.resolve("qes.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(dir.resolve("home"))) {
            SigningResult signed = engine.sign(SignRequest.builder()
                    .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "deed.pdf")).output(DocumentTarget.of(out))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").withPhone("+33612345678")
                            .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                    .level(SignatureLevel.QES).build());
            com.certyneo.testvectors.TestTrustedLists.Published lists = com.certyneo.testvectors.TestTrustedLists
                    .builder().qualifiedCa("TEST qualified CA", signed.certificateChain().get(1))
                    .write(dir.resolve("tl"));
            ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox()
                    .withTrustedLists(com.certyneo.engine.TrustedListSource.offline(lists.cacheDirectory(),
                            lists.lotlUrl(), lists.pins())));
            assertEquals("QESig", report.signatures().get(0).qualification(), report.toString());
        }
        assertQuiet();
    }

    private static void assertQuiet() {
        List<CapturingLogProvider.Event> loud = CapturingLogProvider.events().stream()
                .filter(e -> e.level() == Level.WARN || e.level() == Level.ERROR
                        || e.level() == Level.INFO && e.logger().startsWith("com.certyneo"))
                .toList();
        assertTrue(loud.isEmpty(), "logged above DEBUG:\n" + loud.stream().map(Object::toString)
                .collect(Collectors.joining("\n")));
    }
}
