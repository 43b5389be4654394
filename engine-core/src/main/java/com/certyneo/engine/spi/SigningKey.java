package com.certyneo.engine.spi;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key that can sign, with its certificate chain. Implementations wrap a JCA key, a
 * PKCS#11 token, or a remote service; the engine never needs the key material itself.
 * Implementations must be thread-safe.
 */
public interface SigningKey {

    /** {@return the signing certificate first, then its issuers up to (optionally) the root} */
    List<X509Certificate> certificateChain();

    /** {@return the signing certificate} */
    default X509Certificate certificate() {
        return certificateChain().get(0);
    }

    /**
     * Signs data with a JCA signature algorithm such as {@code SHA256withECDSA}, {@code SHA256withRSA}
     * or {@code SHA256withRSAandMGF1} (RSASSA-PSS, MGF1 with the same digest, salt length = digest
     * length; the engine asks RSA keys for PSS when it signs in one step). ECDSA values are returned
     * DER-encoded.
     *
     * @param data the bytes to be signed (for PAdES: the DER of the CMS signed attributes)
     * @param jcaAlgorithm the JCA signature algorithm name
     * @return the signature value
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_KEY_ERROR} on failure
     */
    byte[] sign(byte[] data, String jcaAlgorithm);

    /**
     * Wraps an in-memory JCA private key.
     *
     * @param key the private key
     * @param chain the certificate chain, signing certificate first
     * @return a signing key
     */
    static SigningKey of(PrivateKey key, List<X509Certificate> chain) {
        Objects.requireNonNull(key, "key");
        List<X509Certificate> copy = List.copyOf(chain);
        if (copy.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR, "The certificate chain is empty",
                    "Pass the signing certificate first, then its issuers.");
        }
        return new SigningKey() {
            @Override
            public List<X509Certificate> certificateChain() {
                return copy;
            }

            @Override
            public byte[] sign(byte[] data, String jcaAlgorithm) {
                try {
                    Signature signature;
                    if (jcaAlgorithm.endsWith("andMGF1")) {
                        // The JDK names PSS "RSASSA-PSS" and takes the digest from the parameters.
                        signature = Signature.getInstance("RSASSA-PSS");
                        signature.setParameter(Pss.forAlgorithm(jcaAlgorithm));
                    } else {
                        signature = Signature.getInstance(jcaAlgorithm);
                    }
                    signature.initSign(key);
                    signature.update(data);
                    return signature.sign();
                } catch (GeneralSecurityException e) {
                    throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                            "The key of " + copy.get(0).getSubjectX500Principal().getName() + " cannot sign with "
                                    + jcaAlgorithm + ": " + e.getMessage(),
                            "Check that the key matches the certificate and supports the algorithm.", e);
                }
            }

            @Override
            public String toString() {
                return "SigningKey[" + copy.get(0).getSubjectX500Principal().getName() + "]";
            }
        };
    }
}
