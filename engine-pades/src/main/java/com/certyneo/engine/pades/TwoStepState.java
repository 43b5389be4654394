package com.certyneo.engine.pades;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.VisibleAppearance;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The state carried from {@code prepare} to {@code complete}. It does not contain the document:
 * the caller supplies the same document again, and the state pins it by SHA-256. It does contain the
 * small revision the engine appended during preparation (its output is not reproducible byte for
 * byte, since PDFBox writes a fresh /ID and dates), so step 2 rebuilds exactly the bytes step 1
 * hashed. The whole state is versioned and sealed with HMAC-SHA256 under the engine's state key. It never holds the
 * password of an encrypted document (the state is sealed, not secret): step 2 is given it again.
 *
 * <p>Layout: magic "CN2S", version, fields, then the 32-byte HMAC of everything before it.
 */
record TwoStepState(boolean sandbox, String documentName, byte[] inputSha256, boolean replaced, byte[] increment,
                    SignatureLevel level, PadesProfile profile, String signerName, String signerEmail,
                    Optional<String> reason, Optional<String> location, Optional<String> contactInfo,
                    Instant signingTime, boolean rsaPss, List<X509Certificate> chain, byte[] dataToSignSha256,
                    String signatureAlgorithm, Optional<String> fieldName, Optional<VisibleAppearance> appearance,
                    Optional<CertificationLevel> certification, Optional<FieldLock> lock) {

    private static final int MAGIC = 0x434E3253; // "CN2S"
    /**
     * 4: with certification and field lock; 3: with the visible appearance box; 2: the engine's own pipeline, with
     * the field name (states of version 1 were for the DSS path).
     */
    private static final int VERSION = 4;
    private static final int MAC_LENGTH = 32;
    private static final int MAX_STATE = 64 * 1024 * 1024;

    byte[] encode(byte[] key) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096 + increment.length);
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeBoolean(sandbox);
            out.writeUTF(documentName);
            bytes(out, inputSha256);
            out.writeBoolean(replaced);
            bytes(out, increment);
            out.writeUTF(level.name());
            out.writeUTF(profile.name());
            out.writeUTF(signerName);
            out.writeUTF(signerEmail);
            optional(out, reason);
            optional(out, location);
            optional(out, contactInfo);
            out.writeLong(signingTime.getEpochSecond());
            out.writeBoolean(rsaPss);
            out.writeShort(chain.size());
            for (X509Certificate c : chain) {
                bytes(out, c.getEncoded());
            }
            bytes(out, dataToSignSha256);
            out.writeUTF(signatureAlgorithm);
            optional(out, fieldName);
            out.writeBoolean(appearance.isPresent());
            if (appearance.isPresent()) {
                VisibleAppearance box = appearance.get();
                out.writeInt(box.page());
                out.writeFloat(box.x());
                out.writeFloat(box.y());
                out.writeFloat(box.width());
                out.writeFloat(box.height());
                out.writeBoolean(box.image().isPresent());
                if (box.image().isPresent()) {
                    bytes(out, box.image().get().bytes());
                }
            }
            out.writeShort(certification.map(CertificationLevel::permission).orElse(0));
            optional(out, lock.map(l -> l.action().name()));
            if (lock.isPresent()) {
                out.writeShort(lock.get().fields().size());
                for (String field : lock.get().fields()) {
                    out.writeUTF(field);
                }
            }
            out.flush();
            byte[] body = buffer.toByteArray();
            byte[] mac = mac(key, body);
            byte[] all = Arrays.copyOf(body, body.length + MAC_LENGTH);
            System.arraycopy(mac, 0, all, body.length, MAC_LENGTH);
            return all;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encode the two-step state", e);
        }
    }

    static TwoStepState decode(byte[] state, byte[] key) {
        if (state == null || state.length < 8 + MAC_LENGTH || state.length > MAX_STATE) {
            throw mismatch("it is not a two-step state of this engine (wrong size)");
        }
        byte[] body = Arrays.copyOf(state, state.length - MAC_LENGTH);
        byte[] mac = Arrays.copyOfRange(state, state.length - MAC_LENGTH, state.length);
        if (!MessageDigest.isEqual(mac, mac(key, body))) {
            throw mismatch("its integrity check failed: it was modified, or it was prepared by an engine with another state key");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            if (in.readInt() != MAGIC || in.readShort() != VERSION) {
                throw mismatch("unknown format or version");
            }
            boolean sandbox = in.readBoolean();
            String name = in.readUTF();
            byte[] inputSha256 = bytes(in);
            boolean replaced = in.readBoolean();
            byte[] increment = bytes(in);
            SignatureLevel level = SignatureLevel.valueOf(in.readUTF());
            PadesProfile profile = PadesProfile.valueOf(in.readUTF());
            String signerName = in.readUTF();
            String signerEmail = in.readUTF();
            Optional<String> reason = optional(in);
            Optional<String> location = optional(in);
            Optional<String> contact = optional(in);
            Instant signingTime = Instant.ofEpochSecond(in.readLong());
            boolean rsaPss = in.readBoolean();
            int n = in.readShort();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(bytes(in))));
            }
            byte[] tbsSha = bytes(in);
            String algorithm = in.readUTF();
            Optional<String> field = optional(in);
            Optional<VisibleAppearance> appearance = in.readBoolean()
                    ? Optional.of(VisibleAppearance.of(in.readInt(), in.readFloat(), in.readFloat(), in.readFloat(),
                            in.readFloat()))
                    : Optional.empty();
            if (appearance.isPresent() && in.readBoolean()) {
                appearance = Optional.of(appearance.get().withImage(com.certyneo.engine.AppearanceImage.of(bytes(in))));
            }
            int permission = in.readShort();
            Optional<CertificationLevel> certification = permission == 0 ? Optional.empty()
                    : Optional.of(CertificationLevel.ofPermission(permission));
            Optional<FieldLock.Action> action = optional(in).map(FieldLock.Action::valueOf);
            Optional<FieldLock> lock = Optional.empty();
            if (action.isPresent()) {
                List<String> fields = new ArrayList<>();
                for (int i = in.readShort(); i > 0; i--) {
                    fields.add(in.readUTF());
                }
                lock = Optional.of(new FieldLock(action.get(), fields));
            }
            if (in.read() != -1) {
                throw new IOException("trailing bytes");
            }
            return new TwoStepState(sandbox, name, inputSha256, replaced, increment, level, profile, signerName, signerEmail,
                    reason, location, contact, signingTime, rsaPss, List.copyOf(chain), tbsSha, algorithm, field,
                    appearance, certification, lock);
        } catch (SignatureEngineException e) {
            throw mismatch("it does not parse (an unusable appearance box)");
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw mismatch("it does not parse (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** @return the bytes step 1 signed over: the input plus the engine's revision */
    byte[] preparedDocument(byte[] input) {
        if (replaced) {
            return increment.clone();
        }
        byte[] all = Arrays.copyOf(input, input.length + increment.length);
        System.arraycopy(increment, 0, all, input.length, increment.length);
        return all;
    }

    static SignatureEngineException mismatch(String why) {
        return new SignatureEngineException(ErrorCode.STATE_MISMATCH, "The two-step signing state is refused: " + why,
                "Pass the state returned by prepare() unchanged, to an engine configured with the same state key.");
    }

    private static byte[] mac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STATE) {
            throw new IOException("bad length");
        }
        return in.readNBytes(n);
    }

    private static void optional(DataOutputStream out, Optional<String> s) throws IOException {
        out.writeBoolean(s.isPresent());
        if (s.isPresent()) {
            out.writeUTF(s.get());
        }
    }

    private static Optional<String> optional(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
    }
}
