package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where {@link SigningPipeline#requireBoundedDepth} draws its line, level for level: a chain of arrays, each in its
 * own object and holding a reference to the next, hung off the catalog's /X. The trailer is at depth 0, the
 * catalog at 2 and the n-th array at 2n + 2, so a chain whose last array holds nothing reaches 5,000 levels
 * ({@link SigningPipeline#MAX_DEPTH}) with 2,499 arrays; a last array holding a value, or a reference to a value,
 * reaches it one level lower, with 2,498. One array more is refused, whatever the value that ends the chain.
 */
class BoundedDepthTest {

    @ParameterizedTest(name = "a chain ending in {0}: {1} arrays accepted, one more refused")
    @CsvSource(delimiter = '|', value = {
            "[]|2499",
            "<< >>|2499",
            "[1]|2498",
            "<< /A 1 >>|2498",
            "[/N (s) 2.5 true null]|2498",
            "a reference to 42|2498"})
    void theDeepestChainAcceptedEndsAtTheLimit(String last, int deepest) throws Exception {
        assertEquals(5_000, SigningPipeline.MAX_DEPTH, "the limit these chains are built against");
        check(chain(deepest, last));
        SignatureEngineException refused = assertThrows(SignatureEngineException.class, () -> check(chain(deepest + 1, last)));
        assertEquals(ErrorCode.INVALID_PDF, refused.code());
        assertTrue(refused.getMessage().contains("more than 5000 levels deep"), refused.getMessage());
    }

    private static void check(byte[] pdf) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            SigningPipeline.requireBoundedDepth(document, "chain.pdf");
        }
    }

    /** {@code arrays} arrays chained by references, the last one {@code last} (or holding a reference to 42). */
    private static byte[] chain(int arrays, String last) {
        return last.startsWith("a reference")
                ? HostilePdfs.chained(arrays, "[" + (5 + arrays + 1) + " 0 R]", List.of("42"))
                : HostilePdfs.chained(arrays, last, List.of());
    }
}
