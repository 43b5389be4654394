package com.certyneo.engine.audit;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.SignatureLevel;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deterministic evidence for tests and benchmarks. */
final class SampleEvidence {

    static final Instant T0 = Instant.parse("2025-03-14T09:00:00.000Z");
    static final String UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/17.3 Safari/605.1.15";
    static final String SIGNED_SHA = "5f".repeat(32);

    private SampleEvidence() {
    }

    /** Two signers plus non-Latin ones, and at least {@code minEvents} events. */
    static Evidence build(EnvelopeMode mode, int minEvents) {
        Evidence.Builder b = Evidence.builder()
                .envelope(new Envelope("0f8e2c1a-5b7d-4e21-9a33-7c1d2e3f4a5b", "Bail commercial \u2013 Lyon 7e (Zo\u00eb Bront\u00eb-M\u00fcller)",
                        mode, Party.of("ACME Immobilier", "legal@acme.example").withOrganization("ACME SAS"), T0,
                        Optional.of(T0.plus(Duration.ofHours(3)))))
                .document(new DocumentEvidence("bail-commercial.pdf", 12, 483_211, "1a".repeat(32), Optional.of("2b".repeat(32)),
                        Optional.of(SIGNED_SHA)))
                .document(new DocumentEvidence("annexe-\u0441\u043f\u0438\u0441\u043e\u043a.pdf", 3, 91_020, "3c".repeat(32),
                        Optional.empty(), Optional.of("4d".repeat(32))))
                .signer(new SignerEvidence("s1", "Alice Martin", "alice.martin@example.com", Optional.of(SignerEvidence.maskPhone("+33612345678")),
                        SignatureLevel.AES, List.of(new AuthenticationRecord(AuthenticationMethod.SMS_OTP, AuthenticationResult.FAILURE,
                                T0.plusSeconds(100), Optional.of("sms-gateway"), Optional.of("msg-8812")),
                        new AuthenticationRecord(AuthenticationMethod.SMS_OTP, AuthenticationResult.SUCCESS, T0.plusSeconds(160),
                                Optional.of("sms-gateway"), Optional.of("msg-8813")),
                        new AuthenticationRecord(AuthenticationMethod.ID_DOCUMENT, AuthenticationResult.SUCCESS, T0.plusSeconds(90),
                                Optional.of("kyc-vendor"), Optional.of("vault:idv/77f3"))),
                        Optional.of(new CertificateEvidence("6d2a91f03c", "9e".repeat(32), "CN=Alice Martin,O=Certyneo SANDBOX TEST,C=FR",
                                "CN=Certyneo SANDBOX TEST Signer CA,O=Certyneo,C=FR", T0.plusSeconds(170), T0.plusSeconds(170 + 3600)))))
                .signer(new SignerEvidence("s2", "\u0410\u043d\u043d\u0430 \u0418\u0432\u0430\u043d\u043e\u0432\u0430", "anna@example.ru",
                        Optional.empty(), SignatureLevel.AES,
                        List.of(AuthenticationRecord.success(AuthenticationMethod.EMAIL_OTP, T0.plusSeconds(400))), Optional.empty()))
                .signer(new SignerEvidence("s3", "\u0393\u03b9\u03ce\u03c1\u03b3\u03bf\u03c2 \u03a0\u03b1\u03c0\u03b1\u03b4\u03cc\u03c0\u03bf\u03c5\u03bb\u03bf\u03c2",
                        "giorgos@example.gr", Optional.empty(), SignatureLevel.SES, List.of(), Optional.empty()))
                .signer(new SignerEvidence("s4", "\u5c71\u7530 \u592a\u90ce", "yamada@example.jp", Optional.empty(), SignatureLevel.QES,
                        List.of(AuthenticationRecord.success(AuthenticationMethod.VIDEO_KYC, T0.plusSeconds(600))), Optional.empty()));
        Instant t = T0;
        b.event(EventType.CREATED, "legal@acme.example", t, "203.0.113.10", UA, Map.of("documents", "2"));
        b.event(EventType.SENT, "system", t = t.plusSeconds(5), null, null, Map.of("recipients", "s1, s2, s3, s4", "channel", "email"));
        b.event(EventType.VIEWED, "s1", t = t.plusSeconds(60), "198.51.100.23", UA, Map.of());
        b.event(EventType.OTP_SENT, "system", t = t.plusSeconds(20), null, null,
                Map.of("channel", "sms", "to", SignerEvidence.maskPhone("+33612345678"), "otp_hmac", "a1b2c3d4e5f60718"));
        b.event(EventType.of("otp_failed"), "s1", t = t.plusSeconds(20), "198.51.100.23", UA, Map.of("otp_attempts", "1"));
        b.event(EventType.OTP_VERIFIED, "s1", t = t.plusSeconds(60), "198.51.100.23", UA, Map.of("otp_attempts", "2",
                "authorised_digest_sha256", "2b".repeat(32)));
        b.event(EventType.SIGNED, "s1", t = t.plusSeconds(10), "198.51.100.23", UA, Map.of("certificate_serial", "6d2a91f03c"));
        b.event(EventType.VIEWED, "s2", t = t.plusSeconds(120), "2001:db8::42", "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
                Map.of("note", "\u041f\u0440\u043e\u0441\u043c\u043e\u0442\u0440 \u0434\u043e\u043a\u0443\u043c\u0435\u043d\u0442\u0430"));
        b.event(EventType.SIGNED, "s2", t = t.plusSeconds(60), "2001:db8::42", null, Map.of());
        b.event(EventType.SIGNED, "s3", t = t.plusSeconds(60), "192.0.2.77", null, Map.of("comment", "\u0395\u03bd\u03c4\u03ac\u03be\u03b5\u03b9"));
        b.event(EventType.SIGNED, "s4", t = t.plusSeconds(60), "192.0.2.78", null, Map.of("comment", "\u627f\u8a8d\u3057\u307e\u3057\u305f"));
        int n = 11;
        while (n < minEvents - 1) {
            b.event(EventType.of(n % 3 == 0 ? "reminder_sent" : "viewed"), n % 2 == 0 ? "s1" : "s2", t = t.plusSeconds(7),
                    "198.51.100." + (n % 250), UA, details(n));
            n++;
        }
        b.event(EventType.COMPLETED, "system", t.plusSeconds(30), null, null, Map.of("signed_sha256", SIGNED_SHA));
        return b.build();
    }

    private static Map<String, String> details(int n) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("page", String.valueOf(n % 12 + 1));
        if (n % 5 == 0) {
            d.put("long_note", "A long free-text note that has to wrap inside its table cell without breaking the layout: "
                    + "x".repeat(90));
        }
        return d;
    }
}
