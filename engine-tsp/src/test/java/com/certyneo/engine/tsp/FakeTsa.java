package com.certyneo.engine.tsp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.bouncycastle.tsp.TimeStampRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A loopback HTTP server whose answers a test scripts, for fault injection. */
final class FakeTsa implements AutoCloseable {

    /** What the server does with one request. */
    interface Behaviour {
        void handle(HttpExchange exchange, byte[] body) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final CountDownLatch released = new CountDownLatch(1);
    final AtomicInteger hits = new AtomicInteger();
    final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();

    private FakeTsa(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                hits.incrementAndGet();
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (auth != null) {
                    authorizationHeaders.add(auth);
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                behaviour.handle(exchange, body);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    static FakeTsa start(Behaviour behaviour) {
        try {
            return new FakeTsa(behaviour);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers 200 application/timestamp-reply with what {@code responder} makes of the parsed request. */
    static FakeTsa replying(Function<TimeStampRequest, byte[]> responder) {
        return start((exchange, body) -> send(exchange, 200, TsaClient.REPLY_TYPE, responder.apply(new TimeStampRequest(body))));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tsa");
    }

    String url() {
        return uri().toString();
    }

    /** A behaviour that holds the request without answering until the server is closed (bounded). */
    Behaviour hang() {
        return (exchange, body) -> {
            try {
                released.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    static FakeTsa hanging() {
        FakeTsa[] holder = new FakeTsa[1];
        holder[0] = start((exchange, body) -> holder[0].hang().handle(exchange, body));
        return holder[0];
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
