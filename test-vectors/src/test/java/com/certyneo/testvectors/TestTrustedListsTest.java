package com.certyneo.testvectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test LOTL/TL: deterministic bytes, DSS's cache file names, a pin keystore, and the faulty variants. */
class TestTrustedListsTest {

    @TempDir
    Path dir;

    private TestTrustedLists.Published write(String name, TestTrustedLists.Variant variant) {
        TestPki pki = TestPki.create();
        return TestTrustedLists.builder().qualifiedCa("TEST CA service", pki.intermediate())
                .timestampService("TEST TSA service", pki.tsa(1).certificate()).variant(variant)
                .write(dir.resolve(name));
    }

    private static byte[] lotl(TestTrustedLists.Published p) throws Exception {
        return Files.readAllBytes(p.cacheDirectory().resolve(TestTrustedLists.cacheFileName(p.lotlUrl())));
    }

    private static byte[] tl(TestTrustedLists.Published p) throws Exception {
        return Files.readAllBytes(p.cacheDirectory().resolve(TestTrustedLists.cacheFileName(p.tlUrl())));
    }

    @Test
    void sameBuilderSameBytes() throws Exception {
        TestTrustedLists.Published a = write("a", TestTrustedLists.Variant.VALID);
        TestTrustedLists.Published b = write("b", TestTrustedLists.Variant.VALID);
        assertArrayEquals(lotl(a), lotl(b));
        assertArrayEquals(tl(a), tl(b));
        String tl = new String(tl(a), StandardCharsets.UTF_8);
        assertTrue(tl.contains("http://uri.etsi.org/TrstSvc/Svctype/CA/QC") && tl.contains("TSA/QTST"), tl);
        assertTrue(tl.contains("<ds:Signature") && tl.contains("xades:SigningCertificateV2"), tl);
        assertEquals("http___tl_certyneo_test_test_lotl_xml", TestTrustedLists.cacheFileName(TestTrustedLists.LOTL_URL));
    }

    @Test
    void pinKeystoreHoldsTheLotlSigner() throws Exception {
        TestTrustedLists.Published p = write("pins", TestTrustedLists.Variant.VALID);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p.pinKeystore())) {
            ks.load(in, new char[0]);
        }
        assertEquals(1, Collections.list(ks.aliases()).size());
        assertEquals(p.lotlSigningCertificate(), (X509Certificate) ks.getCertificate("lotl-signer"));
    }

    @Test
    void variantsDifferWhereTheySay() throws Exception {
        TestTrustedLists.Published valid = write("v", TestTrustedLists.Variant.VALID);
        TestTrustedLists.Published brokenLotl = write("bl", TestTrustedLists.Variant.LOTL_SIGNATURE_BROKEN);
        assertArrayEquals(tl(valid), tl(brokenLotl));
        assertFalse(java.util.Arrays.equals(lotl(valid), lotl(brokenLotl)));
        TestTrustedLists.Published expired = write("e", TestTrustedLists.Variant.TL_EXPIRED);
        assertTrue(new String(tl(expired), StandardCharsets.UTF_8).contains("2025-02-01T00:00:00Z"));
    }
}
