import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Checks that a module's jars are what a Java user expects from a library (run by the build in {@code verify} with
 * the JDK's single-file source launcher, {@code java tools/PackagingCheck.java ...}; no dependency, no network):
 *
 * <ul>
 *   <li>the jar's manifest names its {@code Automatic-Module-Name} (the expected one, a legal module name), and
 *       carries {@code Implementation-Title} and {@code Implementation-Version} (the project's version);</li>
 *   <li>the {@code -sources} jar holds every source file of {@code src/main/java};</li>
 *   <li>the {@code -javadoc} jar has an {@code index.html} and a page for every public top-level type.</li>
 * </ul>
 *
 * <p>Usage: {@code check SOURCE_DIR JAR SOURCES_JAR JAVADOC_JAR MODULE_NAME VERSION SKIP_SOURCES SKIP_JAVADOC}
 * (the last two are the build's {@code maven.source.skip} and {@code maven.javadoc.skip}: a local build may leave
 * those jars out, and the check then says it did not look at them). Prints what it checked and exits 1 naming every
 * problem.
 */
public final class PackagingCheck {

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp|static)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
            "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
            "native", "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile",
            "while", "true", "false", "null", "_");

    private PackagingCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 9 || !args[0].equals("check")) {
            System.err.println("usage: java tools/PackagingCheck.java check SOURCE_DIR JAR SOURCES_JAR JAVADOC_JAR MODULE_NAME"
                    + " VERSION SKIP_SOURCES SKIP_JAVADOC");
            System.exit(2);
        }
        boolean skipSources = Boolean.parseBoolean(args[7]);
        boolean skipJavadoc = Boolean.parseBoolean(args[8]);
        List<String> problems = check(Path.of(args[1]), Path.of(args[2]), skipSources ? null : Path.of(args[3]),
                skipJavadoc ? null : Path.of(args[4]), args[5], args[6]);
        if (!problems.isEmpty()) {
            System.err.println("PackagingCheck: " + args[2] + ":");
            problems.forEach(p -> System.err.println("  - " + p));
            System.exit(1);
        }
    }

    static List<String> check(Path sourceDir, Path jar, Path sourcesJar, Path javadocJar, String moduleName, String version)
            throws IOException {
        List<String> problems = new ArrayList<>();
        if (!isModuleName(moduleName)) {
            problems.add("'" + moduleName + "' is not a legal module name");
        }
        Set<String> sources = new TreeSet<>();
        Set<String> publicTypes = new TreeSet<>();
        if (Files.isDirectory(sourceDir)) {
            try (Stream<Path> files = Files.walk(sourceDir)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    String relative = sourceDir.relativize(file).toString().replace('\\', '/');
                    sources.add(relative);
                    Matcher m = PUBLIC_TYPE.matcher(Files.readString(file));
                    String dir = relative.contains("/") ? relative.substring(0, relative.lastIndexOf('/') + 1) : "";
                    if (m.find() && !relative.endsWith("package-info.java")) {
                        publicTypes.add(dir + m.group(1) + ".html");
                    }
                }
            }
        }

        if (!Files.isRegularFile(jar)) {
            problems.add("no jar " + jar);
        } else {
            try (JarFile j = new JarFile(jar.toFile())) {
                Manifest manifest = j.getManifest();
                Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
                expect(problems, main, "Automatic-Module-Name", moduleName);
                expect(problems, main, "Implementation-Version", version);
                if (isBlank(main.getValue("Implementation-Title"))) {
                    problems.add("the manifest has no Implementation-Title");
                }
            }
        }

        Set<String> sourcesInJar = sourcesJar == null ? null : entries(sourcesJar, problems, "sources");
        for (String source : sources) {
            if (sourcesInJar != null && !sourcesInJar.contains(source)) {
                problems.add("the sources jar lacks " + source);
            }
        }

        Set<String> javadoc = javadocJar == null ? null : entries(javadocJar, problems, "javadoc");
        if (javadoc != null) {
            if (!javadoc.contains("index.html")) {
                problems.add("the javadoc jar has no index.html");
            }
            for (String page : publicTypes) {
                if (!javadoc.contains(page)) {
                    problems.add("the javadoc jar has no page " + page);
                }
            }
        }
        if (problems.isEmpty()) {
            System.out.println("PackagingCheck: " + jar.getFileName() + ": Automatic-Module-Name " + moduleName
                    + ", Implementation-Version " + version + "; "
                    + (sourcesJar == null ? "sources jar skipped (maven.source.skip)" : "sources jar with " + sources.size() + " source files") + "; "
                    + (javadocJar == null ? "javadoc jar skipped (maven.javadoc.skip)" : "javadoc jar with " + publicTypes.size() + " public types"));
        }
        return problems;
    }

    private static Set<String> entries(Path jar, List<String> problems, String what) throws IOException {
        if (!Files.isRegularFile(jar)) {
            problems.add("no " + what + " jar " + jar);
            return null;
        }
        Set<String> names = new TreeSet<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = j.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory()) {
                    names.add(entry.getName());
                }
            }
        }
        return names;
    }

    private static void expect(List<String> problems, Attributes attributes, String name, String expected) {
        String actual = attributes.getValue(name);
        if (!expected.equals(actual)) {
            problems.add("the manifest's " + name + " is " + (actual == null ? "missing" : "'" + actual + "'")
                    + ", expected '" + expected + "'");
        }
    }

    static boolean isModuleName(String name) {
        if (isBlank(name)) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || KEYWORDS.contains(part) || !Character.isJavaIdentifierStart(part.codePointAt(0))
                    || !part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
