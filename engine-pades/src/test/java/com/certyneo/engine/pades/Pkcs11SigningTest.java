package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.pades.keys.Pkcs11Token;
import com.certyneo.engine.pades.keys.Pkcs12Keys;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.tsp.TimestampAuthority;
import com.certyneo.testvectors.SamplePdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Production signing with keys from a PKCS#11 token (SoftHSM2) and a PKCS#12 file, under a test root
 * that is not the sandbox. Under CI=true a missing SoftHSM2 fails the test instead of skipping it.
 */
class Pkcs11SigningTest {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    static final char[] PIN = "1234".toCharArray();

    @TempDir
    static Path dir;
    static KeyPair rootKeys;
    static X509Certificate root;
    static List<X509Certificate> sealChain;
    static KeyPair sealKeys;
    static TimestampAuthority tsa;
    static long slot;

    @BeforeAll
    static void setUp() throws Exception {
        Instant now = Instant.now();
        rootKeys = X509Builder.newEcKeyPair();
        root = X509Builder.of(new X500Name("CN=Acme Test Root,O=Acme,C=FR"), rootKeys.getPublic()).ca()
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30))).selfSigned(rootKeys.getPrivate());
        sealKeys = X509Builder.newEcKeyPair();
        X509Certificate seal = X509Builder.of(new X500Name("CN=Acme Platform Seal,O=Acme,C=FR"), sealKeys.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                .revocationPointers("http://acme.invalid/root.crl", "http://acme.invalid/ocsp", "http://acme.invalid/root.cer")
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30))).issuedBy(root, rootKeys.getPrivate());
        sealChain = List.of(seal, root);
        KeyPair tsaKeys = X509Builder.newEcKeyPair();
        X509Certificate tsaCert = X509Builder.of(new X500Name("CN=Acme Test TSA,O=Acme,C=FR"), tsaKeys.getPublic())
                .keyUsage(KeyUsage.digitalSignature).extendedKeyUsage(KeyPurposeId.id_kp_timeStamping, true)
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30))).issuedBy(root, rootKeys.getPrivate());
        tsa = TimestampAuthority.builder().key(tsaKeys.getPrivate(), List.of(tsaCert, root)).policy("1.2.3.4.5").build();
    }

    static boolean sealImported;

    /** Creates the SoftHSM2 token (once per JVM) and imports this class's seal key on it (once). */
    static void initToken() throws Exception {
        createToken();
        if (sealImported) {
            return;
        }
        // Import the seal key and its chain onto the token through SunPKCS11 (token objects).
        Provider provider = Security.getProvider("SunPKCS11").configure(
                "--name=import\nlibrary=" + LIBRARY + "\nslot=" + slot + "\n");
        KeyStore ks = KeyStore.getInstance("PKCS11", provider);
        ks.load(null, PIN);
        ks.setKeyEntry("seal", sealKeys.getPrivate(), null, sealChain.toArray(new Certificate[0]));
        sealImported = true;
    }

    /**
     * Creates a fresh SoftHSM2 token where SOFTHSM2_CONF (set by surefire) points, once per JVM, and sets
     * {@link #slot}; other test classes use it too ({@link ReadmeProductionEngineTest}), each removing what it adds.
     */
    static synchronized void createToken() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        boolean available = conf != null && Files.isReadable(LIBRARY) && onPath("softhsm2-util");
        if (!available) {
            String why = "SoftHSM2 is not available (library " + LIBRARY + ", softhsm2-util, SOFTHSM2_CONF=" + conf + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + ": CI must run the PKCS#11 tests (apt-get install softhsm2)");
            }
            Assumptions.assumeTrue(false, why);
        }
        if (slot != 0) {
            return;
        }
        Path confFile = Path.of(conf);
        Path tokens = confFile.getParent().resolve("tokens");
        if (Files.exists(tokens)) {
            try (var walk = Files.walk(tokens)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        ProcessBuilder pb = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "certyneo-ci",
                "--so-pin", "87654321", "--pin", new String(PIN)).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(output);
        assertTrue(m.find(), output);
        slot = Long.parseLong(m.group(1));
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void softHsmSealKeySignsAndValidates() throws Exception {
        initToken();
        try (Pkcs11Token token = Pkcs11Token.builder().library(LIBRARY).slot(slot).pin(PIN).build()) {
            assertEquals(1, token.keys().size(), token.keys().toString());
            SigningKey key = token.key("seal");
            assertEquals(sealChain.get(0), key.certificate());
            signAndCheck(key, "hsm");
        }
    }

    @Test
    void softHsmErrorsListWhatTheTokenHolds() throws Exception {
        initToken();
        try (Pkcs11Token token = Pkcs11Token.builder().library(LIBRARY).slot(slot).pin(PIN).build()) {
            SignatureEngineException e = assertThrows(SignatureEngineException.class, () -> token.key("missing"));
            assertEquals(ErrorCode.SIGNING_KEY_ERROR, e.code());
            assertTrue(e.getMessage().contains("'seal'") && e.getMessage().contains("Acme Platform Seal"), e.getMessage());
            assertTrue(e.getMessage().contains("slot " + slot), e.getMessage());
        }
        SignatureEngineException wrongPin = assertThrows(SignatureEngineException.class,
                () -> Pkcs11Token.builder().library(LIBRARY).slot(slot).pin("9999".toCharArray()).build());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, wrongPin.code());
        assertFalse(wrongPin.getMessage().contains("9999"));
        SignatureEngineException wrongSlot = assertThrows(SignatureEngineException.class,
                () -> Pkcs11Token.builder().library(LIBRARY).slot(424242).pin(PIN).build());
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, wrongSlot.code());
    }

    @Test
    void pkcs12SealKeySignsAndValidates() throws Exception {
        Path p12 = dir.resolve("seal.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("seal", sealKeys.getPrivate(), "secret".toCharArray(), sealChain.toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, "secret".toCharArray());
        }
        SignatureEngineException wrong = assertThrows(SignatureEngineException.class,
                () -> Pkcs12Keys.load(p12, "nope".toCharArray(), null));
        assertEquals(ErrorCode.SIGNING_KEY_ERROR, wrong.code());
        SignatureEngineException missing = assertThrows(SignatureEngineException.class,
                () -> Pkcs12Keys.load(p12, "secret".toCharArray(), "other"));
        assertTrue(missing.getMessage().contains("'seal'"), missing.getMessage());
        signAndCheck(Pkcs12Keys.load(p12, "secret".toCharArray(), null), "p12");
    }

    void signAndCheck(SigningKey key, String name) throws Exception {
        Path out = dir.resolve(name + ".pdf");
        // The root answers OCSP for its certificates (offline revocation data), so B-LT is reachable.
        com.certyneo.engine.spi.RevocationSource revocation = OfflineRevocation.signedBy(rootKeys.getPrivate(), root);
        try (PadesSignatureEngine engine = PadesSignatureEngine.builder().sealKey(key).timestampSource(tsa).trustAnchor(root)
                .revocationSource(revocation).build()) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                    .output(DocumentTarget.of(out)).signer(Signer.parse("Jane Doe <jane@example.com>"))
                    .level(SignatureLevel.SES).profile(PadesProfile.B_LT).build());
            ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.trusting(List.of(root)));
            SignatureValidation v = report.signatures().get(0);
            assertEquals(PadesProfile.B_LT, v.profile().orElseThrow(), v.toString());
            assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        }
        // Independently of DSS: the CMS signature verifies over the signed byte ranges.
        byte[] pdf = Files.readAllBytes(out);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature signature = doc.getLastSignatureDictionary();
            CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signature.getSignedContent(pdf)),
                    signature.getContents(pdf));
            SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
            assertTrue(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(sealChain.get(0))));
        }
    }
}
