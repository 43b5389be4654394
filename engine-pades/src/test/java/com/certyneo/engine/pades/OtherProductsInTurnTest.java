package com.certyneo.engine.pades;

import com.certyneo.engine.SignatureValidation;
import com.certyneo.testvectors.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine as the validator of documents that other products signed in turn, without it: PDFBox, iText (visible),
 * OpenPDF (visible), PoDoFo (visible) and poppler's pdfsig, every ordered pair, on a classic-table file, a file with
 * object streams and a form. The first product's signature must keep the indication the engine gave it before the
 * second signed, unless raw DSS 6.2 also finds that the second product changed what it signed (poppler after PoDoFo
 * redefines the page tree with its font). Signing after each other in this way found the engine stricter than DSS on
 * PoDoFo's unchained table, OpenPDF's inherited page attributes and its /FRM resource; and found that poppler loses
 * its field from a form written inside the catalog ({@link SignaturesOutsideTheFormTest}).
 */
class OtherProductsInTurnTest {

    @TempDir
    Path home;

    private interface Product {
        byte[] sign(byte[] pdf, String field) throws Exception;
    }

    @Test
    void aSecondProductLeavesTheFirstProductsSignatureAsTheEngineFoundIt() throws Exception {
        List<Path> corpus = com.certyneo.engine.pades.interop.Corpus.pdfs();
        assumeTrue(!corpus.isEmpty() || "true".equalsIgnoreCase(System.getenv("CI")), "empty corpus");
        List<Path> inputs = corpus.stream().filter(p -> List.of("qpdf-classic.pdf", "qpdf-objstm.pdf", "pdflib-form.pdf")
                .contains(p.getFileName().toString())).toList();
        assertEquals(3, inputs.size(), "corpus inputs missing: " + inputs);
        TestPki pki = TestPki.create();
        TestPki.Credential ec = pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.EC_P256);
        TestPki.Credential rsa = pki.signer(TestPki.Kind.GOOD, TestPki.KeyType.RSA_PSS_3072);
        Map<String, Product> products = new LinkedHashMap<>();
        products.put("PDFBox", (pdf, field) -> OtherSigners.pdfBox(pdf, ec));
        products.put("iText", (pdf, field) -> OtherSigners.iText(pdf, ec, field, true));
        products.put("OpenPDF", (pdf, field) -> OtherSigners.openPdf(pdf, rsa, field));
        OtherSigners.PoDoFo podofo = OtherSigners.PoDoFo.create(home.resolve("podofo"), ec);
        if (podofo != null) {
            products.put("PoDoFo", podofo::signVisible);
        }
        OtherSigners.Poppler poppler = OtherSigners.Poppler.create(home.resolve("poppler"), rsa);
        if (poppler != null) {
            products.put("poppler", poppler::sign);
        }
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home.resolve("engine"));

        List<String> failures = new ArrayList<>();
        int pairs = 0;
        for (Path input : inputs) {
            byte[] pdf = Files.readAllBytes(input);
            for (Map.Entry<String, Product> first : products.entrySet()) {
                byte[] one;
                try {
                    one = first.getValue().sign(pdf, "First" + first.getKey());
                } catch (Exception refused) {
                    continue; // the product's own refusal
                }
                Map<String, SignatureValidation> before = SignedAfterEngineGateTest.engineSignatures(engine, one);
                for (Map.Entry<String, Product> second : products.entrySet()) {
                    byte[] two;
                    try {
                        two = second.getValue().sign(one, "Second" + second.getKey());
                    } catch (Exception refused) {
                        continue;
                    }
                    pairs++;
                    String name = input.getFileName() + " " + first.getKey() + " -> " + second.getKey();
                    Map<String, SignatureValidation> after = SignedAfterEngineGateTest.engineSignatures(engine, two);
                    if (after.size() != before.size() + 1) {
                        failures.add(name + ": " + before.keySet() + " -> " + after.keySet());
                    }
                    // excused where raw DSS too finds the second product changed what the first signed
                    SignedAfterEngineGateTest.kept(name, before, after, field -> dssFindsAChange(two, field), failures);
                }
            }
        }
        System.out.printf("other products in turn: %d pairs over %d inputs (%s), %d failures%n", pairs, inputs.size(),
                String.join(", ", products.keySet()), failures.size());
        assertTrue(pairs >= inputs.size() * 9, "only " + pairs + " pairs completed");
        assertEquals(List.of(), failures);
    }

    /** Whether raw DSS reports a modification finding (page, annotation or object difference) for that field. */
    private static boolean dssFindsAChange(byte[] pdf, String field) {
        Optional<DssFindings.Entry> entry = DssFindings.of(pdf, List.of()).entries().stream()
                .filter(e -> e.fieldName().equals(field)).findFirst();
        return entry.isPresent() && entry.get().findings().stream()
                .anyMatch(f -> f.startsWith("page difference") || f.contains("DELETION") || f.contains("MODIFICATION"));
    }
}
