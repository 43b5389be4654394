package com.certyneo.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * The password of an encrypted PDF (ISO 32000-1 §7.6.3: the user password, or the owner password), for
 * {@link SignRequest.Builder#password(char[])} and {@link ValidationOptions#withPassword(char[])}.
 *
 * <p>It holds its own copy of the characters: the caller may clear the array it passed as soon as the request is
 * built. {@link #destroy()} clears the copy (a request or options object that carries a destroyed password then
 * opens the document as if it had none). The password never appears in {@link #toString()}, in logs or in error
 * messages. Thread-safe.
 */
public final class DocumentPassword {

    private final char[] chars;
    private volatile boolean destroyed;

    private DocumentPassword(char[] chars) {
        this.chars = chars;
    }

    /**
     * {@return a password holding a copy of {@code password}}
     * @param password the password (copied; may be empty)
     */
    public static DocumentPassword of(char[] password) {
        Objects.requireNonNull(password, "password");
        return new DocumentPassword(password.clone());
    }

    /**
     * {@return a copy of the characters (the caller clears it after use)}
     * @throws IllegalStateException when the password has been destroyed
     */
    public char[] toCharArray() {
        synchronized (chars) {
            if (destroyed) {
                throw new IllegalStateException("the document password has been destroyed");
            }
            return chars.clone();
        }
    }

    /** Clears the characters; the password can no longer be used. */
    public void destroy() {
        synchronized (chars) {
            Arrays.fill(chars, '\0');
            destroyed = true;
        }
    }

    /** {@return whether {@link #destroy()} has run} */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** @return a fixed text that never reveals the password */
    @Override
    public String toString() {
        return destroyed ? "DocumentPassword[destroyed]" : "DocumentPassword[***]";
    }
}
