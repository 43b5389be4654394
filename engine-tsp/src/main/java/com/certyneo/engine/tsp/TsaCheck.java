package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;

/**
 * The checks {@link TsaClient} runs on the way to a usable time-stamp token, in order. A failed check
 * is reported as a {@link TsaException} naming it; transport checks map to
 * {@link ErrorCode#TSA_UNAVAILABLE}, checks of the reply to {@link ErrorCode#TSA_RESPONSE_INVALID}.
 */
public enum TsaCheck {
    /** The caller's input: an accepted digest algorithm (never SHA-1) and a digest of its length. */
    REQUEST("request", ErrorCode.INVALID_REQUEST),
    /** The TCP/TLS connection to the TSA. */
    CONNECTION("connection", ErrorCode.TSA_UNAVAILABLE),
    /** The connect or read timeout. */
    TIMEOUT("timeout", ErrorCode.TSA_UNAVAILABLE),
    /** HTTP status 200 (and no redirect). */
    HTTP_STATUS("HTTP status", ErrorCode.TSA_UNAVAILABLE),
    /** Content type {@code application/timestamp-reply} and a body of sane size. */
    CONTENT_TYPE("content type", ErrorCode.TSA_RESPONSE_INVALID),
    /** A DER TimeStampResp holding a CMS SignedData over a TSTInfo with one signer. */
    RESPONSE_FORMAT("response format", ErrorCode.TSA_RESPONSE_INVALID),
    /** PKIStatus granted or grantedWithMods, with a token. */
    PKI_STATUS("PKIStatus", ErrorCode.TSA_RESPONSE_INVALID),
    /** The message imprint (algorithm and value) equals the one sent. */
    IMPRINT("message imprint", ErrorCode.TSA_RESPONSE_INVALID),
    /** The nonce equals the one sent. */
    NONCE("nonce", ErrorCode.TSA_RESPONSE_INVALID),
    /** The TSU certificate is in the token and ESSCertID/ESSCertIDv2 identifies it. */
    SIGNING_CERTIFICATE("ESSCertID signing certificate", ErrorCode.TSA_RESPONSE_INVALID),
    /** The CMS signature verifies with the TSU key, over a strong digest. */
    SIGNATURE("token signature", ErrorCode.TSA_RESPONSE_INVALID),
    /**
     * The TSU certificate has the critical id-kp-timeStamping EKU only, was valid at genTime, and genTime lies
     * within its private key usage period when the certificate states one.
     */
    TSU_CERTIFICATE("TSU certificate", ErrorCode.TSA_RESPONSE_INVALID),
    /** The TSU certificate chains to a configured trust anchor (only when anchors are configured). */
    TRUST("trust anchor", ErrorCode.TSA_RESPONSE_INVALID),
    /** The TSU certificate is, or is issued by, a certificate the endpoint is pinned to (only when pinned). */
    PIN("TSU certificate pin", ErrorCode.TSA_RESPONSE_INVALID),
    /**
     * The TSU certificate is not revoked according to the revocation data available: OCSP responses and CRLs in
     * the token, and the client's revocation source. Data that does not verify with the TSU certificate's issuer
     * is ignored; without current data the check passes.
     */
    REVOCATION("TSU certificate revocation", ErrorCode.TSA_RESPONSE_INVALID),
    /** The policy OID is on the allow-list (only when one is configured). */
    POLICY("policy", ErrorCode.TSA_RESPONSE_INVALID),
    /** The accuracy field is present. */
    ACCURACY("accuracy", ErrorCode.TSA_RESPONSE_INVALID),
    /** The ordering field is absent or false. */
    ORDERING("ordering", ErrorCode.TSA_RESPONSE_INVALID),
    /** The TSTInfo has no critical extension. */
    EXTENSIONS("critical extensions", ErrorCode.TSA_RESPONSE_INVALID),
    /** genTime lies within the configured skew of the local clock. */
    GEN_TIME("genTime", ErrorCode.TSA_RESPONSE_INVALID),
    /** Every configured TSA failed; {@link TsaException#attempts()} says how. */
    ALL_TSAS("failover", ErrorCode.TSA_UNAVAILABLE);

    private final String label;
    private final ErrorCode code;

    TsaCheck(String label, ErrorCode code) {
        this.label = label;
        this.code = code;
    }

    /** {@return a short human-readable name of the check, used in messages} */
    public String label() {
        return label;
    }

    /** {@return the error code a failure of this check carries} */
    public ErrorCode code() {
        return code;
    }
}
