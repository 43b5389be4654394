package com.certyneo.engine.audit;

/**
 * One link of the evidence hash chain.
 *
 * @param sequence the event's sequence number
 * @param previousHash lower-case hex of {@code hash_(i-1)} (64 zeros for the first event)
 * @param hash lower-case hex of {@code hash_i = SHA-256(JCS(event_i) || hash_(i-1))}
 */
public record ChainLink(long sequence, String previousHash, String hash) {

    /**
     * Validates the components.
     *
     * @param sequence the event's sequence number
     * @param previousHash lower-case hex of {@code hash_(i-1)} (64 zeros for the first event)
     * @param hash lower-case hex of {@code hash_i = SHA-256(JCS(event_i) || hash_(i-1))}
     */
    public ChainLink {
        previousHash = Checks.sha256Hex(previousHash, "previous hash");
        hash = Checks.sha256Hex(hash, "hash");
    }
}
