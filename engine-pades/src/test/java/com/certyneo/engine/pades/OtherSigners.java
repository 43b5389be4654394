package com.certyneo.engine.pades;

import com.certyneo.testvectors.TestPki;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Calendar;
import java.util.List;

/**
 * Other products signing after the engine, each the way an integrator writes it with that library: Apache PDFBox
 * ({@code addSignature} and {@code saveIncremental}, an invisible approval signature), DSS 6.2 (PAdES B-B with DSS's
 * visible text box) and iText 9 ({@code PdfSigner} in append mode, an invisible CAdES signature). The signer is an EC
 * P-256 credential of the test PKI.
 */
final class OtherSigners {

    private OtherSigners() {
    }

    /** @return {@code pdf} with an approval signature added by PDFBox */
    static byte[] pdfBox(byte[] pdf, TestPki.Credential other) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf); SignatureOptions options = new SignatureOptions()) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            signature.setName("Other Party");
            signature.setSignDate(Calendar.getInstance());
            options.setPreferredSignatureSize(12_000);
            document.addSignature(signature, content -> {
                try {
                    CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
                    generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                            new JcaDigestCalculatorProviderBuilder().build())
                            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.key()), other.chain().get(0)));
                    generator.addCertificates(new JcaCertStore(other.chain()));
                    return generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false).getEncoded();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }, options);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.saveIncremental(out);
            return out.toByteArray();
        }
    }

    /** @return {@code pdf} signed PAdES-BASELINE-B by DSS with a visible text box at (40, 40) on page 1 */
    static byte[] dssVisible(byte[] pdf, TestPki.Credential other) throws Exception {
        eu.europa.esig.dss.pades.PAdESSignatureParameters parameters = new eu.europa.esig.dss.pades.PAdESSignatureParameters();
        parameters.setSignatureLevel(eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_B);
        parameters.setDigestAlgorithm(eu.europa.esig.dss.enumerations.DigestAlgorithm.SHA256);
        List<eu.europa.esig.dss.model.x509.CertificateToken> chain = other.chain().stream()
                .map(eu.europa.esig.dss.model.x509.CertificateToken::new).toList();
        parameters.setSigningCertificate(chain.get(0));
        parameters.setCertificateChain(chain);
        eu.europa.esig.dss.pades.SignatureImageTextParameters text = new eu.europa.esig.dss.pades.SignatureImageTextParameters();
        text.setText("Signed by the other party");
        eu.europa.esig.dss.pades.SignatureFieldParameters box = new eu.europa.esig.dss.pades.SignatureFieldParameters();
        box.setOriginX(40);
        box.setOriginY(40);
        box.setWidth(180);
        box.setHeight(40);
        eu.europa.esig.dss.pades.SignatureImageParameters image = new eu.europa.esig.dss.pades.SignatureImageParameters();
        image.setTextParameters(text);
        image.setFieldParameters(box);
        parameters.setImageParameters(image);
        eu.europa.esig.dss.pades.signature.PAdESService service = new eu.europa.esig.dss.pades.signature.PAdESService(
                new eu.europa.esig.dss.spi.validation.CommonCertificateVerifier());
        eu.europa.esig.dss.model.DSSDocument document = new eu.europa.esig.dss.model.InMemoryDocument(pdf, "in.pdf");
        eu.europa.esig.dss.model.ToBeSigned toBeSigned = service.getDataToSign(document, parameters);
        java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(other.key());
        ecdsa.update(toBeSigned.getBytes());
        eu.europa.esig.dss.model.SignatureValue value = new eu.europa.esig.dss.model.SignatureValue(
                eu.europa.esig.dss.enumerations.SignatureAlgorithm.ECDSA_SHA256, ecdsa.sign());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.signDocument(document, parameters, value).writeTo(out);
        return out.toByteArray();
    }

    /** @return {@code pdf} with an invisible CAdES signature in field {@code field} added by iText in append mode */
    static byte[] iText(byte[] pdf, TestPki.Credential other, String field) throws Exception {
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        com.itextpdf.signatures.PdfSigner signer = new com.itextpdf.signatures.PdfSigner(
                new com.itextpdf.kernel.pdf.PdfReader(new ByteArrayInputStream(pdf)), out,
                new com.itextpdf.kernel.pdf.StampingProperties().useAppendMode());
        signer.setSignerProperties(new com.itextpdf.signatures.SignerProperties().setFieldName(field));
        signer.signDetached(new com.itextpdf.signatures.BouncyCastleDigest(),
                new com.itextpdf.signatures.PrivateKeySignature(other.key(), "SHA-256", "BC"),
                other.chain().toArray(new java.security.cert.Certificate[0]), null, null, null, 0,
                com.itextpdf.signatures.PdfSigner.CryptoStandard.CADES);
        return out.toByteArray();
    }
}
