package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.testvectors.SamplePdfs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A seal whose own self-signed certificate is the trust anchor (certyneo sign --p12 seal.p12 --trust
 * seal.pem): DSS's default leaves trust anchors out of the CMS, which produced a signature carrying no
 * certificate at all (DSS: NO_SIGNING_CERTIFICATE_FOUND). The signing certificate is always embedded.
 */
class TrustedSealCertificateTest {

    @Test
    void aSelfSignedTrustedSealStillEmbedsItsCertificate() throws Exception {
        Instant now = Instant.now();
        KeyPair keys = X509Builder.newEcKeyPair();
        X509Certificate self = X509Builder.of(new X500Name("CN=Self-signed Seal,O=Example,C=FR"), keys.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                .validity(now.minusSeconds(60), now.plusSeconds(3600)).selfSigned(keys.getPrivate());
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(SigningKey.of(keys.getPrivate(), List.of(self)))
                .trustAnchor(self).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Self-signed Seal", "seal@example.com")).level(SignatureLevel.SES)
                .profile(PadesProfile.B_B).build());
        byte[] signed = out.toByteArray();

        DssFindings.Entry dss = DssFindings.of(signed, List.of(self)).signatures().get(0);
        assertFalse("NO_SIGNING_CERTIFICATE_FOUND".equals(dss.subIndication()), dss.toString());
        SignatureValidation validation = engine.validate(DocumentSource.of(signed, "out.pdf"),
                ValidationOptions.trusting(List.of(self))).signatures().get(0);
        org.junit.jupiter.api.Assertions.assertTrue(validation.signerSubject().contains("CN=Self-signed Seal"), validation.toString());
        assertFalse(validation.indication() == Indication.TOTAL_FAILED, validation.toString());
        String text = new String(signed, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("/Contents <") + "/Contents <".length();
        String hex = text.substring(at, text.indexOf('>', at)).replaceAll("0+$", "");
        CMSSignedData cms = new CMSSignedData(java.util.HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex + "0"));
        assertEquals(1, cms.getCertificates().getMatches(null).size(), "the CMS carries the signing certificate");
    }
}
