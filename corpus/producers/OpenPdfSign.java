import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.PdfSignatureAppearance;
import com.lowagie.text.pdf.PdfStamper;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A foreign signer for the corpus: OpenPDF 2 (the LGPL/MPL fork of iText 2.1.7, which many older Java
 * applications and report engines still sign with), through {@code PdfStamper.createSignature} in append mode.
 * Run by corpus/foreign.sh as a single source file on engine-pades' test class path ($CERTYNEO_JAVA_CP):
 *
 * <pre>java -cp CP OpenPdfSign.java MODE IN.pdf OUT.pdf KEY.pem CHAIN.pem REASON</pre>
 *
 * MODE:
 * <ul>
 *   <li>{@code x509}: an invisible signature with /SubFilter adbe.x509.rsa_sha1 (a bare RSA value over the SHA-1
 *       of the byte range, the certificates in /Cert; ISO 32000-1 §12.8.3.2, deprecated by ISO 32000-2);</li>
 *   <li>{@code pkcs7}: a signature with /SubFilter adbe.pkcs7.sha1 (a PKCS#7 that signs the SHA-1 of the byte
 *       range) and a visible box on page 1 drawn by OpenPDF.</li>
 * </ul>
 * KEY.pem is a PKCS#8 RSA private key (OpenPDF signs with RSA only), CHAIN.pem the signer's certificate followed
 * by its issuers.
 */
public final class OpenPdfSign {

    public static void main(String[] args) throws Exception {
        if (args.length != 6 || !(args[0].equals("x509") || args[0].equals("pkcs7"))) {
            System.err.println("usage: OpenPdfSign x509|pkcs7 IN.pdf OUT.pdf KEY.pem CHAIN.pem REASON");
            System.exit(2);
        }
        String text = Files.readString(Path.of(args[3]), StandardCharsets.US_ASCII);
        byte[] der = Base64.getDecoder().decode(text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
                .replaceAll("\\s", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        Certificate[] chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[4]))))
                .toArray(new Certificate[0]);
        PdfReader reader = new PdfReader(args[1]);
        try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
            PdfStamper stamper = PdfStamper.createSignature(reader, out, '\0', null, true);
            PdfSignatureAppearance appearance = stamper.getSignatureAppearance();
            appearance.setReason(args[5]);
            appearance.setLocation("127.0.0.1");
            if (args[0].equals("pkcs7")) {
                appearance.setVisibleSignature(new Rectangle(36, 36, 236, 86), 1, "OpenPdfSignature");
                appearance.setCrypto(key, chain, null, PdfSignatureAppearance.WINCER_SIGNED);
            } else {
                appearance.setCrypto(key, chain, null, PdfSignatureAppearance.SELF_SIGNED);
            }
            stamper.close();
        }
    }
}
