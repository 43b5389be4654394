package com.certyneo.engine.audit;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.SignatureLevel;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code evidence.json} (schema {@value #SCHEMA}). Writing is deterministic; reading
 * is strict: unknown members, duplicate members and non-canonical times are refused, so that a
 * parsed-and-rewritten file hashes exactly as the original.
 */
final class EvidenceJson {

    static final String SCHEMA = "certyneo.evidence/1";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern TIME_SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private EvidenceJson() {
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    // ---------------------------------------------------------------- writing

    static byte[] write(Evidence evidence) {
        ObjectNode root = F.objectNode();
        root.put("schema", SCHEMA);
        Envelope env = evidence.envelope();
        ObjectNode envelope = root.putObject("envelope");
        envelope.put("id", env.id());
        envelope.put("title", env.title());
        envelope.put("mode", env.mode().name());
        ObjectNode sender = envelope.putObject("sender");
        sender.put("name", env.sender().name());
        sender.put("email", env.sender().email());
        env.sender().organization().ifPresent(o -> sender.put("organization", o));
        envelope.put("created_at", time(env.createdAt()));
        env.completedAt().ifPresent(t -> envelope.put("completed_at", time(t)));

        ArrayNode documents = root.putArray("documents");
        for (DocumentEvidence d : evidence.documents()) {
            ObjectNode doc = documents.addObject();
            doc.put("name", d.name());
            doc.put("pages", d.pages());
            doc.put("size", d.size());
            doc.put("sha256_original", d.originalSha256());
            d.preparedSha256().ifPresent(h -> doc.put("sha256_prepared", h));
            d.signedSha256().ifPresent(h -> doc.put("sha256_signed", h));
        }

        ArrayNode signers = root.putArray("signers");
        for (SignerEvidence s : evidence.signers()) {
            ObjectNode signer = signers.addObject();
            signer.put("id", s.id());
            signer.put("name", s.name());
            signer.put("email", s.email());
            s.maskedPhone().ifPresent(p -> signer.put("phone_masked", p));
            signer.put("level", s.level().name());
            ArrayNode auths = signer.putArray("authentications");
            for (AuthenticationRecord a : s.authentications()) {
                ObjectNode auth = auths.addObject();
                auth.put("method", a.method().name());
                auth.put("result", a.result().name());
                auth.put("at", time(a.at()));
                a.provider().ifPresent(p -> auth.put("provider", p));
                a.reference().ifPresent(r -> auth.put("reference", r));
            }
            s.certificate().ifPresent(c -> {
                ObjectNode cert = signer.putObject("certificate");
                cert.put("serial", c.serialNumber());
                cert.put("sha256", c.sha256());
                cert.put("subject", c.subject());
                cert.put("issuer", c.issuer());
                cert.put("not_before", time(c.notBefore()));
                cert.put("not_after", time(c.notAfter()));
            });
        }

        ArrayNode events = root.putArray("events");
        List<ChainLink> links = evidence.chain();
        for (int i = 0; i < evidence.events().size(); i++) {
            ObjectNode event = eventNode(evidence.events().get(i));
            event.put("prev_hash", links.get(i).previousHash());
            event.put("hash", links.get(i).hash());
            events.add(event);
        }
        ObjectNode chain = root.putObject("chain");
        chain.put("algorithm", HashChain.ALGORITHM);
        chain.put("genesis", HashChain.GENESIS_HEX);
        chain.put("length", links.size());
        chain.put("head", links.get(links.size() - 1).hash());
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise evidence", e);
        }
    }

    /** The event as hashed: every member except {@code prev_hash} and {@code hash}. */
    static ObjectNode eventNode(AuditEvent e) {
        ObjectNode event = F.objectNode();
        event.put("seq", e.sequence());
        event.put("type", e.type().name());
        event.put("actor", e.actor());
        event.put("at", time(e.at()));
        e.ip().ifPresent(ip -> event.put("ip", ip));
        e.userAgent().ifPresent(ua -> event.put("user_agent", ua));
        ObjectNode details = event.putObject("details");
        e.details().forEach(details::put);
        return event;
    }

    // ---------------------------------------------------------------- reading

    static JsonNode tree(byte[] json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw Checks.invalid("evidence.json is not a JSON object", "Pass an evidence file written by Evidence.toJson().");
            }
            return root;
        } catch (IOException e) {
            throw Checks.invalid("evidence.json is not valid JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
                    "Pass an evidence file written by Evidence.toJson().");
        }
    }

    static Evidence read(byte[] json) {
        JsonNode root = tree(json);
        only(root, "evidence", Set.of("schema", "envelope", "documents", "signers", "events", "chain"));
        String schema = text(root, "schema", "evidence");
        Checks.require(SCHEMA.equals(schema), "Unsupported evidence schema '" + schema + "'", "This engine reads " + SCHEMA + ".");

        JsonNode env = object(root, "envelope", "evidence");
        only(env, "envelope", Set.of("id", "title", "mode", "sender", "created_at", "completed_at"));
        JsonNode snd = object(env, "sender", "envelope");
        only(snd, "sender", Set.of("name", "email", "organization"));
        Party sender = new Party(text(snd, "name", "sender"), text(snd, "email", "sender"), optText(snd, "organization"));
        Envelope envelope = new Envelope(text(env, "id", "envelope"), text(env, "title", "envelope"),
                enumValue(EnvelopeMode.class, text(env, "mode", "envelope"), "envelope mode"), sender,
                instant(env, "created_at", "envelope"), optText(env, "completed_at").map(t -> parseTime(t, "envelope completed_at")));

        List<DocumentEvidence> documents = new ArrayList<>();
        for (JsonNode d : array(root, "documents", "evidence")) {
            only(d, "document", Set.of("name", "pages", "size", "sha256_original", "sha256_prepared", "sha256_signed"));
            documents.add(new DocumentEvidence(text(d, "name", "document"), (int) integer(d, "pages", "document"),
                    integer(d, "size", "document"), text(d, "sha256_original", "document"), optText(d, "sha256_prepared"),
                    optText(d, "sha256_signed")));
        }

        List<SignerEvidence> signers = new ArrayList<>();
        for (JsonNode s : array(root, "signers", "evidence")) {
            only(s, "signer", Set.of("id", "name", "email", "phone_masked", "level", "authentications", "certificate"));
            List<AuthenticationRecord> auths = new ArrayList<>();
            for (JsonNode a : array(s, "authentications", "signer")) {
                only(a, "authentication", Set.of("method", "result", "at", "provider", "reference"));
                auths.add(new AuthenticationRecord(enumValue(AuthenticationMethod.class, text(a, "method", "authentication"), "authentication method"),
                        enumValue(AuthenticationResult.class, text(a, "result", "authentication"), "authentication result"),
                        instant(a, "at", "authentication"), optText(a, "provider"), optText(a, "reference")));
            }
            Optional<CertificateEvidence> certificate = Optional.empty();
            if (s.has("certificate")) {
                JsonNode c = object(s, "certificate", "signer");
                only(c, "certificate", Set.of("serial", "sha256", "subject", "issuer", "not_before", "not_after"));
                certificate = Optional.of(new CertificateEvidence(text(c, "serial", "certificate"), text(c, "sha256", "certificate"),
                        text(c, "subject", "certificate"), text(c, "issuer", "certificate"), instant(c, "not_before", "certificate"),
                        instant(c, "not_after", "certificate")));
            }
            signers.add(new SignerEvidence(text(s, "id", "signer"), text(s, "name", "signer"), text(s, "email", "signer"),
                    optText(s, "phone_masked"), enumValue(SignatureLevel.class, text(s, "level", "signer"), "signer level"),
                    auths, certificate));
        }

        List<AuditEvent> events = new ArrayList<>();
        boolean hashed = false;
        for (JsonNode e : array(root, "events", "evidence")) {
            only(e, "event", Set.of("seq", "type", "actor", "at", "ip", "user_agent", "details", "prev_hash", "hash"));
            hashed |= e.has("hash") || e.has("prev_hash");
            Map<String, String> details = new LinkedHashMap<>();
            if (e.has("details")) {
                JsonNode dn = object(e, "details", "event");
                for (Iterator<Map.Entry<String, JsonNode>> it = dn.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    Checks.require(entry.getValue().isTextual(), "Event detail '" + entry.getKey() + "' is not a string",
                            "Event details are strings.");
                    details.put(entry.getKey(), entry.getValue().textValue());
                }
            }
            events.add(new AuditEvent(integer(e, "seq", "event"), EventType.of(text(e, "type", "event")), text(e, "actor", "event"),
                    instant(e, "at", "event"), optText(e, "ip"), optText(e, "user_agent"), details));
        }
        Evidence evidence = new Evidence(envelope, documents, signers, events);
        if (hashed || root.has("chain")) {
            HashChain.Verification v = HashChain.verify(root.get("events"), Optional.ofNullable(root.path("chain").get("head")).map(JsonNode::asText));
            if (!v.intact()) {
                String which = v.problems().isEmpty() ? "the declared chain head does not match the events"
                        : v.problems().stream().map(EventProblem::toString).reduce((a, b) -> a + "; " + b).orElse("");
                throw Checks.invalid("The evidence hash chain is broken: " + which,
                        "The event log was altered after it was chained; use the original evidence.");
            }
            // The events parse strictly and canonical times round-trip, so the model's chain equals the file's.
            Checks.require(evidence.chainHead().equals(v.recomputedHead()), "The evidence events are not in canonical form",
                    "Write evidence with Evidence.toJson().");
        }
        return evidence;
    }

    private static void only(JsonNode node, String what, Set<String> allowed) {
        Checks.require(node.isObject(), "The " + what + " is not a JSON object", "Check the evidence structure.");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            Checks.require(allowed.contains(name), "Unknown member '" + name + "' in " + what,
                    "Evidence schema " + SCHEMA + " allows only " + allowed + " there.");
        }
    }

    private static JsonNode object(JsonNode node, String name, String what) {
        JsonNode v = node.get(name);
        Checks.require(v != null && v.isObject(), "The " + what + " has no '" + name + "' object", "Add it.");
        return v;
    }

    private static JsonNode array(JsonNode node, String name, String what) {
        JsonNode v = node.get(name);
        Checks.require(v != null && v.isArray(), "The " + what + " has no '" + name + "' array", "Add it (it may be empty).");
        return v;
    }

    private static String text(JsonNode node, String name, String what) {
        JsonNode v = node.get(name);
        Checks.require(v != null && v.isTextual(), "The " + what + " has no string '" + name + "'", "Add it.");
        return v.textValue();
    }

    private static Optional<String> optText(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            return Optional.empty();
        }
        Checks.require(v.isTextual(), "'" + name + "' is not a string", "Write it as a JSON string.");
        return Optional.of(v.textValue());
    }

    private static long integer(JsonNode node, String name, String what) {
        JsonNode v = node.get(name);
        Checks.require(v != null && v.isIntegralNumber() && v.canConvertToLong(), "The " + what + " has no integer '" + name + "'",
                "Add it as a JSON integer.");
        return v.longValue();
    }

    private static Instant instant(JsonNode node, String name, String what) {
        return parseTime(text(node, name, what), what + " " + name);
    }

    private static Instant parseTime(String text, String what) {
        Checks.require(TIME_SHAPE.matcher(text).matches(), "The " + what + " '" + text + "' is not a UTC time with milliseconds",
                "Write times as 2025-01-31T09:15:00.000Z.");
        return Instant.parse(text);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String what) {
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw Checks.invalid("Unknown " + what + " '" + text + "'", "Use one of " + java.util.Arrays.toString(type.getEnumConstants()) + ".");
        }
    }
}
