package com.certyneo.engine;

/**
 * Stable, machine-readable error codes. Codes are never renamed; new ones may be added.
 * Each code belongs to a {@link Category} that tells a caller (and the CLI's exit code) whose
 * problem it is.
 */
public enum ErrorCode {
    /** The request itself is malformed (missing document, unknown option, inconsistent values). */
    INVALID_REQUEST(Category.USAGE),
    /** The input is not a readable PDF (empty, truncated, not a PDF, broken cross-reference). */
    INVALID_PDF(Category.INPUT),
    /** The PDF is encrypted and cannot be signed without its password. */
    ENCRYPTED_PDF(Category.INPUT),
    /** Machine-readable evidence (an audit trail's evidence.json) is malformed, or its hash chain is broken. */
    INVALID_EVIDENCE(Category.INPUT),
    /** The document's certification (DocMDP) or field locks forbid adding a signature. */
    DOCUMENT_LOCKED(Category.INPUT),
    /** A file could not be read or written. */
    IO_ERROR(Category.INPUT),
    /** The requested signature level has no key or provider configured in this engine. */
    LEVEL_NOT_CONFIGURED(Category.SIGNING),
    /** The level requires signer authentication evidence that the request does not carry. */
    MISSING_AUTHENTICATION(Category.USAGE),
    /** The requested profile cannot be produced by this engine configuration. */
    PROFILE_NOT_SUPPORTED(Category.SIGNING),
    /** No time-stamp authority answered with a valid token. */
    TSA_UNAVAILABLE(Category.SIGNING),
    /** A time-stamp token failed one of the checks of ETSI EN 319 422 / RFC 3161. */
    TSA_RESPONSE_INVALID(Category.SIGNING),
    /** The signing key could not be used, or its certificate is unusable (expired, wrong usage). */
    SIGNING_KEY_ERROR(Category.SIGNING),
    /** The signing certificate (or one of its chain) is revoked, so long-term validation data cannot be built. */
    CERTIFICATE_REVOKED(Category.SIGNING),
    /** Revocation data (OCSP or CRL) for a certificate could not be obtained. */
    REVOCATION_UNAVAILABLE(Category.SIGNING),
    /** A sandbox key was offered to a production engine, or a production key to a sandbox engine. */
    MODE_MISMATCH(Category.SIGNING),
    /** The signature could not be created for a reason not covered by a more specific code. */
    SIGNING_FAILED(Category.SIGNING),
    /** Validation could not be run (as opposed to a signature that validated as failed). */
    VALIDATION_ERROR(Category.INPUT),
    /**
     * The document exceeds a {@link ResourceLimits resource limit} of the engine: it was not processed
     * within the time allowed per document, it has more objects than allowed, or processing it exhausted
     * the heap. Also raised when the calling thread is interrupted during an operation. The message
     * names the limit and the document; nothing is written.
     */
    RESOURCE_LIMIT(Category.INPUT),
    /**
     * Two-step signing: the state is malformed, was tampered with, comes from another engine, or does
     * not match the document supplied to complete it.
     */
    STATE_MISMATCH(Category.USAGE),
    /** Two-step or remote signing: the signature value does not verify against the signing certificate. */
    INVALID_SIGNATURE_VALUE(Category.SIGNING),
    /** The one-time password given for a remote signature was refused. */
    OTP_INVALID(Category.USAGE),
    /** The remote signing service refused the engine's credentials or access token (invalid, expired, revoked). */
    REMOTE_AUTHENTICATION_FAILED(Category.SIGNING),
    /** The remote signing service is unreachable, timed out or answered with a server error (5xx). */
    REMOTE_SERVICE_UNAVAILABLE(Category.SIGNING),
    /**
     * The remote signing service refused a request (credential, authorisation, hash binding, signature
     * count) or answered with something that is not a valid response.
     */
    REMOTE_SIGNING_ERROR(Category.SIGNING);

    /** Who has to act on an error. */
    public enum Category {
        /** The caller used the API or CLI wrongly. */
        USAGE,
        /** The input document or file is unusable. */
        INPUT,
        /** Keys, certificates, providers or time-stamp authorities failed. */
        SIGNING
    }

    private final Category category;

    ErrorCode(Category category) {
        this.category = category;
    }

    /** {@return the category of this code} */
    public Category category() {
        return category;
    }
}
