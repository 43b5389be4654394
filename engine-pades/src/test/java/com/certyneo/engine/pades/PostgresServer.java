package com.certyneo.engine.pades;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, from the Debian {@code postgresql} package's binaries
 * ({@code /usr/lib/postgresql/VERSION/bin}; {@code .ci/run} installs them): its own data directory, a free port
 * on 127.0.0.1, trust authentication, no fsync. Run as user {@code postgres} when the tests run as root (PostgreSQL
 * refuses root). {@link #available()} is false where PostgreSQL is not installed, and throws under {@code CI=true}
 * (a required tool must fail CI, never skip).
 */
final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgres;

    private PostgresServer(Path bin, Path data, int port, boolean asPostgres) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** @return the newest installed PostgreSQL's bin directory, or {@code null} */
    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString()))).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** @return whether PostgreSQL is installed; throws under {@code CI=true} when it is not */
    static boolean available() {
        boolean present = binaries() != null;
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("PostgreSQL is required under CI=true but /usr/lib/postgresql/*/bin/pg_ctl"
                    + " is missing (.ci/run installs the Debian postgresql package)");
        }
        return present;
    }

    /** Creates a cluster in a temporary directory and starts it. */
    static PostgresServer create() throws IOException, InterruptedException {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL is not installed");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = Files.createTempDirectory("certyneo-pg-");
        if (root) {
            run(List.of("chown", "postgres:postgres", data.toString()), false, null);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, data, port, root);
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", data.resolve("db").toString(), "-A", "trust",
                "-U", "certyneo", "-E", "UTF8", "--no-sync"));
        server.start();
        return server;
    }

    /** Starts (again) the server's cluster. */
    void start() throws IOException, InterruptedException {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(), "-l",
                data.resolve("log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    }

    /** Stops the server immediately (the database is "down" until {@link #start()}). */
    void stop() throws IOException, InterruptedException {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(), "-m", "immediate", "-w",
                "stop"));
    }

    /** @return a data source connecting to the server's {@code postgres} database as {@code certyneo} */
    DataSource dataSource() {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[]{"127.0.0.1"});
        source.setPortNumbers(new int[]{port});
        source.setDatabaseName("postgres");
        source.setUser("certyneo");
        source.setConnectTimeout(5);
        return source;
    }

    private void pg(List<String> command) throws IOException, InterruptedException {
        run(command, asPostgres, data);
    }

    private static void run(List<String> command, boolean asPostgres, Path logDir) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            String log = logDir != null && Files.exists(logDir.resolve("log")) ? Files.readString(logDir.resolve("log")) : "";
            throw new IOException(String.join(" ", full) + " failed: " + output + "\n" + log);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stop();
        } catch (IOException alreadyStopped) {
            // stopped by the test
        }
        if (asPostgres) {
            run(List.of("rm", "-rf", data.toString()), false, null);
        } else {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
