package com.certyneo.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which form fields a signature locks (a FieldMDP transform, ISO 32000-1 §12.8.2.4, or a signature field's
 * {@code /Lock} dictionary, §12.7.4.5): once the signature is made, a later revision that changes a locked field
 * fails it with sub-indication {@link SignatureValidation#FIELD_LOCK_VIOLATED}, and the engine refuses to sign a
 * locked empty signature field ({@link ErrorCode#DOCUMENT_LOCKED}).
 *
 * @param action which fields the lock covers
 * @param fields the fully qualified field names {@code action} refers to (empty for {@link Action#ALL})
 */
public record FieldLock(Action action, List<String> fields) {

    /** Which fields a lock covers. */
    public enum Action {
        /** Every field of the document. */
        ALL,
        /** Only the named fields. */
        INCLUDE,
        /** Every field except the named ones. */
        EXCLUDE
    }

    /**
     * Validates the components.
     *
     * @param action which fields the lock covers
     * @param fields the fully qualified field names {@code action} refers to (empty for {@link Action#ALL})
     */
    public FieldLock {
        Objects.requireNonNull(action, "action");
        fields = fields == null ? List.of() : fields.stream().map(String::strip).filter(f -> !f.isEmpty()).toList();
        if (action == Action.ALL && !fields.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "A lock of all fields names no fields",
                    "Use include:NAMES or exclude:NAMES to name fields.");
        }
        if (action != Action.ALL && fields.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "A lock with " + action.name().toLowerCase(Locale.ROOT)
                    + " names no field", "Name at least one field, for example include:buyer,seller.");
        }
    }

    /** {@return a lock of every field} */
    public static FieldLock all() {
        return new FieldLock(Action.ALL, List.of());
    }

    /**
     * {@return a lock of the named fields}
     * @param fields the fields to lock
     */
    public static FieldLock include(String... fields) {
        return new FieldLock(Action.INCLUDE, Arrays.asList(fields));
    }

    /**
     * {@return a lock of every field but the named ones}
     * @param fields the fields left unlocked
     */
    public static FieldLock exclude(String... fields) {
        return new FieldLock(Action.EXCLUDE, Arrays.asList(fields));
    }

    /**
     * {@return whether this lock covers it}
     * @param field a fully qualified field name
     */
    public boolean covers(String field) {
        return switch (action) {
            case ALL -> true;
            case INCLUDE -> fields.contains(field);
            case EXCLUDE -> !fields.contains(field);
        };
    }

    /**
     * {@return the lock}
     * @param text {@code all}, {@code include:a,b} or {@code exclude:a,b}
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for anything else
     */
    public static FieldLock parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.indexOf(':');
        String head = (colon < 0 ? t : t.substring(0, colon)).toLowerCase(Locale.ROOT);
        List<String> names = colon < 0 ? List.of() : Arrays.asList(t.substring(colon + 1).split(","));
        return switch (head) {
            case "all" -> new FieldLock(Action.ALL, names);
            case "include" -> new FieldLock(Action.INCLUDE, names);
            case "exclude" -> new FieldLock(Action.EXCLUDE, names);
            default -> throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Unknown field lock '" + text + "'",
                    "Use all, include:NAME,NAME or exclude:NAME,NAME.");
        };
    }

    /** @return the CLI spelling, as {@link #parse} reads it */
    @Override
    public String toString() {
        return action == Action.ALL ? "all" : action.name().toLowerCase(Locale.ROOT) + ":" + String.join(",", fields);
    }
}
