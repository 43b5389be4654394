package com.certyneo.engine.cli;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The checks of the command line's files and values that need no engine: they run before any engine is built
 * (and before PDFBox or DSS is loaded), so that a mistyped path is reported at once, in words.
 */
final class Inputs {

    /** E.164: a plus sign, a country code that does not start with 0, at most 15 digits in all. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    /** What people write between the digits of a phone number. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.()\\-]");

    private Inputs() {
    }

    /**
     * @param file a file the command reads
     * @return {@code file}
     * @throws SignatureEngineException IO_ERROR (exit code 3) when it does not exist, is a directory or cannot be read
     */
    static Path readable(Path file) {
        if (!Files.exists(file)) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, file + ": no such file",
                    Files.isSymbolicLink(file) ? "It is a symbolic link to a file that does not exist." : "Check the path.");
        }
        if (Files.isDirectory(file)) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, file + " is a directory", "Give a file in it.");
        }
        if (!Files.isReadable(file)) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, file + ": permission denied",
                    "Check the file's permissions.");
        }
        return file;
    }

    /**
     * @param output the file a command writes (created, or replaced atomically)
     * @param input the file the command reads, or {@code null}
     * @param inPlace whether {@code --in-place} allows the output to be the input
     * @throws SignatureEngineException IO_ERROR when the output is a directory or sits under a file;
     *         INVALID_REQUEST (exit code 2) when it is the input and {@code --in-place} was not given
     */
    static void writable(Path output, Path input, boolean inPlace) {
        if (Files.isDirectory(output)) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, output + " is a directory",
                    "Name the file to write, such as -o " + output.resolve(input == null ? "out.pdf"
                            : String.valueOf(input.getFileName())) + ".");
        }
        for (Path dir = output.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot write " + output + ": " + dir
                            + " is not a directory", "Choose another output path.");
                }
                break;
            }
        }
        if (input != null && !inPlace && same(input, output)) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "-o " + output + " is the input file",
                    "Add --in-place to replace " + input + " with the result (written to a temporary file, then moved "
                            + "over it), or write the result elsewhere with -o OUT.pdf.");
        }
    }

    /** @return whether the two paths name the same existing file (links followed) */
    static boolean same(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param phone a phone number as given to {@code --phone}
     * @return it in E.164 form (spaces, dots, dashes and parentheses between digits removed)
     * @throws SignatureEngineException INVALID_REQUEST when it is not an E.164 number; the message shows it masked
     */
    static String e164(String phone) {
        String compact = SEPARATORS.matcher(phone.strip()).replaceAll("");
        if (!E164.matcher(compact).matches()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "--phone " + mask(compact) + " is not an international (E.164) number",
                    "Write + then the country code and the number (at most 15 digits), such as --phone +33612345678.");
        }
        return compact;
    }

    /** @return the number with all but its first three and last two characters hidden (error messages get logged) */
    static String mask(String phone) {
        if (phone.length() <= 5) {
            return "*".repeat(phone.length());
        }
        return phone.substring(0, 3) + "*".repeat(phone.length() - 5) + phone.substring(phone.length() - 2);
    }
}
