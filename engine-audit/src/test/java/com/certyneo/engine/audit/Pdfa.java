package com.certyneo.engine.audit;

import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.stream.Collectors;

/** veraPDF (greenfield) PDF/A validation for tests, at the flavour the audit trail claims (PDF/A-3a) unless told. */
final class Pdfa {

    static {
        VeraGreenfieldFoundryProvider.initialise();
    }

    private Pdfa() {
    }

    /** The flavour the audit trail claims in its XMP (pdfaid part 3, conformance A). */
    static final PDFAFlavour CLAIMED = PDFAFlavour.PDFA_3_A;

    /** @return the failed rules of PDF/A-3a, as "clause-test: message" lines (empty when compliant) */
    static List<String> failedRules(byte[] pdf) throws Exception {
        return failedRules(pdf, CLAIMED);
    }

    /** @return the failed rules of {@code flavour}, as "clause-test: message" lines (empty when compliant) */
    static List<String> failedRules(byte[] pdf, PDFAFlavour flavour) throws Exception {
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new ByteArrayInputStream(pdf), flavour);
             PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false)) {
            ValidationResult result = validator.validate(parser);
            List<String> failed = result.getTestAssertions().stream()
                    .filter(a -> a.getStatus() == TestAssertion.Status.FAILED)
                    .map(a -> a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber() + ": " + a.getMessage()
                            + " @ " + a.getLocationContext())
                    .distinct()
                    .collect(Collectors.toList());
            if (failed.isEmpty() && !result.isCompliant()) {
                failed.add("not compliant (job status " + result.getJobEndStatus() + ")");
            }
            return failed;
        }
    }
}
