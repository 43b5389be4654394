package com.certyneo.engine.tsp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link TimestampAuthority} over HTTP (RFC 3161 §3.4, ETSI EN 319 422 §7) on the JDK's
 * built-in HTTP server: {@code POST} with content type {@code application/timestamp-query}, answered
 * with {@code application/timestamp-reply}.
 *
 * <ul>
 *   <li>A well-formed request always gets HTTP 200 with a TimeStampResp, granted or rejected (for
 *       example {@code badAlg} for SHA-1, {@code unacceptedPolicy}).</li>
 *   <li>A body that is not a DER TimeStampReq gets HTTP 400 with a TimeStampResp rejection
 *       ({@code badDataFormat}).</li>
 *   <li>Another method gets 405, another content type 415, a body over 64 KiB 413 (plain text bodies).</li>
 * </ul>
 *
 * <p>Binds to loopback unless told otherwise; port 0 picks a free port, see {@link #port()}. Handles
 * requests on a fixed pool of daemon threads. Close it to stop. Loading this class sets the JDK
 * property {@code sun.net.httpserver.nodelay=true} unless already set, since replies otherwise stall
 * for ~40 ms each (Nagle's algorithm against delayed ACKs).
 */
public final class TsaHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TsaHttpServer.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    static {
        // The JDK server writes headers and body in separate segments; without TCP_NODELAY, Nagle's
        // algorithm and the client's delayed ACK add ~40 ms to every reply. The JDK reads this property
        // once, when its first HttpServer is created; an explicit setting by the application wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI uri;

    private TsaHttpServer(TimestampAuthority authority, InetAddress address, int port) throws IOException {
        Objects.requireNonNull(authority, "authority");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port out of range: " + port);
        }
        int serverId = SERVERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "tsa-http-" + serverId + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), factory);
        this.server = HttpServer.create(new InetSocketAddress(address, port), 128);
        server.createContext("/", exchange -> handle(authority, exchange));
        server.setExecutor(executor);
        server.start();
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        this.uri = URI.create("http://" + host + ":" + bound.getPort() + "/");
        LOG.info("TSA listening on {} ({})", uri, authority.describe());
    }

    /**
     * Starts serving on loopback (127.0.0.1).
     *
     * @param authority the TSA to serve
     * @param port the TCP port, or 0 for a free one
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static TsaHttpServer start(TimestampAuthority authority, int port) {
        return start(authority, InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Starts serving on the given address.
     *
     * @param authority the TSA to serve
     * @param address the local address to bind
     * @param port the TCP port, or 0 for a free one
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static TsaHttpServer start(TimestampAuthority authority, InetAddress address, int port) {
        try {
            return new TsaHttpServer(authority, Objects.requireNonNull(address, "address"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve the TSA on " + address.getHostAddress() + ":" + port
                    + ": " + e.getMessage(), e);
        }
    }

    /** @return the bound TCP port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the URL clients post requests to, such as {@code http://127.0.0.1:41234/} */
    public URI uri() {
        return uri;
    }

    /** Stops accepting requests, lets in-flight ones finish for up to a second, and frees the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void handle(TimestampAuthority authority, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                text(exchange, 405, "Use POST with Content-Type " + TsaClient.QUERY_TYPE + "\n");
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mediaType.equals(TsaClient.QUERY_TYPE)) {
                text(exchange, 415, "Content-Type must be " + TsaClient.QUERY_TYPE + "\n");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(TimestampAuthority.MAX_REQUEST_BYTES + 1);
            }
            if (body.length > TimestampAuthority.MAX_REQUEST_BYTES) {
                text(exchange, 413, "A TimeStampReq is at most " + TimestampAuthority.MAX_REQUEST_BYTES + " bytes\n");
                return;
            }
            TimestampAuthority.Answer answer = authority.answer(body);
            exchange.getResponseHeaders().set("Content-Type", TsaClient.REPLY_TYPE);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(answer.malformed() ? 400 : 200, answer.der().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.der());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("TSA request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
            throw e;
        }
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
