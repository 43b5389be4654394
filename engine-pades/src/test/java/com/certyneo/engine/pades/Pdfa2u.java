package com.certyneo.engine.pades;

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

/** veraPDF (greenfield) PDF/A-2u validation for tests, as engine-audit's tests check PDF/A-3b. */
final class Pdfa2u {

    static {
        VeraGreenfieldFoundryProvider.initialise();
    }

    private Pdfa2u() {
    }

    /** @return the failed rules, as "clause-test: message" lines (empty when compliant) */
    static List<String> failedRules(byte[] pdf) throws Exception {
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new ByteArrayInputStream(pdf), PDFAFlavour.PDFA_2_U);
             PDFAValidator validator = Foundries.defaultInstance().createValidator(PDFAFlavour.PDFA_2_U, false)) {
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
