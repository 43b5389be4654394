package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationReport;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a human-readable validation report shows, read from the validated file and the engine's
 * {@link ValidationReport}: the document's revisions in order (which signature, time-stamp or validation-data
 * update each one is), thumbnails of the pages that carry signature widgets with the widget boxes, and the
 * wording shared by the HTML and PDF renderings.
 */
final class ReportModel {

    /** Thumbnails are at most this wide (points are scaled down, never up beyond 72 dpi). */
    static final int THUMBNAIL_WIDTH = 240;
    /** At most this many signed pages are drawn; the others are named. */
    static final int MAX_THUMBNAILS = 12;
    /** Revisions are classified by loading each earlier state of the file only up to this size and count. */
    private static final long CLASSIFY_MAX_BYTES = 32L * 1024 * 1024;
    private static final int CLASSIFY_MAX_REVISIONS = 64;
    /** Files up to this size are read into memory; larger ones are read by PDFBox from disk. */
    private static final long IN_MEMORY_MAX_BYTES = 64L * 1024 * 1024;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** A signature widget's box on a thumbnail, as fractions of the thumbnail (top-left origin). */
    record Box(int signature, double left, double top, double width, double height) {
    }

    /**
     * A signed page.
     *
     * @param number 1-based page number
     * @param image the thumbnail, or {@code null} when the page could not be rendered
     * @param boxes the visible signature widgets on the page
     * @param invisible the numbers of the signatures whose widget on this page has no area
     */
    record Page(int number, BufferedImage image, List<Box> boxes, List<Integer> invisible) {
        byte[] png() {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                javax.imageio.ImageIO.write(image, "png", out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What an incremental revision of the file is. */
    enum Kind { ORIGINAL, SIGNATURE, DOCUMENT_TIMESTAMP, VALIDATION_DATA, UPDATE }

    /**
     * One revision of the file.
     *
     * @param number 1-based revision number
     * @param kind what it is
     * @param signature 1-based number of the report entry it holds, or 0
     * @param detail what it adds, in words (validation data and other updates)
     */
    record Revision(int number, Kind kind, int signature, String detail) {
    }

    final ValidationReport report;
    final List<Revision> revisions;
    final List<Page> pages;
    /** The signature entries whose revision could not be found (no usable /ByteRange), by number. */
    final List<Integer> unplaced;
    /** Pages of each signature's widgets, by signature number. */
    final Map<Integer, List<Integer>> pagesOf;
    final List<String> notes;

    private ReportModel(ValidationReport report, List<Revision> revisions, List<Page> pages, List<Integer> unplaced,
                        Map<Integer, List<Integer>> pagesOf, List<String> notes) {
        this.report = report;
        this.revisions = revisions;
        this.pages = pages;
        this.unplaced = unplaced;
        this.pagesOf = pagesOf;
        this.notes = notes;
    }

    /** A signature field as PDFBox reads it. */
    private record Field(String fullName, String partialName, long end, boolean documentTimestamp,
                         List<Widget> widgets) {
    }

    private record Widget(int pageIndex, PDRectangle rect) {
    }

    static ReportModel of(DocumentSource source, ValidationReport report) {
        Path file = source.path().filter(p -> size(p) > IN_MEMORY_MAX_BYTES).orElse(null);
        byte[] bytes = file == null ? source.readAllBytes() : null;
        String sha256 = bytes != null ? Digests.sha256Hex(bytes) : Digests.sha256Hex(file);
        if (!sha256.equalsIgnoreCase(report.documentSha256())) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    source.name() + " is not the document the report is about (its SHA-256 is " + sha256 + ", the report's "
                            + report.documentSha256() + ")", "Render the report with the document that was validated.");
        }
        Revisions revisions = bytes != null ? Revisions.of(bytes) : Revisions.of(file);
        List<String> notes = new ArrayList<>();
        List<SignatureValidation> signatures = report.signatures();
        Map<Integer, Integer> revisionOf = new LinkedHashMap<>(); // signature number -> revision number
        Map<Integer, List<Widget>> widgetsOf = new LinkedHashMap<>();
        int pageCount = 0;
        List<Page> pages = new ArrayList<>();
        try (PDDocument document = bytes != null ? DocumentPasswords.load(bytes)
                : DocumentPasswords.load(new RandomAccessReadBufferedFile(file.toFile()))) {
            pageCount = document.getNumberOfPages();
            List<Field> fields = fields(document);
            for (int i = 0; i < signatures.size(); i++) {
                Optional<Field> field = match(fields, signatures.get(i));
                int number = i + 1;
                field.filter(f -> f.end() > 0).ifPresent(f -> revisionOf.put(number, revisions.revisionEndingAt(f.end() - 2)));
                field.ifPresent(f -> widgetsOf.put(number, f.widgets()));
            }
            pages = thumbnails(document, widgetsOf, notes);
        } catch (IOException | RuntimeException e) {
            notes.add("The pages could not be drawn: PDFBox cannot read the file (" + e.getClass().getSimpleName() + ").");
        }
        Map<Integer, List<Integer>> pagesOf = new LinkedHashMap<>();
        int finalPageCount = pageCount;
        widgetsOf.forEach((n, ws) -> pagesOf.put(n, ws.stream().map(w -> w.pageIndex() + 1)
                .filter(p -> p >= 1 && p <= finalPageCount).distinct().toList()));
        List<Revision> list = revisions(bytes, revisions, revisionOf, signatures);
        List<Integer> unplaced = new ArrayList<>();
        for (int i = 1; i <= signatures.size(); i++) {
            if (!revisionOf.containsKey(i)) {
                unplaced.add(i);
            }
        }
        return new ReportModel(report, list, pages, unplaced, pagesOf, notes);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // read into memory, where the I/O error is reported in the engine's terms
        }
    }

    private static List<Field> fields(PDDocument document) throws IOException {
        List<Field> fields = new ArrayList<>();
        if (document.getDocumentCatalog().getAcroForm(null) == null) {
            return fields;
        }
        for (PDSignatureField field : document.getSignatureFields()) {
            PDSignature signature = field.getSignature();
            long end = -1;
            boolean timestamp = false;
            if (signature != null) {
                int[] range = signature.getByteRange();
                if (range != null && range.length == 4) {
                    end = (long) range[2] + range[3];
                }
                timestamp = COSName.DOC_TIME_STAMP.getName().equals(signature.getCOSObject().getNameAsString(COSName.TYPE))
                        || "ETSI.RFC3161".equals(signature.getSubFilter());
            }
            List<Widget> widgets = new ArrayList<>();
            for (PDAnnotationWidget widget : field.getWidgets()) {
                int index = pageIndex(document, widget);
                PDRectangle rect = widget.getRectangle();
                if (index >= 0) {
                    widgets.add(new Widget(index, rect == null ? new PDRectangle(0, 0, 0, 0) : rect));
                }
            }
            fields.add(new Field(field.getFullyQualifiedName(), field.getPartialName(), end, timestamp, widgets));
        }
        return fields;
    }

    private static int pageIndex(PDDocument document, PDAnnotationWidget widget) throws IOException {
        PDPage page = widget.getPage();
        if (page != null) {
            int index = document.getPages().indexOf(page);
            if (index >= 0) {
                return index;
            }
        }
        // No /P: find the page whose /Annots holds the widget.
        int index = 0;
        for (PDPage candidate : document.getPages()) {
            COSArray annots = candidate.getCOSObject().getCOSArray(COSName.ANNOTS);
            if (annots != null) {
                for (int i = 0; i < annots.size(); i++) {
                    if (annots.getObject(i) == widget.getCOSObject()) {
                        return index;
                    }
                }
            }
            index++;
        }
        return -1;
    }

    /** The field of a report entry: by fully qualified name, then by partial name when that is unique. */
    private static Optional<Field> match(List<Field> fields, SignatureValidation signature) {
        String name = signature.fieldName();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<Field> full = fields.stream().filter(f -> name.equals(f.fullName())).findFirst();
        if (full.isPresent()) {
            return full;
        }
        List<Field> partial = fields.stream().filter(f -> name.equals(f.partialName())).toList();
        return partial.size() == 1 ? Optional.of(partial.get(0)) : Optional.empty();
    }

    private static List<Page> thumbnails(PDDocument document, Map<Integer, List<Widget>> widgetsOf, List<String> notes) {
        java.util.SortedSet<Integer> signedPages = new java.util.TreeSet<>();
        widgetsOf.forEach((number, widgets) -> widgets.forEach(w -> signedPages.add(w.pageIndex())));
        List<Page> pages = new ArrayList<>();
        PDFRenderer renderer = new PDFRenderer(document);
        renderer.setSubsamplingAllowed(true);
        int drawn = 0;
        for (int index : signedPages) {
            if (index >= document.getNumberOfPages()) {
                continue;
            }
            if (drawn == MAX_THUMBNAILS) {
                notes.add("Only the first " + MAX_THUMBNAILS + " signed pages are drawn.");
                break;
            }
            drawn++;
            PDPage page = document.getPage(index);
            PDRectangle crop = page.getCropBox();
            int rotation = ((page.getRotation() % 360) + 360) % 360;
            boolean sideways = rotation == 90 || rotation == 270;
            float shownWidth = sideways ? crop.getHeight() : crop.getWidth();
            float shownHeight = sideways ? crop.getWidth() : crop.getHeight();
            List<Box> onPage = new ArrayList<>();
            List<Integer> hidden = new ArrayList<>();
            widgetsOf.forEach((number, widgets) -> widgets.stream().filter(w -> w.pageIndex() == index).forEach(w -> {
                PDRectangle r = w.rect();
                if (r.getWidth() <= 0 || r.getHeight() <= 0 || shownWidth <= 0 || shownHeight <= 0) {
                    if (!hidden.contains(number)) {
                        hidden.add(number);
                    }
                    return;
                }
                double[] a = shown(r.getLowerLeftX(), r.getLowerLeftY(), crop, rotation);
                double[] b = shown(r.getUpperRightX(), r.getUpperRightY(), crop, rotation);
                double left = Math.max(0, Math.min(a[0], b[0]) / shownWidth);
                double top = Math.max(0, Math.min(a[1], b[1]) / shownHeight);
                double right = Math.min(1, Math.max(a[0], b[0]) / shownWidth);
                double bottom = Math.min(1, Math.max(a[1], b[1]) / shownHeight);
                if (right > left && bottom > top) {
                    onPage.add(new Box(number, left, top, right - left, bottom - top));
                } else if (!hidden.contains(number)) {
                    hidden.add(number); // entirely off the visible page
                }
            }));
            BufferedImage image = null;
            try {
                float scale = shownWidth <= 0 ? 0.3f : Math.min(1f, THUMBNAIL_WIDTH / shownWidth);
                image = renderer.renderImage(index, scale, ImageType.RGB);
            } catch (IOException | RuntimeException e) {
                notes.add("Page " + (index + 1) + " could not be drawn (" + e.getClass().getSimpleName() + ").");
            }
            pages.add(new Page(index + 1, image, onPage, hidden));
        }
        return pages;
    }

    /** @return a point of the page's user space in the displayed page's coordinates (top-left origin, points) */
    private static double[] shown(double x, double y, PDRectangle crop, int rotation) {
        double llx = crop.getLowerLeftX();
        double lly = crop.getLowerLeftY();
        double urx = crop.getUpperRightX();
        double ury = crop.getUpperRightY();
        return switch (rotation) {
            case 90 -> new double[] {y - lly, x - llx};
            case 180 -> new double[] {urx - x, y - lly};
            case 270 -> new double[] {ury - y, urx - x};
            default -> new double[] {x - llx, ury - y};
        };
    }

    /** Every revision of the file, each named by the signature it ends with or by what it adds. */
    private static List<Revision> revisions(byte[] bytes, Revisions revisions, Map<Integer, Integer> revisionOf,
                                            List<SignatureValidation> signatures) {
        Map<Integer, Integer> signatureIn = new LinkedHashMap<>();
        revisionOf.forEach((signature, revision) -> signatureIn.putIfAbsent(revision, signature));
        boolean classify = bytes != null && bytes.length <= CLASSIFY_MAX_BYTES
                && revisions.count() <= CLASSIFY_MAX_REVISIONS;
        List<Revision> list = new ArrayList<>();
        State previous = State.EMPTY;
        for (int n = 1; n <= revisions.count(); n++) {
            State state = classify ? State.of(bytes, n == revisions.count() ? bytes.length : revisions.end(n)) : null;
            Integer signature = signatureIn.get(n);
            if (signature != null) {
                boolean timestamp = signatures.get(signature - 1).documentTimestamp();
                list.add(new Revision(n, timestamp ? Kind.DOCUMENT_TIMESTAMP : Kind.SIGNATURE, signature, ""));
            } else if (n == 1) {
                list.add(new Revision(n, Kind.ORIGINAL, 0, "The document as first written."));
            } else if (state != null && state.addsValidationData(previous)) {
                list.add(new Revision(n, Kind.VALIDATION_DATA, 0, state.validationDataSince(previous)));
            } else if (state != null && state.sandboxMark && !previous.sandboxMark) {
                list.add(new Revision(n, Kind.UPDATE, 0, "The sandbox engine drew its SANDBOX mark on the pages."));
            } else {
                list.add(new Revision(n, Kind.UPDATE, 0,
                        "An incremental update without a signature (form fields, annotations or other objects)."));
            }
            if (state != null) {
                previous = state;
            }
        }
        return list;
    }

    /** What the report needs to know of the file as it stood at the end of one revision. */
    private record State(int certificates, int ocsps, int crls, int vri, boolean sandboxMark) {
        static final State EMPTY = new State(0, 0, 0, 0, false);

        static State of(byte[] bytes, long end) {
            try (PDDocument document = DocumentPasswords.load(new ArrayRead(bytes, 0, (int) end))) {
                COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
                COSDictionary dss = catalog.getCOSDictionary(COSName.getPDFName("DSS"));
                return new State(count(dss, "Certs"), count(dss, "OCSPs"), count(dss, "CRLs"),
                        dss == null || dss.getCOSDictionary(COSName.getPDFName("VRI")) == null ? 0
                                : dss.getCOSDictionary(COSName.getPDFName("VRI")).size(),
                        catalog.containsKey(SandboxMarker.MARKED_KEY));
            } catch (IOException | RuntimeException e) {
                return EMPTY;
            }
        }

        private static int count(COSDictionary dss, String key) {
            if (dss == null) {
                return 0;
            }
            COSBase value = dss.getDictionaryObject(COSName.getPDFName(key));
            return value instanceof COSArray array ? array.size() : 0;
        }

        boolean addsValidationData(State before) {
            return certificates > before.certificates || ocsps > before.ocsps || crls > before.crls || vri > before.vri;
        }

        String validationDataSince(State before) {
            List<String> parts = new ArrayList<>();
            add(parts, certificates - before.certificates, "certificate", "certificates");
            add(parts, ocsps - before.ocsps, "OCSP response", "OCSP responses");
            add(parts, crls - before.crls, "CRL", "CRLs");
            return "Validation data added to the document security store (DSS)"
                    + (parts.isEmpty() ? "." : ": " + String.join(", ", parts) + ".");
        }

        private static void add(List<String> parts, int n, String one, String many) {
            if (n > 0) {
                parts.add(n + " " + (n == 1 ? one : many));
            }
        }
    }

    // ---- wording shared by the renderings ----

    static String time(Instant t) {
        return TIME.format(t);
    }

    /** @return e.g. "Signature by Jane Doe" or "Document time-stamp by Example TSA" */
    static String title(SignatureValidation s) {
        String who = s.signedBy().isEmpty() ? "an unknown signer" : s.signedBy();
        return (s.documentTimestamp() ? "Document time-stamp by " : "Signature by ") + who;
    }

    /** @return the indication in a few words */
    static String verdict(SignatureValidation s) {
        return switch (s.indication()) {
            case TOTAL_PASSED -> "Valid";
            case TOTAL_FAILED -> "Invalid";
            case INDETERMINATE -> "Could not be confirmed";
        };
    }

    /** @return the indication and sub-indication in plain words */
    static String explanation(SignatureValidation s) {
        String what = s.documentTimestamp() ? "time-stamp" : "signature";
        return switch (s.indication()) {
            case TOTAL_PASSED -> "The " + what + " is intact, its certificate chains to a trusted root and was not "
                    + "revoked when the " + what + " was made.";
            case TOTAL_FAILED -> "The " + what + " is invalid: " + s.subIndication().map(ReportModel::reason)
                    .orElse("a check failed.");
            case INDETERMINATE -> "The " + what + " could not be confirmed: " + s.subIndication().map(ReportModel::reason)
                    .orElse("a check could not conclude.");
        };
    }

    /** Plain words for an ETSI EN 319 102-1 sub-indication (or the engine's own). */
    static String reason(String subIndication) {
        return switch (subIndication) {
            case SignatureValidation.MODIFIED_AFTER_SIGNING ->
                    "the document was changed after signing in a way later signatures and validation data do not explain.";
            case "HASH_FAILURE" -> "the signed bytes were altered after signing.";
            case "SIG_CRYPTO_FAILURE" -> "the signature value does not match the signed content and the signer's key.";
            case "REVOKED" -> "the signer's certificate was revoked before the signature was proven to exist.";
            case "FORMAT_FAILURE" -> "the signature is not built as its format requires, or cannot be read.";
            case "SIG_CONSTRAINTS_FAILURE" -> "the signature lacks attributes the validation policy requires.";
            case "CHAIN_CONSTRAINTS_FAILURE" -> "a certificate of the chain does not meet the validation policy.";
            case "CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE" ->
                    "an algorithm or key size is not considered secure at the time that matters.";
            case "NO_CERTIFICATE_CHAIN_FOUND", "NO_CERTIFICATE_CHAIN_FOUND_NO_POE" ->
                    "the signer's certificate does not chain to a trusted root.";
            case "NO_SIGNING_CERTIFICATE_FOUND" -> "the signing certificate is not in the signature.";
            case "CERTIFICATE_CHAIN_GENERAL_FAILURE" -> "the certificate chain could not be checked.";
            case "TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE" ->
                    "revocation information is missing or not fresh enough.";
            case "REVOKED_NO_POE", "REVOKED_CA_NO_POE" ->
                    "a certificate of the chain was revoked, and nothing proves the signature existed before that.";
            case "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED" ->
                    "the certificate was not valid at the validation time, and nothing proves the signature existed "
                            + "while it was.";
            case "EXPIRED" -> "the certificate had expired.";
            case "NOT_YET_VALID" -> "the certificate was not yet valid.";
            case "NO_POE" -> "nothing proves the signature existed before a time that matters.";
            case "TIMESTAMP_ORDER_FAILURE" -> "its time-stamps are not in a consistent order.";
            case "SIGNED_DATA_NOT_FOUND" -> "the signed content could not be found.";
            case "POLICY_PROCESSING_ERROR" -> "the signature policy could not be processed.";
            default -> subIndication.toLowerCase(Locale.ROOT).replace('_', ' ') + ".";
        };
    }

    /** @return the common name of a DN (or the DN when it has none) */
    static String commonName(String dn) {
        return attribute(dn, "CN").orElse(dn);
    }

    /** @return the organisation of a DN, when it has one */
    static Optional<String> organization(String dn) {
        return attribute(dn, "O");
    }

    private static Optional<String> attribute(String dn, String type) {
        try {
            List<javax.naming.ldap.Rdn> rdns = new javax.naming.ldap.LdapName(dn).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase(type)) {
                    return Optional.of(String.valueOf(rdns.get(i).getValue()));
                }
            }
        } catch (javax.naming.InvalidNameException | IllegalArgumentException e) {
            // not an RFC 2253 name: shown as it is
        }
        return Optional.empty();
    }

    /** The tone of a revocation status: good, bad or unknown. */
    enum Tone { GOOD, BAD, UNKNOWN }

    static Tone tone(String revocationStatus) {
        String s = revocationStatus.toLowerCase(Locale.ROOT);
        if (s.startsWith("good") || s.startsWith("trust anchor")) {
            return Tone.GOOD;
        }
        return s.startsWith("revoked") ? Tone.BAD : Tone.UNKNOWN;
    }

    /** @return whether any entry comes from the Certyneo sandbox */
    boolean sandbox() {
        return report.signatures().stream().anyMatch(SignatureValidation::sandbox);
    }

    /** @return the whole document's outcome in one sentence */
    String overall() {
        if (report.signatures().isEmpty()) {
            return "No signatures found: the PDF has no signature and no document time-stamp.";
        }
        return report.allPassed() ? "Every signature is valid." : "Not every signature is valid: see below.";
    }

    /** @return the revision each signature number is in, for the entries whose revision is known */
    Optional<Integer> revisionOf(int signature) {
        return revisions.stream().filter(r -> r.signature() == signature).map(Revision::number).findFirst();
    }

    /** @return e.g. "page 1" or "pages 1, 3", or "" when the signature has no widget on a page */
    String pagesText(int signature) {
        List<Integer> pages = pagesOf.getOrDefault(signature, List.of());
        if (pages.isEmpty()) {
            return "";
        }
        return (pages.size() == 1 ? "page " : "pages ") + String.join(", ", pages.stream().map(String::valueOf).toList());
    }

    /** @return "visible" or "invisible" for a signature's widget(s) */
    boolean visible(int signature) {
        return pages.stream().anyMatch(p -> p.boxes().stream().anyMatch(b -> b.signature() == signature));
    }
}
