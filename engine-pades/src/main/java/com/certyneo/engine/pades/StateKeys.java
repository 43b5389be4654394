package com.certyneo.engine.pades;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/** Default keys for sealing two-step states. */
final class StateKeys {

    private StateKeys() {
    }

    static byte[] random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * Derived from the sandbox root key, so every sandbox engine on the same home (other processes,
     * after a restart) accepts the states of the others. Sandbox material is not secret anyway.
     */
    static byte[] sandbox(SandboxPki pki) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pki.root().key().getEncoded(), "HmacSHA256"));
            return mac.doFinal("certyneo two-step state key v1".getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
