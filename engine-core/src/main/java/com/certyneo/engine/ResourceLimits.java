package com.certyneo.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The time and memory budget of one engine operation (sign, prepare, complete, extend, time-stamp,
 * validate) on one document. Exceeding it is {@link ErrorCode#RESOURCE_LIMIT}; nothing is written.
 *
 * <p>The defaults ({@link #defaults()}) suit a server that handles several documents at once:
 * <ul>
 *   <li>{@code timePerDocument} 60 s: the caller gets its answer (or RESOURCE_LIMIT) after at most that
 *   long, plus a few seconds for the work to stop, whatever the document contains. Network waits
 *   (time-stamp authority, OCSP, remote signing) count too.</li>
 *   <li>{@code maxObjects} 500,000: the number of objects the document's cross-reference data lists,
 *   counted before the PDF library loads it. The heap an operation needs grows with that count (about
 *   1.5 KB per object, measured with PDFBox 3.0.8 and DSS 6.2 on documents of tiny objects, from memory
 *   and from disk alike), so this bounds the heap of one operation to well under 1 GB. Ordinary documents,
 *   even of thousands of pages, list tens of thousands of objects.</li>
 *   <li>{@code maxRenderedPages} 10: validation renders the pages of documents with at most this many pages,
 *   for each signature followed by later revisions, to compare what the signer saw with the final
 *   document (a heuristic, reported alongside object-level changes). Larger documents, and documents whose
 *   pages are huge or whose fonts carry pathological character maps, are not rendered. 0 turns rendering
 *   off.</li>
 * </ul>
 *
 * @param timePerDocument  the longest one operation on one document may take; positive
 * @param maxObjects       the most objects a document may have; positive
 * @param maxRenderedPages the most pages a document may have for validation to render and compare them;
 *                         zero or positive
 */
public record ResourceLimits(Duration timePerDocument, long maxObjects, int maxRenderedPages) {

    /** Default time per document: 60 seconds. */
    public static final Duration DEFAULT_TIME_PER_DOCUMENT = Duration.ofSeconds(60);
    /** Default maximum number of objects per document. */
    public static final long DEFAULT_MAX_OBJECTS = 500_000;
    /** Default maximum number of pages rendered for the visual comparison (DSS's own default). */
    public static final int DEFAULT_MAX_RENDERED_PAGES = 10;

    /**
     * Checks the values. Not part of the stable API: a new limit changes this constructor; start from
     * {@link #defaults()} and change what differs with the {@code with…} methods.
     *
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for a missing, zero or
     *                                  negative time, a non-positive object count or a negative page count
     * @param timePerDocument the longest one operation on one document may take; positive
     * @param maxObjects the most objects a document may have; positive
     * @param maxRenderedPages the most pages a document may have for validation to render and compare them;
     *        zero or positive
     */
    @InternalApi
    public ResourceLimits {
        if (timePerDocument == null || timePerDocument.isNegative() || timePerDocument.isZero()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The time limit per document must be positive (got " + timePerDocument + ")",
                    "Give a duration such as Duration.ofSeconds(60).");
        }
        if (maxObjects <= 0) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The maximum number of objects per document must be positive (got " + maxObjects + ")",
                    "Give a count such as " + DEFAULT_MAX_OBJECTS + ".");
        }
        if (maxRenderedPages < 0) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The maximum number of rendered pages must not be negative (got " + maxRenderedPages + ")",
                    "Give 0 to turn the rendered-page comparison off, or a page count such as 10.");
        }
    }

    /** {@return the defaults: 60 s, 500,000 objects, 10 rendered pages} */
    public static ResourceLimits defaults() {
        return new ResourceLimits(DEFAULT_TIME_PER_DOCUMENT, DEFAULT_MAX_OBJECTS, DEFAULT_MAX_RENDERED_PAGES);
    }

    /**
     * {@return these limits with {@code time} per document}
     * @param time the new time per document; positive
     */
    public ResourceLimits withTimePerDocument(Duration time) {
        return new ResourceLimits(Objects.requireNonNull(time, "time"), maxObjects, maxRenderedPages);
    }

    /**
     * {@return these limits with {@code count} objects at most}
     * @param count the new maximum number of objects per document; positive
     */
    public ResourceLimits withMaxObjects(long count) {
        return new ResourceLimits(timePerDocument, count, maxRenderedPages);
    }

    /**
     * {@return these limits with {@code pages} rendered pages at most}
     * @param pages the new maximum number of pages rendered for the visual comparison; 0 turns it off
     */
    public ResourceLimits withMaxRenderedPages(int pages) {
        return new ResourceLimits(timePerDocument, maxObjects, pages);
    }
}
