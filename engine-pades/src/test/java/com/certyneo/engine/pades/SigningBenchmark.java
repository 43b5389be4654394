package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.Signer;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TimestampAuthority;
import com.certyneo.testvectors.SamplePdfs;
import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;

import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Per-signature time of the engine against raw DSS on the same 1-page PDF, same EC P-256 key, same
 * in-process TSA and OCSP responder, at B-B, B-T, B-LT and B-LTA (LT/LTA run a fifth of the iterations). Not a test: run with {@code bench/signing.sh [warmup] [iterations]}.
 *
 * <p>Runs are interleaved (raw, engine, raw, engine, ...) so JIT and GC drift hit both alike; the
 * report gives medians and the engine/raw ratio.
 */
public final class SigningBenchmark {

    private SigningBenchmark() {
    }

    /**
     * @param args optional warm-up count and measured iteration count
     */
    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        System.setProperty("java.awt.headless", "true");

        ProductionFixture fixture = ProductionFixture.create();
        OfflineRevocation revocation = OfflineRevocation.signedBy(fixture.rootKey(), fixture.root());
        InProcessOcspSource ocsp = revocation.responder();
        PadesSignatureEngine production = PadesSignatureEngine.builder().sealKey(fixture.sealKey())
                .timestampSource(fixture.tsa()).trustAnchor(fixture.root()).revocationSource(revocation).build();
        SigningKey sealKey = fixture.sealKey();
        TimestampAuthority tsa = fixture.tsa();
        java.nio.file.Path home = java.nio.file.Files.createTempDirectory("certyneo-bench");
        PadesSignatureEngine sandbox = PadesSignatureEngine.sandbox(home);

        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("classic xref", SamplePdfs.minimalClassicXref());
        inputs.put("xref stream", SamplePdfs.minimal());

        System.out.printf("JDK %s, %d cores; %d warm-up + %d measured signatures per case (medians, ms)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), warmup, iterations);
        System.out.printf("%-14s %-6s %10s %10s %8s %14s%n", "input", "level", "raw DSS", "engine", "ratio", "sandbox AES");
        for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            for (PadesProfile profile : PadesProfile.values()) {
                byte[] pdf = input.getValue();
                int scale = profile.needsRevocationData() ? 5 : 1;
                Supplier<byte[]> raw = () -> rawDss(pdf, sealKey, tsa, ocsp, profile);
                Supplier<byte[]> engine = () -> engine(production, pdf, profile, com.certyneo.engine.SignatureLevel.SES);
                Supplier<byte[]> sandboxAes = () -> engine(sandbox, pdf, profile, com.certyneo.engine.SignatureLevel.AES);
                double[] medians = measure(Math.max(1, warmup / scale), Math.max(1, iterations / scale), raw, engine, sandboxAes);
                System.out.printf("%-14s %-6s %10.2f %10.2f %7.2fx %14.2f%n", input.getKey(), profile,
                        medians[0], medians[1], medians[1] / medians[0], medians[2]);
            }
        }
    }

    private static double[] measure(int warmup, int iterations, Supplier<?>... cases) {
        for (int i = 0; i < warmup; i++) {
            for (Supplier<?> c : cases) {
                c.get();
            }
        }
        List<long[]> samples = new ArrayList<>();
        for (Supplier<?> ignored : cases) {
            samples.add(new long[iterations]);
        }
        for (int i = 0; i < iterations; i++) {
            for (int c = 0; c < cases.length; c++) {
                long start = System.nanoTime();
                cases[c].get();
                samples.get(c)[i] = System.nanoTime() - start;
            }
        }
        double[] medians = new double[cases.length];
        for (int c = 0; c < cases.length; c++) {
            long[] s = samples.get(c);
            Arrays.sort(s);
            medians[c] = s[s.length / 2] / 1e6;
        }
        return medians;
    }

    private static byte[] engine(PadesSignatureEngine engine, byte[] pdf, PadesProfile profile,
                                 com.certyneo.engine.SignatureLevel level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 40_000);
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "bench.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Bench Signer", "bench@example.com").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).build());
        return out.toByteArray();
    }

    /** The parameters an integrator would give DSS for {@code profile} (shared by the benchmarks' raw-DSS paths). */
    static PAdESSignatureParameters rawParameters(PadesProfile profile, List<X509Certificate> chain) {
        PAdESSignatureParameters p = new PAdESSignatureParameters();
        p.setSignatureLevel(switch (profile) {
            case B_B -> SignatureLevel.PAdES_BASELINE_B;
            case B_T -> SignatureLevel.PAdES_BASELINE_T;
            case B_LT -> SignatureLevel.PAdES_BASELINE_LT;
            case B_LTA -> SignatureLevel.PAdES_BASELINE_LTA;
        });
        p.setDigestAlgorithm(DigestAlgorithm.SHA256);
        p.setSigningCertificate(new CertificateToken(chain.get(0)));
        p.setCertificateChain(chain.stream().map(CertificateToken::new).toList());
        p.bLevel().setSigningDate(new Date());
        return p;
    }

    /** A DSS certificate verifier trusting {@code root} (its revocation sources are the caller's). */
    static CommonCertificateVerifier rawVerifier(X509Certificate root) {
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        trusted.addCertificate(new CertificateToken(root));
        verifier.setTrustedCertSources(trusted);
        return verifier;
    }

    /** What an integrator would write against DSS directly (see the DSS notes, section 1.1). */
    private static byte[] rawDss(byte[] pdf, SigningKey key, TimestampAuthority tsa, InProcessOcspSource ocsp,
                                 PadesProfile profile) {
        List<X509Certificate> chain = key.certificateChain();
            PAdESSignatureParameters p = rawParameters(profile, chain);
            CommonCertificateVerifier verifier = rawVerifier(chain.get(chain.size() - 1));
            verifier.setOcspSource(ocsp);
            PAdESService service = new PAdESService(verifier);
            service.setTspSource(new DssTimestampSource(tsa));
            DSSDocument document = new InMemoryDocument(pdf, "bench.pdf");
            ToBeSigned tbs = service.getDataToSign(document, p);
            byte[] value = key.sign(tbs.getBytes(), p.getSignatureAlgorithm().getJCEId());
            return DSSUtils.toByteArray(service.signDocument(document, p, new SignatureValue(p.getSignatureAlgorithm(), value)));
    }
}
