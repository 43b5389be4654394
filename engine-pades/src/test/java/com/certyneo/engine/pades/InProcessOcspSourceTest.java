package com.certyneo.engine.pades;

import com.certyneo.engine.Signer;
import eu.europa.esig.dss.enumerations.CertificateStatus;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-process responder reuses a response about a CA certificate within the second it was signed in (the
 * times it carries are whole seconds, so a new one would say the same), never across seconds, never after a
 * revocation, and never for end-entity certificates.
 */
class InProcessOcspSourceTest {

    @TempDir
    static Path home;
    static SandboxPki pki;

    @BeforeAll
    static void setUp() {
        pki = SandboxPki.loadOrCreate(home);
    }

    /** A clock the test moves. */
    private static final class SteppedClock extends Clock {
        final AtomicReference<Instant> now;

        SteppedClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static OCSPToken ask(InProcessOcspSource source, X509Certificate certificate, X509Certificate issuer) {
        OCSPToken token = source.getRevocationToken(new CertificateToken(certificate), new CertificateToken(issuer));
        assertTrue(token.isValid(), "the response verifies");
        return token;
    }

    @Test
    void aCaResponseIsReusedWithinItsSecondOnly() {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-12-03T10:00:00.100Z"));
        InProcessOcspSource source = new InProcessOcspSource(List.of(pki.root(), pki.signerCa()), clock);
        X509Certificate ca = pki.signerCa().certificate();
        X509Certificate root = pki.rootCertificate();

        OCSPToken first = ask(source, ca, root);
        assertEquals(Instant.parse("2026-12-03T10:00:00Z"), first.getThisUpdate().toInstant(),
                "thisUpdate carries whole seconds");
        assertEquals(first.getThisUpdate(), first.getProductionDate(), "producedAt too");
        clock.now.set(Instant.parse("2026-12-03T10:00:00.900Z"));
        OCSPToken sameSecond = ask(source, ca, root);
        assertArrayEquals(first.getEncoded(), sameSecond.getEncoded(), "reused within the second it was signed in");
        assertEquals(CertificateStatus.GOOD, sameSecond.getStatus());

        clock.now.set(Instant.parse("2026-12-03T10:00:01.000Z"));
        OCSPToken nextSecond = ask(source, ca, root);
        assertFalse(java.util.Arrays.equals(first.getEncoded(), nextSecond.getEncoded()), "signed anew in the next second");
        assertEquals(Instant.parse("2026-12-03T10:00:01Z"), nextSecond.getThisUpdate().toInstant());
    }

    @Test
    void aRevocationEndsTheReuseAtOnce() {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-12-03T11:00:00.200Z"));
        InProcessOcspSource source = new InProcessOcspSource(List.of(pki.root(), pki.signerCa()), clock);
        X509Certificate ca = pki.signerCa().certificate();
        assertEquals(CertificateStatus.GOOD, ask(source, ca, pki.rootCertificate()).getStatus());
        source.revoke(ca, Instant.parse("2026-12-03T10:59:00Z"));
        OCSPToken after = ask(source, ca, pki.rootCertificate()); // the same second
        assertEquals(CertificateStatus.REVOKED, after.getStatus());
    }

    @Test
    void endEntityCertificatesAlwaysGetANewResponse() {
        Clock fixed = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);
        InProcessOcspSource source = new InProcessOcspSource(List.of(pki.root(), pki.signerCa()), fixed);
        List<X509Certificate> oneTime = OneTimeCertificateAuthority.sandbox(pki).issue(Signer.of("Jane Doe", "jane@example.com"),
                X509Builder.newEcKeyPair().getPublic(), fixed.instant());
        X509Certificate tsu = pki.tsa().certificate();
        for (X509Certificate[] pair : new X509Certificate[][] {{oneTime.get(0), oneTime.get(1)}, {tsu, pki.rootCertificate()}}) {
            OCSPToken first = ask(source, pair[0], pair[1]);
            OCSPToken second = ask(source, pair[0], pair[1]);
            assertEquals(first.getThisUpdate(), second.getThisUpdate());
            assertNotEquals(java.util.HexFormat.of().formatHex(first.getEncoded()),
                    java.util.HexFormat.of().formatHex(second.getEncoded()), "a new signature for " + pair[0].getSubjectX500Principal());
        }
    }
}
