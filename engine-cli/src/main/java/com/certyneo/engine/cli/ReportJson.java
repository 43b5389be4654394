package com.certyneo.engine.cli;

import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationReport;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Renders a {@link ValidationReport} as JSON. Schema (all times ISO-8601 UTC, absent values null):
 * <pre>
 * { "document": str, "sha256": str, "validationTime": str, "allPassed": bool,
 *   "result": "PASSED" | "FAILED" | "NO_SIGNATURES",
 *   "signatures": [ { "id", "field", "documentTimestamp": bool, "indication", "subIndication",
 *                     "format", "profile", "signedBy", "subject", "claimedSigningTime",
 *                     "bestSignatureTime", "timestamps": [str], "qualification",
 *                     "qualificationAtValidation", "trustService", "sandbox": bool,
 *                     "errors": [str], "warnings": [str], "certificateChain": [str],
 *                     "revocation": { "status": "good" | "revoked" | "unknown" | "none" | "trust-anchor",
 *                                     "source": "OCSP" | "CRL" | null, "producedAt": str,
 *                                     "revokedAt": str, "reason": str } | null,
 *                     "modifications": [str] } ],       (in revision order)
 *   "warnings": [str], "fix": str }
 * </pre>
 * {@code revocation} is the signing certificate's status in the newest revocation data the validator used:
 * {@code none} when there was none, {@code trust-anchor} when the certificate is itself trusted; null when there
 * is no signing certificate. {@code fix} says what to do when the outcome depends on how the command was run
 * (a sandbox signature validated without {@code --sandbox}), else null.
 */
final class ReportJson {

    private ReportJson() {
    }

    /** The engine's revocation status in words: "good (OCSP, 2026-01-01T10:00:00Z)", "revoked since T (reason) (CRL, T)". */
    private static final java.util.regex.Pattern REVOCATION = java.util.regex.Pattern.compile(
            "([a-z_]+)(?: since (\\S+))?(?: \\((.+?)\\))? \\(([A-Z]+)(?:, (\\S+))?\\)");

    static String toJson(ValidationReport report) {
        return toJson(report, null);
    }

    /**
     * @param report the report
     * @param fix what the user can do about the outcome, or null
     * @return the report as JSON
     */
    static String toJson(ValidationReport report, String fix) {
        StringBuilder b = new StringBuilder(1024);
        b.append("{\n  \"document\": ").append(str(report.documentName()))
                .append(",\n  \"sha256\": ").append(str(report.documentSha256()))
                .append(",\n  \"validationTime\": ").append(str(report.validationTime().toString()))
                .append(",\n  \"allPassed\": ").append(report.allPassed())
                .append(",\n  \"result\": ").append(str(report.signatures().isEmpty() ? "NO_SIGNATURES"
                        : report.allPassed() ? "PASSED" : "FAILED"))
                .append(",\n  \"signatures\": [");
        List<SignatureValidation> signatures = report.signatures();
        for (int i = 0; i < signatures.size(); i++) {
            SignatureValidation s = signatures.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"id\": ").append(str(s.id()))
                    .append(", \"field\": ").append(str(s.fieldName()))
                    .append(", \"documentTimestamp\": ").append(s.documentTimestamp())
                    .append(", \"indication\": ").append(str(s.indication().name()))
                    .append(", \"subIndication\": ").append(opt(s.subIndication()))
                    .append(", \"format\": ").append(str(s.format()))
                    .append(", \"profile\": ").append(opt(s.profile().map(Object::toString)))
                    .append(", \"signedBy\": ").append(str(s.signedBy()))
                    .append(", \"subject\": ").append(str(s.signerSubject()))
                    .append(", \"claimedSigningTime\": ").append(time(s.claimedSigningTime()))
                    .append(", \"bestSignatureTime\": ").append(time(s.bestSignatureTime()))
                    .append(", \"timestamps\": ").append(list(s.timestampTimes().stream().map(Instant::toString).toList()))
                    .append(", \"qualification\": ").append(str(s.qualification()))
                    .append(", \"qualificationAtValidation\": ").append(str(s.qualificationAtValidation()))
                    .append(", \"trustService\": ").append(opt(s.trustService()))
                    .append(", \"sandbox\": ").append(s.sandbox())
                    .append(", \"errors\": ").append(list(s.errors()))
                    .append(", \"warnings\": ").append(list(s.warnings()))
                    .append(", \"certificateChain\": ").append(list(s.certificateChain()))
                    .append(", \"revocation\": ").append(s.revocation().map(ReportJson::revocation)
                            .orElseGet(() -> revocation(s.revocationStatus())))
                    .append(", \"modifications\": ").append(list(s.modifications()))
                    .append('}');
        }
        b.append(signatures.isEmpty() ? "]" : "\n  ]");
        b.append(",\n  \"warnings\": ").append(list(report.warnings()))
                .append(",\n  \"fix\": ").append(fix == null ? "null" : str(fix)).append("\n}");
        return b.toString();
    }

    /** @return the engine's revocation value as {@code {"status", "source", "producedAt", "revokedAt", "reason"}} */
    static String revocation(SignatureValidation.Revocation r) {
        String status = switch (r.status()) {
            case GOOD -> "good";
            case REVOKED -> "revoked";
            case UNKNOWN -> "unknown";
            case NO_DATA -> "none";
            case TRUST_ANCHOR -> "trust-anchor";
        };
        return "{\"status\": " + str(status) + ", \"source\": " + opt(r.source()) + ", \"producedAt\": "
                + time(r.producedAt()) + ", \"revokedAt\": " + time(r.revokedAt()) + ", \"reason\": " + opt(r.reason()) + "}";
    }

    /**
     * @return the revocation status in words (of an entry built without the value, such as a test's fake engine's)
     *         as {@code {"status", "source", "producedAt", "revokedAt", "reason"}}
     */
    static String revocation(String text) {
        String status;
        String source = null;
        String producedAt = null;
        String revokedAt = null;
        String reason = null;
        if (text.isEmpty()) {
            return "null";
        } else if (text.startsWith("trust anchor")) {
            status = "trust-anchor";
        } else if (text.equals("no revocation data")) {
            status = "none";
        } else {
            java.util.regex.Matcher m = REVOCATION.matcher(text);
            if (!m.matches()) {
                status = "unknown";
            } else {
                status = m.group(1);
                revokedAt = m.group(2);
                reason = m.group(3);
                source = m.group(4);
                producedAt = m.group(5);
            }
        }
        return "{\"status\": " + str(status) + ", \"source\": " + nullable(source) + ", \"producedAt\": "
                + nullable(producedAt) + ", \"revokedAt\": " + nullable(revokedAt) + ", \"reason\": " + nullable(reason) + "}";
    }

    private static String nullable(String s) {
        return s == null ? "null" : str(s);
    }

    private static String time(Optional<Instant> t) {
        return t.map(Instant::toString).map(ReportJson::str).orElse("null");
    }

    private static String opt(Optional<String> s) {
        return s.map(ReportJson::str).orElse("null");
    }

    private static String list(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(str(items.get(i)));
        }
        return b.append(']').toString();
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
