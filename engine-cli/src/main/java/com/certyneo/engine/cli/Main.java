package com.certyneo.engine.cli;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code certyneo} command line: sign, validate, export the sandbox PKI and run the demo.
 *
 * <p>Exit codes: 0 success, 1 validation failed, 2 usage error, 3 input error (unreadable or
 * encrypted PDF, I/O, a document over the time or size limit: RESOURCE_LIMIT), 4 signing or time-stamp error.
 */
@Command(name = "certyneo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Certyneo Signing Engine: PAdES signatures at eIDAS levels (SES, AES, QES).%n"
                + "Runs on the embedded sandbox (test PKI + TSA) with zero setup; sandbox output is marked "
                + "SANDBOX - NOT LEGALLY BINDING.",
        footer = {"", "Exit codes: 0 ok, 1 validation failed, 2 usage error, 3 input error, 4 signing/TSA error."})
public final class Main implements Runnable {

    /**
     * The subcommands, in the order help lists them. They are added by {@link #commandLine}, not named in the
     * {@code @Command} annotation: picocli builds the model of every command it is given from its annotations, and
     * a command line that names its command only needs that one.
     */
    static final Map<String, Class<?>> COMMANDS = commands(
            "sign", SignCommand.class, "validate", ValidateCommand.class, "extend", ExtendCommand.class,
            "timestamp", TimestampCommand.class, "fields", FieldsCommand.class, "tsa", TsaCommand.class, "pki", PkiCommand.class,
            "audit", AuditCommand.class, "demo", DemoCommand.class, "help", CommandLine.HelpCommand.class);

    /** Exit code: a signature did not validate. */
    static final int VALIDATION_FAILED = 1;
    /** Exit code: the command line is wrong. */
    static final int USAGE = 2;
    /** Exit code: the input document or a file is unusable. */
    static final int INPUT = 3;
    /** Exit code: keys, certificates or time-stamping failed. */
    static final int SIGNING = 4;

    @Mixin
    HomeOption home;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, also print the stack trace of its cause")
    boolean debug;

    @Spec
    CommandSpec spec;

    /** Whether a person watches standard error: {@link Progress} is shown only then. */
    boolean terminal;

    /** The top-level command, with no subcommand chosen yet: {@link #main(String[])} builds and runs it. */
    public Main() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /**
     * Runs the CLI and exits the JVM with its exit code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        Timing.mark("main");
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        Timing.mark("exit");
        System.exit(code);
    }

    /**
     * Runs the CLI in-process (used by tests and embedders).
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Progress.terminal());
    }

    /**
     * Runs the CLI in-process.
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @param terminal whether a person watches standard error ({@link Progress}: shown only then)
     * @return the exit code
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
        if ("validate".equals(firstArgument(args))) {
            // on another core while picocli, the engine and the document take the main thread
            com.certyneo.engine.pades.PadesSignatureEngine.preloadValidation();
        }
        CommandLine commandLine = commandLine(args);
        ((Main) commandLine.getCommand()).terminal = terminal;
        Timing.mark("command model");
        commandLine.setOut(out);
        commandLine.setErr(err);
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        // validate --json answers in JSON on standard output, errors included
        boolean json = "validate".equals(firstArgument(args)) && java.util.Arrays.asList(args).contains("--json");
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            SignatureEngineException engineError = engineError(e);
            Problem problem = engineError == null ? Problem.internal(e) : Problem.of(engineError, cmd);
            report(problem, json, out, err);
            if (engineError == null || debug) {
                (engineError == null ? e : engineError).printStackTrace(err);
            }
            return engineError == null ? SIGNING : exitCode(engineError);
        });
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            CommandLine cmd = e.getCommandLine();
            String help = cmd.getCommandSpec().qualifiedName() + " --help";
            if (json) {
                Problem.usage(e.getMessage(), "See '" + help + "'.").printJson(out);
            } else {
                err.println("error: " + ErrorCode.INVALID_REQUEST + ": " + e.getMessage());
                CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
                err.println(usageLine(cmd.getCommandSpec()));
                if (!cmd.getSubcommands().isEmpty()) {
                    err.println("Commands: " + String.join(", ", cmd.getSubcommands().keySet()));
                }
                err.println("fix: see '" + help + "'");
            }
            return USAGE;
        });
        commandLine.setExecutionStrategy(parseResult -> {
            Timing.mark("parsed");
            return new CommandLine.RunLast().execute(parseResult);
        });
        int code;
        try {
            code = commandLine.execute(args);
        } catch (StackOverflowError e) {
            // The engine maps overflows inside PDFBox/DSS to INVALID_PDF; anything left is a bug: no wall of frames.
            report(new Problem("INTERNAL", "stack overflow (the input may be nested too deeply)",
                    "Rerun with --debug for the trace, and report it."), json, out, err);
            if (debug) {
                e.printStackTrace(err);
            }
            code = SIGNING;
        }
        out.flush();
        err.flush();
        return code;
    }

    private static void report(Problem problem, boolean json, PrintWriter out, PrintWriter err) {
        if (json) {
            problem.printJson(out);
        } else {
            problem.printText(err);
        }
    }

    /**
     * @return one line: the command, its required options, {@code [OPTIONS]} for the others, its parameters, such
     * as {@code Usage: certyneo sign --output=OUT.pdf --signer="NAME <EMAIL>" [OPTIONS] IN.pdf}
     */
    static String usageLine(CommandLine.Model.CommandSpec spec) {
        StringBuilder line = new StringBuilder("Usage: ").append(spec.qualifiedName());
        boolean others = false;
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            if (option.required()) {
                line.append(' ').append(option.longestName())
                        .append(option.arity().max() > 0 ? "=" + option.paramLabel() : "");
            } else if (!option.hidden()) {
                others = true;
            }
        }
        if (others) {
            line.append(" [OPTIONS]");
        }
        for (CommandLine.Model.PositionalParamSpec parameter : spec.positionalParameters()) {
            String label = parameter.paramLabel() + (parameter.arity().max() > 1 || parameter.isMultiValue() ? "..." : "");
            line.append(' ').append(parameter.required() ? label : "[" + label + "]");
        }
        if (!spec.subcommands().isEmpty()) {
            line.append(" COMMAND");
        }
        return line.toString();
    }

    /**
     * @return the command line of {@code certyneo} with the subcommand {@code args} names; without any for
     * {@code --version}; with all of them otherwise (help, a usage error: picocli then lists or suggests them)
     */
    static CommandLine commandLine(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        String first = firstArgument(args);
        Class<?> named = first == null ? null : COMMANDS.get(first);
        if (named != null && named != CommandLine.HelpCommand.class) {
            commandLine.addSubcommand(named);
        } else if (!"-V".equals(first) && !"--version".equals(first)) {
            COMMANDS.values().forEach(commandLine::addSubcommand);
        }
        return commandLine;
    }

    /** @return the first argument that is not {@code --debug} or {@code --home} (with its value), or null */
    private static String firstArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--home")) {
                i++;
            } else if (!arg.equals("--debug") && !arg.startsWith("--home=")) {
                return arg;
            }
        }
        return null;
    }

    /** @return name, class, name, class ... as a map (names, not the annotations: reading those loads every class) */
    private static Map<String, Class<?>> commands(Object... namesAndClasses) {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        for (int i = 0; i < namesAndClasses.length; i += 2) {
            commands.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
        }
        return commands;
    }

    static int exitCode(SignatureEngineException e) {
        return switch (e.code().category()) {
            case USAGE -> USAGE;
            case INPUT -> INPUT;
            case SIGNING -> SIGNING;
        };
    }

    private static SignatureEngineException engineError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SignatureEngineException s) {
                return s;
            }
        }
        return null;
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"certyneo " + (v == null ? "development build" : v)};
        }
    }
}
