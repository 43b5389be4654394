package com.certyneo.engine;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A signature field of a document, as {@link SignatureEngine#fields} lists it.
 *
 * @param name the fully qualified field name
 * @param page the 1-based page of its widget, or empty when it has none on a page
 * @param box its widget's rectangle on that page, in points from the top-left corner of the page as displayed;
 *            empty for an invisible field (no area)
 * @param signed whether it holds a signature (or document time-stamp)
 * @param lock its {@code /Lock}, or empty
 */
public record SignatureFieldInfo(String name, OptionalInt page, Optional<SignatureField.Box> box, boolean signed,
                                 Optional<FieldLock> lock) {

    /**
     * Validates the components.
     *
     * @param name the fully qualified field name
     * @param page the 1-based page of its widget, or empty
     * @param box its widget's rectangle, or empty
     * @param signed whether it holds a signature
     * @param lock its {@code /Lock}, or empty
     */
    @InternalApi
    public SignatureFieldInfo {
        Objects.requireNonNull(name, "name");
        page = Objects.requireNonNullElse(page, OptionalInt.empty());
        box = Objects.requireNonNullElse(box, Optional.empty());
        lock = Objects.requireNonNullElse(lock, Optional.empty());
    }
}
