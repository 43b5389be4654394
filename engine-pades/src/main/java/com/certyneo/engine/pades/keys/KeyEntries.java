package com.certyneo.engine.pades.keys;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Key selection in a loaded {@link KeyStore}, with errors that list what the store holds. */
final class KeyEntries {

    private KeyEntries() {
    }

    /** One private-key entry: alias, subject and SHA-256 fingerprint of its certificate. */
    record Entry(String alias, X509Certificate certificate, List<X509Certificate> chain) {
        String describe() {
            return "'" + alias + "' (" + certificate.getSubjectX500Principal().getName() + ", sha256 "
                    + fingerprint(certificate).substring(0, 16) + "…)";
        }
    }

    static List<Entry> list(KeyStore store) throws GeneralSecurityException {
        List<Entry> entries = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (!store.isKeyEntry(alias)) {
                continue;
            }
            Certificate[] chain = store.getCertificateChain(alias);
            if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
                continue;
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : chain) {
                certificates.add((X509Certificate) c);
            }
            entries.add(new Entry(alias, certificates.get(0), List.copyOf(certificates)));
        }
        entries.sort((a, b) -> a.alias().compareTo(b.alias()));
        return entries;
    }

    /**
     * @param selector an alias, or {@code sha256:HEX} (a prefix of the certificate fingerprint), or
     *                 {@code null} when the store must hold exactly one key
     */
    static Entry select(List<Entry> entries, String selector, String where) {
        if (selector == null) {
            if (entries.size() == 1) {
                return entries.get(0);
            }
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    where + (entries.isEmpty() ? " holds no private key with a certificate"
                            : " holds " + entries.size() + " keys and none was selected: " + describe(entries)),
                    entries.isEmpty() ? "Import the key together with its certificate."
                            : "Select one by alias (key label) or by sha256:<fingerprint prefix>.");
        }
        String wanted = selector.strip();
        for (Entry e : entries) {
            if (e.alias().equals(wanted)) {
                return e;
            }
        }
        if (wanted.toLowerCase(Locale.ROOT).startsWith("sha256:") && wanted.length() > 7 + 7) {
            String prefix = wanted.substring(7).toLowerCase(Locale.ROOT).replace(":", "");
            List<Entry> matches = entries.stream().filter(e -> fingerprint(e.certificate()).startsWith(prefix)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
        }
        throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                where + " has no key '" + wanted + "'; it holds: " + (entries.isEmpty() ? "nothing" : describe(entries)),
                "Select an existing alias (key label) or sha256:<fingerprint prefix>.");
    }

    static String describe(List<Entry> entries) {
        return String.join(", ", entries.stream().map(Entry::describe).toList());
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks that the private key really belongs to the certificate, by signing and verifying a probe. */
    static void checkPair(PrivateKey key, X509Certificate certificate, java.security.Provider provider, String where) {
        String algorithm = "EC".equals(certificate.getPublicKey().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "certyneo key probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            Signature s = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
            s.initSign(key);
            s.update(probe);
            byte[] value = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(certificate.getPublicKey());
            v.update(probe);
            if (!v.verify(value)) {
                throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                        where + ": the private key does not match the certificate " + certificate.getSubjectX500Principal().getName(),
                        "Import the certificate that belongs to this key.");
            }
        } catch (GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    where + ": the key of " + certificate.getSubjectX500Principal().getName() + " cannot sign: " + e.getMessage(),
                    "Check that the key is usable for signing (CKA_SIGN, login state).", e);
        }
    }
}
