package com.certyneo.engine.audit;

import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SigningResult;

import java.util.Objects;

/**
 * What {@link AuditTrail#seal} produced.
 *
 * @param seal the engine's signing result (seal certificate, time-stamp time, output digest and file)
 * @param requestedProfile the profile asked for
 * @param profileFellBack whether the engine could not produce the requested profile and B-T was used instead
 * @param chainHead the evidence chain head printed and stored in the trail
 * @param evidenceSha256 SHA-256 of the embedded evidence.json
 * @param unsealedSha256 SHA-256 of the PDF/A-3a rendering before sealing
 */
public record SealedAuditTrail(SigningResult seal, PadesProfile requestedProfile, boolean profileFellBack, String chainHead,
                               String evidenceSha256, String unsealedSha256) {

    /**
     * Validates the components.
     *
     * @param seal the engine's signing result (seal certificate, time-stamp time, output digest and file)
     * @param requestedProfile the profile asked for
     * @param profileFellBack whether the engine could not produce the requested profile and B-T was used instead
     * @param chainHead the evidence chain head printed and stored in the trail
     * @param evidenceSha256 SHA-256 of the embedded evidence.json
     * @param unsealedSha256 SHA-256 of the PDF/A-3a rendering before sealing
     */
    public SealedAuditTrail {
        Objects.requireNonNull(seal, "seal");
        Objects.requireNonNull(requestedProfile, "requestedProfile");
        Checks.sha256Hex(chainHead, "chain head");
        Checks.sha256Hex(evidenceSha256, "evidence SHA-256");
        Checks.sha256Hex(unsealedSha256, "unsealed SHA-256");
    }

    /** {@return the profile the seal reached} */
    public PadesProfile profile() {
        return seal.profile();
    }
}
