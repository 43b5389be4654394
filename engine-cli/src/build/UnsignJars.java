import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Build step of engine-cli (run by the POM with {@code java UnsignJars.java DIR}): rewrites every signed jar
 * in DIR (the CLI's lib/, i.e. the BouncyCastle jars) without its signature: no META-INF/*.SF, *.RSA, *.DSA,
 * *.EC, and a manifest reduced to its main section (the per-entry digests only serve the signature).
 *
 * <p>Why: the JVM verifies a signed jar on every start (the signature, then a digest of each class it loads),
 * and class-data sharing never archives classes of signed jars; together that was about a third of a
 * {@code certyneo sign}. The class files are unchanged. Only the CLI's copies are touched: the Maven
 * artifacts that embedders use keep their signatures. Jars without a signature are left as they are, and
 * running this twice changes nothing.
 */
public final class UnsignJars {

    private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)", Pattern.CASE_INSENSITIVE);

    public static void main(String[] args) throws IOException {
        try (var jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                if (isSigned(jar)) {
                    unsign(jar);
                    System.out.println("[certyneo] " + jar.getFileName() + ": JAR signature removed from the CLI's copy");
                }
            }
        }
    }

    private static boolean isSigned(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.stream().anyMatch(e -> SIGNATURE.matcher(e.getName()).matches());
        }
    }

    private static void unsign(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".unsigned");
        try (JarFile in = new JarFile(jar.toFile(), false);
             OutputStream file = Files.newOutputStream(tmp);
             JarOutputStream out = new JarOutputStream(file)) {
            Manifest original = in.getManifest();
            Manifest manifest = new Manifest();
            if (original != null) {
                manifest.getMainAttributes().putAll(original.getMainAttributes());
            } else {
                manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            }
            ZipEntry manifestEntry = new ZipEntry(JarFile.MANIFEST_NAME);
            out.putNextEntry(manifestEntry);
            manifest.write(out);
            out.closeEntry();
            for (JarEntry entry : in.stream().toList()) {
                String name = entry.getName();
                if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || SIGNATURE.matcher(name).matches()) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
