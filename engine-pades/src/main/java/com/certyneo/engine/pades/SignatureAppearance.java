package com.certyneo.engine.pades;

import com.certyneo.engine.AppearanceImage;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.VisibleAppearance;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The normal appearance ({@code /AP /N}) of a visible signature widget, built by the engine: a form XObject
 * the size of the box with a white background, the signature's text lines (who, when, level and profile, the
 * reason, and the sandbox warning in the sandbox, in red there), wrapped and scaled to fit inside a padding, and an
 * optional image (PNG or JPEG) keeping its aspect ratio. The text is shaped and drawn by {@link AppearanceText}
 * with the engine's embedded fonts (Noto Sans, Noto Sans Arabic, Droid Sans Fallback for CJK), each a subset Type0
 * font with {@code /ToUnicode}, {@code /W} and {@code /CIDToGIDMap}, so the text is selectable in any script and
 * PDF/A documents keep only embedded fonts.
 *
 * <p>Where the box goes ({@link #place}): a {@link VisibleAppearance} is measured in points from the top-left
 * corner of the page <em>as displayed</em> (its crop box turned by its {@code /Rotate}); on a rotated page the
 * widget's {@code /Rect} is that box turned back into user space, and the form's {@code /Matrix} turns the
 * drawing with the page, so that box and text stand upright for the reader (ISO 32000-1 §12.5.5: the form's
 * {@code /BBox}, transformed by its {@code /Matrix}, is fitted to the {@code /Rect}).
 *
 * <p>The output is deterministic in its inputs (the subset tag and font program depend only on the glyphs
 * used), so two-step signing rebuilds the same bytes. Package-private: the pipeline's append stage uses it.
 */
final class SignatureAppearance {

    /** The text colour outside the sandbox (a dark blue) and in it (the sandbox mark's red). */
    static final Color TEXT = new Color(0x10, 0x2A, 0x43);
    static final Color SANDBOX_TEXT = new Color(0xC0, 0x00, 0x00);
    /** Room between the box's edge and the text, in points (less in very small boxes). */
    static final float PADDING = 4;
    /** Text is never drawn larger than this, however large the box. */
    static final float MAX_FONT_SIZE = 18;
    /** Nor smaller: text that does not fit at this size is clipped by the box. */
    static final float MIN_FONT_SIZE = 2;
    /** Baseline-to-baseline distance, in font sizes. */
    private static final float LEADING = 1.2f;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private SignatureAppearance() {
    }

    /**
     * What a visible signature shows and where: {@code box} for a new field (ignored when signing into an
     * existing placed field, which keeps its own box), the text lines separated by {@code \n}. Without a box
     * ({@link #inField}) it is the appearance of a signature into an existing field that the request gave none:
     * drawn when that field is placed on a page, none when the field is invisible.
     */
    record Content(VisibleAppearance box, String text, boolean sandbox) {
        Content {
            Objects.requireNonNull(text, "text");
        }

        /** @return the appearance of a signature into an existing field, in that field's box if it has one */
        static Content inField(String text, boolean sandbox) {
            return new Content(null, text, sandbox);
        }

        /** @return whether this is {@link #inField}'s appearance: drawn only where the field has a box */
        boolean onlyIfPlaced() {
            return box == null;
        }

        /** @return the image drawn beside the text, if any */
        Optional<com.certyneo.engine.AppearanceImage> image() {
            return box == null ? Optional.empty() : box.image();
        }
    }

    /**
     * Where a widget goes: the page (0-based), its {@code /Rect} in the page's default user space, and the
     * page's rotation (0, 90, 180 or 270), which the appearance turns with.
     */
    record Placement(int pageIndex, PDRectangle rect, int rotation) {
    }

    /**
     * The text of a visible signature: who signed (for a seal: the sealing certificate's holder and on whose
     * behalf), the UTC signing time, the level and PAdES profile, and the sandbox warning.
     */
    static String text(SignatureLevel level, String signer, X509Certificate certificate, Instant signingTime,
                       PadesProfile profile, boolean sandbox) {
        return text(level, signer, certificate, signingTime, profile, Optional.empty(), sandbox);
    }

    /** The text of a visible signature, with the reason for signing (when given) on the line after the level. */
    static String text(SignatureLevel level, String signer, X509Certificate certificate, Instant signingTime,
                       PadesProfile profile, Optional<String> reason, boolean sandbox) {
        String who = level == SignatureLevel.SES
                ? "Sealed by " + PadesSignatureEngine.commonName(certificate) + "\nfor " + signer
                : "Digitally signed by " + signer;
        return who + "\n" + TIME.format(signingTime) + "\n" + level.label() + " \u00b7 PAdES " + profile
                + reason.filter(r -> !r.isBlank()).map(r -> "\nReason: " + r.strip()).orElse("")
                + (sandbox ? "\nSANDBOX \u2013 NOT LEGALLY BINDING" : "");
    }

    // ------------------------------------------------------------------------------------------------
    // Placement

    /**
     * Places a new widget: checks that the page exists, that the box lies inside the page as displayed, and
     * that it overlaps no annotation the page shows (a signature drawn over another annotation or signature
     * would hide it, and validators report such overlaps).
     *
     * @throws SignatureEngineException INVALID_REQUEST for a page the document does not have, an empty box, a
     *         box outside the page, or a box over another annotation
     */
    static Placement place(PDDocument document, String name, VisibleAppearance box) {
        int pages = document.getNumberOfPages();
        if (box.page() < 1 || box.page() > pages) {
            throw unplaceable(name, "the document has no page " + box.page() + " (it has " + pages
                    + (pages == 1 ? " page)" : " pages)"), "Choose a page from 1 to " + pages + ".");
        }
        if (!(box.width() > 0) || !(box.height() > 0)) {
            throw unplaceable(name, "the box " + describe(box) + " has no area", "Give a positive width and height.");
        }
        PDPage page = document.getPage(box.page() - 1);
        PdfInputs.requireRectangularBoxes(page, box.page(), name, "the signature box");
        PDRectangle crop = page.getCropBox();
        int rotation = page.getRotation();
        boolean sideways = rotation == 90 || rotation == 270;
        float shownWidth = sideways ? crop.getHeight() : crop.getWidth();
        float shownHeight = sideways ? crop.getWidth() : crop.getHeight();
        if (box.x() < 0 || box.y() < 0 || box.x() + box.width() > shownWidth || box.y() + box.height() > shownHeight) {
            throw unplaceable(name, "the box " + describe(box) + " is outside page " + box.page() + ", which is "
                    + number(shownWidth) + " x " + number(shownHeight) + " points as displayed"
                    + (rotation == 0 ? "" : " (/Rotate " + rotation + ")"),
                    "Move the box inside the page: x + width at most " + number(shownWidth) + ", y + height at most "
                            + number(shownHeight) + ", both measured from the top-left corner.");
        }
        PDRectangle rect = toUserSpace(crop, rotation, box.x(), box.y(), box.width(), box.height());
        String overlapped = overlapped(page, rect);
        if (overlapped != null) {
            throw unplaceable(name, "the box " + describe(box) + " on page " + box.page() + " overlaps " + overlapped,
                    "Move the box away from the page's other annotations and signatures.");
        }
        return new Placement(box.page() - 1, rect, rotation);
    }

    /**
     * The placement of an existing signature field's widget, whose box is kept: the widget of the field that has
     * an area ({@link SignatureRevision#placedWidget}), on the page its {@code /P} names or whose
     * {@code /Annots} holds it.
     *
     * @throws SignatureEngineException INVALID_REQUEST when the field has no box with an area on a page
     */
    static Placement placeInField(PDDocument document, String name, String fieldName, COSDictionary field) {
        Placement placement = placementOf(document, SignatureRevision.placedWidget(field));
        if (placement == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot draw the visible signature in '" + name
                    + "': the signature field '" + fieldName + "' has no box on a page (it is an invisible field)",
                    "Sign that field without an appearance, or leave the field out to add a new visible one.", null);
        }
        return placement;
    }

    /**
     * Where a signature into an existing field that the request gave no appearance is drawn: in the field's own box
     * when the field is placed on a page, its widget is the field itself or an indirect kid, and the widget has no
     * appearance yet, or the blank one {@link #blank} wrote
     * for that box (as {@link FieldPreparation} does in a PDF/A document). A widget with another appearance keeps it: a
     * producer's "sign here" drawing or a blank form of another frame, replaced, is a change DSS reports against the
     * earlier signatures; the signature is then invisible, as asked.
     *
     * @return the placement, or {@code null} for an invisible signature
     */
    static Placement placeByDefault(PDDocument document, COSDictionary field) {
        COSDictionary widget = SignatureRevision.placedWidget(field);
        if (widget == null || !(widget == field || indirectKid(field, widget))) {
            return null;
        }
        Placement placement = placementOf(document, widget);
        if (placement == null || !widget.containsKey(COSName.AP)) {
            return placement;
        }
        COSStream blank = SignatureRevision.blankAppearance(widget);
        return blank != null && framedAs(blank, placement) ? placement : null;
    }

    /** @return whether {@code widget} is one of the indirect objects in the /Kids of {@code field} */
    private static boolean indirectKid(COSDictionary field, COSDictionary widget) {
        if (field.getDictionaryObject(COSName.KIDS) instanceof COSArray kids) {
            for (COSBase raw : kids) {
                if (raw instanceof COSObject o && o.getObject() == widget) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param widget a field's widget that has an area ({@link SignatureRevision#placedWidget}), or null
     * @return its placement: its box, on the page its {@code /P} names or whose {@code /Annots} holds it; {@code null}
     *         when there is no widget or it is on no page (an invisible field)
     */
    private static Placement placementOf(PDDocument document, COSDictionary widget) {
        int pageIndex = widget == null ? -1 : FieldPreparation.pageOf(document, widget);
        if (pageIndex < 0) {
            return null;
        }
        return new Placement(pageIndex, rectangle(widget.getDictionaryObject(COSName.RECT)),
                document.getPage(pageIndex).getRotation());
    }

    /**
     * The box {@code (x, y, width, height)}, measured from the top-left corner of the page as displayed, in the
     * page's default user space.
     */
    static PDRectangle toUserSpace(PDRectangle crop, int rotation, float x, float y, float width, float height) {
        float llx = crop.getLowerLeftX();
        float lly = crop.getLowerLeftY();
        float urx = crop.getUpperRightX();
        float ury = crop.getUpperRightY();
        // (dx, dy): a point as displayed, from the top-left corner, y downwards
        float[] a = userPoint(llx, lly, urx, ury, rotation, x, y);
        float[] b = userPoint(llx, lly, urx, ury, rotation, x + width, y + height);
        return new PDRectangle(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]));
    }

    private static float[] userPoint(float llx, float lly, float urx, float ury, int rotation, float dx, float dy) {
        return switch (rotation) {
            case 90 -> new float[] {llx + dy, lly + dx};
            case 180 -> new float[] {urx - dx, lly + dy};
            case 270 -> new float[] {urx - dy, ury - dx};
            default -> new float[] {llx + dx, ury - dy};
        };
    }

    /** A description of the first annotation the page shows that {@code rect} overlaps, or {@code null}. */
    private static String overlapped(PDPage page, PDRectangle rect) {
        COSBase annots = page.getCOSObject().getDictionaryObject(COSName.ANNOTS);
        if (!(annots instanceof COSArray array)) {
            return null;
        }
        for (int i = 0; i < array.size(); i++) {
            COSBase item = array.get(i);
            COSBase value = item instanceof COSObject o ? o.getObject() : item;
            if (!(value instanceof COSDictionary annotation)) {
                continue;
            }
            int flags = annotation.getInt(COSName.F, 0);
            if ((flags & (2 | 32)) != 0 || COSName.POPUP.equals(annotation.getCOSName(COSName.SUBTYPE))) {
                continue; // Hidden, NoView, or a pop-up shown only when its parent is opened
            }
            PDRectangle other = rectangle(annotation.getDictionaryObject(COSName.RECT));
            if (other == null || other.getWidth() <= 0 || other.getHeight() <= 0) {
                continue; // no area: an invisible field
            }
            if (rect.getLowerLeftX() < other.getUpperRightX() && other.getLowerLeftX() < rect.getUpperRightX()
                    && rect.getLowerLeftY() < other.getUpperRightY() && other.getLowerLeftY() < rect.getUpperRightY()) {
                String kind = annotation.getNameAsString(COSName.SUBTYPE);
                String field = annotation.getString(COSName.T);
                boolean signature = COSName.SIG.equals(annotation.getCOSName(COSName.FT));
                return (signature ? "signature field" : "a " + (kind == null ? "" : kind + " ") + "annotation")
                        + (field == null ? "" : " '" + field + "'") + " at [" + number(other.getLowerLeftX()) + " "
                        + number(other.getLowerLeftY()) + " " + number(other.getUpperRightX()) + " "
                        + number(other.getUpperRightY()) + "] in user space";
            }
        }
        return null;
    }

    /** A normalised rectangle from a /Rect array, or {@code null} when it is not four numbers. */
    static PDRectangle rectangle(COSBase value) {
        if (!(value instanceof COSArray array) || array.size() != 4) {
            return null;
        }
        float[] v = new float[4];
        for (int i = 0; i < 4; i++) {
            COSBase item = array.getObject(i);
            if (!(item instanceof COSNumber number)) {
                return null;
            }
            v[i] = number.floatValue();
        }
        return new PDRectangle(Math.min(v[0], v[2]), Math.min(v[1], v[3]), Math.abs(v[2] - v[0]), Math.abs(v[3] - v[1]));
    }

    private static SignatureEngineException unplaceable(String name, String why, String hint) {
        return new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot place the visible signature in '" + name
                + "': " + why, hint, null);
    }

    private static String describe(VisibleAppearance box) {
        return number(box.width()) + " x " + number(box.height()) + " at (" + number(box.x()) + ", " + number(box.y())
                + ")";
    }

    private static String number(float value) {
        return CosWriter.real(value);
    }

    // ------------------------------------------------------------------------------------------------
    // The form XObject

    /**
     * Builds the appearance for {@code placement}: a form XObject (a new stream, without an object number) with
     * {@code /BBox [0 0 w h]} (the box as displayed), {@code /Matrix} turning it with the page, and
     * {@code /Resources} naming the subset fonts and the image. The fonts are subset here: nothing saves this
     * document with PDFBox, whose save would do it. The stream and every stream and font dictionary it reaches are
     * new objects, for {@link SignatureRevision} to number.
     *
     * <p>Layout: inside a padding, an image (when given) keeps its aspect ratio: on the left of a wide box (at least
     * twice as wide as tall), else at the top, taking at most 45% of the width or half the height; the text takes the
     * rest, at the largest size at which it fits (wrapped at spaces), left-aligned (right-aligned for a line that
     * starts right to left), vertically centred.
     *
     * @throws SignatureEngineException INVALID_REQUEST when the image cannot be decoded
     */
    static COSStream build(PDDocument document, Placement placement, String text, boolean sandbox,
                           Optional<AppearanceImage> image) throws IOException {
        PDAppearanceStream form = frame(document, placement);
        float width = form.getBBox().getWidth();
        float height = form.getBBox().getHeight();
        PDResources resources = new PDResources();
        form.setResources(resources);

        float padding = Math.min(PADDING, Math.min(width, height) / 8);
        float innerWidth = width - 2 * padding;
        float innerHeight = height - 2 * padding;
        // the text's area {x, y, w, h} and the image's, in the form's space
        float[] textArea = {padding, padding, innerWidth, innerHeight};
        float[] imageArea = null;
        COSName imageName = null;
        if (image.isPresent()) {
            PDImageXObject xobject = image(document, image.get());
            imageName = resources.add(xobject);
            float aspect = (float) xobject.getWidth() / xobject.getHeight();
            float gap = padding;
            if (innerWidth >= 2 * innerHeight) {
                float w = Math.min(innerHeight * aspect, innerWidth * 0.45f);
                float h = w / aspect;
                imageArea = new float[] {padding, padding + (innerHeight - h) / 2, w, h};
                textArea = new float[] {padding + w + gap, padding, Math.max(1, innerWidth - w - gap), innerHeight};
            } else {
                float h = Math.min(innerWidth / aspect, innerHeight * 0.5f);
                float w = h * aspect;
                imageArea = new float[] {padding + (innerWidth - w) / 2, padding + innerHeight - h, w, h};
                textArea = new float[] {padding, padding, innerWidth, Math.max(1, innerHeight - h - gap)};
            }
        }

        AppearanceText shaper = new AppearanceText();
        Layout layout = layout(shaper, lines(text), textArea[2], textArea[3]);
        List<AppearanceText.Line> shaped = layout.lines().stream().map(shaper::shape).toList();
        AppearanceText.Fonts fonts = new AppearanceText.Fonts(document, resources);
        fonts.use(shaped);

        StringBuilder content = new StringBuilder();
        content.append("1 1 1 rg\n0 0 ").append(n(width)).append(' ').append(n(height)).append(" re\nf\n");
        if (imageArea != null) {
            content.append("q\n").append(n(imageArea[2])).append(" 0 0 ").append(n(imageArea[3])).append(' ')
                    .append(n(imageArea[0])).append(' ').append(n(imageArea[1])).append(" cm\n/")
                    .append(imageName.getName()).append(" Do\nQ\n");
        }
        content.append("q\n").append(n(textArea[0])).append(' ').append(n(textArea[1])).append(' ').append(n(textArea[2]))
                .append(' ').append(n(textArea[3])).append(" re\nW\nn\n"); // text that does not fit stays in its area
        Color colour = sandbox ? SANDBOX_TEXT : TEXT;
        content.append("BT\n").append(n(colour.getRed() / 255f)).append(' ').append(n(colour.getGreen() / 255f))
                .append(' ').append(n(colour.getBlue() / 255f)).append(" rg\n");
        float size = layout.size();
        float lineHeight = size * LEADING;
        float block = shaped.size() * lineHeight;
        // centred vertically; each line's baseline sits its descent above the bottom of its line
        float areaTop = textArea[1] + textArea[3];
        float top = Math.min(areaTop, textArea[1] + (textArea[3] + block) / 2);
        float descent = size * 0.212f + (lineHeight - size * 1.117f) / 2;
        float baseline = top - lineHeight + descent;
        for (AppearanceText.Line line : shaped) {
            float lineWidth = line.width() / 1000f * size;
            float x = line.rightToLeft() ? textArea[0] + Math.max(0, textArea[2] - lineWidth) : textArea[0];
            content.append("1 0 0 1 ").append(n(x)).append(' ').append(n(baseline)).append(" Tm\n");
            fonts.show(content, line, size);
            baseline -= lineHeight;
        }
        content.append("ET\nQ\n");
        fonts.finish();
        try (OutputStream out = form.getCOSObject().createOutputStream(COSName.FLATE_DECODE)) {
            out.write(content.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return form.getCOSObject();
    }

    /**
     * The image as an XObject: a JPEG embedded as it is (DCTDecode); a PNG decoded and re-encoded losslessly, its
     * alpha channel a soft mask, except in a PDF/A-1 document (which forbids soft masks), where it is flattened onto
     * white (the box's background).
     */
    private static PDImageXObject image(PDDocument document, AppearanceImage image) {
        try {
            if (image.format() == AppearanceImage.Format.JPEG) {
                return JPEGFactory.createFromByteArray(document, image.bytes());
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.bytes()));
            if (decoded == null) {
                throw new IOException("no PNG reader decoded it");
            }
            if (decoded.getColorModel().hasAlpha() && isPdfA1(document)) {
                BufferedImage flat = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_RGB);
                java.awt.Graphics2D g = flat.createGraphics();
                try {
                    g.setColor(Color.WHITE);
                    g.fillRect(0, 0, flat.getWidth(), flat.getHeight());
                    g.drawImage(decoded, 0, 0, null);
                } finally {
                    g.dispose();
                }
                decoded = flat;
            }
            return LosslessFactory.createFromImage(document, decoded);
        } catch (IOException | RuntimeException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, image.name().substring(0, 1).toUpperCase(Locale.ROOT)
                    + image.name().substring(1) + " cannot be decoded as " + image.format() + " ("
                    + e.getClass().getSimpleName() + ")", "Export the image again as PNG or JPEG.", null);
        }
    }

    private static final Pattern PDFA_PART = Pattern.compile("pdfaid:part\\s*(?:=\\s*[\"']|>)\\s*1\\s*[\"'<]");

    /** Whether the document's XMP metadata claims PDF/A-1 (pdfaid:part 1). */
    static boolean isPdfA1(PDDocument document) {
        if (!(document.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.METADATA) instanceof COSStream xmp)) {
            return false;
        }
        try (InputStream in = xmp.createInputStream()) {
            return PDFA_PART.matcher(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8)).find();
        } catch (IOException e) {
            return false;
        }
    }

    private static String n(float value) {
        return AppearanceText.number(value);
    }

    /**
     * The blank appearance of an empty placed field in a PDF/A document (which wants one on every annotation with an
     * area): the form {@link #build} draws for the same placement, with its {@code /BBox}, {@code /Matrix} and
     * {@code /Filter}, and an empty content. Signing the field then only fills that stream (its length and content,
     * new resources), which DSS counts as an empty signature field filled.
     */
    static COSStream blank(PDDocument document, Placement placement) {
        COSStream stream = frame(document, placement).getCOSObject();
        try (OutputStream out = stream.createOutputStream(COSName.FLATE_DECODE)) {
            // nothing: an empty content, compressed as the signer's will be (DSS counts a /Filter added as a change)
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: not thrown
        }
        return stream;
    }

    /**
     * Whether {@code blank} is the frame {@link #blank} writes for {@code placement}: the same {@code /BBox},
     * {@code /Matrix} and {@code /Filter}, so that drawing in it changes only its content and resources.
     */
    private static boolean framedAs(COSStream blank, Placement placement) {
        return sameNumbers(blank.getDictionaryObject(COSName.BBOX), frameBox(placement).getCOSArray())
                && sameNumbers(blank.getDictionaryObject(COSName.MATRIX), matrix(placement.rotation()))
                && COSName.FLATE_DECODE.equals(blank.getDictionaryObject(COSName.FILTER));
    }

    private static boolean sameNumbers(COSBase a, COSBase b) {
        if (!(a instanceof COSArray x && b instanceof COSArray y) || x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!(x.getObject(i) instanceof COSNumber m && y.getObject(i) instanceof COSNumber n)
                    || Math.abs(m.floatValue() - n.floatValue()) > 0.001f) {
                return false;
            }
        }
        return true;
    }

    /** A form XObject with {@code /BBox [0 0 w h]} (the box as displayed) and the {@code /Matrix} that turns it with the page. */
    private static PDAppearanceStream frame(PDDocument document, Placement placement) {
        PDAppearanceStream form = new PDAppearanceStream(document);
        form.setBBox(frameBox(placement));
        form.getCOSObject().setItem(COSName.MATRIX, matrix(placement.rotation()));
        return form;
    }

    /** {@code [0 0 w h]}: the placement's box as displayed (width and height swapped on a page turned sideways). */
    private static PDRectangle frameBox(Placement placement) {
        PDRectangle rect = placement.rect();
        boolean sideways = placement.rotation() == 90 || placement.rotation() == 270;
        return new PDRectangle(0, 0, sideways ? rect.getHeight() : rect.getWidth(),
                sideways ? rect.getWidth() : rect.getHeight());
    }

    /** The form's /Matrix: the drawing turned counter-clockwise by the page's rotation, so it shows upright. */
    private static COSArray matrix(int rotation) {
        int[] m = switch (rotation) {
            case 90 -> new int[] {0, 1, -1, 0, 0, 0};
            case 180 -> new int[] {-1, 0, 0, -1, 0, 0};
            case 270 -> new int[] {0, -1, 1, 0, 0, 0};
            default -> new int[] {1, 0, 0, 1, 0, 0};
        };
        COSArray array = new COSArray();
        for (int v : m) {
            array.add(COSInteger.get(v));
        }
        return array;
    }

    /** The lines of {@code text}. */
    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /** The text broken into lines at a font size. */
    private record Layout(float size, List<String> lines) {
    }

    /**
     * The largest font size (between {@link #MIN_FONT_SIZE} and {@link #MAX_FONT_SIZE}) at which the
     * paragraphs, wrapped at spaces (a word wider than the box is broken), fit {@code width x height}.
     */
    private static Layout layout(AppearanceText font, List<String> paragraphs, float width, float height) {
        float low = MIN_FONT_SIZE;
        float high = Math.max(MIN_FONT_SIZE, Math.min(MAX_FONT_SIZE, height));
        Layout best = wrap(font, paragraphs, width, low);
        if (fits(best, height)) {
            Layout top = wrap(font, paragraphs, width, high);
            if (fits(top, height)) {
                return top;
            }
            for (int i = 0; i < 12; i++) { // bisection: fitting is monotonic in the size
                float mid = (low + high) / 2;
                Layout candidate = wrap(font, paragraphs, width, mid);
                if (fits(candidate, height)) {
                    best = candidate;
                    low = mid;
                } else {
                    high = mid;
                }
            }
        }
        return best;
    }

    private static boolean fits(Layout layout, float height) {
        return layout.lines().size() * layout.size() * LEADING <= height;
    }

    private static Layout wrap(AppearanceText font, List<String> paragraphs, float width, float size) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : paragraphs) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                String candidate = line.length() == 0 ? word : line + " " + word;
                if (font.width(candidate, size) <= width) {
                    line.setLength(0);
                    line.append(candidate);
                    continue;
                }
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                // the word alone: broken between code points where it is wider than the box
                int start = 0;
                for (int end = word.offsetByCodePoints(0, Math.min(1, word.codePointCount(0, word.length())));
                     end < word.length(); end = word.offsetByCodePoints(end, 1)) {
                    int next = word.offsetByCodePoints(end, 1);
                    if (font.width(word.substring(start, next), size) > width) {
                        lines.add(word.substring(start, end));
                        start = end;
                    }
                }
                line.append(word, start, word.length());
            }
            lines.add(line.toString());
        }
        return new Layout(size, lines);
    }
}
