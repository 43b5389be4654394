package com.certyneo.engine;

/**
 * The eIDAS level a signature is produced at. The level is decided by whose key signs and how that
 * key is controlled, not by the PDF format; every level produces a PAdES-BASELINE signature.
 */
public enum SignatureLevel {
    /**
     * Simple electronic signature: the document is sealed with the platform's own seal key; the
     * signer's intent is recorded in the evidence, not in the cryptographic signature.
     */
    SES(PadesProfile.B_T),
    /**
     * Advanced electronic signature: a one-time certificate is issued to the authenticated signer
     * on a fresh key pair that signs this one document and is then dropped.
     */
    AES(PadesProfile.B_T),
    /**
     * Advanced electronic signature supported by a qualified certificate (eIDAS Art. 26 and 28; ETSI "AdES/QC"):
     * a qualified certificate (QcCompliance) whose key is held by a qualified trust service provider but not on a
     * QSCD (no QcSSCD), reached by remote signing like {@link #QES} with a credential of its own. Written
     * {@code AES-Q}. Never a qualified electronic signature.
     */
    AES_Q(PadesProfile.B_T),
    /**
     * Qualified electronic signature: a qualified certificate whose key is held by a qualified trust
     * service provider, reached by remote signing (Cloud Signature Consortium API).
     */
    QES(PadesProfile.B_T);

    private final PadesProfile defaultProfile;

    SignatureLevel(PadesProfile defaultProfile) {
        this.defaultProfile = defaultProfile;
    }

    /**
     * {@return the baseline default profile of this level (B-T); an engine with revocation data raises
     * it to B-LT (see {@code PadesSignatureEngine#defaultProfile})}
     */
    public PadesProfile defaultProfile() {
        return defaultProfile;
    }

    /** {@return the level as written in documents and on the command line: {@code SES}, {@code AES}, {@code AES-Q}, {@code QES}} */
    public String label() {
        return name().replace('_', '-');
    }

    /**
     * Parses a level name case-insensitively ({@code "aes"}, {@code "AES"}, {@code "AES-Q"}, {@code "aes_q"}).
     *
     * @param text the level name
     * @return the level
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for an unknown name
     */
    public static SignatureLevel parse(String text) {
        for (SignatureLevel level : values()) {
            String t = text == null ? "" : text.trim();
            if (level.name().equalsIgnoreCase(t) || level.label().equalsIgnoreCase(t)) {
                return level;
            }
        }
        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                "Unknown signature level '" + text + "'", "Use one of SES, AES, AES-Q, QES.");
    }
}
