package com.certyneo.engine.pades;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.SignerId;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the signing certificate of a CMS SignedData (RFC 5652) from the first bytes of its DER encoding: the
 * certificates and the first SignerInfo's {@code sid} come before the signed attributes, the signature value
 * and the unsigned attributes (a signature time-stamp token, most of a PAdES CMS), so a prefix of a few
 * kilobytes holds them. Only definite-length (DER) encodings are read; anything else, or a prefix that ends
 * too early, gives {@code null} and the caller parses the whole CMS.
 */
final class DerPrefix {

    private DerPrefix() {
    }

    /** A TLV: its tag, and where its content starts and ends. */
    private record Tlv(int tag, int start, int end) {
    }

    /**
     * @param der the first bytes of a DER ContentInfo holding a SignedData
     * @return the certificate of the CMS that matches its first SignerInfo's sid, or {@code null} when the prefix
     *         does not settle it (too short, not DER, no match)
     */
    static X509CertificateHolder signer(byte[] der) {
        return signer(der, new java.util.HashMap<>());
    }

    /**
     * As {@link #signer(byte[])}, reusing the certificates already parsed for earlier calls ({@code parsed}, by
     * their DER; the signatures of one document often share them).
     */
    static X509CertificateHolder signer(byte[] der, java.util.Map<java.nio.ByteBuffer, X509CertificateHolder> parsed) {
        try {
            Tlv contentInfo = header(der, 0, 0x30);
            Tlv type = whole(der, contentInfo.start(), 0x06);
            Tlv explicit = header(der, type.end(), 0xA0);
            Tlv signedData = header(der, explicit.start(), 0x30);
            Tlv version = whole(der, signedData.start(), 0x02);
            Tlv digestAlgorithms = whole(der, version.end(), 0x31);
            Tlv encapsulated = whole(der, digestAlgorithms.end(), 0x30);
            int at = encapsulated.end();
            List<byte[]> certificates = new ArrayList<>();
            if (tag(der, at) == 0xA0) {
                Tlv set = whole(der, at, 0xA0);
                for (int c = set.start(); c < set.end(); ) {
                    Tlv certificate = whole(der, c, -1);
                    if (certificate.tag() == 0x30) {
                        byte[] bytes = new byte[certificate.end() - c];
                        System.arraycopy(der, c, bytes, 0, bytes.length);
                        certificates.add(bytes);
                    }
                    c = certificate.end();
                }
                at = set.end();
            }
            if (tag(der, at) == 0xA1) {
                at = whole(der, at, 0xA1).end();
            }
            Tlv signerInfos = header(der, at, 0x31);
            Tlv signerInfo = header(der, signerInfos.start(), 0x30);
            Tlv signerVersion = whole(der, signerInfo.start(), 0x02);
            int sidAt = signerVersion.end();
            Tlv sid = whole(der, sidAt, -1);
            SignerId id;
            if (sid.tag() == 0x30) {
                byte[] bytes = new byte[sid.end() - sidAt];
                System.arraycopy(der, sidAt, bytes, 0, bytes.length);
                IssuerAndSerialNumber issuerSerial = IssuerAndSerialNumber.getInstance(ASN1Primitive.fromByteArray(bytes));
                id = new SignerId(issuerSerial.getName(), issuerSerial.getSerialNumber().getValue());
            } else if (sid.tag() == 0x80) {
                byte[] keyId = new byte[sid.end() - sid.start()];
                System.arraycopy(der, sid.start(), keyId, 0, keyId.length);
                id = new SignerId(keyId);
            } else {
                return null;
            }
            for (byte[] certificate : certificates) {
                X509CertificateHolder holder = parsed.get(java.nio.ByteBuffer.wrap(certificate));
                if (holder == null) {
                    holder = new X509CertificateHolder(certificate);
                    parsed.put(java.nio.ByteBuffer.wrap(certificate), holder);
                }
                if (id.match(holder)) {
                    return holder;
                }
            }
            return null;
        } catch (Incomplete | IOException | RuntimeException e) {
            return null;
        }
    }

    /** The prefix ends, or the encoding is not what a DER SignedData has there. */
    private static final class Incomplete extends Exception {
        Incomplete() {
            super(null, null, false, false);
        }
    }

    private static int tag(byte[] der, int at) throws Incomplete {
        if (at >= der.length) {
            throw new Incomplete();
        }
        return der[at] & 0xff;
    }

    /** The TLV at {@code at} whose header (not necessarily its content) lies in the prefix; {@code tag} -1: any. */
    private static Tlv header(byte[] der, int at, int tag) throws Incomplete {
        int t = tag(der, at);
        if (tag >= 0 && t != tag || (t & 0x1f) == 0x1f) {
            throw new Incomplete(); // another element, or a multi-byte tag (none in these positions)
        }
        int first = tag(der, at + 1);
        long length;
        int start;
        if (first < 0x80) {
            length = first;
            start = at + 2;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 4) {
                throw new Incomplete(); // indefinite length (BER) or absurd
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = length << 8 | tag(der, at + 2 + i);
            }
            start = at + 2 + n;
        }
        if (length > Integer.MAX_VALUE - start) {
            throw new Incomplete();
        }
        return new Tlv(t, start, (int) (start + length));
    }

    /** As {@link #header}, and the whole element lies in the prefix. */
    private static Tlv whole(byte[] der, int at, int tag) throws Incomplete {
        Tlv tlv = header(der, at, tag);
        if (tlv.end() > der.length) {
            throw new Incomplete();
        }
        return tlv;
    }
}
