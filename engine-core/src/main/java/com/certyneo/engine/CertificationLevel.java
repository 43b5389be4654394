package com.certyneo.engine;

import java.util.Locale;

/**
 * What a certification signature (the document's first signature, with a DocMDP transform, ISO 32000-1
 * §12.8.2.2) allows later revisions to change. Validation enforces it: a later revision the level forbids
 * fails the certifying signature with sub-indication {@link SignatureValidation#CERTIFICATION_VIOLATED}.
 * Adding validation data ({@code /DSS}) and document time-stamps is allowed at every level (ETSI EN 319 142-1).
 */
public enum CertificationLevel {
    /** {@code /P 1}: no change at all; no further signature either ({@link ErrorCode#DOCUMENT_LOCKED}). */
    NO_CHANGES(1),
    /** {@code /P 2}: filling in form fields and signing (other recipients' fields). */
    FORM_FILL(2),
    /** {@code /P 3}: as {@link #FORM_FILL}, and adding, changing or deleting annotations. */
    ANNOTATE(3);

    private final int permission;

    CertificationLevel(int permission) {
        this.permission = permission;
    }

    /** {@return the DocMDP {@code /P} value: 1, 2 or 3} */
    public int permission() {
        return permission;
    }

    /** {@return the CLI spelling: {@code no-changes}, {@code form-fill} or {@code annotate}} */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * {@return the level}
     * @param text {@code no-changes}, {@code form-fill} or {@code annotate} (or 1, 2, 3), case-insensitive
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for anything else
     */
    public static CertificationLevel parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (CertificationLevel level : values()) {
            if (level.cliName().equals(t) || String.valueOf(level.permission).equals(t)) {
                return level;
            }
        }
        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Unknown certification level '" + text + "'",
                "Use no-changes, form-fill or annotate.");
    }

    /**
     * {@return the level, or {@link #FORM_FILL} (the default of ISO 32000-1) for a value out of range}
     * @param permission a DocMDP {@code /P} value
     */
    public static CertificationLevel ofPermission(int permission) {
        for (CertificationLevel level : values()) {
            if (level.permission == permission) {
                return level;
            }
        }
        return FORM_FILL;
    }
}
