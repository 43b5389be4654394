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
     * Raises every signature of a PDF to {@code profile}: B-T adds a document time-stamp when a signature
     * has neither a signature time-stamp nor a later document time-stamp, B-LT adds the validation data
     * (certificates, OCSP responses, CRLs) the signatures and time-stamps lack in a DSS dictionary, B-LTA
     * adds that and a document time-stamp. Extending to B-LTA again adds a new archive time-stamp
     * (renewal). A signature under another PKI whose validation data cannot be obtained is left as it
     * was and named in a warning.
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
     * Step 1 of two-step signing, for keys the engine cannot call itself (HSM behind another service,
     * browser-side key, remote signing service): prepares the document and returns what to sign plus
     * an opaque, integrity-protected state. Nothing is written.
     *
     * @param request the document, signer, profile and the signing certificate chain
     * @return the data and digest to sign and the state for {@link #complete}
     * @throws SignatureEngineException on any failure
     */
    PreparedSignature prepare(PrepareRequest request);

    /**
     * Step 2 of two-step signing: checks the state and the document against step 1, checks the
     * signature value against the signing certificate, then embeds it (adding the time-stamp and
     * validation data the profile needs) and writes the output. May run on another engine instance
     * configured with the same state key.
     *
     * @param state the state returned by {@link #prepare}
     * @param signatureValue the signature over {@link PreparedSignature#dataToSign()}; ECDSA as DER or raw r‖s
     * @param document the same document bytes given to {@link #prepare}
     * @param output where the signed PDF goes
     * @return what was produced
     * @throws SignatureEngineException with {@link ErrorCode#STATE_MISMATCH} for a tampered or foreign
     *                                  state or another document, {@link ErrorCode#INVALID_SIGNATURE_VALUE}
     *                                  for a value that does not verify; no output is written then
     */
    SigningResult complete(byte[] state, byte[] signatureValue, DocumentSource document, DocumentTarget output);

    /**
     * Adds every recipient's empty signature field to a PDF in one incremental revision (and, on a sandbox
     * engine, the SANDBOX mark, which later signers then do not add again): each recipient then signs into their
     * field ({@link SignRequest.Builder#field(String)}), and those later revisions only fill fields, so no
     * validator reports a modification for any signer.
     *
     * @param document the PDF (a signed one too: the fields are then a legitimate later revision)
     * @param output where the PDF with the fields goes
     * @param fields the fields to add, at least one
     * @return what was produced
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for a field name the document has
     *                                  already or that is given twice, a page the document does not have or a box off
     *                                  its page (naming the page count and the page's size, in points from the
     *                                  top-left corner); {@link ErrorCode#DOCUMENT_LOCKED} for a document certified
     *                                  with no changes allowed; nothing is written then
     */
    DocumentResult prepareFields(DocumentSource document, DocumentTarget output, java.util.List<SignatureField> fields);

    /**
     * As {@link #prepareFields(DocumentSource, DocumentTarget, java.util.List)}.
     *
     * @param document the PDF
     * @param output where the PDF with the fields goes
     * @param fields the fields to add, at least one
     * @return what was produced
     * @throws SignatureEngineException as {@link #prepareFields(DocumentSource, DocumentTarget, java.util.List)}
     */
    default DocumentResult prepareFields(DocumentSource document, DocumentTarget output, SignatureField... fields) {
        return prepareFields(document, output, java.util.List.of(fields));
    }

    /**
     * Lists the signature fields of a PDF: name, page, box, whether signed, and lock.
     *
     * @param document the PDF
     * @return its signature fields, in the order of the form
     * @throws SignatureEngineException when the document cannot be read
     */
    java.util.List<SignatureFieldInfo> fields(DocumentSource document);

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
