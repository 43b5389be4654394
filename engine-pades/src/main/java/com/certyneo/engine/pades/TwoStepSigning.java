package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.spi.SigningKey;
import eu.europa.esig.dss.enumerations.EncryptionAlgorithm;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.spi.DSSUtils;

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
 * <p>The DSS traps it guards against (see the DSS notes §1.2): step 2 must rebuild the signature
 * parameters exactly (same signing date, chain, reason, content size ...) and use a document with
 * the same bytes <em>and name</em>, because the PDF /ID derives from them; otherwise a B-B
 * signature is silently broken. So step 2 re-runs {@code getDataToSign} and compares it with the
 * hash step 1 recorded, and verifies the signature value against the certificate before DSS embeds it.
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
            prepared = PdfPreparation.prepare(input, name, engine.isSandbox());
        } catch (IOException | RuntimeException e) {
            throw PadesSignatureEngine.translate(e, name);
        }
        SignRequest shape = shape(request.document(), DocumentTarget.of(OutputStream.nullOutputStream()), request.signer(),
                request.level(), profile, request.reason(), request.location(), request.contactInfo());
        try {
            PAdESSignatureParameters parameters = parameters(shape, profile, chain, signingTime, request.rsaPss());
            ToBeSigned toBeSigned = new PAdESService(engine.verifier(new ScopedAlerts(chain, null))).getDataToSign(new InMemoryDocument(prepared, name),
                    parameters);
            byte[] tbs = toBeSigned.getBytes();
            String jca = parameters.getSignatureAlgorithm().getJCEId();
            boolean superset = prepared.length >= input.length && Arrays.equals(prepared, 0, input.length, input, 0, input.length);
            byte[] increment = superset ? Arrays.copyOfRange(prepared, input.length, prepared.length) : prepared;
            TwoStepState state = new TwoStepState(engine.isSandbox(), name, Digests.sha256(input), !superset, increment,
                    request.level(), profile, request.signer().name(), request.signer().email(), request.reason(),
                    request.location(), request.contactInfo(), signingTime, request.rsaPss(), chain, Digests.sha256(tbs), jca);
            return new PreparedSignature(tbs, digest(parameters, tbs), parameters.getDigestAlgorithm().getJavaName(), jca, chain,
                    state.encode(stateKey));
        } catch (RuntimeException e) {
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
        if (state.sandbox() != engine.isSandbox()) {
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
                state.reason(), state.location(), state.contactInfo());
        DssTimestampSource tsp = engine.timestampSource() == null ? null : new DssTimestampSource(engine.timestampSource());
        byte[] signed;
        ScopedAlerts alerts = new ScopedAlerts(state.chain(), tsp);
        try {
            PAdESSignatureParameters parameters = parameters(shape, state.profile(), state.chain(), state.signingTime(),
                    state.rsaPss());
            PAdESService service = new PAdESService(engine.verifier(alerts));
            if (tsp != null) {
                service.setTspSource(tsp);
            }
            DSSDocument doc = new InMemoryDocument(prepared, name);
            byte[] tbs = service.getDataToSign(doc, parameters).getBytes();
            String jca = parameters.getSignatureAlgorithm().getJCEId();
            if (!MessageDigest.isEqual(Digests.sha256(tbs), state.dataToSignSha256()) || !jca.equals(state.signatureAlgorithm())) {
                throw TwoStepState.mismatch("the signed attributes rebuilt from it differ from those of step 1 "
                        + "(engine configuration changed between prepare and complete?)");
            }
            byte[] value = SignatureValues.normalizeAndVerify(signatureValue, jca, state.chain().get(0), tbs,
                    "the external signer");
            signed = DSSUtils.toByteArray(service.signDocument(doc, parameters,
                    new SignatureValue(parameters.getSignatureAlgorithm(), value)));
            engine.signatureCheck(state.profile(), state.chain().get(0)).verify(signed, prepared.length, name);
        } catch (RuntimeException e) {
            throw PadesSignatureEngine.translate(e, name);
        }
        final byte[] out = signed;
        Budget.commit(); // past this point the output is written even if the time limit passes
        output.write(o -> o.write(out));
        return new SigningResult(state.level(), state.profile(), state.chain(), state.signingTime(),
                tsp == null ? Optional.empty() : tsp.firstTime(), Digests.sha256Hex(input), Digests.sha256Hex(prepared),
                Digests.sha256Hex(out), output.path(), engine.isSandbox(), alerts.warnings());
    }

    private PAdESSignatureParameters parameters(SignRequest shape, PadesProfile profile, List<X509Certificate> chain,
                                                Instant signingTime, boolean rsaPss) {
        PAdESSignatureParameters p = engine.parameters(shape, profile, new ExternalKey(chain), signingTime);
        if (rsaPss && "RSA".equals(chain.get(0).getPublicKey().getAlgorithm())) {
            p.setEncryptionAlgorithm(EncryptionAlgorithm.RSASSA_PSS);
        }
        return p;
    }

    private static byte[] digest(PAdESSignatureParameters p, byte[] tbs) {
        return DSSUtils.digest(p.getDigestAlgorithm(), tbs);
    }

    private static SignRequest shape(DocumentSource document, DocumentTarget output, Signer signer, SignatureLevel level,
                                     PadesProfile profile, Optional<String> reason, Optional<String> location,
                                     Optional<String> contact) {
        return new SignRequest(document, output, signer, level, Optional.of(profile), reason, location, contact,
                Optional.empty(), Optional.empty());
    }

    /** The certificate chain of a key the engine cannot call: it only shapes the signed attributes. */
    private record ExternalKey(List<X509Certificate> certificateChain) implements SigningKey {
        @Override
        public byte[] sign(byte[] data, String jcaAlgorithm) {
            throw new IllegalStateException("An external key is signed with outside the engine");
        }
    }
}
