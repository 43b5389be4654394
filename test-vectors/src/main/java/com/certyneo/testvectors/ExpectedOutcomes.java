package com.certyneo.testvectors;

import com.certyneo.testvectors.TestPki.KeyType;
import com.certyneo.testvectors.TestPki.Kind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog of expected outcomes: for each (vector, operation), the indication, sub-indication
 * and format a conforming engine must report, or the refusal it must raise.
 *
 * <p><b>Conditions</b> under which every entry holds (and under which the test suite of this module
 * checks each non-{@linkplain Expectation#engineRule() engine-rule} entry against raw DSS 6.2):
 * the {@link TestPki} served by {@link TestPkiServer} (any seed); the root as the only trust anchor;
 * online OCSP, CRL and caIssuers fetching from the URLs in the certificates; TSA 1 for time-stamps;
 * SHA-256; EC keys sign ECDSA, RSA keys RSASSA-PSS; the DSS default validation policy; validation
 * time = now, which must lie between {@link TestPki#REVOCATION_TIME} (2025-06-01) and 2035-01-01.
 * PDF vectors are signed by the GOOD EC P-256 signer; {@code SIGNER_*} vectors sign
 * {@link PdfVector#MINIMAL}. For VALIDATE of {@code SIGNER_*} vectors, the signature is made with
 * {@link PdfVector#signed(byte[], TestPki.Credential, java.time.Instant)} at a time inside the
 * certificate's validity ({@link #claimedSigningTime(Kind)}), since DSS refuses to make it.
 *
 * <p>The same catalog ships as resources {@code com/certyneo/testvectors/expected-outcomes.json}
 * and {@code .csv} (generated from this class by {@link #toJson()} and {@link #toCsv()}).
 */
public final class ExpectedOutcomes {

    private static final List<Expectation> ALL = build();

    private ExpectedOutcomes() {
    }

    /** {@return every entry, signer vectors first, in a stable order} */
    public static List<Expectation> all() {
        return ALL;
    }

    /**
     * {@return the entry, if the catalog has one}
     * @param vector a vector name ({@link PdfVector} name or {@code SIGNER_<KIND>_<KEYTYPE>})
     * @param operation the operation
     */
    public static Optional<Expectation> find(String vector, Operation operation) {
        return ALL.stream().filter(e -> e.vector().equals(vector) && e.operation() == operation).findFirst();
    }

    /**
     * {@return the entry for that vector (signed by the GOOD EC P-256 signer), if the catalog has one}
     * @param vector a PDF vector
     * @param operation the operation
     */
    public static Optional<Expectation> find(PdfVector vector, Operation operation) {
        return find(vector.name(), operation);
    }

    /**
     * {@return the entry for that signer signing {@link PdfVector#MINIMAL} (every signer has one for every
     * operation)}
     * @param kind the signer's life-cycle state
     * @param type the signer's key type
     * @param operation the operation
     */
    public static Expectation forSigner(Kind kind, KeyType type, Operation operation) {
        return find(signerVector(kind, type), operation).orElseThrow();
    }

    /**
     * {@return the catalog name of that signer's vector, e.g. {@code SIGNER_GOOD_EC_P256}}
     * @param kind the signer's life-cycle state
     * @param type the signer's key type
     */
    public static String signerVector(Kind kind, KeyType type) {
        return "SIGNER_" + kind.name() + "_" + type.name();
    }

    /**
     * {@return the /M time of the signature used for VALIDATE of that kind's signer vectors: inside the
     * certificate's validity (2025-03-01 for GOOD and REVOKED, i.e. before the revocation)}
     * @param kind a signer kind
     */
    public static java.time.Instant claimedSigningTime(Kind kind) {
        return switch (kind) {
            case GOOD, REVOKED -> PdfVector.ALREADY_SIGNED_TIME;
            case EXPIRED -> java.time.Instant.parse("2020-06-01T10:00:00Z");
            case NOT_YET_VALID -> java.time.Instant.parse("2040-06-01T10:00:00Z");
        };
    }

    private static List<Expectation> build() {
        List<Expectation> list = new ArrayList<>();
        for (KeyType type : KeyType.values()) {
            for (Kind kind : Kind.values()) {
                String v = signerVector(kind, type);
                for (Operation op : Operation.signing()) {
                    list.add(switch (kind) {
                        case GOOD -> passed(v, op, op.targetFormat());
                        case REVOKED -> op == Operation.SIGN_B_LT || op == Operation.SIGN_B_LTA
                                ? refused(v, op, "CERTIFICATE_REVOKED", "Revoked/Suspended certificate(s) detected")
                                : new Expectation(v, op, Outcome.INDETERMINATE, "REVOKED_NO_POE", op.targetFormat(), null,
                                "DSS does not check revocation when signing B/T (checkCertificateRevocation=false); "
                                        + "validation finds the signer revoked on 2025-06-01 and no POE before it", false);
                        case EXPIRED -> refused(v, op, "SIGNING_KEY_ERROR", "is expired at signing time");
                        case NOT_YET_VALID -> refused(v, op, "SIGNING_KEY_ERROR", "is not yet valid at signing time");
                    });
                }
                list.add(switch (kind) {
                    case GOOD -> passed(v, Operation.VALIDATE, "PAdES-BASELINE-B");
                    case REVOKED -> new Expectation(v, Operation.VALIDATE, Outcome.INDETERMINATE, "REVOKED_NO_POE",
                            "PAdES-BASELINE-B", null, "claimed /M 2025-03-01 precedes the revocation but is no POE", false);
                    case EXPIRED, NOT_YET_VALID -> new Expectation(v, Operation.VALIDATE, Outcome.INDETERMINATE,
                            "CERTIFICATE_CHAIN_GENERAL_FAILURE", "PAdES-BASELINE-B", null,
                            "DSS 6.2 reports no acceptable revocation data for a certificate outside its validity "
                                    + "at validation time (not OUT_OF_BOUNDS_NO_POE)", false);
                });
            }
        }
        for (PdfVector vector : PdfVector.values()) {
            String v = vector.name();
            for (Operation op : Operation.signing()) {
                list.add(switch (vector) {
                    case ENCRYPTED_USER_PASSWORD -> refused(v, op, "ENCRYPTED_PDF", "Cannot decrypt PDF, the password is incorrect");
                    // its permissions allow signing: signed without a password, the encryption kept (raw DSS signs it too)
                    case ENCRYPTED_OWNER_PASSWORD_ONLY -> passed(v, op, op.targetFormat());
                    case TRUNCATED -> refused(v, op, "INVALID_PDF", "Page tree root must be a dictionary");
                    case ALREADY_SIGNED -> new Expectation(v, op, Outcome.TOTAL_PASSED, null, op.targetFormat(), null,
                            "a second signature; the first one validates TOTAL_PASSED too (raised to the same "
                                    + "format at LT/LTA, which augment every signature)", false);
                    default -> passed(v, op, op.targetFormat());
                });
            }
            if (vector.layout().contains(PdfLayout.SIGNED)) {
                list.add(passed(v, Operation.VALIDATE, "PAdES-BASELINE-B"));
            }
        }
        return Collections.unmodifiableList(list);
    }

    private static Expectation passed(String vector, Operation op, String format) {
        return new Expectation(vector, op, Outcome.TOTAL_PASSED, null, format, null, "", false);
    }

    private static Expectation refused(String vector, Operation op, String errorCode, String dssMessage) {
        return new Expectation(vector, op, Outcome.REFUSED, null, null, errorCode, dssMessage, false);
    }

    /** {@return the catalog as a JSON array of objects (the content of {@code expected-outcomes.json})} */
    public static String toJson() {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < ALL.size(); i++) {
            Expectation e = ALL.get(i);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("vector", e.vector());
            fields.put("operation", e.operation().name());
            fields.put("outcome", e.outcome().name());
            fields.put("subIndication", e.subIndication());
            fields.put("format", e.format());
            fields.put("errorCode", e.errorCode());
            fields.put("reason", e.reason());
            fields.put("engineRule", e.engineRule());
            json.append("  {");
            int n = 0;
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                json.append(n++ == 0 ? "" : ", ").append('"').append(f.getKey()).append("\": ");
                Object value = f.getValue();
                if (value == null || value instanceof Boolean) {
                    json.append(value);
                } else {
                    json.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
            }
            json.append(i + 1 < ALL.size() ? "},\n" : "}\n");
        }
        return json.append("]\n").toString();
    }

    /** {@return the catalog as CSV with a header line (the content of {@code expected-outcomes.csv})} */
    public static String toCsv() {
        StringBuilder csv = new StringBuilder("vector,operation,outcome,subIndication,format,errorCode,reason,engineRule\n");
        for (Expectation e : ALL) {
            csv.append(String.join(",", e.vector(), e.operation().name(), e.outcome().name(),
                    nz(e.subIndication()), nz(e.format()), nz(e.errorCode()),
                    '"' + e.reason().replace("\"", "\"\"") + '"', Boolean.toString(e.engineRule()).toLowerCase(Locale.ROOT)))
                    .append('\n');
        }
        return csv.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
