package com.certyneo.engine.pades.csc;

import java.util.List;
import java.util.Optional;

/**
 * The answer of {@code info}.
 *
 * @param specs the specification version the service implements, such as {@code 2.0.0.2}
 * @param name the service name
 * @param region the ISO 3166 region
 * @param authTypes the service authorisation types, such as {@code oauth2client}
 * @param oauth2 the base URI of the OAuth 2.0 authorisation server, when given
 * @param methods the API methods the service supports
 * @param signAlgorithms the signature algorithm OIDs, when listed
 * @param conformanceLevels the AdES conformance levels for signDoc, when listed
 */
public record CscInfo(String specs, String name, String region, List<String> authTypes, Optional<String> oauth2,
                      List<String> methods, List<String> signAlgorithms, List<String> conformanceLevels) {

    /**
     * Not part of the stable API: the engine creates these, and a new component changes this constructor.
     *
     * Copies the lists.
     *
     * @param specs the specification version the service implements, such as {@code 2.0.0.2}
     * @param name the service name
     * @param region the ISO 3166 region
     * @param authTypes the service authorisation types, such as {@code oauth2client}
     * @param oauth2 the base URI of the OAuth 2.0 authorisation server, when given
     * @param methods the API methods the service supports
     * @param signAlgorithms the signature algorithm OIDs, when listed
     * @param conformanceLevels the AdES conformance levels for signDoc, when listed
     */
    @com.certyneo.engine.InternalApi
    public CscInfo {
        authTypes = List.copyOf(authTypes);
        methods = List.copyOf(methods);
        signAlgorithms = List.copyOf(signAlgorithms);
        conformanceLevels = List.copyOf(conformanceLevels);
    }
}
