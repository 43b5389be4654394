/**
 * Evidence of an envelope (who signed what, how they authenticated, every event in a SHA-256 hash
 * chain), its rendering as a sealed PDF/A-3a audit trail with the machine-readable
 * {@code evidence.json} embedded, and an offline verifier for such trails.
 *
 * <p>Entry points: {@link com.certyneo.engine.audit.Evidence#builder()} to collect evidence,
 * {@link com.certyneo.engine.audit.AuditTrail} to render, seal and verify.
 *
 * <p>The hash chain: every event is serialised as a JSON object (the {@code events[]} entries of
 * {@code evidence.json}) <em>without</em> its {@code prev_hash} and {@code hash} members, canonicalised
 * with RFC 8785 (JCS) and hashed as {@code hash_i = SHA-256(UTF-8(JCS(event_i)) || hash_(i-1))}, where
 * {@code hash_(i-1)} is the previous event's 32 raw digest bytes and {@code hash_0} is 32 zero bytes.
 * The chain head is {@code hash_n} in lower-case hex.
 */
package com.certyneo.engine.audit;
