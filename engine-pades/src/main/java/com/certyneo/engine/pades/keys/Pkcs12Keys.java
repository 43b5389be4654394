package com.certyneo.engine.pades.keys;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.SigningKey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Loads a signing key from a PKCS#12 file. The password is used and wiped by the caller; it never
 * appears in messages. The key must come with its certificate chain in the file.
 */
public final class Pkcs12Keys {

    private Pkcs12Keys() {
    }

    /**
     * Loads the only key of the file, or the one named by {@code selector}.
     *
     * @param file the PKCS#12 file
     * @param password the store password (also used for the key)
     * @param selector an alias, {@code sha256:<certificate fingerprint prefix>}, or {@code null} when
     *                 the file holds exactly one key
     * @return the key with its chain
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the file cannot be read,
     *                                  {@link ErrorCode#SIGNING_KEY_ERROR} for a wrong password, a missing
     *                                  key (the message lists the keys the file holds) or a key that does
     *                                  not match its certificate
     */
    public static SigningKey load(Path file, char[] password, String selector) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        String where = "The PKCS#12 file " + file;
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, where + " cannot be opened: wrong password",
                        "Check the password of the PKCS#12 file.", e);
            }
            throw new SignatureEngineException(ErrorCode.IO_ERROR, where + " cannot be read: " + e.getMessage(),
                    "Check that the file exists and is a PKCS#12 (.p12/.pfx) store.", e);
        } catch (GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, where + " cannot be opened: " + e.getMessage(),
                    "Check that the file is a PKCS#12 store and the password is right.", e);
        }
        try {
            List<KeyEntries.Entry> entries = KeyEntries.list(store);
            KeyEntries.Entry entry = KeyEntries.select(entries, selector, where);
            PrivateKey key = (PrivateKey) store.getKey(entry.alias(), Arrays.copyOf(password, password.length));
            KeyEntries.checkPair(key, entry.certificate(), null, where);
            return SigningKey.of(key, entry.chain());
        } catch (GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, where + ": cannot read the key: " + e.getMessage(),
                    "Check the key password (it must equal the store password).", e);
        }
    }
}
