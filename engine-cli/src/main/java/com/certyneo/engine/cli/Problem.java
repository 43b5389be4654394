package com.certyneo.engine.cli;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.regex.Pattern;

/**
 * An error as the CLI reports it: the engine's code, its message without Java exception class names, and a fix
 * line in the CLI's terms (flags and commands, where the engine's hint names Java methods for embedders).
 * Printed as {@code error:} and {@code fix:} lines on standard error, or, for a command given {@code --json}, as
 * {@code {"error": {"code", "message", "fix"}}} on standard output.
 *
 * @param code the engine's error code, or {@code INTERNAL} for a bug
 * @param message what went wrong
 * @param fix what to do about it, possibly empty
 */
record Problem(String code, String message, String fix) {

    /** A fully qualified Java exception or error class name, with the ": " that follows it. */
    private static final Pattern QUALIFIED_EXCEPTION =
            Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");
    /** A Java method or builder call in an engine hint, such as {@code timestamp()} or {@code sealKey(...)}. */
    private static final Pattern JAVA_CALL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\((?:\\.\\.\\.|[a-z]*)\\)|\\.builder");

    /**
     * @param e an engine error
     * @param command the command line of the subcommand that failed (what was given decides some fixes)
     * @return the error in the CLI's terms
     */
    static Problem of(SignatureEngineException e, CommandLine command) {
        return new Problem(e.code().name(), clean(e.getMessage()), fix(e, command));
    }

    /** @return an unexpected failure (a bug), named by its class for the report */
    static Problem internal(Throwable e) {
        return new Problem("INTERNAL", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + clean(e.getMessage())),
                "This is a bug: rerun with --debug and report the output.");
    }

    /** @return a usage error (exit code 2), such as a missing option */
    static Problem usage(String message, String fix) {
        return new Problem(ErrorCode.INVALID_REQUEST.name(), message, fix);
    }

    /** Prints {@code error:} and {@code fix:} lines. */
    void printText(PrintWriter err) {
        err.println("error: " + code + ": " + message);
        if (!fix.isEmpty()) {
            err.println("fix: " + fix);
        }
    }

    /** Prints {@code {"error": {"code", "message", "fix"}}}. */
    void printJson(PrintWriter out) {
        out.println("{" + jsonMember() + "}");
    }

    /** @return {@code "error": {"code": ..., "message": ..., "fix": ...}}, a member of a JSON object */
    String jsonMember() {
        return "\"error\": {\"code\": " + ReportJson.str(code) + ", \"message\": " + ReportJson.str(message)
                + ", \"fix\": " + (fix.isEmpty() ? "null" : ReportJson.str(fix)) + "}";
    }

    /** @return {@code text} without fully qualified Java exception class names */
    static String clean(String text) {
        return text == null ? "" : QUALIFIED_EXCEPTION.matcher(text).replaceAll("");
    }

    /** The fix line: the engine's hint, or its CLI counterpart where the hint is written for Java callers. */
    static String fix(SignatureEngineException e, CommandLine command) {
        String hint = e.hint();
        String message = e.getMessage();
        String name = command == null ? "certyneo" : command.getCommandSpec().qualifiedName();
        boolean production = given(command, "--p12");
        switch (e.code()) {
            case MISSING_AUTHENTICATION:
                return "Authenticate the signer, then add --auth sms-otp (or email-otp, id-document, video-kyc) "
                        + "naming how; or sign at --level SES, which needs no authentication.";
            case LEVEL_NOT_CONFIGURED:
                return production
                        ? "With --p12 the CLI signs as the platform seal: add --level SES. AES and QES are available on "
                          + "the sandbox (without --p12)."
                        : "Choose --level SES or AES.";
            case MODE_MISMATCH:
                return "The key in --p12 belongs to a sandbox PKI: leave out --p12 to sign on the sandbox, or give a "
                        + "production PKCS#12 file.";
            case TSA_UNAVAILABLE:
                if (message.contains("none is configured")) {
                    return "Give a time-stamp authority with --tsa URL, or sign at --profile B-B (no time-stamp).";
                }
                return given(command, "--tsa")
                        ? "The command stopped; nothing was written. Check the --tsa URL and the network path, then run "
                          + "it again; give several --tsa URLs to fail over from one TSA to the next."
                        : "The command stopped; nothing was written. Run it again; if it keeps failing, check the "
                          + "sandbox under --home.";
            case PROFILE_NOT_SUPPORTED:
                if (message.contains("revocation")) {
                    return "Add --online-revocation to fetch OCSP responses and CRLs from the certificates' URLs, or sign "
                            + "at --profile B-T.";
                }
                break;
            case RESOURCE_LIMIT:
                if (message.contains("time limit")) {
                    return "Allow more time with --time-limit SECONDS, or check the document (a very large or malformed PDF).";
                }
                if (message.contains("within the heap")) {
                    return "Give the JVM more heap (CERTYNEO_JAVA_OPTS=-Xmx8g ./certyneo ...), or split the document.";
                }
                if (message.contains("objects per document")) {
                    return "The CLI keeps the engine's default object limit: split the document into smaller ones.";
                }
                break;
            case INVALID_REQUEST:
                if (hint.contains("timestamp()")) {
                    return "Sign it first with 'certyneo sign', or add a document time-stamp with 'certyneo timestamp'.";
                }
                break;
            case INVALID_EVIDENCE:
                if (JAVA_CALL.matcher(hint).find()) {
                    return "Pass an evidence.json written by the platform (schema certyneo.evidence/1), such as the one "
                            + "'certyneo demo' writes, unchanged.";
                }
                break;
            default:
                break;
        }
        if (JAVA_CALL.matcher(hint).find()) {
            // written for embedders: not something a CLI user can do
            return "See '" + name + " --help' for the options; rerun with --debug for details.";
        }
        return hint;
    }

    /** @return whether the option was given on {@code command}'s line */
    private static boolean given(CommandLine command, String option) {
        return command != null && command.getParseResult() != null && command.getParseResult().hasMatchedOption(option);
    }
}
