package com.certyneo.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * An empty signature field to create with {@link SignatureEngine#prepareFields}, for one recipient to sign
 * later ({@link SignRequest.Builder#field(String)}).
 *
 * @param name the field name (no periods: a top-level field)
 * @param page the 1-based page the field's widget is on
 * @param box where the widget is drawn on that page, or empty for an invisible field
 * @param lock the fields its signature will lock (its {@code /Lock}), or empty
 */
public record SignatureField(String name, int page, Optional<Box> box, Optional<FieldLock> lock) {

    /**
     * A rectangle on a page, in PDF points (1/72 inch), measured from the top-left corner of the page as
     * displayed (as {@link VisibleAppearance}).
     *
     * @param x distance from the left edge of the page to the box
     * @param y distance from the top edge of the page to the box
     * @param width box width
     * @param height box height
     */
    public record Box(float x, float y, float width, float height) {

        /**
         * Validates the components: finite numbers (where the box is on the page is checked against the page).
         *
         * @param x distance from the left edge of the page to the box
         * @param y distance from the top edge of the page to the box
         * @param width box width
         * @param height box height
         */
        public Box {
            if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(width) || !Float.isFinite(height)) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The field box " + width + "x" + height
                        + " at (" + x + ", " + y + ") is not made of numbers", "Give finite numbers in points.");
            }
        }
    }

    /**
     * Validates the components.
     *
     * @param name the field name (no periods: a top-level field)
     * @param page the 1-based page the field's widget is on (whether the document has it is checked against it)
     * @param box where the widget is drawn on that page, or empty for an invisible field
     * @param lock the fields its signature will lock (its {@code /Lock}), or empty
     */
    public SignatureField {
        if (name == null || name.isBlank()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "A signature field has no name",
                    "Name every field, for example --field buyer.");
        }
        name = name.strip();
        if (name.indexOf('.') >= 0) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The signature field name '" + name
                    + "' contains a period", "Name the field without periods (periods separate the parts of a "
                    + "qualified name).");
        }
        box = Objects.requireNonNullElse(box, Optional.empty());
        lock = Objects.requireNonNullElse(lock, Optional.empty());
    }

    /**
     * {@return an invisible field on page 1}
     * @param name the field name
     */
    public static SignatureField invisible(String name) {
        return new SignatureField(name, 1, Optional.empty(), Optional.empty());
    }

    /**
     * {@return a field drawn at that box}
     * @param name the field name
     * @param page the 1-based page
     * @param x distance in points from the left edge of the page (as displayed)
     * @param y distance in points from the top edge of the page (as displayed)
     * @param width box width in points
     * @param height box height in points
     */
    public static SignatureField placed(String name, int page, float x, float y, float width, float height) {
        return new SignatureField(name, page, Optional.of(new Box(x, y, width, height)), Optional.empty());
    }

    /**
     * {@return this field with {@code /Lock}}
     * @param lock the fields the field's signature will lock
     */
    public SignatureField withLock(FieldLock lock) {
        return new SignatureField(name, page, box, Optional.of(lock));
    }

    /**
     * Reads the CLI form {@code NAME[,PAGE,X,Y,W,H]}.
     *
     * @param text e.g. {@code buyer} or {@code buyer,1,50,700,180,60}
     * @return the field
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} when it is not of that form
     */
    public static SignatureField parse(String text) {
        String[] parts = (text == null ? "" : text).split(",", -1);
        if (parts.length == 1) {
            return invisible(parts[0]);
        }
        if (parts.length != 6) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The field '" + text + "' is not NAME or "
                    + "NAME,PAGE,X,Y,W,H", "Give a name alone (an invisible field) or a name, a page and a box in points "
                    + "from the top-left corner, for example buyer,1,50,60,180,60.");
        }
        try {
            return placed(parts[0], Integer.parseInt(parts[1].strip()), Float.parseFloat(parts[2].strip()),
                    Float.parseFloat(parts[3].strip()), Float.parseFloat(parts[4].strip()), Float.parseFloat(parts[5].strip()));
        } catch (NumberFormatException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The field '" + text + "' has a page or box "
                    + "that is not a number", "Give NAME,PAGE,X,Y,W,H with numbers, for example buyer,1,50,60,180,60.");
        }
    }
}
