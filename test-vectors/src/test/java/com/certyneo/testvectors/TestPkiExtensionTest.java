package com.certyneo.testvectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.cert.CertificateFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-annotation style: a run-wide shared server, injected as a parameter. */
@ExtendWith(TestPkiExtension.class)
class TestPkiExtensionTest {

    private final TestPki fromConstructor;

    TestPkiExtensionTest(TestPki pki) {
        this.fromConstructor = pki;
    }

    @Test
    void injectsASharedServedPki(TestPki pki, TestPkiServer shared) throws Exception {
        assertSame(shared.pki(), pki);
        assertSame(fromConstructor, pki, "one server for the whole run");
        assertTrue(pki.ocspUrl().startsWith("http://127.0.0.1:" + shared.port() + "/"));
        assertEquals(TestPki.DEFAULT_SEED, pki.seed());
        assertEquals(pki.intermediate(), CertificateFactory.getInstance("X.509").generateCertificate(
                new java.io.ByteArrayInputStream(TestPkiServerTest.get(pki.baseUrl() + "ca/intermediate.cer"))));
    }
}
