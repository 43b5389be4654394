package com.certyneo.testvectors;

import com.certyneo.testvectors.TestPki.Credential;
import com.certyneo.testvectors.TestPki.KeyType;
import com.certyneo.testvectors.TestPki.Kind;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every catalog entry that is not an engine rule is what raw DSS 6.2 really does with the served
 * PKI: this is what makes the catalog trustworthy for the engine and for embedders.
 */
class CatalogConformsToDssTest {

    @RegisterExtension
    static TestPkiServer server = TestPkiServer.start();

    static Stream<Expectation> dssEntries() {
        return ExpectedOutcomes.all().stream().filter(e -> !e.engineRule());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dssEntries")
    void dssAgreesWithTheCatalog(Expectation expected) {
        TestPki pki = server.pki();
        Credential signer = pki.goodSigner();
        byte[] input;
        Kind kind = null;
        if (expected.vector().startsWith("SIGNER_")) {
            String rest = expected.vector().substring("SIGNER_".length());
            KeyType type = rest.endsWith(KeyType.EC_P256.name()) ? KeyType.EC_P256 : KeyType.RSA_PSS_3072;
            kind = Kind.valueOf(rest.substring(0, rest.length() - type.name().length() - 1));
            signer = pki.signer(kind, type);
            input = SamplePdfs.minimal();
        } else {
            input = PdfVector.valueOf(expected.vector()).bytes(pki);
        }
        List<Dss.Verdict> verdicts;
        if (expected.operation() == Operation.VALIDATE) {
            byte[] signed = kind == null ? input
                    : PdfVector.signed(PdfFactory.signable(), signer, ExpectedOutcomes.claimedSigningTime(kind));
            verdicts = Dss.validate(signed, pki);
        } else {
            SignatureLevel level = SignatureLevel.valueByName(expected.operation().targetFormat());
            Credential s = signer;
            if (expected.refused()) {
                Exception e = assertThrows(Exception.class, () -> Dss.sign(input, pki, s, level));
                assertTrue(String.valueOf(e.getMessage()).contains(expected.reason()),
                        "DSS message '" + e.getMessage() + "' lacks '" + expected.reason() + "'");
                return;
            }
            verdicts = Dss.validate(Dss.sign(input, pki, s, level), pki);
        }
        assertFalse(verdicts.isEmpty());
        Dss.Verdict last = verdicts.get(verdicts.size() - 1);
        assertEquals(expected.outcome().name(), last.indication(), verdicts.toString());
        assertEquals(expected.subIndication(), last.subIndication(), verdicts.toString());
        assertEquals(expected.format(), last.format(), verdicts.toString());
        if (expected.vector().equals(PdfVector.ALREADY_SIGNED.name())) {
            verdicts.forEach(v -> assertEquals("TOTAL_PASSED", v.indication(), verdicts.toString()));
        }
    }

    @Test
    void ownerPasswordOnlyFileIsSignedAsRawDssSignsIt() {
        // The owner-password-only file (permissions allow signing) is signed by the engine, as raw DSS signs it.
        TestPki pki = server.pki();
        byte[] signed = Dss.sign(PdfVector.ENCRYPTED_OWNER_PASSWORD_ONLY.bytes(), pki, pki.goodSigner(),
                SignatureLevel.PAdES_BASELINE_B);
        assertEquals("TOTAL_PASSED", Dss.validate(signed, pki).get(0).indication());
        assertTrue(ExpectedOutcomes.all().stream().filter(e -> e.vector().equals(PdfVector.ENCRYPTED_OWNER_PASSWORD_ONLY.name()))
                .allMatch(e -> e.outcome() == Outcome.TOTAL_PASSED && !e.engineRule()));
    }

    @Test
    void dssFetchedEverythingOverLoopback() {
        TestPki pki = server.pki();
        long ocsp = server.requestCount("ocsp");
        long tsa = server.requestCount("tsa");
        Dss.sign(SamplePdfs.minimal(), pki, pki.signer(Kind.GOOD, KeyType.RSA_PSS_3072), SignatureLevel.PAdES_BASELINE_LTA);
        assertTrue(server.requestCount("ocsp") > ocsp, "OCSP used");
        assertEquals(tsa + 2, server.requestCount("tsa"), "signature and archive time-stamps");
        assertTrue(server.requestCount("crl") > 0, "intermediate checked through the root CRL");
    }
}
