package com.certyneo.engine.tsp;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The imprint algorithms the engine time-stamps: SHA-2 and SHA-3 of 256 bits or more (ETSI TS 119 312). */
final class Digests {

    /** One accepted digest algorithm. */
    record Algorithm(String name, ASN1ObjectIdentifier oid, int length) {
    }

    static final List<Algorithm> ACCEPTED = List.of(
            new Algorithm("SHA-256", NISTObjectIdentifiers.id_sha256, 32),
            new Algorithm("SHA-384", NISTObjectIdentifiers.id_sha384, 48),
            new Algorithm("SHA-512", NISTObjectIdentifiers.id_sha512, 64),
            new Algorithm("SHA3-256", NISTObjectIdentifiers.id_sha3_256, 32),
            new Algorithm("SHA3-384", NISTObjectIdentifiers.id_sha3_384, 48),
            new Algorithm("SHA3-512", NISTObjectIdentifiers.id_sha3_512, 64));

    private Digests() {
    }

    static Optional<Algorithm> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String normalized = name.trim().toUpperCase(Locale.ROOT);
        return ACCEPTED.stream()
                .filter(a -> a.name().equals(normalized) || a.name().replace("-", "").equals(normalized))
                .findFirst();
    }

    static Optional<Algorithm> byOid(ASN1ObjectIdentifier oid) {
        return ACCEPTED.stream().filter(a -> a.oid().equals(oid)).findFirst();
    }

    /**
     * @return the algorithm named {@code name}, after checking that {@code digest} has its length
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_REQUEST} for SHA-1, unknown names
     *                                  or a digest of the wrong length
     */
    static Algorithm require(String name, byte[] digest, String who) {
        Algorithm algorithm = byName(name).orElseThrow(() -> new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                "The " + who + " does not time-stamp " + name + " imprints"
                        + (name != null && name.replace("-", "").equalsIgnoreCase("SHA1")
                        ? " (SHA-1 is refused: ETSI TS 119 312 requires SHA-256 or stronger)" : ""),
                "Use SHA-256, SHA-384 or SHA-512."));
        if (digest == null || digest.length != algorithm.length()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The " + algorithm.name() + " imprint for the " + who + " must be " + algorithm.length()
                            + " bytes, not " + (digest == null ? "missing" : digest.length + " bytes"),
                    "Pass the digest computed with the algorithm you name.");
        }
        return algorithm;
    }
}
