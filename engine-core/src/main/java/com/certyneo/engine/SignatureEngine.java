package com.certyneo.engine;

/**
 * Produces and validates PAdES signatures at eIDAS levels. Implementations are thread-safe: one
 * instance serves a whole application, and may be called concurrently.
 *
 * <p>Every method either completes or throws a {@link SignatureEngineException} with a stable
 * {@link ErrorCode}; on failure nothing is written to the requested output.
 */
public interface SignatureEngine extends AutoCloseable {

    /**
     * Signs a PDF at the requested level and profile.
     *
     * @param request what to sign, for whom, and where to write the result
     * @return what was produced
     * @throws SignatureEngineException on any failure; no output is written then
     */
    SigningResult sign(SignRequest request);

    /**
     * Validates every signature and document time-stamp in a PDF, offline.
     *
     * @param document the PDF
     * @param options trust anchors and validation time
     * @return one outcome per signature
     * @throws SignatureEngineException when the document cannot be read at all
     */
    ValidationReport validate(DocumentSource document, ValidationOptions options);

    /** Releases resources (key material references, servers). Idempotent. */
    @Override
    void close();
}
