package com.certyneo.engine.pades;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * SHA-256 states of a document's first bytes, taken by the one pass that hashes and copies them (the signing
 * pipeline writing its input into the output, {@link RevisionWriter.Revision#writeHead}). An incremental update
 * leaves those bytes as they were, so the output self-check and the result's fingerprints go on from a state
 * instead of reading and hashing the whole input again: with them, signing a 20 MB file hashes it once, as the
 * byte-range digest needs, not three times.
 *
 * <p>Immutable; every state handed out is a copy. Empty when the digest could not be copied (a provider whose
 * {@code MessageDigest} is not {@link Cloneable}): every user then reads and hashes the bytes itself, as before.
 */
final class PrefixDigests {
    private static final PrefixDigests NONE = new PrefixDigests(new TreeMap<>());

    private final TreeMap<Long, MessageDigest> states;

    private PrefixDigests(TreeMap<Long, MessageDigest> states) {
        this.states = states;
    }

    /** @return no known prefix */
    static PrefixDigests none() {
        return NONE;
    }

    /**
     * @param length how many bytes {@code state} was fed
     * @param state  a SHA-256 fed a document's first {@code length} bytes (copied)
     * @return that one known prefix, or none when the state cannot be copied
     */
    static PrefixDigests of(long length, MessageDigest state) {
        MessageDigest copy = copy(state);
        if (copy == null) {
            return NONE;
        }
        TreeMap<Long, MessageDigest> states = new TreeMap<>();
        states.put(length, copy);
        return new PrefixDigests(states);
    }

    /** @return whether no prefix is known */
    boolean isEmpty() {
        return states.isEmpty();
    }

    /**
     * @param limit an offset into the document
     * @return the longest known prefix of at most {@code limit} bytes: its length and a copy of its SHA-256 state,
     *         ready to be fed the bytes that follow it
     */
    Optional<Map.Entry<Long, MessageDigest>> longestWithin(long limit) {
        Map.Entry<Long, MessageDigest> entry = states.floorEntry(limit);
        if (entry == null) {
            return Optional.empty();
        }
        MessageDigest copy = copy(entry.getValue());
        return copy == null ? Optional.empty() : Optional.of(Map.entry(entry.getKey(), copy));
    }

    /** @return the SHA-256 (hex) of the first {@code length} bytes, when that prefix is known */
    Optional<String> hex(long length) {
        MessageDigest state = states.get(length);
        MessageDigest copy = state == null ? null : copy(state);
        return copy == null ? Optional.empty() : Optional.of(HexFormat.of().formatHex(copy.digest()));
    }

    /** @return whether the SHA-256 of the first {@code length} bytes is known */
    boolean knows(long length) {
        return states.containsKey(length);
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            return null;
        }
    }

    /**
     * Takes the states of a SHA-256 digest being fed a document from its first byte on, at the offsets the feeder
     * says it has reached. Not thread-safe (one feeder).
     */
    static final class Taking {
        private final MessageDigest digest;
        private final TreeMap<Long, MessageDigest> taken = new TreeMap<>();
        private boolean copyable;

        /** @param digest the digest being fed from offset 0; only a SHA-256 gives states */
        Taking(MessageDigest digest) {
            this.digest = digest;
            this.copyable = OutputSelfCheck.isSha256(digest);
        }

        /** @param offset how many bytes {@code digest} has been fed: its state now is that of the prefix */
        void take(long offset) {
            if (!copyable || taken.containsKey(offset)) {
                return;
            }
            MessageDigest copy = copy(digest);
            if (copy == null) {
                copyable = false;
                taken.clear();
                return;
            }
            taken.put(offset, copy);
        }

        PrefixDigests result() {
            return taken.isEmpty() ? NONE : new PrefixDigests(new TreeMap<>(taken));
        }
    }
}
