package com.certyneo.engine;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to validate: which roots to trust, whether to trust the engine's sandbox root, at what time, and which
 * trusted lists decide qualification. Validation never goes online unless a {@link TrustedListSource} is told to
 * refresh; trust anchors are always explicit.
 *
 * @param trustAnchors root certificates to trust
 * @param trustSandbox whether to trust the engine's sandbox root (and use its in-process revocation service)
 * @param validationTime the time to validate at; empty means now
 * @param xmlReports whether the report also carries the ETSI TS 119 102-2 validation report and DSS's detailed
 *                   report as XML ({@link ValidationReport#etsiReport()}); off by default: they cost time
 * @param trustedLists the trusted lists qualification is decided against; without them every signature's
 *                     qualification is {@code NA}. With {@link #trustSandbox()} the sandbox's own (SANDBOX, not
 *                     legally binding) trusted list is used as well.
 * @param password the password that opens an encrypted document; empty for none
 */
public record ValidationOptions(List<X509Certificate> trustAnchors, boolean trustSandbox, Optional<Instant> validationTime,
                                boolean xmlReports, Optional<TrustedListSource> trustedLists,
                                Optional<DocumentPassword> password) {

    /**
     * Validates the components and copies the list. Not part of the stable API: a new component changes this
     * constructor; start from {@link #sandbox()} or {@link #trusting(List)}.
     *
     * @param trustAnchors root certificates to trust
     * @param trustSandbox whether to trust the engine's sandbox root (and use its in-process revocation service)
     * @param validationTime the time to validate at; empty means now
     * @param xmlReports whether the report also carries the ETSI and DSS XML reports
     * @param trustedLists the trusted lists qualification is decided against
     * @param password the password that opens an encrypted document; empty for none
     */
    @InternalApi
    public ValidationOptions {
        trustAnchors = List.copyOf(Objects.requireNonNullElse(trustAnchors, List.of()));
        validationTime = Objects.requireNonNullElse(validationTime, Optional.empty());
        trustedLists = Objects.requireNonNullElse(trustedLists, Optional.empty());
        password = Objects.requireNonNullElse(password, Optional.empty());
    }

    /**
     * Options without trusted lists or a password. Not part of the stable API (see the canonical constructor).
     *
     * @param trustAnchors root certificates to trust
     * @param trustSandbox whether to trust the engine's sandbox root
     * @param validationTime the time to validate at; empty means now
     * @param xmlReports whether the report also carries the ETSI and DSS XML reports
     */
    @InternalApi
    public ValidationOptions(List<X509Certificate> trustAnchors, boolean trustSandbox, Optional<Instant> validationTime,
                             boolean xmlReports) {
        this(trustAnchors, trustSandbox, validationTime, xmlReports, Optional.empty(), Optional.empty());
    }

    /**
     * Options without XML reports. Not part of the stable API (see the canonical constructor).
     *
     * @param trustAnchors root certificates to trust
     * @param trustSandbox whether to trust the engine's sandbox root
     * @param validationTime the time to validate at; empty means now
     */
    @InternalApi
    public ValidationOptions(List<X509Certificate> trustAnchors, boolean trustSandbox, Optional<Instant> validationTime) {
        this(trustAnchors, trustSandbox, validationTime, false);
    }

    /** {@return options trusting only the engine's sandbox root} */
    public static ValidationOptions sandbox() {
        return new ValidationOptions(List.of(), true, Optional.empty());
    }

    /**
     * {@return options trusting exactly these roots}
     * @param roots the roots to trust
     */
    public static ValidationOptions trusting(List<X509Certificate> roots) {
        return new ValidationOptions(roots, false, Optional.empty());
    }

    /**
     * {@return a copy that also trusts {@code root}}
     * @param root one more root to trust
     */
    public ValidationOptions alsoTrusting(X509Certificate root) {
        List<X509Certificate> all = new ArrayList<>(trustAnchors);
        all.add(Objects.requireNonNull(root, "root"));
        return new ValidationOptions(all, trustSandbox, validationTime, xmlReports, trustedLists, password);
    }

    /**
     * {@return a copy that does, or does not, trust the sandbox root}
     * @param trust whether to trust the engine's sandbox root (and use its in-process revocation service)
     */
    public ValidationOptions withSandbox(boolean trust) {
        return new ValidationOptions(trustAnchors, trust, validationTime, xmlReports, trustedLists, password);
    }

    /**
     * {@return a copy validating at {@code time}}
     * @param time the validation time
     */
    public ValidationOptions at(Instant time) {
        return new ValidationOptions(trustAnchors, trustSandbox, Optional.of(time), xmlReports, trustedLists, password);
    }

    /**
     * {@return a copy that does, or does not, produce them}
     * @param include whether the report should also carry the ETSI TS 119 102-2 validation report and DSS's
     *                detailed report as XML ({@link ValidationReport#etsiReport()},
     *                {@link ValidationReport#detailedReport()})
     */
    public ValidationOptions withXmlReports(boolean include) {
        return new ValidationOptions(trustAnchors, trustSandbox, validationTime, include, trustedLists, password);
    }

    /**
     * {@return a copy that qualifies signatures against them}
     * @param source the trusted lists to decide qualification against (the EU LOTL and the national TLs, or a
     *               test LOTL)
     */
    public ValidationOptions withTrustedLists(TrustedListSource source) {
        return new ValidationOptions(trustAnchors, trustSandbox, validationTime, xmlReports,
                Optional.of(Objects.requireNonNull(source, "source")), password);
    }

    /**
     * {@return a copy that opens the document with {@code password}}
     * @param password the password that opens an encrypted document (its user or owner password; copied: the
     *                 caller may clear its array), or {@code null} for none
     */
    public ValidationOptions withPassword(char[] password) {
        return new ValidationOptions(trustAnchors, trustSandbox, validationTime, xmlReports, trustedLists,
                Optional.ofNullable(password == null ? null : DocumentPassword.of(password)));
    }
}
