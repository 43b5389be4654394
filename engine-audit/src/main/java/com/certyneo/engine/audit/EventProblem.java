package com.certyneo.engine.audit;

/**
 * An event of the log that failed the hash-chain check.
 *
 * @param sequence the event's sequence number (its position from 1 when the number itself is unreadable)
 * @param reason what is wrong, e.g. "content does not match its hash"
 */
public record EventProblem(long sequence, String reason) {

    /**
     * Validates the reason.
     *
     * @param sequence the event's sequence number (its position from 1 when the number itself is unreadable)
     * @param reason what is wrong, e.g. "content does not match its hash"
     */
    public EventProblem {
        reason = reason == null || reason.isBlank() ? "tampered" : reason;
    }

    @Override
    public String toString() {
        return "event #" + sequence + ": " + reason;
    }
}
