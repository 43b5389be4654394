import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Start-up step of the {@code certyneo} launcher (run with {@code java --class-path ASM_JAR ArchivableJars.java DIR}
 * before it prepares its class-data sharing archive): rewrites the jars in DIR, the CLI's own copies in
 * {@code engine-cli/target/lib}, so that the JVM can put their classes in the archive. The JVM leaves out two
 * kinds of classes, which it then reads, parses and verifies on every start instead:
 * <ul>
 *   <li>classes of <b>signed jars</b> (the BouncyCastle jars): rewritten without their signature (no
 *       META-INF/*.SF, *.RSA, *.DSA, *.EC, and a manifest reduced to its main section: the per-entry digests only
 *       serve the signature). A signed jar is also verified on every start: together that was about a third of a
 *       {@code certyneo sign}.</li>
 *   <li>class files <b>older than Java 6</b> (picocli is compiled for Java 5: "Pre JDK 6 class not supported by
 *       CDS", 217 classes, about 60-90 ms of every command): rewritten as Java 8 class files with the stack map
 *       frames that version requires, computed by ASM. Nothing else in them changes. Every rewritten class is then
 *       loaded and linked (which runs the JVM's type-checking verifier on the new frames) in a class loader of
 *       its own; if one fails, the jar is left as it was.</li>
 * </ul>
 * Only the CLI's copies are touched: the Maven artifacts that embedders use keep their signatures and class files.
 * Running this twice changes nothing.
 */
public final class ArchivableJars {

    private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)", Pattern.CASE_INSENSITIVE);
    /** Java 6: the oldest class file version the JVM archives. */
    private static final int ARCHIVABLE = 50;

    public static void main(String[] args) throws IOException {
        try (var jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                boolean signed = isSigned(jar);
                boolean old = hasOldClasses(jar);
                if (old) {
                    try {
                        old = rewrite(jar, true);
                        if (!old && signed) {
                            rewrite(jar, false);
                        }
                    } catch (RuntimeException e) { // ASM could not compute a class's frames: keep its class files
                        System.out.println("[certyneo] " + jar.getFileName() + ": class files left as they were: " + e);
                        old = false;
                        if (signed) {
                            rewrite(jar, false);
                        }
                    }
                } else if (signed) {
                    rewrite(jar, false);
                }
                if (signed || old) {
                    System.out.println("[certyneo] " + jar.getFileName() + ": " + (signed ? "JAR signature removed" : "")
                            + (signed && old ? ", " : "") + (old ? "class files older than Java 6 given stack map frames" : "")
                            + " in the CLI's copy");
                }
            }
        }
    }

    private static boolean isSigned(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.stream().anyMatch(e -> SIGNATURE.matcher(e.getName()).matches());
        }
    }

    private static boolean hasOldClasses(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            for (JarEntry entry : file.stream().toList()) {
                if (isClass(entry.getName())) {
                    try (InputStream data = file.getInputStream(entry)) {
                        if (majorVersion(data.readNBytes(8)) < ARCHIVABLE) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** A class of the jar's base layer (multi-release layers under META-INF/versions are left as they are). */
    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class");
    }

    private static int majorVersion(byte[] head) {
        return head.length < 8 ? Integer.MAX_VALUE : ((head[6] & 0xff) << 8) | (head[7] & 0xff);
    }

    /** @return whether the jar was replaced (false: a rewritten class did not verify, the jar is as it was) */
    private static boolean rewrite(Path jar, boolean old) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".archivable");
        List<String> rewritten = new ArrayList<>();
        try (JarFile in = new JarFile(jar.toFile(), false);
             URLClassLoader original = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             OutputStream file = Files.newOutputStream(tmp);
             JarOutputStream out = new JarOutputStream(file)) {
            Manifest source = in.getManifest();
            Manifest manifest = new Manifest();
            if (source != null) {
                manifest.getMainAttributes().putAll(source.getMainAttributes());
            } else {
                manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            }
            out.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
            manifest.write(out);
            out.closeEntry();
            for (JarEntry entry : in.stream().toList()) {
                String name = entry.getName();
                if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || SIGNATURE.matcher(name).matches()) {
                    continue;
                }
                byte[] data;
                try (InputStream stream = in.getInputStream(entry)) {
                    data = stream.readAllBytes();
                }
                if (old && isClass(name) && majorVersion(data) < ARCHIVABLE) {
                    data = withFrames(data, original);
                    rewritten.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        String failure = verify(tmp, rewritten);
        if (failure != null) {
            Files.deleteIfExists(tmp);
            System.out.println("[certyneo] " + jar.getFileName() + ": class files left as they were, a rewritten class "
                    + "does not verify: " + failure);
            return false;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** The class file as Java 8, with stack map frames; common super classes are looked up in the jar itself. */
    private static byte[] withFrames(byte[] classFile, ClassLoader jar) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return jar;
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    /**
     * Loads and links every rewritten class of the new jar in a class loader of its own (linking runs the JVM's
     * verifier over the new frames).
     *
     * @return the first class that fails verification, with the error; null when all pass
     */
    private static String verify(Path jar, List<String> classes) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            for (String name : classes) {
                try {
                    Class.forName(name, true, loader);
                } catch (VerifyError | ClassFormatError e) {
                    return name + ": " + e;
                } catch (ClassNotFoundException | LinkageError e) {
                    // an optional dependency of the library, or its static initialiser: not a verification failure
                }
            }
        }
        return null;
    }
}
