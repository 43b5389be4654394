package com.certyneo.engine.audit;

import com.certyneo.engine.ValidationReport;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of verifying an audit trail: one entry per {@link AuditCheck}, in order.
 *
 * @param trailName the name of the verified file
 * @param trailSha256 lower-case hex SHA-256 of the verified file
 * @param verifiedAt when the verification ran
 * @param checks every check with its outcome
 * @param tamperedEvents events that fail the hash chain, by sequence number (empty when the chain holds)
 * @param chainHead the chain head recomputed from the attached evidence, if it could be read
 * @param evidence the attached evidence, if it follows the schema
 * @param sealReport the engine's validation report of the seal
 */
public record AuditVerification(String trailName, String trailSha256, Instant verifiedAt, List<CheckResult> checks,
                                List<EventProblem> tamperedEvents, Optional<String> chainHead, Optional<Evidence> evidence,
                                Optional<ValidationReport> sealReport) {

    /**
     * Validates the components and copies the lists.
     *
     * @param trailName the name of the verified file
     * @param trailSha256 lower-case hex SHA-256 of the verified file
     * @param verifiedAt when the verification ran
     * @param checks every check with its outcome
     * @param tamperedEvents events that fail the hash chain, by sequence number (empty when the chain holds)
     * @param chainHead the chain head recomputed from the attached evidence, if it could be read
     * @param evidence the attached evidence, if it follows the schema
     * @param sealReport the engine's validation report of the seal
     */
    public AuditVerification {
        Objects.requireNonNull(trailName, "trailName");
        Objects.requireNonNull(trailSha256, "trailSha256");
        Objects.requireNonNull(verifiedAt, "verifiedAt");
        checks = List.copyOf(checks);
        tamperedEvents = List.copyOf(Objects.requireNonNullElse(tamperedEvents, List.of()));
        chainHead = Objects.requireNonNullElse(chainHead, Optional.empty());
        evidence = Objects.requireNonNullElse(evidence, Optional.empty());
        sealReport = Objects.requireNonNullElse(sealReport, Optional.empty());
    }

    /** {@return whether no check failed and the seal check passed} */
    public boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == CheckStatus.FAILED)
                && check(AuditCheck.SEAL_VALID).map(c -> c.status() == CheckStatus.PASSED).orElse(false);
    }

    /**
     * {@return its result, if it was recorded}
     * @param check a check
     */
    public Optional<CheckResult> check(AuditCheck check) {
        return checks.stream().filter(c -> c.check() == check).findFirst();
    }

    /** {@return the checks that failed} */
    public List<CheckResult> failures() {
        return checks.stream().filter(c -> c.status() == CheckStatus.FAILED).toList();
    }
}
