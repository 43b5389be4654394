package com.certyneo.engine.pades.keys;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.SigningKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PKCS#11 token (HSM, smart card, SoftHSM2) opened through the JDK's SunPKCS11 provider. The slot
 * is chosen by its PKCS#11 slot ID or by its index in the list of slots with a token; keys are chosen
 * by label (the KeyStore alias, CKA_LABEL) or by certificate fingerprint, and a key that is not found
 * produces an error that lists what the token holds. Keys never leave the token.
 *
 * <p>Thread-safe; close it to log out and release the provider. The PIN is only used to log in and
 * never appears in messages.
 */
public final class Pkcs11Token implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Provider provider;
    private final KeyStore store;
    private final String description;

    private Pkcs11Token(Provider provider, KeyStore store, String description) {
        this.provider = provider;
        this.store = store;
        this.description = description;
    }

    /** {@return a builder; the library and the PIN are required} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a description of the token for messages: library and slot} */
    public String describe() {
        return description;
    }

    /**
     * {@return the labels (aliases) of the private keys with a certificate, with their subjects}
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} when the token cannot be listed
     */
    public List<String> keys() {
        try {
            return KeyEntries.list(store).stream()
                    .map(e -> e.alias() + " = " + e.certificate().getSubjectX500Principal().getName()).toList();
        } catch (GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, "Cannot list the keys of " + description + ": "
                    + e.getMessage(), "Check the token.", e);
        }
    }

    /**
     * Selects a key of the token.
     *
     * @param selector a key label (alias), {@code sha256:<certificate fingerprint prefix>}, or
     *                 {@code null} when the token holds exactly one key
     * @return a signing key that signs on the token
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} when no key matches (the
     *                                  message lists the keys the token holds) or the key cannot sign
     */
    public SigningKey key(String selector) {
        String where = "The PKCS#11 token " + description;
        try {
            KeyEntries.Entry entry = KeyEntries.select(KeyEntries.list(store), selector, where);
            PrivateKey key = (PrivateKey) store.getKey(entry.alias(), null);
            KeyEntries.checkPair(key, entry.certificate(), provider, where);
            return new TokenKey(key, entry.chain(), provider, where + " key '" + entry.alias() + "'");
        } catch (GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, where + ": cannot read key '" + selector
                    + "': " + e.getMessage(), "Check the key label and that the key is a private signing key.", e);
        }
    }

    @Override
    public void close() {
        try {
            if (provider instanceof java.security.AuthProvider auth) {
                auth.logout();
            }
        } catch (GeneralSecurityException ignored) {
            // already logged out or token removed
        }
        Security.removeProvider(provider.getName());
    }

    /** A key that stays on the token. */
    private record TokenKey(PrivateKey key, List<X509Certificate> certificateChain, Provider provider, String name)
            implements SigningKey {

        @Override
        public byte[] sign(byte[] data, String jcaAlgorithm) {
            try {
                Signature signature;
                if (jcaAlgorithm.endsWith("andMGF1")) {
                    String digest = jcaAlgorithm.substring(0, jcaAlgorithm.indexOf("with"));
                    signature = Signature.getInstance(digest + "withRSASSA-PSS", provider);
                    String jcaDigest = "SHA-" + digest.substring(3);
                    int length = Integer.parseInt(digest.substring(3)) / 8;
                    signature.setParameter(new PSSParameterSpec(jcaDigest, "MGF1", new MGF1ParameterSpec(jcaDigest), length, 1));
                } else {
                    signature = Signature.getInstance(jcaAlgorithm, provider);
                }
                signature.initSign(key);
                signature.update(data);
                return signature.sign();
            } catch (GeneralSecurityException e) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                        name + " cannot sign with " + jcaAlgorithm + ": " + e.getMessage(),
                        "Check that the token is present, logged in, and supports the mechanism.", e);
            }
        }

        @Override
        public String toString() {
            return "SigningKey[" + name + "]";
        }
    }

    /** Builder for {@link Pkcs11Token}. */
    public static final class Builder {
        private Path library;
        private Long slot;
        private Integer slotListIndex;
        private char[] pin;

        private Builder() {
        }

        /**
         * Sets the PKCS#11 module, such as {@code /usr/lib/softhsm/libsofthsm2.so}.
         *
         * @param library the PKCS#11 module, such as {@code /usr/lib/softhsm/libsofthsm2.so}
         * @return this
         */
        public Builder library(Path library) {
            this.library = library;
            return this;
        }

        /**
         * Sets the PKCS#11 slot ID.
         *
         * @param slotId the PKCS#11 slot ID
         * @return this
         */
        public Builder slot(long slotId) {
            this.slot = slotId;
            this.slotListIndex = null;
            return this;
        }

        /**
         * Sets the index in the list of slots that hold a token (default 0).
         *
         * @param index the index in the list of slots that hold a token (default 0)
         * @return this
         */
        public Builder slotListIndex(int index) {
            this.slotListIndex = index;
            this.slot = null;
            return this;
        }

        /**
         * Sets the user PIN (copied; wipe your copy).
         *
         * @param pin the user PIN (copied; wipe your copy)
         * @return this
         */
        public Builder pin(char[] pin) {
            this.pin = pin == null ? null : pin.clone();
            return this;
        }

        /**
         * Loads the library, opens the slot and logs in.
         *
         * @return the open token
         * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} when the library,
         *                                  slot or PIN is wrong
         */
        public Pkcs11Token build() {
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(pin, "pin");
            String slotText = slot != null ? "slot " + slot : "slot index " + (slotListIndex == null ? 0 : slotListIndex);
            String description = library + " " + slotText;
            if (!Files.isReadable(library)) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                        "The PKCS#11 library " + library + " does not exist or is not readable",
                        "Install the token's PKCS#11 module (for SoftHSM2: apt-get install softhsm2).");
            }
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, "This JDK has no SunPKCS11 provider",
                        "Use a JDK that ships the jdk.crypto.cryptoki module.");
            }
            String config = "--name=certyneo-" + COUNTER.incrementAndGet() + "\n"
                    + "library=" + library.toAbsolutePath() + "\n"
                    + (slot != null ? "slot=" + slot : "slotListIndex=" + (slotListIndex == null ? 0 : slotListIndex)) + "\n";
            Provider provider;
            try {
                provider = base.configure(config);
            } catch (RuntimeException e) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                        "Cannot open " + description + ": " + rootMessage(e),
                        "Check the slot: list the slots with the token's tool (softhsm2-util --show-slots, pkcs11-tool -L).", e);
            }
            char[] login = pin.clone();
            try {
                KeyStore store = KeyStore.getInstance("PKCS11", provider);
                store.load(null, login);
                Security.addProvider(provider);
                return new Pkcs11Token(provider, store, description);
            } catch (Exception e) {
                String why = rootMessage(e);
                boolean pinProblem = why.contains("CKR_PIN") || why.contains("login");
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                        "Cannot log in to " + description + ": " + (pinProblem ? "the PIN was refused (" + why + ")" : why),
                        pinProblem ? "Check the user PIN; too many wrong PINs lock the token."
                                : "Check that the slot holds an initialised token.", e);
            } finally {
                Arrays.fill(login, '\0');
            }
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }
}
