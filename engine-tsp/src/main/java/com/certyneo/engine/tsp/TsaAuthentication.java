package com.certyneo.engine.tsp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link TsaClient} authenticates to one TSA over HTTP: not at all, HTTP basic, or a bearer token.
 * (Client-certificate TLS is configured with {@link TsaEndpoint#withSslContext}.) The secrets never
 * appear in {@code toString()} or in error messages. Prefer HTTPS whenever credentials are sent.
 */
public sealed interface TsaAuthentication permits TsaAuthentication.None, TsaAuthentication.Basic,
        TsaAuthentication.Bearer {

    /** {@return no authentication} */
    static TsaAuthentication none() {
        return None.INSTANCE;
    }

    /**
     * {@return HTTP basic authentication}
     * @param user the user name (must not contain {@code :})
     * @param password the password
     */
    static TsaAuthentication basic(String user, String password) {
        return new Basic(user, password);
    }

    /**
     * {@return bearer authentication}
     * @param token the bearer token
     */
    static TsaAuthentication bearer(String token) {
        return new Bearer(token);
    }

    /** {@return the value of the {@code Authorization} header, if any} */
    Optional<String> authorizationHeader();

    /** No authentication. */
    enum None implements TsaAuthentication {
        /** The only value. */
        INSTANCE;

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.empty();
        }
    }

    /**
     * HTTP basic authentication (RFC 7617).
     *
     * @param user the user name
     * @param password the password
     */
    record Basic(String user, String password) implements TsaAuthentication {
        /**
         * Validates the fields.
         *
         * @param user the user name
         * @param password the password
         */
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("A basic-auth user name cannot contain ':'");
            }
        }

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.of("Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "Basic[user=" + user + ", password=***]";
        }
    }

    /**
     * Bearer token authentication (RFC 6750).
     *
     * @param token the token
     */
    record Bearer(String token) implements TsaAuthentication {
        /**
         * Validates the token.
         *
         * @param token the token
         */
        public Bearer {
            Objects.requireNonNull(token, "token");
            if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("A bearer token must be non-empty printable ASCII");
            }
        }

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.of("Bearer " + token);
        }

        @Override
        public String toString() {
            return "Bearer[token=***]";
        }
    }
}
