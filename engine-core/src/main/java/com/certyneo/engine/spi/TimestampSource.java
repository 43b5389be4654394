package com.certyneo.engine.spi;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

/**
 * Obtains RFC 3161 time-stamp tokens. Implementations verify what they return: a token that is not
 * a valid, checked answer to this exact request is an error, never a fallback value.
 * Implementations must be thread-safe.
 */
public interface TimestampSource {

    /**
     * Time-stamps a digest.
     *
     * @param digestAlgorithm the JCA digest name of {@code digest}: {@code SHA-256}, {@code SHA-384} or {@code SHA-512}
     * @param digest the message imprint
     * @return the DER-encoded TimeStampToken (a CMS ContentInfo)
     * @throws SignatureEngineException with {@link ErrorCode#TSA_UNAVAILABLE} or
     *                                  {@link ErrorCode#TSA_RESPONSE_INVALID} on failure
     */
    byte[] timestamp(String digestAlgorithm, byte[] digest);

    /** {@return a short description for error messages, such as the TSA URL} */
    default String describe() {
        return getClass().getSimpleName();
    }
}
