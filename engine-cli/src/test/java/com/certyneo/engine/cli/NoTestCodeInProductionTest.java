package com.certyneo.engine.cli;

import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.audit.AuditTrail;
import com.certyneo.engine.pades.PadesSignatureEngine;
import com.certyneo.engine.sandbox.SandboxCscService;
import com.certyneo.engine.tsp.TsaClient;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: production code never uses test code. The parent POM's enforcer rule
 * ({@code no-test-code-in-production}) keeps JUnit and com.certyneo:test-vectors off every production
 * module's compile and runtime classpath, but it does not see {@code <optional>} dependencies; this test
 * closes that gap at the bytecode level: no class of a module the CLI ships (engine-core, engine-tsp,
 * engine-sandbox, engine-pades, engine-audit, engine-cli) may name a JUnit, opentest4j or test-vectors
 * type, so none can need them at run time. The sandbox QTSP's CSC service comes from engine-sandbox.
 */
class NoTestCodeInProductionTest {

    /** Class-name prefixes (internal and binary form) that production bytecode must never mention. */
    private static final List<String> FORBIDDEN = List.of(
            "com/certyneo/testvectors", "com.certyneo.testvectors",
            "org/junit", "org.junit",
            "org/opentest4j", "org.opentest4j");

    private static final List<Class<?>> PRODUCTION_MODULES = List.of(
            SignatureEngine.class, TsaClient.class, SandboxCscService.class, PadesSignatureEngine.class,
            AuditTrail.class, Main.class);

    @Test
    void productionClassesNameNoTestCode() throws Exception {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        for (Class<?> module : PRODUCTION_MODULES) {
            Path location = location(module);
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                        classes++;
                        check(location.relativize(file).toString(), Files.readAllBytes(file), offenders);
                    }
                }
            } else {
                try (ZipFile jar = new ZipFile(location.toFile())) {
                    for (ZipEntry entry : jar.stream().map(ZipEntry.class::cast).toList()) {
                        if (entry.getName().endsWith(".class")) {
                            classes++;
                            try (InputStream in = jar.getInputStream(entry)) {
                                check(location.getFileName() + "!/" + entry.getName(), in.readAllBytes(), offenders);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(classes > 100, "scanned only " + classes + " classes");
        assertEquals(List.of(), offenders, "production classes that name test code (issue 11)");
    }

    @Test
    void theSandboxCscServiceIsProductionCodeOfItsOwnModule() throws Exception {
        Path location = location(SandboxCscService.class);
        assertFalse(location.toString().contains("test-vectors"), location.toString());
        assertTrue(location.toString().contains("engine-sandbox"), location.toString());
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void check(String name, byte[] bytes, List<String> offenders) {
        // Class and descriptor names in the constant pool are modified UTF-8, which is ASCII for these prefixes.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String prefix : FORBIDDEN) {
            if (text.contains(prefix)) {
                offenders.add(name + " names " + prefix);
            }
        }
    }
}
