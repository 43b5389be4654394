package com.certyneo.engine;

/**
 * Where a visible signature box goes: a rectangle on a page, in PDF points (1/72 inch), measured from
 * the top-left corner of the page as displayed. The engine fills it with the signer's name, the
 * signing time, the level and profile, the reason (and "SANDBOX" for sandbox signatures), and, when given, an
 * {@link AppearanceImage} (a logo or a captured handwritten signature) beside or above the text; the box is a
 * presentation aid, the evidence is the cryptographic signature. Make one with
 * {@link #of(int, float, float, float, float)} and add an image with {@link #withImage(AppearanceImage)}.
 *
 * @param page the 1-based page number
 * @param x distance from the left edge of the page to the box
 * @param y distance from the top edge of the page to the box
 * @param width box width
 * @param height box height
 * @param image the image drawn in the box, if any
 */
public record VisibleAppearance(int page, float x, float y, float width, float height, java.util.Optional<AppearanceImage> image) {

    /**
     * Validates the components. Not part of the stable API: a new component (such as the text to show) changes
     * this constructor; use {@link #of(int, float, float, float, float)}.
     *
     * @param page the 1-based page number
     * @param x distance from the left edge of the page to the box
     * @param y distance from the top edge of the page to the box
     * @param width box width
     * @param height box height
     * @param image the image drawn in the box, if any
     */
    @InternalApi
    public VisibleAppearance {
        image = image == null ? java.util.Optional.empty() : image;
        if (page < 1) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The appearance page " + page + " is not a page",
                    "Pages are numbered from 1.");
        }
        if (x < 0 || y < 0 || width < 36 || height < 18) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The appearance box " + width + "x" + height + " at (" + x + ", " + y + ") is unusable",
                    "Give a non-negative position and a box of at least 36 x 18 points.");
        }
    }

    /**
     * {@return the appearance}
     * @param page the 1-based page number
     * @param x distance in points from the left edge of the page (as displayed) to the box
     * @param y distance in points from the top edge of the page (as displayed) to the box
     * @param width box width in points, at least 36
     * @param height box height in points, at least 18
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for a page below 1, a negative position
     *                                  or a smaller box
     */
    public static VisibleAppearance of(int page, float x, float y, float width, float height) {
        return new VisibleAppearance(page, x, y, width, height, java.util.Optional.empty());
    }

    /**
     * {@return this box with that image}
     * @param image the image to draw in the box with the text (replacing any image this box has), or {@code null}
     *              for none
     */
    public VisibleAppearance withImage(AppearanceImage image) {
        return new VisibleAppearance(page, x, y, width, height, java.util.Optional.ofNullable(image));
    }

    /**
     * {@return this box with that image}
     * @param file a PNG or JPEG file, read now ({@link AppearanceImage#of(java.nio.file.Path)})
     * @throws SignatureEngineException {@link ErrorCode#INVALID_REQUEST} for a file that cannot be read, is not PNG
     *                                  or JPEG, or is larger than {@link AppearanceImage}'s limits
     */
    public VisibleAppearance withImage(java.nio.file.Path file) {
        return withImage(AppearanceImage.of(file));
    }
}
