package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.TimestampSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TSPValidationException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An RFC 3161 time-stamp authority running in-process: a TSU key, its certificate chain, a policy
 * OID and an accuracy. Tokens carry ESSCertIDv2 (SHA-256, with issuerSerial), echo the request nonce,
 * name the TSA, and have unique serial numbers that strictly increase for each instance, even under
 * concurrent use. SHA-1 imprints are refused.
 *
 * <p>Serial numbers are {@code counter * 2^64 + tag}: the counter is seeded from the clock (so serials
 * keep increasing across restarts) and the tag is a random 64-bit value fixed per instance, so two
 * instances sharing one TSU key (an embedded engine and a {@code tsa serve} process, say) do not
 * issue the same serial.
 *
 * <p>Use it directly as a {@link TimestampSource}, or answer DER requests with {@link #respond(byte[])}
 * (as {@link TsaHttpServer} does). Thread-safe: every request gets its own signer, since the JCA
 * {@code Signature} and {@code MessageDigest} objects behind BouncyCastle's generators are stateful.
 */
public final class TimestampAuthority implements TimestampSource {

    /** Largest DER request {@link #respond(byte[])} parses; real requests are well under 1 KiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private static final Set<ASN1ObjectIdentifier> ACCEPTED = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512,
            NISTObjectIdentifiers.id_sha3_256, NISTObjectIdentifiers.id_sha3_384, NISTObjectIdentifiers.id_sha3_512);
    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final String policyOid;
    private final ASN1ObjectIdentifier policy;
    private final Duration accuracy;
    private final Clock clock;
    private final String name;
    private final String signatureAlgorithm;
    private final GeneralName tsaName;
    private final DigestCalculatorProvider digests;
    private final JcaCertStore certStore;
    private final AtomicLong counter;
    private final BigInteger instanceTag;
    private final SecureRandom random = new SecureRandom();
    /**
     * A software EC key decoded for BouncyCastle's lightweight ECDSA, which signs in about half the time of the JDK 17
     * SunEC; {@code null} for other keys (RSA, Ed25519, a key that does not export its encoding such as a PKCS#11
     * key), which the JCA signs with.
     */
    private final AsymmetricKeyParameter lightweightKey;

    private TimestampAuthority(Builder b) {
        this.key = Objects.requireNonNull(b.key, "key");
        this.chain = List.copyOf(Objects.requireNonNull(b.chain, "chain"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("The TSU certificate chain is empty");
        }
        this.policyOid = Objects.requireNonNull(b.policyOid, "policyOid");
        this.policy = new ASN1ObjectIdentifier(policyOid);
        this.accuracy = Objects.requireNonNull(b.accuracy, "accuracy");
        if (accuracy.isNegative() || accuracy.isZero()) {
            throw new IllegalArgumentException("The accuracy must be positive (ETSI EN 319 422 requires one)");
        }
        if (accuracy.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The accuracy is out of range: " + accuracy);
        }
        this.clock = Objects.requireNonNull(b.clock, "clock");
        X509Certificate tsu = chain.get(0);
        this.name = "in-process TSA '" + tsu.getSubjectX500Principal().getName() + "'";
        this.tsaName = new GeneralName(X500Name.getInstance(tsu.getSubjectX500Principal().getEncoded()));
        this.signatureAlgorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("Unsupported TSU key algorithm: " + key.getAlgorithm());
        };
        this.lightweightKey = "SHA256withECDSA".equals(signatureAlgorithm) ? lightweight(key) : null;
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
            this.certStore = new JcaCertStore(chain);
            // Fail now, not on every request, when the key or certificate cannot sign tokens
            // (BouncyCastle insists on the critical id-kp-timeStamping EKU).
            tokenGenerator();
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalArgumentException("Unusable TSU key or certificate: " + e.getMessage(), e);
        } catch (TSPException e) {
            throw new IllegalArgumentException("Unusable TSU certificate (it needs the critical id-kp-timeStamping "
                    + "extended key usage as its only purpose): " + e.getMessage(), e);
        }
        this.counter = new AtomicLong(Math.max(0, clock.millis()) * 1000L);
        this.instanceTag = new BigInteger(64, random);
    }

    /** @return the key decoded for the lightweight API, or {@code null} when it does not export its encoding */
    private static AsymmetricKeyParameter lightweight(PrivateKey key) {
        byte[] pkcs8 = key.getEncoded();
        if (pkcs8 == null) {
            return null;
        }
        try {
            return PrivateKeyFactory.createKey(pkcs8);
        } catch (IOException | RuntimeException e) {
            return null; // the JCA signs with it
        } finally {
            java.util.Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** {@return a builder; key, chain and policy are required} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the TSU certificate chain, TSU certificate first} */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** {@return the policy OID put in every token} */
    public String policyOid() {
        return policyOid;
    }

    /** {@return the accuracy claimed in every token} */
    public Duration accuracy() {
        return accuracy;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public byte[] timestamp(String digestAlgorithm, byte[] digest) {
        Digests.Algorithm algorithm = Digests.require(digestAlgorithm, digest, name);
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        TimeStampRequest request = generator.generate(algorithm.oid(), digest, new BigInteger(64, random));
        try {
            TimeStampResponse response = new TimeStampResponse(respond(request.getEncoded()));
            response.validate(request);
            if (response.getTimeStampToken() == null) {
                throw new SignatureEngineException(ErrorCode.TSA_RESPONSE_INVALID,
                        "The " + name + " refused the request: " + response.getStatusString(),
                        "Check the imprint length and digest algorithm.");
            }
            return response.getTimeStampToken().getEncoded();
        } catch (TSPException | IOException e) {
            throw new SignatureEngineException(ErrorCode.TSA_RESPONSE_INVALID,
                    "The " + name + " produced an unusable response: " + e.getMessage(), "This is a bug; report it.", e);
        }
    }

    /**
     * Answers a DER-encoded RFC 3161 TimeStampReq with a DER-encoded TimeStampResp. Malformed or
     * unacceptable requests get a rejection response with the matching failure info, never an exception.
     *
     * @param derRequest the request body
     * @return the response body
     */
    public byte[] respond(byte[] derRequest) {
        return answer(derRequest).der();
    }

    /** A response and whether the request could not even be parsed (the HTTP server answers 400 then). */
    record Answer(byte[] der, boolean malformed) {
    }

    Answer answer(byte[] derRequest) {
        TimeStampRequest request;
        try {
            if (derRequest == null || derRequest.length == 0 || derRequest.length > MAX_REQUEST_BYTES) {
                return new Answer(reject(PKIFailureInfo.badDataFormat, "Malformed TimeStampReq"), true);
            }
            request = new TimeStampRequest(derRequest);
        } catch (IOException | RuntimeException e) {
            return new Answer(reject(PKIFailureInfo.badDataFormat, "Malformed TimeStampReq"), true);
        }
        return new Answer(grant(request), false);
    }

    private byte[] grant(TimeStampRequest request) {
        if (!ACCEPTED.contains(request.getMessageImprintAlgOID())) {
            return reject(PKIFailureInfo.badAlg, "Digest algorithm not accepted (SHA-2 or SHA-3 required)");
        }
        if (request.getReqPolicy() != null && !request.getReqPolicy().equals(policy)) {
            return reject(PKIFailureInfo.unacceptedPolicy, "Policy " + request.getReqPolicy().getId() + " is not served");
        }
        if (request.hasExtensions()) {
            return reject(PKIFailureInfo.unacceptedExtension, "Request extensions are not supported");
        }
        try {
            TimeStampResponseGenerator responseGenerator = new TimeStampResponseGenerator(tokenGenerator(), ACCEPTED);
            Date genTime = Date.from(clock.instant());
            return responseGenerator.generateGrantedResponse(request, nextSerial(), genTime).getEncoded();
        } catch (TSPValidationException e) {
            // Raised by the request validation, such as an imprint whose length does not fit its algorithm.
            return reject(e.getFailureCode() == -1 ? PKIFailureInfo.badRequest : e.getFailureCode(), e.getMessage());
        } catch (TSPException | IOException | OperatorCreationException | CertificateEncodingException
                 | RuntimeException e) {
            return reject(PKIFailureInfo.systemFailure, "Internal error");
        }
    }

    /** A fresh generator per token: the signer and digest objects inside are not thread-safe. */
    private TimeStampTokenGenerator tokenGenerator()
            throws OperatorCreationException, TSPException, CertificateEncodingException {
        SignerInfoGenerator signer;
        if (lightweightKey != null) {
            AlgorithmIdentifier algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm);
            ContentSigner contentSigner = new BcECContentSignerBuilder(algorithm,
                    new DefaultDigestAlgorithmIdentifierFinder().find(algorithm)).setSecureRandom(random).build(lightweightKey);
            signer = new JcaSignerInfoGeneratorBuilder(digests).build(contentSigner, chain.get(0));
        } else {
            signer = new JcaSimpleSignerInfoGeneratorBuilder().build(signatureAlgorithm, key, chain.get(0));
        }
        TimeStampTokenGenerator generator = new TimeStampTokenGenerator(signer, digests.get(SHA256), policy, true);
        generator.addCertificates(certStore);
        generator.setResolution(TimeStampTokenGenerator.R_MILLISECONDS);
        generator.setTSA(tsaName);
        setAccuracy(generator);
        return generator;
    }

    BigInteger nextSerial() {
        return BigInteger.valueOf(counter.incrementAndGet()).shiftLeft(64).or(instanceTag);
    }

    private void setAccuracy(TimeStampTokenGenerator generator) {
        long seconds = accuracy.toSeconds();
        int millis = accuracy.toMillisPart();
        int micros = accuracy.toNanosPart() / 1000 % 1000;
        if (seconds == 0 && millis == 0 && micros == 0) {
            micros = 1; // sub-microsecond accuracy cannot be expressed; claim 1 µs rather than none
        }
        if (seconds > 0) {
            generator.setAccuracySeconds((int) seconds);
        }
        if (millis > 0) {
            generator.setAccuracyMillis(millis);
        }
        if (micros > 0) {
            generator.setAccuracyMicros(micros);
        }
    }

    private static byte[] reject(int failInfo, String text) {
        try {
            TimeStampResponseGenerator generator = new TimeStampResponseGenerator(null, ACCEPTED);
            return generator.generateFailResponse(PKIStatus.REJECTION, failInfo, text).getEncoded();
        } catch (TSPException | IOException e) {
            throw new IllegalStateException("Cannot encode a TSA failure response", e);
        }
    }

    /** Builder for {@link TimestampAuthority}. */
    public static final class Builder {
        private PrivateKey key;
        private List<X509Certificate> chain;
        private String policyOid;
        private Duration accuracy = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets the TSU private key (EC, RSA or Ed25519).
         *
         * @param key the TSU private key (EC, RSA or Ed25519)
         * @param chain the TSU certificate (with critical id-kp-timeStamping EKU) first, then its issuers
         * @return this
         */
        public Builder key(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain;
            return this;
        }

        /**
         * Sets the TSA policy OID, such as {@code 0.4.0.2023.1.1}.
         *
         * @param policyOid the TSA policy OID, such as {@code 0.4.0.2023.1.1}
         * @return this
         */
        public Builder policy(String policyOid) {
            this.policyOid = policyOid;
            return this;
        }

        /**
         * Sets the accuracy claimed in tokens, positive (default one second).
         *
         * @param accuracy the accuracy claimed in tokens, positive (default one second)
         * @return this
         */
        public Builder accuracy(Duration accuracy) {
            this.accuracy = accuracy;
            return this;
        }

        /**
         * Sets the clock giving genTime (default system UTC).
         *
         * @param clock the clock giving genTime (default system UTC)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * {@return the authority}
         * @throws IllegalArgumentException when the key or certificate cannot issue time-stamp tokens
         */
        public TimestampAuthority build() {
            return new TimestampAuthority(this);
        }
    }
}
