package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * Normalises externally produced signature values (ECDSA raw r‖s → DER) and verifies them against
 * the signing certificate before anything is embedded, so that a wrong value is a typed error and
 * never a broken PDF.
 */
final class SignatureValues {

    private SignatureValues() {
    }

    /**
     * @param value the value as received
     * @param jcaAlgorithm the JCA signature algorithm
     * @param certificate the signing certificate
     * @param signedData the DER signed attributes
     * @param who a description of where the value came from, for messages
     * @return the value in the encoding CMS needs (DER for ECDSA)
     * @throws SignatureEngineException with {@link ErrorCode#INVALID_SIGNATURE_VALUE} when it does not verify
     */
    static byte[] normalizeAndVerify(byte[] value, String jcaAlgorithm, X509Certificate certificate, byte[] signedData,
                                     String who) {
        if (value == null || value.length == 0) {
            throw invalid(who, certificate, jcaAlgorithm, "it is empty");
        }
        byte[] normalized = value;
        if (certificate.getPublicKey() instanceof ECPublicKey ec && !isDerEcdsa(value)) {
            int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            if (value.length != 2 * size) {
                throw invalid(who, certificate, jcaAlgorithm,
                        "it is neither DER nor a raw r||s value of " + 2 * size + " bytes (" + value.length + " bytes)");
            }
            normalized = rawToDer(value, size);
        }
        boolean ok = LightweightEcdsa.verifies(jcaAlgorithm, certificate.getPublicKey(), signedData, normalized);
        if (!ok) {
            try {
                Signature verifier = Signature.getInstance(jcaAlgorithm.endsWith("andMGF1") ? "RSASSA-PSS" : jcaAlgorithm);
                if (jcaAlgorithm.endsWith("andMGF1")) {
                    verifier.setParameter(pss(jcaAlgorithm));
                }
                verifier.initVerify(certificate.getPublicKey());
                verifier.update(signedData);
                ok = verifier.verify(normalized);
            } catch (GeneralSecurityException | RuntimeException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw invalid(who, certificate, jcaAlgorithm, "it does not verify with the certificate's public key over the prepared signed attributes");
        }
        return normalized;
    }

    static PSSParameterSpec pss(String jcaAlgorithm) {
        String digest = jcaAlgorithm.substring(0, jcaAlgorithm.indexOf("with"));
        String name = "SHA-" + digest.substring(3);
        int length = Integer.parseInt(digest.substring(3)) / 8;
        return new PSSParameterSpec(name, "MGF1", new MGF1ParameterSpec(name), length, 1);
    }

    private static SignatureEngineException invalid(String who, X509Certificate certificate, String algorithm, String why) {
        return new SignatureEngineException(ErrorCode.INVALID_SIGNATURE_VALUE,
                "The " + algorithm + " signature value from " + who + " for certificate "
                        + certificate.getSubjectX500Principal().getName() + " (serial " + certificate.getSerialNumber().toString(16)
                        + ") is rejected: " + why,
                "Sign exactly the prepared data (or its digest) with the key of this certificate; nothing was written.");
    }

    private static boolean isDerEcdsa(byte[] value) {
        if (value.length < 8 || value[0] != 0x30) {
            return false;
        }
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(value);
            if (!(p instanceof ASN1Sequence seq) || seq.size() != 2) {
                return false;
            }
            return seq.getObjectAt(0) instanceof ASN1Integer && seq.getObjectAt(1) instanceof ASN1Integer
                    && java.util.Arrays.equals(p.getEncoded("DER"), value);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] rawToDer(byte[] raw, int size) {
        try {
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, size))));
            v.add(new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, size, 2 * size))));
            return new DERSequence(v).getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A signature value that {@link #normalizeAndVerify} verified: {@code value} (as embedded) over
     * {@code signedData} with the public key of {@code certificate}. Verification is a function of these bytes
     * alone, so a later check of the same three (the output self-check) may count them as verified instead of
     * verifying again; anything that differs in a byte is verified in full.
     */
    record Verified(X509Certificate certificate, byte[] signedData, byte[] value) {
        Verified {
            signedData = signedData.clone();
            value = value.clone();
        }

        /** Whether these are exactly the bytes verified: the same certificate, signed data and value. */
        boolean covers(byte[] certificateDer, byte[] otherSignedData, byte[] otherValue) {
            try {
                return java.util.Arrays.equals(signedData, otherSignedData) && java.util.Arrays.equals(value, otherValue)
                        && java.util.Arrays.equals(certificate.getEncoded(), certificateDer);
            } catch (java.security.cert.CertificateEncodingException e) {
                return false;
            }
        }
    }
}
