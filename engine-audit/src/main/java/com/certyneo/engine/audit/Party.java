package com.certyneo.engine.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * A person or organisation acting on an envelope, such as its sender.
 *
 * @param name display name
 * @param email e-mail address
 * @param organization the account or organisation, if any
 */
public record Party(String name, String email, Optional<String> organization) {

    /**
     * Validates the components.
     *
     * @param name display name
     * @param email e-mail address
     * @param organization the account or organisation, if any
     */
    public Party {
        name = Checks.text(name, "party name", 256);
        email = Checks.text(email, "party e-mail", 320);
        organization = Checks.optionalText(organization, "party organization", 256);
    }

    /**
     * {@return a party without organisation}
     * @param name display name
     * @param email e-mail address
     */
    public static Party of(String name, String email) {
        return new Party(name, email, Optional.empty());
    }

    /**
     * {@return a copy with the organisation set}
     * @param organization the organisation
     */
    public Party withOrganization(String organization) {
        return new Party(name, email, Optional.of(Objects.requireNonNull(organization, "organization")));
    }
}
