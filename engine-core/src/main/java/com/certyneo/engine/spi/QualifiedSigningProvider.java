package com.certyneo.engine.spi;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;

/**
 * A remote qualified signature creation device: a key held by a qualified trust service provider,
 * which signs a digest once the signer has authorised it (sole control, SCAL2: the authorisation is
 * bound to the digest). The engine computes the digest of the PAdES signed attributes first, then
 * asks the provider to sign it, then completes the PAdES signature locally.
 *
 * <p>Implementations obtain any one-time password through a caller-supplied {@link OtpCallback},
 * never log secrets, and must be thread-safe.
 */
public interface QualifiedSigningProvider {

    /**
     * Finds the signer's qualified credential and its certificate chain.
     *
     * @param signer the signer
     * @return the credential to use
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} when the signer has no
     *                                  usable credential, or a {@code REMOTE_*} code when the service fails
     */
    QualifiedCredential credential(Signer signer);

    /**
     * Finds the signer's credential for a level: for {@link SignatureLevel#QES} a qualified certificate with its key
     * on a QSCD, for {@link SignatureLevel#AES_Q} a qualified certificate (QcCompliance) whose key is not on a QSCD
     * (no QcSSCD). The default serves QES with {@link #credential(Signer)} and offers no AES-Q credential.
     *
     * @param signer the signer
     * @param level {@link SignatureLevel#QES} or {@link SignatureLevel#AES_Q}
     * @return the credential to use
     * @throws SignatureEngineException with {@link ErrorCode#LEVEL_NOT_CONFIGURED} when the provider offers no
     *                                  credential for the level, or as {@link #credential(Signer)}
     */
    default QualifiedCredential credential(Signer signer, SignatureLevel level) {
        if (level == SignatureLevel.QES) {
            return credential(signer);
        }
        throw new SignatureEngineException(ErrorCode.LEVEL_NOT_CONFIGURED,
                describe() + " offers no " + level.label() + " credential",
                "Use a qualified signing provider with " + level.label() + " credentials (the CSC provider selects one "
                        + "by its certificate's QC statements).");
    }

    /**
     * Authorises and signs one digest with the credential.
     *
     * @param credential the credential from {@link #credential(Signer)}
     * @param signer the signer (for the OTP prompt and the authorisation description)
     * @param digest the digest of the DER-encoded signed attributes
     * @param digestAlgorithm the JCA digest name of {@code digest}, such as {@code SHA-256}
     * @param signatureAlgorithm the JCA signature name, such as {@code SHA256withECDSA}
     * @return the signature value (ECDSA as DER or raw r‖s; the engine normalises and verifies it)
     * @throws SignatureEngineException with {@link ErrorCode#OTP_INVALID},
     *                                  {@link ErrorCode#REMOTE_AUTHENTICATION_FAILED},
     *                                  {@link ErrorCode#REMOTE_SERVICE_UNAVAILABLE} or
     *                                  {@link ErrorCode#REMOTE_SIGNING_ERROR}
     */
    byte[] sign(QualifiedCredential credential, Signer signer, byte[] digest, String digestAlgorithm,
                String signatureAlgorithm);

    /**
     * Authorises and signs several digests of the same credential at once: one authorisation (one OTP) for all of
     * them where the provider can, as a batch of documents for one signer needs. All digests are signed or none:
     * an exception means no value may be used.
     *
     * <p>The default signs the digests one by one with {@link #sign} (one authorisation each); a provider whose
     * service can authorise several signatures at once (CSC {@code numSignatures}) overrides it.
     *
     * @param credential the credential from {@link #credential(Signer)}
     * @param signer the signer (for the OTP prompt and the authorisation description)
     * @param digests the digests of the DER-encoded signed attributes, one per signature
     * @param digestAlgorithm the JCA digest name of the digests, such as {@code SHA-256}
     * @param signatureAlgorithm the JCA signature name, such as {@code SHA256withECDSA}
     * @return one signature value per digest, in the same order
     * @throws SignatureEngineException as {@link #sign}
     */
    default java.util.List<byte[]> signAll(QualifiedCredential credential, Signer signer, java.util.List<byte[]> digests,
                                           String digestAlgorithm, String signatureAlgorithm) {
        java.util.List<byte[]> values = new java.util.ArrayList<>();
        for (byte[] digest : digests) {
            values.add(sign(credential, signer, digest, digestAlgorithm, signatureAlgorithm));
        }
        return values;
    }

    /** {@return a short description for error messages, such as the service URL} */
    default String describe() {
        return getClass().getSimpleName();
    }
}
