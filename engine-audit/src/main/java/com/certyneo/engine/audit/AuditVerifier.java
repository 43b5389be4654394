package com.certyneo.engine.audit;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.text.PDFTextStripper;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Runs the checks of {@link AuditTrail#verify}. One instance per verification. */
final class AuditVerifier {

    private final SignatureEngine engine;
    private final Clock clock;
    private final List<CheckResult> checks = new ArrayList<>();

    AuditVerifier(SignatureEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    AuditVerification verify(DocumentSource trail, ValidationOptions options, Optional<DocumentSource> signedDocument) {
        byte[] bytes = trail.readAllBytes();
        String sha256 = Digests.sha256Hex(bytes);
        try (PDDocument pdf = load(bytes, trail.name())) {
            // 1. The seal.
            ValidationReport report = engine.validate(DocumentSource.of(bytes, trail.name()), options);
            List<SignatureValidation> seals = report.signatures();
            checks.add(CheckResult.of(AuditCheck.SEAL_VALID, report.allPassed(),
                    seals.size() + " signature(s)/time-stamp(s), all TOTAL_PASSED ("
                            + seals.stream().map(SignatureValidation::format).distinct().collect(Collectors.joining(", ")) + ")",
                    seals.isEmpty() ? "the file is not sealed" : seals.stream().filter(s -> !s.passed())
                            .map(s -> (s.documentTimestamp() ? "time-stamp " : "signature ") + s.fieldName() + ": " + s.indication()
                                    + s.subIndication().map(x -> "/" + x).orElse(""))
                            .collect(Collectors.joining("; "))));
            checks.add(coverage(pdf, bytes.length));

            // 2. The attached evidence.
            Optional<byte[]> json = attachedEvidence(pdf);
            Optional<String> head = Optional.empty();
            Optional<Evidence> evidence = Optional.empty();
            List<EventProblem> tampered = List.of();
            if (json.isEmpty()) {
                skipRest("evidence.json is not attached");
            } else {
                JsonNode tree = null;
                try {
                    tree = EvidenceJson.tree(json.get());
                } catch (SignatureEngineException e) {
                    checks.add(CheckResult.failed(AuditCheck.EVIDENCE_READABLE, e.getMessage()));
                }
                if (tree != null) {
                    try {
                        evidence = Optional.of(EvidenceJson.read(json.get()));
                        checks.add(CheckResult.passed(AuditCheck.EVIDENCE_READABLE, "schema " + EvidenceJson.SCHEMA));
                    } catch (SignatureEngineException e) {
                        checks.add(CheckResult.failed(AuditCheck.EVIDENCE_READABLE, e.getMessage()));
                    }
                    Optional<String> declared = Optional.ofNullable(tree.path("chain").get("head")).map(JsonNode::asText);
                    HashChain.Verification chain = HashChain.verify(tree.get("events"), declared);
                    tampered = chain.problems();
                    head = Optional.of(chain.recomputedHead());
                    checks.add(chain.intact()
                            ? CheckResult.passed(AuditCheck.HASH_CHAIN, chain.length() + " events, head " + chain.recomputedHead())
                            : CheckResult.failed(AuditCheck.HASH_CHAIN, chain.problems().isEmpty()
                                    ? "the declared chain head " + declared.orElse("?") + " is not the recomputed head " + chain.recomputedHead()
                                    : "tampered: " + chain.problems().stream().map(EventProblem::toString).collect(Collectors.joining("; "))));
                    checks.add(metadataHead(pdf, chain.recomputedHead()));
                    checks.add(printedHead(pdf, chain.recomputedHead()));
                    checks.add(digest(pdf, Digests.sha256Hex(json.get())));
                } else {
                    skipRest("evidence.json is not JSON");
                }
            }
            // Listed right after the two seal checks: it compares the seal with the evidence.
            checks.add(2, mode(evidence, report));
            checks.add(document(evidence, signedDocument));
            return new AuditVerification(trail.name(), sha256, clock.instant(), checks, tampered, head, evidence, Optional.of(report));
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + trail.name() + ": " + e.getMessage(),
                    "Check the audit-trail file.", e);
        }
    }

    private void skipRest(String why) {
        checks.add(CheckResult.failed(AuditCheck.EVIDENCE_ATTACHED, why));
        for (AuditCheck c : List.of(AuditCheck.EVIDENCE_READABLE, AuditCheck.HASH_CHAIN, AuditCheck.CHAIN_HEAD_METADATA,
                AuditCheck.CHAIN_HEAD_PRINTED, AuditCheck.EVIDENCE_DIGEST)) {
            checks.add(CheckResult.skipped(c, why));
        }
    }

    private static PDDocument load(byte[] bytes, String name) {
        try {
            return Loader.loadPDF(bytes);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, name + " is not a readable PDF: " + e.getMessage(),
                    "Pass the audit-trail PDF.", e);
        }
    }

    private static CheckResult coverage(PDDocument pdf, int length) throws IOException {
        long end = -1;
        int count = 0;
        for (PDSignature signature : pdf.getSignatureDictionaries()) {
            int[] range = signature.getByteRange();
            if (range != null && range.length == 4) {
                end = Math.max(end, (long) range[2] + range[3]);
                count++;
            }
        }
        if (count == 0) {
            return CheckResult.failed(AuditCheck.SEAL_COVERS_FILE, "no signature byte range");
        }
        return CheckResult.of(AuditCheck.SEAL_COVERS_FILE, end == length, "the last seal revision ends at byte " + end + " of " + length,
                (length - end) + " bytes were appended after the last seal revision (" + end + " of " + length + " covered)");
    }

    private Optional<byte[]> attachedEvidence(PDDocument pdf) throws IOException {
        COSArray af = pdf.getDocumentCatalog().getCOSObject().getCOSArray(COSName.getPDFName("AF"));
        if (af == null) {
            return Optional.empty();
        }
        for (int i = 0; i < af.size(); i++) {
            COSBase base = af.getObject(i);
            if (!(base instanceof COSDictionary dict)) {
                continue;
            }
            PDComplexFileSpecification spec = new PDComplexFileSpecification(dict);
            String name = spec.getFileUnicode() != null ? spec.getFileUnicode() : spec.getFile();
            if (!PdfaWriter.EVIDENCE_FILE.equals(name)) {
                continue;
            }
            PDEmbeddedFile file = spec.getEmbeddedFileUnicode() != null ? spec.getEmbeddedFileUnicode() : spec.getEmbeddedFile();
            if (file == null) {
                continue;
            }
            String relationship = dict.getNameAsString(COSName.getPDFName("AFRelationship"));
            boolean ok = "Data".equals(relationship) && "application/json".equals(file.getSubtype());
            byte[] content = file.toByteArray();
            checks.add(CheckResult.of(AuditCheck.EVIDENCE_ATTACHED, ok, content.length + " bytes, AFRelationship Data, application/json",
                    "evidence.json is attached with AFRelationship " + relationship + " and subtype " + file.getSubtype()));
            return Optional.of(content);
        }
        return Optional.empty();
    }

    private static CheckResult metadataHead(PDDocument pdf, String head) {
        Optional<String> xmp = xmpValue(pdf, "chainHead");
        String info = pdf.getDocumentInformation().getCustomMetadataValue(PdfaWriter.INFO_CHAIN_HEAD);
        boolean ok = xmp.map(head::equals).orElse(false) && head.equals(info);
        return CheckResult.of(AuditCheck.CHAIN_HEAD_METADATA, ok, "XMP certyneo:chainHead and /" + PdfaWriter.INFO_CHAIN_HEAD + " = " + head,
                "recomputed " + head + ", XMP " + xmp.orElse("absent") + ", Info " + (info == null ? "absent" : info));
    }

    private static CheckResult digest(PDDocument pdf, String sha256) {
        Optional<String> xmp = xmpValue(pdf, "evidenceSha256");
        String info = pdf.getDocumentInformation().getCustomMetadataValue(PdfaWriter.INFO_EVIDENCE_SHA256);
        boolean ok = xmp.map(sha256::equals).orElse(false) && sha256.equals(info);
        return CheckResult.of(AuditCheck.EVIDENCE_DIGEST, ok, "SHA-256 " + sha256,
                "attached evidence.json has SHA-256 " + sha256 + ", metadata says XMP " + xmp.orElse("absent") + ", Info "
                        + (info == null ? "absent" : info));
    }

    private static CheckResult printedHead(PDDocument pdf, String head) throws IOException {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setPageEnd("\f");
        String[] pages = stripper.getText(pdf).split("\f", -1);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < pdf.getNumberOfPages(); i++) {
            String text = i < pages.length ? pages[i].replaceAll("\\s+", "") : "";
            if (!text.contains(head)) {
                missing.add(i + 1);
            }
        }
        return CheckResult.of(AuditCheck.CHAIN_HEAD_PRINTED, missing.isEmpty(), "on all " + pdf.getNumberOfPages() + " pages",
                "the recomputed head is not printed on page(s) " + missing);
    }

    private static CheckResult mode(Optional<Evidence> evidence, ValidationReport report) {
        if (evidence.isEmpty()) {
            return CheckResult.skipped(AuditCheck.MODE_MATCHES_SEAL, "no readable evidence");
        }
        List<SignatureValidation> seals = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        if (seals.isEmpty()) {
            return CheckResult.failed(AuditCheck.MODE_MATCHES_SEAL, "no seal signature");
        }
        boolean sandboxSeal = seals.stream().allMatch(SignatureValidation::sandbox);
        boolean sandboxEvidence = evidence.get().envelope().sandbox();
        return CheckResult.of(AuditCheck.MODE_MATCHES_SEAL, sandboxSeal == sandboxEvidence,
                evidence.get().envelope().mode() + " evidence, " + (sandboxSeal ? "sandbox" : "production") + " seal",
                evidence.get().envelope().mode() + " evidence under a " + (sandboxSeal ? "sandbox" : "production") + " seal");
    }

    private static CheckResult document(Optional<Evidence> evidence, Optional<DocumentSource> signedDocument) {
        if (signedDocument.isEmpty()) {
            return CheckResult.skipped(AuditCheck.SIGNED_DOCUMENT, "no signed document given");
        }
        if (evidence.isEmpty()) {
            return CheckResult.failed(AuditCheck.SIGNED_DOCUMENT, "no readable evidence to compare with");
        }
        String sha256 = Digests.sha256Hex(signedDocument.get().readAllBytes());
        for (DocumentEvidence d : evidence.get().documents()) {
            if (d.signedSha256().map(sha256::equals).orElse(false)) {
                return CheckResult.passed(AuditCheck.SIGNED_DOCUMENT, signedDocument.get().name() + " is the signed \"" + d.name()
                        + "\" (SHA-256 " + sha256 + ")");
            }
        }
        return CheckResult.failed(AuditCheck.SIGNED_DOCUMENT, signedDocument.get().name() + " (SHA-256 " + sha256
                + ") is not the signed version of any document in the evidence");
    }

    /** Reads a Certyneo property from the XMP packet (element or attribute form). */
    static Optional<String> xmpValue(PDDocument pdf, String property) {
        PDMetadata metadata = pdf.getDocumentCatalog().getMetadata();
        if (metadata == null) {
            return Optional.empty();
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            org.w3c.dom.Document xml = factory.newDocumentBuilder().parse(new ByteArrayInputStream(metadata.toByteArray()));
            NodeList elements = xml.getElementsByTagNameNS(PdfaWriter.NS, property);
            if (elements.getLength() > 0) {
                return Optional.of(elements.item(0).getTextContent().strip());
            }
            NodeList descriptions = xml.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description");
            for (int i = 0; i < descriptions.getLength(); i++) {
                Element d = (Element) descriptions.item(i);
                if (d.hasAttributeNS(PdfaWriter.NS, property)) {
                    return Optional.of(d.getAttributeNS(PdfaWriter.NS, property).strip());
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
