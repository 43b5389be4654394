package com.certyneo.engine.pades;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the output self-checks of an engine's latest signatures resolved of each output's cross-reference chain
 * ({@link IntactChainParser.Prefix}), by the output's SHA-256: when the next signer of an envelope signs exactly
 * that output, it is loaded from what its self-check read, not parsed again section by section (the chain grows
 * with every signature: the 30th B-LTA signature of a document parsed some ninety sections, twice).
 *
 * <p>The SHA-256 of the whole input decides, so a document that differs in a single byte is never taken for one
 * of them; the engine hashes its input once anyway (the byte-range digest goes on from that state). Bounded: at
 * most {@link #ENTRIES} outputs and {@link #OBJECTS} objects in all are held, and the whole memo is dropped when
 * either is reached (an engine signing many unrelated documents keeps nothing long): about 20 MB at most, a few
 * kilobytes for the documents of an envelope. Thread-safe, without a lock.
 */
final class SignedChains {
    static final int ENTRIES = 64;
    static final long OBJECTS = 250_000;

    private final ConcurrentHashMap<String, IntactChainParser.Prefix> byDigest = new ConcurrentHashMap<>();
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong found = new AtomicLong();

    /** @return the chain of the output whose SHA-256 (hex) is {@code sha256} and whose length is {@code length}, or null */
    IntactChainParser.Prefix get(String sha256, long length) {
        IntactChainParser.Prefix chain = byDigest.get(sha256);
        if (chain != null && chain.length() == length) {
            found.incrementAndGet();
            return chain;
        }
        return null;
    }

    /** Forgets every chain (benchmarks measure the signer whose input is not here). */
    void clear() {
        byDigest.clear();
        objects.set(0);
    }

    /** @return how many inputs were found here (for tests and benchmarks) */
    long found() {
        return found.get();
    }

    /** Remembers the chain an output's self-check read back (its SHA-256 in hex). */
    void put(String sha256, IntactChainParser.Prefix chain) {
        if (chain.objects() > OBJECTS / 4) {
            return; // a document this large is signed rarely enough, and its entry would crowd out the rest
        }
        if (byDigest.size() >= ENTRIES || objects.addAndGet(chain.objects()) > OBJECTS) {
            byDigest.clear();
            objects.set(chain.objects());
        }
        byDigest.put(sha256, chain);
    }
}
