package com.certyneo.engine.audit;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders evidence as a PDF/A-3a audit trail, seals it with the engine's platform seal, and
 * verifies sealed trails offline. Immutable and thread-safe when its engine is.
 *
 * <pre>{@code
 * AuditTrail trails = AuditTrail.builder().engine(engine).build();      // seals at B-LTA, else B-T
 * SealedAuditTrail sealed = trails.seal(evidence, DocumentTarget.of(Path.of("audit-trail.pdf")));
 * AuditVerification v = trails.verify(DocumentSource.of(Path.of("audit-trail.pdf")),
 *         ValidationOptions.sandbox(), Optional.of(DocumentSource.of(Path.of("contract-signed.pdf"))));
 * }</pre>
 */
public final class AuditTrail {

    private final SignatureEngine engine;
    private final PadesProfile profile;
    private final Clock clock;

    private AuditTrail(Builder b) {
        this.engine = b.engine;
        this.profile = b.profile;
        this.clock = b.clock;
    }

    /** {@return a builder: profile B-LTA, system UTC clock, no engine (render only)} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Renders the evidence as an unsealed PDF/A-3a document with {@code evidence.json} attached.
     *
     * @param evidence the evidence
     * @return the PDF bytes
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when PDFBox fails to write
     */
    public byte[] render(Evidence evidence) {
        Objects.requireNonNull(evidence, "evidence");
        try {
            return AuditTrailRenderer.render(evidence, clock.instant());
        } catch (IOException | RuntimeException e) {
            if (e instanceof SignatureEngineException s) {
                throw s;
            }
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot render the audit trail of envelope "
                    + evidence.envelope().id() + ": " + e, "Report this as a bug with the evidence attached.", e);
        }
    }

    /**
     * Renders and seals the evidence at SES with the engine's platform seal, at the configured
     * profile; when the engine answers {@link ErrorCode#PROFILE_NOT_SUPPORTED} for a long-term
     * profile (no revocation data available), seals at B-T instead. The output is written only
     * when sealing succeeded (atomically for file targets).
     *
     * @param evidence the evidence
     * @param target where the sealed trail goes
     * @return what was produced
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} without an engine,
     *         {@link ErrorCode#MODE_MISMATCH} when a sandbox engine seals production evidence (or the
     *         reverse), or any code the engine throws
     */
    public SealedAuditTrail seal(Evidence evidence, DocumentTarget target) {
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(target, "target");
        SignatureEngine sealer = requireEngine("seal");
        byte[] pdf = render(evidence);
        boolean fellBack = false;
        ByteArrayOutputStream sealed = new ByteArrayOutputStream(pdf.length + 64 * 1024);
        SigningResult result;
        try {
            result = sealer.sign(request(evidence, pdf, sealed, profile));
        } catch (SignatureEngineException e) {
            if (e.code() != ErrorCode.PROFILE_NOT_SUPPORTED || profile == PadesProfile.B_T || profile == PadesProfile.B_B) {
                throw e;
            }
            fellBack = true;
            sealed.reset();
            result = sealer.sign(request(evidence, pdf, sealed, PadesProfile.B_T));
        }
        if (result.sandbox() != evidence.envelope().sandbox()) {
            throw new SignatureEngineException(ErrorCode.MODE_MISMATCH, "The evidence of envelope " + evidence.envelope().id()
                    + " is " + evidence.envelope().mode() + " but the engine's seal is " + (result.sandbox() ? "a sandbox" : "a production")
                    + " seal", "Seal sandbox evidence with a sandbox engine and production evidence with a production engine.");
        }
        byte[] bytes = sealed.toByteArray();
        target.write(out -> out.write(bytes));
        SigningResult withFile = result.toBuilder().outputFile(target.path().orElse(null)).build();
        return new SealedAuditTrail(withFile, profile, fellBack, evidence.chainHead(), Digests.sha256Hex(evidence.toJson()),
                Digests.sha256Hex(pdf));
    }

    private static SignRequest request(Evidence evidence, byte[] pdf, ByteArrayOutputStream out, PadesProfile profile) {
        Party sender = evidence.envelope().sender();
        return SignRequest.builder()
                .document(DocumentSource.of(pdf, "audit-trail-" + evidence.envelope().id() + ".pdf"))
                .output(DocumentTarget.of(out))
                .signer(Signer.of(sender.name(), sender.email()))
                .level(SignatureLevel.SES)
                .profile(profile)
                .reason("Audit trail of envelope " + evidence.envelope().id() + " sealed by the platform")
                .build();
    }

    /**
     * Verifies a sealed audit trail offline: the seal, that it covers the whole file, the attached
     * evidence and its hash chain (naming damaged events by sequence number), the chain head in the
     * metadata and on every page, and, when given, the signed document's digest.
     *
     * @param trail the sealed audit-trail PDF
     * @param options trust anchors for the seal
     * @param signedDocument the signed document the trail is about, if it should be checked
     * @return every check's outcome
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_PDF} or {@link ErrorCode#IO_ERROR}
     *         when the trail cannot be read at all
     */
    public AuditVerification verify(DocumentSource trail, ValidationOptions options, Optional<DocumentSource> signedDocument) {
        Objects.requireNonNull(trail, "trail");
        Objects.requireNonNull(options, "options");
        return new AuditVerifier(requireEngine("verify"), clock).verify(trail, options,
                Objects.requireNonNullElse(signedDocument, Optional.empty()));
    }

    private SignatureEngine requireEngine(String what) {
        if (engine == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot " + what + " an audit trail without a signature engine",
                    "Pass the engine with AuditTrail.builder().engine(engine).");
        }
        return engine;
    }

    /** Builder for {@link AuditTrail}; not thread-safe. */
    public static final class Builder {
        private SignatureEngine engine;
        private PadesProfile profile = PadesProfile.B_LTA;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets the engine whose platform seal seals and validates trails.
         *
         * @param engine the engine whose platform seal seals and validates trails
         * @return this
         */
        public Builder engine(SignatureEngine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Sets the seal profile (default B-LTA; B-T is used when the engine cannot do long-term).
         *
         * @param profile the seal profile (default B-LTA; B-T is used when the engine cannot do long-term)
         * @return this
         */
        public Builder profile(PadesProfile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /**
         * Sets the clock for generation and verification times (default system UTC).
         *
         * @param clock the clock for generation and verification times (default system UTC)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return the audit-trail service} */
        public AuditTrail build() {
            return new AuditTrail(this);
        }
    }
}
