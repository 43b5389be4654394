package com.certyneo.engine.pades;

/**
 * For tests outside this package (the fuzz tests): where {@link CrossReferenceCheck} tells the chain it read
 * ({@link CrossReferenceCheck.Chain}), the load from it must be PDFBox's own reading of the chain.
 */
public final class ChainAgreement {

    private ChainAgreement() {
    }

    /**
     * @param pdf any bytes
     * @return whether the check told the chain (then it was compared with PDFBox's reading)
     * @throws AssertionError when the two readings differ, or one loads and the other does not
     */
    public static boolean requireAgreement(byte[] pdf) {
        try {
            return IntactChainParserTest.assertCheckedChainIsPdfBoxs(pdf, "input");
        } catch (Exception e) {
            throw new AssertionError("a load of a chain the check told failed: " + e, e);
        }
    }
}
