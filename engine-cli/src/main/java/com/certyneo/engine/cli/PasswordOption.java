package com.certyneo.engine.cli;

import com.certyneo.engine.DocumentPassword;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import picocli.CommandLine.Option;

/**
 * The {@code --password-env VAR} option of sign, validate, extend and timestamp: the password of an encrypted PDF,
 * read from an environment variable (passwords are never taken on the command line, where other users of the machine
 * see them).
 */
final class PasswordOption {

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Environment variable holding the password of an encrypted PDF (its user or owner password); "
                    + "not needed for a PDF protected by an owner password only whose permissions allow signing")
    String variable;

    /**
     * @return the password's characters (the caller clears them once the request is built), or {@code null} when
     *         the option is not given
     * @throws SignatureEngineException INVALID_REQUEST when the variable is not set
     */
    char[] password() {
        if (variable == null) {
            return null;
        }
        String value = System.getenv(variable);
        if (value == null) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The password variable " + variable
                    + " is not set", "export " + variable + "=... before running, or name another variable with "
                    + "--password-env.");
        }
        return value.toCharArray();
    }

    /**
     * @return the password for an engine operation (the caller destroys it after the operation), or {@code null}
     *         when the option is not given
     * @throws SignatureEngineException INVALID_REQUEST when the variable is not set
     */
    DocumentPassword documentPassword() {
        char[] chars = password();
        if (chars == null) {
            return null;
        }
        try {
            return DocumentPassword.of(chars);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    /** Destroys {@code password} when there is one. */
    static void destroy(DocumentPassword password) {
        if (password != null) {
            password.destroy();
        }
    }
}
