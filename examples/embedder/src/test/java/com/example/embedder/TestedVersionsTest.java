package com.example.embedder;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Importing certyneo-bom gives this project the versions the engine is built and tested with, not whatever
 * Maven's "nearest wins" would pick (an embedder once got bcutil 1.80.2 beside bcprov and bcpkix 1.80).
 */
class TestedVersionsTest {

    static final Map<String, String> ON_CLASSPATH = Classpath.versions();
    static final Map<String, String> TESTED = Classpath.bomProperties();

    @Test
    void bouncyCastleIsOneVersionTheTestedOne() {
        String tested = TESTED.get("bouncycastle.version");
        for (String artifact : List.of("bcprov-jdk18on", "bcpkix-jdk18on", "bcutil-jdk18on")) {
            assertEquals(tested, ON_CLASSPATH.get(artifact), artifact + " on the class path: " + ON_CLASSPATH);
        }
    }

    @Test
    void pdfboxJacksonSlf4jAndDssAreTheTestedVersions() {
        for (String artifact : List.of("pdfbox", "pdfbox-io", "fontbox")) {
            assertEquals(TESTED.get("pdfbox.version"), ON_CLASSPATH.get(artifact), artifact);
        }
        for (String artifact : List.of("jackson-databind", "jackson-core", "jackson-annotations")) {
            assertEquals(TESTED.get("jackson.version"), ON_CLASSPATH.get(artifact), artifact);
        }
        assertEquals(TESTED.get("slf4j.version"), ON_CLASSPATH.get("slf4j-api"));
        List<String> dss = ON_CLASSPATH.keySet().stream().filter(a -> a.startsWith("dss-")).toList();
        assertFalse(dss.isEmpty(), "the engine brings DSS");
        for (String artifact : dss) {
            assertEquals(TESTED.get("dss.version"), ON_CLASSPATH.get(artifact), artifact);
        }
    }

    @Test
    void theEngineArtifactsAreTheImportedBomsVersion() {
        String version = System.getProperty("certyneo.version");
        for (String artifact : List.of("engine-core", "engine-tsp", "engine-sandbox", "engine-pades", "test-vectors")) {
            assertEquals(version, ON_CLASSPATH.get(artifact), artifact);
        }
        assertTrue(TESTED.containsKey("bouncycastle.version"), "the installed BOM names its versions: " + TESTED);
    }
}
