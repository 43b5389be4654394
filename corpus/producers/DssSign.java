import eu.europa.esig.dss.alert.LogOnStatusAlert;
import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.EncryptionAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.SignatureFieldParameters;
import eu.europa.esig.dss.pades.SignatureImageParameters;
import eu.europa.esig.dss.pades.SignatureImageTextParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.ExternalResourcesCRLSource;
import eu.europa.esig.dss.spi.x509.tsp.KeyEntityTSPSource;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A foreign signer for the corpus: the EU's DSS 6.2 ({@code PAdESService}, PDFBox underneath), what eIDAS signing
 * products are built on. Run by corpus/foreign.sh as a single source file with DSS on the class path (engine-pades'
 * test class path, which corpus tests hand over as $CERTYNEO_JAVA_CP):
 *
 * <pre>java -cp CP DssSign.java IN.pdf OUT.pdf KEY.pem CHAIN.pem PKI_DIR</pre>
 *
 * Signs PAdES-BASELINE-LTA with a visible box on page 1 (DSS's own text appearance): the signature, a signature
 * time-stamp, a /DSS with the chains and CRLs, and a document time-stamp. The time-stamps come from a TSA of the
 * foreign PKI (PKI_DIR/tsa.key, tsa-chain.pem: DSS's {@code KeyEntityTSPSource}); revocation data from
 * PKI_DIR/root.crl and intermediate.crl; PKI_DIR/root.pem is the trust anchor. KEY.pem is a PKCS#8 private key (RSA
 * or EC), CHAIN.pem the signer's certificate followed by its issuers.
 */
public final class DssSign {

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: DssSign IN.pdf OUT.pdf KEY.pem CHAIN.pem PKI_DIR");
            System.exit(2);
        }
        Path pki = Path.of(args[4]);
        PrivateKey key = privateKey(Path.of(args[2]));
        List<CertificateToken> chain = certificates(Path.of(args[3])).stream().map(CertificateToken::new).toList();

        PAdESSignatureParameters parameters = new PAdESSignatureParameters();
        parameters.setSignatureLevel(SignatureLevel.PAdES_BASELINE_LTA);
        parameters.setSigningCertificate(chain.get(0));
        parameters.setCertificateChain(chain);
        parameters.setDigestAlgorithm(DigestAlgorithm.SHA256);
        parameters.setReason("Foreign signature by DSS");
        SignatureImageTextParameters text = new SignatureImageTextParameters();
        text.setText("Signed with DSS\nForeign Signer DSS");
        SignatureFieldParameters field = new SignatureFieldParameters();
        field.setOriginX(36);
        field.setOriginY(36);
        field.setWidth(180);
        field.setHeight(50);
        SignatureImageParameters image = new SignatureImageParameters();
        image.setTextParameters(text);
        image.setFieldParameters(field);
        parameters.setImageParameters(image);

        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        trusted.addCertificate(new CertificateToken(certificates(pki.resolve("root.pem")).get(0)));
        CommonCertificateVerifier verifier = new CommonCertificateVerifier();
        verifier.setTrustedCertSources(trusted);
        verifier.setAIASource(null); // offline: the chain is in CHAIN.pem
        verifier.setCrlSource(new ExternalResourcesCRLSource(new FileDocument(pki.resolve("root.crl").toFile()),
                new FileDocument(pki.resolve("intermediate.crl").toFile())));
        // the CRLs were issued minutes before the signature: DSS would otherwise refuse them as not fresh
        verifier.setAlertOnNoRevocationAfterBestSignatureTime(new LogOnStatusAlert());
        PAdESService service = new PAdESService(verifier);
        List<X509Certificate> tsa = certificates(pki.resolve("tsa-chain.pem"));
        KeyEntityTSPSource timestamps = new KeyEntityTSPSource(privateKey(pki.resolve("tsa.key")), tsa.get(0), tsa);
        timestamps.setTsaPolicy("1.3.6.1.4.1.99999.1");
        service.setTspSource(timestamps);

        DSSDocument document = new FileDocument(args[0]);
        ToBeSigned toBeSigned = service.getDataToSign(document, parameters);
        SignatureAlgorithm algorithm = SignatureAlgorithm.getAlgorithm(key.getAlgorithm().equals("EC")
                ? EncryptionAlgorithm.ECDSA : EncryptionAlgorithm.RSA, DigestAlgorithm.SHA256);
        Signature signer = Signature.getInstance(algorithm.getJCEId());
        signer.initSign(key);
        signer.update(toBeSigned.getBytes());
        DSSDocument signed = service.signDocument(document, parameters, new SignatureValue(algorithm, signer.sign()));
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            signed.writeTo(out);
        }
    }

    private static List<X509Certificate> certificates(Path pem) throws Exception {
        List<X509Certificate> certificates = new ArrayList<>();
        for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
            certificates.add((X509Certificate) c);
        }
        return certificates;
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String base64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException e) {
                // try the next
            }
        }
        throw new IllegalArgumentException(pem + ": not a PKCS#8 RSA or EC private key");
    }
}
