package com.certyneo.testvectors;

/** A structural property of a sample PDF, as a producer laid it out. */
public enum PdfLayout {
    /** Classic cross-reference table ({@code xref} keyword) and trailer dictionary. */
    XREF_TABLE,
    /** Cross-reference stream ({@code /Type /XRef}), PDF 1.5+. */
    XREF_STREAM,
    /** Objects stored in object streams ({@code /Type /ObjStm}). */
    OBJECT_STREAMS,
    /** Hybrid-reference file: a classic table whose trailer points at an xref stream ({@code /XRefStm}). */
    HYBRID_XREF,
    /** Linearized ("fast web view"), with a linearization dictionary and hint stream. */
    LINEARIZED,
    /** More than one revision: at least one incremental update after the original file. */
    INCREMENTAL_UPDATES,
    /** Encrypted with the standard security handler. */
    ENCRYPTED,
    /** Already carries at least one signature. */
    SIGNED,
    /** Has an interactive form (AcroForm). */
    ACROFORM,
    /** Claims PDF/A-2b conformance (XMP pdfaid, embedded fonts, output intent). */
    PDF_A_2B,
    /** Not a complete PDF (cut short). */
    DAMAGED
}
