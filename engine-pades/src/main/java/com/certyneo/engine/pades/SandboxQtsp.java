package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.csc.CscClient;
import com.certyneo.engine.pades.csc.CscSigningProvider;
import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.engine.spi.QualifiedCredential;
import com.certyneo.engine.spi.QualifiedSigningProvider;

import java.time.Clock;

/**
 * The sandbox's qualified trust service provider: the in-process {@link SandboxCscService} (loopback,
 * ephemeral port) backed by the sandbox qualified CA, reached through the real {@link CscClient} and
 * {@link CscSigningProvider}, so sandbox QES exercises the whole CSC v2 flow (OAuth client
 * credentials, credentials/list and info, getChallenge, authorize with SCAL2 hash binding, signHash).
 *
 * <p><b>Sandbox only:</b> signers are enrolled on first use, and the OTP callback reads the code the
 * server "sent" from the server's in-memory outbox instead of asking a person. A production engine
 * never has this: it must be given a real {@link QualifiedSigningProvider}.
 */
final class SandboxQtsp implements QualifiedSigningProvider, AutoCloseable {

    private final SandboxCscService server;
    private final CscSigningProvider provider;

    private SandboxQtsp(SandboxCscService server, CscSigningProvider provider) {
        this.server = server;
        this.provider = provider;
    }

    static SandboxQtsp start(SandboxPki.Entry qualifiedCa, Clock clock, int signaturesPerAuthorization) {
        SandboxCscService server = SandboxCscService.builder()
                .issuer(qualifiedCa.key(), qualifiedCa.chain())
                .policy(SandboxPki.SANDBOX_POLICY_OID)
                .revocationPointers(SandboxQualifiedCa.CRL, SandboxQualifiedCa.OCSP, SandboxQualifiedCa.CA_ISSUERS)
                .multisign(20) // a batch of up to 20 documents under one OTP
                .clock(clock)
                .start();
        CscClient client = CscClient.builder().baseUri(server.v2())
                .client(server.clientId(), server.clientSecret().toCharArray()).clock(clock).build();
        CscSigningProvider provider = CscSigningProvider.builder().client(client)
                .otpCallback(request -> server.latestOtp(request.credentialId()).map(String::toCharArray)
                        .orElseThrow(() -> new SignatureEngineException(ErrorCode.OTP_INVALID,
                                "The sandbox CSC service sent no OTP for credential " + request.credentialId(),
                                "This is a sandbox bug; report it.")))
                .signaturesPerAuthorization(signaturesPerAuthorization)
                .clock(clock).build();
        return new SandboxQtsp(server, provider);
    }

    SandboxCscService server() {
        return server;
    }

    @Override
    public QualifiedCredential credential(Signer signer) {
        server.enrol(signer.email(), signer.name(), signer.phone().orElse("+33000000000"));
        return provider.credential(signer);
    }

    /** QES as {@link #credential(Signer)}; AES-Q from the signer's AES-Q credential (enrolled on first use). */
    @Override
    public QualifiedCredential credential(Signer signer, SignatureLevel level) {
        if (level == SignatureLevel.AES_Q) {
            server.enrolAdvanced(signer.email(), signer.name(), signer.phone().orElse("+33000000000"));
            return provider.credential(signer, level);
        }
        return credential(signer);
    }

    @Override
    public byte[] sign(QualifiedCredential credential, Signer signer, byte[] digest, String digestAlgorithm,
                       String signatureAlgorithm) {
        return provider.sign(credential, signer, digest, digestAlgorithm, signatureAlgorithm);
    }

    @Override
    public java.util.List<byte[]> signAll(QualifiedCredential credential, Signer signer, java.util.List<byte[]> digests,
                                          String digestAlgorithm, String signatureAlgorithm) {
        return provider.signAll(credential, signer, digests, digestAlgorithm, signatureAlgorithm);
    }

    @Override
    public String describe() {
        return "sandbox " + provider.describe();
    }

    @Override
    public void close() {
        server.close();
    }
}
