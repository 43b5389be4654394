package com.certyneo.engine.pades.csc;

import java.net.URI;

/**
 * Drives the user-facing part of the OAuth 2.0 authorization code flow: sends the user's browser to
 * the authorisation URL and returns where the service redirected back (or just the code).
 */
@FunctionalInterface
public interface AuthorizationCodeCallback {

    /**
     * {@return the full redirect URI the service sent the browser to, or the bare authorization code}
     * @param authorizationUrl the URL to open (carries PKCE S256 and a state value)
     */
    String authorize(URI authorizationUrl);
}
