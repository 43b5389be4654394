package com.certyneo.testvectors;

import com.certyneo.engine.tsp.TimestampAuthority;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link TestPki} served over loopback HTTP (127.0.0.1, ephemeral port), and a JUnit 5 extension
 * that stops it after the test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static TestPkiServer pki = TestPkiServer.start();
 * }</pre>
 *
 * <p>Endpoints, all under {@link #baseUrl()}: {@code ocsp} (POST {@code application/ocsp-request}, or
 * GET {@code ocsp/<base64 request>}), {@code crl/root.crl} and {@code crl/intermediate.crl} (DER,
 * {@code thisUpdate} = the PKI clock's now, so always fresh), {@code ca/root.cer} and
 * {@code ca/intermediate.cer} (DER, the AIA caIssuers targets), {@code tsa/1} and {@code tsa/2}
 * (RFC 3161 over HTTP, served by engine-tsp's {@link TimestampAuthority}). The certificates carry
 * these URLs, so any validator that follows CRL-DP, AIA-OCSP and caIssuers works unchanged.
 *
 * <p>Test methods (and constructors) may declare a {@link TestPki} or {@link TestPkiServer} parameter.
 * The JUnit API is an optional dependency of this artifact: it is only needed when this class is
 * used as an extension. Thread-safe; {@link #close()} is idempotent.
 */
public final class TestPkiServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback, ParameterResolver {

    static {
        // The JDK HTTP server delays small replies (Nagle) by ~40 ms unless told otherwise; read once per JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final TestPki pki;
    private final List<TimestampAuthority> authorities;
    private final Map<String, AtomicLong> hits = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String ownerContext;

    private TestPkiServer(TestPki.Builder template) {
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind a loopback port for the test PKI", e);
        }
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        this.pki = template.baseUrl(base).build();
        this.authorities = List.of(pki.tsa(1).authority(pki.clock()), pki.tsa(2).authority(pki.clock()));
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "test-pki-http-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@return a started server for the PKI with the default seed and the system clock} */
    public static TestPkiServer start() {
        return start(TestPki.builder());
    }

    /**
     * {@return a started server for that PKI}
     * @param seed the PKI seed
     */
    public static TestPkiServer start(String seed) {
        return start(TestPki.builder().seed(seed));
    }

    /**
     * {@return a started server}
     * @param template seed and clock of the PKI; its base URL is replaced by this server's
     */
    public static TestPkiServer start(TestPki.Builder template) {
        return new TestPkiServer(Objects.requireNonNull(template, "template"));
    }

    /** {@return the served PKI, whose URLs point at this server} */
    public TestPki pki() {
        return pki;
    }

    /** {@return {@code http://127.0.0.1:<port>/}} */
    public String baseUrl() {
        return pki.baseUrl();
    }

    /** {@return the bound port} */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * {@return how many requests that endpoint has answered so far}
     * @param endpoint {@code "ocsp"}, {@code "crl"}, {@code "ca"} or {@code "tsa"}
     */
    public long requestCount(String endpoint) {
        AtomicLong n = hits.get(endpoint);
        return n == null ? 0 : n.get();
    }

    /** Stops the server at once. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ownerContext == null) {
            ownerContext = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // @Nested classes inherit the extension; only the class that registered it stops the server.
        if (context.getUniqueId().equals(ownerContext)) {
            close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestPki.class || type == TestPkiServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestPki.class ? pki : this;
    }

    @Override
    public String toString() {
        return "TestPkiServer[" + baseUrl() + (closed.get() ? ", closed]" : "]");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            byte[] request = body.readAllBytes();
            Response response = route(method, path, request);
            if (response.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", response.contentType());
                count(path);
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            byte[] out = response.body();
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private record Response(int status, String contentType, byte[] body) {
        static Response of(String contentType, byte[] body) {
            return new Response(200, contentType, body);
        }

        static Response error(int status) {
            return new Response(status, null, new byte[0]);
        }
    }

    private Response route(String method, String path, byte[] body) {
        if (path.equals("/ocsp") || path.equals("/ocsp/")) {
            return "POST".equals(method)
                    ? Response.of("application/ocsp-response", pki.answerOcsp(body)) : Response.error(405);
        }
        if (path.startsWith("/ocsp/")) {
            if (!"GET".equals(method)) {
                return Response.error(405);
            }
            String encoded = URLDecoder.decode(path.substring("/ocsp/".length()), StandardCharsets.US_ASCII);
            byte[] der;
            try {
                der = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                try {
                    der = Base64.getUrlDecoder().decode(encoded);
                } catch (IllegalArgumentException e2) {
                    der = new byte[0];
                }
            }
            return Response.of("application/ocsp-response", pki.answerOcsp(der));
        }
        if (!"GET".equals(method) && !path.startsWith("/tsa/")) {
            return Response.error(405);
        }
        switch (path) {
            case "/crl/root.crl":
                return Response.of("application/pkix-crl", pki.crl(pki.root(), pki.clock().instant()));
            case "/crl/intermediate.crl":
                return Response.of("application/pkix-crl", pki.crl(pki.intermediate(), pki.clock().instant()));
            case "/ca/root.cer":
                return Response.of("application/pkix-cert", der(pki.root()));
            case "/ca/intermediate.cer":
                return Response.of("application/pkix-cert", der(pki.intermediate()));
            case "/ca/root.pem":
                return Response.of("application/x-pem-file", pki.rootPem().getBytes(StandardCharsets.US_ASCII));
            case "/tsa/1":
            case "/tsa/2":
                if (!"POST".equals(method)) {
                    return Response.error(405);
                }
                int n = path.charAt(path.length() - 1) - '0';
                return Response.of("application/timestamp-reply", authorities.get(n - 1).respond(body));
            default:
                return Response.error(404);
        }
    }

    private void count(String path) {
        String endpoint = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
        hits.computeIfAbsent(endpoint, k -> new AtomicLong()).incrementAndGet();
    }

    private static byte[] der(java.security.cert.X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
