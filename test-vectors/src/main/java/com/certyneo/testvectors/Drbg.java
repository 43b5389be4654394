package com.certyneo.testvectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * A deterministic bit generator: HMAC-SHA256 in counter mode under a key derived from a seed and a
 * label. It depends on nothing but SHA-256 and HMAC, so the same seed and label give the same stream
 * on every JDK and provider. Not for production keys: the whole point is that it is predictable.
 */
final class Drbg {

    private static final byte[] DOMAIN = "certyneo-test-pki/v1".getBytes(StandardCharsets.UTF_8);

    private final Mac mac;
    private long counter;

    private Drbg(byte[] key) {
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** @return a generator for the entity {@code label} of the PKI grown from {@code seed} */
    static Drbg of(String seed, String label) {
        return new Drbg(sha256(DOMAIN, new byte[] {0}, utf8(seed), new byte[] {0}, utf8(label)));
    }

    /** @return a generator keyed by raw bytes (used to derive per-message values such as a PSS salt) */
    static Drbg of(byte[] key, byte[] message) {
        return new Drbg(sha256(DOMAIN, new byte[] {1}, key, new byte[] {0}, message));
    }

    synchronized byte[] bytes(int length) {
        byte[] out = new byte[length];
        int offset = 0;
        while (offset < length) {
            byte[] block = mac.doFinal(ByteBuffer.allocate(8).putLong(counter++).array());
            int n = Math.min(block.length, length - offset);
            System.arraycopy(block, 0, out, offset, n);
            offset += n;
        }
        return out;
    }

    /** @return a non-negative integer of exactly {@code bits} random bits (top bit not forced) */
    BigInteger bits(int bits) {
        byte[] raw = bytes((bits + 7) / 8);
        int excess = raw.length * 8 - bits;
        raw[0] &= (byte) (0xFF >>> excess);
        return new BigInteger(1, raw);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(ByteBuffer.allocate(4).putInt(part.length).array());
                digest.update(part);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
