package com.certyneo.engine.pades;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The revocation cache's table: one row per OCSP response or CRL, keyed by what it answers for, with its
 * {@code thisUpdate}/{@code nextUpdate} as epoch milliseconds (portable across databases) and whether its source
 * produced it on demand (dated when fetched) or publishes periodically. Upserts are an UPDATE
 * then an INSERT, retried as an UPDATE when another node inserted the same key in between (a primary-key
 * violation), so that several nodes can share the table without a database-specific MERGE. Thread-safe.
 */
final class JdbcRevocationStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcRevocationStore.class);
    static final String TABLE = "CERTYNEO_REVOCATION_CACHE";

    /** One cached answer. */
    record Entry(byte[] data, Instant thisUpdate, Instant nextUpdate) {
    }

    /** How far before its fetch an answer may be dated and still count as produced on demand (clock skew). */
    static final Duration ON_DEMAND_TOLERANCE = Duration.ofMinutes(1);

    private final DataSource dataSource;
    private final String description;
    private final Duration freshnessWithoutNextUpdate;
    /** The H2 file's directory, created before the first connection; {@code null} for a caller's data source. */
    private final Path directory;
    private final AtomicBoolean tableReady = new AtomicBoolean();
    /** Whether the last operation failed: a warning is logged when the database becomes unreachable, not each time. */
    private final AtomicBoolean failing = new AtomicBoolean();

    JdbcRevocationStore(DataSource dataSource, String description, Duration freshnessWithoutNextUpdate, Path directory) {
        this.dataSource = dataSource;
        this.description = description;
        this.freshnessWithoutNextUpdate = freshnessWithoutNextUpdate;
        this.directory = directory;
    }

    /** An embedded H2 database in {@code file} (H2 adds {@code .mv.db}), kept open 10 s after its last use. */
    static JdbcRevocationStore h2(Path file, Duration freshness) {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + file + ";DB_CLOSE_DELAY=10");
        h2.setUser("certyneo");
        h2.setPassword("");
        return new JdbcRevocationStore(h2, "H2 file " + file + ".mv.db", freshness, file.getParent());
    }

    JdbcRevocationStore withFreshness(Duration freshness) {
        return new JdbcRevocationStore(dataSource, description, freshness, directory);
    }

    String describe() {
        return description;
    }

    /**
     * The cached answer for {@code key}, if it is still valid at {@code now} (before its nextUpdate) and recent
     * enough for the caller: issued at or after {@code requiredAfter} (to the second), or from a source that
     * publishes periodically (the answer was already older than that when fetched), whose next fetch would bring
     * nothing newer before nextUpdate. An answer a responder produced on demand and older than required is not
     * returned: the responder can give a fresher one.
     *
     * @param key what the answer is for
     * @param now the current time
     * @param requiredAfter the time the caller wants data issued after (a signature's best-signature-time), or
     *                      {@code null}
     * @return the usable cached answer, if any
     * @throws SQLException when the database cannot be used
     */
    Optional<Entry> fresh(String key, Instant now, Instant requiredAfter) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT DATA, THIS_UPDATE, NEXT_UPDATE, ON_DEMAND FROM " + TABLE + " WHERE CACHE_KEY = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                succeeded();
                if (!row.next()) {
                    return Optional.empty();
                }
                Instant thisUpdate = Instant.ofEpochMilli(row.getLong(2));
                long next = row.getLong(3);
                Instant nextUpdate = row.wasNull() ? null : Instant.ofEpochMilli(next);
                Instant until = nextUpdate != null ? nextUpdate : thisUpdate.plus(freshnessWithoutNextUpdate);
                if (!now.isBefore(until)) {
                    LOG.debug("Revocation cache entry {} is stale (until {})", key, until);
                    return Optional.empty();
                }
                boolean onDemand = row.getInt(4) != 0;
                if (onDemand && requiredAfter != null
                        && thisUpdate.toEpochMilli() < requiredAfter.toEpochMilli() / 1000 * 1000) {
                    LOG.debug("Revocation cache entry {} ({}) predates {}; its source answers on demand", key, thisUpdate,
                            requiredAfter);
                    return Optional.empty();
                }
                return Optional.of(new Entry(row.getBytes(1), thisUpdate, nextUpdate));
            }
        } catch (SQLException e) {
            failed(e);
            throw e;
        }
    }

    /**
     * Stores or replaces the answer for {@code key}.
     *
     * @throws SQLException when the database cannot be used
     */
    void put(String key, String kind, byte[] data, Instant thisUpdate, Instant nextUpdate, Instant fetchedAt)
            throws SQLException {
        try (Connection connection = connect()) {
            if (update(connection, key, data, thisUpdate, nextUpdate, fetchedAt) == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                        + " (CACHE_KEY, KIND, DATA, THIS_UPDATE, NEXT_UPDATE, FETCHED_AT, ON_DEMAND)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, key);
                    insert.setString(2, kind);
                    insert.setBytes(3, data);
                    insert.setLong(4, thisUpdate.toEpochMilli());
                    setNullableTime(insert, 5, nextUpdate);
                    insert.setLong(6, fetchedAt.toEpochMilli());
                    insert.setInt(7, onDemand(thisUpdate, fetchedAt) ? 1 : 0);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                        throw e;
                    }
                    // another node inserted this key meanwhile: replace its entry with ours
                    update(connection, key, data, thisUpdate, nextUpdate, fetchedAt);
                }
            }
            succeeded();
        } catch (SQLException e) {
            failed(e);
            throw e;
        }
    }

    private static int update(Connection connection, String key, byte[] data, Instant thisUpdate, Instant nextUpdate,
                              Instant fetchedAt) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                + " SET DATA = ?, THIS_UPDATE = ?, NEXT_UPDATE = ?, FETCHED_AT = ?, ON_DEMAND = ? WHERE CACHE_KEY = ?")) {
            update.setBytes(1, data);
            update.setLong(2, thisUpdate.toEpochMilli());
            setNullableTime(update, 3, nextUpdate);
            update.setLong(4, fetchedAt.toEpochMilli());
            update.setInt(5, onDemand(thisUpdate, fetchedAt) ? 1 : 0);
            update.setString(6, key);
            return update.executeUpdate();
        }
    }

    /** Whether an answer dated {@code thisUpdate} and fetched at {@code fetchedAt} was produced for that request. */
    private static boolean onDemand(Instant thisUpdate, Instant fetchedAt) {
        return !thisUpdate.isBefore(fetchedAt.minus(ON_DEMAND_TOLERANCE));
    }

    private static void setNullableTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, time.toEpochMilli());
        }
    }

    /** After a successful operation: the next failure warns again. */
    private void succeeded() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("Revocation cache {} is reachable again", description);
        }
    }

    private void failed(SQLException e) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("Revocation cache {} cannot be used ({}); OCSP responses and CRLs are fetched online until it can",
                    description, e.getMessage());
        } else {
            LOG.debug("Revocation cache {} still cannot be used: {}", description, e.getMessage());
        }
    }

    private Connection connect() throws SQLException {
        if (directory != null && !Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
            } catch (java.io.IOException e) {
                throw new SQLException("cannot create " + directory + ": " + e.getMessage(), e);
            }
        }
        Connection connection = dataSource.getConnection();
        try {
            if (!tableReady.get()) {
                createTable(connection);
                tableReady.set(true);
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static void createTable(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String binary = product.contains("postgres") ? "BYTEA" : product.contains("h2") ? "VARBINARY" : "BLOB";
        try (Statement create = connection.createStatement()) {
            create.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (CACHE_KEY VARCHAR(200) NOT NULL PRIMARY KEY,"
                    + " KIND VARCHAR(8) NOT NULL, DATA " + binary + " NOT NULL, THIS_UPDATE BIGINT NOT NULL,"
                    + " NEXT_UPDATE BIGINT, FETCHED_AT BIGINT NOT NULL, ON_DEMAND SMALLINT NOT NULL)");
        } catch (SQLException e) {
            // Two nodes creating the table at once: one of them loses the race (PostgreSQL reports a duplicate type).
            try (Statement probe = connection.createStatement()) {
                probe.executeQuery("SELECT COUNT(*) FROM " + TABLE).close();
            } catch (SQLException notThere) {
                e.addSuppressed(notThere);
                throw e;
            }
        }
    }
}
