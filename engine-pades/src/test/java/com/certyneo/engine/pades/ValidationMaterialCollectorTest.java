package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.RevocationSource;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.SamplePdfs;
import com.certyneo.testvectors.TestPki;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The validation material the engine collects for a signature, from its chain and CMS only, is enough
 * for PAdES-BASELINE-LT: a B-T signature plus that material in a {@code /DSS} (written here by a test
 * helper, incrementally with PDFBox) validates TOTAL_PASSED at B-LT, with the engine and with raw DSS
 * using the document's own data only. The cost does not depend on how many signatures the document has.
 */
class ValidationMaterialCollectorTest {

    private static final COSName DSS = COSName.getPDFName("DSS");
    private static final COSName CERTS = COSName.getPDFName("Certs");
    private static final COSName OCSPS = COSName.getPDFName("OCSPs");
    private static final COSName CRLS = COSName.getPDFName("CRLs");

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;
    static SandboxPki pki;
    static ValidationMaterialCollector sandboxCollector;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
        pki = engine.sandboxPki().orElseThrow();
        InProcessOcspSource ocsp = new InProcessOcspSource(List.of(pki.root(), pki.signerCa(),
                SandboxQualifiedCa.loadOrCreate(pki)), Clock.systemUTC());
        sandboxCollector = new ValidationMaterialCollector(new RevocationSources(ocsp, null, null),
                List.of(pki.rootCertificate()));
    }

    static Signer alice() {
        return Signer.parse("Alice Martin <alice@example.com>").withPhone("+33611223344")
                .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now());
    }

    /** Signs {@code pdf} with engine {@code with} as Alice at {@code level} and {@code profile}: the output and the result. */
    record Signed(byte[] pdf, SigningResult result) {
    }

    static Signed sign(PadesSignatureEngine with, byte[] pdf, SignatureLevel level, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SigningResult result = with.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf"))
                .output(DocumentTarget.of(out)).signer(alice()).level(level).profile(profile).build());
        return new Signed(out.toByteArray(), result);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SignatureLevel.class, names = {"SES", "AES", "QES"})
    void sandboxBtPlusCollectedMaterialValidatesAtBlt(SignatureLevel level) throws Exception {
        Signed bt = sign(engine, SamplePdfs.multiPage(2), level, PadesProfile.B_T);
        List<X509Certificate> chain = bt.result().certificateChain();
        byte[] cms = lastContents(bt.pdf());

        ValidationMaterial material = sandboxCollector.forSignature(chain, cms);
        Set<ByteBuffer> certificates = keys(material.certificates());
        for (X509Certificate certificate : chain) {
            assertTrue(certificates.contains(ByteBuffer.wrap(certificate.getEncoded())), certificate.toString());
        }
        // One OCSP response per non-root certificate of the signer's chain, one for the TSU.
        assertEquals(chain.size() - 1 + 1, material.ocspResponses().size(), material.toString());
        assertEquals(0, material.crls().size());

        byte[] lt = withDss(bt.pdf(), material);
        assertPassesAtLt(lt, engine, ValidationOptions.sandbox(), List.of(pki.rootCertificate()));

        // What DSS's own augmentation writes for the same signature.
        ValidationMaterial dss = readDss(dssAugmentation(engine, bt.pdf()));
        System.out.printf("%s sandbox: collector %s; DSS augmentation %s; chain %d%n", level, material, dss, chain.size());
        assertSameCoverage(dss, material);
    }

    @Test
    void documentTimestampMaterialCoversItsTsu() throws Exception {
        Signed lta = sign(engine, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_LTA);
        byte[] token = lastContents(lta.pdf()); // the archive (document) time-stamp ends the file
        ValidationMaterial material = sandboxCollector.forDocumentTimestamp(token);
        assertEquals(2, material.certificates().size(), "TSU and root");
        assertEquals(1, material.ocspResponses().size(), "the TSU's status");
        ValidationMaterial fresh = material.minus(readDss(lta.pdf()));
        assertEquals(1, fresh.ocspResponses().size(), "a fresh OCSP response is new");
        assertEquals(0, fresh.certificates().size(), "the TSU chain is in the /DSS already");

        ValidationReport report = engine.validate(DocumentSource.of(withDss(lta.pdf(), fresh), "x.pdf"),
                ValidationOptions.sandbox());
        assertTrue(report.allPassed(), report.toString());
    }

    /**
     * A production engine on the test-vectors PKI: signer → issuing CA → root, a TSU under the issuing
     * CA, OCSP from a delegated responder (id-pkix-ocsp-nocheck) for the end entities, a CRL from the
     * root for the issuing CA (the responder does not answer for it: the CRL fallback).
     */
    @Test
    void productionChainWithDelegatedResponderAndCrlFallback() throws Exception {
        TestPki testPki = TestPki.create();
        TestPki.Credential good = testPki.goodSigner();
        PadesSignatureEngine production = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(good.key(), good.chain()))
                .timestampSource(testPki.tsa(1).authority(Clock.systemUTC())).trustAnchor(testPki.root()).build();
        Signed bt = sign(production, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        ValidationMaterialCollector collector = new ValidationMaterialCollector(
                new RevocationSources(null, offline(testPki), null), testPki.trustAnchors());

        ValidationMaterial material = collector.forSignature(bt.result().certificateChain(), lastContents(bt.pdf()));
        assertEquals(keys(List.of(good.certificate().getEncoded(), testPki.intermediate().getEncoded(),
                testPki.root().getEncoded(), testPki.tsa(1).certificate().getEncoded(),
                testPki.ocspResponder().certificate().getEncoded())), keys(material.certificates()));
        assertEquals(2, material.ocspResponses().size(), "signer and TSU; none for the nocheck responder");
        assertEquals(1, material.crls().size(), "the root's CRL for the issuing CA");

        byte[] lt = withDss(bt.pdf(), material);
        assertPassesAtLt(lt, PadesSignatureEngine.builder().build(), ValidationOptions.trusting(testPki.trustAnchors()),
                testPki.trustAnchors());

        PadesSignatureEngine augmenting = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(good.key(), good.chain())).timestampSource(testPki.tsa(1).authority(Clock.systemUTC()))
                .trustAnchor(testPki.root()).revocationSource(offline(testPki)).build();
        ValidationMaterial dss = readDss(dssAugmentation(augmenting, bt.pdf()));
        System.out.printf("test-vectors PKI: collector %s; DSS augmentation %s%n", material, dss);
        assertSameCoverage(dss, material);

        // The CMS alone is enough: the chain is found among its certificates.
        assertEquals(material.certificates().size(), collector.forSignature(List.of(), lastContents(bt.pdf()))
                .certificates().size());
    }

    /** An OCSP response older than the signature time-stamp is replaced by a fresh CRL, and the result is still LT. */
    @Test
    void staleOcspFallsBackToAFreshCrl() throws Exception {
        TestPki testPki = TestPki.create();
        TestPki.Credential good = testPki.goodSigner();
        PadesSignatureEngine production = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(good.key(), good.chain()))
                .timestampSource(testPki.tsa(1).authority(Clock.systemUTC())).trustAnchor(testPki.root()).build();
        Signed bt = sign(production, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        RevocationSource all = offline(testPki);
        RevocationSource staleOcsp = new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return issuer.equals(testPki.intermediate())
                        ? Optional.of(testPki.ocspResponse(certificate, Instant.now().minusSeconds(3600))) : Optional.empty();
            }

            @Override
            public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return all.crl(certificate, issuer);
            }
        };
        ValidationMaterial material = new ValidationMaterialCollector(new RevocationSources(null, staleOcsp, null),
                testPki.trustAnchors()).forSignature(bt.result().certificateChain(), lastContents(bt.pdf()));
        assertEquals(0, material.ocspResponses().size(), material.toString());
        assertEquals(2, material.crls().size(), "the issuing CA's CRL (signer and TSU), the root's CRL (issuing CA)");
        assertEquals(4, material.certificates().size(), "no responder certificate without OCSP responses");
        assertPassesAtLt(withDss(bt.pdf(), material), PadesSignatureEngine.builder().build(),
                ValidationOptions.trusting(testPki.trustAnchors()), testPki.trustAnchors());
    }

    /** The engine's production fixture: seal and TSU directly under the root, OCSP signed by the root. */
    @Test
    void productionFixtureWithOfflineRevocation() throws Exception {
        ProductionFixture fixture = ProductionFixture.create();
        OfflineRevocation offline = OfflineRevocation.signedBy(fixture.rootKey(), fixture.root());
        Signed bt = sign(fixture.engine(), SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        ValidationMaterialCollector collector = new ValidationMaterialCollector(
                new RevocationSources(null, offline, null), List.of(fixture.root()));
        ValidationMaterial material = collector.forSignature(bt.result().certificateChain(), lastContents(bt.pdf()));
        assertEquals(3, material.certificates().size(), "seal, root, TSU");
        assertEquals(2, material.ocspResponses().size(), "seal and TSU");
        assertPassesAtLt(withDss(bt.pdf(), material), PadesSignatureEngine.builder().build(),
                ValidationOptions.trusting(List.of(fixture.root())), List.of(fixture.root()));
    }

    @Test
    void revokedSignerIsTheEnginesTypedError() throws Exception {
        TestPki testPki = TestPki.create();
        TestPki.Credential revoked = testPki.signer(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256);
        PadesSignatureEngine production = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(revoked.key(), revoked.chain()))
                .timestampSource(testPki.tsa(1).authority(Clock.systemUTC())).trustAnchor(testPki.root()).build();
        Signed bt = sign(production, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        ValidationMaterialCollector collector = new ValidationMaterialCollector(
                new RevocationSources(null, offline(testPki), null), testPki.trustAnchors());
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> collector.forSignature(bt.result().certificateChain(), lastContents(bt.pdf())));
        System.out.println("revoked signer: " + e);

        // The engine's current (DSS) path at B-LT for the same signer gives the same code.
        PadesSignatureEngine dssPath = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(revoked.key(), revoked.chain())).timestampSource(testPki.tsa(1).authority(Clock.systemUTC()))
                .trustAnchor(testPki.root()).revocationSource(offline(testPki)).build();
        SignatureEngineException today = assertThrows(SignatureEngineException.class,
                () -> sign(dssPath, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_LT));
        assertEquals(ErrorCode.CERTIFICATE_REVOKED, today.code());
        assertEquals(today.code(), e.code());
        assertTrue(e.getMessage().contains(revoked.certificate().getSubjectX500Principal().getName()), e.getMessage());
    }

    @Test
    void noRevocationDataForACertificateNamesIt() throws Exception {
        TestPki testPki = TestPki.create();
        TestPki.Credential good = testPki.goodSigner();
        PadesSignatureEngine production = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(good.key(), good.chain()))
                .timestampSource(testPki.tsa(1).authority(Clock.systemUTC())).trustAnchor(testPki.root()).build();
        Signed bt = sign(production, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        X509Certificate tsu = testPki.tsa(1).certificate();
        RevocationSource all = offline(testPki);
        RevocationSource notForTheTsu = new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return certificate.equals(tsu) ? Optional.empty() : all.ocspResponse(certificate, issuer);
            }

            @Override
            public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return certificate.equals(tsu) ? Optional.empty() : all.crl(certificate, issuer);
            }
        };
        ValidationMaterialCollector collector = new ValidationMaterialCollector(
                new RevocationSources(null, notForTheTsu, null), testPki.trustAnchors());
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> collector.forSignature(bt.result().certificateChain(), lastContents(bt.pdf())));
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains(tsu.getSubjectX500Principal().getName()), e.getMessage());

        // Without any source: the signing certificate is the first one named.
        ValidationMaterialCollector none = new ValidationMaterialCollector(null, null, null, testPki.trustAnchors());
        SignatureEngineException first = assertThrows(SignatureEngineException.class,
                () -> none.forSignature(bt.result().certificateChain(), lastContents(bt.pdf())));
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, first.code());
        assertTrue(first.getMessage().contains(good.certificate().getSubjectX500Principal().getName()), first.getMessage());
    }

    /** A leaf alone: its issuer is taken from the document's /DSS when it is there, else the error names the leaf. */
    @Test
    void missingIssuerIsLookedUpInTheDocumentSecurityStore() throws Exception {
        TestPki testPki = TestPki.create();
        X509Certificate leaf = testPki.goodSigner().certificate();
        ValidationMaterialCollector collector = new ValidationMaterialCollector(
                new RevocationSources(null, offline(testPki), null), testPki.trustAnchors());
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> collector.forSignature(List.of(leaf), null));
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains(leaf.getSubjectX500Principal().getName()) && e.getMessage().contains("issuer"),
                e.getMessage());

        ValidationMaterial present = new ValidationMaterial(List.of(testPki.intermediate().getEncoded()), List.of(), List.of());
        ValidationMaterial added = collector.collect(List.of(leaf), null, null, present);
        assertEquals(keys(List.of(leaf.getEncoded(), testPki.root().getEncoded(),
                testPki.ocspResponder().certificate().getEncoded())), keys(added.certificates()), "the intermediate is present");
        assertEquals(1, added.ocspResponses().size());
        assertEquals(1, added.crls().size());
    }

    @Test
    void onlyWhatIsNotPresentIsReturned() throws Exception {
        Signed first = sign(engine, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_T);
        ValidationMaterial material = sandboxCollector.forSignature(first.result().certificateChain(), lastContents(first.pdf()));
        assertTrue(material.minus(material).isEmpty());
        byte[] lt = withDss(first.pdf(), material);

        // A second signature by the same seal: its chain and the TSU chain are in the /DSS already.
        Signed second = sign(engine, lt, SignatureLevel.SES, PadesProfile.B_T);
        ValidationMaterial present = readDss(second.pdf());
        assertEquals(material, present);
        ValidationMaterial added = sandboxCollector.collect(second.result().certificateChain(), lastContents(second.pdf()),
                null, present);
        assertEquals(0, added.certificates().size(), added.toString());
        assertEquals(2, added.ocspResponses().size(), "fresh responses (after the new time-stamp) for seal and TSU");
        byte[] lt2 = withDss(second.pdf(), added);
        ValidationReport report = engine.validate(DocumentSource.of(lt2, "x.pdf"), ValidationOptions.sandbox());
        assertEquals(2, report.signatures().size());
        for (SignatureValidation v : report.signatures()) {
            assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
            assertEquals(PadesProfile.B_LT, v.profile().orElseThrow(), v.toString());
        }
        // Content, not identity, decides.
        assertEquals(material, new ValidationMaterial(material.certificates(), material.ocspResponses(), material.crls()));
        assertEquals(material, material.plus(material));
    }

    /** For an extension, the OCSP responses the /DSS already holds (fresh ones) are reused: no source is asked. */
    @Test
    void lackingReusesWhatTheDocumentSecurityStoreHolds() throws Exception {
        Signed lt = sign(engine, SamplePdfs.minimal(), SignatureLevel.SES, PadesProfile.B_LT);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPSource counting = (certificate, issuer) -> {
            asked.incrementAndGet();
            return null;
        };
        ValidationMaterialCollector collector = new ValidationMaterialCollector(counting, null, null,
                List.of(pki.rootCertificate()));
        byte[] cms = lastContents(lt.pdf());
        assertTrue(collector.lacking(cms, null, null, readDss(lt.pdf())).isEmpty());
        assertEquals(0, asked.get(), "nothing asked: the document holds it all");
        assertTrue(collector.chainsToTrustAnchor(cms, readDss(lt.pdf())));

        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> collector.lacking(cms, null, null, ValidationMaterial.empty()));
        assertEquals(ErrorCode.REVOCATION_UNAVAILABLE, e.code());
        assertTrue(asked.get() > 0);
    }

    /** Collecting for the 11th signature of a document costs what collecting for the first did. */
    @Test
    void costDoesNotGrowWithTheNumberOfSignatures() throws Exception {
        Signed one = sign(engine, SamplePdfs.minimal(), SignatureLevel.AES, PadesProfile.B_T);
        byte[] pdf = SamplePdfs.minimal();
        for (int i = 0; i < 10; i++) {
            pdf = sign(engine, pdf, SignatureLevel.AES, PadesProfile.B_T).pdf();
        }
        Signed eleventh = sign(engine, pdf, SignatureLevel.AES, PadesProfile.B_T);

        long[] medians = interleavedMedians(one, eleventh);
        long firstNanos = medians[0];
        long eleventhNanos = medians[1];
        ValidationMaterial material = sandboxCollector.forSignature(eleventh.result().certificateChain(),
                lastContents(eleventh.pdf()));
        byte[] lt = withDss(eleventh.pdf(), material);
        ValidationReport report = engine.validate(DocumentSource.of(lt, "x.pdf"), ValidationOptions.sandbox());
        assertEquals(11, report.signatures().size());
        String field = lastFieldName(lt);
        SignatureValidation newest = report.signatures().stream().filter(v -> v.fieldName().equals(field))
                .findFirst().orElseThrow();
        assertEquals(Indication.TOTAL_PASSED, newest.indication(), newest.toString());
        assertEquals(PadesProfile.B_LT, newest.profile().orElseThrow(), newest.toString());

        // For contrast, DSS's augmentation of the same documents (it re-validates every signature).
        long dssOne = time(() -> dssAugmentation(engine, one.pdf()));
        long dssEleven = time(() -> dssAugmentation(engine, eleventh.pdf()));
        System.out.printf("collect: 1st signature %.2f ms, 11th signature %.2f ms (median of 11, alternated); "
                        + "DSS augmentation (extend to B-LT): 1 signature %.0f ms, 11 signatures %.0f ms%n",
                firstNanos / 1e6, eleventhNanos / 1e6, dssOne / 1e6, dssEleven / 1e6);
        assertTrue(eleventhNanos < 3 * firstNanos + 50_000_000L,
                "collection for the 11th signature took " + eleventhNanos / 1e6 + " ms, for the first " + firstNanos / 1e6);
    }

    /** Median collection times for {@code a} and {@code b}, measured alternately after a warm-up. */
    private static long[] interleavedMedians(Signed a, Signed b) throws IOException {
        byte[] cmsA = lastContents(a.pdf());
        byte[] cmsB = lastContents(b.pdf());
        List<X509Certificate> chainA = a.result().certificateChain();
        List<X509Certificate> chainB = b.result().certificateChain();
        for (int i = 0; i < 5; i++) {
            sandboxCollector.forSignature(chainA, cmsA);
            sandboxCollector.forSignature(chainB, cmsB);
        }
        long[] timesA = new long[11];
        long[] timesB = new long[11];
        for (int i = 0; i < timesA.length; i++) {
            timesA[i] = time(() -> sandboxCollector.forSignature(chainA, cmsA));
            timesB[i] = time(() -> sandboxCollector.forSignature(chainB, cmsB));
        }
        Arrays.sort(timesA);
        Arrays.sort(timesB);
        return new long[] {timesA[timesA.length / 2], timesB[timesB.length / 2]};
    }

    private static long time(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }

    // ----------------------------------------------------------------------------------------------
    // Test scaffolding: reading /Contents, writing and reading a /DSS with PDFBox.

    /** A revocation source on the test-vectors PKI: its delegated responder for end entities, CRLs for the rest. */
    /**
     * DSS's own augmentation to B-LT ({@code PAdESService.extendDocument}) with the engine's trust anchors, revocation
     * sources and time-stamp source: the reference the collector's coverage is compared with (the engine's
     * {@code extend()} no longer calls it).
     */
    static byte[] dssAugmentation(PadesSignatureEngine with, byte[] pdf) {
        eu.europa.esig.dss.spi.validation.CommonCertificateVerifier verifier =
                new eu.europa.esig.dss.spi.validation.CommonCertificateVerifier(true);
        new ScopedAlerts(List.of(), null).install(verifier);
        eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource trusted = new eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource();
        with.trustAnchors().forEach(anchor -> trusted.addCertificate(new eu.europa.esig.dss.model.x509.CertificateToken(anchor)));
        verifier.setTrustedCertSources(trusted);
        verifier.setOcspSource(with.revocation().ocspSource());
        verifier.setCrlSource(with.revocation().crlSource());
        verifier.setAIASource(with.revocation().aiaSource());
        eu.europa.esig.dss.pades.signature.PAdESService service = new eu.europa.esig.dss.pades.signature.PAdESService(verifier);
        service.setTspSource(new DssTimestampSource(with.timestampSource()));
        eu.europa.esig.dss.pades.PAdESSignatureParameters parameters = new eu.europa.esig.dss.pades.PAdESSignatureParameters();
        parameters.setSignatureLevel(eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_LT);
        parameters.setDigestAlgorithm(eu.europa.esig.dss.enumerations.DigestAlgorithm.SHA256);
        return eu.europa.esig.dss.spi.DSSUtils.toByteArray(service.extendDocument(
                new eu.europa.esig.dss.model.InMemoryDocument(pdf, "bt.pdf"), parameters));
    }

    /** A revocation source that never has anything: no OCSP response, no CRL. */
    static RevocationSource unreachable() {
        return new RevocationSource() {
            @Override
            public java.util.Optional<byte[]> ocspResponse(java.security.cert.X509Certificate certificate,
                                                           java.security.cert.X509Certificate issuer) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<byte[]> crl(java.security.cert.X509Certificate certificate,
                                                  java.security.cert.X509Certificate issuer) {
                return java.util.Optional.empty();
            }
        };
    }

    static RevocationSource offline(TestPki testPki) {
        return new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return issuer.equals(testPki.intermediate()) ? Optional.of(testPki.ocspResponse(certificate, Instant.now()))
                        : Optional.empty();
            }

            @Override
            public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return issuer.equals(testPki.root()) || issuer.equals(testPki.intermediate())
                        ? Optional.of(testPki.crl(issuer, Instant.now())) : Optional.empty();
            }
        };
    }

    /**
     * The same certificates as DSS's augmentation, OCSP responses about the same certificates (by CertID
     * serial) and CRLs from the same issuers; the revocation bytes differ (each run gets fresh data).
     */
    static void assertSameCoverage(ValidationMaterial dss, ValidationMaterial ours) throws Exception {
        assertEquals(keys(dss.certificates()), keys(ours.certificates()), "the same certificates as DSS's augmentation");
        assertEquals(ocspSerials(dss), ocspSerials(ours), "OCSP responses about the same certificates");
        assertEquals(crlIssuers(dss), crlIssuers(ours), "CRLs of the same issuers");
    }

    private static List<java.math.BigInteger> ocspSerials(ValidationMaterial material) throws Exception {
        List<java.math.BigInteger> serials = new ArrayList<>();
        for (byte[] der : material.ocspResponses()) {
            for (org.bouncycastle.cert.ocsp.SingleResp single : RevocationSources.parseOcsp(der).getResponses()) {
                serials.add(single.getCertID().getSerialNumber());
            }
        }
        serials.sort(null);
        return serials;
    }

    private static List<String> crlIssuers(ValidationMaterial material) {
        return material.crls().stream()
                .map(der -> org.bouncycastle.asn1.x509.CertificateList.getInstance(der).getIssuer().toString()).sorted().toList();
    }

    /** Validates with {@code validator} and with raw DSS on the document's own data: the newest signature is LT. */
    static void assertPassesAtLt(byte[] pdf, PadesSignatureEngine validator, ValidationOptions options,
                                 List<X509Certificate> anchors) throws IOException {
        String field = lastFieldName(pdf);
        ValidationReport report = validator.validate(DocumentSource.of(pdf, "x.pdf"), options);
        SignatureValidation v = report.signatures().stream().filter(s -> s.fieldName().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError(field + " not in " + report));
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(PadesProfile.B_LT, v.profile().orElseThrow(), v.toString());
        assertEquals("PAdES-BASELINE-LT", v.format(), v.toString());
        assertTrue(v.modifications().isEmpty(), v.toString());

        DssFindings raw = DssFindings.of(pdf, anchors); // no revocation source: only what the document holds
        DssFindings.Entry entry = raw.entries().stream().filter(e -> e.fieldName().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError(field + " not in " + raw.entries()));
        assertEquals("TOTAL_PASSED", entry.indication(), entry.toString());
        assertEquals("PAdES-BASELINE-LT", entry.format(), entry.toString());
        assertTrue(entry.findings().isEmpty(), entry.toString());
    }

    /** The decoded /Contents of the last signature dictionary of {@code pdf} (signature or document time-stamp). */
    static byte[] lastContents(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            List<PDSignature> signatures = document.getSignatureDictionaries();
            PDSignature last = signatures.stream().max((a, b) -> Integer.compare(a.getByteRange()[2], b.getByteRange()[2]))
                    .orElseThrow();
            return last.getContents(pdf);
        }
    }

    /** The fully qualified name of the signature field whose signature was added last. */
    static String lastFieldName(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return document.getSignatureFields().stream().filter(f -> f.getSignature() != null)
                    .max((a, b) -> Integer.compare(a.getSignature().getByteRange()[2], b.getSignature().getByteRange()[2]))
                    .orElseThrow().getFullyQualifiedName();
        }
    }

    /** Appends {@code material} to the /DSS of {@code pdf} (created if absent), in an incremental update. */
    static byte[] withDss(byte[] pdf, ValidationMaterial material) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
            COSDictionary dss = catalog.getCOSDictionary(DSS);
            if (dss == null) {
                dss = new COSDictionary();
                catalog.setItem(DSS, dss);
            }
            append(document, dss, CERTS, material.certificates());
            append(document, dss, OCSPS, material.ocspResponses());
            append(document, dss, CRLS, material.crls());
            dss.setNeedToBeUpdated(true);
            catalog.setNeedToBeUpdated(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            return out.toByteArray();
        }
    }

    private static void append(PDDocument document, COSDictionary dss, COSName key, List<byte[]> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        COSArray array = dss.getCOSArray(key);
        if (array == null) {
            array = new COSArray();
            dss.setItem(key, array);
        }
        for (byte[] der : entries) {
            COSStream stream = document.getDocument().createCOSStream();
            try (OutputStream out = stream.createOutputStream(COSName.FLATE_DECODE)) {
                out.write(der);
            }
            stream.setNeedToBeUpdated(true);
            array.add(stream);
        }
        array.setNeedToBeUpdated(true);
    }

    /** The contents of the /DSS of {@code pdf}, or empty material. */
    static ValidationMaterial readDss(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            COSDictionary dss = document.getDocumentCatalog().getCOSObject().getCOSDictionary(DSS);
            if (dss == null) {
                return ValidationMaterial.empty();
            }
            return new ValidationMaterial(streams(dss, CERTS), streams(dss, OCSPS), streams(dss, CRLS));
        }
    }

    private static List<byte[]> streams(COSDictionary dss, COSName key) throws IOException {
        List<byte[]> result = new ArrayList<>();
        COSArray array = dss.getCOSArray(key);
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                COSBase item = array.getObject(i);
                if (item instanceof COSStream stream) {
                    try (InputStream in = stream.createInputStream()) {
                        result.add(in.readAllBytes());
                    }
                }
            }
        }
        return result;
    }

    private static Set<ByteBuffer> keys(List<byte[]> entries) {
        return entries.stream().map(ByteBuffer::wrap).collect(Collectors.toSet());
    }
}
