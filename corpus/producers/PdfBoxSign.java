import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureInterface;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.List;

/**
 * A foreign signer for the corpus: Apache PDFBox 3 ({@code PDDocument.addSignature} and {@code saveIncremental}, a
 * CMS by BouncyCastle's {@code CMSSignedDataGenerator}), the way many Java back ends sign. Run by corpus/foreign.sh
 * as a single source file with PDFBox and BouncyCastle on the class path (engine-pades' test class path, which
 * corpus tests hand over as $CERTYNEO_JAVA_CP):
 *
 * <pre>java -cp CP PdfBoxSign MODE IN.pdf OUT.pdf KEY.pem CHAIN.pem REASON</pre>
 *
 * MODE {@code visible}: an approval signature, adbe.pkcs7.detached, in a new field whose widget on page 1 has the
 * appearance of a "visual signature template" (a one-page document with that field, which PDFBox merges).
 * An encrypted input opened without a password (an owner password only) keeps its encryption: PDFBox writes the
 * update encrypted. KEY.pem is a PKCS#8 private key (RSA or EC), CHAIN.pem the signer's certificate followed by its
 * issuers.
 */
public final class PdfBoxSign {

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: PdfBoxSign MODE(visible) IN.pdf OUT.pdf KEY.pem CHAIN.pem REASON");
            System.exit(2);
        }
        String mode = args[0];
        PrivateKey key = privateKey(Path.of(args[3]));
        List<X509Certificate> chain = new ArrayList<>();
        for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[4]))))) {
            chain.add((X509Certificate) c);
        }
        try (PDDocument document = Loader.loadPDF(new File(args[1]));
             SignatureOptions options = new SignatureOptions()) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            signature.setName("Foreign Signer PDFBox");
            signature.setReason(args[5]);
            signature.setSignDate(Calendar.getInstance());
            switch (mode) {
                case "visible" -> {
                    options.setVisualSignature(template(document.getPage(0)));
                    options.setPage(0);
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
            options.setPreferredSignatureSize(16_384);
            SignatureInterface cms = content -> {
                try {
                    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
                    CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
                    generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                            new JcaDigestCalculatorProviderBuilder().build())
                            .build(new JcaContentSignerBuilder(algorithm).build(key), chain.get(0)));
                    generator.addCertificates(new JcaCertStore(chain));
                    return generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false).getEncoded();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            };
            document.addSignature(signature, cms, options);
            try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
                document.saveIncremental(out);
            }
        }
    }

    /** A one-page document whose form holds a signature widget with an appearance: what PDFBox merges as the box. */
    private static InputStream template(PDPage target) throws IOException {
        try (PDDocument template = new PDDocument()) {
            PDRectangle crop = target.getCropBox();
            PDPage page = new PDPage(crop);
            template.addPage(page);
            PDAcroForm form = new PDAcroForm(template);
            template.getDocumentCatalog().setAcroForm(form);
            PDSignatureField field = new PDSignatureField(form);
            PDAnnotationWidget widget = field.getWidgets().get(0);
            widget.setRectangle(new PDRectangle(crop.getLowerLeftX() + 36, crop.getLowerLeftY() + 36, 200, 50));
            widget.setPage(page);
            widget.setPrinted(true);
            PDAppearanceStream appearance = new PDAppearanceStream(template);
            appearance.setResources(new PDResources());
            appearance.setBBox(new PDRectangle(200, 50));
            try (PDPageContentStream content = new PDPageContentStream(template, appearance)) {
                content.setNonStrokingColor(0.9f, 0.9f, 1f);
                content.addRect(0, 0, 200, 50);
                content.fill();
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 10);
                content.setNonStrokingColor(0f, 0f, 0f);
                content.newLineAtOffset(6, 30);
                content.showText("Signed with Apache PDFBox");
                content.newLineAtOffset(0, -14);
                content.showText("Foreign Signer PDFBox");
                content.endText();
            }
            PDAppearanceDictionary dictionary = new PDAppearanceDictionary();
            dictionary.setNormalAppearance(appearance);
            widget.setAppearance(dictionary);
            page.getAnnotations().add(widget);
            form.getFields().add(field);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            template.save(bytes);
            return new ByteArrayInputStream(bytes.toByteArray());
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
