package com.certyneo.engine.audit;

import java.util.Objects;

/**
 * The outcome of one check of an audit-trail verification.
 *
 * @param check which check
 * @param status passed, failed or skipped
 * @param detail what was compared or found, human-readable
 */
public record CheckResult(AuditCheck check, CheckStatus status, String detail) {

    /**
     * Validates the components.
     *
     * @param check which check
     * @param status passed, failed or skipped
     * @param detail what was compared or found, human-readable
     */
    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        detail = Objects.requireNonNullElse(detail, "");
    }

    static CheckResult passed(AuditCheck check, String detail) {
        return new CheckResult(check, CheckStatus.PASSED, detail);
    }

    static CheckResult failed(AuditCheck check, String detail) {
        return new CheckResult(check, CheckStatus.FAILED, detail);
    }

    static CheckResult skipped(AuditCheck check, String detail) {
        return new CheckResult(check, CheckStatus.SKIPPED, detail);
    }

    static CheckResult of(AuditCheck check, boolean ok, String passDetail, String failDetail) {
        return ok ? passed(check, passDetail) : failed(check, failDetail);
    }
}
