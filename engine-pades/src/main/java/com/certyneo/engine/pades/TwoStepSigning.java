package com.certyneo.engine.pades;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.VisibleAppearance;
import com.certyneo.engine.spi.SigningKey;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Two-step (external key) signing for {@link PadesSignatureEngine}.
 *
 * <p>Both steps run the engine's one {@link SigningPipeline}: step 1 lays out the signature revision and
 * returns the plan's signed attributes ({@link SigningPipeline#plan}); step 2 lays it out again from the state
 * (same document bytes and name, signing time, chain, reason ...; the revision is deterministic in them),
 * checks that the rebuilt signed attributes are the ones step 1 handed out, verifies the external value
 * against the certificate, and then continues exactly as one-step signing does (time-stamp, long-term data,
 * self-check, atomic write).
 */
final class TwoStepSigning {

    private final PadesSignatureEngine engine;
    private final byte[] stateKey;

    private final java.time.Duration stateLifetime;

    TwoStepSigning(PadesSignatureEngine engine, byte[] stateKey, java.time.Duration stateLifetime) {
        this.engine = engine;
        this.stateKey = stateKey.clone();
        this.stateLifetime = stateLifetime;
    }

    PreparedSignature prepare(PrepareRequest request) {
        PadesProfile profile = request.profile().orElseGet(() -> engine.defaultProfile(request.level()));
        engine.requireCapabilities(profile);
        if (request.level() == SignatureLevel.AES && !request.signer().isAuthenticated()) {
            throw new SignatureEngineException(ErrorCode.MISSING_AUTHENTICATION,
                    "AES for " + request.signer() + " needs authentication evidence and the request has none",
                    "Authenticate the signer and add it with Signer.authenticatedBy(...).");
        }
        List<X509Certificate> chain = request.certificateChain();
        engine.requireMode(chain, "the signing certificate");
        String name = request.document().name();
        byte[] input = request.document().readAllBytes();
        PdfInputs.requirePdfHeader(input, name);
        Instant signingTime = engine.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        byte[] prepared;
        try {
            prepared = PdfPreparation.prepare(input, name, engine.mode().isSandbox());
        } catch (IOException | RuntimeException e) {
            throw PadesSignatureEngine.translate(e, name);
        }
        SignRequest shape = shape(request.document(), DocumentTarget.of(OutputStream.nullOutputStream()), request.signer(),
                request.level(), profile, request.reason(), request.location(), request.contactInfo(), request.fieldName(),
                request.appearance(), request.certification(), request.lock());
        try {
            CadesSignature plan = engine.pipeline().plan(new SigningPipeline.HeapSink(prepared), name,
                    engine.spec(shape, profile, new ExternalKey(chain), signingTime, request.rsaPss()));
            byte[] tbs = plan.toBeSigned();
            String jca = plan.jcaAlgorithm();
            boolean superset = prepared.length >= input.length && Arrays.equals(prepared, 0, input.length, input, 0, input.length);
            byte[] increment = superset ? Arrays.copyOfRange(prepared, input.length, prepared.length) : prepared;
            TwoStepState state = new TwoStepState(engine.mode().isSandbox(), name, Digests.sha256(input), !superset, increment,
                    request.level(), profile, request.signer().name(), request.signer().email(), request.reason(),
                    request.location(), request.contactInfo(), signingTime, request.rsaPss(), chain, Digests.sha256(tbs), jca,
                    request.fieldName(), request.appearance(), request.certification(), request.lock());
            return new PreparedSignature(tbs, plan.toBeSignedDigest(), plan.digestAlgorithm(), jca, chain,
                    state.encode(stateKey));
        } catch (IOException | RuntimeException e) {
            throw PadesSignatureEngine.translate(e, name);
        }
    }

    SigningResult complete(byte[] stateBytes, byte[] signatureValue, DocumentSource document, DocumentTarget output) {
        TwoStepState state = TwoStepState.decode(stateBytes, stateKey);
        java.time.Instant expiry = state.signingTime().plus(stateLifetime);
        if (engine.clock().instant().isAfter(expiry)) {
            throw TwoStepState.mismatch("it was prepared at " + state.signingTime() + " and expired at " + expiry
                    + " (the claimed signing time must stay close to the real one)");
        }
        if (state.sandbox() != engine.mode().isSandbox()) {
            throw TwoStepState.mismatch("it was prepared by a " + (state.sandbox() ? "sandbox" : "production")
                    + " engine and this one is not");
        }
        engine.requireCapabilities(state.profile());
        engine.requireMode(state.chain(), "the signing certificate");
        byte[] input = document.readAllBytes();
        byte[] inputSha = Digests.sha256(input);
        if (!MessageDigest.isEqual(inputSha, state.inputSha256())) {
            throw TwoStepState.mismatch("it was prepared for document '" + state.documentName() + "' (sha256 "
                    + java.util.HexFormat.of().formatHex(state.inputSha256()) + ") and '" + document.name()
                    + "' is another document (sha256 " + java.util.HexFormat.of().formatHex(inputSha) + ")");
        }
        byte[] prepared = state.preparedDocument(input);
        // The document name feeds the PDF /ID: always use the name of step 1, whatever the caller calls it now.
        String name = state.documentName();
        Signer signer = Signer.of(state.signerName(), state.signerEmail());
        SignRequest shape = shape(DocumentSource.of(input, name), output, signer, state.level(), state.profile(),
                state.reason(), state.location(), state.contactInfo(), state.fieldName(), state.appearance(),
                state.certification(), state.lock());
        SigningPipeline.HeapSink sink = new SigningPipeline.HeapSink(prepared);
        SigningPipeline.Signed result;
        try {
            result = engine.pipeline().sign(sink, name,
                    engine.spec(shape, state.profile(), new ExternalKey(state.chain()), state.signingTime(), state.rsaPss()),
                    engine.timestampSource(), plan -> {
                        if (!MessageDigest.isEqual(Digests.sha256(plan.toBeSigned()), state.dataToSignSha256())
                                || !plan.jcaAlgorithm().equals(state.signatureAlgorithm())) {
                            throw TwoStepState.mismatch("the signed attributes rebuilt from it differ from those of step 1 "
                                    + "(engine configuration changed between prepare and complete?)");
                        }
                        return plan.assemble(signatureValue, "the external signer");
                    });
        } catch (IOException | RuntimeException e) {
            throw PadesSignatureEngine.translate(e, name);
        }
        byte[] signed = sink.array(); // the output is its first signedLength bytes: not copied again
        int signedLength = sink.length();
        OutputSelfCheck.Fingerprints fingerprints = engine.signatureCheck(state.profile(), state.chain().get(0))
                .knowing(result.verified(), result.prefixes())
                .verify(signed, signedLength, prepared, name, prepared.length);
        Budget.commit(); // past this point the output is written even if the time limit passes
        output.write(o -> o.write(signed, 0, signedLength));
        return new SigningResult(state.level(), state.profile(), state.chain(), state.signingTime(),
                result.timestampTime(), java.util.HexFormat.of().formatHex(inputSha), fingerprints.prefix(prepared.length),
                fingerprints.output(), output.path(), engine.mode().isSandbox(), result.warnings());
    }

    private static SignRequest shape(DocumentSource document, DocumentTarget output, Signer signer, SignatureLevel level,
                                     PadesProfile profile, Optional<String> reason, Optional<String> location,
                                     Optional<String> contact, Optional<String> field,
                                     Optional<VisibleAppearance> appearance,
                                     Optional<CertificationLevel> certification, Optional<FieldLock> lock) {
        return new SignRequest(document, output, signer, level, Optional.of(profile), reason, location, contact,
                field, appearance, certification, lock, Optional.empty());
    }

    /** The certificate chain of a key the engine cannot call: it only shapes the signed attributes. */
    private record ExternalKey(List<X509Certificate> certificateChain) implements SigningKey {
        @Override
        public byte[] sign(byte[] data, String jcaAlgorithm) {
            throw new IllegalStateException("An external key is signed with outside the engine");
        }
    }
}
