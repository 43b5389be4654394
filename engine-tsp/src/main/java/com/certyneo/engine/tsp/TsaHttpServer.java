package com.certyneo.engine.tsp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link TimestampAuthority} over HTTP/1.1 (RFC 3161 §3.4, ETSI EN 319 422 §7): {@code POST}
 * with content type {@code application/timestamp-query}, answered with {@code application/timestamp-reply}.
 *
 * <ul>
 *   <li>A well-formed request always gets HTTP 200 with a TimeStampResp, granted or rejected (for
 *       example {@code badAlg} for SHA-1, {@code unacceptedPolicy}).</li>
 *   <li>A body that is not a DER TimeStampReq gets HTTP 400 with a TimeStampResp rejection
 *       ({@code badDataFormat}).</li>
 *   <li>Another method gets 405, another content type 415, a body over 64 KiB 413 (plain text bodies).
 *       A request that announces a {@code Content-Length} over 64 KiB gets 413 before any of its body is
 *       read. A header section over {@link Builder#maxHeaderBytes(int)} or with more than 100 fields
 *       gets 431.</li>
 * </ul>
 *
 * <h2>Slow and hostile clients</h2>
 *
 * <p>Each connection is served by its own daemon thread, with at most {@link Builder#maxConnections(int)}
 * connections at once (default 256). Every request, headers and body, must arrive within
 * {@link Builder#requestTimeout(Duration)} of its first byte (default 10 s; for a new connection, of the
 * accept), whatever pace it trickles in at: the deadline is enforced on every read with
 * {@link Socket#setSoTimeout(int)} set to the time left. A reply must be written within
 * {@link Builder#responseTimeout(Duration)} (default 10 s) or a watchdog closes the socket. A
 * keep-alive connection may wait {@link Builder#idleTimeout(Duration)} (default 30 s) for its next
 * request; when all connection slots are taken, idle keep-alive connections are closed to make room.
 * A client that stalls is answered 408 and dropped (logged at DEBUG); a stalled client can hold a slot
 * for at most the request timeout, so starving the server takes {@code maxConnections} sockets renewed
 * every 10 s rather than a handful. Beyond the cap, new connections get 503 and are closed.
 *
 * <p>This server replaced the JDK's {@code com.sun.net.httpserver} server, whose timeouts
 * ({@code sun.net.httpserver.maxReqTime} and friends) are system properties read once per JVM and off by
 * default, and whose fixed worker pool read request headers and bodies with no deadline.
 *
 * <p>Binds to loopback unless told otherwise; port 0 picks a free port, see {@link #port()}. Close it
 * to stop. Loading this class still sets the JDK property {@code sun.net.httpserver.nodelay=true}
 * unless already set, for JDK HTTP servers in the same JVM (their replies otherwise stall for ~40 ms
 * each); this server sets {@code TCP_NODELAY} on its own sockets.
 */
public final class TsaHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TsaHttpServer.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    /** Default for {@link Builder#requestTimeout(Duration)}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default for {@link Builder#responseTimeout(Duration)}. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** Default for {@link Builder#idleTimeout(Duration)}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default for {@link Builder#maxConnections(int)}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Default for {@link Builder#maxHeaderBytes(int)}: request line plus header fields. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

    private static final int MAX_HEADER_FIELDS = 100;
    /** After an error reply on a connection we close, unread input is discarded for this long at most. */
    private static final long LINGER_MILLIS = 1000;
    private static final long LINGER_BYTES = 256 * 1024;
    private static final long CAP_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    static {
        // Kept for JDK HTTP servers elsewhere in the JVM (this class once was one): the JDK server writes
        // headers and body in separate segments; without TCP_NODELAY, Nagle's algorithm and the client's
        // delayed ACK add ~40 ms to every reply. The JDK reads this property once, when its first
        // HttpServer is created; an explicit setting by the application wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final TimestampAuthority authority;
    private final long requestTimeoutNanos;
    private final long responseTimeoutNanos;
    private final long idleTimeoutNanos;
    private final int maxHeaderBytes;
    private final ServerSocket listener;
    private final URI uri;
    private final Semaphore slots;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Thread acceptor;
    private final AtomicLong lastCapWarning = new AtomicLong(System.nanoTime() - CAP_WARNING_INTERVAL_NANOS);
    private volatile boolean closed;

    private TsaHttpServer(Builder b) throws IOException {
        this.authority = b.authority;
        this.requestTimeoutNanos = b.requestTimeout.toNanos();
        this.responseTimeoutNanos = b.responseTimeout.toNanos();
        this.idleTimeoutNanos = b.idleTimeout.toNanos();
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.slots = new Semaphore(b.maxConnections);
        int serverId = SERVERS.incrementAndGet();
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(b.address, b.port), b.backlog);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        // Unbounded on its own; the slots semaphore bounds the connections, hence the busy threads.
        this.workers = Executors.newCachedThreadPool(
                daemon(() -> "tsa-http-" + serverId + "-" + threads.incrementAndGet()));
        this.watchdog = new ScheduledThreadPoolExecutor(1, daemon(() -> "tsa-http-" + serverId + "-watchdog"));
        watchdog.setRemoveOnCancelPolicy(true);
        String host = b.address.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        this.uri = URI.create("http://" + host + ":" + listener.getLocalPort() + "/");
        this.acceptor = daemon(() -> "tsa-http-" + serverId + "-accept").newThread(this::acceptLoop);
        acceptor.start();
        LOG.info("TSA listening on {} ({}; request timeout {} ms, max {} connections)", uri, authority.describe(),
                b.requestTimeout.toMillis(), b.maxConnections);
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts serving on loopback (127.0.0.1) with the default limits.
     *
     * @param authority the TSA to serve
     * @param port the TCP port, or 0 for a free one
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static TsaHttpServer start(TimestampAuthority authority, int port) {
        return builder(authority).port(port).start();
    }

    /**
     * Starts serving on the given address with the default limits.
     *
     * @param authority the TSA to serve
     * @param address the local address to bind
     * @param port the TCP port, or 0 for a free one
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static TsaHttpServer start(TimestampAuthority authority, InetAddress address, int port) {
        return builder(authority).address(address).port(port).start();
    }

    /**
     * {@return a builder for a server on loopback, on a free port, with the default limits}
     * @param authority the TSA to serve
     */
    public static Builder builder(TimestampAuthority authority) {
        return new Builder(authority);
    }

    /** {@return the bound TCP port} */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@return the URL clients post requests to, such as {@code http://127.0.0.1:41234/}} */
    public URI uri() {
        return uri;
    }

    /** Stops accepting requests, lets in-flight ones finish for up to a second, and frees the port. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Connection c : connections) {
            if (c.idle) {
                c.close();
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                connections.forEach(Connection::close);
                workers.shutdownNow();
            }
            acceptor.join(1000);
        } catch (InterruptedException e) {
            connections.forEach(Connection::close);
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            watchdog.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Accepting

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TSA on {} cannot accept connections: {}", uri, e.toString());
                    sleepQuietly(100);
                }
                continue;
            }
            long acceptedAt = System.nanoTime();
            if (!slots.tryAcquire() && !(evictIdle() && acquireBriefly())) {
                refuse(socket);
                continue;
            }
            Connection c = new Connection(socket, acceptedAt);
            connections.add(c);
            try {
                workers.execute(() -> serve(c));
            } catch (RuntimeException e) { // closing
                connections.remove(c);
                c.close();
                slots.release();
            }
        }
    }

    private boolean acquireBriefly() {
        try {
            return slots.tryAcquire(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes one keep-alive connection waiting for its next request; its thread then frees its slot. */
    private boolean evictIdle() {
        for (Connection c : connections) {
            if (c.idle) {
                LOG.debug("TSA connection limit reached: closing idle keep-alive connection from {}", c.peer);
                c.close();
                return true;
            }
        }
        return false;
    }

    private void refuse(Socket socket) {
        long now = System.nanoTime();
        long last = lastCapWarning.get();
        if (now - last >= CAP_WARNING_INTERVAL_NANOS && lastCapWarning.compareAndSet(last, now)) {
            LOG.warn("TSA on {} refuses connections: all {} connection slots are busy (slow or hostile clients,"
                    + " or too few slots for the load); further refusals in the next minute are logged at DEBUG",
                    uri, slots.availablePermits() + connections.size());
        } else {
            LOG.debug("TSA connection limit reached: refusing {}", socket.getRemoteSocketAddress());
        }
        try (socket) {
            // A fresh socket's send buffer takes the 503 at once: this write does not block the acceptor.
            socket.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                    + "Retry-After: 1\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.debug("Refusing {}: {}", socket.getRemoteSocketAddress(), e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One connection

    /** A request that cannot be served; answered with a plain-text status, then the connection closes. */
    private static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final class Connection {
        final Socket socket;
        final Object peer;
        final DeadlineInput in;
        final OutputStream out;
        volatile boolean idle;

        Connection(Socket socket, long acceptedAt) {
            this.socket = socket;
            this.peer = socket.getRemoteSocketAddress();
            DeadlineInput input = null;
            OutputStream output = null;
            try {
                socket.setTcpNoDelay(true);
                input = new DeadlineInput(socket, socket.getInputStream(), acceptedAt + requestTimeoutNanos);
                output = socket.getOutputStream();
            } catch (IOException e) {
                close();
            }
            this.in = input;
            this.out = output;
        }

        void close() {
            closeQuietly(socket);
        }
    }

    private void serve(Connection c) {
        try {
            if (c.in == null) {
                return;
            }
            boolean first = true;
            while (!closed) {
                if (!first) {
                    c.idle = true;
                    c.in.deadline(System.nanoTime() + idleTimeoutNanos);
                    int b = c.in.peek();
                    c.idle = false;
                    if (b < 0 || closed) {
                        return; // the client closed its keep-alive connection, or we are closing
                    }
                    c.in.deadline(System.nanoTime() + requestTimeoutNanos);
                }
                first = false;
                if (!exchange(c)) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            if (c.idle) {
                LOG.debug("Closing idle keep-alive connection from {}", c.peer);
            } else {
                LOG.debug("Dropping slow TSA client {}: request not received within {} ms", c.peer,
                        TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos));
                sendQuietly(c, 408, "Request not received in time\n");
            }
        } catch (IOException e) {
            LOG.debug("TSA connection from {} ended: {}", c.peer, e.toString());
        } catch (RuntimeException | Error e) {
            LOG.warn("TSA connection from {} failed", c.peer, e);
        } finally {
            connections.remove(c);
            c.close();
            slots.release();
        }
    }

    /** Reads one request and answers it; returns whether the connection stays open for another. */
    private boolean exchange(Connection c) throws IOException {
        Request request;
        try {
            request = readHead(c.in);
        } catch (HttpError e) {
            if (e.status == 0) {
                return false; // the client closed the connection before a request line
            }
            LOG.debug("Refusing a request from {}: {} {}", c.peer, e.status, e.getMessage());
            respondAndClose(c, e.status, e.getMessage() + "\n", Map.of(), false);
            return false;
        }
        try {
            return handle(c, request);
        } catch (HttpError e) {
            LOG.debug("Refusing a request from {}: {} {}", c.peer, e.status, e.getMessage());
            respondAndClose(c, e.status, e.getMessage() + "\n", Map.of(), request.head);
            return false;
        }
    }

    private boolean handle(Connection c, Request request) throws IOException, HttpError {
        if (!request.method.equals("POST")) {
            if (request.bodyLength != 0) { // a GET with a body: not worth reading
                respondAndClose(c, 405, "Use POST with Content-Type " + TsaClient.QUERY_TYPE + "\n",
                        Map.of("Allow", "POST"), request.head);
                return false;
            }
            return respond(c, request, 405, "text/plain; charset=utf-8",
                    ("Use POST with Content-Type " + TsaClient.QUERY_TYPE + "\n").getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", "POST"));
        }
        String contentType = request.headers.get("content-type");
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(TsaClient.QUERY_TYPE)) {
            throw new HttpError(415, "Content-Type must be " + TsaClient.QUERY_TYPE);
        }
        if (request.bodyLength > TimestampAuthority.MAX_REQUEST_BYTES) { // announced: refuse before reading
            throw tooLarge();
        }
        if (request.expectContinue) {
            writeWithDeadline(c, "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] body = request.chunked ? readChunked(c.in) : c.in.readExactly((int) request.bodyLength);
        TimestampAuthority.Answer answer;
        try {
            answer = authority.answer(body);
        } catch (RuntimeException e) {
            LOG.warn("The TSA failed to answer a request from {}", c.peer, e);
            respondAndClose(c, 500, "The time-stamp authority failed\n", Map.of(), false);
            return false;
        }
        return respond(c, request, answer.malformed() ? 400 : 200, TsaClient.REPLY_TYPE, answer.der(),
                Map.of("Cache-Control", "no-store"));
    }

    private static HttpError tooLarge() {
        return new HttpError(413, "A TimeStampReq is at most " + TimestampAuthority.MAX_REQUEST_BYTES + " bytes");
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing

    private record Request(String method, Map<String, String> headers, long bodyLength, boolean chunked,
                           boolean expectContinue, boolean keepAlive, boolean head, boolean http11) {
    }

    private Request readHead(DeadlineInput in) throws IOException, HttpError {
        int[] budget = {maxHeaderBytes};
        String requestLine;
        int blankLines = 0;
        do { // RFC 9112 §2.2: ignore empty lines before a request line
            requestLine = in.readLine(budget);
            if (requestLine == null) {
                throw new HttpError(0, "closed");
            }
        } while (requestLine.isEmpty() && ++blankLines < 8);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !isToken(parts[0])) {
            throw new HttpError(400, "Malformed request line");
        }
        String version = parts[2];
        boolean http11 = version.equals("HTTP/1.1");
        if (!http11 && !version.equals("HTTP/1.0")) {
            throw new HttpError(version.startsWith("HTTP/") ? 505 : 400, "Only HTTP/1.1 and HTTP/1.0 are served");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int fields = 0;
        while (true) {
            String line = in.readLine(budget);
            if (line == null) {
                throw new EofException();
            }
            if (line.isEmpty()) {
                break;
            }
            if (++fields > MAX_HEADER_FIELDS) {
                throw new HttpError(431, "At most " + MAX_HEADER_FIELDS + " header fields");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || !isToken(line.substring(0, colon))) {
                throw new HttpError(400, "Malformed header field");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length") && headers.containsKey(name) && !headers.get(name).equals(value)) {
                throw new HttpError(400, "Conflicting Content-Length");
            }
            headers.merge(name, value, (a, b2) -> name.equals("content-length") ? a : a + ", " + b2);
        }
        String transferEncoding = headers.get("transfer-encoding");
        String contentLength = headers.get("content-length");
        boolean chunked = false;
        long length = 0;
        if (transferEncoding != null) {
            if (contentLength != null) {
                throw new HttpError(400, "Both Transfer-Encoding and Content-Length");
            }
            if (!http11 || !transferEncoding.equalsIgnoreCase("chunked")) {
                throw new HttpError(501, "Only the chunked transfer coding is served");
            }
            chunked = true;
            length = -1;
        } else if (contentLength != null) {
            if (contentLength.isEmpty() || contentLength.length() > 18 || !contentLength.chars().allMatch(
                    ch -> ch >= '0' && ch <= '9')) {
                throw new HttpError(400, "Malformed Content-Length");
            }
            length = Long.parseLong(contentLength);
        }
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
        boolean expectContinue = http11 && "100-continue".equalsIgnoreCase(headers.get("expect"));
        return new Request(parts[0], headers, length, chunked, expectContinue, keepAlive, parts[0].equals("HEAD"),
                http11);
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch <= ' ' || ch >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(ch) >= 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static byte[] readChunked(DeadlineInput in) throws IOException, HttpError {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] budget = {8 * 1024}; // chunk-size lines, extensions and trailers
        while (true) {
            String line = in.readLine(budget);
            if (line == null) {
                throw new EofException();
            }
            int end = line.indexOf(';');
            String hex = (end < 0 ? line : line.substring(0, end)).trim();
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw new HttpError(400, "Malformed chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                break;
            }
            if (body.size() + size > TimestampAuthority.MAX_REQUEST_BYTES) {
                throw tooLarge();
            }
            body.write(in.readExactly((int) size));
            if (!"".equals(in.readLine(budget))) {
                throw new HttpError(400, "Malformed chunk");
            }
        }
        String trailer;
        do {
            trailer = in.readLine(budget);
            if (trailer == null) {
                throw new EofException();
            }
        } while (!trailer.isEmpty());
        return body.toByteArray();
    }

    /** The client closed the connection in the middle of a request. */
    private static final class EofException extends IOException {
        private static final long serialVersionUID = 1L;

        EofException() {
            super("connection closed in the middle of a request");
        }
    }

    /**
     * A buffered socket input whose every read must complete before a deadline: the socket timeout is
     * set to the time left before each read, so a client that trickles a byte at a time gains nothing.
     */
    private static final class DeadlineInput {
        private final Socket socket;
        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int pos;
        private int limit;
        private long deadline;

        DeadlineInput(Socket socket, InputStream in, long deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        void deadline(long nanoTime) {
            this.deadline = nanoTime;
        }

        /** @return whether bytes are buffered, or -1 at end of stream */
        private int fill() throws IOException {
            if (pos < limit) {
                return limit - pos;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return -1;
            }
            pos = 0;
            limit = n;
            return n;
        }

        int peek() throws IOException {
            return fill() < 0 ? -1 : buffer[pos] & 0xff;
        }

        /**
         * Reads a line ending in LF (a CR before it is dropped), charging its bytes to the budget.
         *
         * @return the line, or null at end of stream before any byte of it
         */
        String readLine(int[] budget) throws IOException, HttpError {
            StringBuilder line = new StringBuilder();
            boolean any = false;
            while (true) {
                if (fill() < 0) {
                    if (any) {
                        throw new EofException();
                    }
                    return null;
                }
                any = true;
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') {
                    pos++;
                }
                int taken = pos - start + (pos < limit ? 1 : 0);
                budget[0] -= taken;
                if (budget[0] < 0) {
                    throw new HttpError(431, "Request header section larger than allowed");
                }
                line.append(new String(buffer, start, pos - start, StandardCharsets.ISO_8859_1));
                if (pos < limit) {
                    pos++; // the LF
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r') {
                        line.setLength(len - 1);
                    }
                    return line.toString();
                }
            }
        }

        byte[] readExactly(int n) throws IOException {
            byte[] out = new byte[n];
            int off = 0;
            while (off < n) {
                if (fill() < 0) {
                    throw new EofException();
                }
                int k = Math.min(n - off, limit - pos);
                System.arraycopy(buffer, pos, out, off, k);
                pos += k;
                off += k;
            }
            return out;
        }

        /** Discards input until end of stream, the byte cap or the time cap, whichever comes first. */
        void drain(long maxBytes, long maxMillis) {
            deadline = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis));
            long left = maxBytes - (limit - pos);
            pos = limit;
            try {
                while (left > 0 && fill() > 0) {
                    left -= limit - pos;
                    pos = limit;
                }
            } catch (IOException e) {
                // done: timed out or reset
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Replies

    private boolean respond(Connection c, Request request, int status, String contentType, byte[] body,
                            Map<String, String> extra) throws IOException {
        boolean keepAlive = request.keepAlive && !closed;
        // HTTP/1.0 connections persist only when the reply says so.
        writeWithDeadline(c, reply(status, contentType, request.head ? new byte[0] : body, body.length, extra,
                keepAlive, keepAlive && !request.http11));
        return keepAlive;
    }

    /** Answers with a plain-text error and closes, discarding (briefly) what the client still sends. */
    private void respondAndClose(Connection c, int status, String message, Map<String, String> extra, boolean head) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        try {
            writeWithDeadline(c, reply(status, "text/plain; charset=utf-8", head ? new byte[0] : body, body.length,
                    extra, false, false));
            // Closing with unread input would reset the connection, and the client might lose the reply
            // before reading it: half-close, then read and discard for a short, bounded while.
            c.socket.shutdownOutput();
            c.in.drain(LINGER_BYTES, LINGER_MILLIS);
        } catch (IOException e) {
            LOG.debug("Could not send {} to {}: {}", status, c.peer, e.toString());
        }
    }

    private void sendQuietly(Connection c, int status, String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        try {
            writeWithDeadline(c, reply(status, "text/plain; charset=utf-8", body, body.length, Map.of(), false, false));
        } catch (IOException e) {
            LOG.debug("Could not send {} to {}: {}", status, c.peer, e.toString());
        }
    }

    private static byte[] reply(int status, String contentType, byte[] body, int contentLength,
                                Map<String, String> extra, boolean keepAlive, boolean sayKeepAlive) {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("Content-Length: ").append(contentLength).append("\r\n");
        extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        } else if (sayKeepAlive) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 413: return "Content Too Large";
            case 415: return "Unsupported Media Type";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 505: return "HTTP Version Not Supported";
            default: return "Error";
        }
    }

    /** Writes in one go; a client that does not read its reply in time has its connection closed. */
    private void writeWithDeadline(Connection c, byte[] bytes) throws IOException {
        ScheduledFuture<?> guard;
        try {
            guard = watchdog.schedule(() -> {
                LOG.debug("Dropping slow TSA client {}: reply not read within {} ms", c.peer,
                        TimeUnit.NANOSECONDS.toMillis(responseTimeoutNanos));
                c.close();
            }, responseTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new SocketException("server closed");
        }
        try {
            c.out.write(bytes);
            c.out.flush();
        } finally {
            guard.cancel(false);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Options of a {@link TsaHttpServer}; {@link #start()} binds and starts it. */
    public static final class Builder {
        private final TimestampAuthority authority;
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;
        private int backlog = 128;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;

        private Builder(TimestampAuthority authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
        }

        /**
         * Sets the local address to bind (default: loopback).
         *
         * @param address the local address to bind (default: loopback)
         * @return this builder
         */
        public Builder address(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Sets the TCP port, or 0 (the default) for a free one.
         *
         * @param port the TCP port, or 0 (the default) for a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the listen backlog (default 128).
         *
         * @param backlog the listen backlog (default 128)
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = positive(backlog, "backlog");
            return this;
        }

        /**
         * Sets how long a whole request, headers and body, may take to arrive, from its first
         * byte (from the accept for a connection's first request); default 10 s.
         *
         * @param timeout how long a whole request, headers and body, may take to arrive, from its first
         *     byte (from the accept for a connection's first request); default 10 s
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Sets how long a client may take to read its reply, enforced by closing the connection;
         * default 10 s.
         *
         * @param timeout how long a client may take to read its reply, enforced by closing the connection;
         *     default 10 s
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive(timeout, "responseTimeout");
            return this;
        }

        /**
         * Sets how long a keep-alive connection may wait for its next request; default 30 s.
         *
         * @param timeout how long a keep-alive connection may wait for its next request; default 30 s
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * Sets the most connections served at once (one thread each); beyond it, idle keep-alive
         * connections are closed to make room, else new connections get 503; default 256.
         *
         * @param max the most connections served at once (one thread each); beyond it, idle keep-alive
         *     connections are closed to make room, else new connections get 503; default 256
         * @return this builder
         */
        public Builder maxConnections(int max) {
            this.maxConnections = positive(max, "maxConnections");
            return this;
        }

        /**
         * Sets the most bytes of request line and header fields (431 beyond); default 16 KiB.
         *
         * @param max the most bytes of request line and header fields (431 beyond); default 16 KiB
         * @return this builder
         */
        public Builder maxHeaderBytes(int max) {
            if (max < 256) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 256: " + max);
            }
            this.maxHeaderBytes = max;
            return this;
        }

        /**
         * {@return the running server}
         * @throws UncheckedIOException when the port cannot be bound
         */
        public TsaHttpServer start() {
            try {
                return new TsaHttpServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot serve the TSA on " + address.getHostAddress() + ":" + port
                        + ": " + e.getMessage(), e);
            }
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms: " + value);
            }
            return value;
        }
    }
}
