package com.certyneo.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence hash chain: {@code hash_i = SHA-256(UTF-8(JCS(event_i without prev_hash and hash)) || hash_(i-1))},
 * {@code hash_0} = 32 zero bytes.
 */
final class HashChain {

    static final String ALGORITHM = "sha-256(jcs-rfc8785(event) || prev_hash); prev_hash of the first event = 32 zero bytes";
    static final String GENESIS_HEX = "0".repeat(64);
    private static final HexFormat HEX = HexFormat.of();

    private HashChain() {
    }

    static byte[] link(JsonNode eventWithoutHashes, byte[] previous) {
        MessageDigest md = Digests.sha256();
        md.update(Jcs.canonicalize(eventWithoutHashes));
        md.update(previous);
        return md.digest();
    }

    static List<ChainLink> compute(List<AuditEvent> events) {
        List<ChainLink> links = new ArrayList<>(events.size());
        byte[] previous = new byte[32];
        for (AuditEvent event : events) {
            byte[] hash = link(EvidenceJson.eventNode(event), previous);
            links.add(new ChainLink(event.sequence(), HEX.formatHex(previous), HEX.formatHex(hash)));
            previous = hash;
        }
        return links;
    }

    /**
     * Checks a parsed {@code events} array as found in a file, localising damage: each event's
     * hash is recomputed over its own content and the <em>stored</em> hash of its predecessor, so a
     * changed event is named by its own sequence number; broken links and sequence gaps are named too.
     */
    static Verification verify(JsonNode events, Optional<String> declaredHead) {
        Map<Long, String> problems = new LinkedHashMap<>();
        if (events == null || !events.isArray() || events.isEmpty()) {
            return new Verification(List.of(new EventProblem(0, "the evidence has no events array")), GENESIS_HEX, declaredHead, 0);
        }
        byte[] trueChain = new byte[32];
        String previousStored = GENESIS_HEX;
        long expected = 1;
        for (int i = 0; i < events.size(); i++) {
            JsonNode node = events.get(i);
            long seq = node.path("seq").canConvertToExactIntegral() ? node.path("seq").asLong() : i + 1L;
            if (!node.isObject()) {
                problems.merge(seq, "is not a JSON object", HashChain::join);
                continue;
            }
            if (!node.path("seq").canConvertToExactIntegral() || node.path("seq").asLong() != expected) {
                problems.merge(seq, "has sequence number " + node.path("seq") + " where " + expected
                        + " was expected (an event was removed, inserted or reordered)", HashChain::join);
            }
            expected = seq + 1;
            String storedPrev = node.path("prev_hash").asText("");
            String storedHash = node.path("hash").asText("");
            if (!storedPrev.equals(previousStored)) {
                problems.merge(seq, "prev_hash does not link to the previous event's hash", HashChain::join);
            }
            ObjectNode content = ((ObjectNode) node).deepCopy();
            content.remove("prev_hash");
            content.remove("hash");
            byte[] recomputed;
            try {
                byte[] previous = storedPrev.matches("[0-9a-f]{64}") ? HEX.parseHex(storedPrev) : HEX.parseHex(previousStored);
                recomputed = link(content, previous);
                trueChain = link(content, trueChain);
            } catch (IllegalArgumentException e) {
                problems.merge(seq, "cannot be canonicalised (" + e.getMessage() + ")", HashChain::join);
                previousStored = storedHash;
                continue;
            }
            if (!HEX.formatHex(recomputed).equals(storedHash)) {
                problems.merge(seq, storedHash.matches("[0-9a-f]{64}") ? "content does not match its hash"
                        : "has no valid hash", HashChain::join);
            }
            previousStored = storedHash;
        }
        String head = HEX.formatHex(trueChain);
        List<EventProblem> list = new ArrayList<>();
        problems.forEach((seq, reason) -> list.add(new EventProblem(seq, reason)));
        return new Verification(List.copyOf(list), head, declaredHead, events.size());
    }

    private static String join(String a, String b) {
        return a + "; " + b;
    }

    /**
     * @param problems damaged events, in log order
     * @param recomputedHead the head recomputed from the events' contents alone
     * @param declaredHead the head the file declares ({@code chain.head}), if any
     * @param length the number of events
     */
    record Verification(List<EventProblem> problems, String recomputedHead, Optional<String> declaredHead, int length) {
        boolean intact() {
            return problems.isEmpty() && declaredHead.map(recomputedHead::equals).orElse(true);
        }
    }
}
