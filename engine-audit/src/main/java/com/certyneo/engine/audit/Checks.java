package com.certyneo.engine.audit;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation helpers for the evidence records; every failure is an INVALID_REQUEST. */
final class Checks {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    private Checks() {
    }

    static SignatureEngineException invalid(String message, String hint) {
        return new SignatureEngineException(ErrorCode.INVALID_REQUEST, message, hint);
    }

    static void require(boolean condition, String message, String hint) {
        if (!condition) {
            throw invalid(message, hint);
        }
    }

    /** A non-blank, stripped single-paragraph text without control characters other than newlines and tabs. */
    static String text(String value, String what, int maxLength) {
        require(value != null && !value.isBlank(), "The " + what + " is empty", "Give a non-empty " + what + ".");
        String v = value.strip();
        require(v.length() <= maxLength, "The " + what + " is longer than " + maxLength + " characters",
                "Shorten the " + what + ".");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\t') {
                throw invalid("The " + what + " contains the control character U+" + String.format("%04X", (int) c),
                        "Remove control characters from the " + what + ".");
            }
        }
        return v;
    }

    static Optional<String> optionalText(Optional<String> value, String what, int maxLength) {
        Optional<String> v = Objects.requireNonNullElse(value, Optional.<String>empty());
        return v.filter(s -> !s.isBlank()).map(s -> text(s, what, maxLength));
    }

    static String identifier(String value, String what) {
        require(value != null && IDENTIFIER.matcher(value).matches(), "The " + what + " '" + value + "' is not a valid identifier",
                "Use 1-128 characters from A-Z a-z 0-9 . _ : @ - starting with a letter or digit.");
        return value;
    }

    static String sha256Hex(String value, String what) {
        require(value != null && HEX64.matcher(value).matches(), "The " + what + " is not a lower-case hex SHA-256 (64 characters)",
                "Give the digest as 64 lower-case hex characters.");
        return value;
    }

    static Optional<String> optionalSha256Hex(Optional<String> value, String what) {
        return Objects.requireNonNullElse(value, Optional.<String>empty()).map(v -> sha256Hex(v, what));
    }

    static Instant millis(Instant value, String what) {
        require(value != null, "The " + what + " is missing", "Set the " + what + ".");
        return value.truncatedTo(ChronoUnit.MILLIS);
    }
}
