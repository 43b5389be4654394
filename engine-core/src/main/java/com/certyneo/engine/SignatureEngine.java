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
     * Raises every signature of a PDF to {@code profile}: B-T adds signature time-stamps where missing,
     * B-LT adds the validation data (certificates, OCSP responses, CRLs) in a DSS dictionary, B-LTA
     * adds that and a document time-stamp. Extending to B-LTA again adds a new archive time-stamp
     * (renewal).
     *
     * @param document the signed PDF
     * @param output where the extended PDF goes
     * @param profile B-T, B-LT or B-LTA
     * @return what was produced
     * @throws SignatureEngineException on any failure; no output is written then
     */
    DocumentResult extend(DocumentSource document, DocumentTarget output, PadesProfile profile);

    /**
     * Adds an RFC 3161 document time-stamp ({@code /DocTimeStamp}, {@code ETSI.RFC3161}) over the whole PDF.
     *
     * @param document the PDF, signed or not
     * @param output where the time-stamped PDF goes
     * @return what was produced
     * @throws SignatureEngineException on any failure; no output is written then
     */
    DocumentResult timestamp(DocumentSource document, DocumentTarget output);

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
