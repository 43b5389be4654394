package com.certyneo.engine.tsp;

import com.certyneo.engine.spi.RevocationSource;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.PrivateKeyUsagePeriod;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TSA hardening (issue 13): the TSU key's usage period, per-TSA pinning of the TSU certificate or its issuer, and
 * the TSU certificate's revocation status from the data at hand (the token's own CRLs and OCSP responses, the
 * client's revocation source). Each check refuses what it must and lets through what it must not refuse.
 */
class TsaHardeningTest {

    static final String POLICY = "1.2.3.4.5.1";
    static TestPki.Issued root;
    static TestPki.Issued tsu;

    @BeforeAll
    static void pki() {
        root = TestPki.root("Hardening Root");
        tsu = TestPki.tsu(root, "Hardening TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
    }

    private static TsaClient.Builder client(String url, Consumer<TsaEndpoint[]> endpoint) {
        TsaEndpoint[] e = {TsaEndpoint.of(url).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))};
        endpoint.accept(e);
        return TsaClient.builder().trustAnchors(List.of(root.cert())).allowedPolicies(List.of(POLICY)).retries(0)
                .retryDelay(Duration.ZERO).endpoint(e[0]);
    }

    private static TsaClient.Builder client(String url) {
        return client(url, e -> { });
    }

    /** A fake TSA whose tokens are signed by {@code signer} after {@code tweak}. */
    private static FakeTsa tsa(TestPki.Issued signer, Consumer<TokenForge> tweak) {
        return FakeTsa.replying(request -> {
            TokenForge forge = TokenForge.answering(request, signer, POLICY);
            tweak.accept(forge);
            return forge.response();
        });
    }

    private static TestPki.Issued tsuWithKeyUsagePeriod(Instant notBefore, Instant notAfter) {
        return TestPki.tsu(root, "Period TSU", b -> b.addExtension(Extension.privateKeyUsagePeriod, false,
                PrivateKeyUsagePeriod.getInstance(new org.bouncycastle.asn1.DERSequence(
                        new org.bouncycastle.asn1.ASN1Encodable[]{
                                new org.bouncycastle.asn1.DERTaggedObject(false, 0, new ASN1GeneralizedTime(Date.from(notBefore))),
                                new org.bouncycastle.asn1.DERTaggedObject(false, 1, new ASN1GeneralizedTime(Date.from(notAfter)))}))));
    }

    // --- key usage period --------------------------------------------------------------------------------------

    @Test
    void aTokenDatedAfterTheTsuKeyWasRetiredIsRefused() {
        TestPki.Issued retired = tsuWithKeyUsagePeriod(Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)));
        try (FakeTsa fake = tsa(retired, f -> { })) {
            TsaException e = TsaClientTest.fails(client(fake.url()).build(), TsaCheck.TSU_CERTIFICATE, fake.url());
            assertTrue(e.getMessage().contains("usage period") && e.getMessage().contains("retired"), e::getMessage);
        }
    }

    @Test
    void aTokenDatedBeforeTheTsuKeyEntersServiceIsRefused() {
        TestPki.Issued early = tsuWithKeyUsagePeriod(Instant.now().plus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
        try (FakeTsa fake = tsa(early, f -> { })) {
            TsaException e = TsaClientTest.fails(client(fake.url()).build(), TsaCheck.TSU_CERTIFICATE, fake.url());
            assertTrue(e.getMessage().contains("not yet put in service"), e::getMessage);
        }
    }

    @Test
    void aTokenWithinTheTsuKeyUsagePeriodPasses() {
        TestPki.Issued current = tsuWithKeyUsagePeriod(Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
        try (FakeTsa fake = tsa(current, f -> { })) {
            assertTrue(client(fake.url()).build().request("SHA-256", TsaClientTest.digest()).chainTrusted());
        }
    }

    // --- pinning ---------------------------------------------------------------------------------------------------

    @Test
    void pinningTheTsuCertificateOrItsIssuerAcceptsThatTsa() {
        try (FakeTsa fake = tsa(tsu, f -> { })) {
            for (X509Certificate pin : List.of(tsu.cert(), root.cert())) {
                TimestampResult result = client(fake.url(), e -> e[0] = e[0].withPinnedCertificates(List.of(pin)))
                        .build().request("SHA-256", TsaClientTest.digest());
                assertEquals(tsu.cert(), result.info().tsuCertificate().orElseThrow());
            }
        }
    }

    @Test
    void aTrustedTsuOtherThanThePinnedOneIsRefused() {
        // Same root, so the trust check passes; the pin names another TSU certificate of that root.
        TestPki.Issued other = TestPki.tsu(root, "Other TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        try (FakeTsa fake = tsa(other, f -> { })) {
            TsaException e = TsaClientTest.fails(client(fake.url(),
                    x -> x[0] = x[0].withPinnedCertificates(List.of(tsu.cert()))).build(), TsaCheck.PIN, fake.url());
            assertTrue(e.getMessage().contains("Other TSU") && e.getMessage().contains("Hardening TSU"), e::getMessage);
        }
        // Pinned to a CA that did not issue the TSU certificate
        TestPki.Issued otherCa = TestPki.root("Other CA");
        try (FakeTsa fake = tsa(tsu, f -> { })) {
            TsaClientTest.fails(client(fake.url(), x -> x[0] = x[0].withPinnedCertificates(List.of(otherCa.cert())))
                    .build(), TsaCheck.PIN, fake.url());
        }
        assertThrows(IllegalArgumentException.class, () -> TsaEndpoint.of("http://tsa.example/").withPinnedCertificates(List.of()));
    }

    @Test
    void aCaWithTheIssuersNameButAnotherKeyIsNoPin() {
        // An attacker's CA named like the real one: names match, the signature does not.
        TestPki.Issued lookalike = TestPki.root("Hardening Root");
        try (FakeTsa fake = tsa(tsu, f -> { })) {
            TsaClientTest.fails(client(fake.url(), x -> x[0] = x[0].withPinnedCertificates(List.of(lookalike.cert())))
                    .build(), TsaCheck.PIN, fake.url());
        }
    }

    // --- revocation --------------------------------------------------------------------------------------------

    private static X509CRLHolder crl(TestPki.Issued issuer, X509Certificate revoked) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(new JcaX509CertificateHolder(issuer.cert()).getSubject(),
                Date.from(Instant.now().minus(Duration.ofHours(1))));
        b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
        if (revoked != null) {
            b.addCRLEntry(revoked.getSerialNumber(), Date.from(Instant.now().minus(Duration.ofHours(2))), CRLReason.keyCompromise);
        }
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.keys().getPrivate()));
    }

    private static OCSPResp ocsp(TestPki.Issued signer, X509Certificate subject, X509Certificate issuer,
                                 CertificateStatus status) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), subject.getSerialNumber());
        BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(signer.cert()).getSubject()));
        b.addResponse(id, status, Date.from(Instant.now().minus(Duration.ofMinutes(5))),
                Date.from(Instant.now().plus(Duration.ofHours(12))));
        X509CertificateHolder[] chain = signer.cert().equals(issuer) ? null
                : new X509CertificateHolder[]{new JcaX509CertificateHolder(signer.cert())};
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.keys().getPrivate()), chain, new Date()));
    }

    private static RevocationSource source(OCSPResp ocsp, X509CRLHolder crl) {
        return new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return Optional.ofNullable(ocsp).map(r -> {
                    try {
                        return r.getEncoded();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }

            @Override
            public Optional<byte[]> crl(X509Certificate certificate, X509Certificate issuer) {
                return Optional.ofNullable(crl).map(c -> {
                    try {
                        return c.getEncoded();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        };
    }

    @Test
    void aTokenCarryingItsIssuersCrlThatRevokesTheTsuIsRefused() throws Exception {
        X509CRLHolder revoking = crl(root, tsu.cert());
        try (FakeTsa fake = tsa(tsu, f -> f.crls = List.of(revoking))) {
            TsaException e = TsaClientTest.fails(client(fake.url()).build(), TsaCheck.REVOCATION, fake.url());
            assertTrue(e.getMessage().contains("revoked since") && e.getMessage().contains("KEY_COMPROMISE")
                    && e.getMessage().contains("a CRL in the token"), e::getMessage);
        }
    }

    @Test
    void revocationDataNotSignedByTheIssuerIsIgnored() throws Exception {
        TestPki.Issued lookalike = TestPki.root("Hardening Root"); // same name, another key
        X509CRLHolder forgedCrl = crl(lookalike, tsu.cert());
        OCSPResp forgedOcsp = ocsp(lookalike, tsu.cert(), root.cert(), new RevokedStatus(new Date(), CRLReason.keyCompromise));
        try (FakeTsa fake = tsa(tsu, f -> {
            f.crls = List.of(forgedCrl);
            f.ocspResponses = List.of(forgedOcsp);
        })) {
            assertTrue(client(fake.url()).build().request("SHA-256", TsaClientTest.digest()).chainTrusted());
        }
    }

    @Test
    void aCleanCrlOrAGoodOcspResponsePasses() throws Exception {
        X509CRLHolder clean = crl(root, null);
        OCSPResp good = ocsp(root, tsu.cert(), root.cert(), CertificateStatus.GOOD);
        try (FakeTsa fake = tsa(tsu, f -> {
            f.crls = List.of(clean);
            f.ocspResponses = List.of(good);
        })) {
            assertTrue(client(fake.url()).build().request("SHA-256", TsaClientTest.digest()).chainTrusted());
        }
    }

    @Test
    void theRevocationSourceIsAskedAboutTheTsu() throws Exception {
        try (FakeTsa fake = tsa(tsu, f -> { })) {
            OCSPResp revoked = ocsp(root, tsu.cert(), root.cert(),
                    new RevokedStatus(Date.from(Instant.now().minus(Duration.ofDays(1))), CRLReason.cessationOfOperation));
            TsaException e = TsaClientTest.fails(client(fake.url()).revocationSource(source(revoked, null)).build(),
                    TsaCheck.REVOCATION, fake.url());
            assertTrue(e.getMessage().contains("the OCSP response from the revocation source")
                    && e.getMessage().contains("CESSATION_OF_OPERATION"), e::getMessage);

            OCSPResp unknown = ocsp(root, tsu.cert(), root.cert(), new UnknownStatus());
            e = TsaClientTest.fails(client(fake.url()).revocationSource(source(unknown, null)).build(),
                    TsaCheck.REVOCATION, fake.url());
            assertTrue(e.getMessage().contains("unknown"), e::getMessage);

            TsaClientTest.fails(client(fake.url()).revocationSource(source(null, crl(root, tsu.cert()))).build(),
                    TsaCheck.REVOCATION, fake.url());

            OCSPResp good = ocsp(root, tsu.cert(), root.cert(), CertificateStatus.GOOD);
            assertTrue(client(fake.url()).revocationSource(source(good, crl(root, null))).build()
                    .request("SHA-256", TsaClientTest.digest()).chainTrusted());
            assertTrue(client(fake.url()).revocationSource(source(null, null)).build()
                    .request("SHA-256", TsaClientTest.digest()).chainTrusted(), "no data: nothing to refuse on");
        }
    }

    @Test
    void aDelegatedOcspResponderCountsAndAnUndelegatedOneDoesNot() throws Exception {
        TestPki.Issued responder = TestPki.ocspResponder(root, "Hardening OCSP");
        RevokedStatus revoked = new RevokedStatus(Date.from(Instant.now().minus(Duration.ofDays(1))), CRLReason.superseded);
        try (FakeTsa fake = tsa(tsu, f -> { })) {
            TsaClientTest.fails(client(fake.url()).revocationSource(source(ocsp(responder, tsu.cert(), root.cert(), revoked),
                    null)).build(), TsaCheck.REVOCATION, fake.url());
            // a certificate of the same CA without id-kp-OCSPSigning may not answer for it
            TestPki.Issued notResponder = TestPki.tsu(root, "Not a responder", TestPki.Eku.TIME_STAMPING_CRITICAL);
            assertTrue(client(fake.url()).revocationSource(source(ocsp(notResponder, tsu.cert(), root.cert(), revoked),
                    null)).build().request("SHA-256", TsaClientTest.digest()).chainTrusted());
        }
    }

    @Test
    void anOcspResponseAboutAnotherCertificateSaysNothing() throws Exception {
        TestPki.Issued other = TestPki.tsu(root, "Other", TestPki.Eku.TIME_STAMPING_CRITICAL);
        OCSPResp aboutOther = ocsp(root, other.cert(), root.cert(), new RevokedStatus(new Date(), CRLReason.keyCompromise));
        try (FakeTsa fake = tsa(tsu, f -> f.ocspResponses = List.of(aboutOther))) {
            assertTrue(client(fake.url()).build().request("SHA-256", TsaClientTest.digest()).chainTrusted());
        }
    }
}
