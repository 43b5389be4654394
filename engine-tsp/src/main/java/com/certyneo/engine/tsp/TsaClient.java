package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.TimestampSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A strict RFC 3161 client over HTTP(S), profiled by ETSI EN 319 422. Each request carries a SHA-256 or
 * stronger imprint (SHA-1 is refused), a fresh random 64-bit nonce, {@code certReq=true} and the
 * endpoint's {@code reqPolicy} if any. Each reply is used only after every {@link TsaCheck} passed:
 * PKIStatus, imprint, nonce, ESSCertID(v2), signature, TSU certificate (critical id-kp-timeStamping EKU,
 * valid at genTime), trust anchors (when configured), policy allow-list (when configured), accuracy,
 * ordering, critical extensions and genTime against the local clock.
 *
 * <p>TSAs are tried in the configured order. Transport failures (connection, timeout, HTTP 5xx) and
 * transient TSA statuses are retried a bounded number of times on the same TSA; any other failure moves
 * on to the next TSA at once. When every TSA failed, the {@link TsaException} lists what each one did.
 *
 * <p>Implements {@link TimestampSource}, so the PAdES engine can use it for B-T and B-LTA. Immutable and
 * thread-safe; build one and share it.
 */
public final class TsaClient implements TimestampSource {

    private static final Logger LOG = LoggerFactory.getLogger(TsaClient.class);
    static final String QUERY_TYPE = "application/timestamp-query";
    static final String REPLY_TYPE = "application/timestamp-reply";
    /** Largest reply accepted: tokens with a chain are a few KiB. */
    static final int MAX_REPLY_BYTES = 1 << 20;

    /** One endpoint with its own HTTP client (timeouts and TLS context are per client). */
    private record Lane(TsaEndpoint endpoint, HttpClient http) {
    }

    private final List<Lane> lanes;
    private final ResponseVerifier verifier;
    private final int retries;
    private final Duration retryDelay;
    private final SecureRandom random = new SecureRandom();
    private final String description;

    private TsaClient(Builder b) {
        if (b.endpoints.isEmpty()) {
            throw new IllegalArgumentException("At least one TSA endpoint is required");
        }
        List<Lane> list = new ArrayList<>();
        for (TsaEndpoint endpoint : b.endpoints) {
            HttpClient.Builder http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(endpoint.connectTimeout());
            endpoint.sslContext().ifPresent(http::sslContext);
            list.add(new Lane(endpoint, http.build()));
        }
        this.lanes = List.copyOf(list);
        Set<TrustAnchor> anchors = b.trustAnchors.stream().map(c -> new TrustAnchor(c, null))
                .collect(Collectors.toUnmodifiableSet());
        this.verifier = new ResponseVerifier(b.allowedPolicies, anchors, b.maxClockSkew, b.clock, b.revocationSource);
        this.retries = b.retries;
        this.retryDelay = b.retryDelay;
        this.description = lanes.stream().map(l -> l.endpoint().displayName())
                .collect(Collectors.joining(", ", "TSA client [", "]"));
    }

    /** {@return a builder with defaults: one retry after 250 ms, 2 min clock skew, no policy allow-list, no anchors} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the endpoints, in failover order} */
    public List<TsaEndpoint> endpoints() {
        return lanes.stream().map(Lane::endpoint).toList();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public byte[] timestamp(String digestAlgorithm, byte[] digest) {
        return request(digestAlgorithm, digest).token();
    }

    /**
     * Obtains and verifies a time-stamp token, with failover.
     *
     * @param digestAlgorithm the JCA name of the imprint's algorithm: SHA-256, SHA-384, SHA-512 or SHA3-*
     * @param digest the imprint
     * @return the verified token, the TSA that issued it and what the token claims
     * @throws TsaException naming the failed check and TSA ({@link TsaCheck#ALL_TSAS} with
     *                      {@link TsaException#attempts()} when several TSAs were configured and all failed);
     *                      {@link ErrorCode#INVALID_REQUEST} for SHA-1, unknown algorithms or a wrong digest length
     */
    public TimestampResult request(String digestAlgorithm, byte[] digest) {
        Digests.Algorithm algorithm;
        try {
            algorithm = Digests.require(digestAlgorithm, digest, description);
        } catch (SignatureEngineException e) {
            throw new TsaException(ErrorCode.INVALID_REQUEST, TsaCheck.REQUEST, description, e.getMessage(), e.hint(),
                    null, List.of(), false);
        }
        byte[] imprint = digest.clone();
        List<TsaException> failures = new ArrayList<>();
        for (Lane lane : lanes) {
            TsaException last = null;
            for (int attempt = 0; attempt <= retries; attempt++) {
                if (attempt > 0) {
                    pause(lane, retryDelay.multipliedBy(attempt));
                }
                try {
                    TimestampResult result = exchange(lane, algorithm.oid(), imprint);
                    LOG.debug("Time-stamp from {}: serial {}, genTime {}", result.tsa(),
                            result.info().serialNumber(), result.info().genTime());
                    return result;
                } catch (TsaException e) {
                    last = e;
                    LOG.warn("{} (attempt {} of {})", e.getMessage(), attempt + 1, retries + 1);
                    if (!e.isRetryable()) {
                        break;
                    }
                }
            }
            failures.add(last);
        }
        if (failures.size() == 1) {
            throw failures.get(0);
        }
        boolean allAnswered = failures.stream().allMatch(f -> f.code() == ErrorCode.TSA_RESPONSE_INVALID);
        StringBuilder message = new StringBuilder("No TSA returned a valid time-stamp token (")
                .append(failures.size()).append(" tried):");
        for (int i = 0; i < failures.size(); i++) {
            message.append(" [").append(i + 1).append("] ").append(failures.get(i).getMessage());
            if (i < failures.size() - 1) {
                message.append(';');
            }
        }
        throw new TsaException(allAnswered ? ErrorCode.TSA_RESPONSE_INVALID : ErrorCode.TSA_UNAVAILABLE,
                TsaCheck.ALL_TSAS, lanes.stream().map(l -> l.endpoint().displayName()).collect(Collectors.joining(", ")),
                message.toString(), "Check the network path to the TSAs and their status; see each TSA's failure.",
                failures.get(failures.size() - 1), failures, false);
    }

    private TimestampResult exchange(Lane lane, ASN1ObjectIdentifier algorithm, byte[] imprint) {
        TsaEndpoint endpoint = lane.endpoint();
        String tsa = endpoint.displayName();
        BigInteger nonce;
        do {
            nonce = new BigInteger(64, random);
        } while (nonce.signum() == 0);
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        endpoint.requestPolicy().ifPresent(p -> generator.setReqPolicy(new ASN1ObjectIdentifier(p)));
        TimeStampRequest request = generator.generate(algorithm, imprint, nonce);
        byte[] body;
        try {
            body = request.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode a TimeStampReq", e);
        }
        HttpRequest.Builder http = HttpRequest.newBuilder(endpoint.uri())
                .timeout(endpoint.readTimeout())
                .header("Content-Type", QUERY_TYPE)
                .header("Accept", REPLY_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        endpoint.authentication().authorizationHeader().ifPresent(h -> http.header("Authorization", h));

        HttpResponse<byte[]> response = send(lane, http.build());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean replyType = mediaType.equals(REPLY_TYPE) || mediaType.equals("application/timestamp-response");
        int status = response.statusCode();
        if (status != 200) {
            if (replyType && status >= 400 && status < 500) {
                // Some TSAs send their RFC 3161 rejection with a 4xx: report the TSA's own reason.
                rejection(response.body()).ifPresent(reason -> {
                    throw TsaException.failed(TsaCheck.PKI_STATUS, tsa, "HTTP " + status + ", the TSA answered " + reason,
                            ResponseVerifier.hint(TsaCheck.PKI_STATUS));
                });
            }
            boolean transientStatus = status >= 500 || status == 408 || status == 429;
            throw TsaException.failed(TsaCheck.HTTP_STATUS, tsa, "HTTP " + status
                    + (status == 401 || status == 403 ? " (authentication refused)" : ""),
                    transientStatus ? "The TSA kept answering with a server error; try again later, or add a backup TSA endpoint."
                            : "Check the TSA URL and credentials.").retryable(transientStatus);
        }
        if (!replyType) {
            throw TsaException.failed(TsaCheck.CONTENT_TYPE, tsa, "the reply has content type '"
                    + PkiStatusText.sanitize(contentType) + "', not " + REPLY_TYPE,
                    "Check the TSA URL: it may point at a web page, not an RFC 3161 endpoint.");
        }
        return verifier.verify(tsa, endpoint.pinnedCertificates(), algorithm, imprint, nonce, response.body());
    }

    private static java.util.Optional<String> rejection(byte[] body) {
        try {
            TimeStampResp resp = TimeStampResp.getInstance(ASN1Primitive.fromByteArray(body));
            int value = resp.getStatus().getStatus().intValue();
            if (value != 0 && value != 1) {
                return java.util.Optional.of(PkiStatusText.describe(resp.getStatus()));
            }
        } catch (Exception e) {
            // not a TimeStampResp: fall back to the HTTP status
        }
        return java.util.Optional.empty();
    }

    private HttpResponse<byte[]> send(Lane lane, HttpRequest request) {
        TsaEndpoint endpoint = lane.endpoint();
        String tsa = endpoint.displayName();
        Duration deadline = endpoint.connectTimeout().plus(endpoint.readTimeout());
        CompletableFuture<HttpResponse<byte[]>> future =
                lane.http().sendAsync(request, info -> LimitedBody.of(MAX_REPLY_BYTES));
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw TsaException.failed(TsaCheck.TIMEOUT, tsa, "no complete reply within " + deadline.toMillis() + " ms",
                    "The TSA did not answer in time; check the network path to it, or add a backup TSA endpoint.");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TsaException(ErrorCode.TSA_UNAVAILABLE, TsaCheck.CONNECTION, tsa,
                    "Interrupted while waiting for TSA " + tsa, "", e, List.of(), false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                throw TsaException.failed(TsaCheck.TIMEOUT, tsa, "connect timed out after "
                        + endpoint.connectTimeout().toMillis() + " ms", "The TSA could not be reached; check its URL and the network path, or add a backup TSA endpoint.",
                        cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw TsaException.failed(TsaCheck.TIMEOUT, tsa, "read timed out after "
                        + endpoint.readTimeout().toMillis() + " ms", "The TSA did not answer in time; try again later, or add a backup TSA endpoint.", cause);
            }
            if (cause instanceof LimitedBody.TooLargeException) {
                throw TsaException.failed(TsaCheck.CONTENT_TYPE, tsa, "the reply exceeds " + MAX_REPLY_BYTES + " bytes",
                        "Check the TSA URL.", cause);
            }
            String what = cause instanceof ConnectException ? "cannot connect (connection refused or no route)"
                    : cause instanceof java.nio.channels.UnresolvedAddressException
                      || cause instanceof java.net.UnknownHostException ? "cannot connect (unknown host)"
                    : cause instanceof SSLException ? "TLS failed" : "I/O failed";
            // In words: the exception's class is in the cause, which callers and --debug see.
            String detail = cause.getMessage() == null || cause.getMessage().isBlank() ? ""
                    : ": " + PkiStatusText.sanitize(cause.getMessage());
            throw TsaException.failed(TsaCheck.CONNECTION, tsa, what + detail,
                    "Check the TSA URL, the network path and TLS settings, or add a backup TSA endpoint.", cause);
        }
    }

    private static void pause(Lane lane, Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TsaException(ErrorCode.TSA_UNAVAILABLE, TsaCheck.CONNECTION, lane.endpoint().displayName(),
                    "Interrupted before retrying TSA " + lane.endpoint().displayName(), "", e, List.of(), false);
        }
    }

    /** Builder for {@link TsaClient}. Not thread-safe; the client it builds is. */
    public static final class Builder {
        private final List<TsaEndpoint> endpoints = new ArrayList<>();
        private final Set<String> allowedPolicies = new LinkedHashSet<>();
        private final List<X509Certificate> trustAnchors = new ArrayList<>();
        private Duration maxClockSkew = Duration.ofMinutes(2);
        private int retries = 1;
        private Duration retryDelay = Duration.ofMillis(250);
        private Clock clock = Clock.systemUTC();
        private com.certyneo.engine.spi.RevocationSource revocationSource;

        private Builder() {
        }

        /**
         * Adds a TSA, tried after those added before it.
         *
         * @param endpoint a TSA, tried after those added before it
         * @return this
         */
        public Builder endpoint(TsaEndpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /**
         * Adds a TSA URL with default settings, tried after those added before it.
         *
         * @param url a TSA URL with default settings, tried after those added before it
         * @return this
         */
        public Builder endpoint(String url) {
            return endpoint(TsaEndpoint.of(url));
        }

        /**
         * Sets the TSA policy OIDs accepted in tokens, such as {@code 0.4.0.2023.1.1}; empty (the
         * default) accepts any policy.
         *
         * @param policyOids the TSA policy OIDs accepted in tokens, such as {@code 0.4.0.2023.1.1}; empty (the
         *                   default) accepts any policy
         * @return this
         */
        public Builder allowedPolicies(Collection<String> policyOids) {
            allowedPolicies.clear();
            for (String oid : policyOids) {
                allowedPolicies.add(new ASN1ObjectIdentifier(oid).getId());
            }
            return this;
        }

        /**
         * Sets the root (or pinned TSU) certificates the TSU certificate must chain to; empty (the default)
         * skips the trust check and results report {@code chainTrusted=false}.
         *
         * @param anchors root (or pinned TSU) certificates the TSU certificate must chain to; empty (the default)
         *                skips the trust check and results report {@code chainTrusted=false}
         * @return this
         */
        public Builder trustAnchors(Collection<X509Certificate> anchors) {
            trustAnchors.clear();
            trustAnchors.addAll(anchors);
            return this;
        }

        /**
         * Sets the largest accepted distance between genTime and the local clock (default 2 min).
         *
         * @param skew the largest accepted distance between genTime and the local clock (default 2 min)
         * @return this
         */
        public Builder maxClockSkew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("The clock skew cannot be negative");
            }
            this.maxClockSkew = skew;
            return this;
        }

        /**
         * Sets the retries per TSA after a transport failure or a transient TSA status, 0 to 5 (default 1).
         *
         * @param count retries per TSA after a transport failure or a transient TSA status, 0 to 5 (default 1)
         * @return this
         */
        public Builder retries(int count) {
            if (count < 0 || count > 5) {
                throw new IllegalArgumentException("retries must be between 0 and 5");
            }
            this.retries = count;
            return this;
        }

        /**
         * Sets the pause before the first retry, growing linearly after (default 250 ms).
         *
         * @param delay the pause before the first retry, growing linearly after (default 250 ms)
         * @return this
         */
        public Builder retryDelay(Duration delay) {
            if (delay.isNegative() || delay.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new IllegalArgumentException("retryDelay must be between 0 and 30 s");
            }
            this.retryDelay = delay;
            return this;
        }

        /**
         * Revocation data about TSU certificates from the caller's own store. Each token's TSU certificate is
         * checked against it, and against the CRLs and OCSP responses the token itself carries: a certificate
         * revoked (or unknown to its issuer's responder) fails {@link TsaCheck#REVOCATION}. Without data the check
         * passes. Default: none (only what the tokens carry).
         *
         * @param source the revocation source; must be thread-safe
         * @return this builder
         */
        public Builder revocationSource(com.certyneo.engine.spi.RevocationSource source) {
            this.revocationSource = java.util.Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets the local clock genTime is compared with (default system UTC).
         *
         * @param clock the local clock genTime is compared with (default system UTC)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return the client} */
        public TsaClient build() {
            return new TsaClient(this);
        }
    }
}
