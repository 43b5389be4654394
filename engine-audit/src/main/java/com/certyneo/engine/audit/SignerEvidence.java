package com.certyneo.engine.audit;

import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A signer of an envelope as evidence. The phone number is only ever held masked
 * ({@code +33******78}); see {@link #maskPhone(String)}.
 *
 * @param id the signer (recipient) id within the envelope
 * @param name the verified full name
 * @param email the e-mail address
 * @param maskedPhone the masked phone number, if the signer has one
 * @param level the eIDAS level requested for this signer
 * @param authentications authentication attempts, oldest first
 * @param certificate the signer's one-time certificate (AES) or qualified certificate (QES), once signed
 */
public record SignerEvidence(String id, String name, String email, Optional<String> maskedPhone, SignatureLevel level,
                             List<AuthenticationRecord> authentications, Optional<CertificateEvidence> certificate) {

    /**
     * Validates the components and copies the list.
     *
     * @param id the signer (recipient) id within the envelope
     * @param name the verified full name
     * @param email the e-mail address
     * @param maskedPhone the masked phone number, if the signer has one
     * @param level the eIDAS level requested for this signer
     * @param authentications authentication attempts, oldest first
     * @param certificate the signer's one-time certificate (AES) or qualified certificate (QES), once signed
     */
    public SignerEvidence {
        id = Checks.identifier(id, "signer id");
        name = Checks.text(name, "signer name", 256);
        email = Checks.text(email, "signer e-mail", 320);
        maskedPhone = Objects.requireNonNullElse(maskedPhone, Optional.<String>empty());
        maskedPhone.ifPresent(SignerEvidence::requireMasked);
        Checks.require(level != null, "Signer " + id + " has no requested level", "Set SES, AES or QES.");
        authentications = List.copyOf(Objects.requireNonNullElse(authentications, List.of()));
        certificate = Objects.requireNonNullElse(certificate, Optional.empty());
    }

    /**
     * Builds the evidence of a signer from the engine's {@link Signer}: the phone is masked here,
     * every authentication becomes a successful record.
     *
     * @param id the signer id within the envelope
     * @param signer the signer as passed to the engine
     * @param level the requested level
     * @return the evidence, without certificate
     */
    public static SignerEvidence of(String id, Signer signer, SignatureLevel level) {
        return new SignerEvidence(id, signer.name(), signer.email(), signer.phone().map(SignerEvidence::maskPhone), level,
                signer.authentications().stream().map(AuthenticationRecord::of).toList(), Optional.empty());
    }

    /**
     * {@return a copy with the record appended}
     * @param record one more authentication
     */
    public SignerEvidence withAuthentication(AuthenticationRecord record) {
        List<AuthenticationRecord> all = new ArrayList<>(authentications);
        all.add(Objects.requireNonNull(record, "record"));
        return new SignerEvidence(id, name, email, maskedPhone, level, all, certificate);
    }

    /**
     * {@return a copy with the certificate evidence set}
     * @param signingCertificate the certificate the signer's signature was made with
     */
    public SignerEvidence withCertificate(X509Certificate signingCertificate) {
        return new SignerEvidence(id, name, email, maskedPhone, level, authentications,
                Optional.of(CertificateEvidence.of(signingCertificate)));
    }

    /**
     * Masks a phone number: the leading {@code +}, the first two digits (the country code, mostly)
     * and the last two digits stay, everything else becomes six asterisks whatever its length, so
     * neither the number nor its length can be recovered: {@code +33612345678 -> +33******78}.
     * Numbers with fewer than seven digits become {@code ******}.
     *
     * @param phone a phone number in any usual notation
     * @return the masked form
     */
    public static String maskPhone(String phone) {
        Objects.requireNonNull(phone, "phone");
        String digits = phone.replaceAll("[^0-9]", "");
        String plus = phone.strip().startsWith("+") ? "+" : "";
        if (digits.length() < 7) {
            return plus + "******";
        }
        return plus + digits.substring(0, 2) + "******" + digits.substring(digits.length() - 2);
    }

    private static void requireMasked(String phone) {
        long digits = phone.chars().filter(Character::isDigit).count();
        long stars = phone.chars().filter(c -> c == '*').count();
        Checks.require(phone.matches("\\+?[0-9*]{1,20}") && digits <= 4 && stars >= 4,
                "The signer phone must be masked (at most 4 digits visible, as +33******78)",
                "Pass SignerEvidence.maskPhone(number), never the full number.");
    }
}
