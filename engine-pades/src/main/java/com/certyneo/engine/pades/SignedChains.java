package com.certyneo.engine.pades;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the output self-checks of an engine's latest signatures resolved of each output's cross-reference chain
 * ({@link IntactChainParser.Prefix}), by the output's SHA-256: when the next signer of an envelope signs exactly
 * that output, it is loaded from what its self-check read, not parsed again section by section (the chain grows
 * with every signature: the 30th B-LTA signature of a document parsed some ninety sections, twice), and its earlier
 * signature dictionaries are taken from what signing read of them ({@link SigningPipeline.EarlierSignature.Facts}).
 *
 * <p>The SHA-256 of the whole input decides, so a document that differs in a single byte is never taken for one
 * of them; the engine hashes its input once anyway (the byte-range digest goes on from that state). Bounded: at
 * most {@link #ENTRIES} outputs and {@link #OBJECTS} objects in all are held, about 20 MB at most, a few kilobytes
 * for the documents of an envelope. Beyond either, the chains used least recently are forgotten first, an eighth
 * of the memo at a time: on an engine that signs for many envelopes at once, the output that the next signer of an
 * envelope signs stays known while outputs nobody signed again are forgotten (the whole memo was dropped at the
 * limit before, so that a busy engine hardly ever found a chain). Thread-safe, without a lock (under concurrent puts
 * the bounds hold within a few entries).
 */
final class SignedChains {
    /**
     * Outputs held at most: enough for the envelopes of a busy engine (a 30-signer B-LTA document lists under 300
     * objects, so {@link #OBJECTS} is reached first with long chains).
     */
    static final int ENTRIES = 1024;
    static final long OBJECTS = 250_000;

    /** A chain, and when it was last stored or found ({@link #clock}'s count). */
    private record Entry(IntactChainParser.Prefix chain, AtomicLong used) {
    }

    private final ConcurrentHashMap<String, Entry> byDigest = new ConcurrentHashMap<>();
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong found = new AtomicLong();
    /** Whether a put is trimming the memo: the others go on (the bounds then hold within a few entries). */
    private final AtomicBoolean trimming = new AtomicBoolean();

    /** @return the chain of the output whose SHA-256 (hex) is {@code sha256} and whose length is {@code length}, or null */
    IntactChainParser.Prefix get(String sha256, long length) {
        Entry entry = byDigest.get(sha256);
        if (entry != null && entry.chain().length() == length) {
            entry.used().set(clock.incrementAndGet());
            found.incrementAndGet();
            return entry.chain();
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
        Entry fresh = new Entry(chain, new AtomicLong(clock.incrementAndGet()));
        Entry replaced = byDigest.put(sha256, fresh);
        objects.addAndGet(chain.objects() - (replaced == null ? 0 : replaced.chain().objects()));
        if ((byDigest.size() > ENTRIES || objects.get() > OBJECTS) && trimming.compareAndSet(false, true)) {
            try {
                trim(fresh);
            } finally {
                trimming.set(false);
            }
        }
    }

    /**
     * Forgets the chains used least recently until at most seven eighths of {@link #ENTRIES} and {@link #OBJECTS}
     * are held, {@code fresh} kept: one scan and sort of the memo for an eighth of its entries (scanning for the single
     * oldest entry at every put cost a full memo about 40 µs a signature).
     */
    private void trim(Entry fresh) {
        record Aged(String key, Entry entry, long used) {
        }
        List<Aged> all = new ArrayList<>(byDigest.size());
        for (Map.Entry<String, Entry> e : byDigest.entrySet()) {
            if (e.getValue() != fresh) {
                all.add(new Aged(e.getKey(), e.getValue(), e.getValue().used().get())); // read once: a get may move it
            }
        }
        all.sort(Comparator.comparingLong(Aged::used));
        for (Aged oldest : all) {
            if (byDigest.size() <= ENTRIES - ENTRIES / 8 && objects.get() <= OBJECTS - OBJECTS / 8) {
                break;
            }
            if (byDigest.remove(oldest.key(), oldest.entry())) {
                objects.addAndGet(-oldest.entry().chain().objects());
            }
        }
    }
}
