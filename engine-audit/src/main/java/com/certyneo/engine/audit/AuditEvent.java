package com.certyneo.engine.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One entry of the envelope's event log. Events are hash-chained in sequence order (see the
 * package documentation). Details are short string facts ({@code "channel": "sms"}); keys that name
 * a secret (an OTP, a code, a password) or an image are refused, so the log cannot carry one.
 *
 * @param sequence the position in the log, from 1, without gaps
 * @param type what happened
 * @param actor who did it: a signer id, the sender's e-mail, or {@code "system"}
 * @param at when it happened (UTC, millisecond precision)
 * @param ip the client IP address (IPv4 or IPv6), if the event came from a client
 * @param userAgent the client user agent, if the event came from a browser
 * @param details further facts, sorted by key
 */
public record AuditEvent(long sequence, EventType type, String actor, Instant at, Optional<String> ip,
                         Optional<String> userAgent, Map<String, String> details) {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_.\\-]{0,63}");
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9]+)?");
    /** The largest sequence number JSON consumers can represent exactly (2^53 - 1). */
    static final long MAX_SEQUENCE = 9_007_199_254_740_991L;

    /**
     * Validates the components and copies the details into an unmodifiable sorted map.
     *
     * @param sequence the position in the log, from 1, without gaps
     * @param type what happened
     * @param actor who did it: a signer id, the sender's e-mail, or {@code "system"}
     * @param at when it happened (UTC, millisecond precision)
     * @param ip the client IP address (IPv4 or IPv6), if the event came from a client
     * @param userAgent the client user agent, if the event came from a browser
     * @param details further facts, sorted by key
     */
    public AuditEvent {
        Checks.require(sequence >= 1 && sequence <= MAX_SEQUENCE, "The event sequence " + sequence + " is out of range",
                "Number events from 1.");
        Checks.require(type != null, "Event " + sequence + " has no type", "Set an EventType.");
        actor = Checks.text(actor, "actor of event " + sequence, 320);
        at = Checks.millis(at, "time of event " + sequence);
        ip = Checks.optionalText(ip, "IP of event " + sequence, 64);
        ip.ifPresent(address -> Checks.require(IP.matcher(address).matches(), "The IP of event " + sequence + " ('"
                + address + "') is not an IPv4 or IPv6 address", "Record the client address as 203.0.113.7 or 2001:db8::7."));
        userAgent = Checks.optionalText(userAgent, "user agent of event " + sequence, 1024);
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : Objects.requireNonNullElse(details, Map.<String, String>of()).entrySet()) {
            String key = e.getKey();
            Checks.require(key != null && KEY.matcher(key).matches(), "The detail key '" + key + "' of event " + sequence
                    + " is not a valid name", "Use lower-case snake_case keys.");
            String value = Checks.text(Objects.requireNonNullElse(e.getValue(), "-"), "detail '" + key + "' of event " + sequence, 2048);
            Secrets.rejectSecret(key, value);
            copy.put(key, value);
        }
        Checks.require(copy.size() <= 64, "Event " + sequence + " has more than 64 details", "Keep details short.");
        details = Collections.unmodifiableMap(copy);
    }
}
