package com.certyneo.engine.pades;

import eu.europa.esig.dss.enumerations.SignatureValidity;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.spi.x509.revocation.ocsp.OCSPToken;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;

import java.security.PublicKey;
import java.util.Map;

/**
 * An OCSP token whose ECDSA signature is confirmed with {@link LightweightEcdsa} before DSS's own check, which
 * runs the JDK's verifier (SunEC on JDK 17: about 0.9 ms per P-256 verification, each time a token is built).
 * Only a confirmation is taken from here: any other algorithm, key or outcome goes to DSS's check, whose answer
 * stands. Used for the responses the in-process responder has just signed (sandbox), two or three per signature.
 */
final class LightweightOcspToken extends OCSPToken {

    private static final long serialVersionUID = 1L;

    private static final Map<ASN1ObjectIdentifier, String> ECDSA = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA");

    /**
     * @param response the basic response
     * @param single its response about {@code certificate}
     * @param certificate the certificate asked about
     * @param issuer its issuer (the expected signer of the response)
     */
    LightweightOcspToken(BasicOCSPResp response, SingleResp single, CertificateToken certificate, CertificateToken issuer) {
        super(response, single, certificate, issuer);
    }

    @Override
    protected SignatureValidity checkIsSignedBy(PublicKey key) {
        // called from DSS's constructor too: no field of this class may be used here
        BasicOCSPResp response = getBasicOCSPResp();
        String algorithm = response == null ? null : ECDSA.get(response.getSignatureAlgOID());
        if (algorithm != null && response.getSignatureAlgorithmID().getParameters() == null
                && LightweightEcdsa.verifies(algorithm, key, response.getTBSResponseData(), response.getSignature())) {
            signatureValidity = SignatureValidity.VALID;
            signatureInvalidityReason = "";
            return signatureValidity;
        }
        return super.checkIsSignedBy(key);
    }
}
