package com.certyneo.engine.tsp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TsaHttpServer} under slow and hostile clients, over loopback: stalled and trickling requests
 * must neither starve valid ones nor outlive the request timeout; announced oversized bodies and header
 * floods are refused without being read. Bounded: about 15 s in all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TsaHttpServerSlowClientTest {

    static final String POLICY = "1.2.3.4.5.3";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    static final long TIMEOUT_MS = REQUEST_TIMEOUT.toMillis();
    static TestPki.Issued root;
    static TsaHttpServer server;
    static TsaClient client;

    @BeforeAll
    static void start() {
        root = TestPki.root("Slow Client Root");
        TestPki.Issued tsu = TestPki.tsu(root, "Slow Client TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        server = TsaHttpServer.builder(TestPki.authority(tsu, POLICY)).requestTimeout(REQUEST_TIMEOUT)
                .responseTimeout(REQUEST_TIMEOUT).maxConnections(128).start();
        client = TsaClient.builder().endpoint(server.uri().toString()).trustAnchors(List.of(root.cert()))
                .allowedPolicies(List.of(POLICY)).retries(0).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String head(long contentLength, String... extra) {
        StringBuilder s = new StringBuilder("POST / HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                + "Content-Type: " + TsaClient.QUERY_TYPE + "\r\nContent-Length: " + contentLength + "\r\n");
        for (String e : extra) {
            s.append(e).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    static Socket open(String send) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout((int) TIMEOUT_MS + 5000);
        if (!send.isEmpty()) {
            s.getOutputStream().write(send.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
        return s;
    }

    /** Reads until the server closes (EOF or reset); returns what was read. Fails on our own timeout. */
    static String readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        InputStream in = s.getInputStream();
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; read: " + got, e);
        } catch (IOException e) {
            // reset by the server: closed as well
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code count} valid requests from 4 threads; returns each one's latency in milliseconds. */
    static List<Long> validLoad(int count, int salt) throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                    for (int i = thread; i < count; i += threads) {
                        byte[] digest = sha256.digest(ByteBuffer.allocate(12).putInt(salt).putInt(thread).putInt(i).array());
                        long t0 = System.nanoTime();
                        TimestampResult result = client.request("SHA-256", digest); // verified, or it throws
                        latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                        assertTrue(result.chainTrusted());
                        assertEquals(POLICY, result.info().policyOid());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(count, latencies.size());
        return latencies;
    }

    static String stats(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return "n=" + sorted.size() + " p50=" + sorted.get(sorted.size() / 2) + " ms p99="
                + sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) + " ms max=" + sorted.get(sorted.size() - 1) + " ms";
    }

    @Test
    void stalledAndTricklingClientsNeitherStarveValidRequestsNorOutliveTheTimeout() throws Exception {
        validLoad(100, 0); // warm-up
        List<Long> baseline = validLoad(200, 1);

        List<Socket> slow = new ArrayList<>();
        List<Long> openedAt = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(1);
        try {
            for (int i = 0; i < 32; i++) { // headers sent, body announced, never sent
                openedAt.add(System.nanoTime());
                slow.add(open(head(100)));
            }
            for (int i = 0; i < 4; i++) { // body trickled at a byte a second: a per-read timeout never fires
                openedAt.add(System.nanoTime());
                Socket s = open(head(100));
                slow.add(s);
                trickle.scheduleAtFixedRate(() -> {
                    try {
                        s.getOutputStream().write(0x30);
                    } catch (IOException e) {
                        // closed by the server
                    }
                }, 0, 1, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 4; i++) { // header section never finished
                openedAt.add(System.nanoTime());
                slow.add(open("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty"));
            }
            for (int i = 0; i < 4; i++) { // connected, silent
                openedAt.add(System.nanoTime());
                slow.add(open(""));
            }
            Thread.sleep(200);

            long loadStart = System.nanoTime();
            List<Long> underAttack = validLoad(200, 2);
            long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
            assertTrue(loadMillis < TIMEOUT_MS, "the valid load ran while the slow clients were connected: " + loadMillis);
            for (long ms : underAttack) {
                assertTrue(ms < 2000, "a valid request took " + ms + " ms behind stalled clients");
            }

            ExecutorService readers = Executors.newFixedThreadPool(slow.size());
            try {
                List<CompletableFuture<Long>> closedAfter = new ArrayList<>();
                for (int i = 0; i < slow.size(); i++) {
                    Socket s = slow.get(i);
                    long opened = openedAt.get(i);
                    closedAfter.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            String reply = readUntilClosed(s);
                            assertTrue(reply.isEmpty() || reply.startsWith("HTTP/1.1 408 "), reply);
                            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }, readers));
                }
                List<Long> closed = new ArrayList<>();
                for (CompletableFuture<Long> f : closedAfter) {
                    closed.add(f.get(TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS));
                }
                for (long ms : closed) {
                    assertTrue(ms >= TIMEOUT_MS - 50, "closed before the timeout: " + ms + " ms");
                    assertTrue(ms <= TIMEOUT_MS + 1000, "closed " + ms + " ms after opening, timeout " + TIMEOUT_MS);
                }
                System.out.printf("TSA slow clients: valid requests without stalled clients: %s; with %d stalled/"
                        + "trickling: %s (200 in %d ms); stalled connections closed after %s%n", stats(baseline),
                        slow.size(), stats(underAttack), loadMillis, stats(closed));
            } finally {
                readers.shutdownNow();
            }
        } finally {
            trickle.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
        validLoad(20, 3); // still serving
    }

    @Test
    void anAnnouncedHugeBodyIsRefusedBeforeItIsRead() throws Exception {
        for (String expect : new String[] {null, "Expect: 100-continue"}) {
            long t0 = System.nanoTime();
            try (Socket s = open(expect == null ? head(10_000_000) : head(10_000_000, expect))) {
                String reply = readUntilClosed(s); // the server answers, then half-closes: EOF
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(reply.startsWith("HTTP/1.1 413 "), reply);
                assertTrue(reply.contains("Connection: close"), reply);
                assertFalse(reply.contains("100 Continue"), reply);
                assertTrue(ms < TIMEOUT_MS / 2, "answered without waiting for the body: " + ms + " ms");
            }
        }
    }

    @Test
    void headerFloodsAreCutShortAndDoNotExhaustTheServer() throws Exception {
        int floods = 16;
        ExecutorService writers = Executors.newFixedThreadPool(floods);
        AtomicInteger refused = new AtomicInteger();
        try {
            List<Socket> sockets = new ArrayList<>();
            List<Future<Long>> written = new ArrayList<>();
            for (int i = 0; i < floods; i++) {
                boolean manyLines = i % 2 == 0;
                Socket s = open("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                sockets.add(s);
                written.add(writers.submit(() -> { // writes until the server closes, 16 MiB at most
                    byte[] chunk = (manyLines ? "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(64)
                            : "X".repeat(4096)).getBytes(StandardCharsets.ISO_8859_1);
                    long sent = 0;
                    try {
                        OutputStream out = s.getOutputStream();
                        while (sent < 16 << 20) {
                            out.write(chunk);
                            sent += chunk.length;
                        }
                    } catch (IOException e) {
                        // closed by the server
                    }
                    return sent;
                }));
            }
            // Valid requests go through during the flood.
            List<Long> during = validLoad(40, 4);
            for (int i = 0; i < floods; i++) {
                long t0 = System.nanoTime();
                String reply = readUntilClosed(sockets.get(i));
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < TIMEOUT_MS + 1000);
                assertTrue(reply.isEmpty() || reply.startsWith("HTTP/1.1 431 "), reply);
                if (!reply.isEmpty()) {
                    refused.incrementAndGet();
                }
                long sent = written.get(i).get(TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS);
                assertTrue(sent < 16 << 20, "the server kept reading a header flood: " + sent + " bytes");
                sockets.get(i).close();
            }
            assertTrue(refused.get() > 0, "at least some floods saw their 431 before the reset");
            for (long ms : during) {
                assertTrue(ms < 2000, "a valid request took " + ms + " ms during a header flood");
            }
        } finally {
            writers.shutdownNow();
        }
        validLoad(20, 5);
    }

    @Test
    void beyondTheConnectionCapNewConnectionsAreRefusedUntilStalledOnesTimeOut() throws Exception {
        TestPki.Issued tsu = TestPki.tsu(root, "Capped TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        try (TsaHttpServer capped = TsaHttpServer.builder(TestPki.authority(tsu, POLICY))
                .requestTimeout(Duration.ofSeconds(1)).maxConnections(4).start()) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), capped.port());
                    s.getOutputStream().write("POST / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    stalled.add(s);
                }
                Thread.sleep(100);
                try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), capped.port())) {
                    extra.setSoTimeout(5000);
                    String reply = readUntilClosed(extra);
                    assertTrue(reply.startsWith("HTTP/1.1 503 "), reply);
                }
                Thread.sleep(1500); // the stalled connections time out and free their slots
                TsaClient cappedClient = TsaClient.builder().endpoint(capped.uri().toString())
                        .trustAnchors(List.of(root.cert())).allowedPolicies(List.of(POLICY)).retries(0).build();
                assertTrue(cappedClient.request("SHA-256", new byte[32]).chainTrusted());
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    static byte[] query(int nonce) throws IOException {
        return new org.bouncycastle.tsp.TimeStampRequestGenerator().generate(
                org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256, new byte[32],
                java.math.BigInteger.valueOf(nonce)).getEncoded();
    }

    /** Reads one reply with a Content-Length body; returns its head and body as Latin-1 text. */
    static String readReply(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in reply head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void chunkedBodiesExpectContinueKeepAliveAndHttp10AreServed() throws Exception {
        try (Socket s = open("")) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            // Expect: 100-continue, then the body: 100, then 200, on a connection that stays open.
            byte[] q = query(1);
            out.write(head(q.length, "Expect: 100-continue").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertTrue(readReply(in).startsWith("HTTP/1.1 100 "));
            out.write(q);
            String reply = readReply(in);
            assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
            assertFalse(reply.contains("Connection: close"), reply);
            // Chunked, in two chunks, pipelined with a GET on the same connection.
            byte[] q2 = query(2);
            String chunked = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: " + TsaClient.QUERY_TYPE
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n";
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(chunked.getBytes(StandardCharsets.ISO_8859_1));
            request.write((Integer.toHexString(10) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            request.write(q2, 0, 10);
            request.write(("\r\n" + Integer.toHexString(q2.length - 10) + ";ext=1\r\n").getBytes(StandardCharsets.ISO_8859_1));
            request.write(q2, 10, q2.length - 10);
            request.write("\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(request.toByteArray());
            reply = readReply(in);
            assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
            assertEquals(org.bouncycastle.asn1.cmp.PKIStatus.GRANTED, new org.bouncycastle.tsp.TimeStampResponse(
                    reply.substring(reply.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1)).getStatus());
            reply = readReply(in);
            assertTrue(reply.startsWith("HTTP/1.1 405 ") && reply.contains("Allow: POST"), reply);
        }
        // HTTP/1.0 without keep-alive: answered, then closed.
        byte[] q = query(3);
        try (Socket s = open("POST / HTTP/1.0\r\nContent-Type: " + TsaClient.QUERY_TYPE + "\r\nContent-Length: "
                + q.length + "\r\n\r\n")) {
            s.getOutputStream().write(q);
            String reply = readUntilClosed(s);
            assertTrue(reply.startsWith("HTTP/1.1 200 ") && reply.contains("Connection: close"), reply);
        }
        // Request smuggling shapes are refused.
        try (Socket s = open("POST / HTTP/1.1\r\nContent-Type: " + TsaClient.QUERY_TYPE
                + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")) {
            assertTrue(readUntilClosed(s).startsWith("HTTP/1.1 400 "));
        }
        try (Socket s = open("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")) {
            assertTrue(readUntilClosed(s).startsWith("HTTP/1.1 400 "));
        }
    }
}
