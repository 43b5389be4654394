package com.certyneo.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The person a signature is made for: verified name and e-mail, optional phone number, and the
 * authentication evidence collected before signing.
 *
 * @param name the signer's verified full name
 * @param email the signer's e-mail address
 * @param phone the signer's phone number in E.164 form, if known
 * @param authentications successful authentications, oldest first (may be empty for SES)
 */
public record Signer(String name, String email, Optional<String> phone, List<AuthenticationEvidence> authentications) {

    private static final Pattern NAME_AND_EMAIL = Pattern.compile("^\\s*(.*?)\\s*<\\s*([^<>\\s]+@[^<>\\s]+)\\s*>\\s*$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    /**
     * Validates the components and copies the list. Not part of the stable API: a new component changes this
     * constructor; use {@link #of}, {@link #parse}, {@link #withPhone} and {@link #authenticatedBy}.
     *
     * @param name the signer's verified full name
     * @param email the signer's e-mail address
     * @param phone the signer's phone number in E.164 form, if known
     * @param authentications successful authentications, oldest first (may be empty for SES)
     */
    @InternalApi
    public Signer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        name = name.strip();
        email = email.strip();
        if (name.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The signer name is empty",
                    "Give the signer's verified full name.");
        }
        if (!EMAIL.matcher(email).matches()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The signer e-mail '" + email + "' is not an address",
                    "Give an address such as jane@example.com.");
        }
        phone = phone == null ? Optional.empty() : phone.map(String::strip).filter(p -> !p.isEmpty());
        authentications = List.copyOf(authentications == null ? List.of() : authentications);
    }

    /**
     * {@return a signer without phone and without authentication evidence}
     * @param name verified full name
     * @param email e-mail address
     */
    public static Signer of(String name, String email) {
        return new Signer(name, email, Optional.empty(), List.of());
    }

    /**
     * Parses {@code "Jane Doe <jane@example.com>"}.
     *
     * @param nameAndEmail the RFC 5322 style mailbox
     * @return the signer
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} when it does not parse
     */
    public static Signer parse(String nameAndEmail) {
        Matcher m = NAME_AND_EMAIL.matcher(nameAndEmail == null ? "" : nameAndEmail);
        if (!m.matches() || m.group(1).isBlank()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "Cannot read signer '" + nameAndEmail + "'", "Write it as \"Jane Doe <jane@example.com>\".");
        }
        String name = m.group(1);
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1);
        }
        return of(name, m.group(2));
    }

    /**
     * {@return a copy with the phone number set}
     * @param phoneNumber the phone number (E.164)
     */
    public Signer withPhone(String phoneNumber) {
        return new Signer(name, email, Optional.ofNullable(phoneNumber), authentications);
    }

    /**
     * {@return a copy with the evidence appended}
     * @param evidence one more successful authentication
     */
    public Signer authenticatedBy(AuthenticationEvidence evidence) {
        List<AuthenticationEvidence> all = new ArrayList<>(authentications);
        all.add(Objects.requireNonNull(evidence, "evidence"));
        return new Signer(name, email, phone, all);
    }

    /**
     * {@return a copy with the evidence appended}
     * @param method how the signer authenticated
     * @param verifiedAt when
     */
    public Signer authenticatedBy(AuthenticationMethod method, Instant verifiedAt) {
        return authenticatedBy(AuthenticationEvidence.of(method, verifiedAt));
    }

    /** {@return whether at least one authentication was recorded} */
    public boolean isAuthenticated() {
        return !authentications.isEmpty();
    }

    @Override
    public String toString() {
        return name + " <" + email + ">";
    }
}
