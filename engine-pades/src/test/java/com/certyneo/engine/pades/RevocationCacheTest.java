package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;
import com.certyneo.testvectors.TestPkiServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The revocation cache (issue 13): what one engine fetched online serves another engine on the same database (an
 * embedded H2 file, a real PostgreSQL server), a stale entry is fetched again and replaced, and a database that is
 * down means fetching online: a B-LT signature always has its revocation data. A responder that answers on demand
 * is asked again when its cached answer predates the new signature's time-stamp (the signature then carries data
 * as fresh as without a cache); a source that publishes periodically (here: a test PKI whose responder and CRLs
 * are dated an hour back) is served from the cache until nextUpdate.
 */
class RevocationCacheTest {

    /** Answers produced on demand, dated at the request. */
    @RegisterExtension
    static TestPkiServer onDemand = TestPkiServer.start();

    /** Answers published an hour ago, valid for a week: what most CRLs (and pre-produced OCSP responses) look like. */
    @RegisterExtension
    static TestPkiServer periodic = TestPkiServer.start(TestPki.builder().seed("certyneo-revocation-cache")
            .clock(Clock.fixed(Instant.now().minus(Duration.ofHours(1)), java.time.ZoneOffset.UTC)));

    static TestPkiServer server = periodic;

    @TempDir
    Path dir;

    private static PadesSignatureEngine engine(RevocationCache cache) {
        return engine(periodic, cache);
    }

    private static PadesSignatureEngine engine(TestPkiServer server, RevocationCache cache) {
        return engine(server, cache, Clock.systemUTC());
    }

    private static PadesSignatureEngine engine(TestPkiServer server, RevocationCache cache, Clock tsaClock) {
        TestPki pki = server.pki();
        TestPki.Credential signer = pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.EC_P256);
        PadesSignatureEngine.Builder builder = PadesSignatureEngine.builder()
                .sealKey(SigningKey.of(signer.key(), signer.chain()))
                .timestampSource(pki.tsa(1).authority(tsaClock))
                .trustAnchor(pki.root())
                .onlineRevocation(Duration.ofSeconds(5));
        if (cache != null) {
            builder.revocationCache(cache);
        }
        return builder.build();
    }

    /** Signs at B-LT and checks the signature validates at B-LT offline (its revocation data is in the file). */
    private void signLt(PadesSignatureEngine engine, String name) {
        signLt(periodic, engine, name);
    }

    private void signLt(TestPkiServer server, PadesSignatureEngine engine, String name) {
        Path out = dir.resolve(name + ".pdf");
        SigningResult result = engine.sign(SignRequest.builder()
                .document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Seal", "seal@example.com")).level(SignatureLevel.SES).profile(PadesProfile.B_LT)
                .build());
        assertEquals(PadesProfile.B_LT, result.profile());
        try (PadesSignatureEngine offline = PadesSignatureEngine.builder().build()) {
            ValidationReport report = offline.validate(DocumentSource.of(out),
                    ValidationOptions.trusting(server.pki().trustAnchors()));
            assertTrue(report.allPassed(), report.toString());
            assertEquals(PadesProfile.B_LT, report.signatures().get(0).profile().orElseThrow(), report.toString());
        }
    }

    private static long fetches() {
        return fetches(periodic);
    }

    private static long fetches(TestPkiServer server) {
        return server.requestCount("ocsp") + server.requestCount("crl");
    }

    private static long rows(DataSource source) throws Exception {
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + JdbcRevocationStore.TABLE)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aSecondEngineOnTheSameFileFetchesNothing() {
        Path file = dir.resolve("cache/revocation");
        long before = fetches();
        try (PadesSignatureEngine first = engine(RevocationCache.file(file))) {
            signLt(first, "first");
        }
        long fetched = fetches() - before;
        assertTrue(fetched > 0, "the first signature's revocation data came from the responders");
        try (PadesSignatureEngine second = engine(RevocationCache.file(file))) {
            signLt(second, "second");
        }

        assertEquals(before + fetched, fetches(), "the second engine found everything in the cache file");
        // without a cache the same signature fetches again
        try (PadesSignatureEngine uncached = engine(null)) {
            signLt(uncached, "uncached");
        }
        assertTrue(fetches() >= before + 2 * fetched, "fetched again without the cache");
    }

    @Test
    void aSecondSignerOnTheSameDocumentGetsTheSameCachedAnswers() {
        // An envelope: the second seal signs the first one's output; every OCSP response and CRL it needs is the very
        // one the first signature's /DSS already holds (served from the cache, byte for byte).
        Path file = dir.resolve("envelope/revocation");
        Path first = dir.resolve("envelope-1.pdf");
        Path second = dir.resolve("envelope-2.pdf");
        try (PadesSignatureEngine engine = engine(RevocationCache.file(file))) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(PdfVector.MINIMAL.bytes(), "m.pdf"))
                    .output(DocumentTarget.of(first)).signer(Signer.of("Seal", "seal@example.com"))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_LT).build());
            long before = fetches();
            SigningResult result = engine.sign(SignRequest.builder().document(DocumentSource.of(first))
                    .output(DocumentTarget.of(second)).signer(Signer.of("Seal", "seal@example.com"))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_LT).build());
            assertEquals(PadesProfile.B_LT, result.profile());
            assertEquals(before, fetches(), "nothing fetched: the cache and the document hold it all");
        }
        try (PadesSignatureEngine offline = PadesSignatureEngine.builder().build()) {
            ValidationReport report = offline.validate(DocumentSource.of(second),
                    ValidationOptions.trusting(periodic.pki().trustAnchors()));
            assertTrue(report.allPassed(), report.toString());
            assertEquals(2, report.signatures().size());
            report.signatures().forEach(s -> assertEquals(PadesProfile.B_LT, s.profile().orElseThrow(), report.toString()));
        }
    }

    @Test
    void anOnDemandAnswerOlderThanTheNewSignatureIsFetchedAgain() {
        Path file = dir.resolve("on-demand/revocation");
        long before = fetches(onDemand);
        try (PadesSignatureEngine first = engine(onDemand, RevocationCache.file(file))) {
            signLt(onDemand, first, "first");
        }
        long fetched = fetches(onDemand) - before;
        assertTrue(fetched > 0);
        // The second signature's time-stamp is seconds later (freshness is judged to the second).
        try (PadesSignatureEngine second = engine(onDemand, RevocationCache.file(file),
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(5)))) {
            signLt(onDemand, second, "second");
        }
        assertTrue(fetches(onDemand) >= before + 2 * fetched,
                "the cached answers predate the second signature's time-stamp and the responders give fresher ones");
    }

    @Test
    void twoEnginesOnOnePostgresqlShareEntriesAndAStaleEntryIsFetchedAgain() throws Exception {
        Assumptions.assumeTrue(PostgresServer.available(), "PostgreSQL is not installed (required under CI=true)");
        try (PostgresServer postgres = PostgresServer.create()) {
            long before = fetches();
            try (PadesSignatureEngine nodeA = engine(RevocationCache.jdbc(postgres.dataSource()))) {
                signLt(nodeA, "node-a");
            }
            long fetched = fetches() - before;
            assertTrue(fetched > 0);
            long entries = rows(postgres.dataSource());
            assertEquals(fetched, entries, "one row per response or CRL fetched");
            try (PadesSignatureEngine nodeB = engine(RevocationCache.jdbc(postgres.dataSource()))) {
                signLt(nodeB, "node-b");
            }
            assertEquals(before + fetched, fetches(), "node B used node A's entries");

            // Every entry past its nextUpdate: node B fetches again and replaces them.
            try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + JdbcRevocationStore.TABLE + " SET NEXT_UPDATE = "
                        + Instant.now().minusSeconds(60).toEpochMilli());
            }
            try (PadesSignatureEngine nodeB = engine(RevocationCache.jdbc(postgres.dataSource()))) {
                signLt(nodeB, "node-b-stale");
            }
            assertEquals(before + 2 * fetched, fetches(), "stale entries were fetched again");
            assertEquals(entries, rows(postgres.dataSource()), "and replaced, not added");
            try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT MIN(NEXT_UPDATE) FROM " + JdbcRevocationStore.TABLE)) {
                r.next();
                assertTrue(r.getLong(1) > Instant.now().toEpochMilli(), "fresh nextUpdate stored");
            }

            // The database down: the engine fetches online (with a warning) and the signature is still B-LT.
            postgres.stop();
            long down = fetches();
            try (PadesSignatureEngine nodeC = engine(RevocationCache.jdbc(postgres.dataSource()))) {
                signLt(nodeC, "node-c-db-down");
            }
            assertTrue(fetches() >= down + fetched, "fetched online while the database was down");
        }
    }

    @Test
    void aDatabaseThatCannotBeOpenedFallsBackToOnlineFetching() throws Exception {
        // A "file" whose directory cannot be created: a regular file stands where the directory should be.
        Path blocker = java.nio.file.Files.writeString(dir.resolve("not-a-directory"), "x");
        long before = fetches();
        try (PadesSignatureEngine engine = engine(RevocationCache.file(blocker.resolve("revocation")))) {
            signLt(engine, "fallback");
        }
        assertTrue(fetches() > before, "fetched online");
    }

    @Test
    void aCacheWithoutOnlineRevocationIsAConfigurationError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PadesSignatureEngine.builder()
                .revocationCache(RevocationCache.file(dir.resolve("c"))).build());
        assertTrue(e.getMessage().contains("onlineRevocation"), e.getMessage());
    }
}
