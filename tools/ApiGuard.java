import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API guard of the engine's published modules (run by the build with the JDK's single-file source
 * launcher, {@code java tools/ApiGuard.java ...}; no dependency, no network).
 *
 * <p>It reads the compiled classes of a module ({@code target/classes}) and writes their public API as text, one
 * line per public type and per public or protected field, method and constructor, with its modifiers and erased
 * types (the form of Kotlin's binary-compatibility-validator {@code .api} files). The build compares that with the
 * module's committed baseline, {@code MODULE/api/MODULE.api}, and fails on every binary-incompatible change: a
 * type, field, method or constructor removed or with another signature, reduced visibility, static changed, a class
 * or method made final, a class made abstract, a supertype dropped, and a new abstract method on an interface or
 * class callers may implement or extend (every interface that is not sealed, the SPIs first). A method a type no
 * longer declares but still inherits (from java.lang.Object or a supertype of the module) is not a removal. Additions are
 * compatible: they are reported, and recorded when the baseline is rewritten ({@code -Dapi.update=true}), which a
 * reviewer then sees in the diff. Elements annotated {@code @com.certyneo.engine.InternalApi} are not part of the
 * stable API and are left out.
 *
 * <p>Commands: {@code dump CLASSES_DIR}; {@code check MODULE CLASSES_DIR BASELINE UPDATE STRICT} (UPDATE and
 * STRICT are {@code true} or {@code false}; STRICT also fails on additions missing from the baseline);
 * {@code selftest CLASSES_DIR BASELINE} (proves that the guard fails on the changes it must catch, on classes it
 * compiles itself and on the given module).
 */
public final class ApiGuard {

    /** The marker of public elements that are not part of the stable API. */
    static final String INTERNAL_MARKER = "Lcom/certyneo/engine/InternalApi;";

    /** Where check reports; the self-test silences it. */
    static java.io.PrintStream out = System.out;
    static java.io.PrintStream err = System.err;

    private ApiGuard() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "dump" -> {
                if (args.length != 2) {
                    usage();
                }
                System.out.print(render(read(Path.of(args[1])), "dump of " + args[1]));
            }
            case "check" -> {
                if (args.length != 6) {
                    usage();
                }
                System.exit(check(args[1], Path.of(args[2]), Path.of(args[3]), Boolean.parseBoolean(args[4]),
                        Boolean.parseBoolean(args[5])));
            }
            case "selftest" -> {
                if (args.length != 3) {
                    usage();
                }
                System.exit(SelfTest.run(Path.of(args[1]), Path.of(args[2])));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: java ApiGuard.java dump CLASSES_DIR\n"
                + "       java ApiGuard.java check MODULE CLASSES_DIR BASELINE UPDATE(true|false) STRICT(true|false)\n"
                + "       java ApiGuard.java selftest CLASSES_DIR BASELINE");
        System.exit(2);
    }

    // ---------------------------------------------------------------------------------------------------------
    // check

    static int check(String module, Path classes, Path baselineFile, boolean update, boolean strict) throws IOException {
        if (!Files.isDirectory(classes)) {
            err.println("[api-guard] " + module + ": no compiled classes at " + classes);
            return 1;
        }
        Map<String, TypeApi> current = read(classes);
        if (current.isEmpty()) {
            err.println("[api-guard] " + module + ": " + classes + " has no public type; nothing would be guarded");
            return 1;
        }
        String accept = "./mvnw -pl " + module + " -am verify -DskipTests -Dapi.update=true";
        if (!Files.exists(baselineFile)) {
            if (update) {
                write(baselineFile, current, module);
                out.println("[api-guard] " + module + ": wrote the API baseline " + baselineFile + " ("
                        + current.size() + " types); commit it");
                return 0;
            }
            err.println("[api-guard] " + module + ": no API baseline at " + baselineFile
                    + "\n  Create it with: " + accept + "\n  and commit it.");
            return 1;
        }
        Map<String, TypeApi> baseline = parse(Files.readString(baselineFile, StandardCharsets.UTF_8));
        Comparison diff = compare(baseline, current);
        if (update) {
            boolean same = render(current, module).equals(Files.readString(baselineFile, StandardCharsets.UTF_8)
                    .replace("\r\n", "\n"));
            if (!same) {
                write(baselineFile, current, module);
            }
            out.println("[api-guard] " + module + ": " + (same ? "the API baseline is up to date" : "rewrote the API baseline "
                    + baselineFile + " (" + diff.incompatible.size() + " incompatible, " + diff.additions.size()
                    + " compatible changes); review its diff and commit it"));
            diff.incompatible.forEach(c -> out.println("  accepted incompatible: " + c));
            diff.additions.forEach(c -> out.println("  recorded addition:     " + c));
            return 0;
        }
        if (!diff.incompatible.isEmpty() || (strict && !diff.additions.isEmpty())) {
            StringBuilder msg = new StringBuilder();
            if (!diff.incompatible.isEmpty()) {
                msg.append("[api-guard] ").append(module).append(": ").append(diff.incompatible.size())
                        .append(" binary-incompatible change(s) to the public API against ").append(baselineFile).append(":\n");
                diff.incompatible.forEach(c -> msg.append("  - ").append(c).append('\n'));
            }
            if (!diff.additions.isEmpty()) {
                msg.append("[api-guard] ").append(module).append(": ").append(diff.additions.size())
                        .append(strict ? " addition(s) missing from the baseline (strict mode):\n" : " compatible addition(s):\n");
                diff.additions.forEach(c -> msg.append("  + ").append(c).append('\n'));
            }
            msg.append("Callers compiled against the baseline would break. Restore the element, or mark it @InternalApi if it\n"
                    + "was never meant for callers, or add what is new next to the old (an overload, a default method, a factory).\n"
                    + "If the change is intended, accept it by rewriting the baseline and committing it (the reviewer sees it in the diff):\n"
                    + "  " + accept + "\n");
            err.print(msg);
            return 1;
        }
        if (!diff.additions.isEmpty()) {
            out.println("[api-guard] " + module + ": API compatible with " + baselineFile + "; "
                    + diff.additions.size() + " addition(s) not yet in the baseline:");
            diff.additions.forEach(c -> out.println("  + " + c));
            out.println("  Record them with: " + accept);
        } else {
            out.println("[api-guard] " + module + ": API matches " + baselineFile + " (" + current.size() + " types)");
        }
        return 0;
    }

    private static void write(Path file, Map<String, TypeApi> api, String module) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, render(api, module), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------------
    // model

    /** A public type: kind is class, interface, enum, record or @interface; names are binary names with dots. */
    static final class TypeApi {
        final String name;
        final String kind;
        final Set<String> modifiers;
        final Set<String> supertypes;
        final Map<String, MemberApi> members = new TreeMap<>();

        TypeApi(String name, String kind, Collection<String> modifiers, Collection<String> supertypes) {
            this.name = name;
            this.kind = kind;
            this.modifiers = orderedModifiers(modifiers);
            this.supertypes = new TreeSet<>(supertypes);
        }

        /** Whether callers may implement or extend it (so that a new abstract method breaks them). */
        boolean extensible() {
            return switch (kind) {
                case "interface", "@interface" -> !modifiers.contains("sealed");
                case "class" -> !modifiers.contains("final") && !modifiers.contains("sealed")
                        && members.values().stream().anyMatch(m -> m.kind == MemberKind.CONSTRUCTOR);
                default -> false;
            };
        }

        String header() {
            String mods = String.join(" ", modifiers);
            return (mods.isEmpty() ? "" : mods + " ") + kind + " " + name
                    + (supertypes.isEmpty() ? "" : " : " + String.join(", ", supertypes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TypeApi t && t.header().equals(header()) && t.members.equals(members);
        }

        @Override
        public int hashCode() {
            return header().hashCode();
        }

        @Override
        public String toString() {
            return header();
        }
    }

    enum MemberKind { FIELD, CONSTRUCTOR, METHOD }

    /** A public or protected member; type is the field type or the return type (null for constructors). */
    record MemberApi(MemberKind kind, Set<String> modifiers, String type, String name, List<String> parameters) {

        MemberApi {
            modifiers = orderedModifiers(modifiers);
            parameters = parameters == null ? null : List.copyOf(parameters);
        }

        /** The identity the JVM links by: name and erased descriptor. */
        String key() {
            return switch (kind) {
                case FIELD -> name + ":" + type;
                case METHOD -> name + "(" + String.join(", ", parameters) + ")" + type;
                case CONSTRUCTOR -> "<init>(" + String.join(", ", parameters) + ")";
            };
        }

        String line(String typeName) {
            String mods = String.join(" ", modifiers);
            String prefix = mods.isEmpty() ? "" : mods + " ";
            return switch (kind) {
                case FIELD -> prefix + type + " " + name;
                case METHOD -> prefix + type + " " + name + "(" + String.join(", ", parameters) + ")";
                case CONSTRUCTOR -> prefix + typeName.substring(typeName.lastIndexOf('.') + 1)
                        + "(" + String.join(", ", parameters) + ")";
            };
        }

        String access() {
            return modifiers.contains("public") ? "public" : "protected";
        }
    }

    private static final List<String> MODIFIER_ORDER =
            List.of("public", "protected", "static", "abstract", "default", "final", "sealed");

    private static Set<String> orderedModifiers(Collection<String> modifiers) {
        for (String m : modifiers) {
            if (!MODIFIER_ORDER.contains(m)) {
                throw new IllegalArgumentException("unknown modifier '" + m + "'");
            }
        }
        Set<String> ordered = new LinkedHashSet<>();
        MODIFIER_ORDER.stream().filter(modifiers::contains).forEach(ordered::add);
        return ordered;
    }

    // ---------------------------------------------------------------------------------------------------------
    // text form

    static String render(Map<String, TypeApi> api, String module) {
        StringBuilder out = new StringBuilder();
        out.append("# Public API of ").append(module).append(", checked by tools/ApiGuard.java in `verify`: one line per public\n")
                .append("# type (after ':' its supertypes) and per public or protected field, method and constructor, erased\n")
                .append("# types. Elements annotated @InternalApi are left out. A binary-incompatible change fails the build;\n")
                .append("# accept an intended change with -Dapi.update=true, which rewrites this file.\n");
        for (TypeApi type : new TreeMap<>(api).values()) {
            out.append('\n').append(type.header()).append('\n');
            type.members.values().stream()
                    .sorted((a, b) -> sortKey(a).compareTo(sortKey(b)))
                    .forEach(m -> out.append('\t').append(m.line(type.name)).append('\n'));
        }
        return out.toString();
    }

    private static String sortKey(MemberApi m) {
        return m.kind.ordinal() + m.key();
    }

    static Map<String, TypeApi> parse(String text) {
        Map<String, TypeApi> api = new TreeMap<>();
        TypeApi type = null;
        int lineNo = 0;
        for (String raw : text.replace("\r\n", "\n").split("\n")) {
            lineNo++;
            if (raw.isBlank() || raw.startsWith("#")) {
                continue;
            }
            try {
                if (raw.startsWith("\t")) {
                    if (type == null) {
                        throw new IllegalArgumentException("member before any type");
                    }
                    MemberApi m = parseMember(raw.strip());
                    type.members.put(m.key(), m);
                } else {
                    type = parseType(raw.strip());
                    api.put(type.name, type);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("API baseline line " + lineNo + " '" + raw + "': " + e.getMessage(), e);
            }
        }
        return api;
    }

    private static TypeApi parseType(String line) {
        String head = line;
        List<String> supers = List.of();
        int colon = line.indexOf(" : ");
        if (colon >= 0) {
            head = line.substring(0, colon);
            supers = Arrays.stream(line.substring(colon + 3).split(",")).map(String::strip).toList();
        }
        List<String> tokens = List.of(head.split(" "));
        if (tokens.size() < 2) {
            throw new IllegalArgumentException("not a type line");
        }
        return new TypeApi(tokens.get(tokens.size() - 1), tokens.get(tokens.size() - 2),
                tokens.subList(0, tokens.size() - 2), supers);
    }

    private static MemberApi parseMember(String line) {
        int paren = line.indexOf('(');
        if (paren < 0) {
            List<String> tokens = List.of(line.split(" "));
            if (tokens.size() < 2) {
                throw new IllegalArgumentException("not a field line");
            }
            int n = tokens.size();
            return new MemberApi(MemberKind.FIELD, new HashSet<>(tokens.subList(0, n - 2)), tokens.get(n - 2),
                    tokens.get(n - 1), null);
        }
        if (!line.endsWith(")")) {
            throw new IllegalArgumentException("not a method line");
        }
        String inside = line.substring(paren + 1, line.length() - 1).strip();
        List<String> params = inside.isEmpty() ? List.of() : Arrays.stream(inside.split(",")).map(String::strip).toList();
        List<String> tokens = new ArrayList<>(List.of(line.substring(0, paren).split(" ")));
        String name = tokens.remove(tokens.size() - 1);
        if (!tokens.isEmpty() && !MODIFIER_ORDER.contains(tokens.get(tokens.size() - 1))) {
            String returnType = tokens.remove(tokens.size() - 1);
            return new MemberApi(MemberKind.METHOD, new HashSet<>(tokens), returnType, name, params);
        }
        return new MemberApi(MemberKind.CONSTRUCTOR, new HashSet<>(tokens), null, "<init>", params);
    }

    // ---------------------------------------------------------------------------------------------------------
    // comparison

    record Comparison(List<String> incompatible, List<String> additions) {
    }

    static Comparison compare(Map<String, TypeApi> baseline, Map<String, TypeApi> current) {
        List<String> bad = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (TypeApi old : baseline.values()) {
            TypeApi now = current.get(old.name);
            if (now == null) {
                bad.add("removed type " + old.header() + " (deleted, renamed, or no longer public)");
                continue;
            }
            compareTypes(old, now, current, bad, added);
        }
        for (TypeApi now : current.values()) {
            if (!baseline.containsKey(now.name)) {
                added.add("new type " + now.header());
            }
        }
        return new Comparison(bad, added);
    }

    private static void compareTypes(TypeApi old, TypeApi now, Map<String, TypeApi> current, List<String> bad,
                                     List<String> added) {
        String t = old.name;
        if (!old.kind.equals(now.kind)) {
            bad.add(t + ": changed from " + old.kind + " to " + now.kind);
        }
        if (old.modifiers.contains("public") && !now.modifiers.contains("public")) {
            bad.add(t + ": reduced visibility from public to " + String.join(" ", now.modifiers));
        }
        if (old.modifiers.contains("static") != now.modifiers.contains("static")) {
            bad.add(t + ": " + (now.modifiers.contains("static") ? "became static" : "is no longer static"));
        }
        if (old.extensible() && !now.extensible()) {
            bad.add(t + ": can no longer be " + (old.kind.equals("class") ? "extended" : "implemented") + " by callers (now "
                    + now.header() + ")");
        }
        if (old.kind.equals("class") && now.kind.equals("class") && !old.modifiers.contains("abstract")
                && now.modifiers.contains("abstract")) {
            bad.add(t + ": became abstract");
        }
        for (String s : old.supertypes) {
            if (!now.supertypes.contains(s)) {
                bad.add(t + ": no longer a subtype of " + s);
            }
        }
        for (String s : now.supertypes) {
            if (!old.supertypes.contains(s)) {
                added.add(t + ": new supertype " + s);
            }
        }
        boolean extensible = old.extensible() && now.extensible();
        for (MemberApi m : old.members.values()) {
            MemberApi n = now.members.get(m.key());
            if (n == null && inherited(now, m, current)) {
                added.add(t + ": no longer declares " + m.line(t) + ", which it inherits");
                continue;
            }
            if (n == null) {
                List<String> sameName = now.members.values().stream()
                        .filter(x -> x.kind == m.kind && x.name.equals(m.name)).map(x -> x.line(t)).toList();
                bad.add(t + ": removed " + m.line(t)
                        + (sameName.isEmpty() ? "" : " (now only: " + String.join("; ", sameName) + ")"));
                continue;
            }
            compareMembers(t, m, n, extensible, bad);
        }
        for (MemberApi n : now.members.values()) {
            if (old.members.containsKey(n.key())) {
                continue;
            }
            if (extensible && n.modifiers.contains("abstract")) {
                bad.add(t + ": new abstract method " + n.line(t) + " breaks every caller's implementation of "
                        + t + " (give it a default body)");
            } else {
                added.add(t + ": new " + n.line(t));
            }
        }
    }

    private static final Set<String> OBJECT_METHODS =
            Set.of("toString()java.lang.String", "hashCode()int", "equals(java.lang.Object)boolean");

    /**
     * Whether a method the type no longer declares still resolves for callers: one of java.lang.Object's, or an
     * implemented one of a supertype of the same module (binary compatible, JLS 13.4.12).
     */
    private static boolean inherited(TypeApi now, MemberApi m, Map<String, TypeApi> current) {
        if (m.kind != MemberKind.METHOD || m.modifiers.contains("static")) {
            return false;
        }
        if (OBJECT_METHODS.contains(m.key())) {
            return true;
        }
        for (String s : now.supertypes) {
            TypeApi supertype = current.get(s);
            MemberApi there = supertype == null ? null : supertype.members.get(m.key());
            if (there != null && !there.modifiers.contains("static") && !there.modifiers.contains("abstract")
                    && (there.access().equals("public") || m.access().equals("protected"))) {
                return true;
            }
        }
        return false;
    }

    private static void compareMembers(String t, MemberApi old, MemberApi now, boolean extensible, List<String> bad) {
        String what = t + ": " + now.line(t);
        if (old.access().equals("public") && now.access().equals("protected")) {
            bad.add(what + ": reduced visibility from public to protected");
        }
        if (old.modifiers.contains("static") != now.modifiers.contains("static")) {
            bad.add(what + ": " + (now.modifiers.contains("static") ? "became static" : "is no longer static"));
        }
        if (old.kind == MemberKind.FIELD) {
            if (!old.modifiers.contains("final") && now.modifiers.contains("final")) {
                bad.add(what + ": became final");
            }
            return;
        }
        if (extensible && !old.modifiers.contains("final") && now.modifiers.contains("final")) {
            bad.add(what + ": became final, so callers' overrides break");
        }
        if (extensible && !old.modifiers.contains("abstract") && now.modifiers.contains("abstract")) {
            bad.add(what + ": became abstract, so callers' implementations break");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // class files

    /** What the guard needs of one class file. */
    static final class ClassInfo {
        String name;
        int access;
        String superName;
        List<String> interfaces = new ArrayList<>();
        boolean sealed;
        boolean internal;
        /** From this class's own InnerClasses entry, when it is a member class. */
        String outer;
        int innerAccess = -1;
        boolean localOrAnonymous;
        final List<RawMember> fields = new ArrayList<>();
        final List<RawMember> methods = new ArrayList<>();
    }

    record RawMember(int access, String name, String descriptor, boolean internal) {
    }

    static final int ACC_PUBLIC = 0x0001;
    static final int ACC_PROTECTED = 0x0004;
    static final int ACC_STATIC = 0x0008;
    static final int ACC_FINAL = 0x0010;
    static final int ACC_BRIDGE = 0x0040;
    static final int ACC_INTERFACE = 0x0200;
    static final int ACC_ABSTRACT = 0x0400;
    static final int ACC_SYNTHETIC = 0x1000;
    static final int ACC_ANNOTATION = 0x2000;
    static final int ACC_ENUM = 0x4000;

    /** The public API of the classes under {@code dir}. */
    static Map<String, TypeApi> read(Path dir) throws IOException {
        Map<String, ClassInfo> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.equals("module-info.class") || fileName.equals("package-info.class")) {
                    continue;
                }
                ClassInfo info = parseClass(Files.readAllBytes(file));
                classes.put(info.name, info);
            }
        }
        Map<String, TypeApi> api = new TreeMap<>();
        for (ClassInfo c : classes.values()) {
            if (accessible(c, classes)) {
                TypeApi type = toApi(c, classes);
                api.put(type.name, type);
            }
        }
        return api;
    }

    private static boolean accessible(ClassInfo c, Map<String, ClassInfo> classes) {
        if ((c.access & ACC_SYNTHETIC) != 0 || c.internal || c.localOrAnonymous) {
            return false;
        }
        if (c.outer == null) {
            return (c.access & ACC_PUBLIC) != 0;
        }
        ClassInfo outer = classes.get(c.outer);
        if (outer == null || !accessible(outer, classes)) {
            return false;
        }
        if ((c.innerAccess & ACC_PUBLIC) != 0) {
            return true;
        }
        // a protected member class is reachable only through a subclass of its outer class
        return (c.innerAccess & ACC_PROTECTED) != 0 && toApi(outer, classes).extensible();
    }

    private static TypeApi toApi(ClassInfo c, Map<String, ClassInfo> classes) {
        int access = c.outer == null ? c.access : c.innerAccess;
        String kind;
        if ((c.access & ACC_ANNOTATION) != 0) {
            kind = "@interface";
        } else if ((c.access & ACC_INTERFACE) != 0) {
            kind = "interface";
        } else if ((c.access & ACC_ENUM) != 0) {
            kind = "enum";
        } else if ("java/lang/Record".equals(c.superName)) {
            kind = "record";
        } else {
            kind = "class";
        }
        List<String> mods = new ArrayList<>();
        mods.add((access & ACC_PUBLIC) != 0 ? "public" : "protected");
        if (c.outer != null && (access & ACC_STATIC) != 0) {
            mods.add("static");
        }
        if (kind.equals("class")) {
            if ((access & ACC_ABSTRACT) != 0) {
                mods.add("abstract");
            }
            if ((access & ACC_FINAL) != 0) {
                mods.add("final");
            }
        }
        if ((kind.equals("class") || kind.equals("interface")) && c.sealed) {
            mods.add("sealed");
        }
        Set<String> supers = new TreeSet<>();
        collectSupertypes(c, classes, supers, new HashSet<>());
        supers.removeAll(Set.of("java.lang.Object", "java.lang.Record", "java.lang.Enum", "java.lang.annotation.Annotation"));
        TypeApi type = new TypeApi(dotted(c.name), kind, mods, supers);

        boolean hasConstructor = c.methods.stream().anyMatch(m -> m.name.equals("<init>")
                && (m.access & (ACC_PUBLIC | ACC_PROTECTED)) != 0 && !m.internal);
        boolean extensible = switch (kind) {
            case "interface", "@interface" -> !c.sealed;
            case "class" -> (access & ACC_FINAL) == 0 && !c.sealed && hasConstructor;
            default -> false;
        };
        for (RawMember f : c.fields) {
            if (visible(f, extensible)) {
                List<String> fm = new ArrayList<>();
                fm.add(accessOf(f.access));
                if ((f.access & ACC_STATIC) != 0) {
                    fm.add("static");
                }
                if ((f.access & ACC_FINAL) != 0) {
                    fm.add("final");
                }
                MemberApi m = new MemberApi(MemberKind.FIELD, new HashSet<>(fm), typeName(f.descriptor, new int[] {0}), f.name, null);
                type.members.put(m.key(), m);
            }
        }
        for (RawMember method : c.methods) {
            if (!visible(method, extensible) || (method.access & ACC_BRIDGE) != 0 || method.name.equals("<clinit>")) {
                continue;
            }
            List<String> params = new ArrayList<>();
            int[] pos = {1};
            while (method.descriptor.charAt(pos[0]) != ')') {
                params.add(typeName(method.descriptor, pos));
            }
            pos[0]++;
            String returnType = typeName(method.descriptor, pos);
            List<String> mm = new ArrayList<>();
            mm.add(accessOf(method.access));
            boolean isStatic = (method.access & ACC_STATIC) != 0;
            if (isStatic) {
                mm.add("static");
            }
            if (extensible && !isStatic) {
                if ((method.access & ACC_ABSTRACT) != 0) {
                    mm.add("abstract");
                } else if (kind.equals("interface")) {
                    mm.add("default");
                }
                if ((method.access & ACC_FINAL) != 0) {
                    mm.add("final");
                }
            }
            MemberApi m = method.name.equals("<init>")
                    ? new MemberApi(MemberKind.CONSTRUCTOR, new HashSet<>(mm), null, "<init>", params)
                    : new MemberApi(MemberKind.METHOD, new HashSet<>(mm), returnType, method.name, params);
            type.members.put(m.key(), m);
        }
        return type;
    }

    private static boolean visible(RawMember m, boolean extensible) {
        if ((m.access & ACC_SYNTHETIC) != 0 || m.internal) {
            return false;
        }
        return (m.access & ACC_PUBLIC) != 0 || ((m.access & ACC_PROTECTED) != 0 && extensible);
    }

    private static String accessOf(int access) {
        return (access & ACC_PUBLIC) != 0 ? "public" : "protected";
    }

    /** Direct supertypes, and the supertypes of those compiled in the same module. */
    private static void collectSupertypes(ClassInfo c, Map<String, ClassInfo> classes, Set<String> out, Set<String> seen) {
        if (!seen.add(c.name)) {
            return;
        }
        List<String> direct = new ArrayList<>(c.interfaces);
        if (c.superName != null) {
            direct.add(0, c.superName);
        }
        for (String s : direct) {
            ClassInfo inModule = classes.get(s);
            if (inModule == null || accessible(inModule, classes)) {
                out.add(dotted(s));
            }
            if (inModule != null) {
                collectSupertypes(inModule, classes, out, seen);
            }
        }
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    private static String typeName(String descriptor, int[] pos) {
        int dims = 0;
        while (descriptor.charAt(pos[0]) == '[') {
            dims++;
            pos[0]++;
        }
        char c = descriptor.charAt(pos[0]++);
        String base = switch (c) {
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'D' -> "double";
            case 'F' -> "float";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'S' -> "short";
            case 'Z' -> "boolean";
            case 'V' -> "void";
            case 'L' -> {
                int end = descriptor.indexOf(';', pos[0]);
                String n = dotted(descriptor.substring(pos[0], end));
                pos[0] = end + 1;
                yield n;
            }
            default -> throw new IllegalArgumentException("bad descriptor " + descriptor);
        };
        return base + "[]".repeat(dims);
    }

    /** Reads the parts of a class file the guard needs (JVMS chapter 4). */
    static ClassInfo parseClass(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        Object[] pool = new Object[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> pool[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7, 8, 16, 19, 20 -> pool[i] = in.readUnsignedShort(); // Class, String, MethodType, Module, Package
                case 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        ClassInfo c = new ClassInfo();
        c.access = in.readUnsignedShort();
        c.name = className(pool, in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        c.superName = superIndex == 0 ? null : className(pool, superIndex);
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            c.interfaces.add(className(pool, in.readUnsignedShort()));
        }
        for (List<RawMember> list : List.of(c.fields, c.methods)) {
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                int access = in.readUnsignedShort();
                String name = (String) pool[in.readUnsignedShort()];
                String descriptor = (String) pool[in.readUnsignedShort()];
                boolean internal = false;
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = (String) pool[in.readUnsignedShort()];
                    byte[] body = in.readNBytes(in.readInt());
                    internal |= isAnnotations(attribute) && annotatedInternal(body, pool);
                }
                list.add(new RawMember(access, name, descriptor, internal));
            }
        }
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            String attribute = (String) pool[in.readUnsignedShort()];
            byte[] body = in.readNBytes(in.readInt());
            if (isAnnotations(attribute)) {
                c.internal |= annotatedInternal(body, pool);
            } else if (attribute.equals("PermittedSubclasses")) {
                c.sealed = true;
            } else if (attribute.equals("InnerClasses")) {
                DataInputStream ic = new DataInputStream(new ByteArrayInputStream(body));
                int n = ic.readUnsignedShort();
                for (int i = 0; i < n; i++) {
                    int inner = ic.readUnsignedShort();
                    int outer = ic.readUnsignedShort();
                    int innerName = ic.readUnsignedShort();
                    int flags = ic.readUnsignedShort();
                    if (className(pool, inner).equals(c.name)) {
                        if (outer == 0 || innerName == 0) {
                            c.localOrAnonymous = true;
                        } else {
                            c.outer = className(pool, outer);
                            c.innerAccess = flags;
                        }
                    }
                }
            }
        }
        return c;
    }

    private static String className(Object[] pool, int index) {
        return (String) pool[(Integer) pool[index]];
    }

    private static boolean isAnnotations(String attribute) {
        return attribute.equals("RuntimeInvisibleAnnotations") || attribute.equals("RuntimeVisibleAnnotations");
    }

    private static boolean annotatedInternal(byte[] body, Object[] pool) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        int n = in.readUnsignedShort();
        boolean found = false;
        for (int i = 0; i < n; i++) {
            found |= INTERNAL_MARKER.equals(skipAnnotation(in, pool));
        }
        return found;
    }

    /** Reads one annotation and returns its type descriptor. */
    private static String skipAnnotation(DataInputStream in, Object[] pool) throws IOException {
        String type = (String) pool[in.readUnsignedShort()];
        int pairs = in.readUnsignedShort();
        for (int i = 0; i < pairs; i++) {
            in.readUnsignedShort();
            skipElementValue(in, pool);
        }
        return type;
    }

    private static void skipElementValue(DataInputStream in, Object[] pool) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c' -> in.readUnsignedShort();
            case 'e' -> in.readInt();
            case '@' -> skipAnnotation(in, pool);
            case '[' -> {
                int n = in.readUnsignedShort();
                for (int i = 0; i < n; i++) {
                    skipElementValue(in, pool);
                }
            }
            default -> throw new IOException("unknown annotation element tag " + (char) tag);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // self-test

    /**
     * Proves that the guard can fail: compiles a small API twice (before and after a set of changes) with the JDK's
     * compiler, and checks that every binary-incompatible change is reported and every compatible one is not; then
     * removes a public method from the real module's API and checks that the comparison with its baseline fails.
     */
    static final class SelfTest {
        private static int failures;
        private static String realExample = "";

        static int run(Path moduleClasses, Path moduleBaseline) throws IOException {
            Path tmp = Files.createTempDirectory("api-guard-selftest");
            try {
                Map<String, TypeApi> before = compile(tmp.resolve("before"), BEFORE);
                Map<String, TypeApi> after = compile(tmp.resolve("after"), AFTER);

                expect("the text form reads back to the same API", parse(render(before, "t")).equals(before));
                expect("the text form reads back to the same API (after)", parse(render(after, "t")).equals(after));
                Comparison none = compare(before, before);
                expect("an unchanged API has no differences", none.incompatible.isEmpty() && none.additions.isEmpty());

                Comparison diff = compare(before, after);
                String[] mustFail = {
                    "p.Widget: removed public void removed()",
                    "p.Widget: removed public void changedParameter(int) (now only: public void changedParameter(long))",
                    "p.Widget: removed public int changedReturn()",
                    "p.Widget: protected void narrowed(): reduced visibility from public to protected",
                    "p.Widget: public void becameInstance(): is no longer static",
                    "p.Widget: public final void becameFinal(): became final",
                    "p.Widget: removed public int removedField",
                    "p.Widget: public final int becameFinalField: became final",
                    "p.Widget: removed public Widget(java.lang.String)",
                    "removed type public class p.Gone",
                    "removed type public static class p.Outer$Nested",
                    "p.Opened: can no longer be extended by callers",
                    "p.Plain: became abstract",
                    "p.Callback: new abstract method public abstract void more()",
                    "p.Child: no longer a subtype of java.io.Closeable",
                    "p.Spi: public abstract void used(): became abstract",
                    "p.Derived: removed public void gone()",
                };
                for (String expected : mustFail) {
                    expect("reported as incompatible: " + expected, diff.incompatible.stream().anyMatch(s -> s.startsWith(expected)));
                }
                expect("exactly the expected incompatible changes (" + mustFail.length + "), got " + diff.incompatible,
                        diff.incompatible.size() == mustFail.length);
                String[] compatible = {
                    "p.Widget: new public void added()",
                    "p.Widget: new public void changedParameter(long)",
                    "p.Widget: new protected Widget()",
                    "p.Callback: new public default void extra()",
                    "p.Closed: new public void more()",
                    "p.Result: new public int b()",
                    "new type public class p.Fresh",
                    "p.Widget: no longer declares public java.lang.String toString(), which it inherits",
                    "p.Derived: no longer declares public void up(), which it inherits",
                };
                for (String expected : compatible) {
                    expect("reported as a compatible addition: " + expected, diff.additions.stream().anyMatch(s -> s.startsWith(expected)));
                }
                expect("the @InternalApi canonical constructor of a record is not guarded",
                        before.get("p.Result").members.keySet().stream().noneMatch(k -> k.startsWith("<init>")));
                expect("an @InternalApi type is not guarded", !before.containsKey("p.Hidden"));
                expect("package-private and private members are not guarded",
                        before.get("p.Widget").members.keySet().stream().noneMatch(k -> k.startsWith("hidden")));

                // the real module: the public API loses one method
                Map<String, TypeApi> real = read(moduleClasses);
                Map<String, TypeApi> baseline = parse(Files.readString(moduleBaseline, StandardCharsets.UTF_8));
                java.util.function.Predicate<MemberApi> own = m -> m.kind == MemberKind.METHOD && !OBJECT_METHODS.contains(m.key());
                TypeApi victim = real.values().stream().filter(t -> t.members.values().stream().anyMatch(own))
                        .findFirst().orElseThrow();
                MemberApi removed = victim.members.values().stream().filter(own).findFirst().orElseThrow();
                victim.members.remove(removed.key());
                Comparison realDiff = compare(baseline, real);
                String expected = victim.name + ": removed " + removed.line(victim.name);
                expect("removing " + expected + " from " + moduleClasses + " fails against " + moduleBaseline,
                        realDiff.incompatible.stream().anyMatch(s -> s.startsWith(expected)));
                realExample = expected;
                java.io.PrintStream silent = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
                out = silent;
                err = silent;
                int code = check("selftest", tmp.resolve("after/classes"), writeBaseline(tmp, before), false, false);
                expect("check exits 1 on an incompatible change", code == 1);
                code = check("selftest", tmp.resolve("before/classes"), writeBaseline(tmp, before), false, false);
                expect("check exits 0 on the baseline's own classes", code == 0);
                Map<String, TypeApi> lacking = parse(render(before, "t"));
                lacking.get("p.Widget").members.remove("kept()void");
                code = check("selftest", tmp.resolve("before/classes"), writeBaseline(tmp, lacking), false, false);
                expect("check exits 0 on an addition", code == 0);
                code = check("selftest", tmp.resolve("before/classes"), writeBaseline(tmp, lacking), false, true);
                expect("check exits 1 on an addition in strict mode", code == 1);
                out = System.out;
                err = System.err;
            } finally {
                try (Stream<Path> walk = Files.walk(tmp)) {
                    walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
                }
            }
            System.out.println("[api-guard] self-test: " + (failures == 0 ? "the guard reports every change it must (on the module: "
                    + realExample + ")" : failures + " failure(s)"));
            return failures == 0 ? 0 : 1;
        }

        private static Path writeBaseline(Path tmp, Map<String, TypeApi> api) throws IOException {
            Path file = tmp.resolve("baseline.api");
            Files.writeString(file, render(api, "selftest"));
            return file;
        }

        private static void expect(String what, boolean ok) {
            if (!ok) {
                failures++;
                System.err.println("[api-guard] self-test FAILED: " + what);
            }
        }

        private static Map<String, TypeApi> compile(Path dir, Map<String, String> sources) throws IOException {
            Path src = dir.resolve("src");
            Path out = dir.resolve("classes");
            Files.createDirectories(out);
            List<Path> files = new ArrayList<>();
            Map<String, String> all = new TreeMap<>(sources);
            all.put("com/certyneo/engine/InternalApi.java", "package com.certyneo.engine;\n"
                    + "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.CLASS) public @interface InternalApi {}\n");
            for (Map.Entry<String, String> e : all.entrySet()) {
                Path file = src.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                files.add(file);
            }
            javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
            List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
            files.forEach(f -> args.add(f.toString()));
            int rc = javac.run(null, null, null, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("self-test sources do not compile");
            }
            Map<String, TypeApi> api = read(out);
            api.remove("com.certyneo.engine.InternalApi");
            return api;
        }

        private static final Map<String, String> BEFORE = Map.ofEntries(
                Map.entry("p/Widget.java", """
                        package p;
                        public class Widget {
                            public int field;
                            public int removedField;
                            public int becameFinalField;
                            int hiddenField;
                            public Widget(String s) {}
                            public void kept() {}
                            public String toString() { return ""; }
                            public void removed() {}
                            public void changedParameter(int a) {}
                            public int changedReturn() { return 0; }
                            public void narrowed() {}
                            public static void becameInstance() {}
                            public void becameFinal() {}
                            void hiddenMethod() {}
                            private void hiddenPrivate() {}
                        }
                        """),
                Map.entry("p/Gone.java", "package p; public class Gone {}"),
                Map.entry("p/Outer.java", "package p; public class Outer { public static class Nested {} }"),
                Map.entry("p/Opened.java", "package p; public class Opened {}"),
                Map.entry("p/Plain.java", "package p; public class Plain {}"),
                Map.entry("p/Callback.java", "package p; public interface Callback { void call(); }"),
                Map.entry("p/Spi.java", "package p; public interface Spi { default void used() {} }"),
                Map.entry("p/Closed.java", "package p; public sealed interface Closed permits ClosedImpl { void call(); }"),
                Map.entry("p/ClosedImpl.java", "package p; final class ClosedImpl implements Closed { public void call() {} }"),
                Map.entry("p/Child.java", "package p; public class Child implements java.io.Closeable { public void close() {} }"),
                Map.entry("p/Base.java", "package p; public class Base { public void up() {} }"),
                Map.entry("p/Derived.java", "package p; public class Derived extends Base { public void up() {} public void gone() {} }"),
                Map.entry("p/Hidden.java", "package p; @com.certyneo.engine.InternalApi public class Hidden {}"),
                Map.entry("p/Result.java", """
                        package p;
                        public record Result(int a) {
                            @com.certyneo.engine.InternalApi
                            public Result {}
                        }
                        """));

        private static final Map<String, String> AFTER = Map.ofEntries(
                Map.entry("p/Widget.java", """
                        package p;
                        public class Widget {
                            public int field;
                            public final int becameFinalField = 0;
                            protected Widget() {}
                            public void kept() {}
                            public void added() {}
                            public void changedParameter(long a) {}
                            public long changedReturn() { return 0; }
                            protected void narrowed() {}
                            public void becameInstance() {}
                            public final void becameFinal() {}
                        }
                        """),
                Map.entry("p/Outer.java", "package p; public class Outer { static class Nested {} }"),
                Map.entry("p/Opened.java", "package p; public final class Opened {}"),
                Map.entry("p/Plain.java", "package p; public abstract class Plain {}"),
                Map.entry("p/Callback.java", "package p; public interface Callback { void call(); void more(); default void extra() {} }"),
                Map.entry("p/Spi.java", "package p; public interface Spi { void used(); }"),
                Map.entry("p/Closed.java", "package p; public sealed interface Closed permits ClosedImpl { void call(); void more(); }"),
                Map.entry("p/ClosedImpl.java",
                        "package p; final class ClosedImpl implements Closed { public void call() {} public void more() {} }"),
                Map.entry("p/Child.java", "package p; public class Child { public void close() {} }"),
                Map.entry("p/Base.java", "package p; public class Base { public void up() {} }"),
                Map.entry("p/Derived.java", "package p; public class Derived extends Base {}"),
                Map.entry("p/Hidden.java", "package p; @com.certyneo.engine.InternalApi public class Hidden { public void x() {} }"),
                Map.entry("p/Fresh.java", "package p; public class Fresh {}"),
                Map.entry("p/Result.java", """
                        package p;
                        public record Result(int a, int b) {
                            @com.certyneo.engine.InternalApi
                            public Result {}
                        }
                        """));
    }
}
