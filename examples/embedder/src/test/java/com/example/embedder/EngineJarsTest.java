package com.example.embedder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's jars are what a Java user expects: module names, versions, sources and Javadoc next to them. */
class EngineJarsTest {

    static final Map<String, String> MODULES = Map.of(
            "engine-core", "com.certyneo.engine.core",
            "engine-tsp", "com.certyneo.engine.tsp",
            "engine-sandbox", "com.certyneo.engine.sandbox",
            "engine-pades", "com.certyneo.engine.pades",
            "test-vectors", "com.certyneo.testvectors");

    @ParameterizedTest
    @CsvSource({"engine-core", "engine-tsp", "engine-sandbox", "engine-pades", "test-vectors"})
    void manifestSourcesAndJavadoc(String artifact) throws Exception {
        Path jar = Classpath.jars().get(artifact);
        assertNotNull(jar, artifact + " is on the class path");
        try (JarFile file = new JarFile(jar.toFile())) {
            Attributes manifest = file.getManifest().getMainAttributes();
            assertEquals(MODULES.get(artifact), manifest.getValue("Automatic-Module-Name"));
            assertEquals(System.getProperty("certyneo.version"), manifest.getValue("Implementation-Version"));
            assertEquals(artifact, manifest.getValue("Implementation-Title"));
        }
        String base = jar.getFileName().toString().replaceAll("\\.jar$", "");
        Path sources = jar.resolveSibling(base + "-sources.jar");
        Path javadoc = jar.resolveSibling(base + "-javadoc.jar");
        assertTrue(Files.isRegularFile(sources), "installed beside the jar: " + sources);
        assertTrue(Files.isRegularFile(javadoc), "installed beside the jar: " + javadoc);
        try (JarFile file = new JarFile(sources.toFile())) {
            assertTrue(file.stream().anyMatch(e -> e.getName().endsWith(".java")), sources + " has sources");
        }
        try (JarFile file = new JarFile(javadoc.toFile())) {
            assertNotNull(file.getEntry("index.html"), javadoc + " has an index.html");
        }
    }

    /** On the module path the jars are automatic modules with their names, and no two share a package. */
    @Test
    void theEngineJarsFormAModuleSet() {
        Path[] jars = MODULES.keySet().stream().map(a -> Classpath.jars().get(a)).toArray(Path[]::new);
        ModuleFinder finder = ModuleFinder.of(jars);
        Set<String> names = finder.findAll().stream().map(ModuleReference::descriptor)
                .peek(d -> assertTrue(d.isAutomatic(), d.name()))
                .map(d -> d.name()).collect(Collectors.toSet());
        assertEquals(Set.copyOf(MODULES.values()), names);
        // Resolution fails if two of these modules contain the same package (a split package).
        Configuration configuration = Configuration.resolve(finder, List.of(java.lang.ModuleLayer.boot().configuration()),
                ModuleFinder.of(), names);
        assertEquals(names, configuration.modules().stream().map(m -> m.name()).collect(Collectors.toSet()));
    }
}
