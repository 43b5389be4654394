package com.certyneo.engine.audit;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the audit trail states about one envelope: the envelope, its documents, its signers
 * and the hash-chained event log. Immutable; build it with {@link #builder()}, read it back with
 * {@link #fromJson(byte[])}.
 *
 * <pre>{@code
 * Evidence evidence = Evidence.builder()
 *     .envelope(Envelope.of(id, "Lease", EnvelopeMode.SANDBOX, Party.of("ACME", "legal@acme.test"), created))
 *     .document(DocumentEvidence.describe("lease.pdf", pdf).withSignedSha256(result.outputSha256()))
 *     .signer(SignerEvidence.of("s1", signer, SignatureLevel.AES).withCertificate(result.signingCertificate()))
 *     .event(EventType.CREATED, "legal@acme.test", created)
 *     .event(EventType.SIGNED, "s1", signed, "203.0.113.7", userAgent, Map.of())
 *     .build();
 * }</pre>
 *
 * @param envelope the envelope
 * @param documents its documents (at least one)
 * @param signers its signers, with unique ids
 * @param events the event log (at least one event), numbered 1..n in order
 */
public record Evidence(Envelope envelope, List<DocumentEvidence> documents, List<SignerEvidence> signers,
                       List<AuditEvent> events) {

    /**
     * Validates the components and copies the lists.
     *
     * @param envelope the envelope
     * @param documents its documents (at least one)
     * @param signers its signers, with unique ids
     * @param events the event log (at least one event), numbered 1..n in order
     */
    public Evidence {
        Checks.require(envelope != null, "The evidence has no envelope", "Set the envelope.");
        documents = List.copyOf(Objects.requireNonNullElse(documents, List.of()));
        signers = List.copyOf(Objects.requireNonNullElse(signers, List.of()));
        events = List.copyOf(Objects.requireNonNullElse(events, List.of()));
        Checks.require(!documents.isEmpty(), "The evidence of envelope " + envelope.id() + " has no document",
                "Add at least one DocumentEvidence.");
        Checks.require(!events.isEmpty(), "The evidence of envelope " + envelope.id() + " has no event",
                "Record at least the 'created' event.");
        Set<String> ids = new HashSet<>();
        for (SignerEvidence s : signers) {
            Checks.require(ids.add(s.id()), "Two signers share the id " + s.id(), "Give each signer its own id.");
        }
        for (int i = 0; i < events.size(); i++) {
            long seq = events.get(i).sequence();
            Checks.require(seq == i + 1, "Event at position " + (i + 1) + " has sequence number " + seq,
                    "Number events 1, 2, 3, ... in log order.");
        }
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code evidence.json}. When the file carries hashes they must form an intact chain.
     *
     * @param json the file content
     * @return the evidence
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_EVIDENCE} when the file does not
     *         follow the schema, holds secrets, or its chain is broken (the message names the events)
     */
    public static Evidence fromJson(byte[] json) {
        try {
            return EvidenceJson.read(Objects.requireNonNull(json, "json"));
        } catch (SignatureEngineException e) {
            if (e.code() != ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            // Reading a file is input, not API usage: the same check, reported as bad evidence.
            throw new SignatureEngineException(ErrorCode.INVALID_EVIDENCE, e.getMessage(), e.hint(), e);
        }
    }

    /** {@return {@code evidence.json}: UTF-8, indented, members in a fixed order, with every event's hashes and the chain head} */
    public byte[] toJson() {
        return EvidenceJson.write(this);
    }

    /** {@return the hash chain, one link per event} */
    public List<ChainLink> chain() {
        return HashChain.compute(events);
    }

    /** {@return the chain head: lower-case hex of the last event's hash} */
    public String chainHead() {
        List<ChainLink> chain = chain();
        return chain.get(chain.size() - 1).hash();
    }

    /**
     * {@return the signer with that id}
     * @param id a signer id
     */
    public Optional<SignerEvidence> signer(String id) {
        return signers.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * Collects evidence. Events get their sequence numbers in the order they are added. Not thread-safe.
     */
    public static final class Builder {
        private Envelope envelope;
        private final List<DocumentEvidence> documents = new ArrayList<>();
        private final List<SignerEvidence> signers = new ArrayList<>();
        private final List<AuditEvent> events = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the envelope.
         *
         * @param envelope the envelope
         * @return this
         */
        public Builder envelope(Envelope envelope) {
            this.envelope = envelope;
            return this;
        }

        /**
         * Adds one more document.
         *
         * @param document one more document
         * @return this
         */
        public Builder document(DocumentEvidence document) {
            documents.add(Objects.requireNonNull(document, "document"));
            return this;
        }

        /**
         * Adds one more signer.
         *
         * @param signer one more signer
         * @return this
         */
        public Builder signer(SignerEvidence signer) {
            signers.add(Objects.requireNonNull(signer, "signer"));
            return this;
        }

        /**
         * Appends an event without client data or details.
         *
         * @param type what happened
         * @param actor who did it
         * @param at when
         * @return this
         */
        public Builder event(EventType type, String actor, Instant at) {
            return event(type, actor, at, null, null, Map.of());
        }

        /**
         * Appends an event.
         *
         * @param type what happened
         * @param actor who did it (signer id, sender e-mail or "system")
         * @param at when
         * @param ip the client IP, or {@code null}
         * @param userAgent the client user agent, or {@code null}
         * @param details further facts (never secrets), may be empty
         * @return this
         * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} when a value is invalid or a detail looks like a secret
         */
        public Builder event(EventType type, String actor, Instant at, String ip, String userAgent, Map<String, String> details) {
            events.add(new AuditEvent(events.size() + 1L, type, actor, at, Optional.ofNullable(ip), Optional.ofNullable(userAgent),
                    details));
            return this;
        }

        /** {@return the evidence} */
        public Evidence build() {
            return new Evidence(envelope, documents, signers, events);
        }
    }
}
