package com.certyneo.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The <b>sandbox</b> qualified trust service provider's remote-signing service: an in-process Cloud
 * Signature Consortium API server on the JDK HTTP server, bound to 127.0.0.1 (loopback only) on an
 * ephemeral port. The engine's sandbox QES path ({@code SandboxQtsp} in engine-pades) reaches it through
 * the real CSC client; tests use it as a fake QTSP (com.certyneo:test-vectors depends on this module,
 * so test code keeps getting it from there).
 *
 * <p>It speaks CSC v2 under {@code /csc/v2/} and the v1.0.4.0 dialect under {@code /csc/v1/}, with
 * OAuth 2.0 at {@code /oauth2/token} (client credentials, authorization code with PKCE S256) and
 * {@code /oauth2/authorize} (approves at once and redirects with a code). It enforces what a real
 * QTSP enforces: a valid, unexpired bearer token; the OTP it "sent" (SMS, into an in-memory
 * {@linkplain #outbox() outbox}); {@code numSignatures} and {@code multisign}; and SCAL2 binding:
 * a SAD signs only the hashes it was issued for, once each, and its count of signatures goes down with each
 * signature ({@code signatures/signHash} takes several hashes at once). Errors follow the CSC shape
 * {@code {"error", "error_description"}}. Every token grant also issues a refresh token (rotated on use);
 * {@link #expireTokens()} and {@link #revokeRefreshTokens()} exercise renewal. {@link #answerAsynchronously}
 * switches to CSC v2 asynchronous signing ({@code responseID}, then {@code signatures/signPolling}).
 *
 * <p>Credentials are enrolled with {@link #enrol}; their certificates are issued by the configured CA
 * (or a self-made "Certyneo TEST Qualified CA", see {@link SandboxQualifiedCertificates}) and carry the
 * QC statements QcCompliance, QcSSCD and QcType esign. Faults can be injected per method
 * ({@link #failNext}). Thread-safe.
 *
 * <p><b>SANDBOX QTSP ONLY &mdash; never for production keys.</b> Keys are generated and held in memory,
 * signers are enrolled on demand, the client secret is a fixed test value, and the outbox exposes OTPs
 * in memory so that automated flows can read them. Nothing here is qualified or fit for production;
 * a production engine is given a real QTSP's CSC endpoint instead.
 */
public final class SandboxCscService implements AutoCloseable {

    static {
        // The JDK HTTP server delays small replies (Nagle) by ~40 ms unless told otherwise; read once per JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** SHA-256. */
    public static final String SHA256_OID = "2.16.840.1.101.3.4.2.1";
    /** ecdsa-with-SHA256. */
    public static final String ECDSA_SHA256_OID = "1.2.840.10045.4.3.2";
    /** sha256WithRSAEncryption. */
    public static final String RSA_SHA256_OID = "1.2.840.113549.1.1.11";
    /** rsaEncryption (raw RSA over a DigestInfo). */
    public static final String RSA_OID = "1.2.840.113549.1.1.1";

    /** A fault to inject into the next call of a method. */
    public enum Fault {
        /** HTTP 500 with an HTML body. */
        SERVER_ERROR,
        /** HTTP 503 temporarily_unavailable. */
        UNAVAILABLE,
        /** HTTP 200 with a body that is not JSON. */
        MALFORMED_JSON,
        /** HTTP 200 with JSON lacking the expected fields. */
        EMPTY_JSON
    }

    /**
     * An OTP the server "sent" by SMS.
     *
     * @param credentialId the credential being authorised
     * @param phone the phone number it went to
     * @param otp the code
     * @param sentAt when it was sent
     */
    public record SentOtp(String credentialId, String phone, String otp, Instant sentAt) {
        @Override
        public String toString() {
            return "SentOtp[" + credentialId + " to " + phone + " at " + sentAt + "]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter CSC_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final PrivateKey caKey;
    private final List<X509Certificate> caChain;
    private final List<String> policies;
    private final String crlUrl;
    private final String ocspUrl;
    private final String caIssuersUrl;
    private final String clientId;
    private final String clientSecret;
    private final Duration tokenLifetime;
    private final Duration sadLifetime;
    private final int multisign;
    private final boolean rawEcdsa;
    private final boolean alternateSpellings;
    private final Clock clock;

    private final HttpServer http;
    private final ExecutorService executor;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Token> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger asynchronousPolls = new AtomicInteger(-1);
    private final Map<String, AuthCode> codes = new ConcurrentHashMap<>();
    private final Map<String, Credential> credentials = new ConcurrentHashMap<>();
    private final Map<String, PendingOtp> otps = new ConcurrentHashMap<>();
    private final Map<String, Sad> sads = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Deque<SentOtp> outbox = new ConcurrentLinkedDeque<>();
    private final AtomicInteger credentialCounter = new AtomicInteger();

    private record Token(String userId, Instant expiresAt, boolean revoked) {
    }

    private record AuthCode(String userId, String redirectUri, String challenge, Instant expiresAt) {
    }

    private record Credential(String id, String userId, String phone, String pin, KeyPair keys, List<X509Certificate> chain,
                              boolean qscd) {
    }

    private record PendingOtp(String otp, Instant expiresAt) {
    }

    /** An asynchronous signHash: the signatures are ready once {@code polls} more polls have been answered "pending". */
    private static final class Pending {
        final String userId;
        final ArrayNode signatures;
        int polls;

        Pending(String userId, ArrayNode signatures, int polls) {
            this.userId = userId;
            this.signatures = signatures;
            this.polls = polls;
        }
    }

    private static final class Sad {
        final String credentialId;
        final Set<String> hashes;
        int remaining;
        final Instant expiresAt;

        Sad(String credentialId, Set<String> hashes, int remaining, Instant expiresAt) {
            this.credentialId = credentialId;
            this.hashes = hashes;
            this.remaining = remaining;
            this.expiresAt = expiresAt;
        }
    }

    /** A CSC error to send back. */
    private static final class CscError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String error;

        CscError(int status, String error, String description) {
            super(description);
            this.status = status;
            this.error = error;
        }
    }

    private SandboxCscService(Builder b) throws IOException {
        if (b.caKey == null) {
            KeyPair keys = SandboxQualifiedCertificates.newKeyPair("EC");
            this.caKey = keys.getPrivate();
            this.caChain = List.of(SandboxQualifiedCertificates.selfSignedCa("Certyneo TEST Qualified CA", keys));
        } else {
            this.caKey = b.caKey;
            this.caChain = List.copyOf(b.caChain);
        }
        List<String> all = new ArrayList<>();
        all.add(SandboxQualifiedCertificates.QCP_N_QSCD);
        all.addAll(b.policies);
        this.policies = List.copyOf(all);
        this.crlUrl = b.crlUrl;
        this.ocspUrl = b.ocspUrl;
        this.caIssuersUrl = b.caIssuersUrl;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.tokenLifetime = b.tokenLifetime;
        this.sadLifetime = b.sadLifetime;
        this.multisign = b.multisign;
        this.rawEcdsa = b.rawEcdsa;
        this.alternateSpellings = b.alternateSpellings;
        this.clock = b.clock;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "sandbox-csc-service");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /** {@return a builder; every setting has a default} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return {@code http://127.0.0.1:PORT/csc/v2/}} */
    public URI v2() {
        return URI.create(root() + "/csc/v2/");
    }

    /** {@return {@code http://127.0.0.1:PORT/csc/v1/}} */
    public URI v1() {
        return URI.create(root() + "/csc/v1/");
    }

    /** {@return the OAuth client ID the server accepts} */
    public String clientId() {
        return clientId;
    }

    /** {@return the OAuth client secret the server accepts (test material)} */
    public String clientSecret() {
        return clientSecret;
    }

    /** {@return the issuing CA certificate first, then its issuers} */
    public List<X509Certificate> caChain() {
        return caChain;
    }

    private String root() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /**
     * Enrols a signer: generates a key, issues a qualified test certificate and returns the new
     * credential ID. Enrolling the same user again returns the existing credential.
     *
     * @param userId the user ID (the signer's e-mail, typically)
     * @param commonName the signer's name for the certificate subject
     * @param phone where OTPs go, such as {@code +33612345678}
     * @param keyAlgorithm {@code EC} (P-256) or {@code RSA} (3072)
     * @param pin a PIN the signer must also give, or {@code null} for OTP only
     * @return the credential ID
     */
    public String enrol(String userId, String commonName, String phone, String keyAlgorithm, String pin) {
        return enrol(userId, commonName, phone, keyAlgorithm, pin, true);
    }

    /**
     * Enrols a signer's AES-Q credential: a qualified test certificate (QcCompliance, QcType esign, policy QCP-n)
     * without QcSSCD, its key not on a QSCD. Enrolling the same user again returns the existing AES-Q credential;
     * the user's QES credential ({@link #enrol(String, String, String)}) is another one.
     *
     * @param userId the user ID (the signer's e-mail, typically)
     * @param commonName the signer's name for the certificate subject
     * @param phone where OTPs go
     * @return the credential ID (EC P-256, OTP only)
     */
    public String enrolAdvanced(String userId, String commonName, String phone) {
        return enrol(userId, commonName, phone, "EC", null, false);
    }

    private String enrol(String userId, String commonName, String phone, String keyAlgorithm, String pin, boolean qscd) {
        synchronized (credentials) {
            for (Credential c : credentials.values()) {
                if (c.userId().equals(userId) && c.qscd() == qscd) {
                    return c.id();
                }
            }
            KeyPair keys = SandboxQualifiedCertificates.newKeyPair(keyAlgorithm);
            List<String> certificatePolicies = new ArrayList<>(policies);
            if (!qscd) {
                certificatePolicies.set(certificatePolicies.indexOf(SandboxQualifiedCertificates.QCP_N_QSCD),
                        SandboxQualifiedCertificates.QCP_N);
            }
            X509Certificate certificate = SandboxQualifiedCertificates.issue(commonName, userId, keys.getPublic(), caChain.get(0), caKey,
                    certificatePolicies, crlUrl, ocspUrl, caIssuersUrl, clock.instant(), qscd);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(caChain);
            String id = "cred-" + credentialCounter.incrementAndGet() + "-" + HexFormat.of().formatHex(bytes(4));
            credentials.put(id, new Credential(id, userId, phone, pin, keys, List.copyOf(chain), qscd));
            return id;
        }
    }

    /**
     * {@return the credential ID (EC P-256, OTP only)}
     * @param userId a user ID
     * @param commonName the name for the certificate
     * @param phone where OTPs go
     */
    public String enrol(String userId, String commonName, String phone) {
        return enrol(userId, commonName, phone, "EC", null);
    }

    /**
     * {@return the credential's certificate chain, or an empty list for an unknown credential}
     * @param credentialId a credential ID returned by {@code enrol}
     */
    public List<X509Certificate> certificateChain(String credentialId) {
        Credential c = credentials.get(credentialId);
        return c == null ? List.of() : c.chain();
    }

    /** {@return the OTPs sent so far, oldest first (sandbox and tests only)} */
    public List<SentOtp> outbox() {
        return List.copyOf(outbox);
    }

    /**
     * {@return the latest OTP sent for it (sandbox and tests only)}
     * @param credentialId a credential
     */
    public Optional<String> latestOtp(String credentialId) {
        SentOtp found = null;
        for (SentOtp s : outbox) {
            if (s.credentialId().equals(credentialId)) {
                found = s;
            }
        }
        return Optional.ofNullable(found).map(SentOtp::otp);
    }

    /**
     * Makes the next call of {@code method} fail.
     *
     * @param method such as {@code signatures/signHash}, {@code credentials/authorize} or {@code oauth2/token}
     * @param fault the fault
     */
    public void failNext(String method, Fault fault) {
        faults.computeIfAbsent(method, k -> new ConcurrentLinkedDeque<>()).add(fault);
    }

    /**
     * Makes every access token issued so far expire now. Refresh tokens stay valid (see {@link #revokeRefreshTokens()}),
     * so a client that refreshes goes on.
     */
    public void expireTokens() {
        tokens.replaceAll((k, t) -> new Token(t.userId(), clock.instant().minusSeconds(1), t.revoked()));
    }

    /** Makes every refresh token issued so far invalid: a refresh then fails with {@code invalid_grant}. */
    public void revokeRefreshTokens() {
        refreshTokens.clear();
    }

    /**
     * {@return how many access tokens were issued through that grant}
     * @param grantType such as {@code client_credentials}, {@code authorization_code} or {@code refresh_token}
     */
    public int grants(String grantType) {
        AtomicInteger n = grants.get(grantType);
        return n == null ? 0 : n.get();
    }

    /**
     * Switches CSC v2 asynchronous signing on or off. When on, every {@code signatures/signHash} (whatever its
     * {@code operationMode}) is answered with a {@code responseID}, and {@code signatures/signPolling} answers
     * HTTP 202 {@code {"status": "PENDING"}} {@code pendingPolls} times before it returns the signatures. A request
     * with {@code operationMode=A} is answered asynchronously even when this is off (with no pending polls).
     *
     * @param pendingPolls how many polls are answered "pending" before the signatures; negative switches it off
     */
    public void answerAsynchronously(int pendingPolls) {
        asynchronousPolls.set(pendingPolls);
    }

    /**
     * {@return how many times it was called (including failed calls)}
     * @param method such as {@code credentials/extendTransaction}
     */
    public int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- dispatch

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String version;
            String method;
            if (path.startsWith("/csc/v2/")) {
                version = "v2";
                method = path.substring("/csc/v2/".length());
            } else if (path.startsWith("/csc/v1/")) {
                version = "v1";
                method = path.substring("/csc/v1/".length());
            } else if (path.startsWith("/oauth2/")) {
                version = "v2";
                method = path.substring(1);
            } else {
                send(exchange, 404, error("invalid_request", "Unknown path " + path));
                return;
            }
            calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
            Deque<Fault> pending = faults.get(method);
            Fault fault = pending == null ? null : pending.poll();
            if (fault != null) {
                sendFault(exchange, fault);
                return;
            }
            try {
                if (method.equals("oauth2/authorize")) {
                    authorizeRedirect(exchange);
                    return;
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (method.equals("oauth2/token")) {
                    send(exchange, 200, token(form(new String(body, StandardCharsets.UTF_8))));
                    return;
                }
                JsonNode request;
                try {
                    request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                } catch (IOException e) {
                    throw new CscError(400, "invalid_request", "The request body is not JSON");
                }
                if (method.equals("info")) {
                    send(exchange, 200, info(version));
                    return;
                }
                String user = bearer(exchange);
                JsonNode response = switch (method) {
                    case "credentials/list" -> list(request, user);
                    case "credentials/info" -> credentialInfo(version, request, user);
                    case "credentials/getChallenge", "credentials/sendOTP" -> challenge(request, user);
                    case "credentials/authorize" -> authorize(version, request, user);
                    case "credentials/extendTransaction" -> extend(version, request, user);
                    case "signatures/signHash" -> signHash(version, request, user);
                    case "signatures/signPolling" -> signPolling(version, request, user);
                    default -> throw new CscError(404, "invalid_request", "Unsupported method " + method);
                };
                if (response == null) {
                    exchange.sendResponseHeaders(204, -1);
                } else if (response.has("status") && "PENDING".equals(response.get("status").asText())) {
                    send(exchange, 202, response);
                } else {
                    send(exchange, 200, response);
                }
            } catch (CscError e) {
                send(exchange, e.status, error(e.error, e.getMessage()));
            } catch (RuntimeException e) {
                send(exchange, 500, error("server_error", "Internal error"));
            }
        }
    }

    private void sendFault(HttpExchange exchange, Fault fault) throws IOException {
        switch (fault) {
            case SERVER_ERROR -> sendRaw(exchange, 500, "text/html", "<html><body>Internal Server Error</body></html>");
            case UNAVAILABLE -> send(exchange, 503, error("temporarily_unavailable", "Try again later"));
            case MALFORMED_JSON -> sendRaw(exchange, 200, "application/json", "{\"signatures\": [\"AAEC\", ");
            case EMPTY_JSON -> sendRaw(exchange, 200, "application/json", "{}");
            default -> throw new IllegalStateException();
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendRaw(exchange, status, "application/json", JSON.writeValueAsString(body));
    }

    private static void sendRaw(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private ObjectNode error(String error, String description) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", error);
        node.put(alternateSpellings ? "errorDescription" : "error_description", description);
        return node;
    }

    // ---------------------------------------------------------------- info and OAuth

    private ObjectNode info(String version) {
        ObjectNode node = JSON.createObjectNode();
        node.put("specs", version.equals("v2") ? "2.0.0.2" : "1.0.4.0");
        node.put("name", "Certyneo TEST QTSP");
        node.put("logo", root() + "/logo.png");
        node.put("region", "FR");
        node.put("lang", "en-US");
        node.put("description", "Certyneo SANDBOX QTSP (in-process CSC service) - NOT A QUALIFIED SERVICE");
        node.putArray("authType").add("oauth2client").add("oauth2code");
        node.put("oauth2", root());
        ArrayNode methods = node.putArray("methods");
        for (String m : List.of("credentials/list", "credentials/info", "credentials/authorize",
                version.equals("v2") ? "credentials/getChallenge" : "credentials/sendOTP",
                "credentials/extendTransaction", "signatures/signHash", "signatures/signPolling", "oauth2/token",
                "oauth2/authorize")) {
            methods.add(m);
        }
        if (version.equals("v2")) {
            node.putObject("signAlgorithms").putArray("algos").add(ECDSA_SHA256_OID).add(RSA_SHA256_OID).add(RSA_OID);
            node.put("asynchronousOperationMode", true);
            node.putArray(alternateSpellings ? "conformanceLevels" : "conformance_levels").add("Ades-B-B").add("Ades-B-T");
        }
        if (alternateSpellings) {
            node.put("someVendorExtension", "ignored");
            node.putObject("nested_unknown").put("x", 1);
        }
        return node;
    }

    private ObjectNode token(Map<String, String> form) throws CscError {
        String grant = form.getOrDefault("grant_type", "");
        if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            throw new CscError(401, "invalid_client", "Client authentication failed");
        }
        String user;
        switch (grant) {
            case "client_credentials" -> user = null;
            case "refresh_token" -> {
                Token refresh = refreshTokens.remove(form.getOrDefault("refresh_token", ""));
                if (refresh == null || refresh.expiresAt().isBefore(clock.instant())) {
                    throw new CscError(400, "invalid_grant", "The refresh token is invalid or expired");
                }
                user = refresh.userId();
            }
            case "authorization_code" -> {
                AuthCode code = codes.remove(form.getOrDefault("code", ""));
                if (code == null || code.expiresAt().isBefore(clock.instant())) {
                    throw new CscError(400, "invalid_grant", "The authorization code is invalid or expired");
                }
                if (code.redirectUri() != null && !code.redirectUri().equals(form.get("redirect_uri"))) {
                    throw new CscError(400, "invalid_grant", "redirect_uri does not match");
                }
                if (code.challenge() != null) {
                    String verifier = form.getOrDefault("code_verifier", "");
                    String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
                    if (!computed.equals(code.challenge())) {
                        throw new CscError(400, "invalid_grant", "PKCE verification failed");
                    }
                }
                user = code.userId();
            }
            default -> throw new CscError(400, "unsupported_grant_type", "Unsupported grant_type " + grant);
        }
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
        tokens.put(token, new Token(user, clock.instant().plus(tokenLifetime), false));
        grants.computeIfAbsent(grant, k -> new AtomicInteger()).incrementAndGet();
        ObjectNode node = JSON.createObjectNode();
        node.put("access_token", token);
        node.put("token_type", "Bearer");
        node.put("expires_in", tokenLifetime.toSeconds());
        // a refresh token with every grant (rotated on each refresh), valid for a day
        String refresh = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
        refreshTokens.put(refresh, new Token(user, clock.instant().plus(Duration.ofDays(1)), false));
        node.put("refresh_token", refresh);
        return node;
    }

    private void authorizeRedirect(HttpExchange exchange) throws IOException, CscError {
        Map<String, String> q = form(Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), ""));
        if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))) {
            throw new CscError(400, "invalid_request", "client_id or response_type is wrong");
        }
        String redirect = q.get("redirect_uri");
        if (redirect == null) {
            throw new CscError(400, "invalid_request", "redirect_uri is missing");
        }
        if (q.containsKey("code_challenge") && !"S256".equals(q.get("code_challenge_method"))) {
            throw new CscError(400, "invalid_request", "Only PKCE S256 is supported");
        }
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(16));
        codes.put(code, new AuthCode(q.getOrDefault("login_hint", null), redirect, q.get("code_challenge"),
                clock.instant().plus(Duration.ofMinutes(5))));
        String location = redirect + (redirect.contains("?") ? "&" : "?") + "code=" + enc(code)
                + (q.containsKey("state") ? "&state=" + enc(q.get("state")) : "");
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private String bearer(HttpExchange exchange) throws CscError {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            throw new CscError(401, "invalid_token", "A bearer access token is required");
        }
        Token token = tokens.get(header.substring(7).trim());
        if (token == null || token.revoked()) {
            throw new CscError(401, "invalid_token", "The access token is not valid");
        }
        if (!token.expiresAt().isAfter(clock.instant())) {
            throw new CscError(401, "expired_token", "The access token has expired");
        }
        return token.userId() == null ? "" : token.userId();
    }

    // ---------------------------------------------------------------- credentials

    private ObjectNode list(JsonNode request, String tokenUser) throws CscError {
        String user = tokenUser.isEmpty() ? text(request, "userID") : tokenUser;
        if (user == null) {
            throw new CscError(400, "invalid_request", "userID is required with a client-credentials token");
        }
        ObjectNode node = JSON.createObjectNode();
        ArrayNode ids = node.putArray("credentialIDs");
        credentials.values().stream().filter(c -> c.userId().equals(user)).map(Credential::id).sorted().forEach(ids::add);
        return node;
    }

    private Credential credential(JsonNode request, String tokenUser) throws CscError {
        String id = text(request, "credentialID");
        if (id == null) {
            throw new CscError(400, "invalid_request", "credentialID is missing");
        }
        Credential c = credentials.get(id);
        if (c == null || (!tokenUser.isEmpty() && !c.userId().equals(tokenUser))) {
            throw new CscError(400, "invalid_request", "Invalid parameter credentialID");
        }
        return c;
    }

    private ObjectNode credentialInfo(String version, JsonNode request, String user) throws CscError {
        Credential c = credential(request, user);
        ObjectNode node = JSON.createObjectNode();
        node.put("description", "Qualified signing credential (TEST)");
        if (version.equals("v2")) {
            node.put("signatureQualifier", "eu_eidas_qes");
        }
        ObjectNode key = node.putObject("key");
        key.put("status", "enabled");
        ArrayNode algos = key.putArray("algo");
        if (c.keys().getPublic() instanceof ECPublicKey ec) {
            algos.add(ECDSA_SHA256_OID);
            key.put("len", ec.getParams().getCurve().getField().getFieldSize());
            key.put("curve", "1.2.840.10045.3.1.7");
        } else {
            algos.add(RSA_SHA256_OID).add(RSA_OID);
            key.put("len", ((RSAPublicKey) c.keys().getPublic()).getModulus().bitLength());
        }
        ObjectNode cert = node.putObject("cert");
        cert.put("status", "valid");
        ArrayNode certificates = cert.putArray("certificates");
        String mode = text(request, "certificates");
        for (X509Certificate x : "single".equals(mode) ? c.chain().subList(0, 1) : c.chain()) {
            certificates.add(encode(x));
        }
        X509Certificate leaf = c.chain().get(0);
        cert.put("issuerDN", leaf.getIssuerX500Principal().getName());
        cert.put("serialNumber", leaf.getSerialNumber().toString(16));
        cert.put("subjectDN", leaf.getSubjectX500Principal().getName());
        cert.put("validFrom", CSC_TIME.format(leaf.getNotBefore().toInstant()));
        cert.put("validTo", CSC_TIME.format(leaf.getNotAfter().toInstant()));
        if (version.equals("v2")) {
            ObjectNode auth = node.putObject("auth");
            auth.put("mode", "explicit");
            auth.put("expression", c.pin() == null ? "OTP" : "PIN AND OTP");
            ArrayNode objects = auth.putArray("objects");
            if (c.pin() != null) {
                objects.addObject().put("type", "Password").put("id", "PIN").put("format", "N").put("label", "PIN");
            }
            objects.addObject().put("type", "ChallengeResponseOOB").put("id", "OTP").put("format", "N")
                    .put("label", "SMS code");
        } else {
            node.put("authMode", "explicit");
            ObjectNode pin = node.putObject("PIN");
            pin.put("presence", c.pin() == null ? "false" : "true");
            if (c.pin() != null) {
                pin.put("format", "N").put("label", "PIN");
            }
            node.putObject("OTP").put("presence", "true").put("type", "online").put("ID", "sms-otp")
                    .put("provider", "test-sms").put("format", "N").put("label", "SMS code");
        }
        node.put("SCAL", "2");
        node.put("multisign", multisign);
        node.put("lang", "en-US");
        return node;
    }

    private ObjectNode challenge(JsonNode request, String user) throws CscError {
        Credential c = credential(request, user);
        String otp = String.format("%06d", RANDOM.nextInt(1_000_000));
        otps.put(c.id(), new PendingOtp(otp, clock.instant().plus(Duration.ofMinutes(5))));
        outbox.add(new SentOtp(c.id(), c.phone(), otp, clock.instant()));
        return null; // 204: the challenge went out of band
    }

    private ObjectNode authorize(String version, JsonNode request, String user) throws CscError {
        Credential c = credential(request, user);
        int num = request.path("numSignatures").asInt(0);
        if (num < 1) {
            throw new CscError(400, "invalid_request", "numSignatures must be at least 1");
        }
        if (num > multisign) {
            throw new CscError(400, "invalid_request", "numSignatures exceeds the multisign limit of the credential");
        }
        Set<String> hashes = hashes(request, version.equals("v2") ? "hashes" : "hash");
        if (hashes.isEmpty()) {
            throw new CscError(400, "invalid_request", "SCAL2 credential: hashes are required");
        }
        if (hashes.size() > num) {
            throw new CscError(400, "invalid_request", "More hashes than numSignatures");
        }
        String otp;
        String pin;
        if (version.equals("v2")) {
            otp = null;
            pin = null;
            for (JsonNode item : request.path("authData")) {
                if ("OTP".equals(item.path("id").asText())) {
                    otp = item.path("value").asText();
                } else if ("PIN".equals(item.path("id").asText())) {
                    pin = item.path("value").asText();
                }
            }
        } else {
            otp = text(request, "OTP");
            pin = text(request, "PIN");
        }
        if (c.pin() != null && !c.pin().equals(pin)) {
            throw new CscError(400, "invalid_pin", "The PIN is not valid");
        }
        PendingOtp pending = otps.get(c.id());
        if (otp == null || pending == null || pending.expiresAt().isBefore(clock.instant())
                || !MessageDigest.isEqual(pending.otp().getBytes(StandardCharsets.US_ASCII), otp.getBytes(StandardCharsets.US_ASCII))) {
            throw new CscError(400, "invalid_otp", "The OTP is not valid");
        }
        otps.remove(c.id());
        return sad(c.id(), hashes, num);
    }

    private ObjectNode extend(String version, JsonNode request, String user) throws CscError {
        Credential c = credential(request, user);
        String sadValue = text(request, "SAD");
        Sad sad = sadValue == null ? null : sads.remove(sadValue);
        if (sad == null || !sad.credentialId.equals(c.id()) || sad.expiresAt.isBefore(clock.instant())) {
            throw new CscError(400, "invalid_request", "Invalid or expired SAD");
        }
        if (sad.remaining < 1) {
            throw new CscError(400, "invalid_request", "No signatures left in this transaction");
        }
        Set<String> hashes = hashes(request, version.equals("v2") ? "hashes" : "hash");
        if (hashes.isEmpty() || hashes.size() > sad.remaining) {
            throw new CscError(400, "invalid_request", "The new hashes exceed the signatures left in this transaction");
        }
        return sad(c.id(), hashes, sad.remaining);
    }

    private ObjectNode sad(String credentialId, Set<String> hashes, int remaining) {
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        sads.put(value, new Sad(credentialId, new HashSet<>(hashes), remaining, clock.instant().plus(sadLifetime)));
        ObjectNode node = JSON.createObjectNode();
        node.put("SAD", value);
        node.put("expiresIn", sadLifetime.toSeconds());
        return node;
    }

    private ObjectNode signHash(String version, JsonNode request, String user) throws CscError {
        Credential c = credential(request, user);
        List<String> hashList = new ArrayList<>(hashes(request, version.equals("v2") ? "hashes" : "hash"));
        hashList = orderedHashes(request, version.equals("v2") ? "hashes" : "hash");
        String hashAlgo = text(request, version.equals("v2") ? "hashAlgorithmOID" : "hashAlgo");
        String signAlgo = text(request, "signAlgo");
        if (hashList.isEmpty() || signAlgo == null) {
            throw new CscError(400, "invalid_request", "hashes and signAlgo are required");
        }
        if (hashAlgo != null && !SHA256_OID.equals(hashAlgo)) {
            throw new CscError(400, "invalid_request", "Unsupported hash algorithm " + hashAlgo);
        }
        String sadValue = text(request, "SAD");
        ObjectNode node = JSON.createObjectNode();
        ArrayNode signatures = node.putArray("signatures");
        synchronized (sads) {
            Sad sad = sadValue == null ? null : sads.get(sadValue);
            if (sad == null || !sad.credentialId.equals(c.id())) {
                throw new CscError(400, "invalid_request", "Invalid SAD");
            }
            if (sad.expiresAt.isBefore(clock.instant())) {
                sads.remove(sadValue);
                throw new CscError(400, "invalid_request", "The SAD has expired");
            }
            if (hashList.size() > sad.remaining) {
                throw new CscError(400, "invalid_request", "numSignatures exceeded for this SAD");
            }
            for (String h : hashList) {
                if (!sad.hashes.contains(h)) {
                    throw new CscError(400, "invalid_request", "Hash not authorized by the SAD");
                }
            }
            for (String h : hashList) {
                signatures.add(Base64.getEncoder().encodeToString(signDigest(c, Base64.getDecoder().decode(h), signAlgo)));
                sad.hashes.remove(h);
            }
            sad.remaining -= hashList.size();
            // The SAD stays valid (for extendTransaction) while signatures are left; it never re-signs a hash.
        }
        int polls = asynchronousPolls.get();
        if (polls < 0 && "A".equals(text(request, "operationMode"))) {
            polls = 0;
        }
        if (polls >= 0 && version.equals("v2")) {
            String responseId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(16));
            pending.put(responseId, new Pending(user, signatures, polls));
            ObjectNode accepted = JSON.createObjectNode();
            accepted.put("responseID", responseId);
            return accepted;
        }
        return node;
    }

    private ObjectNode signPolling(String version, JsonNode request, String user) throws CscError {
        String responseId = text(request, "responseID");
        if (!version.equals("v2") || responseId == null) {
            throw new CscError(400, "invalid_request", "responseID is missing");
        }
        synchronized (pending) {
            Pending p = pending.get(responseId);
            if (p == null || !p.userId.equals(user)) {
                throw new CscError(400, "invalid_request", "Invalid responseID");
            }
            ObjectNode node = JSON.createObjectNode();
            if (p.polls > 0) {
                p.polls--;
                node.put("status", "PENDING");
                return node;
            }
            pending.remove(responseId);
            node.set("signatures", p.signatures);
            return node;
        }
    }

    private byte[] signDigest(Credential c, byte[] digest, String signAlgo) throws CscError {
        if (digest.length != 32) {
            throw new CscError(400, "invalid_request", "A SHA-256 hash is 32 bytes");
        }
        try {
            if (c.keys().getPrivate().getAlgorithm().equals("EC")) {
                if (!ECDSA_SHA256_OID.equals(signAlgo) && !"1.2.840.10045.2.1".equals(signAlgo)) {
                    throw new CscError(400, "invalid_request", "signAlgo " + signAlgo + " does not fit an EC key");
                }
                Signature s = Signature.getInstance("NONEwithECDSA");
                s.initSign(c.keys().getPrivate());
                s.update(digest);
                byte[] der = s.sign();
                return rawEcdsa ? derToRaw(der, 32) : der;
            }
            if (!RSA_SHA256_OID.equals(signAlgo) && !RSA_OID.equals(signAlgo)) {
                throw new CscError(400, "invalid_request", "signAlgo " + signAlgo + " does not fit an RSA key");
            }
            Signature s = Signature.getInstance("NONEwithRSA");
            s.initSign(c.keys().getPrivate());
            s.update(new DigestInfo(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE), digest).getEncoded());
            return s.sign();
        } catch (GeneralSecurityException | IOException e) {
            throw new CscError(500, "server_error", "Signing failed");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> hashes(JsonNode request, String field) throws CscError {
        return new HashSet<>(orderedHashes(request, field));
    }

    private static List<String> orderedHashes(JsonNode request, String field) throws CscError {
        List<String> out = new ArrayList<>();
        JsonNode node = request.get(field);
        if (node == null || !node.isArray()) {
            return out;
        }
        for (JsonNode h : node) {
            try {
                out.add(Base64.getEncoder().encodeToString(Base64.getDecoder().decode(h.asText())));
            } catch (IllegalArgumentException e) {
                throw new CscError(400, "invalid_request", "A hash is not base64");
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            map.put(k, v);
        }
        return map;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String encode(X509Certificate c) {
        try {
            return Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] derToRaw(byte[] der, int size) {
        ASN1Sequence seq = ASN1Sequence.getInstance(der);
        byte[] out = new byte[2 * size];
        put(((ASN1Integer) seq.getObjectAt(0)).getValue(), out, 0, size);
        put(((ASN1Integer) seq.getObjectAt(1)).getValue(), out, size, size);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int offset, int size) {
        byte[] b = v.toByteArray();
        int start = b.length > size ? b.length - size : 0;
        int len = b.length - start;
        System.arraycopy(b, start, out, offset + size - len, len);
    }

    /** Builder for {@link SandboxCscService}. */
    public static final class Builder {
        private PrivateKey caKey;
        private List<X509Certificate> caChain;
        private final List<String> policies = new ArrayList<>();
        private String crlUrl;
        private String ocspUrl;
        private String caIssuersUrl;
        private String clientId = "certyneo-test-client";
        private String clientSecret = "certyneo-test-secret";
        private Duration tokenLifetime = Duration.ofMinutes(30);
        private Duration sadLifetime = Duration.ofMinutes(5);
        private int multisign = 5;
        private boolean rawEcdsa;
        private boolean alternateSpellings;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets the issuing CA's private key.
         *
         * @param key the issuing CA's private key
         * @param chain the issuing CA certificate first, then its issuers
         * @return this
         */
        public Builder issuer(PrivateKey key, List<X509Certificate> chain) {
            this.caKey = Objects.requireNonNull(key, "key");
            this.caChain = List.copyOf(chain);
            return this;
        }

        /**
         * Adds one more certificate policy for issued certificates (QCP-n-qscd is always there).
         *
         * @param oid one more certificate policy for issued certificates (QCP-n-qscd is always there)
         * @return this
         */
        public Builder policy(String oid) {
            this.policies.add(oid);
            return this;
        }

        /**
         * Sets the CRL distribution point URL, or {@code null}.
         *
         * @param crl CRL distribution point URL, or {@code null}
         * @param ocsp OCSP URL, or {@code null}
         * @param caIssuers CA issuers URL, or {@code null}
         * @return this
         */
        public Builder revocationPointers(String crl, String ocsp, String caIssuers) {
            this.crlUrl = crl;
            this.ocspUrl = ocsp;
            this.caIssuersUrl = caIssuers;
            return this;
        }

        /**
         * Sets the OAuth client ID.
         *
         * @param id the OAuth client ID
         * @param secret the client secret
         * @return this
         */
        public Builder client(String id, String secret) {
            this.clientId = id;
            this.clientSecret = secret;
            return this;
        }

        /**
         * Sets the access token lifetime (default 30 minutes).
         *
         * @param lifetime access token lifetime (default 30 minutes)
         * @return this
         */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /**
         * Sets the SAD lifetime (default 5 minutes).
         *
         * @param lifetime SAD lifetime (default 5 minutes)
         * @return this
         */
        public Builder sadLifetime(Duration lifetime) {
            this.sadLifetime = lifetime;
            return this;
        }

        /**
         * Sets the multisign limit of every credential (default 5).
         *
         * @param max the multisign limit of every credential (default 5)
         * @return this
         */
        public Builder multisign(int max) {
            this.multisign = max;
            return this;
        }

        /**
         * Sets whether to return ECDSA signatures as raw r‖s instead of DER.
         *
         * @param raw return ECDSA signatures as raw r‖s instead of DER
         * @return this
         */
        public Builder rawEcdsa(boolean raw) {
            this.rawEcdsa = raw;
            return this;
        }

        /**
         * Sets whether to use the camelCase spellings some servers use ({@code conformanceLevels},
         * {@code errorDescription}) and add unknown fields.
         *
         * @param alternate use camelCase spellings some servers use ({@code conformanceLevels},
         *                  {@code errorDescription}) and add unknown fields
         * @return this
         */
        public Builder alternateSpellings(boolean alternate) {
            this.alternateSpellings = alternate;
            return this;
        }

        /**
         * Sets the clock for expiries and certificate validity.
         *
         * @param clock the clock for expiries and certificate validity
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Starts the server on 127.0.0.1 and an ephemeral port.
         *
         * @return the running server
         * @throws java.io.UncheckedIOException when the port cannot be bound
         */
        public SandboxCscService start() {
            try {
                return new SandboxCscService(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
