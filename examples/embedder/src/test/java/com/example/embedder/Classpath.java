package com.example.embedder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Maven put on the test class path, read from the local repository's layout (GROUP/ARTIFACT/VERSION/ARTIFACT-VERSION.jar). */
final class Classpath {

    private Classpath() {
    }

    /** @return artifactId to its jar, for every jar of the class path that sits in a Maven repository */
    static Map<String, Path> jars() {
        Map<String, Path> jars = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!entry.endsWith(".jar") || jar.getParent() == null || jar.getParent().getParent() == null) {
                continue;
            }
            String version = jar.getParent().getFileName().toString();
            String artifactId = jar.getParent().getParent().getFileName().toString();
            if (jar.getFileName().toString().equals(artifactId + "-" + version + ".jar")) {
                jars.put(artifactId, jar);
            }
        }
        return jars;
    }

    /** @return artifactId to version, for every jar of the class path */
    static Map<String, String> versions() {
        Map<String, String> versions = new TreeMap<>();
        jars().forEach((artifact, jar) -> versions.put(artifact, jar.getParent().getFileName().toString()));
        return versions;
    }

    /** @return the local repository the class path comes from (the root above com/certyneo/engine-core/VERSION/) */
    static Path localRepository() {
        Path engine = jars().get("engine-core");
        if (engine == null) {
            throw new IllegalStateException("engine-core is not on the class path: " + System.getProperty("java.class.path"));
        }
        return engine.getParent().getParent().getParent().getParent().getParent();
    }

    /** @return the properties of the installed certyneo-bom (the tested versions: bouncycastle.version, ...) */
    static Map<String, String> bomProperties() {
        String version = System.getProperty("certyneo.version");
        Path pom = localRepository().resolve("com/certyneo/certyneo-bom/" + version + "/certyneo-bom-" + version + ".pom");
        try {
            String xml = Files.readString(pom);
            String properties = xml.substring(xml.indexOf("<properties>"), xml.indexOf("</properties>"));
            Map<String, String> values = new TreeMap<>();
            Matcher m = Pattern.compile("<([\\w.-]+)>([^<]*)</\\1>").matcher(properties);
            while (m.find()) {
                values.put(m.group(1), m.group(2).strip());
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the installed BOM " + pom, e);
        }
    }
}
