package com.certyneo.testvectors;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.TimeZone;

/**
 * Signs a PDF with PDFBox's signing support and a BouncyCastle CMS shaped like PAdES-BASELINE-B,
 * with the deterministic signer of the test PKI, so the output is reproducible.
 */
final class CmsPdfSigner {

    private CmsPdfSigner() {
    }

    static byte[] sign(byte[] pdf, TestPki.Credential signer, Instant signingTime) {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            if (document.isEncrypted()) {
                throw new IllegalArgumentException("Cannot sign an encrypted test vector");
            }
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            signature.setName(signer.certificate().getSubjectX500Principal().getName());
            signature.setReason("Certyneo test vector");
            Calendar when = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
            when.setTimeInMillis(signingTime.toEpochMilli());
            signature.setSignDate(when);
            byte[] prepared;
            try (SignatureOptions options = new SignatureOptions()) {
                options.setPreferredSignatureSize(8192);
                // PDFBox leaves /Contents zero-filled when the callback returns nothing; the CMS is
                // pasted below, after the time-based second /ID element is made deterministic.
                document.addSignature(signature, content -> new byte[0], options);
                fillInvisibleAppearance(document, signature);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                document.saveIncremental(out);
                prepared = PdfFactory.pinLastId(out.toByteArray(),
                        "signed/" + signer.name() + "/" + signingTime + "/" + HexFormat.of().formatHex(PdfFactory.md5(pdf)));
            }
            return paste(prepared, signer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * PDFBox gives an invisible signature's widget an empty normal appearance, a form XObject whose stream has
     * {@code /Length 0}, which PDF readers (PDFBox among them) report as a suspicious or invalid stream length when they
     * parse the file. The widget keeps its zero-size /Rect; its appearance becomes a small form that saves and restores
     * the graphics state, and draws nothing.
     */
    private static void fillInvisibleAppearance(PDDocument document, PDSignature signature) throws IOException {
        for (org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField field : document.getSignatureFields()) {
            if (field.getSignature() == null || field.getSignature().getCOSObject() != signature.getCOSObject()) {
                continue;
            }
            for (org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget widget : field.getWidgets()) {
                org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream form =
                        new org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream(document);
                form.setBBox(new org.apache.pdfbox.pdmodel.common.PDRectangle(0, 0));
                form.setResources(new org.apache.pdfbox.pdmodel.PDResources());
                try (java.io.OutputStream content = form.getCOSObject().createOutputStream()) {
                    content.write("q Q\n".getBytes(StandardCharsets.US_ASCII));
                }
                org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary appearance =
                        new org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary();
                appearance.setNormalAppearance(form);
                widget.setAppearance(appearance);
            }
        }
    }

    /** Computes the CMS over the /ByteRange of the prepared file and writes it into /Contents. */
    private static byte[] paste(byte[] prepared, TestPki.Credential signer) throws IOException {
        String text = new String(prepared, StandardCharsets.ISO_8859_1);
        Matcher m = BYTE_RANGE.matcher(text);
        int[] range = null;
        while (m.find()) { // the new signature is the last one
            range = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))};
        }
        if (range == null) {
            throw new IllegalStateException("PDFBox wrote no /ByteRange");
        }
        int a = range[0];
        int b = range[1];
        int c = range[2];
        int d = range[3];
        ByteArrayOutputStream covered = new ByteArrayOutputStream();
        covered.write(prepared, a, b);
        covered.write(prepared, c, d);
        byte[] hex = HexFormat.of().withUpperCase().formatHex(cms(covered.toByteArray(), signer))
                .getBytes(StandardCharsets.US_ASCII);
        int placeholder = c - (a + b) - 2;
        if (hex.length > placeholder) {
            throw new IllegalStateException("CMS of " + hex.length / 2 + " bytes does not fit the placeholder");
        }
        byte[] result = prepared.clone();
        System.arraycopy(hex, 0, result, a + b + 1, hex.length);
        return result;
    }

    private static final Pattern BYTE_RANGE = Pattern.compile("/ByteRange\\s*\\[\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*\\]");

    private static byte[] cms(byte[] signedContent, TestPki.Credential signer) throws IOException {
        try {
            X509Certificate certificate = signer.certificate();
            JcaX509CertificateHolder holder = new JcaX509CertificateHolder(certificate);
            ESSCertIDv2 certId = new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()),
                    new IssuerSerial(new GeneralNames(new GeneralName(holder.getIssuer())), certificate.getSerialNumber()));
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                    new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {certId}))));
            DefaultSignedAttributeTableGenerator defaults = new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes));
            SignerInfoGenerator signerInfo = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    // PAdES forbids the CMS signing-time attribute (the time is /M); BC adds it by default.
                    .setSignedAttributeGenerator(parameters -> defaults.getAttributes(parameters).remove(CMSAttributes.signingTime))
                    .build(new DeterministicSigner(signer.key()), certificate);
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signerInfo);
            generator.addCertificates(new JcaCertStore(signer.chain()));
            return generator.generate(new CMSProcessableByteArray(signedContent), false).getEncoded("DER");
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Cannot build the CMS signature: " + e.getMessage(), e);
        }
    }
}
