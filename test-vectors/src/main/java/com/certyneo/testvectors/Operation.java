package com.certyneo.testvectors;

/** What is done to a vector in a catalog entry of {@link ExpectedOutcomes}. */
public enum Operation {
    /** Sign at PAdES-BASELINE-B, then validate the new signature. */
    SIGN_B_B("PAdES-BASELINE-B"),
    /** Sign at PAdES-BASELINE-T (TSA 1), then validate the new signature. */
    SIGN_B_T("PAdES-BASELINE-T"),
    /** Sign at PAdES-BASELINE-LT (TSA 1, online OCSP/CRL), then validate the new signature. */
    SIGN_B_LT("PAdES-BASELINE-LT"),
    /** Sign at PAdES-BASELINE-LTA (TSA 1 twice, online OCSP/CRL), then validate the new signature. */
    SIGN_B_LTA("PAdES-BASELINE-LTA"),
    /** Validate the signature the vector already carries. */
    VALIDATE(null);

    private final String targetFormat;

    Operation(String targetFormat) {
        this.targetFormat = targetFormat;
    }

    /** {@return the signature format a successful signing produces, or {@code null} for {@link #VALIDATE}} */
    public String targetFormat() {
        return targetFormat;
    }

    /** {@return the operations that sign} */
    public static java.util.List<Operation> signing() {
        return java.util.List.of(SIGN_B_B, SIGN_B_T, SIGN_B_LT, SIGN_B_LTA);
    }
}
