package com.certyneo.engine.audit;

/** The checks {@link AuditTrail#verify} runs, in order. */
public enum AuditCheck {
    /** Every signature and document time-stamp of the trail validates TOTAL_PASSED. */
    SEAL_VALID("seal validates (PAdES, TOTAL_PASSED)"),
    /** The last seal revision covers the whole file: nothing was appended after sealing. */
    SEAL_COVERS_FILE("seal covers the whole file"),
    /** The sandbox flag of the seal matches the envelope mode in the evidence. */
    MODE_MATCHES_SEAL("envelope mode matches the seal"),
    /** {@code evidence.json} is attached as a PDF/A-3 associated file (AFRelationship Data, application/json). */
    EVIDENCE_ATTACHED("evidence.json is attached"),
    /** {@code evidence.json} follows the schema (and holds no secret). */
    EVIDENCE_READABLE("evidence.json follows the schema"),
    /** Every event's hash recomputes and links to its predecessor; the declared head matches. */
    HASH_CHAIN("event hash chain is intact"),
    /** The chain head in the XMP metadata and the information dictionary equals the recomputed head. */
    CHAIN_HEAD_METADATA("chain head in metadata matches"),
    /** Every page's text shows the recomputed chain head. */
    CHAIN_HEAD_PRINTED("chain head printed on every page"),
    /** The SHA-256 of the attached evidence.json equals the digest recorded in the metadata. */
    EVIDENCE_DIGEST("evidence.json digest matches metadata"),
    /** The given signed document's SHA-256 is the signed digest of a document in the evidence. */
    SIGNED_DOCUMENT("signed document matches the evidence");

    private final String label;

    AuditCheck(String label) {
        this.label = label;
    }

    /** {@return a short human-readable label} */
    public String label() {
        return label;
    }
}
