package com.certyneo.engine.tsp;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One TSA the {@link TsaClient} may ask: its HTTP(S) URL, timeouts, authentication, TLS context and
 * the policy to request. Immutable; start from {@link #of(String)} and refine with the {@code with...}
 * methods.
 *
 * @param uri the TSA URL ({@code http} or {@code https}, no user info)
 * @param connectTimeout the TCP/TLS connect timeout (default 5 s)
 * @param readTimeout the time allowed for the whole exchange once connected (default 15 s)
 * @param authentication how to authenticate (default none)
 * @param sslContext the TLS context for HTTPS, such as one holding a client certificate; empty for the JDK default
 * @param requestPolicy the policy OID to put in {@code reqPolicy}, if any
 * @param pinnedCertificates certificates this TSA's tokens are pinned to (default none: no pinning): a token is
 *        accepted only if its TSU certificate is one of them or is issued by one of them (the TSU certificate
 *        itself, or the CA that issues the TSA's TSU certificates)
 */
public record TsaEndpoint(URI uri, Duration connectTimeout, Duration readTimeout, TsaAuthentication authentication,
                          Optional<SSLContext> sslContext, Optional<String> requestPolicy,
                          List<X509Certificate> pinnedCertificates) {

    /** Default connect timeout. */
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default read timeout. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Validates the fields.
     *
     * @param uri the TSA URL ({@code http} or {@code https}, no user info)
     * @param connectTimeout the TCP/TLS connect timeout (default 5 s)
     * @param readTimeout the time allowed for the whole exchange once connected (default 15 s)
     * @param authentication how to authenticate (default none)
     * @param sslContext the TLS context for HTTPS, such as one holding a client certificate; empty for the JDK default
     * @param requestPolicy the policy OID to put in {@code reqPolicy}, if any
     * @param pinnedCertificates the TSU or issuing-CA certificates the TSA's tokens must match; empty for no pinning
     */
    public TsaEndpoint {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("A TSA URL must be an absolute http(s) URL: " + redact(uri));
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Put TSA credentials in TsaAuthentication, not in the URL: " + redact(uri));
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(sslContext, "sslContext");
        Objects.requireNonNull(requestPolicy, "requestPolicy");
        requestPolicy.ifPresent(org.bouncycastle.asn1.ASN1ObjectIdentifier::new);
        pinnedCertificates = List.copyOf(Objects.requireNonNull(pinnedCertificates, "pinnedCertificates"));
    }

    /**
     * An endpoint without pinned certificates (the constructor of releases before pinning).
     *
     * @param uri the TSA URL ({@code http} or {@code https}, no user info)
     * @param connectTimeout the TCP/TLS connect timeout
     * @param readTimeout the time allowed for the whole exchange once connected
     * @param authentication how to authenticate
     * @param sslContext the TLS context for HTTPS; empty for the JDK default
     * @param requestPolicy the policy OID to put in {@code reqPolicy}, if any
     */
    public TsaEndpoint(URI uri, Duration connectTimeout, Duration readTimeout, TsaAuthentication authentication,
                       Optional<SSLContext> sslContext, Optional<String> requestPolicy) {
        this(uri, connectTimeout, readTimeout, authentication, sslContext, requestPolicy, List.of());
    }

    /**
     * {@return an endpoint with default timeouts, no authentication, the default TLS context and no requested policy}
     * @param url the TSA URL
     */
    public static TsaEndpoint of(String url) {
        return of(URI.create(url));
    }

    /**
     * {@return an endpoint with defaults, as {@link #of(String)}}
     * @param uri the TSA URL
     */
    public static TsaEndpoint of(URI uri) {
        return new TsaEndpoint(uri, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, TsaAuthentication.none(),
                Optional.empty(), Optional.empty(), List.of());
    }

    /**
     * {@return a copy with these timeouts}
     * @param connect connect timeout
     * @param read read timeout
     */
    public TsaEndpoint withTimeouts(Duration connect, Duration read) {
        return new TsaEndpoint(uri, connect, read, authentication, sslContext, requestPolicy, pinnedCertificates);
    }

    /**
     * {@return a copy using it}
     * @param auth the authentication
     */
    public TsaEndpoint withAuthentication(TsaAuthentication auth) {
        return new TsaEndpoint(uri, connectTimeout, readTimeout, auth, sslContext, requestPolicy, pinnedCertificates);
    }

    /**
     * {@return a copy using it}
     * @param context the TLS context (trust store, client certificate)
     */
    public TsaEndpoint withSslContext(SSLContext context) {
        return new TsaEndpoint(uri, connectTimeout, readTimeout, authentication, Optional.of(context), requestPolicy,
                pinnedCertificates);
    }

    /**
     * {@return a copy sending it as {@code reqPolicy}}
     * @param policyOid the policy OID to request
     */
    public TsaEndpoint withRequestPolicy(String policyOid) {
        return new TsaEndpoint(uri, connectTimeout, readTimeout, authentication, sslContext, Optional.of(policyOid),
                pinnedCertificates);
    }

    /**
     * Pins this TSA: its tokens are accepted only if the TSU certificate that signs them is one of {@code pins}
     * or is issued by one of them (its issuer's name matches and its signature verifies with the pin's key).
     * Pin the TSU certificate to accept nothing else, or the issuing CA to survive the TSA's routine TSU key
     * changes. A token that does not match fails {@link TsaCheck#PIN}, even if it chains to a trust anchor.
     *
     * @param pins the TSU or issuing-CA certificates (at least one)
     * @return a copy pinned to them
     */
    public TsaEndpoint withPinnedCertificates(Collection<X509Certificate> pins) {
        if (pins.isEmpty()) {
            throw new IllegalArgumentException("Give at least one certificate to pin the TSA to");
        }
        return new TsaEndpoint(uri, connectTimeout, readTimeout, authentication, sslContext, requestPolicy,
                List.copyOf(pins));
    }

    /** {@return the URL as shown in messages: scheme, host, port and path only} */
    public String displayName() {
        return redact(uri);
    }

    @Override
    public String toString() {
        return "TsaEndpoint[" + displayName() + ", connect=" + connectTimeout + ", read=" + readTimeout
                + ", auth=" + authentication + ", tls=" + (sslContext.isPresent() ? "custom" : "default")
                + requestPolicy.map(p -> ", reqPolicy=" + p).orElse("")
                + (pinnedCertificates.isEmpty() ? "" : ", pinned=" + pinnedCertificates.stream()
                        .map(c -> c.getSubjectX500Principal().getName()).toList()) + "]";
    }

    static String redact(URI uri) {
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) {
            b.append(uri.getScheme()).append("://");
        }
        b.append(uri.getHost() == null ? "?" : uri.getHost());
        if (uri.getPort() >= 0) {
            b.append(':').append(uri.getPort());
        }
        b.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        return b.toString();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
