package com.certyneo.testvectors;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derives key pairs from a {@link Drbg} by explicit arithmetic (not through a provider's key pair
 * generator, whose use of randomness may change between JDK releases). RSA-3072 derivation takes
 * about a second, so key pairs are cached per (seed, entity) for the life of the class loader.
 */
final class DeterministicKeys {

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final BigInteger E = BigInteger.valueOf(65537);
    private static final Map<String, KeyPair> CACHE = new ConcurrentHashMap<>();

    private DeterministicKeys() {
    }

    static KeyPair ecP256(String seed, String entity) {
        return CACHE.computeIfAbsent("EC\u0000" + seed + "\u0000" + entity, k -> deriveEc(Drbg.of(seed, entity)));
    }

    static KeyPair rsa3072(String seed, String entity) {
        return CACHE.computeIfAbsent("RSA\u0000" + seed + "\u0000" + entity, k -> deriveRsa(Drbg.of(seed, entity), 3072));
    }

    static KeyPair deriveEc(Drbg drbg) {
        BigInteger n = P256.getN();
        BigInteger d;
        do {
            d = drbg.bits(256);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        ECPoint q = P256.getG().multiply(d).normalize();
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            KeyFactory factory = KeyFactory.getInstance("EC");
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return new KeyPair(factory.generatePublic(new ECPublicKeySpec(w, spec)),
                    factory.generatePrivate(new ECPrivateKeySpec(d, spec)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JDK", e);
        }
    }

    static KeyPair deriveRsa(Drbg drbg, int bits) {
        BigInteger p = prime(drbg, bits / 2);
        BigInteger q;
        do {
            q = prime(drbg, bits / 2);
        } while (q.equals(p) || p.subtract(q).abs().bitLength() < bits / 2 - 100);
        if (p.compareTo(q) < 0) {
            BigInteger t = p;
            p = q;
            q = t;
        }
        BigInteger n = p.multiply(q);
        BigInteger pm1 = p.subtract(BigInteger.ONE);
        BigInteger qm1 = q.subtract(BigInteger.ONE);
        BigInteger lambda = pm1.multiply(qm1).divide(pm1.gcd(qm1));
        BigInteger d = E.modInverse(lambda);
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            return new KeyPair(factory.generatePublic(new RSAPublicKeySpec(n, E)),
                    factory.generatePrivate(new RSAPrivateCrtKeySpec(n, E, d, p, q,
                            d.mod(pm1), d.mod(qm1), q.modInverse(p))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available in this JDK", e);
        }
    }

    /** The first probable prime at or above a random odd candidate with its two top bits set. */
    private static BigInteger prime(Drbg drbg, int bits) {
        while (true) {
            BigInteger candidate = drbg.bits(bits).setBit(bits - 1).setBit(bits - 2).setBit(0);
            BigInteger p = candidate.isProbablePrime(100) ? candidate : candidate.nextProbablePrime();
            if (p.bitLength() == bits && p.isProbablePrime(100) && p.subtract(BigInteger.ONE).gcd(E).equals(BigInteger.ONE)) {
                return p;
            }
        }
    }
}
