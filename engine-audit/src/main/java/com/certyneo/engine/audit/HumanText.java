package com.certyneo.engine.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the audit trail says things to a person: event labels in words, phone numbers and e-mail
 * addresses masked for display, digests in groups of four characters. Only the printed pages use
 * this; {@code evidence.json} keeps what the evidence holds, unchanged.
 */
final class HumanText {

    /** A bullet for hidden characters of a masked value. */
    static final char HIDDEN = '\u2022';
    /** A no-break space: keeps a masked phone number on one line. */
    static final char NBSP = '\u00a0';
    /** Characters per digest group. */
    static final int GROUP = 4;

    private static final Map<String, String> WORDS = Map.ofEntries(Map.entry("otp", "OTP"), Map.entry("sms", "SMS"),
            Map.entry("csc", "CSC"), Map.entry("kyc", "KYC"), Map.entry("id", "ID"), Map.entry("ip", "IP"),
            Map.entry("pdf", "PDF"), Map.entry("tsa", "TSA"), Map.entry("ocsp", "OCSP"), Map.entry("crl", "CRL"),
            Map.entry("url", "URL"), Map.entry("api", "API"), Map.entry("qes", "QES"), Map.entry("aes", "AES"),
            Map.entry("ses", "SES"), Map.entry("sha256", "SHA-256"), Map.entry("sha512", "SHA-512"), Map.entry("hmac", "HMAC"),
            Map.entry("pades", "PAdES"), Map.entry("ltv", "LTV"), Map.entry("email", "e-mail"), Map.entry("uri", "URI"));
    private static final Pattern SEPARATORS = Pattern.compile("[_.\\-]+");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_\\-]{16,}={0,2}");
    private static final Pattern EMAIL = Pattern.compile("([^@\\s]+)@([^@\\s]+\\.[^@\\s]+)");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9*][0-9*() .\\-]{5,23}");
    private static final Set<String> PHONE_WORDS = Set.of("phone", "mobile", "msisdn", "tel", "telephone", "sms");
    private static final Set<String> DIGEST_WORDS = Set.of("sha256", "sha512", "sha1", "digest", "hash", "hmac", "sha");

    private HumanText() {
    }

    /**
     * @param event an event of the evidence
     * @param evidence the evidence it belongs to (for the signer's requested level)
     * @return what happened, in words: {@code "OTP sent to +33 •• •• •• 78"}, {@code "Signed (AES, PAdES B-LT)"}
     */
    static String label(AuditEvent event, Evidence evidence) {
        Map<String, String> d = event.details();
        String type = event.type().name();
        return switch (type) {
            case "created" -> "Envelope created";
            case "sent" -> "Sent for signature";
            case "viewed" -> "Document viewed";
            case "otp_sent" -> otpSent(d);
            case "otp_verified" -> "OTP verified";
            case "signed" -> signed(event, evidence);
            case "declined" -> "Declined to sign";
            case "expired" -> "Envelope expired";
            case "completed" -> "Envelope completed";
            default -> words(type);
        };
    }

    private static String otpSent(Map<String, String> d) {
        String to = d.get("to");
        if (to != null && !to.isBlank() && !"-".equals(to.strip())) {
            return "OTP sent to " + maskForDisplay("to", to);
        }
        String channel = d.get("channel");
        if ("sms".equalsIgnoreCase(channel)) {
            return "OTP sent by SMS";
        }
        if ("email".equalsIgnoreCase(channel) || "e-mail".equalsIgnoreCase(channel)) {
            return "OTP sent by e-mail";
        }
        return "OTP sent";
    }

    private static String signed(AuditEvent event, Evidence evidence) {
        List<String> parts = new ArrayList<>();
        Optional<String> level = Optional.ofNullable(event.details().get("level"))
                .or(() -> evidence.signer(event.actor()).map(s -> s.level().label()));
        level.ifPresent(parts::add);
        Optional.ofNullable(event.details().get("profile")).ifPresent(p -> parts.add("PAdES " + p));
        return parts.isEmpty() ? "Signed" : "Signed (" + String.join(", ", parts) + ")";
    }

    /**
     * @param name a type or key name such as {@code otp_failed} or {@code csc.authorized}
     * @return it in words, first letter capitalised, known acronyms in capitals: {@code "OTP failed"}
     */
    static String words(String name) {
        StringBuilder b = new StringBuilder();
        for (String w : SEPARATORS.split(name)) {
            if (w.isEmpty()) {
                continue;
            }
            String word = WORDS.getOrDefault(w.toLowerCase(Locale.ROOT), w);
            if (b.length() == 0 && word.equals(w) && Character.isLowerCase(word.charAt(0))) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            } else if (b.length() == 0 && word.startsWith("e-mail")) {
                word = "E-mail";
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(word);
        }
        return b.length() == 0 ? name : b.toString();
    }

    /**
     * @param key a detail key
     * @param value its value
     * @return the value as printed: phone numbers and e-mail addresses masked, anything else as is
     */
    static String maskForDisplay(String key, String value) {
        String v = value.strip();
        if (EMAIL.matcher(v).matches()) {
            return maskEmail(v);
        }
        if (isPhone(key, v)) {
            return phone(v);
        }
        return value;
    }

    /**
     * A phone number is a value already masked ({@code +33******78}), an international number under the
     * key {@code to} (where an OTP went), or a number under a key naming a phone ({@code phone},
     * {@code mobile_number}, {@code sms_to}); a date or a count under another key is left alone.
     */
    private static boolean isPhone(String key, String v) {
        if (!PHONE.matcher(v).matches()) {
            return false;
        }
        long digits = v.chars().filter(c -> Character.isDigit(c) || c == '*').count();
        if (digits < 6) {
            return false;
        }
        if (v.indexOf('*') >= 0) {
            return true;
        }
        boolean phoneKey = false;
        for (String w : SEPARATORS.split(key.toLowerCase(Locale.ROOT))) {
            phoneKey |= PHONE_WORDS.contains(w);
        }
        return v.startsWith("+") && ("to".equalsIgnoreCase(key) || phoneKey) || phoneKey && digits >= 8;
    }

    /**
     * Prints a phone number masked, in groups: a stored mask {@code +33******78} (or a full number,
     * masked first with {@link SignerEvidence#maskPhone(String)}) becomes {@code +33 •• •• •• 78}, with
     * no-break spaces so it never splits across lines.
     *
     * @param phone a masked or full phone number
     * @return the display form
     */
    static String phone(String phone) {
        String masked = phone.indexOf('*') >= 0 ? phone.replaceAll("[^0-9*+]", "") : SignerEvidence.maskPhone(phone);
        StringBuilder b = new StringBuilder();
        int i = 0;
        if (masked.startsWith("+")) {
            b.append('+');
            i = 1;
        }
        // leading digits (country code), then the hidden part in pairs, then the trailing digits
        int start = i;
        while (i < masked.length() && Character.isDigit(masked.charAt(i))) {
            i++;
        }
        b.append(masked, start, i);
        int stars = 0;
        while (i < masked.length() && masked.charAt(i) == '*') {
            stars++;
            i++;
        }
        for (int s = 0; s < stars; s++) {
            if (s % 2 == 0 && b.length() > 0) {
                b.append(NBSP);
            }
            b.append(HIDDEN);
        }
        if (i < masked.length()) {
            if (b.length() > 0) {
                b.append(NBSP);
            }
            b.append(masked.substring(i));
        }
        return b.toString();
    }

    /**
     * @param email an e-mail address
     * @return its local part masked but its first and last characters: {@code b•••n@example.com}
     */
    static String maskEmail(String email) {
        var m = EMAIL.matcher(email.strip());
        if (!m.matches()) {
            return email;
        }
        String local = m.group(1);
        int first = local.codePointAt(0);
        String shown = new String(Character.toChars(first));
        if (local.codePointCount(0, local.length()) > 2) {
            int last = local.codePointBefore(local.length());
            shown += String.valueOf(HIDDEN).repeat(3) + new String(Character.toChars(last));
        } else {
            shown += String.valueOf(HIDDEN).repeat(3);
        }
        return shown + "@" + m.group(2);
    }

    /**
     * @param key a detail key
     * @param value its value
     * @return whether to print the value as a digest (monospace, grouped): hex of 32 characters or more,
     *         or a key naming a digest with a hex or base64 value
     */
    static boolean isDigest(String key, String value) {
        String v = value.strip();
        boolean digestKey = false;
        for (String w : SEPARATORS.split(key.toLowerCase(Locale.ROOT))) {
            digestKey |= DIGEST_WORDS.contains(w);
        }
        boolean hex = HEX.matcher(v).matches();
        return hex && v.length() >= 32 && v.length() % 2 == 0
                || digestKey && (hex && v.length() >= 8 || BASE64.matcher(v).matches());
    }

    /**
     * @param digest hex or base64 text
     * @return its groups of {@link #GROUP} characters
     */
    static List<String> groups(String digest) {
        String d = digest.strip();
        List<String> groups = new ArrayList<>((d.length() + GROUP - 1) / GROUP);
        for (int i = 0; i < d.length(); i += GROUP) {
            groups.add(d.substring(i, Math.min(d.length(), i + GROUP)));
        }
        return groups;
    }

    /**
     * @param digest hex or base64 text
     * @return it in groups of four characters separated by spaces: {@code "5f5f 5f5f …"}
     */
    static String grouped(String digest) {
        return String.join(" ", groups(digest));
    }
}
