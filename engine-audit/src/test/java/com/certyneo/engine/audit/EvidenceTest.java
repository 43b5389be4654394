package com.certyneo.engine.audit;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvidenceTest {

    @Test
    void jcsSortsByUtf16CodeUnitsAndEscapesLikeEcmaScript() throws Exception {
        // RFC 8785 section 3.2.3 sorting example (keys only), plus escapes.
        String json = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\\u001f\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        String canonical = new String(Jcs.canonicalize(EvidenceJson.MAPPER.readTree(json)), StandardCharsets.UTF_8);
        assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\\u001f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
                + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}", canonical);
        assertEquals("{\"a\":[1,true,null,{\"b\":2}],\"n\":10}",
                new String(Jcs.canonicalize(EvidenceJson.MAPPER.readTree("{ \"n\" : 10.0, \"a\":[1, true, null, {\"b\": 2}] }")),
                        StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(EvidenceJson.MAPPER.readTree("{\"x\":1.5}")));
    }

    @Test
    void chainFollowsTheDocumentedDefinition() throws Exception {
        Evidence evidence = SampleEvidence.build(EnvelopeMode.SANDBOX, 12);
        byte[] previous = new byte[32];
        for (int i = 0; i < evidence.events().size(); i++) {
            AuditEvent e = evidence.events().get(i);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Jcs.canonicalize(EvidenceJson.eventNode(e)));
            md.update(previous);
            byte[] hash = md.digest();
            ChainLink link = evidence.chain().get(i);
            assertEquals(HexFormat.of().formatHex(previous), link.previousHash());
            assertEquals(HexFormat.of().formatHex(hash), link.hash());
            previous = hash;
        }
        assertEquals("0".repeat(64), evidence.chain().get(0).previousHash());
        assertEquals(HexFormat.of().formatHex(previous), evidence.chainHead());
    }

    @Test
    void jsonRoundTripsExactly() {
        Evidence evidence = SampleEvidence.build(EnvelopeMode.PRODUCTION, 25);
        byte[] json = evidence.toJson();
        Evidence back = Evidence.fromJson(json);
        assertEquals(evidence, back);
        assertArrayEquals(json, back.toJson());
    }

    @Test
    void readingRefusesABrokenChainAndNamesTheEvent() throws Exception {
        ObjectNode root = (ObjectNode) EvidenceJson.tree(SampleEvidence.build(EnvelopeMode.SANDBOX, 12).toJson());
        ((ObjectNode) ((ArrayNode) root.get("events")).get(4)).put("ip", "203.0.113.99");
        SignatureEngineException e = assertThrows(SignatureEngineException.class,
                () -> Evidence.fromJson(EvidenceJson.MAPPER.writeValueAsBytes(root)));
        assertEquals(ErrorCode.INVALID_EVIDENCE, e.code());
        assertTrue(e.getMessage().contains("event #5"), e.getMessage());
    }

    @Test
    void readingRefusesUnknownMembersAndDuplicates() {
        String base = new String(SampleEvidence.build(EnvelopeMode.SANDBOX, 12).toJson(), StandardCharsets.UTF_8);
        String otp = base.replaceFirst("\"title\"", "\"otp\" : \"123456\", \"title\"");
        assertThrows(SignatureEngineException.class, () -> Evidence.fromJson(otp.getBytes(StandardCharsets.UTF_8)));
        String dup = base.replaceFirst("\"title\"", "\"id\" : \"x\", \"title\"");
        assertThrows(SignatureEngineException.class, () -> Evidence.fromJson(dup.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void phoneIsOnlyEverMasked() {
        assertEquals("+33******78", SignerEvidence.maskPhone("+33612345678"));
        assertEquals("+33******78", SignerEvidence.maskPhone("+33 6 12 34 56 78"));
        assertEquals("******", SignerEvidence.maskPhone("12345"));
        Signer alice = Signer.parse("Alice Martin <alice@example.com>").withPhone("+33612345678")
                .authenticatedBy(AuthenticationMethod.SMS_OTP, SampleEvidence.T0);
        SignerEvidence s = SignerEvidence.of("s1", alice, SignatureLevel.AES);
        assertEquals("+33******78", s.maskedPhone().orElseThrow());
        assertThrows(SignatureEngineException.class, () -> new SignerEvidence("s1", "A", "a@example.com",
                java.util.Optional.of("+33612345678"), SignatureLevel.AES, java.util.List.of(), java.util.Optional.empty()));
        String json = new String(SampleEvidence.build(EnvelopeMode.SANDBOX, 12).toJson(), StandardCharsets.UTF_8);
        assertFalse(json.contains("612345678") || json.contains("12345678"), "full phone number in evidence.json");
        assertTrue(json.contains("+33******78"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"otp", "otp_code", "code", "sms_code", "pin", "password", "one_time_password", "secret",
            "id_document_image", "selfie", "photo", "access-token"})
    void secretLookingDetailKeysAreRefused(String key) {
        SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> Evidence.builder()
                .event(EventType.OTP_VERIFIED, "s1", SampleEvidence.T0, null, null, Map.of(key, "492817")));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertFalse(e.getMessage().contains("492817"), "the secret must not be echoed in the error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"otp_hmac", "otp_attempts", "country_code", "otp_channel", "id_document_sha256", "photo_ref", "error_code"})
    void referenceAndDigestKeysAreAccepted(String key) {
        Evidence.builder().event(EventType.OTP_VERIFIED, "s1", SampleEvidence.T0, null, null, Map.of(key, "3"));
    }

    @Test
    void otpShapedValuesUnderOtpKeysAndImagesAreRefused() {
        assertThrows(SignatureEngineException.class, () -> Evidence.builder()
                .event(EventType.OTP_SENT, "s1", SampleEvidence.T0, null, null, Map.of("otp_channel", "492817")));
        assertThrows(SignatureEngineException.class, () -> Evidence.builder()
                .event(EventType.of("id_checked"), "s1", SampleEvidence.T0, null, null, Map.of("document", "data:image/png;base64,iVBORw0KGgo=")));
        assertThrows(SignatureEngineException.class, () -> Evidence.builder()
                .event(EventType.of("id_checked"), "s1", SampleEvidence.T0, null, null, Map.of("document", "A".repeat(2000))));
    }

    @Test
    void modelValidatesItsInputs() {
        assertThrows(SignatureEngineException.class, () -> EventType.of("Signed!"));
        assertThrows(SignatureEngineException.class, () -> Evidence.builder()
                .event(EventType.VIEWED, "s1", SampleEvidence.T0, "not an ip", null, Map.of()));
        assertThrows(SignatureEngineException.class, () -> new DocumentEvidence("a.pdf", 1, 1, "XYZ",
                java.util.Optional.empty(), java.util.Optional.empty()));
        SignatureEngineException noEvents = assertThrows(SignatureEngineException.class, () -> Evidence.builder()
                .envelope(SampleEvidence.build(EnvelopeMode.SANDBOX, 12).envelope())
                .document(SampleEvidence.build(EnvelopeMode.SANDBOX, 12).documents().get(0)).build());
        assertEquals(ErrorCode.INVALID_REQUEST, noEvents.code());
    }

    /**
     * An original encrypted with a user password (AES-256, by PDFBox): described with the password it gives its page
     * count and the digest of the bytes as uploaded; without it, or with a wrong one, it is ENCRYPTED_PDF (it was
     * INVALID_PDF, and an envelope on an encrypted document could not get its audit trail).
     */
    @Test
    void anEncryptedOriginalIsDescribedWithItsPassword() throws Exception {
        byte[] encrypted;
        try (org.apache.pdfbox.pdmodel.PDDocument document = new org.apache.pdfbox.pdmodel.PDDocument()) {
            for (int i = 0; i < 3; i++) {
                document.addPage(new org.apache.pdfbox.pdmodel.PDPage());
            }
            org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy policy =
                    new org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy("owner-secret", "user-secret",
                            new org.apache.pdfbox.pdmodel.encryption.AccessPermission());
            policy.setEncryptionKeyLength(256);
            document.protect(policy);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            document.save(out);
            encrypted = out.toByteArray();
        }
        DocumentEvidence described = DocumentEvidence.describe("locked.pdf", encrypted,
                com.certyneo.engine.DocumentPassword.of("user-secret".toCharArray()));
        assertEquals(3, described.pages());
        assertEquals(encrypted.length, described.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encrypted)),
                described.originalSha256());
        assertEquals(3, DocumentEvidence.describe("locked.pdf", encrypted,
                com.certyneo.engine.DocumentPassword.of("owner-secret".toCharArray())).pages());
        for (com.certyneo.engine.DocumentPassword wrong : new com.certyneo.engine.DocumentPassword[] {null,
                com.certyneo.engine.DocumentPassword.of("guess".toCharArray())}) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class,
                    () -> DocumentEvidence.describe("locked.pdf", encrypted, wrong));
            assertEquals(ErrorCode.ENCRYPTED_PDF, e.code(), e.toString());
            assertFalse(e.getMessage().contains("secret") || e.getMessage().contains("guess"), e.getMessage());
        }
        SignatureEngineException plain = assertThrows(SignatureEngineException.class,
                () -> DocumentEvidence.describe("locked.pdf", encrypted));
        assertEquals(ErrorCode.ENCRYPTED_PDF, plain.code());
    }
}
