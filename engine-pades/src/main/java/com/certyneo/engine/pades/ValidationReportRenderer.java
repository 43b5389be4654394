package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.ValidationReport;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A human-readable validation report for people: a timeline of the document's revisions (who signed what and
 * when, signature time-stamps, validation data and archive time-stamp renewals), a thumbnail of each signed page
 * with the signature boxes outlined, each signature's certificate chain with its revocation status, what changed
 * after each signature, and the SANDBOX status, with every indication and sub-indication in plain words.
 *
 * <p>It renders the {@link ValidationReport} the engine returned for a document, together with that document
 * (for the pages and the revisions): as one self-contained HTML file (no script, no external resource, images
 * inline) or as a PDF/A-2u file. It does not validate anything itself; the report's outcomes are shown as they
 * are.
 *
 * <pre>{@code
 * ValidationReport report = engine.validate(DocumentSource.of(pdf), ValidationOptions.sandbox());
 * ValidationReportRenderer.render(DocumentSource.of(pdf), report, ValidationReportRenderer.Format.HTML,
 *         DocumentTarget.of(Path.of("report.html")));
 * }</pre>
 *
 * <p>A {@link DocumentSource} read from a stream can be read only once: pass the same bytes again
 * ({@link DocumentSource#of(byte[], String)}) rather than the stream the engine validated.
 */
public final class ValidationReportRenderer {

    /** The two renderings. */
    public enum Format {
        /** One self-contained UTF-8 HTML file. */
        HTML,
        /** A PDF/A-2u file (embedded font, extractable text). */
        PDF;

        /**
         * {@return the format its extension names ({@code .html} or {@code .htm}: HTML, {@code .pdf}: PDF, in any
         * case), or empty for any other name}
         * @param fileName a file name such as {@code report.html}
         */
        public static Optional<Format> forFileName(String fileName) {
            String name = Objects.requireNonNull(fileName, "fileName").toLowerCase(Locale.ROOT);
            if (name.endsWith(".html") || name.endsWith(".htm")) {
                return Optional.of(HTML);
            }
            return name.endsWith(".pdf") ? Optional.of(PDF) : Optional.empty();
        }
    }

    private ValidationReportRenderer() {
    }

    /**
     * {@return the HTML report, UTF-8}
     * @param document the validated document (the same bytes the report is about)
     * @param report the engine's validation report of {@code document}
     * @throws SignatureEngineException IO_ERROR when the document cannot be read; INVALID_REQUEST when it is not
     *         the document the report is about
     */
    public static byte[] html(DocumentSource document, ValidationReport report) {
        return HtmlReport.render(model(document, report));
    }

    /**
     * {@return the PDF/A-2u report}
     * @param document the validated document (the same bytes the report is about)
     * @param report the engine's validation report of {@code document}
     * @throws SignatureEngineException IO_ERROR when the document cannot be read; INVALID_REQUEST when it is not
     *         the document the report is about
     */
    public static byte[] pdf(DocumentSource document, ValidationReport report) {
        return PdfReport.render(model(document, report));
    }

    /**
     * Renders the report and writes it to {@code target} (a file target is written to a temporary file, then
     * moved into place: nothing is left behind on failure).
     *
     * @param document the validated document (the same bytes the report is about)
     * @param report the engine's validation report of {@code document}
     * @param format HTML or PDF
     * @param target where to write it
     * @throws SignatureEngineException IO_ERROR when the document cannot be read or the target written;
     *         INVALID_REQUEST when the document is not the one the report is about
     */
    public static void render(DocumentSource document, ValidationReport report, Format format, DocumentTarget target) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(target, "target");
        byte[] bytes = format == Format.HTML ? html(document, report) : pdf(document, report);
        target.write(out -> out.write(bytes));
    }

    private static ReportModel model(DocumentSource document, ValidationReport report) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(report, "report");
        return ReportModel.of(document, report);
    }
}
