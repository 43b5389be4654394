package com.certyneo.engine.audit;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps secrets and identity images out of the evidence. Event detail keys whose words name a
 * secret (otp, code, pin, password, secret, ...) are refused unless another word makes them a
 * reference or a digest ({@code otp_hmac}, {@code otp_attempts}, {@code country_code});
 * values that are data URIs or large base64 blobs (images) are refused everywhere.
 */
final class Secrets {

    private static final Set<String> SECRET_WORDS = Set.of("otp", "totp", "hotp", "code", "pin", "password", "passwd",
            "passcode", "secret", "tan", "cvv", "cvc", "pwd", "credential", "credentials", "sad", "token");
    private static final Set<String> IMAGE_WORDS = Set.of("image", "img", "photo", "picture", "selfie", "scan", "portrait",
            "face", "video", "biometric", "biometrics");
    /** Words that turn a sensitive word into metadata about it. */
    private static final Set<String> SAFE_WORDS = Set.of("hmac", "sha256", "sha512", "digest", "hash", "id", "ref",
            "reference", "attempt", "attempts", "count", "length", "status", "result", "channel", "provider", "expires",
            "expiry", "sent", "verified", "country", "language", "lang", "error", "reason", "type", "method", "vault",
            "format", "outcome", "delivery", "template");
    /** For image-like keys only digests and references make them safe ("id" there means identity, as in id_document_image). */
    private static final Set<String> IMAGE_SAFE_WORDS = Set.of("hmac", "sha256", "sha512", "digest", "hash", "ref", "reference",
            "vault", "status", "result", "outcome", "provider", "count", "type", "format");
    /** Words under which a bare number is legitimate (an id, a count, a time), not an OTP. */
    private static final Set<String> NUMERIC_WORDS = Set.of("hmac", "sha256", "sha512", "digest", "hash", "id", "ref",
            "reference", "attempt", "attempts", "count", "length", "expires", "expiry", "at", "time", "error", "status");
    private static final Pattern WORD_SPLIT = Pattern.compile("[_.\\-]+|(?<=[a-z])(?=[A-Z])");
    private static final Pattern OTP_VALUE = Pattern.compile("\\s*\\d{4,10}\\s*");
    private static final Pattern BASE64_BLOB = Pattern.compile("[A-Za-z0-9+/=\\r\\n]{512,}");

    private Secrets() {
    }

    /**
     * @param key an event detail key
     * @param value its value
     * @throws com.certyneo.engine.SignatureEngineException INVALID_REQUEST when either looks like a secret or an image
     */
    static void rejectSecret(String key, String value) {
        String[] words = WORD_SPLIT.split(key);
        boolean secret = false;
        boolean image = false;
        boolean safe = false;
        boolean imageSafe = false;
        boolean numeric = false;
        for (String w : words) {
            String word = w.toLowerCase(Locale.ROOT);
            secret |= SECRET_WORDS.contains(word);
            image |= IMAGE_WORDS.contains(word);
            safe |= SAFE_WORDS.contains(word);
            imageSafe |= IMAGE_SAFE_WORDS.contains(word);
            numeric |= NUMERIC_WORDS.contains(word);
        }
        if (secret && !safe || image && !imageSafe) {
            throw Checks.invalid("The event detail '" + key + "' looks like " + (secret ? "a secret (OTP, code, password)"
                            : "an identity image") + "; evidence never holds one",
                    "Record a reference or digest instead, e.g. '" + key + "_hmac' or '" + key + "_ref'.");
        }
        if (secret && !numeric && OTP_VALUE.matcher(value).matches()) {
            throw Checks.invalid("The event detail '" + key + "' holds a value shaped like a one-time password",
                    "Never put the OTP itself in the evidence; record its HMAC under a key ending in _hmac.");
        }
        rejectSecretLookingValue(key, value);
    }

    /** Refuses data URIs and base64 blobs (embedded images or files). */
    static void rejectSecretLookingValue(String key, String value) {
        String v = value.strip();
        if (v.regionMatches(true, 0, "data:", 0, 5) || BASE64_BLOB.matcher(v).matches()) {
            throw Checks.invalid("The value of '" + key + "' looks like embedded binary data (an image or file)",
                    "Store the file elsewhere and record its SHA-256 and a reference.");
        }
    }
}
