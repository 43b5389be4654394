package com.certyneo.engine.pades;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the OCSP responses and CRLs an engine fetches online (see
 * {@link PadesSignatureEngine.Builder#onlineRevocation(Duration)}) are kept until their {@code nextUpdate}, so that
 * each is fetched once per validity period instead of once per signature: one table,
 * {@code CERTYNEO_REVOCATION_CACHE}, in a JDBC database the engine creates it in.
 *
 * <ul>
 *   <li>{@link #file(Path)}: an embedded H2 database in one file, for a single node (no server). One process
 *       opens it at a time; another process meanwhile fetches online.</li>
 *   <li>{@link #jdbc(DataSource)}: any database behind a {@link DataSource}, such as PostgreSQL shared by several
 *       nodes, so that a response one node fetched serves them all. Tested with PostgreSQL and H2.</li>
 * </ul>
 *
 * An entry is used while the current time is before its {@code nextUpdate}; one without {@code nextUpdate} is not
 * reused unless {@link #withFreshnessWithoutNextUpdate(Duration)} says for how long. A stale entry is fetched
 * again and replaced. If the database cannot be reached the engine logs a warning and fetches online as without a
 * cache: a B-LT signature never goes without revocation data because of the cache. Immutable and thread-safe;
 * several engines may share one instance.
 */
public final class RevocationCache {

    private final JdbcRevocationStore store;

    private RevocationCache(JdbcRevocationStore store) {
        this.store = store;
    }

    /**
     * {@return a cache in an embedded H2 database in that file}
     * @param file the database file, such as {@code ~/.certyneo/revocation-cache} (H2 adds {@code .mv.db}); its
     *             directory is created when first used
     */
    public static RevocationCache file(Path file) {
        Objects.requireNonNull(file, "file");
        return new RevocationCache(JdbcRevocationStore.h2(file.toAbsolutePath().normalize(), Duration.ZERO));
    }

    /**
     * {@return a cache in that database}
     * @param dataSource the database (the caller's pool, e.g. of PostgreSQL); the engine borrows one connection per
     *                   lookup or update and closes it
     */
    public static RevocationCache jdbc(DataSource dataSource) {
        return new RevocationCache(new JdbcRevocationStore(Objects.requireNonNull(dataSource, "dataSource"),
                "JDBC data source", Duration.ZERO, null));
    }

    /**
     * {@return a copy of this cache with that freshness}
     * @param freshness how long an entry without {@code nextUpdate} is reused after it was produced (default zero:
     *                  never; RFC 6960 says such a responder always has newer information)
     */
    public RevocationCache withFreshnessWithoutNextUpdate(Duration freshness) {
        if (freshness.isNegative()) {
            throw new IllegalArgumentException("freshness must not be negative");
        }
        return new RevocationCache(store.withFreshness(freshness));
    }

    JdbcRevocationStore store() {
        return store;
    }

    @Override
    public String toString() {
        return "RevocationCache[" + store.describe() + "]";
    }
}
