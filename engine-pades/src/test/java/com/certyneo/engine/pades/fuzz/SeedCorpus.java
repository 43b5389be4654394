package com.certyneo.engine.pades.fuzz;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.testvectors.PdfVector;
import com.certyneo.testvectors.TestPki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the shared seed corpus of {@link PdfFuzzTest} (the files directly in {@code PdfFuzzTestInputs/}).
 * Run once by hand when the seeds should change; the files are checked in and must stay small.
 *
 * <pre>
 * ./mvnw -B -o -q -pl engine-pades -am install -DskipTests &amp;&amp; cd engine-pades
 * ../mvnw -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" com.certyneo.engine.pades.fuzz.SeedCorpus \
 *     src/test/resources/com/certyneo/engine/pades/fuzz/PdfFuzzTestInputs target/interop/corpus
 * </pre>
 * The second argument, optional, is the generated real-producer corpus ({@code corpus/generate.sh}, see
 * {@code interop.Corpus}); a few of its small
 * files are copied as they are.
 */
public final class SeedCorpus {

    /** Small files of the real-producer corpus worth seeding with (each shows another producer's layout). */
    static final List<String> CORPUS = List.of("handmade-tiny.pdf", "handmade-strip.pdf", "handmade-userunit.pdf",
            "handmade-cropbox.pdf", "handmade-inherited.pdf", "handmade-rotate.pdf", "imagemagick-tiny.pdf",
            "reportlab-plain.pdf", "pdflib-form.pdf", "pdflib-classic.pdf", "ghostscript-plain.pdf",
            "qpdf-objstm.pdf", "handmade-multirev-xrefstream.pdf", "foreign-cades.pdf");

    static final String PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>";
    static final String CONTENT = "<< /Length 0 >>\nstream\n\nendstream";
    static final String CATALOG = "<< /Type /Catalog /Pages 2 0 R >>";
    static final String PAGES = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";

    private SeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (PdfVector vector : PdfVector.values()) {
            if (vector != PdfVector.LARGE && vector != PdfVector.MULTI_PAGE) {
                Files.write(dir.resolve("vector-" + vector.fileName().replace('_', '-')), vector.bytes());
            }
        }
        if (args.length > 1) {
            for (String name : CORPUS) {
                Files.copy(Path.of(args[1], name), dir.resolve("corpus-" + name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // Hostile: the malformations of BadInputTest (its HostilePdfs), at depths that keep the files small.
        write(dir, "hostile-nested-arrays.pdf", build(List.of("<< /Type /Catalog /Pages 2 0 R /X " + "[".repeat(3000)
                + "]".repeat(3000) + " >>", PAGES, PAGE, CONTENT)));
        write(dir, "hostile-nested-dictionaries.pdf", build(List.of("<< /Type /Catalog /Pages 2 0 R /X "
                + "<< /A ".repeat(1500) + "1" + " >>".repeat(1500) + " >>", PAGES, PAGE, CONTENT)));
        write(dir, "hostile-chained-dictionaries.pdf", chained(400, false));
        write(dir, "hostile-chained-arrays.pdf", chained(400, true));
        write(dir, "hostile-count-minus-one.pdf", build(List.of(CATALOG, "<< /Type /Pages /Kids [3 0 R] /Count -1 >>", PAGE, CONTENT)));
        write(dir, "hostile-null-pages.pdf", build(List.of("<< /Type /Catalog /Pages null >>", PAGES, PAGE, CONTENT)));
        write(dir, "hostile-kids-of-integers.pdf", build(List.of(CATALOG, "<< /Type /Pages /Kids [1 2 3] /Count 3 >>", PAGE, CONTENT)));
        write(dir, "hostile-page-is-an-array.pdf", build(List.of(CATALOG, PAGES, "[1 2 3]", CONTENT)));
        write(dir, "hostile-page-tree-loop.pdf", build(List.of(CATALOG, "<< /Type /Pages /Kids [2 0 R] /Count 1 >>", PAGE, CONTENT)));
        write(dir, "hostile-signature-field-without-value.pdf", build(List.of(
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >>", PAGES,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [5 0 R] >>", CONTENT,
                "<< /FT /Sig /T (s) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /V 6 0 R >>",
                "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 -5] /Contents <3080> >>")));
        write(dir, "hostile-prev-loop.pdf", prevLoop());
        // Signed: by the sandbox (as the engine signs), and certified with DocMDP P=1 (refused for signing).
        Path home = Files.createTempDirectory("certyneo-seeds");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home)) {
            write(dir, "signed-sandbox-ses-b-b.pdf", sign(engine, PdfVector.MINIMAL.bytes(), SignatureLevel.SES, PadesProfile.B_B));
            write(dir, "signed-sandbox-aes-b-lt.pdf", sign(engine, PdfVector.CLASSIC_XREF.bytes(), SignatureLevel.AES, PadesProfile.B_LT));
        }
        write(dir, "signed-certified-no-changes.pdf", certified(PdfVector.CLASSIC_XREF.bytes()));
        // Encrypted by qpdf, owner password only (signable without one), in the schemes the vectors lack: the
        // vectors' encrypted files are AES-256; these seed the AES-128 and RC4 paths of the revision writer.
        Path minimal = Files.createTempFile("certyneo-seed", ".pdf");
        try {
            Files.write(minimal, PdfVector.MINIMAL.bytes());
            write(dir, "qpdf-encrypted-owner-only-aes-128.pdf", qpdf(minimal, "--encrypt", "", "seed-owner", "128", "--use-aes=y", "--"));
            write(dir, "qpdf-encrypted-owner-only-rc4-128.pdf", qpdf(minimal, "--allow-weak-crypto", "--encrypt", "", "seed-owner",
                    "128", "--use-aes=n", "--"));
        } finally {
            Files.deleteIfExists(minimal);
        }
    }

    /** Runs qpdf with {@code options}, then the input and a temporary output; returns the output's bytes. */
    private static byte[] qpdf(Path in, String... options) throws Exception {
        Path out = Files.createTempFile("certyneo-seed", ".pdf");
        try {
            List<String> command = new ArrayList<>(List.of("qpdf", "--static-id", "--static-aes-iv"));
            command.addAll(List.of(options));
            command.addAll(List.of(in.toString(), out.toString()));
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("qpdf failed: " + command);
            }
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static byte[] sign(PadesSignatureEngine engine, byte[] pdf, SignatureLevel level, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "seed.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.parse("Seed Signer <seed@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).build());
        return out.toByteArray();
    }

    private static byte[] certified(byte[] pdf) {
        TestPki.Credential signer = TestPki.create().goodSigner();
        var p = new eu.europa.esig.dss.pades.PAdESSignatureParameters();
        p.setSignatureLevel(eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_B);
        p.setDigestAlgorithm(eu.europa.esig.dss.enumerations.DigestAlgorithm.SHA256);
        p.setSigningCertificate(new eu.europa.esig.dss.model.x509.CertificateToken(signer.certificate()));
        p.setCertificateChain(signer.chain().stream().map(eu.europa.esig.dss.model.x509.CertificateToken::new).toList());
        p.setPermission(eu.europa.esig.dss.enumerations.CertificationPermission.NO_CHANGE_PERMITTED);
        var service = new eu.europa.esig.dss.pades.signature.PAdESService(
                new eu.europa.esig.dss.spi.validation.CommonCertificateVerifier(true));
        var document = new eu.europa.esig.dss.model.InMemoryDocument(pdf, "c.pdf");
        byte[] value = signer.sign(service.getDataToSign(document, p).getBytes());
        return eu.europa.esig.dss.spi.DSSUtils.toByteArray(service.signDocument(document, p,
                new eu.europa.esig.dss.model.SignatureValue(p.getSignatureAlgorithm(), value)));
    }

    /** A classic PDF with objects 1..n ({@code objects.get(0)} is object 1, the catalog). */
    static byte[] build(List<String> objects) {
        StringBuilder out = new StringBuilder("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        long[] offsets = new long[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = out.length();
            out.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
        }
        int xref = out.length();
        out.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
        for (long offset : offsets) {
            out.append(String.format("%010d 00000 n \n", offset));
        }
        out.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] chained(int depth, boolean arrays) {
        List<String> objects = new ArrayList<>(List.of("<< /Type /Catalog /Pages 2 0 R /X 5 0 R >>", PAGES, PAGE, CONTENT));
        for (int i = 0; i < depth; i++) {
            int next = 5 + i + 1;
            boolean last = i == depth - 1;
            objects.add(arrays ? (last ? "[]" : "[" + next + " 0 R]") : (last ? "<< >>" : "<< /A " + next + " 0 R >>"));
        }
        return build(objects);
    }

    /** An incremental update whose trailer's /Prev points back at its own table. */
    static byte[] prevLoop() {
        String base = new String(build(List.of(CATALOG, PAGES, PAGE, CONTENT)), StandardCharsets.ISO_8859_1);
        int xref = base.length();
        String update = "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 5 /Root 1 0 R /Prev " + xref
                + " >>\nstartxref\n" + xref + "\n%%EOF\n";
        return (base + update).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }
}
