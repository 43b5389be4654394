package com.certyneo.engine.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The envelope the evidence is about: one signing transaction with its documents and signers.
 *
 * @param id the envelope identifier (a UUID or any stable id, at most 128 characters)
 * @param title the envelope title shown to signers
 * @param mode production or sandbox
 * @param sender who sent the envelope
 * @param createdAt when the envelope was created (UTC, millisecond precision)
 * @param completedAt when the last signature completed it, if it is complete
 */
public record Envelope(String id, String title, EnvelopeMode mode, Party sender, Instant createdAt,
                       Optional<Instant> completedAt) {

    /**
     * Validates the components and truncates the times to milliseconds.
     *
     * @param id the envelope identifier (a UUID or any stable id, at most 128 characters)
     * @param title the envelope title shown to signers
     * @param mode production or sandbox
     * @param sender who sent the envelope
     * @param createdAt when the envelope was created (UTC, millisecond precision)
     * @param completedAt when the last signature completed it, if it is complete
     */
    public Envelope {
        id = Checks.identifier(id, "envelope id");
        title = Checks.text(title, "envelope title", 512);
        Checks.require(mode != null, "The envelope has no mode", "Set EnvelopeMode.PRODUCTION or SANDBOX.");
        Checks.require(sender != null, "The envelope has no sender", "Set the sender party.");
        createdAt = Checks.millis(createdAt, "envelope createdAt");
        completedAt = Objects.requireNonNullElse(completedAt, Optional.<Instant>empty()).map(t -> Checks.millis(t, "envelope completedAt"));
        if (completedAt.isPresent() && completedAt.get().isBefore(createdAt)) {
            throw Checks.invalid("The envelope completes (" + completedAt.get() + ") before it was created (" + createdAt + ")",
                    "Check the envelope times.");
        }
    }

    /**
     * {@return an envelope that is not complete yet}
     * @param id envelope id
     * @param title title
     * @param mode production or sandbox
     * @param sender sender
     * @param createdAt creation time
     */
    public static Envelope of(String id, String title, EnvelopeMode mode, Party sender, Instant createdAt) {
        return new Envelope(id, title, mode, sender, createdAt, Optional.empty());
    }

    /**
     * {@return a copy completed at {@code time}}
     * @param time completion time
     */
    public Envelope completedAt(Instant time) {
        return new Envelope(id, title, mode, sender, createdAt, Optional.of(time));
    }

    /** {@return whether this is a sandbox envelope} */
    public boolean sandbox() {
        return mode == EnvelopeMode.SANDBOX;
    }
}
