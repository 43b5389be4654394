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
     * Signs several documents as one operation, all or nothing: a result per request, in order, or an exception and
     * no output at all. Every document is prepared (and checked) before anything is signed, every signature value
     * is obtained, every signature is completed, and only then are the outputs moved into place (each is written to
     * a temporary sibling first). At QES the documents of one signer are signed with one authorisation of the
     * remote signing service (one OTP: CSC {@code numSignatures} and several hashes per {@code signatures/signHash}).
     * Documents and outputs are held in memory meanwhile: batch documents of ordinary size.
     *
     * <p>The default refuses: an engine that cannot sign a batch atomically does not pretend to.
     *
     * @param requests the documents to sign, each with its own output (two requests may not name the same file)
     * @return one result per request, in the same order
     * @throws BatchSigningException when one document or its signature fails; it names the document (index and
     *                               name) and carries the failure's code; no output of the batch is written then
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for an empty batch or duplicate outputs
     */
    default java.util.List<SigningResult> signAll(java.util.List<SignRequest> requests) {
        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                getClass().getSimpleName() + " does not sign batches", "Sign the documents one by one with sign().");
    }

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
     * As {@link #extend(DocumentSource, DocumentTarget, PadesProfile)}, for an encrypted PDF: the password opens it
     * and the new revisions are encrypted with the document's own key (its {@code /Encrypt} is kept). A PDF
     * encrypted with an owner password only whose permissions allow the change needs none.
     *
     * <p>The default extends without a password when {@code password} is {@code null} and refuses a password
     * otherwise (an engine that does not open encrypted documents).
     *
     * @param document the signed PDF
     * @param output where the extended PDF goes
     * @param profile B-T, B-LT or B-LTA
     * @param password the document's user (or owner) password, or {@code null} for none
     * @return what was produced
     * @throws SignatureEngineException {@link ErrorCode#ENCRYPTED_PDF} when the password is wrong or missing;
     *                                  on any failure no output is written
     */
    default DocumentResult extend(DocumentSource document, DocumentTarget output, PadesProfile profile,
                                  DocumentPassword password) {
        if (password == null) {
            return extend(document, output, profile);
        }
        throw noPasswords(this);
    }

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
     * As {@link #timestamp(DocumentSource, DocumentTarget)}, for an encrypted PDF: the password opens it and the
     * new revision is encrypted with the document's own key (its {@code /Encrypt} is kept). A PDF encrypted with an
     * owner password only whose permissions allow the change needs none.
     *
     * <p>The default time-stamps without a password when {@code password} is {@code null} and refuses a password
     * otherwise (an engine that does not open encrypted documents).
     *
     * @param document the PDF, signed or not
     * @param output where the time-stamped PDF goes
     * @param password the document's user (or owner) password, or {@code null} for none
     * @return what was produced
     * @throws SignatureEngineException {@link ErrorCode#ENCRYPTED_PDF} when the password is wrong or missing;
     *                                  on any failure no output is written
     */
    default DocumentResult timestamp(DocumentSource document, DocumentTarget output, DocumentPassword password) {
        if (password == null) {
            return timestamp(document, output);
        }
        throw noPasswords(this);
    }

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
     * As {@link #complete(byte[], byte[], DocumentSource, DocumentTarget)}, for an encrypted PDF prepared with
     * {@link PrepareRequest.Builder#password(char[])}: the state does not carry the password, so step 2 needs it
     * again.
     *
     * <p>The default completes without a password when {@code password} is {@code null} and refuses a password
     * otherwise (an engine that does not open encrypted documents).
     *
     * @param state the state returned by {@link #prepare}
     * @param signatureValue the signature over {@link PreparedSignature#dataToSign()}; ECDSA as DER or raw r‖s
     * @param document the same document bytes given to {@link #prepare}
     * @param output where the signed PDF goes
     * @param password the document's user (or owner) password, or {@code null} for none
     * @return what was produced
     * @throws SignatureEngineException as {@link #complete(byte[], byte[], DocumentSource, DocumentTarget)}, and
     *                                  {@link ErrorCode#ENCRYPTED_PDF} when the password is wrong or missing
     */
    default SigningResult complete(byte[] state, byte[] signatureValue, DocumentSource document, DocumentTarget output,
                                   DocumentPassword password) {
        if (password == null) {
            return complete(state, signatureValue, document, output);
        }
        throw noPasswords(this);
    }

    private static SignatureEngineException noPasswords(SignatureEngine engine) {
        return new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                engine.getClass().getSimpleName() + " does not open encrypted documents",
                "Use an engine that writes PDFs (PadesSignatureEngine), or decrypt the document first.");
    }

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
     *                                  with no changes allowed; nothing is written then. The default refuses
     *                                  with {@link ErrorCode#INVALID_REQUEST} (an engine, such as a test double,
     *                                  that does not write fields), so that implementations written before this
     *                                  method still compile
     */
    default DocumentResult prepareFields(DocumentSource document, DocumentTarget output,
            java.util.List<SignatureField> fields) {
        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                getClass().getSimpleName() + " does not prepare signature fields",
                "Use an engine that writes PDFs (PadesSignatureEngine).");
    }

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
     * @throws SignatureEngineException when the document cannot be read; the default refuses with
     *                                  {@link ErrorCode#INVALID_REQUEST} (an engine that does not read PDFs)
     */
    default java.util.List<SignatureFieldInfo> fields(DocumentSource document) {
        throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                getClass().getSimpleName() + " does not list signature fields",
                "Use an engine that reads PDFs (PadesSignatureEngine).");
    }

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
