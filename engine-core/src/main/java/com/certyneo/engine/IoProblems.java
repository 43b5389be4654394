package com.certyneo.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/** I/O failures in words, for error messages: "no such file", "permission denied", not Java exception names. */
final class IoProblems {

    private IoProblems() {
    }

    /** @return what went wrong, in lower case words, without the file name or the exception's class */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException exists) {
            return exists.getFile() + " is in the way (a file where a directory is needed)";
        }
        String reason = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            return "I/O error";
        }
        reason = reason.strip();
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
