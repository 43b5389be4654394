package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.TimestampSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPException;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An RFC 3161 time-stamp authority running in-process: a TSU key, its certificate chain, a policy
 * OID and an accuracy. Tokens carry ESSCertIDv2 (SHA-256), echo the request nonce, and have unique,
 * strictly increasing serial numbers even under concurrent use. SHA-1 imprints are refused.
 *
 * <p>Use it directly as a {@link TimestampSource}, or answer DER requests with {@link #respond(byte[])}
 * (as the HTTP server does). Thread-safe.
 */
public final class TimestampAuthority implements TimestampSource {

    private static final Map<String, ASN1ObjectIdentifier> DIGESTS = Map.of(
            "SHA-256", NISTObjectIdentifiers.id_sha256,
            "SHA-384", NISTObjectIdentifiers.id_sha384,
            "SHA-512", NISTObjectIdentifiers.id_sha512);
    private static final Set<ASN1ObjectIdentifier> ACCEPTED = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512,
            NISTObjectIdentifiers.id_sha3_256, NISTObjectIdentifiers.id_sha3_384, NISTObjectIdentifiers.id_sha3_512);

    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final String policyOid;
    private final Duration accuracy;
    private final Clock clock;
    private final String name;
    private final String signatureAlgorithm;
    private final JcaCertStore certStore;
    private final AtomicLong serial;
    private final SecureRandom random = new SecureRandom();

    private TimestampAuthority(Builder b) {
        this.key = Objects.requireNonNull(b.key, "key");
        this.chain = List.copyOf(Objects.requireNonNull(b.chain, "chain"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("The TSU certificate chain is empty");
        }
        this.policyOid = Objects.requireNonNull(b.policyOid, "policyOid");
        this.accuracy = Objects.requireNonNull(b.accuracy, "accuracy");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.name = "in-process TSA '" + chain.get(0).getSubjectX500Principal().getName() + "'";
        this.signatureAlgorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            signerInfoGenerator(); // fail fast on an unusable key or certificate
            this.certStore = new JcaCertStore(chain);
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalArgumentException("Unusable TSU key or certificate: " + e.getMessage(), e);
        }
        // Seeded from the clock so serials keep increasing across restarts at any sane token rate.
        this.serial = new AtomicLong(Math.max(0, clock.millis()) * 1000L);
    }

    /** @return a builder; key, chain and policy are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the TSU certificate chain, TSU certificate first */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** @return the policy OID put in every token */
    public String policyOid() {
        return policyOid;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public byte[] timestamp(String digestAlgorithm, byte[] digest) {
        ASN1ObjectIdentifier oid = DIGESTS.get(digestAlgorithm);
        if (oid == null) {
            throw new SignatureEngineException(ErrorCode.TSA_RESPONSE_INVALID,
                    "The " + name + " does not time-stamp " + digestAlgorithm + " imprints",
                    "Use SHA-256, SHA-384 or SHA-512.");
        }
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        TimeStampRequest request = generator.generate(oid, digest, new BigInteger(64, random));
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
        try {
            TimeStampRequest request;
            try {
                request = new TimeStampRequest(derRequest);
            } catch (IOException | RuntimeException e) {
                return reject(PKIFailureInfo.badDataFormat, "Malformed TimeStampReq");
            }
            if (!ACCEPTED.contains(request.getMessageImprintAlgOID())) {
                return reject(PKIFailureInfo.badAlg, "Digest algorithm not accepted (SHA-2 or SHA-3 required)");
            }
            if (request.getReqPolicy() != null && !request.getReqPolicy().getId().equals(policyOid)) {
                return reject(PKIFailureInfo.unacceptedPolicy, "Policy " + request.getReqPolicy().getId() + " is not served");
            }
            if (request.hasExtensions()) {
                return reject(PKIFailureInfo.unacceptedExtension, "Request extensions are not supported");
            }
            // Signers and digest calculators are stateful: one set per request keeps concurrent calls apart.
            TimeStampTokenGenerator tokenGenerator = new TimeStampTokenGenerator(signerInfoGenerator(), essCertIdDigest(),
                    new ASN1ObjectIdentifier(policyOid));
            tokenGenerator.addCertificates(certStore);
            tokenGenerator.setResolution(TimeStampTokenGenerator.R_MILLISECONDS);
            setAccuracy(tokenGenerator);
            TimeStampResponseGenerator responseGenerator = new TimeStampResponseGenerator(tokenGenerator, ACCEPTED);
            Date genTime = Date.from(clock.instant());
            TimeStampResponse response = responseGenerator.generateGrantedResponse(request,
                    BigInteger.valueOf(serial.incrementAndGet()), genTime);
            return response.getEncoded();
        } catch (TSPException | IOException | OperatorCreationException | CertificateEncodingException e) {
            try {
                return reject(PKIFailureInfo.systemFailure, "Internal error");
            } catch (TSPException | IOException inner) {
                throw new IllegalStateException("Cannot encode a TSA failure response", inner);
            }
        }
    }

    private SignerInfoGenerator signerInfoGenerator() throws OperatorCreationException, CertificateEncodingException {
        return new JcaSimpleSignerInfoGeneratorBuilder().build(signatureAlgorithm, key, chain.get(0));
    }

    private static DigestCalculator essCertIdDigest() throws OperatorCreationException {
        return new JcaDigestCalculatorProviderBuilder().build()
                .get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256));
    }

    private void setAccuracy(TimeStampTokenGenerator generator) {
        long millis = accuracy.toMillis();
        long seconds = millis / 1000;
        int rest = (int) (millis % 1000);
        if (seconds > 0) {
            generator.setAccuracySeconds((int) Math.min(Integer.MAX_VALUE, seconds));
        }
        if (rest > 0) {
            generator.setAccuracyMillis(rest);
        }
        if (millis == 0) {
            generator.setAccuracyMicros(1);
        }
    }

    private static byte[] reject(int failInfo, String text) throws TSPException, IOException {
        TimeStampResponseGenerator generator = new TimeStampResponseGenerator(null, ACCEPTED);
        return generator.generateFailResponse(PKIStatus.REJECTION, failInfo, text).getEncoded();
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
         * @param key the TSU private key (EC or RSA)
         * @param chain the TSU certificate (with critical id-kp-timeStamping EKU) first, then its issuers
         * @return this
         */
        public Builder key(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain;
            return this;
        }

        /** @param policyOid the TSA policy OID, such as {@code 0.4.0.2023.1.1} @return this */
        public Builder policy(String policyOid) {
            this.policyOid = policyOid;
            return this;
        }

        /** @param accuracy the accuracy claimed in tokens (default one second) @return this */
        public Builder accuracy(Duration accuracy) {
            this.accuracy = accuracy;
            return this;
        }

        /** @param clock the clock giving genTime (default system UTC) @return this */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** @return the authority */
        public TimestampAuthority build() {
            return new TimestampAuthority(this);
        }
    }
}
