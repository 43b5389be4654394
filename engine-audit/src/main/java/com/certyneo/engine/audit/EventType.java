package com.certyneo.engine.audit;

import java.util.regex.Pattern;

/**
 * The type of an audit event: one of the well-known types below, or a custom one such as
 * {@code "reminder_sent"} or {@code "csc.authorized"}.
 *
 * @param name lower-case name: a letter, then letters, digits, {@code _ . -} (at most 64 characters)
 */
public record EventType(String name) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.\\-]{0,63}");

    /** The envelope was created. */
    public static final EventType CREATED = new EventType("created");
    /** The envelope was sent to a signer. */
    public static final EventType SENT = new EventType("sent");
    /** A signer opened the document. */
    public static final EventType VIEWED = new EventType("viewed");
    /** A one-time password was sent to a signer (SMS or e-mail). */
    public static final EventType OTP_SENT = new EventType("otp_sent");
    /** A signer entered the right one-time password. */
    public static final EventType OTP_VERIFIED = new EventType("otp_verified");
    /** A signer signed. */
    public static final EventType SIGNED = new EventType("signed");
    /** A signer declined to sign. */
    public static final EventType DECLINED = new EventType("declined");
    /** The envelope expired before completion. */
    public static final EventType EXPIRED = new EventType("expired");
    /** Every signer signed; the envelope is complete. */
    public static final EventType COMPLETED = new EventType("completed");

    /**
     * Validates the name.
     *
     * @param name lower-case name: a letter, then letters, digits, {@code _ . -} (at most 64 characters)
     */
    public EventType {
        Checks.require(name != null && NAME.matcher(name).matches(), "The event type '" + name + "' is not a valid name",
                "Use lower-case letters, digits, '_', '.' or '-', starting with a letter (e.g. reminder_sent).");
    }

    /**
     * {@return the type}
     * @param name a well-known or custom type name
     */
    public static EventType of(String name) {
        return new EventType(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
