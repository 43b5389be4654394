package com.certyneo.engine.pades;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SHA-256 states a pass takes of a document's prefixes: each stands for exactly its prefix, handed out as copies. */
class PrefixDigestsTest {

    private static final byte[] DOCUMENT = "%PDF-1.7 a document of some length, then an appended revision"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void eachStateIsTheDigestOfItsPrefixAndCopiesAreIndependent() throws Exception {
        MessageDigest fed = Digests.sha256();
        PrefixDigests.Taking taking = new PrefixDigests.Taking(fed);
        fed.update(DOCUMENT, 0, 10);
        taking.take(10);
        fed.update(DOCUMENT, 10, 20);
        taking.take(30);
        PrefixDigests prefixes = taking.result();

        assertTrue(prefixes.knows(10) && prefixes.knows(30) && !prefixes.knows(20));
        assertEquals(Digests.sha256Hex(Arrays.copyOf(DOCUMENT, 10)), prefixes.hex(10).orElseThrow());
        assertEquals(Digests.sha256Hex(Arrays.copyOf(DOCUMENT, 30)), prefixes.hex(30).orElseThrow());
        assertTrue(prefixes.hex(20).isEmpty());

        // The longest prefix within a limit, ready to be fed what follows it; using it changes nothing stored.
        Map.Entry<Long, MessageDigest> within = prefixes.longestWithin(29).orElseThrow();
        assertEquals(10L, within.getKey());
        within.getValue().update(DOCUMENT, 10, DOCUMENT.length - 10);
        assertArrayEquals(Digests.sha256(DOCUMENT), within.getValue().digest());
        Map.Entry<Long, MessageDigest> again = prefixes.longestWithin(DOCUMENT.length).orElseThrow();
        assertEquals(30L, again.getKey());
        again.getValue().update(DOCUMENT, 30, DOCUMENT.length - 30);
        assertArrayEquals(Digests.sha256(DOCUMENT), again.getValue().digest());
        assertEquals(Digests.sha256Hex(Arrays.copyOf(DOCUMENT, 10)), prefixes.hex(10).orElseThrow(), "unchanged");
        assertTrue(prefixes.longestWithin(9).isEmpty());

        // Feeding the digest on after the pass does not move a state taken before.
        fed.update(DOCUMENT, 30, DOCUMENT.length - 30);
        assertEquals(Digests.sha256Hex(Arrays.copyOf(DOCUMENT, 30)), prefixes.hex(30).orElseThrow());
    }

    @Test
    void onlyASha256GivesStates() throws Exception {
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        PrefixDigests.Taking taking = new PrefixDigests.Taking(sha512);
        sha512.update(DOCUMENT);
        taking.take(DOCUMENT.length);
        assertTrue(taking.result().isEmpty(), "a byte range is a SHA-256 here: another digest's state is no use");
        assertFalse(PrefixDigests.none().knows(0));
        assertTrue(PrefixDigests.none().longestWithin(Long.MAX_VALUE).isEmpty());
    }
}
