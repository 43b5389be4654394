package com.certyneo.engine.pades.csc;

import com.certyneo.engine.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A Cloud Signature Consortium API client on {@code java.net.http}: {@code info}, OAuth 2.0
 * {@code oauth2/token} (client credentials, or authorization code with PKCE S256 through a
 * {@link AuthorizationCodeCallback}), {@code credentials/list}, {@code credentials/info},
 * {@code credentials/getChallenge} (v1: {@code sendOTP}), {@code credentials/authorize} with SCAL2
 * hash binding, {@code credentials/extendTransaction} and {@code signatures/signHash}.
 *
 * <p>Both dialects sit behind the same methods (see {@link CscDialect}). Responses are read
 * tolerantly: unknown fields are ignored and both snake_case and camelCase spellings are accepted.
 * Every failure is a {@link CscException}: unreachable, 5xx and 429 map to
 * {@link ErrorCode#REMOTE_SERVICE_UNAVAILABLE}; 401 and token errors to
 * {@link ErrorCode#REMOTE_AUTHENTICATION_FAILED}; {@code invalid_otp}/{@code invalid_pin} to
 * {@link ErrorCode#OTP_INVALID}; other refusals and malformed responses to
 * {@link ErrorCode#REMOTE_SIGNING_ERROR}; the exception names the call ({@link CscException#call()}) and the
 * CSC error ({@link CscException#error()}). Access tokens are cached until shortly before they expire, then
 * renewed with the {@code refresh_token} grant when the service issued a refresh token (else through the
 * configured grant again); a call refused with HTTP 401 {@code invalid_token} or {@code expired_token} renews
 * the token and is retried once. A {@code signatures/signHash} answered with a {@code responseID}
 * (CSC v2 asynchronous mode) is completed by polling {@code signatures/signPolling} within a bounded time.
 * Thread-safe; secrets never appear in messages or logs.
 */
public final class CscClient {

    /** SHA-256. */
    public static final String SHA256 = "2.16.840.1.101.3.4.2.1";
    /** SHA-384. */
    public static final String SHA384 = "2.16.840.1.101.3.4.2.2";
    /** SHA-512. */
    public static final String SHA512 = "2.16.840.1.101.3.4.2.3";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> TOKEN_ERRORS = Set.of("invalid_token", "expired_token");
    private static final Set<String> AUTH_ERRORS = Set.of("invalid_token", "expired_token", "invalid_client",
            "unauthorized_client", "invalid_grant", "access_denied", "invalid_scope", "invalid_authentication_data");

    private final URI baseUri;
    private final CscDialect dialect;
    private final String clientId;
    private final char[] clientSecret;
    private final AuthorizationCodeCallback codeCallback;
    private final String redirectUri;
    private final String loginHint;
    private final URI oauthBase;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final Object tokenLock = new Object();
    private volatile URI discoveredOauthBase;
    private final boolean asynchronous;
    private final Duration pollingInterval;
    private final Duration pollingTimeout;
    private AccessToken token;
    private String refreshToken;

    private record AccessToken(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[hidden, expires " + expiresAt + "]";
        }
    }

    private CscClient(Builder b) {
        URI base = Objects.requireNonNull(b.baseUri, "baseUri");
        this.baseUri = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.dialect = b.dialect;
        this.clientId = Objects.requireNonNull(b.clientId, "clientId");
        this.clientSecret = b.clientSecret == null ? null : b.clientSecret.clone();
        this.codeCallback = b.codeCallback;
        this.redirectUri = b.redirectUri;
        this.loginHint = b.loginHint;
        this.oauthBase = b.oauthBase;
        this.timeout = b.timeout;
        this.clock = b.clock;
        this.asynchronous = b.asynchronous;
        this.pollingInterval = b.pollingInterval;
        this.pollingTimeout = b.pollingTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@return a builder; the base URI and the client ID are required} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the base URI of the API, such as {@code https://qtsp.example/csc/v2/}} */
    public URI baseUri() {
        return baseUri;
    }

    /** {@return the dialect spoken} */
    public CscDialect dialect() {
        return dialect;
    }

    // ---------------------------------------------------------------- API methods

    /**
     * {@code info}: what the service is and supports. Needs no token.
     *
     * @return the service information
     */
    public CscInfo info() {
        JsonNode n = call("info", JSON.createObjectNode(), false);
        return new CscInfo(text(n, "specs").orElse(""), text(n, "name").orElse(""), text(n, "region").orElse(""),
                strings(n, "authType", "auth_type"), text(n, "oauth2", "oauth2Issuer", "oauth2_issuer"),
                strings(n, "methods"), strings(field(n, "signAlgorithms", "sign_algorithms"), "algos"),
                strings(n, "conformance_levels", "conformanceLevels"));
    }

    /**
     * {@code credentials/list}.
     *
     * @param userId the user whose credentials to list (needed with a client-credentials token), or {@code null}
     * @return the credential IDs
     */
    public List<String> listCredentials(String userId) {
        ObjectNode body = JSON.createObjectNode();
        if (userId != null) {
            body.put("userID", userId);
        }
        JsonNode n = call("credentials/list", body, true);
        JsonNode ids = field(n, "credentialIDs", "credential_ids", "credentialIds");
        if (ids == null || !ids.isArray()) {
            throw malformed("credentials/list", "no credentialIDs array");
        }
        List<String> out = new ArrayList<>();
        ids.forEach(id -> out.add(id.asText()));
        return out;
    }

    /**
     * {@code credentials/info} with the whole chain.
     *
     * @param credentialId the credential
     * @return its key, certificate and authorisation details
     */
    public CscCredentialInfo credentialInfo(String credentialId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("credentialID", credentialId);
        body.put("certificates", "chain");
        body.put("certInfo", true);
        body.put("authInfo", true);
        String method = "credentials/info";
        JsonNode n = call(method, body, true);
        JsonNode key = field(n, "key");
        JsonNode cert = field(n, "cert");
        if (key == null || cert == null) {
            throw malformed(method, "no key or cert object for credential " + credentialId);
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String b64 : strings(cert, "certificates")) {
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(Base64.getMimeDecoder().decode(b64))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw malformed(method, "a certificate of credential " + credentialId + " does not parse");
        }
        if (chain.isEmpty()) {
            throw malformed(method, "credential " + credentialId + " has no certificate");
        }
        String authMode;
        boolean pin;
        boolean otp;
        boolean online;
        String label = "";
        JsonNode auth = field(n, "auth");
        if (auth != null && auth.isObject()) {
            authMode = text(auth, "mode").orElse("explicit");
            pin = false;
            otp = false;
            online = false;
            for (JsonNode object : auth.path("objects")) {
                String id = text(object, "id").orElse("").toUpperCase(Locale.ROOT);
                String type = text(object, "type").orElse("");
                if (id.equals("PIN") || (type.equals("Password") && !id.contains("OTP"))) {
                    pin = true;
                } else {
                    otp = true;
                    online = online || type.endsWith("OOB") || type.startsWith("ChallengeResponse");
                    label = text(object, "label").orElse(label);
                }
            }
            String expression = text(auth, "expression").orElse("").toUpperCase(Locale.ROOT);
            pin = pin || expression.contains("PIN");
            otp = otp || expression.contains("OTP");
        } else {
            authMode = text(n, "authMode", "auth_mode").orElse("explicit");
            JsonNode pinNode = field(n, "PIN", "pin");
            JsonNode otpNode = field(n, "OTP", "otp");
            pin = pinNode != null && presence(pinNode);
            otp = otpNode != null && presence(otpNode);
            online = otp && text(otpNode, "type").orElse("online").equalsIgnoreCase("online");
            if (otp) {
                label = text(otpNode, "label").orElse("");
            }
        }
        return new CscCredentialInfo(credentialId, chain, strings(key, "algo"),
                text(key, "status").orElse("enabled").equalsIgnoreCase("enabled"), text(cert, "status").orElse(""),
                authMode, pin, otp, online, label, text(n, "SCAL", "scal").orElse("1"),
                field(n, "multisign") == null ? 1 : field(n, "multisign").asInt(1));
    }

    /**
     * Asks the service to send the OTP out of band ({@code credentials/getChallenge} with
     * {@code authObjectID=OTP}; v1: {@code credentials/sendOTP}).
     *
     * @param credentialId the credential
     * @return the challenge, when the service returned one instead of sending it out of band
     */
    public Optional<String> requestOtp(String credentialId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("credentialID", credentialId);
        if (dialect == CscDialect.V2) {
            body.put("authObjectID", "OTP");
            JsonNode n = call("credentials/getChallenge", body, true);
            return n == null ? Optional.empty() : text(n, "challenge");
        }
        call("credentials/sendOTP", body, true);
        return Optional.empty();
    }

    /**
     * {@code credentials/authorize}, explicit mode, bound to the hashes (SCAL2).
     *
     * @param credentialId the credential
     * @param numSignatures how many signatures the authorisation covers (at least the number of hashes)
     * @param hashes the digests to authorise
     * @param hashAlgorithmOid the digest algorithm OID, such as {@link #SHA256}
     * @param pin the PIN, or {@code null}
     * @param otp the OTP, or {@code null}
     * @param description a description shown to the user by some services (at most 500 characters), or {@code null}
     * @return the SAD
     */
    public CscAuthorization authorize(String credentialId, int numSignatures, List<byte[]> hashes, String hashAlgorithmOid,
                                      char[] pin, char[] otp, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put("credentialID", credentialId);
        body.put("numSignatures", numSignatures);
        putHashes(body, hashes, hashAlgorithmOid);
        if (dialect == CscDialect.V2) {
            ArrayNode authData = body.putArray("authData");
            if (pin != null) {
                authData.addObject().put("id", "PIN").put("value", new String(pin));
            }
            if (otp != null) {
                authData.addObject().put("id", "OTP").put("value", new String(otp));
            }
        } else {
            if (pin != null) {
                body.put("PIN", new String(pin));
            }
            if (otp != null) {
                body.put("OTP", new String(otp));
            }
        }
        if (description != null) {
            body.put("description", description.length() > 500 ? description.substring(0, 500) : description);
        }
        return sad(credentialId, "credentials/authorize", call("credentials/authorize", body, true));
    }

    /**
     * {@code credentials/extendTransaction}: binds further hashes to a multi-signature transaction.
     *
     * @param authorization the current SAD
     * @param hashes the new digests
     * @param hashAlgorithmOid the digest algorithm OID
     * @return the new SAD (the old one must no longer be used)
     */
    public CscAuthorization extendTransaction(CscAuthorization authorization, List<byte[]> hashes, String hashAlgorithmOid) {
        ObjectNode body = JSON.createObjectNode();
        body.put("credentialID", authorization.credentialId());
        body.put("SAD", authorization.sad());
        putHashes(body, hashes, hashAlgorithmOid);
        return sad(authorization.credentialId(), "credentials/extendTransaction",
                call("credentials/extendTransaction", body, true));
    }

    /**
     * {@code signatures/signHash}: several hashes (all covered by the SAD) are signed in one call. When the
     * service answers with a {@code responseID} instead (asynchronous mode), {@code signatures/signPolling} is
     * called until the signatures are ready, at most for the polling timeout of {@link Builder#polling}.
     *
     * @param authorization the SAD covering the hashes
     * @param hashes the digests to sign
     * @param hashAlgorithmOid the digest algorithm OID
     * @param signAlgorithmOid the signature algorithm OID, such as {@code 1.2.840.10045.4.3.2}
     * @param signAlgorithmParams DER of the algorithm parameters (RSASSA-PSS), or {@code null}
     * @return one signature value per hash, in the same order
     */
    public List<byte[]> signHash(CscAuthorization authorization, List<byte[]> hashes, String hashAlgorithmOid,
                                 String signAlgorithmOid, byte[] signAlgorithmParams) {
        ObjectNode body = JSON.createObjectNode();
        body.put("credentialID", authorization.credentialId());
        body.put("SAD", authorization.sad());
        ArrayNode array = body.putArray(dialect == CscDialect.V2 ? "hashes" : "hash");
        hashes.forEach(h -> array.add(Base64.getEncoder().encodeToString(h)));
        body.put(dialect == CscDialect.V2 ? "hashAlgorithmOID" : "hashAlgo", hashAlgorithmOid);
        body.put("signAlgo", signAlgorithmOid);
        if (signAlgorithmParams != null) {
            body.put("signAlgoParams", Base64.getEncoder().encodeToString(signAlgorithmParams));
        }
        if (dialect == CscDialect.V2) {
            body.put("operationMode", asynchronous ? "A" : "S");
        }
        String method = "signatures/signHash";
        JsonNode n = call(method, body, true);
        Optional<String> responseId = text(n, "responseID", "responseId", "response_id");
        if (field(n, "signatures") == null && responseId.isPresent()) {
            method = "signatures/signPolling";
            n = poll(responseId.get(), authorization.credentialId());
        }
        JsonNode signatures = field(n, "signatures");
        if (signatures == null || !signatures.isArray() || signatures.size() != hashes.size()) {
            throw malformed(method, "expected " + hashes.size() + " signature(s) for credential " + authorization.credentialId());
        }
        List<byte[]> out = new ArrayList<>();
        for (JsonNode s : signatures) {
            try {
                out.add(Base64.getMimeDecoder().decode(s.asText()));
            } catch (IllegalArgumentException e) {
                throw malformed(method, "a signature is not base64");
            }
        }
        return out;
    }

    /**
     * CSC v2 asynchronous signing: the service answered {@code signatures/signHash} with a {@code responseID}
     * instead of the signatures. Calls {@code signatures/signPolling} until it returns them, at most until the
     * polling timeout; an answer without signatures (HTTP 202, or a {@code status} that is not final) means
     * "not yet".
     */
    private JsonNode poll(String responseId, String credentialId) {
        String method = "signatures/signPolling";
        long deadline = System.nanoTime() + pollingTimeout.toNanos();
        while (true) {
            ObjectNode body = JSON.createObjectNode();
            body.put("responseID", responseId);
            JsonNode n = call(method, body, true);
            if (field(n, "signatures") != null) {
                return n;
            }
            String status = text(n, "status").orElse("").toUpperCase(Locale.ROOT);
            if (status.equals("FAILED") || status.equals("EXPIRED") || status.equals("ERROR")) {
                throw new CscException(ErrorCode.REMOTE_SIGNING_ERROR, method, baseUri.resolve(method).toString(), 200, null,
                        "CSC " + method + " at " + baseUri.resolve(method) + " reports the asynchronous signature of credential "
                                + credentialId + " as " + status,
                        "The signing service gave up on the request; sign again.", null);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CscException(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, method, baseUri.resolve(method).toString(), 0, null,
                        "CSC " + method + " at " + baseUri.resolve(method) + ": the asynchronous signature of credential "
                                + credentialId + " did not finish within " + pollingTimeout.toMillis() + " ms",
                        "Retry later, or raise CscClient.builder().polling(interval, timeout).", null);
            }
            try {
                Thread.sleep(pollingInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CscException(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, method, baseUri.resolve(method).toString(), 0, null,
                        "CSC " + method + " at " + baseUri.resolve(method) + " was interrupted", "Retry.", e);
            }
        }
    }

    // ---------------------------------------------------------------- OAuth

    private String accessToken() {
        synchronized (tokenLock) {
            if (token != null && token.expiresAt().isAfter(clock.instant().plusSeconds(10))) {
                return token.value();
            }
            if (refreshToken != null) {
                // OAuth 2.0 refresh_token grant: no new user interaction; a refused refresh token falls back to the full grant
                Map<String, String> form = new LinkedHashMap<>();
                form.put("grant_type", "refresh_token");
                form.put("refresh_token", refreshToken);
                try {
                    return tokenRequest(form);
                } catch (CscException e) {
                    if (e.code() != ErrorCode.REMOTE_AUTHENTICATION_FAILED) {
                        throw e;
                    }
                    refreshToken = null;
                }
            }
            Map<String, String> form = new LinkedHashMap<>();
            if (codeCallback != null) {
                String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
                String state = Base64.getUrlEncoder().withoutPadding().encodeToString(random(12));
                String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
                Map<String, String> q = new LinkedHashMap<>();
                q.put("response_type", "code");
                q.put("client_id", clientId);
                q.put("redirect_uri", redirectUri);
                q.put("scope", "service");
                q.put("code_challenge", challenge);
                q.put("code_challenge_method", "S256");
                q.put("state", state);
                if (loginHint != null) {
                    q.put("login_hint", loginHint);
                }
                URI url = URI.create(oauthBase() + "oauth2/authorize?" + encode(q));
                String answer = codeCallback.authorize(url);
                String code = answer;
                if (answer != null && answer.contains("code=")) {
                    Map<String, String> back = decode(URI.create(answer).getRawQuery());
                    if (!state.equals(back.get("state"))) {
                        throw new CscException(ErrorCode.REMOTE_AUTHENTICATION_FAILED, "oauth2/authorize", url.getHost(), 0, null,
                                "The OAuth redirect from " + oauthBase() + " carries a wrong state value",
                                "Restart the authorisation; the redirect may have been forged.", null);
                    }
                    code = back.get("code");
                }
                if (code == null || code.isBlank()) {
                    throw new CscException(ErrorCode.REMOTE_AUTHENTICATION_FAILED, "oauth2/authorize", oauthBase() + "oauth2/authorize", 0, null,
                            "The authorization code callback returned no code", "Check the redirect handling.", null);
                }
                form.put("grant_type", "authorization_code");
                form.put("code", code);
                form.put("redirect_uri", redirectUri);
                form.put("code_verifier", verifier);
            } else {
                form.put("grant_type", "client_credentials");
                form.put("scope", "service");
            }
            return tokenRequest(form);
        }
    }

    /** {@code oauth2/token} with the client authentication added; keeps the access token and any refresh token. */
    private String tokenRequest(Map<String, String> form) {
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", new String(clientSecret));
        }
        URI url = URI.create(oauthBase() + "oauth2/token");
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build();
        JsonNode n = send("oauth2/token", url, request);
        Optional<String> value = text(n, "access_token", "accessToken");
        if (value.isEmpty()) {
            throw malformed("oauth2/token", "no access_token");
        }
        long expiresIn = field(n, "expires_in", "expiresIn") == null ? 3600 : field(n, "expires_in", "expiresIn").asLong(3600);
        token = new AccessToken(value.get(), clock.instant().plusSeconds(expiresIn));
        // a refresh grant may rotate the refresh token; one that is not returned stays valid
        text(n, "refresh_token", "refreshToken").ifPresent(r -> refreshToken = r);
        return token.value();
    }

    private String oauthBase() {
        URI base = oauthBase;
        if (base == null) {
            base = discoveredOauthBase;
            if (base == null) {
                // CSC: the OAuth endpoints live under info.oauth2 when the service names one.
                base = info().oauth2().map(URI::create).orElse(baseUri);
                discoveredOauthBase = base;
            }
        }
        String s = base.toString();
        return s.endsWith("/") ? s : s + "/";
    }

    /**
     * Forgets the cached access token, so that the next call obtains a new one (with the refresh token when the
     * service issued one, else through the configured grant).
     */
    public void resetToken() {
        synchronized (tokenLock) {
            token = null;
        }
    }

    /** Forgets the access token {@code value} if it is still the cached one (another thread may have replaced it). */
    private void discardToken(String value) {
        synchronized (tokenLock) {
            if (token != null && token.value().equals(value)) {
                token = null;
            }
        }
    }

    // ---------------------------------------------------------------- transport

    private JsonNode call(String method, ObjectNode body, boolean authenticated) {
        if (!authenticated) {
            return call(method, body, null);
        }
        String used = accessToken();
        try {
            return call(method, body, used);
        } catch (CscException e) {
            // An access token the service no longer accepts (expired early, revoked): refresh it and retry once. The
            // service checks the token before anything else, so the refused call had no effect.
            boolean tokenRefused = e.httpStatus() == 401 && e.error().map(TOKEN_ERRORS::contains).orElse(true);
            if (!tokenRefused) {
                throw e;
            }
            discardToken(used);
            return call(method, body, accessToken());
        }
    }

    private JsonNode call(String method, ObjectNode body, String bearer) {
        URI url = baseUri.resolve(method);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            request.POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return send(method, url, request.build());
    }

    private JsonNode send(String method, URI url, HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CscException(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, method, url.toString(), 0, null,
                    "CSC " + method + " at " + url + " failed: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    "Check that the signing service is reachable and retry.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CscException(ErrorCode.REMOTE_SERVICE_UNAVAILABLE, method, url.toString(), 0, null,
                    "CSC " + method + " at " + url + " was interrupted", "Retry.", e);
        }
        int status = response.statusCode();
        byte[] bytes = response.body();
        if (status == 204 || (status / 100 == 2 && bytes.length == 0)) {
            return null;
        }
        JsonNode n = null;
        try {
            n = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            if (status / 100 == 2) {
                throw malformed(method, url, status, "the body is not JSON");
            }
        }
        if (status / 100 == 2) {
            if (n == null || !n.isObject()) {
                throw malformed(method, url, status, "the body is not a JSON object");
            }
            return n;
        }
        String error = n == null ? null : text(n, "error").orElse(null);
        String description = n == null ? "" : sanitize(text(n, "error_description", "errorDescription", "message").orElse(""));
        String what = "CSC " + method + " at " + url + " answered HTTP " + status
                + (error == null ? "" : " " + error) + (description.isEmpty() ? "" : ": " + description);
        ErrorCode code;
        String hint;
        if (status >= 500 || status == 429 || "temporarily_unavailable".equals(error) || "server_error".equals(error)) {
            code = ErrorCode.REMOTE_SERVICE_UNAVAILABLE;
            hint = "The signing service failed; retry later.";
        } else if ("invalid_otp".equals(error) || "invalid_pin".equals(error)) {
            code = ErrorCode.OTP_INVALID;
            hint = "Ask the signer for the code again (request a new one if it expired).";
        } else if (status == 401 || (error != null && AUTH_ERRORS.contains(error))) {
            code = ErrorCode.REMOTE_AUTHENTICATION_FAILED;
            hint = "Check the OAuth client credentials; an expired token needs a new one.";
        } else {
            code = ErrorCode.REMOTE_SIGNING_ERROR;
            hint = "The signing service refused the request; see its error.";
        }
        throw new CscException(code, method, url.toString(), status, error, what, hint, null);
    }

    private CscAuthorization sad(String credentialId, String method, JsonNode n) {
        Optional<String> sad = n == null ? Optional.empty() : text(n, "SAD", "sad");
        if (sad.isEmpty()) {
            throw malformed(method, "no SAD for credential " + credentialId);
        }
        long expiresIn = field(n, "expiresIn", "expires_in") == null ? 3600 : field(n, "expiresIn", "expires_in").asLong(3600);
        return new CscAuthorization(credentialId, sad.get(), clock.instant().plusSeconds(expiresIn));
    }

    private void putHashes(ObjectNode body, List<byte[]> hashes, String hashAlgorithmOid) {
        ArrayNode array = body.putArray(dialect == CscDialect.V2 ? "hashes" : "hash");
        hashes.forEach(h -> array.add(Base64.getEncoder().encodeToString(h)));
        if (dialect == CscDialect.V2) {
            body.put("hashAlgorithmOID", hashAlgorithmOid);
        }
    }

    private CscException malformed(String method, String why) {
        return malformed(method, baseUri.resolve(method), 200, why);
    }

    private static CscException malformed(String method, URI url, int status, String why) {
        return new CscException(ErrorCode.REMOTE_SIGNING_ERROR, method, url.toString(), status, null,
                "CSC " + method + " at " + url + " sent a malformed response: " + why,
                "The signing service does not follow the CSC API; contact its operator.", null);
    }

    /** Keeps error descriptions short and printable; servers write them, so never trust their length. */
    private static String sanitize(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", " ").strip();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    // ---------------------------------------------------------------- tolerant JSON reading

    static JsonNode field(JsonNode node, String... names) {
        if (node == null) {
            return null;
        }
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && !v.isNull()) {
                return v;
            }
        }
        return null;
    }

    static Optional<String> text(JsonNode node, String... names) {
        JsonNode v = field(node, names);
        return v == null || v.isContainerNode() ? Optional.empty() : Optional.of(v.asText());
    }

    static List<String> strings(JsonNode node, String... names) {
        JsonNode v = field(node, names);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    private static boolean presence(JsonNode node) {
        String p = text(node, "presence").orElse("true");
        return p.equalsIgnoreCase("true") || p.equalsIgnoreCase("required");
    }

    private static String encode(Map<String, String> form) {
        StringJoiner j = new StringJoiner("&");
        form.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    private static Map<String, String> decode(String query) {
        Map<String, String> map = new LinkedHashMap<>();
        if (query == null) {
            return map;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return map;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "CscClient[" + baseUri + ", " + dialect + "]";
    }

    /** Builder for {@link CscClient}. */
    public static final class Builder {
        private URI baseUri;
        private CscDialect dialect = CscDialect.V2;
        private String clientId;
        private char[] clientSecret;
        private AuthorizationCodeCallback codeCallback;
        private String redirectUri;
        private String loginHint;
        private URI oauthBase;
        private Duration timeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private boolean asynchronous;
        private Duration pollingInterval = Duration.ofSeconds(1);
        private Duration pollingTimeout = Duration.ofMinutes(2);

        private Builder() {
        }

        /**
         * Asks for asynchronous signing ({@code operationMode=A}, CSC v2). Whatever this says, a service that
         * answers {@code signatures/signHash} with a {@code responseID} is polled.
         *
         * @param asynchronous whether to ask for asynchronous signing (default {@code false})
         * @return this
         */
        public Builder asynchronous(boolean asynchronous) {
            this.asynchronous = asynchronous;
            return this;
        }

        /**
         * How {@code signatures/signPolling} is called for an asynchronous signature.
         *
         * @param interval the pause between two polls (default 1 s)
         * @param timeout how long to poll before failing with {@link ErrorCode#REMOTE_SERVICE_UNAVAILABLE} (default 2 min)
         * @return this
         */
        public Builder polling(Duration interval, Duration timeout) {
            if (interval.isNegative() || timeout.isNegative()) {
                throw new IllegalArgumentException("interval and timeout must not be negative");
            }
            this.pollingInterval = interval;
            this.pollingTimeout = timeout;
            return this;
        }

        /**
         * Sets the API base, such as {@code https://qtsp.example/csc/v2/}.
         *
         * @param uri the API base, such as {@code https://qtsp.example/csc/v2/}
         * @return this
         */
        public Builder baseUri(URI uri) {
            this.baseUri = uri;
            return this;
        }

        /**
         * Sets the API version (default {@link CscDialect#V2}).
         *
         * @param dialect the API version (default {@link CscDialect#V2})
         * @return this
         */
        public Builder dialect(CscDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * OAuth 2.0 client credentials.
         *
         * @param id the client ID
         * @param secret the client secret (copied), or {@code null} for a public client
         * @return this
         */
        public Builder client(String id, char[] secret) {
            this.clientId = id;
            this.clientSecret = secret == null ? null : secret.clone();
            return this;
        }

        /**
         * Uses the authorization code flow (PKCE S256) instead of client credentials.
         *
         * @param callback sends the user to the authorisation URL and returns the redirect
         * @param redirectUri the registered redirect URI
         * @param loginHint a {@code login_hint} for the service (the user ID), or {@code null}
         * @return this
         */
        public Builder authorizationCode(AuthorizationCodeCallback callback, String redirectUri, String loginHint) {
            this.codeCallback = callback;
            this.redirectUri = redirectUri;
            this.loginHint = loginHint;
            return this;
        }

        /**
         * Sets the OAuth 2.0 server base ({@code info.oauth2}); default the API base.
         *
         * @param base the OAuth 2.0 server base ({@code info.oauth2}); default the API base
         * @return this
         */
        public Builder oauthBase(URI base) {
            this.oauthBase = base;
            return this;
        }

        /**
         * Sets the connect and request timeout (default 30 s).
         *
         * @param timeout connect and request timeout (default 30 s)
         * @return this
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the clock for token and SAD expiry.
         *
         * @param clock the clock for token and SAD expiry
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return the client} */
        public CscClient build() {
            return new CscClient(this);
        }
    }
}
