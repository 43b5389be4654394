package com.certyneo.engine.pades.csc;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.spi.OtpCallback;
import com.certyneo.engine.spi.QualifiedCredential;
import com.certyneo.engine.spi.QualifiedSigningProvider;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remote qualified signing through a CSC service. For each digest: obtain the OTP (ask the service
 * to send it, then the caller's {@link OtpCallback}), {@code credentials/authorize} bound to the
 * digest (SCAL2), then {@code signatures/signHash}.
 *
 * <p>With {@link Builder#signaturesPerAuthorization(int)} above 1, one authorisation covers several
 * sequential signatures of the same credential (the signatures of one PDF depend on each other, so
 * their digests are not known in advance): later digests are bound with
 * {@code credentials/extendTransaction} instead of a new OTP, until the count is used up or the SAD
 * expires. SADs are kept in memory only, never logged.
 *
 * <p>{@link #signAll} signs independent digests (one per document of a batch) with one authorisation:
 * {@code numSignatures} = the number of digests, one OTP, and one {@code signatures/signHash} for all.
 *
 * <p>Thread-safe: calls for one credential are serialised.
 */
public final class CscSigningProvider implements QualifiedSigningProvider {

    private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
    private static final String ECDSA_SHA384 = "1.2.840.10045.4.3.3";
    private static final String ECDSA_SHA512 = "1.2.840.10045.4.3.4";
    private static final String RSA = "1.2.840.113549.1.1.1";
    private static final String RSA_SHA256 = "1.2.840.113549.1.1.11";
    private static final String RSA_SHA384 = "1.2.840.113549.1.1.12";
    private static final String RSA_SHA512 = "1.2.840.113549.1.1.13";
    private static final String RSA_PSS = "1.2.840.113549.1.1.10";

    private final CscClient client;
    private final OtpCallback otpCallback;
    private final Function<Signer, String> userId;
    private final Function<Signer, char[]> pin;
    private final int signaturesPerAuthorization;
    private final Clock clock;
    private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** An open multi-signature authorisation. */
    private static final class Transaction {
        CscAuthorization sad;
        int remaining;

        Transaction(CscAuthorization sad, int remaining) {
            this.sad = sad;
            this.remaining = remaining;
        }
    }

    private CscSigningProvider(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.otpCallback = Objects.requireNonNull(b.otpCallback, "otpCallback");
        this.userId = b.userId;
        this.pin = b.pin;
        this.signaturesPerAuthorization = b.signaturesPerAuthorization;
        this.clock = b.clock;
    }

    /** {@return a builder; the client and the OTP callback are required} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String describe() {
        return "CSC service " + client.baseUri();
    }

    @Override
    public QualifiedCredential credential(Signer signer) {
        return credential(signer, SignatureLevel.QES);
    }

    /**
     * Selects the signer's credential for the level by its certificate's QC statements: for AES-Q the first
     * whose certificate is qualified (QcCompliance) without QcSSCD; for QES the first with QcSSCD, else (a
     * provider that states QSCD otherwise) the first credential.
     */
    @Override
    public QualifiedCredential credential(Signer signer, SignatureLevel level) {
        String user = userId.apply(signer);
        List<String> ids = client.listCredentials(user);
        if (ids.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The CSC service " + client.baseUri() + " has no credential for user '" + user + "'",
                    "Enrol the signer at the trust service provider first.");
        }
        CscCredentialInfo info = null;
        if (ids.size() == 1 && level == SignatureLevel.QES) {
            info = client.credentialInfo(ids.get(0));
        } else {
            CscCredentialInfo first = null;
            for (String id : ids) {
                CscCredentialInfo candidate = client.credentialInfo(id);
                first = first == null ? candidate : first;
                X509Certificate c = candidate.certificateChain().isEmpty() ? null : candidate.certificateChain().get(0);
                boolean qc = c != null && QcStatements.has(c, QcStatements.QC_COMPLIANCE);
                boolean qscd = c != null && QcStatements.has(c, QcStatements.QC_SSCD);
                if (level == SignatureLevel.AES_Q ? qc && !qscd : qscd) {
                    info = candidate;
                    break;
                }
            }
            if (info == null && level == SignatureLevel.QES) {
                info = first;
            }
            if (info == null) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                        "The CSC service " + client.baseUri() + " has no " + level.label() + " credential for user '"
                                + user + "' (a qualified certificate without QcSSCD)",
                        "Enrol the signer for " + level.label() + " at the trust service provider first.");
            }
        }
        if (!info.keyEnabled()) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The key of CSC credential " + info.id() + " at " + client.baseUri() + " is disabled",
                    "Ask the trust service provider to re-enable the credential.");
        }
        if (!info.certificateStatus().isEmpty() && !info.certificateStatus().equalsIgnoreCase("valid")) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The certificate of CSC credential " + info.id() + " is " + info.certificateStatus(),
                    "The signer needs a new qualified certificate.");
        }
        return QualifiedCredential.of(info.id(), info.certificateChain());
    }

    @Override
    public byte[] sign(QualifiedCredential credential, Signer signer, byte[] digest, String digestAlgorithm,
                       String signatureAlgorithm) {
        String hashOid = switch (digestAlgorithm) {
            case "SHA-256" -> CscClient.SHA256;
            case "SHA-384" -> CscClient.SHA384;
            case "SHA-512" -> CscClient.SHA512;
            default -> throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "Digest algorithm " + digestAlgorithm + " is not supported for remote signing", "Use SHA-256.");
        };
        String id = credential.id();
        List<byte[]> hashes = List.of(digest.clone());
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            CscCredentialInfo info = client.credentialInfo(id);
            String[] algorithm = signAlgorithm(info, signatureAlgorithm, digestAlgorithm);
            byte[] params = algorithm.length > 1 ? pssParams(digestAlgorithm) : null;
            Transaction tx = transactions.get(id);
            CscAuthorization sad = null;
            if (tx != null && tx.remaining > 0 && tx.sad.expiresAt().isAfter(clock.instant().plusSeconds(5))) {
                try {
                    sad = client.extendTransaction(tx.sad, hashes, hashOid);
                    tx.sad = sad;
                } catch (CscException e) {
                    transactions.remove(id);
                    if (e.code() != ErrorCode.REMOTE_SIGNING_ERROR) {
                        throw e;
                    }
                    sad = null; // the transaction is gone at the service: authorise afresh
                }
            } else if (tx != null) {
                transactions.remove(id);
            }
            if (sad == null) {
                sad = authorize(info, signer, hashes, hashOid);
                tx = new Transaction(sad, Math.min(signaturesPerAuthorization, Math.max(1, info.multisign())));
                transactions.put(id, tx);
            }
            tx = transactions.get(id);
            List<byte[]> values;
            try {
                values = client.signHash(sad, hashes, hashOid, algorithm[0], params);
            } catch (CscException e) {
                transactions.remove(id);
                throw e;
            }
            if (tx != null) {
                tx.remaining--;
                if (tx.remaining <= 0) {
                    transactions.remove(id);
                }
            }
            return values.get(0);
        }
    }

    /**
     * One authorisation for all the digests: {@code credentials/authorize} with {@code numSignatures} equal to the
     * number of digests and every digest bound to it (SCAL2), after one OTP, then one {@code signatures/signHash}
     * carrying all of them. When there are more digests than the credential's {@code multisign} allows, they are
     * signed in groups of {@code multisign}, one authorisation (one OTP) per group.
     */
    @Override
    public List<byte[]> signAll(QualifiedCredential credential, Signer signer, List<byte[]> digests, String digestAlgorithm,
                                String signatureAlgorithm) {
        if (digests.isEmpty()) {
            return List.of();
        }
        String hashOid = hashOid(digestAlgorithm);
        String id = credential.id();
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            CscCredentialInfo info = client.credentialInfo(id);
            String[] algorithm = signAlgorithm(info, signatureAlgorithm, digestAlgorithm);
            byte[] params = algorithm.length > 1 ? pssParams(digestAlgorithm) : null;
            int group = Math.max(1, info.multisign());
            List<byte[]> values = new java.util.ArrayList<>(digests.size());
            for (int from = 0; from < digests.size(); from += group) {
                List<byte[]> hashes = digests.subList(from, Math.min(digests.size(), from + group)).stream()
                        .map(byte[]::clone).toList();
                CscAuthorization sad = authorize(info, signer, hashes, hashOid, hashes.size());
                List<byte[]> signed = client.signHash(sad, hashes, hashOid, algorithm[0], params);
                values.addAll(signed);
            }
            return values;
        }
    }

    private static String hashOid(String digestAlgorithm) {
        return switch (digestAlgorithm) {
            case "SHA-256" -> CscClient.SHA256;
            case "SHA-384" -> CscClient.SHA384;
            case "SHA-512" -> CscClient.SHA512;
            default -> throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "Digest algorithm " + digestAlgorithm + " is not supported for remote signing", "Use SHA-256.");
        };
    }

    private CscAuthorization authorize(CscCredentialInfo info, Signer signer, List<byte[]> hashes, String hashOid) {
        return authorize(info, signer, hashes, hashOid, Math.min(signaturesPerAuthorization, Math.max(1, info.multisign())));
    }

    private CscAuthorization authorize(CscCredentialInfo info, Signer signer, List<byte[]> hashes, String hashOid, int num) {
        char[] otp = null;
        char[] pinValue = null;
        try {
            if (info.otpRequired()) {
                if (info.otpOnline()) {
                    client.requestOtp(info.id());
                }
                otp = otpCallback.otp(OtpCallback.Request.of(signer, info.id(), info.otpLabel()));
                if (otp == null || otp.length == 0) {
                    throw new SignatureEngineException(ErrorCode.OTP_INVALID,
                            "No OTP was entered for CSC credential " + info.id(), "Ask the signer for the code they received.");
                }
            }
            if (info.pinRequired()) {
                pinValue = pin.apply(signer);
                if (pinValue == null) {
                    throw new SignatureEngineException(ErrorCode.OTP_INVALID,
                            "CSC credential " + info.id() + " needs a PIN and none was supplied",
                            "Configure a PIN supplier on CscSigningProvider.builder().");
                }
            }
            return client.authorize(info.id(), num, hashes, hashOid, pinValue, otp,
                    "Signature by " + signer.name());
        } finally {
            if (otp != null) {
                Arrays.fill(otp, '\0');
            }
            if (pinValue != null) {
                Arrays.fill(pinValue, '\0');
            }
        }
    }

    /** @return the CSC signAlgo OID, plus a marker element when PSS parameters are needed */
    private static String[] signAlgorithm(CscCredentialInfo info, String jca, String digestAlgorithm) {
        List<String> algos = info.keyAlgorithms();
        String bits = digestAlgorithm.substring(4);
        String wanted;
        List<String> fallbacks;
        if (jca.endsWith("withECDSA")) {
            wanted = switch (bits) {
                case "384" -> ECDSA_SHA384;
                case "512" -> ECDSA_SHA512;
                default -> ECDSA_SHA256;
            };
            fallbacks = List.of("1.2.840.10045.2.1");
        } else if (jca.endsWith("andMGF1")) {
            if (algos.isEmpty() || algos.contains(RSA_PSS)) {
                return new String[] {RSA_PSS, "pss"};
            }
            throw unsupported(info, jca);
        } else {
            wanted = switch (bits) {
                case "384" -> RSA_SHA384;
                case "512" -> RSA_SHA512;
                default -> RSA_SHA256;
            };
            fallbacks = List.of(RSA);
        }
        if (algos.isEmpty() || algos.contains(wanted)) {
            return new String[] {wanted};
        }
        for (String f : fallbacks) {
            if (algos.contains(f)) {
                return new String[] {f};
            }
        }
        throw unsupported(info, jca);
    }

    private static SignatureEngineException unsupported(CscCredentialInfo info, String jca) {
        return new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                "CSC credential " + info.id() + " cannot sign with " + jca + "; its key supports " + info.keyAlgorithms(),
                "Use a credential whose key supports the algorithm.");
    }

    private static byte[] pssParams(String digestAlgorithm) {
        try {
            int length = Integer.parseInt(digestAlgorithm.substring(4)) / 8;
            AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
            p.init(new PSSParameterSpec(digestAlgorithm, "MGF1", new MGF1ParameterSpec(digestAlgorithm), length, 1));
            return p.getEncoded();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builder for {@link CscSigningProvider}. */
    public static final class Builder {
        private CscClient client;
        private OtpCallback otpCallback;
        private Function<Signer, String> userId = Signer::email;
        private Function<Signer, char[]> pin = s -> null;
        private int signaturesPerAuthorization = 1;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets the CSC client.
         *
         * @param client the CSC client
         * @return this
         */
        public Builder client(CscClient client) {
            this.client = client;
            return this;
        }

        /**
         * Sets the OTP source that obtains the OTP the signer received.
         *
         * @param callback obtains the OTP the signer received
         * @return this
         */
        public Builder otpCallback(OtpCallback callback) {
            this.otpCallback = callback;
            return this;
        }

        /**
         * Sets the CSC userID of a signer (default: the e-mail address).
         *
         * @param mapping the CSC userID of a signer (default: the e-mail address)
         * @return this
         */
        public Builder userId(Function<Signer, String> mapping) {
            this.userId = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /**
         * Sets the PIN of a signer when the credential needs one (returned arrays are wiped).
         *
         * @param supplier the PIN of a signer when the credential needs one (returned arrays are wiped)
         * @return this
         */
        public Builder pin(Function<Signer, char[]> supplier) {
            this.pin = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * Sets how many sequential signatures one OTP authorises (bounded by the credential's
         * multisign; default 1).
         *
         * @param count how many sequential signatures one OTP authorises (bounded by the credential's
         *              multisign; default 1)
         * @return this
         */
        public Builder signaturesPerAuthorization(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
            this.signaturesPerAuthorization = count;
            return this;
        }

        /**
         * Sets the clock for SAD expiry.
         *
         * @param clock the clock for SAD expiry
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return the provider} */
        public CscSigningProvider build() {
            return new CscSigningProvider(this);
        }
    }
}
