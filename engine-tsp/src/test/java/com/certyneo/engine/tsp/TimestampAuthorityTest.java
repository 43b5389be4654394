package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process TSA: token content, serial numbers under concurrency, refusals. */
class TimestampAuthorityTest {

    static final String POLICY = "1.2.3.4.5.3";
    static final TestPki.Issued ROOT = TestPki.root("Authority Test Root");
    static final TestPki.Issued TSU = TestPki.tsu(ROOT, "Authority Test TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);

    static TimeStampToken parse(byte[] der) throws Exception {
        return new TimeStampToken(ContentInfo.getInstance(der));
    }

    @Test
    void tokensValidateAndCarryTheProfile() throws Exception {
        Instant now = Instant.parse("2030-01-02T03:04:05.678Z");
        TimestampAuthority tsa = TimestampAuthority.builder().key(TSU.keys().getPrivate(), TSU.chain()).policy(POLICY)
                .accuracy(Duration.ofMillis(1500)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        TimeStampToken token = parse(tsa.timestamp("SHA-256", new byte[32]));
        // BouncyCastle's own full validation: ESSCertID hash, EKU, validity at genTime... (cert valid for a year)
        if (TSU.cert().getNotAfter().toInstant().isAfter(now)) {
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(TSU.cert()));
        } else {
            assertTrue(token.isSignatureValid(new JcaSimpleSignerInfoVerifierBuilder().build(TSU.cert())));
        }
        assertEquals(now, token.getTimeStampInfo().getGenTime().toInstant());
        assertEquals(POLICY, token.getTimeStampInfo().getPolicy().getId());
        assertEquals(1, token.getTimeStampInfo().getAccuracy().getSeconds().intValueExact());
        assertEquals(500, token.getTimeStampInfo().getAccuracy().getMillis().intValueExact());
        SigningCertificateV2 essCert = SigningCertificateV2.getInstance(token.getSignedAttributes()
                .get(PKCSObjectIdentifiers.id_aa_signingCertificateV2).getAttrValues().getObjectAt(0));
        assertNotNull(essCert.getCerts()[0].getIssuerSerial(), "issuerSerial is included");
        assertEquals(Duration.ofMillis(1500), TimestampInfo.of(token.getEncoded()).accuracy().orElseThrow());
    }

    @Test
    void serialsAreDistinctAndIncreasingUnderConcurrency() throws Exception {
        TimestampAuthority tsa = TestPki.authority(TSU, POLICY);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<BigInteger> serials = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    BigInteger previous = BigInteger.ZERO;
                    for (int i = 0; i < 250; i++) {
                        TimeStampToken token = parse(tsa.timestamp("SHA-256", new byte[32]));
                        // A shared, non-thread-safe signer would show up here as broken signatures.
                        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(TSU.cert()));
                        BigInteger serial = token.getTimeStampInfo().getSerialNumber();
                        assertTrue(serial.compareTo(previous) > 0);
                        previous = serial;
                        serials.add(serial);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2000, new HashSet<>(serials).size());
    }

    @Test
    void twoInstancesSharingAKeyNeverIssueTheSameSerial() {
        Clock fixed = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        TimestampAuthority a = TimestampAuthority.builder().key(TSU.keys().getPrivate(), TSU.chain()).policy(POLICY)
                .clock(fixed).build();
        TimestampAuthority b = TimestampAuthority.builder().key(TSU.keys().getPrivate(), TSU.chain()).policy(POLICY)
                .clock(fixed).build();
        Set<BigInteger> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertTrue(seen.add(a.nextSerial()));
            assertTrue(seen.add(b.nextSerial()));
        }
        assertTrue(a.nextSerial().bitLength() <= 160, "RFC 3161 clients must handle serials up to 160 bits");
    }

    @Test
    void refusesSha1AndWrongLengthsAsInvalidRequests() {
        TimestampAuthority tsa = TestPki.authority(TSU, POLICY);
        SignatureEngineException sha1 = assertThrows(SignatureEngineException.class,
                () -> tsa.timestamp("SHA-1", new byte[20]));
        assertEquals(ErrorCode.INVALID_REQUEST, sha1.code());
        assertEquals(ErrorCode.INVALID_REQUEST,
                assertThrows(SignatureEngineException.class, () -> tsa.timestamp("SHA-256", new byte[16])).code());
    }

    @Test
    void refusesCertificatesThatCannotTimeStamp() {
        TestPki.Issued serverAuth = TestPki.tsu(ROOT, "Web", TestPki.Eku.SERVER_AUTH);
        assertThrows(IllegalArgumentException.class, () -> TestPki.authority(serverAuth, POLICY));
        assertThrows(IllegalArgumentException.class, () -> TimestampAuthority.builder()
                .key(TSU.keys().getPrivate(), TSU.chain()).policy(POLICY).accuracy(Duration.ZERO).build());
    }

    @Test
    void rsaKeysWork() throws Exception {
        TestPki.Issued rsa = TestPki.tsu(ROOT, "RSA TSU", TestPki.Eku.TIME_STAMPING_CRITICAL, TestPki.rsa(2048));
        TimestampAuthority tsa = TestPki.authority(rsa, POLICY);
        TimeStampToken token = parse(tsa.timestamp("SHA-512", new byte[64]));
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(rsa.cert()));
        assertNotEquals(0, token.getTimeStampInfo().getSerialNumber().signum());
    }
}
