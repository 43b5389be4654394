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

/** veraPDF (greenfield) PDF/A validation for tests, at the flavour a document claims in its XMP or at a given one. */
final class Pdfa {

    static {
        VeraGreenfieldFoundryProvider.initialise();
    }

    private Pdfa() {
    }

    /** @return the flavour the document claims (its XMP pdfaid), or {@link PDFAFlavour#NO_FLAVOUR} */
    static PDFAFlavour claimed(byte[] pdf) throws Exception {
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new ByteArrayInputStream(pdf))) {
            return parser.getFlavour();
        }
    }

    /** @return the failed rules at {@code flavour}, as "clause-test: message @ where" lines (empty when compliant) */
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
