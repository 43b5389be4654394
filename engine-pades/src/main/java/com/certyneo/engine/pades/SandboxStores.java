package com.certyneo.engine.pades;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the sandbox PKCS#12 stores, through a key cache next to each store.
 *
 * <p>A PKCS#12 store derives a key with PBKDF2 (10,000 HMAC-SHA256 iterations) for its MAC, its
 * certificate bag and each private key: in a fresh JVM that cold code cost about a second of every
 * sandbox command. The store's password is fixed and published (sandbox material, never a secret), so
 * those iterations protect nothing; what protects the keys is the file's owner-only permission. The cache
 * ({@code STORE.cache}, e.g. {@code sandbox-pki.p12.cache}) keeps the same entries protected the same way:
 * owner-only (created as a temporary file, then moved into place), encrypted with AES-256-GCM under a key
 * derived from the same published password by one SHA-256, and bound to the store: its header holds the
 * SHA-256 of the store's bytes (authenticated as GCM additional data), so a replaced or recreated store
 * is read the slow way again and the cache rewritten. The PKCS#12 store stays the reference; the cache
 * is never read without it, and a missing, stale or damaged cache is simply rebuilt (or, in a read-only
 * home, skipped).
 */
final class SandboxStores {

    private static final byte[] MAGIC = "certyneo sandbox key cache v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_LENGTH = 32;
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;

    private SandboxStores() {
    }

    /**
     * @param store    a PKCS#12 store
     * @param password its password
     * @param aliases  the key entries to read
     * @return the entries, by alias, in the order asked
     * @throws GeneralSecurityException when the store lacks an entry or cannot be decrypted
     * @throws IOException              when the store cannot be read
     */
    static Map<String, SandboxPki.Entry> load(Path store, char[] password, List<String> aliases)
            throws IOException, GeneralSecurityException {
        byte[] storeBytes = Files.readAllBytes(store);
        byte[] header = header(MessageDigest.getInstance("SHA-256").digest(storeBytes));
        Path cache = cacheOf(store);
        Map<String, SandboxPki.Entry> cached = readCache(cache, header, password, aliases);
        if (cached != null) {
            return cached;
        }
        Map<String, SandboxPki.Entry> entries = readStore(storeBytes, password, aliases);
        writeCache(cache, header, password, entries);
        return entries;
    }

    /** @return the cache file of a store */
    static Path cacheOf(Path store) {
        return store.resolveSibling(store.getFileName() + ".cache");
    }

    private static Map<String, SandboxPki.Entry> readStore(byte[] storeBytes, char[] password, List<String> aliases)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(storeBytes), password);
        Map<String, SandboxPki.Entry> entries = new LinkedHashMap<>();
        for (String alias : aliases) {
            PrivateKey key = (PrivateKey) ks.getKey(alias, password);
            Certificate[] chain = ks.getCertificateChain(alias);
            if (key == null || chain == null) {
                throw new GeneralSecurityException("the sandbox store has no entry '" + alias + "'");
            }
            entries.put(alias, new SandboxPki.Entry(key, Arrays.stream(chain).map(c -> (X509Certificate) c).toList()));
        }
        return entries;
    }

    /** @return the cached entries, or null when the cache is missing, stale, damaged or lacks an alias */
    private static Map<String, SandboxPki.Entry> readCache(Path cache, byte[] header, char[] password, List<String> aliases) {
        try {
            if (!Files.isRegularFile(cache)) {
                return null;
            }
            byte[] file = Files.readAllBytes(cache);
            if (file.length < header.length + IV_LENGTH || !Arrays.equals(file, 0, header.length, header, 0, header.length)) {
                return null;
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, cacheKey(password),
                    new GCMParameterSpec(TAG_BITS, file, header.length, IV_LENGTH));
            cipher.updateAAD(header);
            int offset = header.length + IV_LENGTH;
            byte[] plain = cipher.doFinal(file, offset, file.length - offset);
            Map<String, SandboxPki.Entry> all = decode(plain);
            Map<String, SandboxPki.Entry> entries = new LinkedHashMap<>();
            for (String alias : aliases) {
                SandboxPki.Entry entry = all.get(alias);
                if (entry == null) {
                    return null;
                }
                entries.put(alias, entry);
            }
            return entries;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null; // rebuilt from the store
        }
    }

    private static void writeCache(Path cache, byte[] header, char[] password, Map<String, SandboxPki.Entry> entries) {
        Path tmp = null;
        try {
            byte[] iv = new byte[IV_LENGTH];
            new SecureRandom().nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, cacheKey(password), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(header);
            byte[] sealed = cipher.doFinal(encode(entries));
            // Files.createTempFile makes the file owner-only on POSIX file systems, like the stores themselves.
            tmp = Files.createTempFile(cache.getParent(), "." + cache.getFileName(), ".part");
            ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + iv.length + sealed.length);
            out.write(header);
            out.write(iv);
            out.write(sealed);
            Files.write(tmp, out.toByteArray());
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // a read-only home, or a file system without atomic moves: work without the cache
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private static byte[] header(byte[] storeDigest) {
        byte[] header = Arrays.copyOf(MAGIC, MAGIC.length + DIGEST_LENGTH);
        System.arraycopy(storeDigest, 0, header, MAGIC.length, DIGEST_LENGTH);
        return header;
    }

    private static SecretKeySpec cacheKey(char[] password) throws GeneralSecurityException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(MAGIC);
        sha256.update(new String(password).getBytes(StandardCharsets.UTF_8));
        return new SecretKeySpec(sha256.digest(), "AES");
    }

    private static byte[] encode(Map<String, SandboxPki.Entry> entries) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(entries.size());
        for (Map.Entry<String, SandboxPki.Entry> e : entries.entrySet()) {
            PrivateKey key = e.getValue().key();
            out.writeUTF(e.getKey());
            out.writeUTF(key.getAlgorithm());
            writeBytes(out, key.getEncoded());
            out.writeInt(e.getValue().chain().size());
            for (X509Certificate certificate : e.getValue().chain()) {
                writeBytes(out, certificate.getEncoded());
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static Map<String, SandboxPki.Entry> decode(byte[] plain) throws IOException, GeneralSecurityException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        CertificateFactory certificates = CertificateFactory.getInstance("X.509");
        Map<String, SandboxPki.Entry> entries = new LinkedHashMap<>();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String alias = in.readUTF();
            String algorithm = in.readUTF();
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(readBytes(in)));
            int length = in.readInt();
            List<X509Certificate> chain = new ArrayList<>(length);
            for (int c = 0; c < length; c++) {
                chain.add((X509Certificate) certificates.generateCertificate(new ByteArrayInputStream(readBytes(in))));
            }
            entries.put(alias, new SandboxPki.Entry(key, List.copyOf(chain)));
        }
        if (in.available() != 0) {
            throw new IOException("trailing bytes in the key cache");
        }
        return entries;
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("truncated key cache");
        }
        return in.readNBytes(length);
    }
}
