package com.certyneo.engine.audit;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Map;
import java.util.TimeZone;

/**
 * The PDF/A-3a parts of an audit trail: XMP metadata (pdfaid part 3, conformance A, plus the
 * Certyneo properties declared in a PDF/A extension schema), an sRGB output intent, a matching
 * document information dictionary, and {@code evidence.json} as an associated file of the catalog.
 * Conformance A also needs the logical structure, which {@link Tags} writes while the pages are laid out.
 */
final class PdfaWriter {

    static final String NS = "https://certyneo.com/ns/audit/1.0/";
    static final String EVIDENCE_FILE = "evidence.json";
    /** Info dictionary keys mirroring the XMP properties, for readers that do not parse XMP. */
    static final String INFO_CHAIN_HEAD = "CertyneoChainHead";
    static final String INFO_EVIDENCE_SHA256 = "CertyneoEvidenceSha256";
    static final String INFO_ENVELOPE_ID = "CertyneoEnvelopeId";
    static final String PRODUCER = "Certyneo Signing Engine (engine-audit)";

    private PdfaWriter() {
    }

    static void apply(PDDocument document, Evidence evidence, String chainHead, byte[] evidenceJson, Instant now)
            throws IOException {
        Instant created = now.truncatedTo(ChronoUnit.SECONDS);
        String title = title(evidence);
        document.setVersion(1.7f);
        PDDocumentCatalog catalog = document.getDocumentCatalog();

        PDDocumentInformation info = document.getDocumentInformation();
        Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(created.toEpochMilli());
        info.setTitle(title);
        info.setProducer(PRODUCER);
        info.setCreator(PRODUCER);
        info.setCreationDate(calendar);
        info.setModificationDate(calendar);
        info.setCustomMetadataValue(INFO_CHAIN_HEAD, chainHead);
        info.setCustomMetadataValue(INFO_EVIDENCE_SHA256, Digests.sha256Hex(evidenceJson));
        info.setCustomMetadataValue(INFO_ENVELOPE_ID, evidence.envelope().id());

        PDMetadata metadata = new PDMetadata(document);
        metadata.importXMPMetadata(xmp(evidence, title, chainHead, Digests.sha256Hex(evidenceJson), created));
        catalog.setMetadata(metadata);

        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        PDOutputIntent intent = new PDOutputIntent(document, new ByteArrayInputStream(icc));
        intent.setInfo("sRGB IEC61966-2.1");
        intent.setOutputCondition("sRGB IEC61966-2.1");
        intent.setOutputConditionIdentifier("sRGB IEC61966-2.1");
        intent.setRegistryName("http://www.color.org");
        catalog.addOutputIntent(intent);

        PDEmbeddedFile file = new PDEmbeddedFile(document, new ByteArrayInputStream(evidenceJson), COSName.FLATE_DECODE);
        file.setSubtype("application/json");
        file.setSize(evidenceJson.length);
        file.setCreationDate(calendar);
        file.setModDate(calendar);
        PDComplexFileSpecification spec = new PDComplexFileSpecification();
        spec.setFile(EVIDENCE_FILE);
        spec.setFileUnicode(EVIDENCE_FILE);
        spec.setEmbeddedFile(file);
        spec.setEmbeddedFileUnicode(file);
        spec.setFileDescription("Machine-readable evidence of envelope " + evidence.envelope().id()
                + " (schema " + EvidenceJson.SCHEMA + ", hash-chained event log)");
        spec.getCOSObject().setName(COSName.getPDFName("AFRelationship"), "Data");
        COSArray associated = new COSArray();
        associated.add(spec);
        catalog.getCOSObject().setItem(COSName.getPDFName("AF"), associated);
        PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
        tree.setNames(Map.of(EVIDENCE_FILE, spec));
        PDDocumentNameDictionary names = new PDDocumentNameDictionary(catalog);
        names.setEmbeddedFiles(tree);
        catalog.setNames(names);
    }

    static String title(Evidence evidence) {
        String title = evidence.envelope().title().replaceAll("\\s+", " ");
        return "Audit trail: " + title + (evidence.envelope().sandbox() ? " (SANDBOX)" : "");
    }

    private static byte[] xmp(Evidence evidence, String title, String chainHead, String evidenceSha256, Instant created) {
        String date = DateTimeFormatter.ISO_INSTANT.format(created);
        String xmp = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                + " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                + "   <pdfaid:part>3</pdfaid:part>\n"
                + "   <pdfaid:conformance>A</pdfaid:conformance>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                + "   <dc:format>application/pdf</dc:format>\n"
                + "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + escape(title) + "</rdf:li></rdf:Alt></dc:title>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
                + "   <xmp:CreateDate>" + date + "</xmp:CreateDate>\n"
                + "   <xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n"
                + "   <xmp:MetadataDate>" + date + "</xmp:MetadataDate>\n"
                + "   <xmp:CreatorTool>" + PRODUCER + "</xmp:CreatorTool>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                + "   <pdf:Producer>" + PRODUCER + "</pdf:Producer>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
                + " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
                + "   <pdfaExtension:schemas>\n"
                + "    <rdf:Bag>\n"
                + "     <rdf:li rdf:parseType=\"Resource\">\n"
                + "      <pdfaSchema:schema>Certyneo audit trail</pdfaSchema:schema>\n"
                + "      <pdfaSchema:namespaceURI>" + NS + "</pdfaSchema:namespaceURI>\n"
                + "      <pdfaSchema:prefix>certyneo</pdfaSchema:prefix>\n"
                + "      <pdfaSchema:property>\n"
                + "       <rdf:Seq>\n"
                + property("envelopeId", "Identifier of the envelope this audit trail is about")
                + property("mode", "PRODUCTION or SANDBOX")
                + property("chainHead", "Lower-case hex SHA-256 head of the evidence event hash chain")
                + property("evidenceSha256", "Lower-case hex SHA-256 of the embedded evidence.json")
                + "       </rdf:Seq>\n"
                + "      </pdfaSchema:property>\n"
                + "     </rdf:li>\n"
                + "    </rdf:Bag>\n"
                + "   </pdfaExtension:schemas>\n"
                + "  </rdf:Description>\n"
                + "  <rdf:Description rdf:about=\"\" xmlns:certyneo=\"" + NS + "\">\n"
                + "   <certyneo:envelopeId>" + escape(evidence.envelope().id()) + "</certyneo:envelopeId>\n"
                + "   <certyneo:mode>" + evidence.envelope().mode() + "</certyneo:mode>\n"
                + "   <certyneo:chainHead>" + chainHead + "</certyneo:chainHead>\n"
                + "   <certyneo:evidenceSha256>" + evidenceSha256 + "</certyneo:evidenceSha256>\n"
                + "  </rdf:Description>\n"
                + " </rdf:RDF>\n"
                + "</x:xmpmeta>\n"
                + "<?xpacket end=\"w\"?>";
        return xmp.getBytes(StandardCharsets.UTF_8);
    }

    private static String property(String name, String description) {
        return "        <rdf:li rdf:parseType=\"Resource\">\n"
                + "         <pdfaProperty:name>" + name + "</pdfaProperty:name>\n"
                + "         <pdfaProperty:valueType>Text</pdfaProperty:valueType>\n"
                + "         <pdfaProperty:category>external</pdfaProperty:category>\n"
                + "         <pdfaProperty:description>" + description + "</pdfaProperty:description>\n"
                + "        </rdf:li>\n";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        b.append(c);
                    } else {
                        b.append(' ');
                    }
                }
            }
        }
        return b.toString();
    }
}
