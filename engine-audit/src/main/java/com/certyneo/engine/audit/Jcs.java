package com.certyneo.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme over a Jackson tree: members sorted by their names' UTF-16
 * code units, no insignificant whitespace, strings escaped as ECMAScript's JSON.stringify does.
 *
 * <p>Numbers: the evidence schema only holds integers, so integral values within the exact
 * IEEE-754 range (|n| &lt;= 2^53 - 1, including {@code 1.0}, which JCS writes {@code 1}) are
 * canonicalised; any other number is refused with {@link IllegalArgumentException} rather than
 * risk a serialisation that differs from ECMAScript's.
 */
final class Jcs {

    private static final BigInteger MAX_SAFE = BigInteger.valueOf(AuditEvent.MAX_SEQUENCE);

    private Jcs() {
    }

    static byte[] canonicalize(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    members.add(it.next());
                }
                // String.compareTo compares UTF-16 code units, exactly as RFC 8785 section 3.2.3 requires.
                members.sort(Map.Entry.comparingByKey());
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> member : members) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(member.getKey(), out);
                    out.append(':');
                    write(member.getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("JCS cannot serialise a " + node.getNodeType() + " node");
        }
    }

    private static String number(JsonNode node) {
        BigInteger integer;
        if (node.isIntegralNumber()) {
            integer = node.bigIntegerValue();
        } else {
            BigDecimal decimal = node.decimalValue().stripTrailingZeros();
            if (decimal.scale() > 0) {
                throw new IllegalArgumentException("JCS: non-integer number " + node.asText() + " is not supported here");
            }
            integer = decimal.toBigIntegerExact();
        }
        if (integer.abs().compareTo(MAX_SAFE) > 0) {
            throw new IllegalArgumentException("JCS: number " + integer + " is outside the exact IEEE-754 range");
        }
        return integer.toString();
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new IllegalArgumentException("JCS: lone surrogate in string");
                }
                out.append(c).append(s.charAt(++i));
                continue;
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException("JCS: lone surrogate in string");
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
