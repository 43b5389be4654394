package com.certyneo.engine.pades;

import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TimestampAuthority;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A throw-away production (non-sandbox) PKI: a root, a seal key and a TSA under it, and a production
 * engine configured with them.
 *
 * @param root the trust anchor
 * @param rootKey the root's private key (it signs OCSP responses for offline revocation data)
 * @param sealKey the platform seal key
 * @param tsa the in-process time-stamp authority
 * @param engine a production engine using all of the above
 */
record ProductionFixture(X509Certificate root, java.security.PrivateKey rootKey, SigningKey sealKey, TimestampAuthority tsa, PadesSignatureEngine engine) {

    static ProductionFixture create() {
        Instant now = Instant.now();
        KeyPair rootKeys = X509Builder.newEcKeyPair();
        X509Certificate root = X509Builder.of(new X500Name("CN=Test Production Root,O=Example,C=FR"), rootKeys.getPublic())
                .ca().validity(now.minusSeconds(3600), now.plusSeconds(86400 * 365L)).selfSigned(rootKeys.getPrivate());
        KeyPair sealKeys = X509Builder.newEcKeyPair();
        X509Certificate seal = X509Builder.of(new X500Name("CN=Example Seal,O=Example,C=FR"), sealKeys.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                .revocationPointers("http://crl.example.invalid/root.crl", "http://ocsp.example.invalid", null)
                .validity(now.minusSeconds(3600), now.plusSeconds(86400 * 30L)).issuedBy(root, rootKeys.getPrivate());
        KeyPair tsaKeys = X509Builder.newEcKeyPair();
        X509Certificate tsaCert = X509Builder.of(new X500Name("CN=Example TSA,O=Example,C=FR"), tsaKeys.getPublic())
                .extendedKeyUsage(KeyPurposeId.id_kp_timeStamping, true)
                .validity(now.minusSeconds(3600), now.plusSeconds(86400 * 30L)).issuedBy(root, rootKeys.getPrivate());
        SigningKey sealKey = SigningKey.of(sealKeys.getPrivate(), List.of(seal, root));
        TimestampAuthority tsa = TimestampAuthority.builder().key(tsaKeys.getPrivate(), List.of(tsaCert, root))
                .policy("1.2.3.4.1").build();
        PadesSignatureEngine engine = PadesSignatureEngine.builder()
                .sealKey(sealKey).timestampSource(tsa).trustAnchor(root).build();
        return new ProductionFixture(root, rootKeys.getPrivate(), sealKey, tsa, engine);
    }
}
