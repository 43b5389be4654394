package com.certyneo.engine.sandbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import javax.xml.XMLConstants;
import javax.xml.crypto.dom.DOMStructure;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLObject;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Writes and signs ETSI TS 119 612 trusted lists: a list of trusted lists (LOTL, EU type) pointing to trusted lists
 * (TL, EU generic type) of trust service providers, each signed with an enveloped XAdES-BASELINE-B signature as
 * the EU's lists are, so that DSS's trusted-list validation job reads them like the real ones.
 *
 * <p>For the <b>sandbox</b> QTSP's trusted list and for test trusted lists only: its scheme operators are whoever
 * the caller names, and nothing it writes is legally binding. The output depends only on the arguments (the
 * signature with an RSA PKCS#1 v1.5 key, or with a deterministic ECDSA provider, is then byte-identical).
 * Stateless and thread-safe.
 */
public final class TrustedListXml {

    /** ETSI TS 119 612 namespace. */
    public static final String TSL_NS = "http://uri.etsi.org/02231/v2#";
    /** TSL type of the EU list of trusted lists. */
    public static final String TYPE_LOTL = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists";
    /** TSL type of an EU member state trusted list. */
    public static final String TYPE_TL = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric";
    /** Service type: CA issuing qualified certificates. */
    public static final String SERVICE_CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";
    /** Service type: qualified electronic time-stamp. */
    public static final String SERVICE_QTST = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST";
    /** Service status: granted. */
    public static final String STATUS_GRANTED = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";
    /** Service status: withdrawn. */
    public static final String STATUS_WITHDRAWN = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn";
    /** Additional service information: the service issues certificates for electronic signatures. */
    public static final String FOR_ESIGNATURES = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures";
    /** Additional service information: the service issues certificates for electronic seals. */
    public static final String FOR_ESEALS = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals";
    /** Qualifier: the certificates are qualified, with their key on a QSCD. */
    public static final String QUALIFIER_QC_WITH_QSCD = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithQSCD";
    /** Qualifier: the certificates are qualified, their key is not on a QSCD. */
    public static final String QUALIFIER_QC_NO_QSCD = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCNoQSCD";
    /** MIME type of an XML trusted list. */
    public static final String MIME_TYPE = "application/vnd.etsi.tsl+xml";

    private static final String TSLX_NS = "http://uri.etsi.org/02231/v2/additionaltypes#";
    private static final String ECC_NS = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#";
    private static final String XADES_NS = "http://uri.etsi.org/01903/v1.3.2#";
    private static final String DS_NS = XMLSignature.XMLNS;
    private static final String XML_NS = XMLConstants.XML_NS_URI;
    private static final String SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties";

    private TrustedListXml() {
    }

    /**
     * One trust service of a trusted list.
     *
     * @param name the service name (a human reads it: put SANDBOX or TEST in it where that applies)
     * @param type the service type URI, such as {@link #SERVICE_CA_QC}
     * @param status the status URI, such as {@link #STATUS_GRANTED}
     * @param statusStart when the status started
     * @param certificate the service's digital identity
     * @param additionalInformation additional service information URIs, such as {@link #FOR_ESIGNATURES}
     * @param qualifiers qualifiers applying to the certificates of the service that meet the criteria, such as
     *                   {@link #QUALIFIER_QC_NO_QSCD}; empty for none
     * @param criteriaPolicies the certificate policy OIDs a certificate must carry (all of them) for the qualifiers
     *                   to apply; empty: every certificate with the nonRepudiation key usage
     */
    public record Service(String name, String type, String status, Instant statusStart, X509Certificate certificate,
                          List<String> additionalInformation, List<String> qualifiers, List<String> criteriaPolicies) {

        /**
         * Validates and copies the components.
         *
         * @param name the service name
         * @param type the service type URI
         * @param status the status URI
         * @param statusStart when the status started
         * @param certificate the service's digital identity
         * @param additionalInformation additional service information URIs
         * @param qualifiers qualifiers applying to the certificates that meet the criteria
         * @param criteriaPolicies the certificate policy OIDs of the criteria
         */
        public Service {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(statusStart, "statusStart");
            Objects.requireNonNull(certificate, "certificate");
            additionalInformation = List.copyOf(Objects.requireNonNullElse(additionalInformation, List.of()));
            qualifiers = List.copyOf(Objects.requireNonNullElse(qualifiers, List.of()));
            criteriaPolicies = List.copyOf(Objects.requireNonNullElse(criteriaPolicies, List.of()));
        }

        /**
         * A service without qualifiers.
         *
         * @param name the service name
         * @param type the service type URI
         * @param status the status URI
         * @param statusStart when the status started
         * @param certificate the service's digital identity
         * @param additionalInformation additional service information URIs
         * @return the service
         */
        public static Service of(String name, String type, String status, Instant statusStart,
                                 X509Certificate certificate, List<String> additionalInformation) {
            return new Service(name, type, status, statusStart, certificate, additionalInformation, List.of(), List.of());
        }
    }

    /**
     * The scheme a list belongs to.
     *
     * @param territory the scheme territory (country code), such as {@code "ZZ"}
     * @param operatorName the scheme operator's name (a human reads it)
     * @param sequenceNumber the list's sequence number (1 or more)
     * @param issued the list issue date-time
     * @param nextUpdate the date-time of the next update
     */
    public record Scheme(String territory, String operatorName, int sequenceNumber, Instant issued, Instant nextUpdate) {

        /**
         * Validates the components.
         *
         * @param territory the scheme territory
         * @param operatorName the scheme operator's name
         * @param sequenceNumber the sequence number
         * @param issued the issue date-time
         * @param nextUpdate the next update
         */
        public Scheme {
            Objects.requireNonNull(territory, "territory");
            Objects.requireNonNull(operatorName, "operatorName");
            Objects.requireNonNull(issued, "issued");
            Objects.requireNonNull(nextUpdate, "nextUpdate");
            if (sequenceNumber < 1) {
                throw new IllegalArgumentException("sequenceNumber must be 1 or more");
            }
        }
    }

    /**
     * A LOTL's pointer to a trusted list.
     *
     * @param territory the TL's scheme territory
     * @param operatorName the TL's scheme operator
     * @param location the TL's URL
     * @param signingCertificate the certificate the TL is signed with
     */
    public record Pointer(String territory, String operatorName, String location, X509Certificate signingCertificate) {

        /**
         * Validates the components.
         *
         * @param territory the TL's scheme territory
         * @param operatorName the TL's scheme operator
         * @param location the TL's URL
         * @param signingCertificate the certificate the TL is signed with
         */
        public Pointer {
            Objects.requireNonNull(territory, "territory");
            Objects.requireNonNull(operatorName, "operatorName");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(signingCertificate, "signingCertificate");
        }
    }

    /**
     * An unsigned trusted list of one trust service provider.
     *
     * @param scheme the list's scheme
     * @param tspName the trust service provider's name
     * @param services its services
     * @return the list as XML (UTF-8), to be {@linkplain #sign signed}
     */
    public static byte[] trustedList(Scheme scheme, String tspName, List<Service> services) {
        Document doc = newDocument();
        Element root = list(doc, scheme, TYPE_TL, List.of());
        Element tsps = add(root, TSL_NS, "tsl:TrustServiceProviderList");
        Element tsp = add(tsps, TSL_NS, "tsl:TrustServiceProvider");
        Element info = add(tsp, TSL_NS, "tsl:TSPInformation");
        names(add(info, TSL_NS, "tsl:TSPName"), tspName);
        address(add(info, TSL_NS, "tsl:TSPAddress"));
        uris(add(info, TSL_NS, "tsl:TSPInformationURI"), "https://sandbox.certyneo.invalid/tsp");
        Element list = add(tsp, TSL_NS, "tsl:TSPServices");
        for (Service s : services) {
            Element si = add(add(list, TSL_NS, "tsl:TSPService"), TSL_NS, "tsl:ServiceInformation");
            text(si, "tsl:ServiceTypeIdentifier", s.type());
            names(add(si, TSL_NS, "tsl:ServiceName"), s.name());
            digitalId(add(si, TSL_NS, "tsl:ServiceDigitalIdentity"), s.certificate());
            text(si, "tsl:ServiceStatus", s.status());
            text(si, "tsl:StatusStartingTime", time(s.statusStart()));
            if (!s.additionalInformation().isEmpty() || !s.qualifiers().isEmpty()) {
                Element extensions = add(si, TSL_NS, "tsl:ServiceInformationExtensions");
                if (!s.qualifiers().isEmpty()) {
                    Element ext = add(extensions, TSL_NS, "tsl:Extension");
                    ext.setAttribute("Critical", "true");
                    Element qualifications = add(ext, ECC_NS, "ecc:Qualifications");
                    qualifications.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:ecc", ECC_NS);
                    Element element = add(qualifications, ECC_NS, "ecc:QualificationElement");
                    Element qualifiers = add(element, ECC_NS, "ecc:Qualifiers");
                    for (String q : s.qualifiers()) {
                        add(qualifiers, ECC_NS, "ecc:Qualifier").setAttribute("uri", q);
                    }
                    Element criteria = add(element, ECC_NS, "ecc:CriteriaList");
                    criteria.setAttribute("assert", "all");
                    if (s.criteriaPolicies().isEmpty()) {
                        // every signing certificate the service issues: a key usage criterion all of them meet
                        Element keyUsage = add(criteria, ECC_NS, "ecc:KeyUsage");
                        Element bit = add(keyUsage, ECC_NS, "ecc:KeyUsageBit");
                        bit.setAttribute("name", "nonRepudiation");
                        bit.setTextContent("true");
                    } else {
                        Element policySet = add(criteria, ECC_NS, "ecc:PolicySet");
                        for (String oid : s.criteriaPolicies()) {
                            Element id = add(policySet, ECC_NS, "ecc:PolicyIdentifier");
                            Element identifier = add(id, XADES_NS, "xades:Identifier");
                            identifier.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:xades", XADES_NS);
                            identifier.setTextContent(oid);
                        }
                    }
                }
                for (String uri : s.additionalInformation()) {
                    Element ext = add(extensions, TSL_NS, "tsl:Extension");
                    ext.setAttribute("Critical", "false");
                    Element asi = add(ext, TSL_NS, "tsl:AdditionalServiceInformation");
                    Element u = add(asi, TSL_NS, "tsl:URI");
                    u.setAttributeNS(XML_NS, "xml:lang", "en");
                    u.setTextContent(uri);
                }
            }
        }
        return serialize(doc);
    }

    /**
     * An unsigned EU-type list of trusted lists.
     *
     * @param scheme the LOTL's scheme
     * @param pointers the trusted lists it points to
     * @return the list as XML (UTF-8), to be {@linkplain #sign signed}
     */
    public static byte[] listOfTrustedLists(Scheme scheme, List<Pointer> pointers) {
        Document doc = newDocument();
        list(doc, scheme, TYPE_LOTL, pointers);
        return serialize(doc);
    }

    /**
     * Signs a list with an enveloped XAdES-BASELINE-B signature (exclusive canonicalisation, SHA-256; the signing
     * certificate in {@code ds:KeyInfo} and in {@code xades:SigningCertificateV2}).
     *
     * @param xml the unsigned list
     * @param key the signing key (RSA or EC)
     * @param certificate its certificate
     * @param signingTime the XAdES signing time
     * @return the signed list (UTF-8)
     */
    public static byte[] sign(byte[] xml, PrivateKey key, X509Certificate certificate, Instant signingTime) {
        try {
            Document doc = parse(xml);
            Element root = doc.getDocumentElement();
            XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM");
            String sigId = "sig-" + root.getAttribute("Id");
            String propsId = "xades-" + sigId;

            Element qp = doc.createElementNS(XADES_NS, "xades:QualifyingProperties");
            qp.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:xades", XADES_NS);
            qp.setAttribute("Target", "#" + sigId);
            Element sp = add(qp, XADES_NS, "xades:SignedProperties");
            sp.setAttribute("Id", propsId);
            Element ssp = add(sp, XADES_NS, "xades:SignedSignatureProperties");
            add(ssp, XADES_NS, "xades:SigningTime").setTextContent(time(signingTime));
            Element cert = add(add(ssp, XADES_NS, "xades:SigningCertificateV2"), XADES_NS, "xades:Cert");
            Element certDigest = add(cert, XADES_NS, "xades:CertDigest");
            add(certDigest, DS_NS, "ds:DigestMethod").setAttribute("Algorithm", DigestMethod.SHA256);
            add(certDigest, DS_NS, "ds:DigestValue").setTextContent(Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
            IssuerSerial issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(
                    X500Name.getInstance(certificate.getIssuerX500Principal().getEncoded()))),
                    new BigInteger(certificate.getSerialNumber().toByteArray()));
            add(cert, XADES_NS, "xades:IssuerSerialV2").setTextContent(
                    Base64.getEncoder().encodeToString(issuerSerial.getEncoded("DER")));
            Element format = add(add(sp, XADES_NS, "xades:SignedDataObjectProperties"), XADES_NS,
                    "xades:DataObjectFormat");
            format.setAttribute("ObjectReference", "#ref-" + sigId);
            add(format, XADES_NS, "xades:MimeType").setTextContent("text/xml");

            CanonicalizationMethod exc = fac.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE,
                    (C14NMethodParameterSpec) null);
            Transform excTransform = fac.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null);
            Reference document = fac.newReference("", fac.newDigestMethod(DigestMethod.SHA256, null),
                    List.of(fac.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null), excTransform),
                    null, "ref-" + sigId);
            Reference properties = fac.newReference("#" + propsId, fac.newDigestMethod(DigestMethod.SHA256, null),
                    List.of(excTransform), SIGNED_PROPERTIES_TYPE, null);
            String method = "EC".equals(key.getAlgorithm()) ? SignatureMethod.ECDSA_SHA256 : SignatureMethod.RSA_SHA256;
            SignedInfo si = fac.newSignedInfo(exc, fac.newSignatureMethod(method, null), List.of(document, properties));
            KeyInfoFactory kif = fac.getKeyInfoFactory();
            KeyInfo ki = kif.newKeyInfo(List.of(kif.newX509Data(List.of(certificate))));
            XMLObject object = fac.newXMLObject(List.of(new DOMStructure(qp)), null, null, null);
            XMLSignature signature = fac.newXMLSignature(si, ki, List.of(object), sigId, null);
            DOMSignContext context = new DOMSignContext(key, root);
            context.setDefaultNamespacePrefix("ds");
            context.setIdAttributeNS(sp, null, "Id");
            signature.sign(context);
            return serialize(doc);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign the trusted list: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- XML

    private static Element list(Document doc, Scheme scheme, String type, List<Pointer> pointers) {
        Element root = doc.createElementNS(TSL_NS, "tsl:TrustServiceStatusList");
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:tsl", TSL_NS);
        root.setAttribute("Id", "TSL-" + scheme.territory() + "-" + scheme.sequenceNumber());
        root.setAttribute("TSLTag", "http://uri.etsi.org/19612/TSLTag");
        doc.appendChild(root);
        Element info = add(root, TSL_NS, "tsl:SchemeInformation");
        text(info, "tsl:TSLVersionIdentifier", "5");
        text(info, "tsl:TSLSequenceNumber", Integer.toString(scheme.sequenceNumber()));
        text(info, "tsl:TSLType", type);
        names(add(info, TSL_NS, "tsl:SchemeOperatorName"), scheme.operatorName());
        address(add(info, TSL_NS, "tsl:SchemeOperatorAddress"));
        names(add(info, TSL_NS, "tsl:SchemeName"), scheme.territory() + ":" + scheme.operatorName());
        uris(add(info, TSL_NS, "tsl:SchemeInformationURI"), "https://sandbox.certyneo.invalid/scheme");
        text(info, "tsl:StatusDeterminationApproach", TYPE_LOTL.equals(type)
                ? "http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUlistofthelists"
                : "http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate");
        uris(add(info, TSL_NS, "tsl:SchemeTypeCommunityRules"), TYPE_LOTL.equals(type)
                ? "http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUlistofthelists"
                : "http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUcommon");
        text(info, "tsl:SchemeTerritory", scheme.territory());
        Element notice = add(add(info, TSL_NS, "tsl:PolicyOrLegalNotice"), TSL_NS, "tsl:TSLLegalNotice");
        notice.setAttributeNS(XML_NS, "xml:lang", "en");
        notice.setTextContent("Not a trusted list of the European Union or of any Member State: no legal effect.");
        text(info, "tsl:HistoricalInformationPeriod", "65535");
        if (!pointers.isEmpty()) {
            Element all = add(info, TSL_NS, "tsl:PointersToOtherTSL");
            for (Pointer p : pointers) {
                Element pointer = add(all, TSL_NS, "tsl:OtherTSLPointer");
                digitalId(add(add(pointer, TSL_NS, "tsl:ServiceDigitalIdentities"), TSL_NS,
                        "tsl:ServiceDigitalIdentity"), p.signingCertificate());
                text(pointer, "tsl:TSLLocation", p.location());
                Element additional = add(pointer, TSL_NS, "tsl:AdditionalInformation");
                text(add(additional, TSL_NS, "tsl:OtherInformation"), "tsl:TSLType", TYPE_TL);
                names(add(add(additional, TSL_NS, "tsl:OtherInformation"), TSL_NS, "tsl:SchemeOperatorName"),
                        p.operatorName());
                text(add(additional, TSL_NS, "tsl:OtherInformation"), "tsl:SchemeTerritory", p.territory());
                Element mime = add(add(additional, TSL_NS, "tsl:OtherInformation"), TSLX_NS, "tslx:MimeType");
                mime.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:tslx", TSLX_NS);
                mime.setTextContent(MIME_TYPE);
            }
        }
        text(info, "tsl:ListIssueDateTime", time(scheme.issued()));
        text(add(info, TSL_NS, "tsl:NextUpdate"), "tsl:dateTime", time(scheme.nextUpdate()));
        return root;
    }

    private static void names(Element parent, String name) {
        Element n = add(parent, TSL_NS, "tsl:Name");
        n.setAttributeNS(XML_NS, "xml:lang", "en");
        n.setTextContent(name);
    }

    private static void uris(Element parent, String uri) {
        Element u = add(parent, TSL_NS, "tsl:URI");
        u.setAttributeNS(XML_NS, "xml:lang", "en");
        u.setTextContent(uri);
    }

    private static void address(Element parent) {
        Element postal = add(add(parent, TSL_NS, "tsl:PostalAddresses"), TSL_NS, "tsl:PostalAddress");
        postal.setAttributeNS(XML_NS, "xml:lang", "en");
        text(postal, "tsl:StreetAddress", "SANDBOX - no address");
        text(postal, "tsl:Locality", "SANDBOX");
        text(postal, "tsl:CountryName", "ZZ");
        uris(add(parent, TSL_NS, "tsl:ElectronicAddress"), "mailto:sandbox@certyneo.invalid");
    }

    private static void digitalId(Element parent, X509Certificate certificate) {
        try {
            text(add(parent, TSL_NS, "tsl:DigitalId"), "tsl:X509Certificate",
                    Base64.getEncoder().encodeToString(certificate.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("Cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static void text(Element parent, String qname, String value) {
        add(parent, TSL_NS, qname).setTextContent(value);
    }

    private static Element add(Element parent, String ns, String qname) {
        Element e = parent.getOwnerDocument().createElementNS(ns, qname);
        parent.appendChild(e);
        return e;
    }

    private static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Document newDocument() {
        try {
            return builder().newDocument();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Document parse(byte[] xml) throws Exception {
        return builder().parse(new ByteArrayInputStream(xml));
    }

    private static DocumentBuilder builder() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder();
    }

    private static byte[] serialize(Document doc) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, StandardCharsets.UTF_8.name());
            t.setOutputProperty(OutputKeys.INDENT, "no");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write the trusted list: " + e.getMessage(), e);
        }
    }
}
