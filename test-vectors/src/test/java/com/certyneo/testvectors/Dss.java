package com.certyneo.testvectors;

import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.EncryptionAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.service.crl.OnlineCRLSource;
import eu.europa.esig.dss.service.http.commons.CommonsDataLoader;
import eu.europa.esig.dss.service.http.commons.OCSPDataLoader;
import eu.europa.esig.dss.service.http.commons.TimestampDataLoader;
import eu.europa.esig.dss.service.ocsp.OnlineOCSPSource;
import eu.europa.esig.dss.service.tsp.OnlineTSPSource;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.aia.DefaultAIASource;
import eu.europa.esig.dss.validation.reports.Reports;

import java.util.ArrayList;
import java.util.List;

/** Raw DSS 6.2 over the served test PKI: online OCSP/CRL/AIA/TSA at the loopback server, root trusted. */
final class Dss {

    /** What DSS said about one signature. */
    record Verdict(String indication, String subIndication, String format) {
        @Override
        public String toString() {
            return indication + "/" + subIndication + "/" + format;
        }
    }

    private Dss() {
    }

    static CommonCertificateVerifier verifier(TestPki pki) {
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        pki.trustAnchors().forEach(c -> trusted.addCertificate(new CertificateToken(c)));
        OnlineOCSPSource ocsp = new OnlineOCSPSource();
        ocsp.setDataLoader(new OCSPDataLoader());
        OnlineCRLSource crl = new OnlineCRLSource();
        crl.setDataLoader(new CommonsDataLoader());
        CommonCertificateVerifier cv = new CommonCertificateVerifier();
        cv.setTrustedCertSources(trusted);
        cv.setOcspSource(ocsp);
        cv.setCrlSource(crl);
        cv.setAIASource(new DefaultAIASource(new CommonsDataLoader()));
        return cv;
    }

    static byte[] sign(byte[] pdf, TestPki pki, TestPki.Credential signer, SignatureLevel level) {
        return sign(pdf, pki, signer, level, null);
    }

    static byte[] sign(byte[] pdf, TestPki pki, TestPki.Credential signer, SignatureLevel level, String password) {
        PAdESService service = new PAdESService(verifier(pki));
        OnlineTSPSource tsp = new OnlineTSPSource(pki.tsaUrl(1));
        tsp.setDataLoader(new TimestampDataLoader());
        service.setTspSource(tsp);
        PAdESSignatureParameters p = new PAdESSignatureParameters();
        p.setSignatureLevel(level);
        p.setDigestAlgorithm(DigestAlgorithm.SHA256);
        p.setSigningCertificate(new CertificateToken(signer.certificate()));
        List<CertificateToken> chain = new ArrayList<>();
        signer.chain().forEach(c -> chain.add(new CertificateToken(c)));
        p.setCertificateChain(chain);
        boolean rsa = !signer.key().getAlgorithm().equals("EC");
        if (rsa) {
            p.setEncryptionAlgorithm(EncryptionAlgorithm.RSASSA_PSS);
        }
        if (password != null) {
            p.setPasswordProtection(password.toCharArray());
        }
        DSSDocument document = new InMemoryDocument(pdf, "vector.pdf");
        ToBeSigned tbs = service.getDataToSign(document, p);
        SignatureValue value = new SignatureValue(rsa ? SignatureAlgorithm.RSA_SSA_PSS_SHA256_MGF1
                : SignatureAlgorithm.ECDSA_SHA256, signer.sign(tbs.getBytes()));
        try {
            return service.signDocument(document, p, value).openStream().readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the verdict for each signature, in document order */
    static List<Verdict> validate(byte[] pdf, TestPki pki) {
        PDFDocumentValidator validator = new PDFDocumentValidator(new InMemoryDocument(pdf, "signed.pdf"));
        validator.setCertificateVerifier(verifier(pki));
        Reports reports = validator.validateDocument();
        SimpleReport simple = reports.getSimpleReport();
        List<Verdict> verdicts = new ArrayList<>();
        for (String id : simple.getSignatureIdList()) {
            verdicts.add(new Verdict(String.valueOf(simple.getIndication(id)),
                    simple.getSubIndication(id) == null ? null : simple.getSubIndication(id).name(),
                    simple.getSignatureFormat(id) == null ? null : simple.getSignatureFormat(id).toString()));
        }
        return verdicts;
    }
}
