package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentPassword;
import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code certyneo timestamp}: adds an RFC 3161 document time-stamp. */
@Command(name = "timestamp", mixinStandardHelpOptions = true,
        description = "Add an RFC 3161 document time-stamp (/DocTimeStamp) over the whole PDF. Without --tsa "
                + "the sandbox TSA stamps and the output is sandbox-marked; with --tsa the given TSAs are tried in "
                + "order and every reply is checked (ETSI EN 319 422) before it is used.", footer = EngineCommand.OUTPUT_FOOTER)
final class TimestampCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.pdf", description = "The PDF to time-stamp")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "Where to write the result")
    Path output;

    @Option(names = "--in-place", description = "Allow -o to name IN.pdf: the result replaces it (atomically)")
    boolean inPlace;

    @Option(names = "--tsa", paramLabel = "URL", description = "An RFC 3161 TSA URL (repeatable: failover order)")
    java.util.List<String> tsa = new java.util.ArrayList<>();

    @Option(names = "--tsa-pin", paramLabel = "CERT", description = "Accept --tsa tokens only from this TSU "
            + "certificate or one it issued (PEM/DER file; repeatable)")
    java.util.List<java.nio.file.Path> tsaPins = new java.util.ArrayList<>();

    @picocli.CommandLine.Mixin
    PasswordOption password = new PasswordOption();

    @Override
    public Integer call() {
        Inputs.readable(input);
        Inputs.writable(output, input, inPlace);
        TsaClients.requireTsa(tsa, tsaPins);
        DocumentPassword documentPassword = password.documentPassword();
        PadesSignatureEngine configured;
        if (tsa.isEmpty()) {
            configured = sandboxEngine();
        } else {
            configured = PadesSignatureEngine.builder().timestampSource(TsaClients.of(tsa, tsaPins)).build();
        }
        try (PadesSignatureEngine engine = configured;
             Progress progress = Progress.ticker(err(), terminal(), "Time-stamping " + Progress.describe(input))) {
            DocumentResult result = engine.timestamp(DocumentSource.of(input), DocumentTarget.of(output), documentPassword);
            progress.close();
            ExtendCommand.print(out(), "Time-stamped", input, result);
        } finally {
            PasswordOption.destroy(documentPassword);
        }
        return 0;
    }
}
