package com.certyneo.engine.pades;

import com.certyneo.testvectors.ExternalValidators;
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
import java.nio.file.Path;

/**
 * Other products signing after the engine, each the way an integrator writes it with that library: Apache PDFBox
 * ({@code addSignature} and {@code saveIncremental}, an invisible approval signature), DSS 6.2 (PAdES B-B with DSS's
 * visible text box), iText 9 ({@code PdfSigner} in append mode, an invisible CAdES signature, or a visible one with
 * iText's text appearance), poppler ({@code pdfsig -add-signature}, NSS making the CMS; {@link Poppler}) and MuPDF
 * ({@code mutool sign} into a prepared field; {@link MuPdf}), PoDoFo ({@code podofosign}, visible or into a prepared
 * field; {@link PoDoFo}), OpenPDF ({@link #openPdf}) and the Node signer {@code @signpdf} ({@link SignPdf}). The
 * signer is a credential of the test PKI.
 */
final class OtherSigners {

    private OtherSigners() {
    }

    /** @return {@code pdf} with an approval signature added by PDFBox */
    static byte[] pdfBox(byte[] pdf, TestPki.Credential other) throws IOException {
        return pdfBox(pdf, other, null);
    }

    /**
     * @param fieldName the name to give PDFBox's new field, even one the form holds already (a writer that does not
     *                  check), or null for PDFBox's own
     * @return {@code pdf} with an approval signature added by PDFBox
     */
    static byte[] pdfBox(byte[] pdf, TestPki.Credential other, String fieldName) throws IOException {
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
            if (fieldName != null) {
                for (var field : document.getSignatureFields()) {
                    if (field.getCOSObject().getCOSDictionary(org.apache.pdfbox.cos.COSName.V) == signature.getCOSObject()) {
                        field.setPartialName(fieldName);
                    }
                }
            }
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
        return iText(pdf, other, field, false);
    }

    /**
     * @param visible whether the signature gets iText's text appearance in a 200 x 50 box at (36, 36) on page 1
     * @return {@code pdf} with a CAdES signature in field {@code field} added by iText in append mode
     */
    static byte[] iText(byte[] pdf, TestPki.Credential other, String field, boolean visible) throws Exception {
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        com.itextpdf.signatures.PdfSigner signer = new com.itextpdf.signatures.PdfSigner(
                new com.itextpdf.kernel.pdf.PdfReader(new ByteArrayInputStream(pdf)), out,
                new com.itextpdf.kernel.pdf.StampingProperties().useAppendMode());
        com.itextpdf.signatures.SignerProperties properties = new com.itextpdf.signatures.SignerProperties().setFieldName(field);
        if (visible) {
            properties.setPageNumber(1).setPageRect(new com.itextpdf.kernel.geom.Rectangle(36, 36, 200, 50))
                    .setSignatureAppearance(new com.itextpdf.forms.form.element.SignatureFieldAppearance(field)
                            .setContent("Signed by the other party with iText"));
        }
        signer.setSignerProperties(properties);
        signer.signDetached(new com.itextpdf.signatures.BouncyCastleDigest(),
                new com.itextpdf.signatures.PrivateKeySignature(other.key(), "SHA-256", "BC"),
                other.chain().toArray(new java.security.cert.Certificate[0]), null, null, null, 0,
                com.itextpdf.signatures.PdfSigner.CryptoStandard.CADES);
        return out.toByteArray();
    }

    /**
     * MuPDF's {@code mutool sign} filling an empty signature field another party prepared (MuPDF signs existing
     * fields only), with its own incremental writer and OpenSSL making the CMS.
     */
    static final class MuPdf {
        private final Path p12;

        private MuPdf(Path p12) {
            this.p12 = p12;
        }

        /**
         * @return a signer with {@code other}'s key and chain in a PKCS#12 file under {@code directory}, or null without
         *         mutool ({@link ExternalValidators#require}: under {@code CI=true} a missing tool is an error)
         */
        static MuPdf create(Path directory, TestPki.Credential other) throws Exception {
            if (!ExternalValidators.require("mutool")) {
                return null;
            }
            return new MuPdf(pkcs12(other, java.nio.file.Files.createDirectories(directory).resolve("other.p12")));
        }

        /**
         * @return {@code pdf} with its empty signature field {@code field} signed by MuPDF (named by its object number:
         *         MuPDF lists a document time-stamp as "not signed" too, and would sign over it)
         */
        byte[] sign(byte[] pdf, String field) throws Exception {
            org.apache.pdfbox.cos.COSObjectKey key = null;
            try (PDDocument document = Loader.loadPDF(pdf)) {
                for (var f : document.getSignatureFields()) {
                    if (f.getFullyQualifiedName().equals(field)) {
                        key = f.getCOSObject().getKey();
                    }
                }
            }
            if (key == null) {
                throw new IOException("no signature field '" + field + "' in an object of its own");
            }
            String number = String.valueOf(key.getNumber());
            return throughFiles(p12.getParent(), pdf, (in, out) -> List.of("mutool", "sign", "-s", p12.toString(), "-P",
                    PKCS12_PASSWORD, "-o", out.toString(), in.toString(), number));
        }
    }

    /**
     * poppler's {@code pdfsig -add-signature} with a credential in an NSS database of its own: an invisible
     * adbe.pkcs7.detached signature whose CMS NSS makes, written as poppler writes its incremental update (it rewrites
     * the page it signs on and adds a font to {@code /AcroForm /DR}).
     */
    static final class Poppler {
        private final Path directory;

        private Poppler(Path directory) {
            this.directory = directory;
        }

        /**
         * @return a signer with {@code other}'s key and chain in a new NSS database under {@code directory}, or
         *         {@code null} when pdfsig, certutil or pk12util is not installed (poppler-utils, libnss3-tools; under
         *         {@code CI=true} a missing tool is an error, {@link ExternalValidators#require})
         */
        static Poppler create(Path directory, TestPki.Credential other) throws Exception {
            for (String tool : List.of("pdfsig", "certutil", "pk12util")) {
                if (!ExternalValidators.require(tool)) {
                    return null;
                }
            }
            Path nss = java.nio.file.Files.createDirectories(directory.resolve("nssdb"));
            run(List.of("certutil", "-N", "-d", "sql:" + nss, "--empty-password"));
            Path p12 = pkcs12(other, directory.resolve("other.p12"));
            run(List.of("pk12util", "-i", p12.toString(), "-d", "sql:" + nss, "-W", PKCS12_PASSWORD, "-K", ""));
            return new Poppler(nss);
        }

        /** @return {@code pdf} signed by pdfsig in a new field {@code field} */
        byte[] sign(byte[] pdf, String field) throws Exception {
            return throughFiles(directory.getParent(), pdf, (in, out) -> List.of("pdfsig", "-nssdir", "sql:" + directory,
                    "-add-signature", "-nick", ALIAS, "-digest", "SHA256", "-new-signature-field-name", field,
                    in.toString(), out.toString()));
        }
    }

    /**
     * OpenPDF 2 (the fork of iText 2.1.7 that older Java applications and report engines sign with):
     * {@code PdfStamper.createSignature} in append mode, its own parser and incremental writer, a visible box on page 1
     * drawn by OpenPDF, /SubFilter adbe.pkcs7.sha1 (OpenPDF signs with RSA only).
     *
     * @param rsa an RSA credential
     * @return {@code pdf} with OpenPDF's signature in a new field {@code field}
     */
    static byte[] openPdf(byte[] pdf, TestPki.Credential rsa, String field) throws Exception {
        com.lowagie.text.pdf.PdfReader reader = new com.lowagie.text.pdf.PdfReader(pdf);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            com.lowagie.text.pdf.PdfStamper stamper = com.lowagie.text.pdf.PdfStamper.createSignature(reader, out, '\0',
                    null, true);
            com.lowagie.text.pdf.PdfSignatureAppearance appearance = stamper.getSignatureAppearance();
            appearance.setReason("Other party (OpenPDF)");
            appearance.setVisibleSignature(new com.lowagie.text.Rectangle(36, 36, 236, 86), 1, field);
            appearance.setCrypto(rsa.key(), rsa.chain().toArray(new java.security.cert.Certificate[0]), null,
                    com.lowagie.text.pdf.PdfSignatureAppearance.WINCER_SIGNED);
            stamper.close();
            return out.toByteArray();
        } finally {
            reader.close();
        }
    }

    /**
     * PoDoFo's {@code podofosign} (PoDoFo 0.9, C++, OpenSSL making the CMS): its own parser reads the engine's output
     * and its own writer appends an incremental update, with a new field (visible: a widget with PoDoFo's appearance,
     * added to the page's {@code /Annots}) or into an existing empty field.
     */
    static final class PoDoFo {
        /**
         * The /Contents room: podofosign derives its default from the sizes of the certificate and key files, which for
         * a P-256 key is too small for its own CMS ("requires at least 2486 bytes ... reserved is only 2246").
         */
        private static final String SIZE = "8192";
        private final Path certificate;
        private final Path key;

        private PoDoFo(Path certificate, Path key) {
            this.certificate = certificate;
            this.key = key;
        }

        /**
         * @return a signer with {@code other}'s key and certificate in PEM files under {@code directory}, or null without
         *         podofosign ({@link ExternalValidators#require}: under {@code CI=true} a missing tool is an error)
         */
        static PoDoFo create(Path directory, TestPki.Credential other) throws Exception {
            if (!ExternalValidators.require("podofosign")) {
                return null;
            }
            Path dir = java.nio.file.Files.createDirectories(directory);
            Path certificate = java.nio.file.Files.writeString(dir.resolve("other.crt.pem"), TestPki.pem(other.chain().get(0)));
            java.util.Base64.Encoder base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Path key = dir.resolve("other.key.pem");
            java.nio.file.Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + base64.encodeToString(other.key().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            return new PoDoFo(certificate, key);
        }

        /** @return {@code pdf} signed by podofosign in a new field {@code field}, visible on page 1 */
        byte[] signVisible(byte[] pdf, String field) throws Exception {
            return podofosign(pdf, field, "-annot-units", "mm", "-annot-position", "1,5,5,40,12", "-annot-print",
                    "-annot-text", "1,2,Signed with PoDoFo \u00e9\u00e8 \u0416");
        }

        /** @return {@code pdf} with its existing empty signature field {@code field} signed by podofosign */
        byte[] signField(byte[] pdf, String field) throws Exception {
            return podofosign(pdf, field, "-field-use-existing");
        }

        private byte[] podofosign(byte[] pdf, String field, String... options) throws Exception {
            return throughFiles(key.getParent(), pdf, (in, out) -> {
                List<String> command = new java.util.ArrayList<>(List.of("podofosign", "-in", in.toString(), "-out",
                        out.toString(), "-cert", certificate.toString(), "-pkey", key.toString(), "-digest", "SHA256",
                        "-sigsize", SIZE, "-field-name", field));
                command.addAll(List.of(options));
                return command;
            });
        }
    }

    /**
     * The Node signer {@code @signpdf/signpdf} with {@code @signpdf/placeholder-plain} ({@code corpus/producers/signpdf.mjs
     * plain}): its own regular-expression reading of the trailer and its own incremental update (a classic table, a
     * new field with an invisible widget on page 1), the CMS by node-forge. node-forge reads only RSA keys and
     * RSA-signed certificates from a legacy-encrypted PKCS#12 file, so the other party here is a self-signed RSA 2048
     * certificate made with openssl.
     */
    static final class SignPdf {
        private final Path script;
        private final Path p12;

        private SignPdf(Path script, Path p12) {
            this.script = script;
            this.p12 = p12;
        }

        /**
         * @return the signer, or null without node, openssl or the corpus's npm packages ({@code npm ci --prefix
         *         corpus}; under {@code CI=true} each is an error)
         */
        static SignPdf create(Path directory) throws Exception {
            if (!ExternalValidators.require("node") || !ExternalValidators.require("openssl")) {
                return null;
            }
            Path root = com.certyneo.engine.pades.interop.ReaderPanel.projectRoot();
            if (root == null || !java.nio.file.Files.isRegularFile(root.resolve(
                    "corpus/node_modules/@signpdf/signpdf/package.json"))) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new IllegalStateException("corpus/node_modules has no @signpdf (npm ci --prefix corpus)");
                }
                return null;
            }
            Path dir = java.nio.file.Files.createDirectories(directory);
            run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
                    "-out", dir.resolve("cert.pem").toString(), "-days", "30", "-subj", "/CN=Other Party signpdf"));
            Path p12 = dir.resolve("other.p12");
            run(List.of("openssl", "pkcs12", "-export", "-legacy", "-inkey", dir.resolve("key.pem").toString(), "-in",
                    dir.resolve("cert.pem").toString(), "-passout", "pass:" + PKCS12_PASSWORD, "-out", p12.toString()));
            return new SignPdf(root.resolve("corpus/producers/signpdf.mjs"), p12);
        }

        /** @return {@code pdf} with an invisible adbe.pkcs7.detached signature in a new field */
        byte[] sign(byte[] pdf) throws Exception {
            return throughFiles(p12.getParent(), pdf, (in, out) -> List.of("node", script.toString(), "plain", in.toString(),
                    out.toString(), p12.toString(), PKCS12_PASSWORD, "Other party (signpdf)"));
        }
    }

    /** The alias and password of the other party's key in the PKCS#12 files (and NSS database) made here. */
    private static final String ALIAS = "other-party";
    private static final String PKCS12_PASSWORD = "other";

    /** @return {@code file}, a new PKCS#12 file with {@code other}'s key and chain under {@link #ALIAS} */
    private static Path pkcs12(TestPki.Credential other, Path file) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = PKCS12_PASSWORD.toCharArray();
        store.setKeyEntry(ALIAS, other.key(), password, other.chain().toArray(new java.security.cert.Certificate[0]));
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }

    /**
     * Runs a command line tool that reads {@code pdf} from one file and writes its result to another, both temporary
     * files in {@code directory}, deleted after.
     *
     * @return what the tool wrote
     */
    private static byte[] throughFiles(Path directory, byte[] pdf,
                                       java.util.function.BiFunction<Path, Path, List<String>> command) throws Exception {
        Path in = java.nio.file.Files.createTempFile(directory, "other-in", ".pdf");
        Path out = in.resolveSibling(in.getFileName().toString().replace("-in", "-out"));
        try {
            java.nio.file.Files.write(in, pdf);
            run(command.apply(in, out));
            return java.nio.file.Files.readAllBytes(out);
        } finally {
            java.nio.file.Files.deleteIfExists(in);
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    /** Runs {@code command}; fails unless it exits 0 within a minute. */
    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " timed out");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                    + new String(output, java.nio.charset.StandardCharsets.UTF_8).trim());
        }
    }
}
