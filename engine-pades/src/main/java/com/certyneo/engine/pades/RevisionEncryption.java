package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.PDCryptFilterDictionary;
import org.apache.pdfbox.pdmodel.encryption.PDEncryption;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Encrypts the strings and streams of an appended revision with the key of the encrypted document it extends
 * (ISO 32000-1 §7.6.2, standard security handler): RC4 (/V 1, 2, or 4 with /CFM /V2), AES-128 (/V 4, /CFM /AESV2)
 * or AES-256 (/V 5, /CFM /AESV3), as the document's /StrF and /StmF name it. The document keeps its /Encrypt
 * dictionary and its file key: the revision's trailer refers to the same dictionary.
 *
 * <p>What is not encrypted (§7.6.1): the cross-reference stream, the trailer, the /Contents string of a signature or
 * document time-stamp dictionary (written as reserved bytes by {@link SignaturePlaceholder}), and the metadata stream
 * when the document says /EncryptMetadata false.
 *
 * <p>AES needs an initialisation vector per string and stream; it is derived (HMAC-SHA256 keyed with the file key,
 * over the object's number, generation, position and plaintext) rather than drawn at random, so that the engine's
 * revisions stay deterministic (two-step signing lays out the same revision twice). Immutable.
 */
final class RevisionEncryption {

    /** How one kind of value (strings, streams) is encrypted. */
    private enum Method {
        NONE("None"), RC4("V2"), AES_128("AESV2"), AES_256("AESV3");

        /** The /CFM name of this method. */
        final String cfm;

        Method(String cfm) {
            this.cfm = cfm;
        }
    }

    private final byte[] fileKey;
    private final Method strings;
    private final Method streams;
    private final boolean metadata;

    private RevisionEncryption(byte[] fileKey, Method strings, Method streams, boolean metadata) {
        this.fileKey = fileKey;
        this.strings = strings;
        this.streams = streams;
        this.metadata = metadata;
    }

    /**
     * @return the encryption of {@code document}'s new objects, or {@code null} when it is not encrypted
     * @throws SignatureEngineException ENCRYPTED_PDF for a security handler other than the standard one
     */
    static RevisionEncryption of(PDDocument document, String name) {
        if (!document.isEncrypted()) {
            return null;
        }
        PDEncryption encryption = document.getEncryption();
        byte[] key;
        try {
            key = encryption.getSecurityHandler().getEncryptionKey();
        } catch (IOException | RuntimeException e) {
            key = null;
        }
        if (!"Standard".equals(encryption.getFilter()) || key == null) {
            throw new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' is encrypted with the "
                    + encryption.getFilter() + " security handler, which the engine cannot extend",
                    "Remove the protection (for example with qpdf --decrypt) and sign the decrypted file.", null);
        }
        int version = encryption.getVersion();
        Method strings;
        Method streams;
        if (version == 4 || version == 5) {
            strings = method(encryption, encryption.getStringFilterName(), name);
            streams = method(encryption, encryption.getStreamFilterName(), name);
        } else {
            strings = Method.RC4;
            streams = Method.RC4;
        }
        requireConsistent(version, key, strings, streams, name);
        return new RevisionEncryption(key.clone(), strings, streams, encryption.isEncryptMetaData());
    }

    /**
     * Refuses an encryption dictionary whose parts contradict one another: ISO 32000-2 §7.6.3 ties /V 5 to a
     * 32-byte file key used as it is and to the AESV3 crypt filter method, and every /V below 5 to a key of 5 to 16
     * bytes (exactly 16 for AESV2) from which each object's key is derived (Algorithm 1). A mix, such as /V 5 with
     * /CFM /AESV2, is read differently by different readers (PDFBox decides by the key's length, qpdf by /V, others
     * by the method), so no revision the engine adds could read alike everywhere: a signature dictionary's /M and /T
     * would decrypt to noise in some of them.
     */
    private static void requireConsistent(int version, byte[] key, Method strings, Method streams, String name) {
        boolean v5 = version == 5;
        String contradiction = null;
        if (v5 ? key.length != 32 : key.length < 5 || key.length > 16) { // 40 to 128 bits below /V 5 (/Length)
            contradiction = "/V " + version + " with a " + key.length + "-byte file key";
        } else if (!consistent(strings, v5)) {
            contradiction = "/V " + version + " with /CFM /" + strings.cfm + " for strings";
        } else if (!consistent(streams, v5)) {
            contradiction = "/V " + version + " with /CFM /" + streams.cfm + " for streams";
        } else if ((strings == Method.AES_128 || streams == Method.AES_128) && key.length != 16) {
            contradiction = "/CFM /AESV2 with a " + key.length + "-byte file key"; // AES-128 needs 16 bytes
        }
        if (contradiction != null) {
            throw new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' has an encryption dictionary that "
                    + "contradicts itself (" + contradiction + "): PDF readers disagree on how its objects are decrypted,"
                    + " so no revision added to it would read the same in all of them",
                    "Re-encrypt it consistently (for example qpdf --decrypt, then qpdf --encrypt) and sign that file.", null);
        }
    }

    /** Whether {@code method} is one the dictionary's version allows: AESV3 exactly with /V 5. */
    private static boolean consistent(Method method, boolean v5) {
        return method == Method.NONE || (method == Method.AES_256) == v5;
    }

    /**
     * The method of the crypt filter {@code filter} (/StrF or /StmF) names. Only /Identity and /StdCF with a method
     * are extended: PDFBox (and so DSS) decrypts every string and stream by /StdCF's method whatever name the
     * dictionary gives, and by RC4 when /StdCF is missing or has no method (/None, the default), where qpdf and
     * poppler follow the name (MuPDF refuses any name but /StdCF) and take /None for data that is not encrypted: no
     * revision would read alike in all of them.
     */
    private static Method method(PDEncryption encryption, COSName filter, String name) {
        if (filter == null || COSName.IDENTITY.equals(filter)) {
            return Method.NONE;
        }
        PDCryptFilterDictionary crypt = encryption.getCryptFilterDictionary(filter);
        COSName cfm = crypt == null ? null : crypt.getCryptFilterMethod();
        String unreadable = !COSName.STD_CF.equals(filter) ? "/" + filter.getName() + ", not the standard /StdCF"
                : crypt == null ? "/StdCF, which its /CF does not define"
                : cfm == null || COSName.NONE.equals(cfm) ? "/StdCF without a method (/CFM /None)" : null;
        if (unreadable != null) {
            throw new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' names the crypt filter "
                    + unreadable + ": PDF readers disagree on how its objects are decrypted, so no revision added to it"
                    + " would read the same in all of them",
                    "Re-encrypt it with a standard tool (for example qpdf --decrypt, then qpdf --encrypt) and sign that file.",
                    null);
        }
        return switch (cfm.getName()) {
            case "V2" -> Method.RC4;
            case "AESV2" -> Method.AES_128;
            case "AESV3" -> Method.AES_256;
            default -> throw new SignatureEngineException(ErrorCode.ENCRYPTED_PDF, "'" + name + "' is encrypted with "
                    + "the crypt filter method /" + cfm.getName() + ", which the engine cannot extend",
                    "Remove the protection (for example with qpdf --decrypt) and sign the decrypted file.", null);
        };
    }

    /** @return a short description: the methods of strings and streams (for tests and logs; never the key) */
    @Override
    public String toString() {
        return "RevisionEncryption[strings " + strings + ", streams " + streams + "]";
    }

    /**
     * @param key the object the string belongs to
     * @param position the string's position in the object (it makes equal strings of one object differ under AES)
     * @return the string's bytes as they are written in the file
     */
    byte[] string(COSObjectKey key, int position, byte[] plain) {
        return encrypt(strings, key, "string " + position, plain);
    }

    /** @return whether the data of {@code stream} is encrypted (not for a cross-reference or unencrypted metadata stream) */
    boolean encryptsStream(COSDictionary stream) {
        COSName type = stream.getCOSName(COSName.TYPE);
        return encryptsStream(type == null ? null : type.getName());
    }

    /** @return whether the data of a stream whose /Type is {@code type} (or null) is encrypted */
    private boolean encryptsStream(String type) {
        return !"XRef".equals(type) && streams != Method.NONE && (metadata || !"Metadata".equals(type));
    }

    /** @return the stream's (still filtered) data as written in the file */
    byte[] stream(COSObjectKey key, byte[] raw) {
        return encrypt(streams, key, "stream", raw);
    }

    /**
     * @return the plain bytes of a string of object {@code key} as a reader decrypts it, or {@code null} when they
     *         cannot be decrypted (an AES string too short or badly padded)
     */
    byte[] decryptString(COSObjectKey key, byte[] written) {
        return decrypt(strings, key, written);
    }

    /**
     * @param type the stream's /Type, or null
     * @return the (still filtered) data of a stream of object {@code key} as a reader decrypts it: {@code written} for
     *         a stream that is not encrypted (see {@link #encryptsStream}), {@code null} when it cannot be decrypted
     */
    byte[] decryptStream(COSObjectKey key, String type, byte[] written) {
        return encryptsStream(type) ? decrypt(streams, key, written) : written;
    }

    private byte[] decrypt(Method method, COSObjectKey key, byte[] written) {
        try {
            switch (method) {
                case NONE:
                    return written;
                case RC4: {
                    Cipher rc4 = Cipher.getInstance("ARCFOUR");
                    rc4.init(Cipher.DECRYPT_MODE, new SecretKeySpec(objectKey(key, false), "ARCFOUR"));
                    return rc4.doFinal(written);
                }
                default: {
                    if (written.length < 32 || written.length % 16 != 0) {
                        return null; // an initialisation vector and at least one (padding) block
                    }
                    byte[] aesKey = method == Method.AES_256 ? fileKey : objectKey(key, true);
                    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
                    aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"),
                            new IvParameterSpec(written, 0, 16));
                    return aes.doFinal(written, 16, written.length - 16);
                }
            }
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt with " + method + ": " + e, e);
        }
    }

    private byte[] encrypt(Method method, COSObjectKey key, String where, byte[] plain) {
        try {
            switch (method) {
                case NONE:
                    return plain;
                case RC4: {
                    Cipher rc4 = Cipher.getInstance("ARCFOUR");
                    rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(objectKey(key, false), "ARCFOUR"));
                    return rc4.doFinal(plain);
                }
                default: {
                    byte[] aesKey = method == Method.AES_256 ? fileKey : objectKey(key, true);
                    byte[] iv = iv(key, where, plain);
                    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
                    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(iv));
                    byte[] body = aes.doFinal(plain);
                    byte[] out = Arrays.copyOf(iv, iv.length + body.length);
                    System.arraycopy(body, 0, out, iv.length, body.length);
                    return out;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt with " + method + ": " + e, e);
        }
    }

    /** Algorithm 1 of ISO 32000-1 §7.6.2: the file key, the object number and generation (and "sAlT" for AES), MD5. */
    private byte[] objectKey(COSObjectKey key, boolean aes) throws GeneralSecurityException {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(fileKey);
        long n = key.getNumber();
        int g = key.getGeneration();
        md5.update(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) g, (byte) (g >>> 8)});
        if (aes) {
            md5.update("sAlT".getBytes(StandardCharsets.US_ASCII));
        }
        return Arrays.copyOf(md5.digest(), Math.min(fileKey.length + 5, 16));
    }

    private byte[] iv(COSObjectKey key, String where, byte[] plain) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(fileKey, "HmacSHA256"));
        mac.update(("certyneo iv " + key.getNumber() + " " + key.getGeneration() + " " + where + " ")
                .getBytes(StandardCharsets.US_ASCII));
        return Arrays.copyOf(mac.doFinal(plain), 16);
    }
}
