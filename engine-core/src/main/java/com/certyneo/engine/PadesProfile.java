package com.certyneo.engine;

/**
 * PAdES-BASELINE profiles of ETSI EN 319 142-1, from the basic signature up to long-term archival.
 */
public enum PadesProfile {
    /** B-B: the CMS signature with signed attributes only. */
    B_B("B-B"),
    /** B-T: B-B plus a signature time-stamp from a time-stamp authority (proof of existence). */
    B_T("B-T"),
    /** B-LT: B-T plus the certificates and revocation data needed to validate it later (DSS dictionary). */
    B_LT("B-LT"),
    /** B-LTA: B-LT plus a document time-stamp that protects the validation data (archival). */
    B_LTA("B-LTA");

    private final String label;

    PadesProfile(String label) {
        this.label = label;
    }

    /** {@return the short ETSI label, such as {@code "B-T"}} */
    public String label() {
        return label;
    }

    /** {@return whether this profile needs a time-stamp authority} */
    public boolean needsTimestamp() {
        return this != B_B;
    }

    /** {@return whether this profile needs revocation data (B-LT and B-LTA)} */
    public boolean needsRevocationData() {
        return this == B_LT || this == B_LTA;
    }

    /**
     * Parses {@code "B-T"}, {@code "b_t"}, {@code "T"} or {@code "PAdES-BASELINE-T"}.
     *
     * @param text the profile name
     * @return the profile
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for an unknown name
     */
    public static PadesProfile parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(java.util.Locale.ROOT).replace('_', '-');
        if (t.startsWith("PADES-BASELINE-")) {
            t = "B-" + t.substring("PADES-BASELINE-".length());
        } else if (!t.startsWith("B-")) {
            t = "B-" + t;
        }
        for (PadesProfile profile : values()) {
            if (profile.label.equals(t)) {
                return profile;
            }
        }
        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                "Unknown PAdES profile '" + text + "'", "Use one of B-B, B-T, B-LT, B-LTA.");
    }

    @Override
    public String toString() {
        return label;
    }
}
