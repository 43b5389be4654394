package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentPassword;
import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code certyneo extend}: raises every signature of a PDF to B-T, B-LT or B-LTA (sandbox engine). */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Raise every signature of a PDF to B-T, B-LT or B-LTA (sandbox engine). "
                + "Extending to B-LTA again adds a new archive time-stamp.", footer = EngineCommand.OUTPUT_FOOTER)
final class ExtendCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.pdf", description = "The signed PDF")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "Where to write the result")
    Path output;

    @Option(names = "--in-place", description = "Allow -o to name IN.pdf: the result replaces it (atomically)")
    boolean inPlace;

    @Option(names = "--profile", paramLabel = "B-T|B-LT|B-LTA", defaultValue = "B-LTA",
            description = "Target profile (default: ${DEFAULT-VALUE})")
    String profile;

    @picocli.CommandLine.Mixin
    PasswordOption password = new PasswordOption();

    @Override
    public Integer call() {
        Inputs.readable(input);
        Inputs.writable(output, input, inPlace);
        PadesProfile target = PadesProfile.parse(profile);
        DocumentPassword documentPassword = password.documentPassword();
        try (PadesSignatureEngine engine = sandboxEngine();
             Progress progress = Progress.ticker(err(), terminal(), "Extending " + Progress.describe(input))) {
            DocumentResult result = engine.extend(DocumentSource.of(input), DocumentTarget.of(output), target,
                    documentPassword);
            progress.close();
            print(out(), "Extended", input, result);
        } finally {
            PasswordOption.destroy(documentPassword);
        }
        return 0;
    }

    static void print(PrintWriter out, String verb, Path input, DocumentResult result) {
        out.printf("%s %s -> %s%n", verb, input, result.outputFile().map(Path::toString).orElse("(stream)"));
        result.profile().ifPresent(p -> out.printf("  profile:     PAdES %s (%s %d signature(s))%n", p,
                result.warnings().isEmpty() ? "all" : "those it could extend of", result.signatureCount()));
        result.timestampTime().ifPresent(t -> out.printf("  time-stamp:  %s%n", t));
        out.printf("  sha256 in:   %s%n", result.inputSha256());
        out.printf("  sha256 out:  %s%n", result.outputSha256());
        if (result.sandbox()) {
            out.println("  SANDBOX - NOT LEGALLY BINDING (test PKI; validate with --sandbox)");
        }
        result.warnings().forEach(w -> out.printf("  warning:     %s%n", w));
    }
}
