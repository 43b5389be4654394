package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.SignatureField;
import com.certyneo.engine.SignatureFieldInfo;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code certyneo fields}: every recipient's signature field up front, and what fields a PDF has. */
@Command(name = "fields", mixinStandardHelpOptions = true,
        description = "Signature fields: add every recipient's empty field in one revision, list a PDF's fields.",
        subcommands = {FieldsCommand.Add.class, FieldsCommand.ListFields.class, CommandLine.HelpCommand.class})
final class FieldsCommand extends CommandGroup {

    /** {@code certyneo fields add IN -o OUT --field NAME[,PAGE,X,Y,W,H]...}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add empty signature fields, one per recipient, in one incremental revision (with the "
                    + "SANDBOX mark unless --production). Each recipient then signs into theirs with sign --field NAME; "
                    + "those revisions only fill fields, so no validator reports a modification."},
            footer = EngineCommand.OUTPUT_FOOTER)
    static final class Add extends GroupSubcommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "IN.pdf", description = "The PDF")
        Path input;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "Where to write the PDF with the fields")
        Path output;

        @Option(names = "--in-place", description = "Allow -o to name IN.pdf: the result replaces it (atomically)")
        boolean inPlace;

        @Option(names = "--field", required = true, paramLabel = "NAME[,PAGE,X,Y,W,H]",
                description = "A field (repeatable): a name alone for an invisible field on page 1, or a name, a page "
                        + "and a box in points from the top-left corner of the page as displayed")
        List<String> fields = new ArrayList<>();

        @Option(names = "--lock", paramLabel = "FIELD=all|include:a,b|exclude:a,b",
                description = "The fields FIELD's signature will lock (its /Lock; repeatable)")
        List<String> locks = new ArrayList<>();

        @Option(names = "--production", description = "For production signers: no SANDBOX mark")
        boolean production;

        @Override
        public Integer call() {
            Inputs.readable(input);
            Inputs.writable(output, input, inPlace);
            List<SignatureField> parsed = new ArrayList<>();
            fields.forEach(f -> parsed.add(SignatureField.parse(f)));
            for (String lock : locks) {
                int eq = lock.indexOf('=');
                String name = eq < 0 ? "" : lock.substring(0, eq).strip();
                int at = -1;
                for (int i = 0; i < parsed.size(); i++) {
                    if (parsed.get(i).name().equals(name)) {
                        at = i;
                    }
                }
                if (at < 0) {
                    throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                            "--lock '" + lock + "' names no --field of this command",
                            "Write --lock FIELD=all|include:a,b|exclude:a,b with FIELD one of the --field names.");
                }
                parsed.set(at, parsed.get(at).withLock(com.certyneo.engine.FieldLock.parse(lock.substring(eq + 1))));
            }
            try (PadesSignatureEngine engine = production ? PadesSignatureEngine.builder().build()
                    : PadesSignatureEngine.sandbox(homeDir())) {
                DocumentResult result = engine.prepareFields(DocumentSource.of(input), DocumentTarget.of(output), parsed);
                PrintWriter out = spec.commandLine().getOut();
                out.printf("Added %d signature field%s %s -> %s%n", parsed.size(), parsed.size() == 1 ? "" : "s", input,
                        result.outputFile().map(Path::toString).orElse("(stream)"));
                parsed.forEach(f -> out.printf("  %s%n", f.name()));
                out.printf("  sha256 in:   %s%n", result.inputSha256());
                out.printf("  sha256 out:  %s%n", result.outputSha256());
                if (result.sandbox()) {
                    out.println("  SANDBOX - NOT LEGALLY BINDING (marked; signers add no second mark)");
                }
            }
            return 0;
        }
    }

    /** {@code certyneo fields list FILE}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a PDF's signature fields: name, page, box (points from the top-left corner), "
                    + "signed or empty, and lock.")
    static final class ListFields extends GroupSubcommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE.pdf", description = "The PDF")
        Path input;

        @Override
        public Integer call() {
            Inputs.readable(input);
            try (PadesSignatureEngine engine = PadesSignatureEngine.builder().build()) {
                List<SignatureFieldInfo> fields = engine.fields(DocumentSource.of(input));
                PrintWriter out = spec.commandLine().getOut();
                if (fields.isEmpty()) {
                    out.printf("%s has no signature field%n", input);
                }
                out.printf("%-20s %-5s %-28s %-7s %s%n", "NAME", "PAGE", "BOX (x,y,w,h)", "STATE", "LOCK");
                for (SignatureFieldInfo f : fields) {
                    out.printf("%-20s %-5s %-28s %-7s %s%n", f.name(),
                            f.page().isPresent() ? String.valueOf(f.page().getAsInt()) : "-",
                            f.box().map(b -> n(b.x()) + "," + n(b.y()) + "," + n(b.width()) + "," + n(b.height()))
                                    .orElse("invisible"),
                            f.signed() ? "signed" : "empty", f.lock().map(Object::toString).orElse("-"));
                }
            }
            return 0;
        }

        private static String n(float value) {
            return new BigDecimal(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        }
    }
}
