import com.itextpdf.forms.form.element.SignatureFieldAppearance;
import com.itextpdf.kernel.geom.Rectangle;
import com.itextpdf.kernel.pdf.PdfReader;
import com.itextpdf.kernel.pdf.StampingProperties;
import com.itextpdf.signatures.AccessPermissions;
import com.itextpdf.signatures.BouncyCastleDigest;
import com.itextpdf.signatures.PdfSigner;
import com.itextpdf.signatures.PrivateKeySignature;
import com.itextpdf.signatures.SignerProperties;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A foreign signer for the corpus: iText 9 ({@code PdfSigner}, its own incremental writer and CMS), the Java
 * library behind many enterprise and government signing services. Run by corpus/foreign.sh as a single source
 * file with iText and BouncyCastle on the class path (engine-pades' test class path, which corpus tests hand over
 * as $CERTYNEO_JAVA_CP):
 *
 * <pre>java -cp CP ITextSign.java MODE IN.pdf OUT.pdf KEY.pem CHAIN.pem REASON</pre>
 *
 * MODE:
 * <ul>
 *   <li>{@code approval}: an invisible approval signature, SubFilter ETSI.CAdES.detached, appended as an
 *       incremental update;</li>
 *   <li>{@code certify}: a certification signature (DocMDP P=2: form filling and signing allowed) with a visible
 *       box on page 1 drawn by iText, appended;</li>
 *   <li>{@code rewrite}: an approval signature, adbe.pkcs7.detached, with iText writing the whole file again (not
 *       in append mode: one revision, in the input's cross-reference form).</li>
 * </ul>
 * KEY.pem is a PKCS#8 private key (RSA or EC), CHAIN.pem the signer's certificate followed by its issuers. The
 * signing time is the clock's; the output is written by iText directly to OUT.pdf.
 */
public final class ITextSign {

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ITextSign MODE(approval|certify|rewrite) IN.pdf OUT.pdf KEY.pem CHAIN.pem REASON");
            System.exit(2);
        }
        String mode = args[0];
        Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        PrivateKey key = privateKey(Path.of(args[3]));
        Certificate[] chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[4]))))
                .toArray(new Certificate[0]);
        StampingProperties stamping = new StampingProperties();
        if (!mode.equals("rewrite")) {
            stamping.useAppendMode();
        }
        try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
            PdfSigner signer = new PdfSigner(new PdfReader(args[1]), out, stamping);
            SignerProperties properties = new SignerProperties().setReason(args[5]).setLocation("127.0.0.1");
            switch (mode) {
                case "approval" -> properties.setFieldName("ITextApproval");
                case "rewrite" -> properties.setFieldName("ITextRewrite");
                case "certify" -> properties.setFieldName("ITextCertification")
                        .setCertificationLevel(AccessPermissions.FORM_FIELDS_MODIFICATION)
                        .setPageNumber(1).setPageRect(new Rectangle(36, 36, 200, 50))
                        .setSignatureAppearance(new SignatureFieldAppearance("ITextCertification")
                                .setContent("Certified by the foreign iText signer"));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
            signer.setSignerProperties(properties);
            PrivateKeySignature signature = new PrivateKeySignature(key, "SHA-256", "BC");
            signer.signDetached(new BouncyCastleDigest(), signature, chain, null, null, null, 0,
                    mode.equals("rewrite") ? PdfSigner.CryptoStandard.CMS : PdfSigner.CryptoStandard.CADES);
        }
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
