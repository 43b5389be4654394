package com.certyneo.testvectors;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON and CSV resources are exactly what the code says. Regenerate them with
 * {@code mvn -pl test-vectors verify -Dtestvectors.regenerate=true} after changing {@link ExpectedOutcomes}.
 */
class CatalogResourcesTest {

    static final Path DIR = Path.of("src/main/resources/com/certyneo/testvectors");

    @Test
    void jsonAndCsvResourcesMatchTheCode() throws IOException {
        if (Boolean.getBoolean("testvectors.regenerate")) {
            Files.writeString(DIR.resolve("expected-outcomes.json"), ExpectedOutcomes.toJson());
            Files.writeString(DIR.resolve("expected-outcomes.csv"), ExpectedOutcomes.toCsv());
        }
        assertEquals(ExpectedOutcomes.toJson(), resource("expected-outcomes.json"),
                "stale resource: rerun with -Dtestvectors.regenerate=true");
        assertEquals(ExpectedOutcomes.toCsv(), resource("expected-outcomes.csv"),
                "stale resource: rerun with -Dtestvectors.regenerate=true");
    }

    @Test
    void catalogCoversEverySignerAndVectorOnceForEachOperation() {
        Set<String> keys = new HashSet<>();
        ExpectedOutcomes.all().forEach(e -> assertTrue(keys.add(e.key()), "duplicate " + e.key()));
        for (TestPki.KeyType type : TestPki.KeyType.values()) {
            for (TestPki.Kind kind : TestPki.Kind.values()) {
                for (Operation op : Operation.values()) {
                    assertTrue(keys.contains(ExpectedOutcomes.signerVector(kind, type) + "/" + op));
                }
            }
        }
        for (PdfVector v : PdfVector.values()) {
            Operation.signing().forEach(op -> assertTrue(ExpectedOutcomes.find(v, op).isPresent(), v + "/" + op));
        }
        assertEquals(8 * 5 + PdfVector.values().length * 4 + 1, ExpectedOutcomes.all().size());
        assertEquals(EnumSet.allOf(Outcome.class).size(), 4);
        assertEquals("REVOKED_NO_POE", ExpectedOutcomes.forSigner(TestPki.Kind.REVOKED, TestPki.KeyType.EC_P256,
                Operation.SIGN_B_T).subIndication());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ExpectedOutcomes.class.getResourceAsStream(name)) {
            return in == null ? "<missing " + name + ">" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
