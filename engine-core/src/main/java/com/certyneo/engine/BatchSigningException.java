package com.certyneo.engine;

/**
 * A batch signature ({@link SignatureEngine#signAll}) failed: nothing of the batch was written. The
 * {@link #code() code} and {@link #hint() hint} are those of the underlying failure (its {@link #getCause() cause});
 * {@link #index()} and {@link #documentName()} name the document it concerns. A failure of the signing
 * service's one authorisation concerns every document of the signer; it names the first of them.
 */
public final class BatchSigningException extends SignatureEngineException {

    private static final long serialVersionUID = 1L;

    /** The index of the document in the batch (0-based). */
    private final int index;
    /** The name of the document. */
    private final String documentName;

    /**
     * A batch failure naming the document that failed; its code and hint are those of {@code cause}.
     *
     * @param index the index of the failing document in the batch (0-based)
     * @param documentName its name
     * @param size how many documents the batch has
     * @param cause the failure
     */
    public BatchSigningException(int index, String documentName, int size, SignatureEngineException cause) {
        super(cause.code(), "Batch of " + size + " document(s): document " + (index + 1) + " ('" + documentName
                + "') failed, nothing was written: " + cause.getMessage(), cause.hint(), cause);
        this.index = index;
        this.documentName = documentName;
    }

    /** {@return the index of the failing document in the batch (0-based, the order of the requests)} */
    public int index() {
        return index;
    }

    /** {@return the name of the failing document} */
    public String documentName() {
        return documentName;
    }
}
