package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import eu.europa.esig.validationreport.ValidationReportUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.transform.stream.StreamSource;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ETSI TS 119 102-2 validation report and DSS's detailed report (issue 13): produced only when asked for,
 * valid against the ETSI XSD, and saying what the engine's own report says for each signature.
 */
class XmlReportsTest {

    @TempDir
    static Path home;

    @Test
    void etsiReportValidatesAgainstItsSchemaAndAgreesWithTheEngine() throws Exception {
        Path signed = home.resolve("signed.pdf");
        try (PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home.resolve("h"))) {
            engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.minimal(), "in.pdf"))
                    .output(DocumentTarget.of(signed))
                    .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP,
                            Instant.now()))
                    .level(SignatureLevel.AES).profile(PadesProfile.B_LTA).build());

            ValidationReport plain = engine.validate(DocumentSource.of(signed), ValidationOptions.sandbox());
            assertTrue(plain.etsiReport().isEmpty() && plain.detailedReport().isEmpty(), "only when asked for");

            ValidationReport report = engine.validate(DocumentSource.of(signed),
                    ValidationOptions.sandbox().withXmlReports(true));
            assertTrue(report.allPassed(), report.toString());
            // (the sandbox's OCSP responder answers at each validation: revocation times differ)
            assertEquals(plain.signatures().stream().map(s -> s.id() + " " + s.indication() + " " + s.subIndication()
                    + " " + s.profile()).toList(), report.signatures().stream().map(s -> s.id() + " " + s.indication()
                    + " " + s.subIndication() + " " + s.profile()).toList(), "the XML reports change no outcome");
            String etsi = report.etsiReport().orElseThrow();
            java.nio.file.Files.writeString(Path.of("target/etsi-report.xml"), etsi); // for a reader
            List<String> errors = ValidationReportUtils.getInstance().validateAgainstXSD(new StreamSource(new StringReader(etsi)));
            assertEquals(List.of(), errors, "valid against ETSI TS 119 102-2's XSD");

            // One SignatureValidationReport per signature and time-stamp the engine reports, each with the engine's
            // indication as its SignatureValidationStatus (namespace-aware: the marshaller picks the prefixes).
            javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            org.w3c.dom.Document xml = factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new StringReader(etsi)));
            String ns = "http://uri.etsi.org/19102/v1.4.1#";
            org.w3c.dom.NodeList reports = xml.getElementsByTagNameNS(ns, "SignatureValidationReport");
            SignatureValidation signature = report.signatures().stream().filter(s -> !s.documentTimestamp())
                    .findFirst().orElseThrow();
            assertTrue(reports.getLength() >= 1, etsi.substring(0, 300));
            org.w3c.dom.Element first = (org.w3c.dom.Element) reports.item(0);
            org.w3c.dom.Element identifier = (org.w3c.dom.Element) first.getElementsByTagNameNS(ns, "SignatureIdentifier").item(0);
            assertEquals(signature.id(), identifier.getAttribute("id"), "the report's first signature is the engine's");
            org.w3c.dom.Element status = (org.w3c.dom.Element) first.getElementsByTagNameNS(ns, "SignatureValidationStatus").item(0);
            assertEquals("urn:etsi:019102:mainindication:total-passed",
                    status.getElementsByTagNameNS(ns, "MainIndication").item(0).getTextContent().trim());
            assertEquals(com.certyneo.engine.Indication.TOTAL_PASSED, signature.indication());
            assertTrue(etsi.contains("Jane Doe"), "the report names the signer");

            String detailed = report.detailedReport().orElseThrow();
            assertTrue(detailed.contains("<DetailedReport") && detailed.contains(signature.id()), detailed.substring(0, 200));

            // The accessors hand out copies.
            byte[] copy = report.etsiXml().orElseThrow();
            copy[0] = 0;
            assertFalse(report.etsiXml().orElseThrow()[0] == 0);
        }
    }
}
