package com.certyneo.engine.pades;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.SignerId;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** A TLV: its tag, where it starts (its tag), and where its content starts and ends. */
    private record Tlv(int tag, int at, int start, int end) {
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
            Start start = start(der);
            Tlv sid = start.sid();
            SignerId id;
            if (sid.tag() == 0x30) {
                byte[] bytes = Arrays.copyOfRange(der, sid.at(), sid.end());
                IssuerAndSerialNumber issuerSerial = IssuerAndSerialNumber.getInstance(ASN1Primitive.fromByteArray(bytes));
                id = new SignerId(issuerSerial.getName(), issuerSerial.getSerialNumber().getValue());
            } else if (sid.tag() == 0x80) {
                id = new SignerId(Arrays.copyOfRange(der, sid.start(), sid.end()));
            } else {
                return null;
            }
            byte[] match = sid.tag() == 0x30 ? matchByIssuerAndSerial(der, sid, start.certificates()) : null;
            if (match != null && id.match(parsed(match, parsed))) {
                return parsed(match, parsed); // found without parsing the other certificates
            }
            for (byte[] certificate : start.certificates()) {
                if (id.match(parsed(certificate, parsed))) {
                    return parsed(certificate, parsed);
                }
            }
            return null;
        } catch (Incomplete | IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code certificate} parsed, once: kept in {@code parsed}. */
    private static X509CertificateHolder parsed(byte[] certificate,
                                                java.util.Map<java.nio.ByteBuffer, X509CertificateHolder> parsed)
            throws IOException {
        X509CertificateHolder holder = parsed.get(java.nio.ByteBuffer.wrap(certificate));
        if (holder == null) {
            holder = new X509CertificateHolder(certificate);
            parsed.put(java.nio.ByteBuffer.wrap(certificate), holder);
        }
        return holder;
    }

    /** What a CMS's first bytes give: its certificates (their DER) and its first SignerInfo's sid. */
    private record Start(List<byte[]> certificates, Tlv sid) {
    }

    private static Start start(byte[] der) throws Incomplete {
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
                    certificates.add(Arrays.copyOfRange(der, c, certificate.end()));
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
        return new Start(certificates, whole(der, signerVersion.end(), -1));
    }

    /**
     * The DER of the signing certificate of the CMS whose first bytes are {@code der}: the certificate whose issuer
     * and serial number are, byte for byte, those of the first SignerInfo's {@code sid}, found without parsing any
     * certificate; else (a subject-key-identifier sid, or encodings that differ only in form) the certificate
     * {@link #signer(byte[], java.util.Map)} finds. {@code null} when the prefix does not settle it.
     */
    static byte[] signerEncoding(byte[] der, java.util.Map<java.nio.ByteBuffer, X509CertificateHolder> parsed) {
        try {
            Start start = start(der);
            byte[] match = start.sid().tag() == 0x30 ? matchByIssuerAndSerial(der, start.sid(), start.certificates()) : null;
            if (match != null) {
                return match;
            }
        } catch (Incomplete | RuntimeException e) {
            return null;
        }
        X509CertificateHolder holder = signer(der, parsed);
        try {
            return holder == null ? null : holder.getEncoded();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The certificate (of {@code certificates}) whose TBSCertificate's serialNumber and issuer are, byte for byte,
     * the serialNumber and issuer of the IssuerAndSerialNumber {@code sid} of {@code der}; {@code null} when none is.
     */
    private static byte[] matchByIssuerAndSerial(byte[] der, Tlv sid, List<byte[]> certificates) throws Incomplete {
        Tlv issuer = whole(der, sid.start(), 0x30);
        Tlv serial = whole(der, issuer.end(), 0x02);
        if (serial.end() != sid.end()) {
            return null;
        }
        for (byte[] certificate : certificates) {
            try {
                Tbs tbs = Tbs.of(certificate);
                if (Arrays.equals(certificate, tbs.serial().at(), tbs.serial().end(), der, issuer.end(), serial.end())
                        && Arrays.equals(certificate, tbs.issuer().at(), tbs.issuer().end(), der, sid.start(), issuer.end())) {
                    return certificate;
                }
            } catch (Incomplete e) {
                // not a certificate this reader understands: the parsing fallback decides
            }
        }
        return null;
    }

    /**
     * @param certificate a DER X.509 certificate
     * @return its SubjectPublicKeyInfo, tag and length included (the key two certificates of one key share byte for
     * byte), or {@code null} when the encoding is not one this reader follows
     */
    static java.nio.ByteBuffer subjectPublicKeyInfo(byte[] certificate) {
        try {
            Tlv key = Tbs.of(certificate).subjectPublicKeyInfo();
            return java.nio.ByteBuffer.wrap(certificate, key.at(), key.end() - key.at());
        } catch (Incomplete e) {
            return null;
        }
    }

    /** The fields of a TBSCertificate (RFC 5280 §4.1) up to the subject's key, each a whole TLV. */
    private record Tbs(Tlv serial, Tlv issuer, Tlv subjectPublicKeyInfo) {
        static Tbs of(byte[] certificate) throws Incomplete {
            Tlv outer = whole(certificate, 0, 0x30);
            Tlv tbs = whole(certificate, outer.start(), 0x30);
            int at = tbs.start();
            if (tag(certificate, at) == 0xA0) {
                at = whole(certificate, at, 0xA0).end(); // version
            }
            Tlv serial = whole(certificate, at, 0x02);
            Tlv algorithm = whole(certificate, serial.end(), 0x30);
            Tlv issuer = whole(certificate, algorithm.end(), 0x30);
            Tlv validity = whole(certificate, issuer.end(), 0x30);
            Tlv subject = whole(certificate, validity.end(), 0x30);
            return new Tbs(serial, issuer, whole(certificate, subject.end(), 0x30));
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
        return new Tlv(t, at, start, (int) (start + length));
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
